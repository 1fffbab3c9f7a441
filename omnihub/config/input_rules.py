"""Lint rules for what partners send (registered in `omnihub.config.rules`): each route
version's `input` names known types, and each of its `examples` is a JSON file that one
of those types accepts (the same check the gateway makes on a request)."""

from __future__ import annotations

from collections.abc import Iterator

import msgspec

from omnihub.config.rule_types import Finding, RuleContext, suggest
from transforms.formats import INPUT_TYPES

__all__ = ["route_inputs_are_known_and_examples_valid"]


def route_inputs_are_known_and_examples_valid(ctx: RuleContext) -> Iterator[Finding]:
    for rid, route in ctx.config.routes.items():
        if route.edi is not None:
            continue
        for version, spec in route.versions.items():
            at = ("routes", rid, "versions", version)
            names = spec.input_names()
            unknown = [n for n in names if n not in INPUT_TYPES]
            for name in unknown:
                yield Finding(
                    (*at, "input"),
                    f"unknown input type '{name}'",
                    suggest(name, INPUT_TYPES, "types"),
                )
            if not spec.pipeline and names != [spec.schema]:
                yield Finding(
                    (*at, "input"),
                    f"without a pipeline the body is decoded as the {spec.schema} itself",
                    f"write input: {spec.schema}, or add the pipeline that turns the input "
                    f"into a {spec.schema}",
                )
            if unknown or not spec.examples:
                continue
            if not names:
                yield Finding((*at, "examples"), "examples need an `input` type to match")
                continue
            for i, rel in enumerate(spec.examples):
                path = ctx.config.directory / rel
                try:
                    body = path.read_bytes()
                except OSError as exc:
                    yield Finding((*at, "examples", i), f"cannot read {rel}: {exc.strerror}")
                    continue
                reasons = []
                for name in names:
                    try:
                        msgspec.json.decode(body, type=INPUT_TYPES[name])
                        break
                    except msgspec.DecodeError as exc:  # ValidationError is a DecodeError
                        reasons.append(f"{name}: {exc}")
                else:
                    yield Finding(
                        (*at, "examples", i),
                        f"{rel} is not a valid {' | '.join(names)}",
                        "; ".join(reasons),
                    )
