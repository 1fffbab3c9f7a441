from __future__ import annotations

from transforms.testing import pipeline_from_yaml as build
from transforms.testing import run_pipeline


def test_map_builds_output_from_expressions() -> None:
    pipeline = build("""
- step: map
  label: m
  template: {id: order.id, total: "sum(items[].qty)", first: "items[0].sku"}
""")
    payload = {"order": {"id": "A1"}, "items": [{"sku": "X", "qty": 2}, {"sku": "Y", "qty": 3}]}
    assert run_pipeline(pipeline, payload)[0].payload == {"id": "A1", "total": 5, "first": "X"}


def test_map_constants_raw_strings_and_numbers() -> None:
    pipeline = build("""
- step: map
  label: m
  template: {a: {$const: "text with spaces"}, b: "'raw'", c: 7, d: true, e: null}
""")
    assert run_pipeline(pipeline, {})[0].payload == {
        "a": "text with spaces",
        "b": "raw",
        "c": 7,
        "d": True,
        "e": None,
    }


def test_map_each_builds_one_object_per_element_with_root_access() -> None:
    pipeline = build("""
- step: map
  label: m
  template:
    lines:
      $each: items
      $to: {sku: sku, currency: {$root: currency}}
""")
    payload = {"currency": "EUR", "items": [{"sku": "X"}, {"sku": "Y"}]}
    assert run_pipeline(pipeline, payload)[0].payload == {
        "lines": [{"sku": "X", "currency": "EUR"}, {"sku": "Y", "currency": "EUR"}]
    }


def test_map_context_values() -> None:
    pipeline = build("""
- step: map
  label: m
  template: {partner: {$ctx: partner_id}, at: {$ctx: now}, route: {$ctx: route_id}}
""")
    assert run_pipeline(pipeline, {}, partner="acme")[0].payload == {
        "partner": "acme",
        "at": "2026-11-23T14:00:00Z",
        "route": "test",
    }


def test_map_omit_nulls_leaves_out_missing_values() -> None:
    pipeline = build("""
- {step: map, label: m, omit_nulls: true, template: {a: a, b: b, c: {d: d}}}
""")
    assert run_pipeline(pipeline, {"a": 1})[0].payload == {"a": 1, "c": {}}


def test_map_copies_objects_it_takes_from_the_input() -> None:
    pipeline = build("""
- {step: map, label: m, template: {ship_to: address, bill_to: address}}
- {step: set, label: s, fields: {ship_to.name: "'Ann'"}}
""")
    out = run_pipeline(pipeline, {"address": {"city": "Austin"}})[0].payload
    assert out == {"ship_to": {"city": "Austin", "name": "Ann"}, "bill_to": {"city": "Austin"}}


def test_custom_functions_are_available() -> None:
    pipeline = build("""
- step: map
  label: m
  template:
    a: upper(code)
    b: concat(first, ' ', last)
    c: pad_left(n, `6`, '0')
    d: coalesce(missing, `0`)
    e: split(tags, ',')
""")
    payload = {"code": "ab", "first": "Ann", "last": "Lee", "n": 42, "tags": "x,y"}
    assert run_pipeline(pipeline, payload)[0].payload == {
        "a": "AB",
        "b": "Ann Lee",
        "c": "000042",
        "d": 0,
        "e": ["x", "y"],
    }


def test_map_copies_elements_placed_whole_and_iterated() -> None:
    pipeline = build("""
- step: map
  label: m
  template:
    raw: items
    lines: {$each: items, $to: {dims: dims}}
- {step: set, label: s, fields: {"lines[].dims.unit": "'CM'"}}
""")
    out = run_pipeline(pipeline, {"items": [{"dims": {"w": 1}}]})[0].payload
    assert out == {"raw": [{"dims": {"w": 1}}], "lines": [{"dims": {"w": 1, "unit": "CM"}}]}


def test_map_copies_root_objects_placed_in_every_element() -> None:
    pipeline = build("""
- step: map
  label: m
  template: {lines: {$each: items, $to: {buyer: {$root: buyer}}}}
- {step: set, label: s, fields: {"lines[0].buyer.name": "'changed'"}}
""")
    out = run_pipeline(pipeline, {"buyer": {"name": "Ann"}, "items": [1, 2]})[0].payload
    assert out["lines"] == [{"buyer": {"name": "changed"}}, {"buyer": {"name": "Ann"}}]


def test_set_copies_the_objects_it_takes() -> None:
    pipeline = build("""
- {step: set, label: s, fields: {bill_to: ship_to}}
- {step: set, label: t, fields: {bill_to.name: "'Bob'"}}
""")
    out = run_pipeline(pipeline, {"ship_to": {"name": "Ann"}})[0].payload
    assert out == {"ship_to": {"name": "Ann"}, "bill_to": {"name": "Bob"}}


def test_map_of_non_object_input_gives_nulls() -> None:
    pipeline = build("- {step: map, label: m, template: {a: a, b: b.c, all: '@'}}")
    assert run_pipeline(pipeline, [1, 2])[0].payload == {"a": None, "b": None, "all": [1, 2]}


def test_map_if_leaves_out_an_optional_sub_object_whose_source_is_absent() -> None:
    pipeline = build("""
- step: map
  label: m
  omit_nulls: true
  template:
    fee: {$if: fee, $then: {amount: fee, currency: cur}}
    lines:
      $each: items
      $to:
        sku: sku
        discount: {$if: cut, $then: {amount: cut, currency: {$root: cur}}}
""")
    payload = {"cur": "USD", "fee": "4.95", "items": [{"sku": "A", "cut": "0"}, {"sku": "B"}]}
    assert run_pipeline(pipeline, payload)[0].payload == {
        "fee": {"amount": "4.95", "currency": "USD"},
        "lines": [{"sku": "A", "discount": {"amount": "0", "currency": "USD"}}, {"sku": "B"}],
    }
    empty = {"cur": "USD", "fee": "", "items": [{"sku": "B", "cut": None}]}
    assert run_pipeline(pipeline, empty)[0].payload == {"lines": [{"sku": "B"}]}


def test_map_if_keeps_zero_and_false_follows_jmespath_truth() -> None:
    pipeline = build("""
- step: map
  label: m
  template: {a: {$if: n, $then: "'yes'"}, b: {$if: flag, $then: "'yes'"}, c: {$if: l, $then: l}}
""")
    assert run_pipeline(pipeline, {"n": 0, "flag": False, "l": []})[0].payload == {
        "a": "yes",
        "b": None,
        "c": None,
    }
