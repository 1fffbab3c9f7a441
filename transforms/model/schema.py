"""JSON Schema of the canonical model, for the docs and the OpenAPI document.

Write the published file with ``python -m transforms.model`` (see ``__main__``);
a test checks the committed file is current.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import msgspec

from transforms.model.registry import CANONICAL_TYPES

__all__ = [
    "canonical_json_schema",
    "canonical_schema_components",
    "render_canonical_schema",
    "write_canonical_schema",
]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def canonical_schema_components(
    ref_template: str = "#/$defs/{name}",
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(schema of each top-level type by its YAML name, all component schemas by name).
    Use ``ref_template="#/components/schemas/{name}"`` for an OpenAPI document."""
    names = list(CANONICAL_TYPES)
    schemas, components = msgspec.json.schema_components(
        [CANONICAL_TYPES[n] for n in names], ref_template=ref_template
    )
    return dict(zip(names, map(_clean, schemas), strict=True)), _clean(components)


def _clean(node: Any) -> Any:
    """Descriptions taken from docstrings, dedented the same way whatever msgspec's
    version (0.23 started dedenting them itself; the published file must not change)."""
    if isinstance(node, dict):
        return {
            k: inspect.cleandoc(v) if k == "description" and isinstance(v, str) else _clean(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_clean(v) for v in node]
    return node


def canonical_json_schema() -> dict[str, Any]:
    """One JSON Schema document: ``$defs`` holds every struct, the root accepts any of
    the top-level canonical types."""
    tops, components = canonical_schema_components()
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "omnihub canonical retail model",
        "description": (
            "Money in integer minor units with an ISO 4217 currency; quantities as exact "
            "decimals (strings) with a unit of measure; times RFC 3339 in UTC."
        ),
        "anyOf": list(tops.values()),
        "$defs": components,
    }


def render_canonical_schema() -> str:
    """The schema document as stable, indented JSON text (ending with a newline)."""
    return (
        msgspec.json.format(msgspec.json.encode(canonical_json_schema()), indent=2).decode() + "\n"
    )


def write_canonical_schema(path: Path) -> None:
    """Write the schema document to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_canonical_schema(), encoding="utf-8")
