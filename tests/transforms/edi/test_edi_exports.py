"""The public door of transforms.edi: everything in __all__ exists, nothing else leaks."""

from __future__ import annotations

import transforms.edi as edi


def test_every_name_in_all_is_exported() -> None:
    assert [name for name in edi.__all__ if not hasattr(edi, name)] == []


def test_all_lists_every_public_name() -> None:
    public = {
        name
        for name, value in vars(edi).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("transforms")
    }
    assert public - set(edi.__all__) == set()


def test_all_is_sorted() -> None:
    assert edi.__all__ == sorted(edi.__all__)
