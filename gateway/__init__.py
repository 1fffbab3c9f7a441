"""The partner edge: Litestar app, authentication, ingest, problem details."""

from gateway.edge.app import create_app, create_publisher

__all__ = ["create_app", "create_publisher"]
