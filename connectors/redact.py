"""Strip secrets from text that goes into logs and attempt histories.

Two passes: the known secret values of the target (its API key, password, client secret,
current token) are replaced wherever they appear; then anything that looks like a
credential (``Bearer …``, ``"access_token": "…"``, ``password=…``) is masked. The result
is cut to a short excerpt on one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["EXCERPT_LIMIT", "MASK", "excerpt", "redact"]

MASK = "***"
EXCERPT_LIMIT = 200

_SENSITIVE = (
    r"(?:access_token|refresh_token|id_token|client_secret|password|passwd|secret"
    r"|api[_-]?key|token|authorization)"
)
_PATTERNS = (
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"),
    re.compile(rf'(?i)("{_SENSITIVE}"\s*:\s*)"[^"]*"'),
    re.compile(rf"(?i)\b({_SENSITIVE}\s*[=:]\s*)[^\s&,;\"']+"),
)
_SPACES = re.compile(r"\s+")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every known secret and credential-looking value masked."""
    for secret in sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _PATTERNS[0].sub(lambda m: f"{m.group(1)} {MASK}", text)
    text = _PATTERNS[1].sub(lambda m: f'{m.group(1)}"{MASK}"', text)
    return _PATTERNS[2].sub(lambda m: f"{m.group(1)}{MASK}", text)


def excerpt(text: str, secrets: Iterable[str] = (), limit: int = EXCERPT_LIMIT) -> str:
    """A redacted, single-line excerpt of at most ``limit`` characters."""
    flat = _SPACES.sub(" ", redact(text, secrets)).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
