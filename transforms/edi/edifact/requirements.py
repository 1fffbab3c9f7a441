"""Which EDIFACT data elements the directory in UNH (S009: ``D:96A``) makes mandatory.

As for X12 (``transforms.edi.x12.requirements``): an empty element the message's
directory makes mandatory rejects the message (CONTRL code 13, missing); one it leaves
conditional is not the partner's error, and a message the canonical model cannot map
without it is handed over as ``edi.unmapped``. Ranges are ``(from, until)`` directory
keys, ``until`` exclusive; among the elements the mappers require, the directories
from D.93A to D.21B agree (BGM 1004 document number and PRI 5118 price are
conditional in all of them), so every listed range is open.
"""

from __future__ import annotations

ALWAYS = ((1900, ""), (9999, ""))

MANDATORY: dict[tuple[str, int, int], tuple[tuple[int, str], tuple[int, str]]] = {
    ("DTM", 1, 1): ALWAYS,  # C507 2005 date/time/period function code qualifier
    ("QTY", 1, 1): ALWAYS,  # C186 6063 quantity type code qualifier
    ("QTY", 1, 2): ALWAYS,  # C186 6060 quantity
    ("RFF", 1, 1): ALWAYS,  # C506 1153 reference code qualifier
    ("UCI", 1, 1): ALWAYS,  # 0020 interchange control reference (CONTRL)
    ("UCI", 4, 1): ALWAYS,  # 0083 action, coded (CONTRL)
}


def directory_key(version: str, release: str) -> tuple[int, str]:
    """``D``/``96A`` → (1996, "A"); ``D``/``03B`` → (2003, "B"); unknown → (0, "")."""
    if version != "D" or len(release) != 3 or not release[:2].isdigit():
        return (0, "")
    year = int(release[:2])
    return (1900 + year if year >= 90 else 2000 + year, release[2])


def is_mandatory(tag: str, element: int, component: int, directory: tuple[int, str]) -> bool:
    """Whether ``directory`` makes the component mandatory (unknown directory: if any
    directory does)."""
    span = MANDATORY.get((tag, element, component))
    if span is None:
        return False
    return directory == (0, "") or span[0] <= directory < span[1]
