"""``python -m transforms.model [PATH]``: write the canonical JSON Schema (default
``docs/schemas/canonical.json``)."""

from __future__ import annotations

import sys
from pathlib import Path

from transforms.model.schema import write_canonical_schema

write_canonical_schema(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/schemas/canonical.json"))
