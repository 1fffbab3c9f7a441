"""Errors of building a worker (configuration the connectors cannot run)."""

from __future__ import annotations

from omnihub.errors import OmnihubError

__all__ = ["ConnectorConfigError"]


class ConnectorConfigError(OmnihubError):
    """A target or delivery cannot be run as configured; the message says what to change."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem
