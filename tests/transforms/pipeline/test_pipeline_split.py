from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from transforms.testing import pipeline_from_yaml as build
from transforms.testing import run_pipeline

BY_NODE = """
- {step: split, label: per_node, field: lines, group_by: node}
"""


def test_split_items_gives_one_message_per_element() -> None:
    pipeline = build("- {step: split, label: s, field: sales, emit: item}")
    out = run_pipeline(pipeline, {"sales": [{"id": 1}, {"id": 2}]}, event_type="sale.made")
    assert [(o.payload, o.event_type) for o in out] == [
        ({"id": 1}, "sale.made"),
        ({"id": 2}, "sale.made"),
    ]


def test_split_item_template_sees_the_item_and_the_root() -> None:
    pipeline = build("""
- step: split
  label: s
  field: sales
  emit: item
  template: {event_id: id, location_id: {$root: store}}
""")
    out = run_pipeline(pipeline, {"store": "S1", "sales": [{"id": "a"}, {"id": "b"}]})
    assert [o.payload for o in out] == [
        {"event_id": "a", "location_id": "S1"},
        {"event_id": "b", "location_id": "S1"},
    ]


def test_split_by_group_keeps_the_header_in_each_message() -> None:
    payload = {
        "order": "A1",
        "lines": [
            {"sku": "X", "node": "S1"},
            {"sku": "Y", "node": "S2"},
            {"sku": "Z", "node": "S1"},
        ],
    }
    out = run_pipeline(build(BY_NODE), payload)
    assert [o.payload for o in out] == [
        {"order": "A1", "lines": [{"sku": "X", "node": "S1"}, {"sku": "Z", "node": "S1"}]},
        {"order": "A1", "lines": [{"sku": "Y", "node": "S2"}]},
    ]


def test_split_outputs_do_not_share_objects() -> None:
    pipeline = build(BY_NODE + "- {step: set, label: mark, fields: {header.node: 'lines[0].node'}}")
    payload = {"header": {}, "lines": [{"node": "S1"}, {"node": "S2"}]}
    out = run_pipeline(pipeline, payload)
    assert [o.payload["header"] for o in out] == [{"node": "S1"}, {"node": "S2"}]


def test_split_of_empty_list_gives_no_messages() -> None:
    assert run_pipeline(build(BY_NODE), {"lines": []}) == []


lines_strategy = st.lists(
    st.fixed_dictionaries(
        {"id": st.integers(), "node": st.one_of(st.none(), st.sampled_from(["A", "B", "C"]))}
    ),
    max_size=30,
)


def _key(line: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(sorted(line.items()))


@given(lines_strategy)
def test_split_by_group_never_loses_or_duplicates_a_line(lines: list[dict[str, Any]]) -> None:
    out = run_pipeline(build(BY_NODE), {"lines": [dict(line) for line in lines]})
    produced = [line for o in out for line in o.payload["lines"]]
    assert Counter(map(_key, produced)) == Counter(map(_key, lines))
    assert all(len({line["node"] for line in o.payload["lines"]}) == 1 for o in out)


@given(lines_strategy)
def test_split_per_item_never_loses_or_duplicates_an_item(lines: list[dict[str, Any]]) -> None:
    pipeline = build("- {step: split, label: s, field: lines, emit: item}")
    out = run_pipeline(pipeline, {"lines": [dict(line) for line in lines]})
    assert [o.payload for o in out] == lines
