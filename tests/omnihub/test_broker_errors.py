"""Every vendor broker error is mapped to BrokerUnavailable at the boundary."""

from __future__ import annotations

import asyncio

import aiormq.exceptions as amqp
import pytest

from omnihub.broker.errors import VENDOR_ERRORS, map_broker_errors
from omnihub.errors import BrokerUnavailable


def _instance(kind: type[BaseException]) -> BaseException:
    # Some aiormq errors need live frames to construct; the mapping looks at the type only.
    return kind.__new__(kind)


@pytest.mark.parametrize("kind", [k for k, _ in VENDOR_ERRORS], ids=lambda k: k.__name__)
async def test_vendor_error_becomes_broker_unavailable(kind: type[BaseException]) -> None:
    with pytest.raises(BrokerUnavailable) as info:
        async with map_broker_errors("doing it"):
            raise _instance(kind)
    assert str(info.value).startswith("doing it: ")


def test_the_mapping_covers_the_errors_publishing_can_raise() -> None:
    mapped = {k for k, _ in VENDOR_ERRORS}
    for needed in (
        amqp.DeliveryError,
        amqp.PublishError,
        amqp.AMQPConnectionError,
        amqp.ChannelInvalidStateError,
        asyncio.TimeoutError,
        ConnectionError,
    ):
        assert needed in mapped
