"""``python -m transforms.model [DOCS_DIR]``: write the canonical JSON Schema
(``schemas/canonical.json``) and the generated part of ``canonical-model.md`` in
``DOCS_DIR`` (default ``docs``)."""

from __future__ import annotations

import sys
from pathlib import Path

from transforms.model.reference import update_model_doc
from transforms.model.schema import write_canonical_schema

docs = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
write_canonical_schema(docs / "schemas" / "canonical.json")
doc = docs / "canonical-model.md"
doc.write_text(update_model_doc(doc), encoding="utf-8")
