from __future__ import annotations

import pytest

from transforms.pipeline.errors import StepFailure
from transforms.pipeline.paths import PathSyntaxError, parse_path


def test_each_path_reaches_every_element() -> None:
    data = {"lines": [{"sku": "A"}, {"sku": "B"}]}
    assert parse_path("lines[].sku").values(data) == ["A", "B"]


def test_targets_describe_their_concrete_path() -> None:
    data = {"orders": [{"packs": [{"sscc": 1}, {"sscc": 2}]}]}
    described = [t.describe() for t in parse_path("orders[].packs[].sscc").targets(data)]
    assert described == ["$.orders[0].packs[0].sscc", "$.orders[0].packs[1].sscc"]


def test_negative_index_counts_from_the_end() -> None:
    assert parse_path("a[-1]").values({"a": [1, 2, 3]}) == [3]


def test_create_makes_missing_objects() -> None:
    data: dict[str, object] = {}
    for target in parse_path("a.b.c").targets(data, create=True):
        target.container[target.key] = 1
    assert data == {"a": {"b": {"c": 1}}}


def test_create_through_a_scalar_fails_with_its_path() -> None:
    with pytest.raises(StepFailure) as info:
        list(parse_path("a.b").targets({"a": 5}, create=True))
    assert info.value.path == "$.a"


@pytest.mark.parametrize("text", ["", "a..b", "a[x]", "a[]", "a.[0]"])
def test_malformed_paths_are_refused(text: str) -> None:
    with pytest.raises(PathSyntaxError):
        parse_path(text)


def test_dollar_prefix_marks_an_absolute_path() -> None:
    path = parse_path("$.currency")
    assert path.absolute and path.values({"currency": "USD"}) == ["USD"]
