"""Functions omnihub adds to JMESPath (on top of the standard library of functions).

=========================  ==========================================================
``lower(s)``               ``s`` in lower case
``upper(s)``               ``s`` in upper case
``trim(s)``                ``s`` without leading and trailing whitespace
``split(s, sep)``          list of the parts of ``s`` between ``sep``
``replace(s, old, new)``   ``s`` with every ``old`` replaced by ``new``
``concat(a, b, ...)``      text of all arguments joined; null counts as ""
``pad_left(v, n, fill)``   text of ``v`` left-padded with ``fill`` to ``n`` characters
``coalesce(a, b, ...)``    first argument that is not null (unlike ``||``, keeps
                           ``false``, ``0`` and ``""``)
``items(obj)``             ``[[key, value], ...]`` of an object
``from_items(pairs)``      object from ``[[key, value], ...]``
=========================  ==========================================================
"""

from __future__ import annotations

from typing import Any

import jmespath.functions
from jmespath.functions import signature

__all__ = ["OmnihubFunctions", "jmespath_options"]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class OmnihubFunctions(jmespath.functions.Functions):
    """The standard JMESPath functions plus omnihub's (see the module docstring)."""

    @signature({"types": ["string"]})
    def _func_lower(self, s: str) -> str:
        return s.lower()

    @signature({"types": ["string"]})
    def _func_upper(self, s: str) -> str:
        return s.upper()

    @signature({"types": ["string"]})
    def _func_trim(self, s: str) -> str:
        return s.strip()

    @signature({"types": ["string"]}, {"types": ["string"]})
    def _func_split(self, s: str, sep: str) -> list[str]:
        return s.split(sep) if sep else list(s)

    @signature({"types": ["string"]}, {"types": ["string"]}, {"types": ["string"]})
    def _func_replace(self, s: str, old: str, new: str) -> str:
        return s.replace(old, new)

    @signature({"types": [], "variadic": True})
    def _func_concat(self, *values: Any) -> str:
        return "".join(_text(v) for v in values)

    @signature({"types": ["string", "number"]}, {"types": ["number"]}, {"types": ["string"]})
    def _func_pad_left(self, value: Any, width: int, fill: str) -> str:
        return _text(value).rjust(int(width), fill[:1] or " ")

    @signature({"types": [], "variadic": True})
    def _func_coalesce(self, *values: Any) -> Any:
        return next((v for v in values if v is not None), None)

    @signature({"types": ["object"]})
    def _func_items(self, obj: dict[str, Any]) -> list[list[Any]]:
        return [[k, v] for k, v in obj.items()]

    @signature({"types": ["array"]})
    def _func_from_items(self, pairs: list[Any]) -> dict[str, Any]:
        return {str(pair[0]): pair[1] for pair in pairs if isinstance(pair, list) and pair}


def jmespath_options() -> jmespath.Options:
    """JMESPath options with omnihub's functions; build once per compiled pipeline."""
    return jmespath.Options(custom_functions=OmnihubFunctions())
