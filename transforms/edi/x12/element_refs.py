"""X12 data element reference numbers (AK402/IK402) for the elements the mappers read."""

from __future__ import annotations

ELEMENT_REFS: dict[tuple[str, int], str] = {
    ("BEG", 3): "324", ("BEG", 5): "373", ("BSN", 2): "396", ("BSN", 3): "373",
    ("BSN", 4): "337", ("DTM", 2): "373", ("DTM", 3): "337", ("G62", 2): "373",
    ("HL", 1): "628", ("HL", 2): "734", ("HL", 3): "735", ("LIN", 3): "234",
    ("MAN", 2): "87", ("PO1", 2): "330", ("PO1", 4): "212", ("PO1", 7): "234",
    ("PRF", 1): "324", ("SAC", 5): "610", ("SN1", 2): "382", ("TXI", 2): "782",
    ("W01", 1): "330", ("W01", 2): "355", ("W01", 5): "234", ("AK1", 1): "479",
    ("AK1", 2): "28", ("AK9", 1): "715",
}  # fmt: skip


def element_ref(segment_id: str, element: int | None) -> str:
    """The reference number of ``segment_id``'s element ``element``, or ``""``."""
    if element is None:
        return ""
    return ELEMENT_REFS.get((segment_id, element), "")
