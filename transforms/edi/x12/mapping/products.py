"""Product id pairs (LIN, PO1, W01...): qualifier + id → SKU, GTIN, lot."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import msgspec

from transforms.edi.x12.segments import Segment
from transforms.model import is_valid_gs1

SKU_QUALIFIERS = ("SK", "BP", "IN", "VP", "VN", "VC", "PI", "CB", "MG")
"""Qualifiers whose id is used as the SKU, in order of preference."""
GTIN_QUALIFIERS = ("UK", "EN", "UP", "UA", "UI", "UC")
"""Qualifiers carrying a GTIN (used as SKU when no SKU qualifier is present)."""
LOT_QUALIFIER = "LT"


class ProductIds(msgspec.Struct, frozen=True):
    sku: str | None
    gtin: str | None
    lot: str | None


def pairs(segment: Segment, first: int) -> Iterator[tuple[str, str]]:
    """(qualifier, id) pairs starting at element ``first``."""
    number = first
    while number < len(segment.elements):
        qualifier, value = segment.el(number), segment.el(number + 1).strip()
        if qualifier and value:
            yield qualifier, value
        number += 2


def product_ids(segment: Segment, first: int = 2) -> ProductIds:
    """SKU, GTIN and lot from the id pairs of ``segment`` (LIN pairs start at LIN02)."""
    found = dict(_first_each(pairs(segment, first)))
    gtin = next((found[q] for q in GTIN_QUALIFIERS if q in found and _is_gtin(found[q])), None)
    sku = next((found[q] for q in SKU_QUALIFIERS if q in found), None)
    if sku is None:
        sku = next((found[q] for q in GTIN_QUALIFIERS if q in found), None)
    return ProductIds(sku=sku, gtin=gtin, lot=found.get(LOT_QUALIFIER))


def id_elements(sku: str, gtin: str | None, lot: str | None = None) -> list[str]:
    """Qualifier/id pairs for writing: SK sku, then UK gtin and LT lot when present."""
    elements = ["SK", sku]
    if gtin is not None:
        elements += ["UK", gtin]
    if lot is not None:
        elements += [LOT_QUALIFIER, lot]
    return elements


def _first_each(items: Iterator[tuple[str, str]]) -> Sequence[tuple[str, str]]:
    seen: dict[str, str] = {}
    for qualifier, value in items:
        seen.setdefault(qualifier, value)
    return list(seen.items())


def _is_gtin(value: str) -> bool:
    return len(value) in (8, 12, 13, 14) and is_valid_gs1(value)
