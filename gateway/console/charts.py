"""Small inline SVG line charts: one series of (time, value) over the last hour."""

from __future__ import annotations

from collections.abc import Sequence

from gateway.console.html import esc

__all__ = ["sparkline"]

WIDTH, HEIGHT = 240, 48
COLUMN_PX = 2


def _fmt(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def _columns(
    points: Sequence[tuple[float, float | None]], span_s: float
) -> list[tuple[float, float | None]]:
    """At most one point per COLUMN_PX of width: the largest value of its column (a
    peak stays visible; an hour of 5 s samples is 720 points for 120 columns)."""
    if len(points) <= WIDTH // COLUMN_PX:
        return list(points)
    end = points[-1][0]
    step = span_s / (WIDTH // COLUMN_PX)
    columns: dict[int, tuple[float, float | None]] = {}
    for at, value in points:
        column = int((end - at) // step)
        kept = columns.get(column)
        if kept is None or (value is not None and (kept[1] is None or value > kept[1])):
            columns[column] = (at, value)
    return [columns[c] for c in sorted(columns, reverse=True)]


def sparkline(
    title: str, points: Sequence[tuple[float, float | None]], *, unit: str = "", span_s: float
) -> str:
    """A chart titled ``title`` with its latest value; gaps where a value is None."""
    points = _columns(points, span_s)
    known = [v for _, v in points if v is not None]
    top = max(known, default=0.0) or 1.0
    end = points[-1][0] if points else 0.0
    paths: list[str] = []
    run: list[str] = []
    for at, value in points:
        if value is None:
            if run:
                paths.append(" ".join(run))
            run = []
            continue
        x = WIDTH - (end - at) / span_s * WIDTH
        y = HEIGHT - 2 - value / top * (HEIGHT - 4)
        run.append(f"{'M' if not run else 'L'}{x:.1f},{y:.1f}")
    if run:
        paths.append(" ".join(run))
    latest = "-" if not known or points[-1][1] is None else _fmt(points[-1][1] or 0.0) + unit
    lines = "".join(f'<path d="{p}"/>' for p in paths)
    return (
        f'<figure class="chart"><figcaption>{esc(title)} <b>{esc(latest)}</b>'
        f" <small>max {esc(_fmt(max(known, default=0.0)))}{esc(unit)}</small></figcaption>"
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img"'
        f' aria-label="{esc(title)}">{lines}</svg></figure>'
    )
