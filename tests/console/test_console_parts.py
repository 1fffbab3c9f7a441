"""The console's parts that need no browser: queue labels, rates from counters, the
overview's charts, sign-in and CSRF checks."""

from __future__ import annotations

from gateway.auth import ApiKeyIndex
from gateway.console.page_overview import overview_live
from gateway.console.sampler import queue_labels, traffic_rates
from gateway.console.samples import Sample, TargetSample
from gateway.console.sessions import Sessions
from omnihub.settings import Settings
from tests.support.configs import example_config
from tests.support.orders import DEMO_KEY

ADMIN_KEY = "ohk_demo_ops_Hq4Zt8Vn2Lm6Xc1Rb9Kw3Pd7"


def test_queue_labels_name_each_lane_rung_and_the_dlq_of_a_target() -> None:
    settings = Settings(prefix="t")
    labels = queue_labels(example_config(), settings)["erp"]
    assert labels["t.target.erp"] == "priority"
    assert labels["t.target.erp.bulk"] == "bulk"
    assert labels["t.target.erp.dlq"] == "dlq"
    rungs = [v for v in labels.values() if " retry " in v]
    assert rungs and all(v.split(" retry ")[0] in ("priority", "bulk") for v in rungs)
    assert all(v.split(" retry ")[1].isdigit() for v in rungs)


def test_traffic_rates_are_per_second_and_split_by_status_class() -> None:
    before = {("orders", "acme", "202"): 10.0, ("orders", "acme", "429"): 0.0}
    after = {
        ("orders", "acme", "202"): 20.0,
        ("orders", "acme", "429"): 5.0,
        ("orders", "acme", "422"): 5.0,
        ("orders", "acme", "503"): 10.0,
    }
    (rates,) = traffic_rates(before, after, elapsed=5.0).values()
    assert (rates.accepted, rates.throttled, rates.client_errors, rates.server_errors) == (
        2.0,
        1.0,
        1.0,
        2.0,
    )


def test_the_overview_shows_the_latest_dlq_and_breaker_and_a_gap_where_nothing_was_known() -> None:
    samples = [
        Sample(at=1000.0, traffic={}, targets={"erp": TargetSample(dead_letters=None)}),
        Sample(
            at=1005.0,
            traffic={},
            targets={"erp": TargetSample(dead_letters=7, breaker="open", depths={"priority": 3})},
        ),
    ]
    html = overview_live(samples, ["broker"])
    assert 'id="dlq-erp"' in html and "DLQ 7" in html
    assert "breaker open" in html
    assert "Not answering: broker" in html
    assert "queue priority <b>3</b>" in html
    assert overview_live([], []).startswith('<p class="note">The first sample')


def test_only_an_admin_key_signs_in_and_only_the_session_token_passes_csrf() -> None:
    sessions = Sessions(ApiKeyIndex(example_config()))
    assert sessions.sign_in("ohk_nothing") == "this API key is not valid"
    refused = sessions.sign_in(DEMO_KEY)
    assert isinstance(refused, str) and "lacks the admin scope" in refused
    signed = sessions.sign_in(ADMIN_KEY)
    assert not isinstance(signed, str)
    session_id, session = signed
    assert session.actor == "hub-operators/ops-demo"
    assert sessions.get(session_id) is session
    assert session.csrf_ok(session.csrf)
    assert not session.csrf_ok("") and not session.csrf_ok(None) and not session.csrf_ok("x")
    sessions.sign_out(session_id)
    assert sessions.get(session_id) is None
