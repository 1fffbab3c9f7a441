"""The console's HTML: escaping, the page frame, tables and forms. Server-rendered, so
a page is one request and needs no JavaScript to read; `static/console.js` only
refreshes the overview and asks before destructive actions."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from urllib.parse import quote

__all__ = ["NAV", "esc", "find_href", "form", "link", "page", "table", "when"]

NAV = (
    ("/console/", "Overview"),
    ("/console/find", "Find a message"),
    ("/console/dlq", "Dead letters"),
    ("/console/archive", "Archive replay"),
    ("/console/partners", "Partners"),
    ("/console/config", "Configuration"),
    ("/console/audit", "Audit log"),
)


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def link(href: str, text: object) -> str:
    """``<a>`` to ``href`` (built from escaped parts) showing ``text``, escaped."""
    return f'<a href="{href}">{esc(text)}</a>'


def find_href(key: str) -> str:
    """The Find page for ``key``, ready to put in an attribute."""
    return esc(f"/console/find?q={quote(key, safe='')}")


def when(value: datetime | float | None) -> str:
    if value is None:
        return "-"
    at = value if isinstance(value, datetime) else datetime.fromtimestamp(value, UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") + "Z"


def page(title: str, body: str, *, path: str, actor: str | None, csrf: str | None) -> str:
    links = "".join(
        f'<a href="{href}"{" class=here" if href == path else ""}>{esc(label)}</a>'
        for href, label in NAV
    )
    who = ""
    if actor is not None and csrf is not None:
        who = f'<span class="who">{esc(actor)}</span>' + form(
            "/console/logout", csrf, '<button type="submit">Sign out</button>'
        )
    nav = f"<nav>{links}{who}</nav>" if actor else ""
    meta = f'<meta name="csrf" content="{esc(csrf)}">' if csrf else ""
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{esc(title)} · omnihub console</title>{meta}"
        '<link rel="stylesheet" href="/console/static/console.css">'
        '<script src="/console/static/console.js" defer></script></head>'
        f'<body><header><b class="brand">omnihub</b>{nav}</header>'
        f"<main><h1>{esc(title)}</h1>{body}</main></body></html>"
    )


def form(action: str, csrf: str, inner: str, *, cls: str = "", confirm: str = "") -> str:
    extra = f' data-confirm="{esc(confirm)}"' if confirm else ""
    return (
        f'<form method="post" action="{esc(action)}" class="{cls}"{extra}>'
        f'<input type="hidden" name="csrf" value="{esc(csrf)}">{inner}</form>'
    )


def table(head: Sequence[str], rows: Iterable[Sequence[str]], *, cls: str = "") -> str:
    """Rows are HTML already (escape cells with `esc`)."""
    th = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'
