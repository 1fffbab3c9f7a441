"""``omnihub partners add-key | list-keys | revoke-key``: a partner's API keys.

``add-key`` prints a new key once (stdout, nowhere else) and stores its SHA-256, its
first characters and when it was created in the policies file that declares the partner.
``list-keys`` shows each key's id, prefix, creation and last use (what the gateways
recorded in Redis), never the key or its hash in full. ``revoke-key`` removes a key by
its prefix or id, after a confirmation (or ``--yes``). Running gateways re-read
`policies/` every second: an added or revoked key takes effect within seconds, on every
gateway process that reads these files, without a restart.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from typing import Any, cast

from hub.cli.common import EXIT_CONFIG, EXIT_RUNTIME, add_config_arg, settings_for
from omnihub.config.policy_keys import (
    KeyFileError,
    add_api_key,
    partner_keys,
    remove_api_key,
    shown_prefix,
)
from omnihub.settings import Settings

__all__ = ["register"]


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

    listing = partners_sub.add_parser(
        "list-keys", help="a partner's API keys: id, prefix, created, last used"
    )
    listing.add_argument("partner", help="partner id, as in policies/")
    add_config_arg(listing)
    listing.set_defaults(func=_list_keys)

    revoke = partners_sub.add_parser(
        "revoke-key", help="remove a partner's API key; gateways refuse it within seconds"
    )
    revoke.add_argument("partner", help="partner id, as in policies/")
    revoke.add_argument("prefix", help="the key's PREFIX as `list-keys` shows it, or its ID")
    revoke.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_config_arg(revoke)
    revoke.set_defaults(func=_revoke_key)
    partners.set_defaults(func=lambda _args: (partners.print_help(), EXIT_CONFIG)[1])


def _fail(message: str, code: int = EXIT_CONFIG) -> int:
    print(f"omnihub: {message}", file=sys.stderr)
    return code


def _add_key(args: argparse.Namespace) -> int:
    from gateway.auth import hash_secret, new_api_key
    from gateway.auth.apikeys import visible_prefix

    settings = settings_for(args)
    key = new_api_key()
    try:
        path, key_id = add_api_key(
            settings.config_dir, args.partner, hash_secret(key), visible_prefix(key), args.key_id
        )
    except KeyFileError as exc:
        return _fail(str(exc))
    print(key)
    print(
        f"stored key '{key_id}' ({visible_prefix(key)}...) of partner '{args.partner}' in "
        f"{path} (as its SHA-256). The key above is shown only now: hand it to the partner "
        "over a secure channel. Running gateways accept it within a few seconds.",
        file=sys.stderr,
    )
    return 0


def _last_used(settings: Settings, partner: str) -> dict[str, float] | None:
    """Key id -> epoch seconds, as the gateways recorded it; None when Redis is unreachable."""
    from redis.exceptions import RedisError

    from omnihub.redis_client import close_redis, connect_redis

    async def read() -> Any:
        client = connect_redis(settings, socket_timeout=3, socket_connect_timeout=3)
        try:
            key = settings.names.api_key_usage_key(partner)
            return await client.zrange(key, 0, -1, withscores=True)
        finally:
            await close_redis(client)

    try:
        pairs = asyncio.run(read())
    except (RedisError, OSError):
        return None
    return {bytes(member).decode(): float(score) for member, score in cast(Any, pairs)}


def _when(value: datetime | float | None) -> str:
    if value is None:
        return "-"
    at = value if isinstance(value, datetime) else datetime.fromtimestamp(value, UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _list_keys(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    try:
        keys = partner_keys(settings.config_dir, args.partner)
    except KeyFileError as exc:
        return _fail(str(exc))
    if not keys:
        print(f"partner '{args.partner}' has no API keys")
        return 0
    used = _last_used(settings, args.partner)
    rows = [("ID", "PREFIX", "CREATED", "LAST USED")]
    for key in keys:
        last = "unknown" if used is None else _when(used.get(key.id))
        rows.append((key.id, shown_prefix(key), _when(key.created), last))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print("  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[3]]))
    if used is None:
        print(
            f"(last use unknown: Redis at {settings.redis_url.split('@')[-1]} did not answer)",
            file=sys.stderr,
        )
    return 0


def _revoke_key(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    try:
        keys = partner_keys(settings.config_dir, args.partner)
    except KeyFileError as exc:
        return _fail(str(exc))
    matches = [k for k in keys if args.prefix in (shown_prefix(k), k.id)]
    if not matches:
        shown = ", ".join(f"{shown_prefix(k)} ({k.id})" for k in keys) or "none"
        return _fail(f"partner '{args.partner}' has no API key '{args.prefix}' (keys: {shown})", 1)
    if len(matches) > 1:
        ids = ", ".join(k.id for k in matches)
        return _fail(f"'{args.prefix}' names several keys ({ids}): revoke one by its id", 1)
    key = matches[0]
    if not args.yes:
        print(
            f"revoke API key '{key.id}' ({shown_prefix(key)}) of partner '{args.partner}'? "
            "Requests with it get 401 within seconds. [y/N] ",
            end="",
            file=sys.stderr,
            flush=True,
        )
        answer = sys.stdin.readline().strip().lower()
        if answer not in ("y", "yes"):
            return _fail("nothing revoked (confirm with y, or pass --yes)", EXIT_RUNTIME)
    try:
        path = remove_api_key(settings.config_dir, args.partner, key.id)
    except KeyFileError as exc:
        return _fail(str(exc))
    print(
        f"revoked API key '{key.id}' ({shown_prefix(key)}) of partner '{args.partner}' "
        f"(removed from {path}); running gateways refuse it within a few seconds"
    )
    return 0
