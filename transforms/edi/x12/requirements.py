"""Which X12 elements the standard makes mandatory, by version (GS08, else ISA12).

A mapper needs some elements the standard leaves optional. An empty element that the
set's version makes mandatory is the partner's error: the set is rejected (AK4 code
1). An empty element that version leaves optional is not: the set is accepted and,
when the canonical model cannot do without it, handed over as ``edi.unmapped``.

Only elements that a mapper requires are listed; ranges are ``(from, until)`` with
``until`` exclusive, compared on the first six digits of GS08 (``005010X222A1`` is
``005010``).
"""

from __future__ import annotations

ALWAYS = ("000000", "999999")

MANDATORY: dict[tuple[str, int], tuple[str, str]] = {
    ("AK1", 1): ALWAYS,
    ("AK1", 2): ALWAYS,
    ("BEG", 3): ALWAYS,
    ("BEG", 5): ALWAYS,
    ("BIA", 3): ALWAYS,
    ("BIA", 4): ALWAYS,
    ("BSN", 2): ALWAYS,
    ("BSN", 3): ALWAYS,
    ("BSN", 4): ALWAYS,
    ("PRF", 1): ALWAYS,
    ("SN1", 2): ALWAYS,
    ("W01", 1): ALWAYS,
    ("W05", 2): ALWAYS,
    # 945 W06: depositor order number and shipment date are mandatory up to 003020;
    # 003030 made every W06 element after the reporting code optional.
    ("W06", 2): ("000000", "003030"),
    ("W06", 3): ("000000", "003030"),
}
"""(segment, element) → the versions in which the element is mandatory. Everything
else a mapper reads is optional or conditional in every version (PO102 quantity, DTM02
date, G62 dates, W06-04 shipment id, W12 quantities, QTY02, SAC05, TXI02)."""


CONDITIONAL: dict[tuple[str, int], tuple[int, tuple[str, str]]] = {
    # PO1 syntax note C0302: if PO103 (unit) is present, PO102 (quantity) is required.
    ("PO1", 2): (3, ALWAYS),
}
"""(segment, element) → (the element whose presence requires it, versions)."""


def standard_version(group_version: str, interchange_version: str = "") -> str:
    """The six-digit version a set follows: GS08's first six digits, else ISA12 + 0."""
    head = group_version.strip()[:6]
    if len(head) == 6 and head.isdigit():
        return head
    isa = interchange_version.strip()
    return isa + "0" if len(isa) == 5 and isa.isdigit() else ""


def _in(span: tuple[str, str], version: str) -> bool:
    return not version or span[0] <= version < span[1]


def missing_code(tag: str, element: int, present: set[int], version: str) -> str | None:
    """The AK4 code an empty ``element`` earns in ``version``: ``"1"`` mandatory,
    ``"2"`` conditionally required (``present`` holds the segment's non-empty element
    numbers), ``None`` when the standard lets it be empty. An unknown version reads
    strictest: mandatory if any version says so."""
    span = MANDATORY.get((tag, element))
    if span is not None and _in(span, version):
        return "1"
    rule = CONDITIONAL.get((tag, element))
    if rule is not None and rule[0] in present and _in(rule[1], version):
        return "2"
    return None
