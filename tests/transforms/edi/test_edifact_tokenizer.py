"""The EDIFACT tokenizer: UNA, release character, syntax 4 repetition, streaming."""

from __future__ import annotations

import pytest

from transforms.edi.edifact.syntax import Delimiters, EdifactSegment, parse_number
from transforms.edi.edifact.tokenizer import EdifactTokenizer
from transforms.edi.errors import EdifactSyntaxError
from transforms.edi.source import text_chunks

V3 = "UNB+UNOC:3+SENDER:14+RECIPIENT:14+261123:1430+42'"
V4 = "UNB+UNOC:4+SENDER:14+RECIPIENT:14+20261123:1430+42'"


def segments(text: str, chunk_size: int = 1 << 16) -> list[EdifactSegment]:
    return list(EdifactTokenizer(text_chunks(text, chunk_size=chunk_size)))


def test_default_delimiters_without_una() -> None:
    unb = segments(V3 + "UNZ+0+42'")[0]
    assert unb.element(2) == ("SENDER", "14")
    assert unb.index == 1


def test_una_sets_the_service_characters() -> None:
    text = "UNA|=.# !" + V3.replace("+", "=").replace(":", "|").replace("'", "!")
    tokenizer = EdifactTokenizer(text_chunks(text + "FTX=AAA===a#=b!"))
    found = list(tokenizer)
    assert tokenizer.delimiters.element == "="
    assert found[1].get(4) == "a=b"


def test_release_character_escapes_service_characters() -> None:
    (_, ftx) = segments(V3 + "FTX+AAA+++It?'s 5?+3?:1 ??'")
    assert ftx.get(4) == "It's 5+3:1 ?"


def test_released_terminator_does_not_end_the_segment() -> None:
    found = segments(V3 + "FTX+AAA+++a?'b'UNZ+0+42'")
    assert [s.tag for s in found] == ["UNB", "FTX", "UNZ"]
    assert found[1].get(4) == "a'b"


def test_syntax_4_splits_repetitions_on_asterisk() -> None:
    (_, com) = segments(V4 + "COM+s11:AA*s21:AA'")
    assert com.repetitions(1) == (("s11", "AA"), ("s21", "AA"))


def test_syntax_3_has_no_repetition_separator() -> None:
    (_, com) = segments(V3 + "COM+s11:AA*s21:AA'")
    assert com.get(1, 2) == "AA*s21"


def test_decimal_comma_is_read_as_a_decimal_mark() -> None:
    assert str(parse_number("8,5")) == "8.5"
    assert Delimiters.from_una(":+,? '").decimal == ","


def test_line_breaks_bom_and_missing_final_terminator_are_tolerated() -> None:
    text = "\ufeffUNA:+.? '\r\n" + V3 + "\r\nUNZ+0+42"
    assert [s.tag for s in segments(text)] == ["UNB", "UNZ"]


def test_reading_one_character_at_a_time_gives_the_same_segments() -> None:
    text = "UNA:+.? '" + V4 + "FTX+AAA+++a?'b*c'COM+1:2*3:4'UNZ+0+42'"
    assert segments(text, chunk_size=1) == segments(text)


def test_positions_restart_at_each_unb() -> None:
    found = segments(V3 + "UNZ+0+42'" + V3 + "UNZ+0+42'")
    assert [s.index for s in found] == [1, 2, 1, 2]


def test_x12_is_refused_as_not_edifact() -> None:
    with pytest.raises(EdifactSyntaxError, match="starts with UNA or UNB"):
        segments("ISA*00*          *00*")
