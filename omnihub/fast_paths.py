"""Which of the adapters' fast paths a process uses, decided once and said in one log line.

An adapter (`omnihub/adapters/`) reaches into a third-party library's private state for
speed. It does so only when the library is a version it was written against and
``OMNIHUB_FAST_PATHS`` allows it; otherwise the hub uses the library's public API. The
decision never refuses to start: the public path always works.

``OMNIHUB_FAST_PATHS``: unset or ``1`` all on, ``0`` all off, or a comma-separated list
of the adapters to keep on (``aiormq``, ``redis``), the others off.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version

__all__ = ["ENV", "fast_path"]

ENV = "OMNIHUB_FAST_PATHS"

log = logging.getLogger("omnihub.fast_paths")

_decided: dict[str, bool] = {}  # per adapter, for the life of the process


def _allowed(adapter: str) -> bool:
    setting = os.environ.get(ENV, "1").strip()
    if setting in ("", "1"):
        return True
    if setting == "0":
        return False
    return adapter in {name.strip() for name in setting.split(",")}


def _installed(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "(not installed)"


def fast_path(
    adapter: str,
    distribution: str,
    known: tuple[str, ...],
    *,
    usable: Callable[[], bool] = lambda: True,
) -> bool:
    """Whether ``adapter`` may use its fast path: allowed by ``OMNIHUB_FAST_PATHS``, the
    installed ``distribution`` starts with one of the ``known`` version prefixes and
    ``usable()`` (a look at the attributes it needs) holds. Decided on the first call,
    logged once; later calls return the same answer."""
    decided = _decided.get(adapter)
    if decided is not None:
        return decided
    installed = _installed(distribution)
    if not _allowed(adapter):
        decided, why = False, f"{ENV} turns it off"
    elif not installed.startswith(known):
        decided, why = False, f"{distribution} {installed} is not a version it knows ({known})"
    elif not usable():
        decided, why = False, f"{distribution} {installed} lacks what the fast path uses"
    else:
        decided, why = True, f"{distribution} {installed}"
    _decided[adapter] = decided
    path = "fast path" if decided else "public API"
    log.info("%s: using the %s (%s)", adapter, path, why)
    return decided
