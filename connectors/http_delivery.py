"""Deliver one envelope to a target over HTTP (httpx), mapping every outcome to the tree."""

from __future__ import annotations

import httpx
import msgspec

from connectors.outcome import TransientFailure, classify_status
from omnihub.config.model import Delivery, Target
from omnihub.envelope import Envelope
from omnihub.tracecontext import TraceParent

__all__ = ["HttpDeliverer"]

_encoder = msgspec.json.Encoder()


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class HttpDeliverer:
    """One per target: a pooled httpx client and the target's base URL and timeout."""

    def __init__(self, target_id: str, target: Target) -> None:
        self.target_id = target_id
        self.target = target
        self.client = httpx.AsyncClient(
            base_url=target.base_url,
            timeout=target.timeout.total_seconds(),
            headers={"user-agent": "omnihub"},
        )

    async def deliver(self, envelope: Envelope, delivery: Delivery, body: object) -> int:
        """Send; return the status on success, raise Transient/PermanentFailure otherwise."""
        trace = TraceParent.parse(envelope.traceparent)
        headers = {
            "content-type": "application/json",
            "idempotency-key": envelope.id,
            "traceparent": (trace.child() if trace else TraceParent.start()).header(),
        }
        try:
            response = await self.client.request(
                delivery.request.method,
                delivery.request.path,
                content=_encoder.encode(body),
                headers=headers,
            )
        except httpx.TimeoutException as exc:
            raise TransientFailure(
                f"timeout calling {self.target_id}: {type(exc).__name__}"
            ) from exc
        except httpx.TransportError as exc:
            raise TransientFailure(f"cannot reach {self.target_id}: {type(exc).__name__}") from exc
        failure = classify_status(response.status_code)
        if failure is None:
            return response.status_code
        excerpt = response.text[:200]
        raise failure(
            f"{self.target_id} answered {response.status_code}: {excerpt}",
            status=response.status_code,
            retry_after_s=_retry_after(response),
        )

    async def close(self) -> None:
        await self.client.aclose()
