"""Lint rules for EDI routes and EDI targets (registered in `omnihub.config.rules`)."""

from __future__ import annotations

from collections.abc import Iterator

from omnihub.config.model import TargetKind
from omnihub.config.rule_types import Finding, RuleContext

__all__ = ["EDI_SCHEMAS", "edi_route_versions_name_their_standard", "edi_targets_are_complete"]

EDI_SCHEMAS = {"x12": "X12", "edifact": "EDIFACT"}
"""The `schema` an EDI route's versions declare: the body is an interchange, not JSON."""


def edi_route_versions_name_their_standard(ctx: RuleContext) -> Iterator[Finding]:
    for rid, route in ctx.config.routes.items():
        if route.edi is None:
            continue
        expected = EDI_SCHEMAS[route.edi]
        for version, spec in route.versions.items():
            if spec.schema != expected or spec.pipeline:
                yield Finding(
                    ("routes", rid, "versions", version, "schema"),
                    f"an edi: {route.edi} route reads interchanges: its versions say "
                    f"schema: {expected} and have no pipeline",
                    "the codecs map each set to its canonical event (856 -> asn.received, ...)",
                )


def edi_targets_are_complete(ctx: RuleContext) -> Iterator[Finding]:
    for tid, target in ctx.config.targets.items():
        if target.kind is TargetKind.EDI and target.edi is None:
            yield Finding(
                ("targets", tid, "kind"),
                "a target of kind edi needs an `edi:` section (envelope, transport)",
            )
        elif target.edi is not None and target.kind is not TargetKind.EDI:
            yield Finding(("targets", tid, "edi"), "only a target of kind edi takes `edi:`")
        elif target.edi is not None and target.edi.transport == "as2" and target.edi.as2 is None:
            yield Finding(
                ("targets", tid, "edi", "transport"),
                "transport as2 needs an `as2:` section (ids, keys, certificates)",
            )
