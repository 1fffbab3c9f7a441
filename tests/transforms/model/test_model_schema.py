from __future__ import annotations

from pathlib import Path

from transforms.model import (
    canonical_json_schema,
    canonical_schema_components,
    render_canonical_schema,
)

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "docs" / "schemas" / "canonical.json"


def test_committed_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render_canonical_schema(), (
        "docs/schemas/canonical.json is stale: run "
        "`python -m transforms.model docs/schemas/canonical.json`"
    )


def test_schema_documents_fields() -> None:
    order = canonical_json_schema()["$defs"]["Order"]
    assert order["properties"]["currency"]["pattern"] == "^[A-Z]{3}$"
    assert "ISO 4217" in order["properties"]["currency"]["description"]


def test_components_can_use_openapi_references() -> None:
    tops, _ = canonical_schema_components("#/components/schemas/{name}")
    assert tops["Order"] == {"$ref": "#/components/schemas/Order"}
