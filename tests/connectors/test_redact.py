"""Secrets never reach logs or attempt histories."""

from __future__ import annotations

from connectors.redact import excerpt, redact


def test_known_secret_values_are_masked() -> None:
    assert redact("key s3cr3t-value rejected", ["s3cr3t-value"]) == "key *** rejected"


def test_bearer_and_basic_credentials_are_masked() -> None:
    text = redact("Authorization: Bearer abc.def.ghi and Basic dXNlcjpwYXNz")
    assert "abc.def" not in text and "dXNlcjpwYXNz" not in text


def test_credential_fields_in_json_are_masked() -> None:
    text = redact('{"access_token": "tok-123", "client_secret": "cs", "order": "A-1"}')
    assert "tok-123" not in text and '"cs"' not in text
    assert "A-1" in text


def test_credential_pairs_in_forms_are_masked() -> None:
    assert "hunter2" not in redact("user=ada&password=hunter2&x=1")


def test_excerpt_is_short_and_on_one_line() -> None:
    text = excerpt("line one\n\n  line two " + "x" * 500)
    assert "\n" not in text and len(text) <= 200 and text.startswith("line one line two")
