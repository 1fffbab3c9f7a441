from __future__ import annotations

from pathlib import Path

from transforms.model import (
    Order,
    canonical_json_schema,
    canonical_schema_components,
    render_canonical_schema,
)
from transforms.model.reference import render_model_reference, update_model_doc

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "docs" / "schemas" / "canonical.json"


def test_committed_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render_canonical_schema(), (
        "docs/schemas/canonical.json is stale: run `python -m transforms.model`"
    )


def test_schema_documents_fields() -> None:
    order = canonical_json_schema()["$defs"]["Order"]
    assert order["properties"]["currency"]["pattern"] == "^[A-Z]{3}$"
    assert "ISO 4217" in order["properties"]["currency"]["description"]


def test_components_can_use_openapi_references() -> None:
    tops, _ = canonical_schema_components("#/components/schemas/{name}")
    assert tops["Order"] == {"$ref": "#/components/schemas/Order"}


def test_committed_model_reference_is_current() -> None:
    doc = SCHEMA_FILE.parents[1] / "canonical-model.md"
    assert doc.read_text(encoding="utf-8") == update_model_doc(doc), (
        "docs/canonical-model.md reference is stale: run `python -m transforms.model`"
    )


def test_reference_lists_every_field_of_order() -> None:
    reference = render_model_reference()
    section = reference.split("### Order\n", 1)[1].split("###", 1)[0]
    assert all(f"| `{name}` |" in section for name in Order.__struct_fields__)
