"""``omnihub partners add-key PARTNER``: a new API key, printed once, stored as its SHA-256.

The key goes to stdout (and nowhere else); its hash is written into the policies file
that declares the partner by a text edit, so comments and layout stay as they were. The
configuration is loaded again afterwards; if it no longer loads, the file is restored.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hub.cli.common import EXIT_CONFIG, add_config_arg, settings_for
from omnihub.config import ConfigError, load_config
from omnihub.config.loader import POLICIES_DIR
from omnihub.config.yamlpos import YamlSyntaxError, parse_yaml

__all__ = ["AddKeyError", "add_api_key", "register"]


class AddKeyError(Exception):
    """The key could not be stored; the message says why and what to do."""


def register(sub: argparse._SubParsersAction[Any]) -> None:
    partners = sub.add_parser("partners", help="manage partner credentials")
    partners_sub = partners.add_subparsers(dest="partners_command", metavar="COMMAND")
    add = partners_sub.add_parser(
        "add-key", help="create an API key for a partner: printed once, stored as a hash"
    )
    add.add_argument("partner", help="partner id, as in policies/")
    add.add_argument("--id", dest="key_id", default=None, help="key id (default: key-<date>-<n>)")
    add_config_arg(add)
    add.set_defaults(func=_add_key)
    partners.set_defaults(func=lambda _args: (partners.print_help(), EXIT_CONFIG)[1])


def _add_key(args: argparse.Namespace) -> int:
    from gateway.auth import hash_secret, new_api_key

    settings = settings_for(args)
    key = new_api_key()
    try:
        path, key_id = add_api_key(settings.config_dir, args.partner, hash_secret(key), args.key_id)
    except AddKeyError as exc:
        print(f"omnihub: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    print(key)
    print(
        f"stored key '{key_id}' of partner '{args.partner}' in {path} (as its SHA-256). "
        "The key above is shown only now: hand it to the partner over a secure channel; "
        "reload the gateway to accept it.",
        file=sys.stderr,
    )
    return 0


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _partner_file(directory: Path, partner: str) -> Path:
    for path in sorted((directory / POLICIES_DIR).glob("*.yaml")):
        try:
            data = parse_yaml(path.read_text(encoding="utf-8")).data
        except YamlSyntaxError:
            continue
        if isinstance(data, dict) and partner in (data.get("partners") or {}):
            return path
    raise AddKeyError(f"no file under {directory / POLICIES_DIR} declares partner '{partner}'")


def _insert(text: str, partner: str, key_id: str, digest: str) -> str:
    doc = parse_yaml(text)
    lines = text.splitlines(keepends=True)
    base = ("partners", partner)
    entry = doc.data["partners"][partner]
    if not isinstance(entry, dict) or not entry:
        raise AddKeyError(f"partner '{partner}' is written in a form this command cannot edit")
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
            raise AddKeyError("api_keys is written in flow style ([...]): add the key by hand")
        new = []
        at = key_pos.line
    else:
        line = lines[key_pos.line - 1]
        if "[]" not in line:
            raise AddKeyError("api_keys is empty in a form this command cannot edit")
        lines[key_pos.line - 1] = line.replace("[]", "", 1).rstrip() + "\n"
        new = []
        item_col = _indent(line) + 2
        at = key_pos.line
    pad = " " * item_col
    new += [f"{pad}- id: {key_id}\n", f"{pad}  sha256: {digest}\n"]
    if at == len(lines) and lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return "".join(lines[:at] + new + lines[at:])


def add_api_key(
    directory: Path, partner: str, digest: str, key_id: str | None = None
) -> tuple[Path, str]:
    """Store `digest` as a new API key of `partner`; return the file and the key id."""
    try:
        load_config(directory)
    except ConfigError as exc:
        raise AddKeyError(
            "fix the configuration first (`omnihub routes check`):\n" + exc.report()
        ) from None
    path = _partner_file(directory, partner)
    original = path.read_text(encoding="utf-8")
    if key_id is None:
        existing = str(parse_yaml(original).data["partners"][partner])
        stamp = datetime.now(UTC).strftime("%Y%m%d")
        n = 1
        while f"key-{stamp}-{n}" in existing:
            n += 1
        key_id = f"key-{stamp}-{n}"
    path.write_text(_insert(original, partner, key_id, digest), encoding="utf-8")
    try:
        load_config(directory)
    except ConfigError as exc:
        path.write_text(original, encoding="utf-8")
        raise AddKeyError(
            f"the configuration does not load with the new key, {path} is unchanged:\n"
            + exc.report()
        ) from None
    return path, key_id
