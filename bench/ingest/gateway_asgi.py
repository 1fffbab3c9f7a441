"""The gateway app built as ``omnihub gateway`` builds it, for other ASGI servers (granian).

granian --interface asgi --factory bench.ingest.gateway_asgi:create_gateway
"""

from __future__ import annotations

from litestar import Litestar

from gateway import create_app
from omnihub.config import load_config
from omnihub.settings import Settings

__all__ = ["create_gateway"]


def create_gateway() -> Litestar:
    settings = Settings.from_env()
    return create_app(load_config(settings.config_dir), settings)
