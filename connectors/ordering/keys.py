"""Where an ordered message belongs: its ordering key, its partition, its snapshot version.

Built once per worker from the target's ordered deliveries (``ordering`` in routes.yaml).
The key is read from the canonical payload (before the delivery's pipeline), so every
worker and the intake agree on it; the partition is a stable hash of the key.
"""

from __future__ import annotations

import zlib

import msgspec

from connectors.outcome import MappingFailed, UndeliverableMessage
from omnihub.config.model import HubConfig
from omnihub.config.ordering import (
    FieldPathError,
    Segment,
    parse_field_path,
    read_field,
    version_number,
)
from omnihub.envelope import Envelope, decode_envelope

__all__ = ["OrderingKeys", "Placement"]

_encode = msgspec.json.Encoder().encode


class Placement(msgspec.Struct, frozen=True):
    """One message's place: which delivery, which key, and (snapshots) which version."""

    delivery_id: str
    key: str
    version: float | None  # None: not a snapshot event (a delta): never superseded
    version_field: str | None = None


class _Rule(msgspec.Struct, frozen=True):
    delivery_id: str
    fields: tuple[str, ...]
    paths: tuple[tuple[Segment, ...], ...]
    version_field: str | None
    version_path: tuple[Segment, ...] | None


class OrderingKeys:
    def __init__(self, config: HubConfig, target: str) -> None:
        self.partitions = config.targets[target].ordered.partitions
        self._by_event: dict[str, _Rule] = {}
        for did, delivery in sorted(config.ordered_deliveries_for(target).items()):
            ordering = delivery.ordering
            assert ordering is not None
            guard = ordering.snapshots
            fields = ordering.key_fields
            for event in delivery.events:
                snapshot = guard is not None and event in guard.events
                self._by_event[event] = _Rule(
                    did,
                    fields,
                    tuple(parse_field_path(f) for f in fields),
                    guard.version if snapshot and guard else None,
                    parse_field_path(guard.version) if snapshot and guard else None,
                )

    @property
    def events(self) -> frozenset[str]:
        return frozenset(self._by_event)

    def place(self, envelope: Envelope) -> Placement:
        """The message's placement; `MappingFailed` when a key or version field is missing."""
        rule = self._by_event.get(envelope.event)
        if rule is None:
            raise UndeliverableMessage(f"no ordered delivery takes '{envelope.event}'")
        values = []
        for name, path in zip(rule.fields, rule.paths, strict=True):
            value = read_field(envelope.payload, path)
            if value is None or isinstance(value, dict | list):
                raise MappingFailed(
                    f"ordering key of delivery '{rule.delivery_id}': field '{name}' is "
                    f"{'missing' if value is None else 'not a single value'} in the payload"
                )
            values.append(value)
        key = _encode(values).decode()
        version: float | None = None
        if rule.version_path is not None:
            raw = read_field(envelope.payload, rule.version_path)
            try:
                version = version_number(raw)
            except FieldPathError as exc:
                raise MappingFailed(
                    f"snapshot version '{rule.version_field}' of delivery "
                    f"'{rule.delivery_id}': {exc}"
                ) from None
        return Placement(rule.delivery_id, key, version, rule.version_field)

    def partition_of(self, key: str) -> int:
        """The partition of a key: stable across processes and restarts (CRC-32)."""
        return zlib.crc32(key.encode()) % self.partitions

    def partition_of_body(self, body: bytes, fallback: str) -> int:
        """The partition of a raw message; one that cannot be placed goes by ``fallback``
        (its message id): its partition's worker dead-letters it with the reason."""
        try:
            return self.partition_of(self.place(decode_envelope(body)).key)
        except (msgspec.DecodeError, msgspec.ValidationError, MappingFailed, UndeliverableMessage):
            return self.partition_of(fallback)
