"""Outbound auth with fixed credentials: none, an API key header, HTTP basic."""

from __future__ import annotations

import base64

import httpx

__all__ = ["ApiKeyHeader", "Basic", "NoCredentials"]


class _Static:
    async def refresh(self, request: httpx.Request) -> bool:
        return False  # nothing to refresh: a 401 is final


class NoCredentials(_Static):
    async def apply(self, request: httpx.Request) -> None:
        return None

    def secrets(self) -> tuple[str, ...]:
        return ()


class ApiKeyHeader(_Static):
    def __init__(self, header: str, value: str) -> None:
        self._header = header
        self._value = value

    async def apply(self, request: httpx.Request) -> None:
        request.headers[self._header] = self._value

    def secrets(self) -> tuple[str, ...]:
        return (self._value,)


class Basic(_Static):
    def __init__(self, username: str, password: str) -> None:
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        self._header = f"Basic {token}"
        self._password = password

    async def apply(self, request: httpx.Request) -> None:
        request.headers["authorization"] = self._header

    def secrets(self) -> tuple[str, ...]:
        return (self._password, self._header.split(" ", 1)[1])
