from __future__ import annotations

from transforms.testing import matches


def test_true_does_not_match_one() -> None:
    assert not matches({"a": True}, {"a": 1}, subset=False)


def test_exact_match_refuses_extra_keys() -> None:
    assert not matches({"a": 1}, {"a": 1, "b": 2}, subset=False)


def test_subset_match_accepts_extra_keys_at_any_depth() -> None:
    assert matches({"a": [{"b": 1}]}, {"a": [{"b": 1, "c": 2}], "d": 3}, subset=True)


def test_subset_match_needs_lists_of_equal_length() -> None:
    assert not matches({"a": [1]}, {"a": [1, 2]}, subset=True)
