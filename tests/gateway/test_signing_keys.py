"""The development signing key: created once, even by gateway processes started together."""

from __future__ import annotations

import multiprocessing
import stat
from pathlib import Path
from typing import Any

from gateway.auth.signing import SigningKeys
from omnihub.config.model import HubTokenIssuer, SigningKey

PROCESSES = 6


def _issuer() -> HubTokenIssuer:
    return HubTokenIssuer(
        issuer="https://hub.test",
        signing_key="dev-1",
        keys={"dev-1": SigningKey(private_key_file=".omnihub/dev-1.pem", generate=True)},
    )


def _load(directory: str, barrier: Any, results: Any) -> None:
    barrier.wait()
    try:
        results.put(str(SigningKeys(_issuer(), Path(directory)).jwks()["keys"][0]["x"]))
    except Exception as exc:  # reported to the parent, which fails the test with it
        results.put(f"error: {type(exc).__name__}: {exc}")


def test_generated_key_is_written_once_and_private(tmp_path: Path) -> None:
    first = SigningKeys(_issuer(), tmp_path).jwks()
    again = SigningKeys(_issuer(), tmp_path).jwks()
    assert first == again
    key_file = tmp_path / ".omnihub" / "dev-1.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in key_file.parent.iterdir()] == ["dev-1.pem"]  # no staged leftovers


def test_processes_started_together_share_one_generated_key(tmp_path: Path) -> None:
    # Fresh processes (not forks of this one), each importing the module once, from a
    # server that has imported it already: the same race as separate gateway processes.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["gateway.auth.signing"])
    for attempt in range(2):
        directory = tmp_path / str(attempt)
        directory.mkdir()
        barrier, results = context.Barrier(PROCESSES), context.Queue()
        workers = [
            context.Process(target=_load, args=(str(directory), barrier, results))
            for _ in range(PROCESSES)
        ]
        for worker in workers:
            worker.start()
        keys = [results.get(timeout=60) for _ in workers]
        for worker in workers:
            worker.join(timeout=10)
        assert not [k for k in keys if k.startswith("error")], keys
        assert len(set(keys)) == 1, keys
        assert SigningKeys(_issuer(), directory).jwks()["keys"][0]["x"] == keys[0]
