"""Map aio-pika / aiormq / socket errors to omnihub's broker errors, at the boundary."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiormq.exceptions as amqp
from aio_pika.exceptions import CONNECTION_EXCEPTIONS

from omnihub.errors import BrokerUnavailable

__all__ = ["MAPPED", "VENDOR_ERRORS", "map_broker_errors", "unavailable"]

# (vendor exception, what it means for a caller) — every entry is covered by a test.
VENDOR_ERRORS: tuple[tuple[type[BaseException], str], ...] = (
    (amqp.PublishError, "the broker could not route the message"),  # a DeliveryError too
    (amqp.DeliveryError, "the broker refused (nacked) the message"),
    (amqp.ChannelInvalidStateError, "the channel is closed"),
    (amqp.ChannelClosed, "the broker closed the channel"),
    (amqp.ConnectionClosed, "the connection to the broker closed"),
    (amqp.AMQPConnectionError, "cannot connect to the broker"),
    (asyncio.TimeoutError, "the broker did not confirm in time"),
    (ConnectionError, "cannot connect to the broker"),
    (OSError, "network error talking to the broker"),
)

MAPPED: tuple[type[BaseException], ...] = (TimeoutError, *CONNECTION_EXCEPTIONS)


def describe(exc: BaseException) -> str:
    for vendor, meaning in VENDOR_ERRORS:
        if isinstance(exc, vendor):
            return meaning
    return "broker error"


@asynccontextmanager
async def map_broker_errors(action: str) -> AsyncIterator[None]:
    """Turn any transport failure inside the block into `BrokerUnavailable`."""
    try:
        yield
    except MAPPED as exc:
        raise unavailable(action, exc) from exc


def unavailable(action: str, exc: BaseException) -> BrokerUnavailable:
    """The `BrokerUnavailable` for a vendor error raised while doing ``action`` (for hot
    paths that catch `MAPPED` themselves rather than enter `map_broker_errors`)."""
    return BrokerUnavailable(f"{action}: {describe(exc)} ({type(exc).__name__})")
