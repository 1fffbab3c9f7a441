"""The ingest bench's goal ratios: per round when there are rounds, else of the runs."""

from __future__ import annotations

from bench.ingest.report import _ratio, _ratio_text
from bench.ingest.results import CpuShare, RunResult

CPU = CpuShare(subject=0.5, loadgen=0.0, broker=0.5, redis=0.1, machine=1.2)


def _run(kind: str, rps_runs: tuple[float, ...]) -> RunResult:
    median = sorted(rps_runs)[(len(rps_runs) - 1) // 2]
    return RunResult(
        name=kind, kind=kind, processes=1, requests=int(median * 10), seconds=10.0,
        p50_ms=1.0, p99_ms=2.0, max_ms=3.0, statuses={}, socket_errors={}, cpu=CPU,
        rps_runs=rps_runs if len(rps_runs) > 1 else (),
    )  # fmt: skip


def test_rounds_pair_each_scenario_with_the_reference_of_its_own_round() -> None:
    # the host slows down in round 2: both scenarios feel it
    raw = _run("raw", (8000.0, 4000.0, 6000.0))
    full = _run("full", (4800.0, 2600.0, 3600.0))
    assert round(full.rps / raw.rps, 2) == 0.60  # medians: rounds 3 and 3 here
    assert _ratio(full, raw) == 3600.0 / 6000.0  # median of 0.60, 0.65, 0.60
    # medians from different rounds: 4,000 (round 1) against 6,000 (round 3) reads 0.67,
    # though no round saw more than 0.70 and the middle one 0.60
    drifted = _run("full", (4000.0, 2400.0, 4200.0))
    assert round(drifted.rps / raw.rps, 2) == 0.67
    assert round(_ratio(drifted, raw) or 0, 2) == 0.60
    text = _ratio_text(full, raw, _ratio(full, raw))
    assert text == "0.60 (rounds: 0.60, 0.65, 0.60; of the medians: 0.60)"


def test_a_single_run_is_compared_as_it_is() -> None:
    raw, full = _run("raw", (5000.0,)), _run("full", (3100.0,))
    assert _ratio(full, raw) == 3100.0 / 5000.0
    assert _ratio_text(full, raw, _ratio(full, raw)) == "0.62"
    assert _ratio(full, None) is None
