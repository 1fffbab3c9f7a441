"""The operations console: a web UI over journeys, dead letters, archive replay, partners'
keys and the configuration, served by the hub (`omnihub console`, and in `omnihub dev`)."""

from gateway.console.app import create_console_app

__all__ = ["create_console_app"]
