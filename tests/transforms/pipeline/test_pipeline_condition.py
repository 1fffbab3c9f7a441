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


def test_a_message_only_conditions_saw_is_unchanged() -> None:
    pipeline = build("""
- step: when
  label: w
  condition: "type == 'pickup'"
  steps:
    - {step: set, label: p, fields: {fulfillment: "'pickup_in_store'"}}
- {step: filter, label: f, condition: "type != null"}
""")
    assert run_pipeline(pipeline, {"type": "home"})[0].unchanged
    assert not run_pipeline(pipeline, {"type": "pickup"})[0].unchanged  # the `when` applied


def test_any_other_step_marks_a_message_changed() -> None:
    assert not run_pipeline(build(WHEN), {"type": "home"})[0].unchanged  # `otherwise` ran
    event = build("- {step: event, label: e, type: order.flagged}")
    assert not run_pipeline(event, {"type": "home"})[0].unchanged
    split = build("- {step: split, label: s, field: lines}")
    assert not any(o.unchanged for o in run_pipeline(split, {"lines": [{"a": 1}, {"a": 2}]}))
