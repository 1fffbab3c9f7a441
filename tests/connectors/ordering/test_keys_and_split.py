"""Placement of ordered messages and the split of partitions between workers (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors import MappingFailed
from connectors.ordering import OrderingKeys, owned_partitions
from tests.connectors.ordering.support import inventory, ordered_config


def test_a_key_always_lands_in_the_same_partition_and_keys_spread(tmp_path: Path) -> None:
    keys = OrderingKeys(ordered_config(tmp_path, "http://127.0.0.1:1", partitions=8), "erp")
    first = keys.place(inventory("A", "S1", 1, 5))
    again = keys.place(inventory("A", "S1", 2, 4, kind="sale"))
    assert first.key == again.key
    assert keys.partition_of(first.key) == keys.partition_of(again.key)
    assert first.version is not None and again.version is None  # a sale is a delta
    spread = {keys.partition_of(keys.place(inventory(f"S{i}", "L", 1, 1)).key) for i in range(64)}
    assert spread == set(range(8))


def test_a_message_without_its_key_field_cannot_be_placed(tmp_path: Path) -> None:
    keys = OrderingKeys(ordered_config(tmp_path, "http://127.0.0.1:1"), "erp")
    env = inventory("A", "S1", 1, 5)
    del env.payload["location_id"]
    with pytest.raises(MappingFailed, match="field 'location_id' is missing"):
        keys.place(env)


def test_every_partition_has_exactly_one_holder_whatever_the_members() -> None:
    for members in (["a"], ["a", "b"], ["c", "a", "b"]):
        held = [owned_partitions(members, m, 8) for m in members]
        assert sorted(p for h in held for p in h) == list(range(8))
    assert owned_partitions([], "a", 4) == frozenset(range(4))  # alone: all of them
