"""Add and remove a partner's API key in the policies file that declares the partner.

Text edits, so comments and layout stay as they were; the file is replaced atomically
(a running gateway, which re-reads `policies/` every second, never sees half a file); the
configuration is loaded again afterwards, and if it no longer loads the file is restored.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from omnihub.config import ConfigError, HubConfig, load_config
from omnihub.config.loader import POLICIES_DIR
from omnihub.config.model import ApiKey
from omnihub.config.yamlpos import YamlSyntaxError, parse_yaml

__all__ = ["KeyFileError", "add_api_key", "partner_keys", "remove_api_key", "shown_prefix"]


class KeyFileError(Exception):
    """The key could not be stored or removed; the message says why and what to do."""


def shown_prefix(key: ApiKey) -> str:
    """How `list-keys` names a key: its stored prefix, else the start of its hash."""
    return key.prefix or f"sha256:{key.sha256[:8]}"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _load(directory: Path) -> HubConfig:
    try:
        return load_config(directory)
    except ConfigError as exc:
        raise KeyFileError(
            "fix the configuration first (`omnihub routes check`):\n" + exc.report()
        ) from None


def partner_keys(directory: Path, partner: str) -> list[ApiKey]:
    """The API keys of `partner` as configured."""
    config = _load(directory)
    if partner not in config.partners:
        known = ", ".join(sorted(config.partners)) or "none"
        raise KeyFileError(f"no partner '{partner}' in {directory} (known: {known})")
    return config.partners[partner].api_keys


def _partner_file(directory: Path, partner: str) -> Path:
    for path in sorted((directory / POLICIES_DIR).glob("*.yaml")):
        try:
            data = parse_yaml(path.read_text(encoding="utf-8")).data
        except YamlSyntaxError:
            continue
        if isinstance(data, dict) and partner in (data.get("partners") or {}):
            return path
    raise KeyFileError(f"no file under {directory / POLICIES_DIR} declares partner '{partner}'")


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _rewrite(directory: Path, path: Path, original: str, text: str) -> None:
    _write_atomic(path, text)
    try:
        load_config(directory)
    except ConfigError as exc:
        _write_atomic(path, original)
        raise KeyFileError(
            f"the configuration does not load after the change, {path} is unchanged:\n"
            + exc.report()
        ) from None


def _insert(text: str, partner: str, entry_lines: list[str]) -> str:
    doc = parse_yaml(text)
    lines = text.splitlines(keepends=True)
    base = ("partners", partner)
    entry = doc.data["partners"][partner]
    if not isinstance(entry, dict) or not entry:
        raise KeyFileError(f"partner '{partner}' is written in a form this command cannot edit")
    keys = entry.get("api_keys")
    key_pos = doc.keys.get((*base, "api_keys"))
    if key_pos is None:
        first_child = min(doc.keys[(*base, k)].line for k in entry)
        col = _indent(lines[first_child - 1])
        new = [f"{' ' * col}api_keys:\n"]
        item_col = col + 2
        at = doc.keys[base].line  # right below the partner's own line
    elif keys:
        first = doc.values[(*base, "api_keys", 0)]
        item_line = lines[first.line - 1]
        item_col = item_line.rfind("-", 0, first.column - 1)
        if item_col < 0:
            raise KeyFileError("api_keys is written in flow style ([...]): add the key by hand")
        new = []
        at = key_pos.line
    else:
        line = lines[key_pos.line - 1]
        if "[]" not in line:
            raise KeyFileError("api_keys is empty in a form this command cannot edit")
        lines[key_pos.line - 1] = line.replace("[]", "", 1).rstrip() + "\n"
        new = []
        item_col = _indent(line) + 2
        at = key_pos.line
    pad = " " * item_col
    new += [f"{pad}{'- ' if i == 0 else '  '}{line}\n" for i, line in enumerate(entry_lines)]
    if at == len(lines) and lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return "".join(lines[:at] + new + lines[at:])


def add_api_key(
    directory: Path, partner: str, digest: str, prefix: str, key_id: str | None = None
) -> tuple[Path, str]:
    """Store `digest` as a new API key of `partner`; return the file and the key id."""
    _load(directory)
    path = _partner_file(directory, partner)
    original = path.read_text(encoding="utf-8")
    now = datetime.now(UTC)
    if key_id is None:
        existing = str(parse_yaml(original).data["partners"][partner])
        n = 1
        while f"key-{now:%Y%m%d}-{n}" in existing:
            n += 1
        key_id = f"key-{now:%Y%m%d}-{n}"
    entry = [
        f"id: {key_id}",
        f"sha256: {digest}",
        f"prefix: {prefix}",
        f"created: {now.replace(microsecond=0).isoformat().replace('+00:00', 'Z')}",
    ]
    _rewrite(directory, path, original, _insert(original, partner, entry))
    return path, key_id


def _item_span(lines: list[str], first_line: int, dash_col: int) -> tuple[int, int]:
    """0-based [start, end) of the list item whose `- ` is on `first_line` (1-based)."""
    start = first_line - 1
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if line.strip() and _indent(line) <= dash_col:
            break
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # blank lines after the item belong to what follows
    return start, end


def remove_api_key(directory: Path, partner: str, key_id: str) -> Path:
    """Remove the API key `key_id` of `partner` from its policies file."""
    keys = partner_keys(directory, partner)
    index = next((i for i, k in enumerate(keys) if k.id == key_id), None)
    if index is None:
        raise KeyFileError(f"partner '{partner}' has no API key '{key_id}'")
    path = _partner_file(directory, partner)
    original = path.read_text(encoding="utf-8")
    doc = parse_yaml(original)
    lines = original.splitlines(keepends=True)
    item = doc.values.get(("partners", partner, "api_keys", index))
    if item is None:
        raise KeyFileError(f"API key '{key_id}' is written in a form this command cannot edit")
    dash_col = lines[item.line - 1].rfind("-", 0, item.column - 1)
    if dash_col < 0:
        raise KeyFileError("api_keys is written in flow style ([...]): remove the key by hand")
    start, end = _item_span(lines, item.line, dash_col)
    del lines[start:end]
    if len(keys) == 1:  # the list is now empty: say so, or YAML reads it as null
        head = doc.keys[("partners", partner, "api_keys")].line - 1
        lines[head] = lines[head].rstrip("\n").rstrip() + " []\n"
    _rewrite(directory, path, original, "".join(lines))
    return path
