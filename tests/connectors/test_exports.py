"""The public surface of connectors is exactly its __all__."""

from __future__ import annotations

import connectors


def test_every_exported_name_exists_and_is_public() -> None:
    for name in connectors.__all__:
        assert hasattr(connectors, name), name
        assert not name.startswith("_")
    assert sorted(connectors.__all__) == connectors.__all__
