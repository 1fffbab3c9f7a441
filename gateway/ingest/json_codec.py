"""The JSON codec of the ingest flow: orders and other canonical events sent as JSON, by
a partner's client or as a signed webhook (`JsonBody`), and how such a body becomes
canonical payloads (`Inbound`): decode, upgrade pipeline, validate.

`application/json` only (415 otherwise); each payload is published as one envelope and
the answer is 202 `Accepted`. A version without a pipeline decodes the body straight
into its canonical struct (one msgspec pass). A version with one first validates the
body against its declared input type(s) (`input:`, the partner's format: the same
msgspec types the OpenAPI document is generated from), decodes plain JSON, runs the
pipeline compiled at app build (old partners keep their format while the model moves
on), and validates each output against the canonical struct. Every failure is a 422
naming each failing field as a JSON pointer (and, for a pipeline, the route and step
label); bad JSON, or JSON nested too deeply to read, is a 400. What the pipeline's steps
flag about a message (a `reconcile` step with `on_mismatch: flag`) goes into the detail
of its journey's `received` entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import msgspec

from gateway.edge.problems import ProblemError
from gateway.ingest.business_keys import key_reader
from gateway.ingest.field_errors import FieldError, collect_errors, pointer
from gateway.ingest.flow import Accepting, Outcome
from omnihub.config.model import Route, RouteVersion
from transforms.formats import INPUT_TYPES
from transforms.model import CANONICAL_TYPES
from transforms.pipeline import (
    Pipeline,
    PipelineContext,
    PipelineError,
    Step,
    Table,
    compile_pipeline,
)

__all__ = ["JSON", "Canonical", "Inbound", "JsonBody", "compile_tables"]


class Canonical(msgspec.Struct, frozen=True):
    event: str
    payload: msgspec.Struct
    business_key: str | None
    flags: tuple[str, ...] = ()  # what the pipeline flagged, for the journey


def compile_tables(tables: Mapping[str, Any]) -> dict[str, Table]:
    return {k: v if isinstance(v, Table) else msgspec.convert(v, Table) for k, v in tables.items()}


def _step(spec: Any) -> Any:
    """A pipeline step as configured (already a `Step`, or its YAML mapping)."""
    return spec if isinstance(spec, Step) else msgspec.convert(spec, Step)


def _invalid(detail: str, errors: list[FieldError], **extra: Any) -> ProblemError:
    return ProblemError(
        422,
        detail,
        kind="validation-error",
        errors=[{"pointer": e.pointer, "detail": e.message, **extra} for e in errors],
    )


class Inbound:
    """Per route version; compiled once, holds no per-request state."""

    def __init__(
        self,
        route_id: str,
        route: Route,
        version: str,
        spec: RouteVersion,
        tables: dict[str, Table],
    ) -> None:
        self.route_id = route_id
        self.event = route.event
        self.schema = CANONICAL_TYPES[spec.schema]
        self._key_field = msgspec.structs.fields(self.schema)[0].name
        self._key = key_reader(route.business_key) if route.business_key else None
        self._decoder = msgspec.json.Decoder(self.schema)
        # The partner's format(s), tried in order; empty: undeclared (any JSON).
        self.inputs: list[tuple[str, type[msgspec.Struct]]] = [
            (name, INPUT_TYPES[name]) for name in spec.input_names()
        ]
        self._input_decoders = [msgspec.json.Decoder(tp) for _, tp in self.inputs]
        self.pipeline: Pipeline | None = None
        if spec.pipeline:
            steps = [_step(s) for s in spec.pipeline]
            self.pipeline = compile_pipeline(steps, tables=tables, name=f"{route_id} {version}")

    def _canonical(
        self, event: str, payload: msgspec.Struct, flags: tuple[str, ...] = ()
    ) -> Canonical:
        declared = self._key(payload) if self._key is not None else None
        if declared is not None:
            return Canonical(event, payload, declared, flags)
        key = getattr(payload, self._key_field, None)
        return Canonical(event, payload, key if isinstance(key, str) else None, flags)

    def convert(self, body: bytes, partner: str, now: datetime) -> list[Canonical]:
        try:
            return self._convert(body, partner, now)
        except RecursionError:  # the decoder, a pipeline or the field walk went too deep
            raise _too_deep() from None

    def _convert(self, body: bytes, partner: str, now: datetime) -> list[Canonical]:
        if self.pipeline is None:
            try:
                return [self._canonical(self.event, self._decoder.decode(body))]
            except msgspec.ValidationError:
                errors = collect_errors(self._plain(body), self.schema)
                raise self._schema_problem(errors) from None
            except msgspec.DecodeError as exc:
                raise self._malformed(exc) from None
        checked = self._check_input(body)
        # a body of the canonical type itself that the pipeline leaves as it is (a `when`
        # that does not apply) is already validated: the check's struct is the output
        passed = checked if type(checked) is self.schema else None
        data = self._plain(body)
        ctx = PipelineContext(
            route_id=self.route_id, now=now, partner_id=partner, event_type=self.event
        )
        try:
            outputs = self.pipeline(data, ctx)
        except PipelineError as exc:
            where = pointer(exc.path) if exc.path else ""
            raise _invalid(
                f"route '{self.route_id}', step '{exc.step}': {exc.reason}"
                + (f" at {where}" if where else ""),
                [FieldError(where, exc.reason)],
                step=exc.step,
            ) from None
        return [
            self._canonical(
                output.event_type or self.event,
                passed
                if passed is not None and output.unchanged
                else self.validate(output.payload),
                output.flags,
            )
            for output in outputs
        ]

    def validate(self, payload: Any) -> msgspec.Struct:
        """A pipeline output as the version's canonical struct, or the 422 naming every
        failing field (``omnihub routes test`` checks case outputs with this too)."""
        try:
            return msgspec.convert(payload, self.schema)
        except msgspec.ValidationError:
            errors = collect_errors(payload, self.schema)
            raise _invalid(
                f"after the '{self.route_id}' pipeline the {self.schema.__name__} is not "
                f"valid: {self._summary(errors)} (pointers are into the converted message)",
                errors,
            ) from None

    def _check_input(self, body: bytes) -> msgspec.Struct | None:
        """The body as the first declared input type it is (None when none is declared),
        or a 422 listing what is wrong with it as the type it comes closest to (fewest
        failing fields)."""
        for decoder in self._input_decoders:
            try:
                found: msgspec.Struct = decoder.decode(body)
                return found
            except msgspec.ValidationError:
                continue
            except msgspec.DecodeError as exc:
                raise self._malformed(exc) from None
        if not self.inputs:
            return None
        plain = self._plain(body)
        name, errors = min(
            ((name, collect_errors(plain, tp)) for name, tp in self.inputs),
            key=lambda found: len(found[1]),
        )
        alternatives = " or ".join(n for n, _ in self.inputs)
        raise _invalid(
            f"the body is not a valid {alternatives}"
            + (f"; as {name}: " if len(self.inputs) > 1 else ": ")
            + self._summary(errors),
            errors,
        )

    def _plain(self, body: bytes) -> Any:
        try:
            return msgspec.json.decode(body)
        except msgspec.DecodeError as exc:
            raise self._malformed(exc) from None

    @staticmethod
    def _malformed(exc: msgspec.DecodeError) -> ProblemError:
        return ProblemError(400, f"the body is not valid JSON: {exc}", kind="malformed-json")

    @staticmethod
    def _summary(errors: list[FieldError]) -> str:
        shown = "; ".join(f"{e.pointer or '/'}: {e.message}" for e in errors[:5])
        return shown + (f" (and {len(errors) - 5} more)" if len(errors) > 5 else "")

    def _schema_problem(self, errors: list[FieldError]) -> ProblemError:
        return _invalid(f"the {self.schema.__name__} is not valid: {self._summary(errors)}", errors)


def _too_deep() -> ProblemError:
    return ProblemError(400, "the body is nested too deeply to read", kind="malformed-json")


JSON = "application/json"


class JsonBody:
    """The ingest flow's codec for JSON bodies of one route version."""

    noun = "request"

    def __init__(self, inbound: Inbound) -> None:
        self.inbound = inbound

    def media(self, content_type: str | None) -> str:
        media = (content_type or "").split(";")[0].strip().lower()
        if media != JSON:
            raise ProblemError(
                415,
                f"send the body as application/json (got '{media or 'none'}')",
                kind="unsupported-media-type",
            )
        return media

    def replay_status(self, partner: str, media: str) -> tuple[int, str]:
        return 202, JSON

    async def accept(self, accepting: Accepting) -> Outcome:
        canonicals = self.inbound.convert(
            accepting.body, accepting.principal.partner, accepting.now
        )
        for canonical in canonicals:
            envelope = accepting.envelope(
                canonical.event, canonical.payload, canonical.business_key
            )
            # what the pipeline flagged (a reconciliation finding) goes into its journey
            await accepting.publish(envelope, "; ".join(canonical.flags) or None)
        event = canonicals[0].event if canonicals else self.inbound.event
        return Outcome(202, accepting.accepted(event), JSON)
