from __future__ import annotations

from transforms.testing import pipeline_from_yaml as build
from transforms.testing import run_pipeline

WHEN = """
- step: when
  label: w
  condition: "type == 'pickup'"
  steps:
    - {step: set, label: p, fields: {fulfillment: "'pickup_in_store'"}}
  otherwise:
    - {step: set, label: s, fields: {fulfillment: "'ship'"}}
"""


def test_when_runs_its_steps_when_the_condition_holds() -> None:
    assert run_pipeline(build(WHEN), {"type": "pickup"})[0].payload["fulfillment"] == (
        "pickup_in_store"
    )


def test_when_runs_otherwise_when_the_condition_fails() -> None:
    assert run_pipeline(build(WHEN), {"type": "home"})[0].payload["fulfillment"] == "ship"


def test_filter_drops_messages_whose_condition_is_false() -> None:
    pipeline = build("""
- {step: filter, label: only_paid, condition: "status == 'paid'"}
- {step: set, label: after, fields: {seen: "`true`"}}
""")
    assert run_pipeline(pipeline, {"status": "open"}) == []


def test_filter_keeps_messages_whose_condition_holds() -> None:
    pipeline = build("- {step: filter, label: only_paid, condition: \"status == 'paid'\"}")
    assert run_pipeline(pipeline, {"status": "paid"})[0].payload == {"status": "paid"}
