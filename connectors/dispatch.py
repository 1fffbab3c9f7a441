"""From an AMQP message to the target: decode, pick the delivery, run its pipeline, send.

Built once per worker: every delivery of the target gets its outbound pipeline compiled
and its connector built here, so a configuration problem stops the worker at start, not
on the first message. A message that is not an envelope, or whose event no delivery of
this target takes, is undeliverable (permanent); a pipeline error is a mapping failure
(permanent) naming the step label.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

import msgspec

from connectors.errors import ConnectorConfigError
from connectors.http_core import HttpCore
from connectors.job import Job
from connectors.kinds import Connector, Outbound, build_connector
from connectors.outcome import Delivered, MappingFailed, UndeliverableMessage
from connectors.subscriptions import SubscriptionStore
from omnihub.config.model import Delivery, HubConfig
from omnihub.envelope import decode_envelope
from omnihub.monitor.sent_groups import SentGroups
from transforms.edi import ControlNumberAllocator
from transforms.pipeline import (
    Pipeline,
    PipelineCompileError,
    PipelineContext,
    PipelineError,
    compile_pipeline,
)

__all__ = ["DeliveryPlan", "Dispatcher", "build_dispatcher"]


class DeliveryPlan:
    """One delivery of the target, ready to run."""

    __slots__ = ("connector", "delivery", "delivery_id", "pipeline")

    def __init__(
        self, delivery_id: str, delivery: Delivery, pipeline: Pipeline | None, connector: Connector
    ) -> None:
        self.delivery_id = delivery_id
        self.delivery = delivery
        self.pipeline = pipeline
        self.connector = connector


class Dispatcher:
    def __init__(self, target: str, by_event: Mapping[str, DeliveryPlan]) -> None:
        self.target = target
        self.by_event = dict(by_event)

    def route(self, job: Job) -> DeliveryPlan:
        """Decode the envelope and find its delivery, filling in the job."""
        try:
            job.envelope = decode_envelope(job.message.body)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise UndeliverableMessage(f"not an omnihub envelope: {exc}") from None
        plan = self.by_event.get(job.envelope.event)
        if plan is None:
            raise UndeliverableMessage(
                f"no delivery of target '{self.target}' takes '{job.envelope.event}' "
                f"(it takes: {', '.join(sorted(self.by_event)) or 'nothing'})"
            )
        job.delivery_id, job.delivery = plan.delivery_id, plan.delivery
        return plan

    async def deliver(self, job: Job, plan: DeliveryPlan) -> Delivered | None:
        """Run the pipeline and send each output; None when there was nothing to send."""
        envelope = job.envelope
        assert envelope is not None and job.traceparent is not None
        outputs: list[tuple[object, str]]
        if plan.pipeline is None:
            outputs = [(envelope.payload, envelope.event)]
        else:
            ctx = PipelineContext(
                route_id=plan.delivery_id,
                now=datetime.now(UTC),
                partner_id=envelope.partner,
                event_type=envelope.event,
            )
            try:
                produced = plan.pipeline(envelope.payload, ctx)
            except PipelineError as exc:
                raise MappingFailed(
                    f"pipeline of delivery '{plan.delivery_id}', step '{exc.step}': {exc}"
                ) from None
            outputs = [(o.payload, o.event_type or envelope.event) for o in produced]
        results: list[Delivered] = []
        for i, (payload, event_type) in enumerate(outputs):
            key = envelope.id if len(outputs) == 1 else f"{envelope.id}:{i + 1}"
            out = Outbound(
                envelope=envelope,
                payload=payload,
                event_type=event_type,
                idempotency_key=key,
                traceparent=job.traceparent,
            )
            result = await plan.connector.deliver(out)
            if result is not None:
                results.append(result)
        if not results:
            return None
        references = [r.reference for r in results if r.reference]
        return Delivered(
            status=results[-1].status,
            latency_ms=sum(r.latency_ms for r in results),
            reference=", ".join(references) if references else None,
            requests=len(results),
        )


def build_dispatcher(
    config: HubConfig,
    target: str,
    core: HttpCore,
    store: Callable[[], SubscriptionStore],
    *,
    control_numbers: ControlNumberAllocator | None = None,
    sent_groups: SentGroups | None = None,
) -> Dispatcher:
    """Compile every delivery of ``target``; `ConnectorConfigError` names what is wrong."""
    spec = config.targets[target]
    by_event: dict[str, DeliveryPlan] = {}
    for did, delivery in sorted(config.deliveries_for(target).items()):
        pipeline: Pipeline | None = None
        if delivery.pipeline:
            try:
                pipeline = compile_pipeline(delivery.pipeline, tables=config.tables, name=did)
            except PipelineCompileError as exc:
                raise ConnectorConfigError(f"delivery '{did}'", str(exc)) from None
        connector = build_connector(
            target,
            spec,
            did,
            delivery,
            core,
            store,
            control_numbers=control_numbers,
            sent_groups=sent_groups,
            directory=config.directory,
        )
        plan = DeliveryPlan(did, delivery, pipeline, connector)
        for event in delivery.events:
            by_event[event] = plan
    return Dispatcher(target, by_event)
