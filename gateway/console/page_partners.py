"""Partners: their scopes and API keys (prefix, created, last used); add a key (shown
once) or revoke one. Keys are edited in `policies/` by the same code as `omnihub
partners add-key / revoke-key`; every gateway re-reads `policies/` each second, so a
change takes effect everywhere within seconds, without a restart."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from gateway.console.html import esc, form, table, when
from gateway.console.quota import partner_quota
from gateway.console.services import ConsoleServices
from omnihub.config import ConfigError
from omnihub.config.policy_keys import shown_prefix

__all__ = ["last_used", "partners_body"]


async def last_used(services: ConsoleServices, partner: str) -> dict[str, float] | None:
    """Key id -> epoch seconds, as the gateways recorded it; None when Redis is away."""
    try:
        pairs = await services.redis.zrange(
            services.settings.names.api_key_usage_key(partner), 0, -1, withscores=True
        )
    except Exception:  # redis errors and OSError alike: shown as "unknown"
        return None
    return {bytes(m).decode(): float(s) for m, s in cast(Any, pairs)}


async def partners_body(services: ConsoleServices, csrf: str, flash: str) -> str:
    parts = [f'<p class="flash">{esc(flash)}</p>'] if flash else []
    config = await services.on_disk.load()  # what is on disk now, as the gateways read it
    if isinstance(config, ConfigError):
        parts.append(f'<pre class="error">{esc(config.report())}</pre>')
        config = services.config
    partners = sorted(config.partners.items())
    # every partner's Redis reads at once: one after another they took most of the page
    used_of, quota_of = await asyncio.gather(
        asyncio.gather(*(last_used(services, name) for name, _ in partners)),
        asyncio.gather(*(partner_quota(services, config, n, p) for n, p in partners)),
    )
    for (name, partner), used, quotas in zip(partners, used_of, quota_of, strict=True):
        keys = partner.api_keys
        rows = [
            [
                esc(k.id),
                f"<code>{esc(shown_prefix(k))}</code>",
                esc(when(k.created) if k.created else "-"),
                esc("unknown" if used is None else when(used.get(k.id))),
                form(
                    f"/console/partners/{name}/keys/{k.id}/revoke",
                    csrf,
                    f'<button type="submit" class="danger" id="revoke-{esc(k.id)}">Revoke</button>',
                    confirm=f"Revoke key {k.id} of {name}? Requests with it get 401 in seconds.",
                ),
            ]
            for k in keys
        ]
        listing = (
            table(["key", "prefix", "created", "last used", ""], rows)
            if rows
            else '<p class="note">No API keys.</p>'
        )
        add = form(
            f"/console/partners/{name}/keys",
            csrf,
            f'<button type="submit" id="add-key-{esc(name)}">Add an API key</button>',
        )
        quota = [
            f"{esc(q.tier)} ({esc(', '.join(q.routes))}): "
            f"{'?' if q.used is None else q.used} of {q.limit} per {q.seconds} s"
            for q in quotas
        ]
        use = "; ".join(quota) or "no rate-limited route"
        title = f" <small>{esc(partner.display_name)}</small>" if partner.display_name else ""
        parts.append(
            f'<section class="partner" id="partner-{esc(name)}"><h2>{esc(name)}{title}</h2>'
            f"<p>scopes: {esc(', '.join(sorted(partner.scopes)) or 'none')}; OAuth clients: "
            f"{len(partner.oauth_clients)}; webhook secrets: {len(partner.webhook_secrets)}</p>"
            f'<p class="quota">quota, used now: {use}</p>'
            f"{listing}{add}</section>"
        )
    return "".join(parts)
