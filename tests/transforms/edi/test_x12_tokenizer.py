"""The X12 tokenizer: separators from the ISA and what real files contain."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from transforms.edi.errors import X12SyntaxError
from transforms.edi.source import text_chunks
from transforms.edi.x12.segments import Segment, Separators
from transforms.edi.x12.tokenizer import X12Tokenizer

X12Builder = Callable[..., str]

BODY = [("850", ["BEG*00*SA*PO1**20261123", "PO1*1*2*EA*3.5**VN*ABC"])]


def tokens(data: str | bytes, chunk_size: int = 1 << 16) -> list[Segment]:
    return list(X12Tokenizer(text_chunks(data, chunk_size=chunk_size)))


def tags(data: str | bytes) -> list[str]:
    return [segment.tag for segment in tokens(data)]


def test_separators_come_from_the_isa(x12: X12Builder) -> None:
    seps = Separators(element="|", component="^", segment="!", repetition=None)
    tokenizer = X12Tokenizer(text_chunks(x12(*BODY, separators=seps)))
    segments = list(tokenizer)
    assert tokenizer.separators == seps
    assert segments[3].elements == ("00", "SA", "PO1", "", "20261123")


def test_segment_positions_count_from_isa(x12: X12Builder) -> None:
    assert [s.index for s in tokens(x12(*BODY))] == list(range(1, 9))


def test_repetition_separator_is_read_from_isa11_from_00402() -> None:
    tokenizer = X12Tokenizer(
        text_chunks(
            "ISA*00*          *00*          *ZZ*A              *ZZ*B              "
            "*261123*1430*^*00501*000000001*0*P*:~IEA*0*000000001~"
        )
    )
    list(tokenizer)
    assert tokenizer.separators is not None
    assert tokenizer.separators.repetition == "^"


def test_isa11_u_is_not_a_repetition_separator(x12: X12Builder) -> None:
    tokenizer = X12Tokenizer(text_chunks(x12(*BODY)))
    list(tokenizer)
    assert tokenizer.separators is not None
    assert tokenizer.separators.repetition is None


def test_byte_order_mark_is_skipped(x12: X12Builder) -> None:
    assert tags(b"\xef\xbb\xbf" + x12(*BODY).encode())[0] == "ISA"


def test_newline_as_segment_terminator(x12: X12Builder) -> None:
    seps = Separators(segment="\n")
    assert tags(x12(*BODY, separators=seps))[-1] == "IEA"


def test_crlf_after_terminators_is_ignored(x12: X12Builder) -> None:
    text = x12(*BODY).replace("~\n", "~\r\n")
    assert tags(text) == tags(x12(*BODY))


def test_newlines_instead_of_terminators_are_accepted(x12: X12Builder) -> None:
    text = x12(*BODY)
    isa, rest = text.split("~\n", 1)
    mixed = isa + "~\n" + rest.replace("~\n", "\n", 2)
    assert tags(mixed) == tags(text)


def test_missing_final_terminator_and_trailing_whitespace(x12: X12Builder) -> None:
    text = x12(*BODY).rstrip("~\n") + "  \n\n"
    segments = tokens(text)
    assert segments[-1] == Segment("IEA", ("1", "000000001"), 8)


def test_isa_padded_with_no_break_spaces_is_106_characters() -> None:
    isa = (
        "ISA*00*\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0*00*"
        + "\u00a0" * 10
        + "*ZZ*SENDER\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0"
        + "*ZZ*RECEIVER\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0"
        + "*261123*1430*U*00401*000000001*0*P*>~"
    )
    tokenizer = X12Tokenizer(text_chunks((isa + "IEA*0*000000001~").encode()))
    segments = list(tokenizer)
    assert tokenizer.isa_length == 106
    assert len(isa.encode()) > 106
    assert segments[0].el(16) == ">"


def test_several_interchanges_with_their_own_separators(x12: X12Builder) -> None:
    first = x12(*BODY)
    second = x12(*BODY, separators=Separators(element="|", component="^", segment="!"))
    segments = tokens(first + second)
    assert [s.tag for s in segments].count("ISA") == 2
    assert segments[-1] == Segment("IEA", ("1", "000000001"), 8)


def test_reading_one_character_at_a_time_gives_the_same_segments(x12: X12Builder) -> None:
    text = x12(*BODY) + x12(*BODY, separators=Separators(segment="\n"))
    assert tokens(text, chunk_size=1) == tokens(text)


def test_data_that_is_not_x12_is_refused_with_its_offset() -> None:
    with pytest.raises(X12SyntaxError, match=r"must start with ISA.*character 2"):
        tokens("  UNB+UNOA:3+X+Y+261123:1430+1'")


def test_truncated_isa_is_refused() -> None:
    with pytest.raises(X12SyntaxError, match="ends before element ISA07"):
        tokens("ISA*00*          *00*          *ZZ*SENDER")


def test_text_after_the_last_interchange_is_yielded_outside_it(x12: X12Builder) -> None:
    segments = tokens(x12(*BODY) + "JUNK*1~")
    assert segments[-1] == Segment("JUNK", ("1",), 0)


def test_segment_starting_with_isa_and_a_space_is_not_a_new_interchange(
    x12: X12Builder,
) -> None:
    text = x12(*BODY).replace("GE*1*1", "ISA NOTE*1~\nGE*1*1")
    assert "ISA NOTE" in [s.tag for s in tokens(text)]
