"""The partner edge: Litestar app, authentication, ingest, problem details."""

from gateway.edge.access_log import AccessLog
from gateway.edge.app import create_app, create_publisher

__all__ = ["AccessLog", "create_app", "create_publisher"]
