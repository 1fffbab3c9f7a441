"""API versions: deprecation and sunset headers, 410 after sunset, 404 for unknown versions.

``Deprecation: @<unix seconds>`` (RFC 9745), ``Sunset: <HTTP-date>`` (RFC 8594) and
``Link: <migration notes>; rel="deprecation"`` are computed once per version; a version
past its sunset answers 410 unless the route says ``after_sunset: serve``.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime

from gateway.edge.problems import ProblemError
from omnihub.config.model import RouteVersion

__all__ = ["VersionPolicy", "unknown_version"]


class VersionPolicy:
    __slots__ = ("gone_at", "headers", "label")

    def __init__(self, route_id: str, version: str, spec: RouteVersion) -> None:
        self.label = f"{route_id} {version}"
        headers: dict[str, str] = {}
        if spec.deprecated is not None:
            headers["Deprecation"] = f"@{int(spec.deprecated.timestamp())}"
        if spec.sunset is not None:
            headers["Sunset"] = format_datetime(spec.sunset, usegmt=True)
        if spec.migration is not None:
            headers["Link"] = f'<{spec.migration}>; rel="deprecation"; type="text/html"'
        self.headers = headers
        # From when a request is refused with `retired()` (none when the route serves on).
        self.gone_at: datetime | None = spec.sunset if spec.after_sunset == "gone" else None

    def retired(self) -> ProblemError:
        """The 410 of a request past `gone_at`: the version's sunset, the route retiring it."""
        where = f"; see {self.headers['Link'].split('>')[0][1:]}" if "Link" in self.headers else ""
        return ProblemError(
            410,
            f"{self.label} was retired on {self.headers['Sunset']}: move to a newer version"
            + where,
            kind="version-retired",
            headers=self.headers,
        )


def unknown_version(path: str, version: str, supported: list[str]) -> ProblemError:
    return ProblemError(
        404,
        f"API version '{version}' does not exist for {path}; supported: {', '.join(supported)}",
        kind="unknown-version",
        supported_versions=supported,
    )
