"""Envelope validation: ISA/IEA, GS/GE, ST/SE control numbers and counts."""

from __future__ import annotations

from collections.abc import Callable

from transforms.edi.findings import Level, Severity
from transforms.edi.x12.read import read_x12
from transforms.edi.x12.results import X12ReadResult
from transforms.edi.x12.settings import Strictness, X12ReadSettings

X12Builder = Callable[..., str]
ORDER = ("850", ["BEG*00*SA*PO1**20261123", "N1*ST*SHOP", "N3*1 MAIN ST", "N4*AKRON*OH*44301",
                 "PO1*1*2*EA*3.5**VN*ABC"])  # fmt: skip


def read(text: str, strictness: Strictness = Strictness.WARN) -> X12ReadResult:
    return read_x12(text.encode(), settings=X12ReadSettings(strictness=strictness))


def test_valid_interchange_has_no_findings(x12: X12Builder) -> None:
    result = read(x12(ORDER))
    assert result.all_findings() == []
    assert [s.accepted for s in result.sets()] == [True]


def test_se01_count_mismatch_rejects_the_set_with_its_location(x12: X12Builder) -> None:
    text = x12(ORDER).replace("SE*7*0001", "SE*12*0001")
    (item,) = result_sets = list(read(text).sets())
    assert not item.accepted and result_sets
    finding = item.findings[0]
    assert (finding.code, finding.segment_id, finding.segment_position, finding.element) == (
        "4",
        "SE",
        7,
        1,
    )


def test_se02_not_matching_st02_rejects_the_set(x12: X12Builder) -> None:
    text = x12(ORDER).replace("SE*7*0001", "SE*7*0002")
    (item,) = read(text).sets()
    assert [f.code for f in item.findings] == ["3"]


def test_missing_se_rejects_the_set(x12: X12Builder) -> None:
    text = x12(ORDER).replace("SE*7*0001~\n", "")
    (item,) = read(text).sets()
    assert not item.accepted
    assert item.findings[0].code == "2"


def test_duplicate_st02_in_a_group_rejects_the_second_set(x12: X12Builder) -> None:
    text = x12(ORDER, ORDER).replace("ST*850*0002", "ST*850*0001").replace("SE*7*0002", "SE*7*0001")
    first, second = read(text).sets()
    assert first.accepted and not second.accepted
    assert second.findings[0].code == "23"


def test_ge01_mismatch_warns_by_default(x12: X12Builder) -> None:
    text = x12(ORDER).replace("GE*1*1", "GE*2*1")
    result = read(text)
    group = result.interchanges[0].groups[0]
    assert [(f.code, f.severity) for f in group.findings] == [("5", Severity.WARNING)]
    assert [s.accepted for s in result.sets()] == [True]


def test_ge02_mismatch_rejects_the_group_when_strict(x12: X12Builder) -> None:
    text = x12(ORDER).replace("GE*1*1", "GE*1*9")
    result = read(text, Strictness.REJECT)
    assert [s.accepted for s in result.sets()] == [False]
    ack = result.interchanges[0].groups[0].ack
    assert ack is not None and ack.status.value == "R" and ack.group_codes == ("4",)


def test_iea_control_number_mismatch_warns_and_keeps_the_sets(x12: X12Builder) -> None:
    text = x12(ORDER).replace("IEA*1*000000001", "IEA*1*000000002")
    result = read(text)
    interchange = result.interchanges[0]
    finding = interchange.findings[0]
    assert (finding.level, finding.code, finding.segment_id, finding.element) == (
        Level.INTERCHANGE,
        "001",
        "IEA",
        2,
    )
    assert not interchange.rejected
    assert [s.accepted for s in result.sets()] == [True]


def test_iea_mismatch_rejects_everything_when_strict(x12: X12Builder) -> None:
    text = x12(ORDER).replace("IEA*1*000000001", "IEA*1*000000002")
    result = read(text, Strictness.REJECT)
    assert result.interchanges[0].rejected
    assert result.accepted() == []
    assert result.interchanges[0].groups[0].ack is None


def test_iea01_group_count_mismatch_is_reported(x12: X12Builder) -> None:
    text = x12(ORDER).replace("IEA*1*", "IEA*3*")
    assert [f.code for f in read(text).interchanges[0].findings] == ["021"]


def test_missing_iea_is_reported_as_premature_end(x12: X12Builder) -> None:
    text = x12(ORDER).replace("IEA*1*000000001~\n", "")
    result = read(text)
    assert [f.code for f in result.interchanges[0].findings] == ["023"]
    assert [s.accepted for s in result.sets()] == [True]


def test_missing_ge_is_reported_on_the_group(x12: X12Builder) -> None:
    text = x12(ORDER).replace("GE*1*1~\n", "")
    assert [f.code for f in read(text).interchanges[0].groups[0].findings] == ["3"]


def test_segment_between_sets_is_reported_and_ignored(x12: X12Builder) -> None:
    text = x12(ORDER).replace("GE*1*1", "XYZ*1~\nGE*1*1")
    group = read(text).interchanges[0].groups[0]
    assert [(f.segment_id, f.severity) for f in group.findings] == [("XYZ", Severity.WARNING)]


def test_segment_outside_groups_is_reported_in_the_ta1_as_invalid_content(
    x12: X12Builder,
) -> None:
    text = x12(ORDER).replace("GS*", "XYZ*1~\nGS*", 1)
    result = read(text)
    ta1 = result.interchanges[0].ta1
    assert ta1 is not None and ta1.note_code == "024"
    assert [s.accepted for s in result.sets()] == [True]


def test_each_interchange_of_a_file_is_read_and_acknowledged(x12: X12Builder) -> None:
    result = read(x12(ORDER, control=1) + x12(ORDER, ORDER, control=2))
    assert [len(list(i.groups[0].sets)) for i in result.interchanges] == [1, 2]
    assert [i.header.control_number for i in result.interchanges] == ["000000001", "000000002"]
    assert all(i.groups[0].ack is not None for i in result.interchanges)
