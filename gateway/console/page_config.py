"""Configuration as a picture: route -> event -> deliveries -> targets (with lanes), each
route's versions with their deprecation and sunset dates, and what `omnihub routes
check` says of the configuration on disk."""

from __future__ import annotations

from gateway.console.html import esc, table, when
from gateway.console.on_disk import ConfigOnDisk
from omnihub.config import ConfigError, HubConfig

__all__ = ["config_body"]


def _flow(config: HubConfig) -> str:
    rows = []
    for name, route in sorted(config.routes.items()):
        deliveries = [
            (d_name, d)
            for d_name, d in sorted(config.deliveries.items())
            if route.event in d.events
        ]
        targets = (
            "".join(
                f'<div class="node target">{esc(d.target)} <small>{esc(d_name)} · lane'
                f" {esc(d.lane.value)} · retry {esc(d.retry)}</small></div>"
                for d_name, d in deliveries
            )
            or '<div class="node none">no delivery</div>'
        )
        if route.edi:
            targets = (
                '<div class="node none">each set is published as its own canonical event '
                "(856 → asn.received, 850 → order.created, …), delivered as those are</div>"
            )
        versions = ", ".join(sorted(route.versions))
        rows.append(
            '<div class="flow">'
            f'<div class="node route"><b>{esc(name)}</b> <small>{esc(route.method)}'
            f" /{{{esc(versions)}}}{esc(route.path)}</small></div>"
            '<div class="arrow">→</div>'
            f'<div class="node event">{esc(route.event)}</div><div class="arrow">→</div>'
            f'<div class="targets">{targets}</div></div>'
        )
    return "".join(rows)


def _versions(config: HubConfig) -> str:
    rows = [
        [
            esc(name),
            esc(version),
            esc(v.schema),
            esc(when(v.deprecated) if v.deprecated else "-"),
            esc(when(v.sunset) if v.sunset else "-"),
            esc(v.after_sunset if v.sunset else ""),
        ]
        for name, route in sorted(config.routes.items())
        for version, v in sorted(route.versions.items())
    ]
    return table(["route", "version", "schema", "deprecated", "sunset", "after sunset"], rows)


async def config_body(config: HubConfig, disk: ConfigOnDisk) -> str:
    """``config``: what this console runs with; ``disk``: the files as they are now."""
    on_disk = await disk.load()
    if isinstance(on_disk, ConfigError):
        check = f'<pre class="error" id="routes-check">{esc(on_disk.report())}</pre>'
    else:
        check = (
            f'<p class="ok" id="routes-check">{esc(config.directory)}: OK — {len(on_disk.routes)}'
            " routes, "
            f"{len(on_disk.deliveries)} deliveries, {len(on_disk.partners)} partners, "
            f"{len(on_disk.targets)} targets</p>"
        )
    return (
        "<h2>routes check</h2>"
        + check
        + "<h2>Routes, events and deliveries</h2>"
        + _flow(config)
        + "<h2>Versions</h2>"
        + _versions(config)
    )
