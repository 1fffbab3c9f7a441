"""A partner's quota and current use: the rate-limit tiers of the routes its scopes open,
and how many requests each window of each tier holds right now (the gateways' sliding-
window logs in Redis, counted at Redis' clock as the gateways count them)."""

from __future__ import annotations

import msgspec

from gateway.console.services import ConsoleServices
from gateway.ingest.admission import TierLimits
from omnihub.config.model import HubConfig, Partner

__all__ = ["WindowUse", "partner_quota"]


class WindowUse(msgspec.Struct, kw_only=True, frozen=True):
    tier: str
    routes: list[str]
    limit: int
    seconds: int
    used: int | None  # None: Redis did not answer


def _tiers(config: HubConfig, partner: Partner) -> dict[str, list[str]]:
    scopes = set(partner.scopes)
    tiers: dict[str, list[str]] = {}
    for name, route in sorted(config.routes.items()):
        if route.tier in config.rate_limit_tiers and set(route.scopes) <= scopes:
            tiers.setdefault(route.tier, []).append(name)
    return tiers


async def partner_quota(
    services: ConsoleServices, config: HubConfig, name: str, partner: Partner
) -> list[WindowUse]:
    out: list[WindowUse] = []
    redis, names = services.redis, services.settings.names
    try:
        seconds, micros = await redis.time()
        now_ms: int | None = int(seconds) * 1000 + int(micros) // 1000
    except Exception:  # redis errors and OSError alike: use shown as unknown
        now_ms = None
    for tier_name, routes in _tiers(config, partner).items():
        tier = TierLimits.parse(tier_name, config.rate_limit_tiers[tier_name])
        for window in tier.windows:
            used: int | None = None
            if now_ms is not None:
                key = names.rate_limit_key(name, tier_name, window.ms)
                try:
                    used = int(await redis.zcount(key, now_ms - window.ms, "+inf"))
                except Exception:
                    used = None
            out.append(
                WindowUse(
                    tier=tier_name,
                    routes=routes,
                    limit=window.amount,
                    seconds=window.ms // 1000,
                    used=used,
                )
            )
    return out
