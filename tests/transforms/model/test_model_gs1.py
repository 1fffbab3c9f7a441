from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.model import gs1_check_digit, is_valid_gs1


def test_known_sscc_is_valid() -> None:
    assert is_valid_gs1("106141411234567897")


def test_sscc_with_wrong_check_digit_is_invalid() -> None:
    assert not is_valid_gs1("106141411234567890")


def test_known_gtin13_is_valid() -> None:
    assert is_valid_gs1("4006381333931")


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_appending_the_check_digit_gives_a_valid_code(body: str) -> None:
    assert is_valid_gs1(body + str(gs1_check_digit(body)))


def test_non_digit_body_is_refused() -> None:
    with pytest.raises(ValueError, match="digits"):
        gs1_check_digit("12A")
