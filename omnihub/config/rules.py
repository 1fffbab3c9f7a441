"""Cross-reference rules: each a small function yielding findings with their location.

The loader runs them once every file has been decoded. A finding names the section and
key path it is about; `check_rules` turns that into file, line and column.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

from omnihub.config.decode import dotted
from omnihub.config.edi_rules import (
    edi_route_versions_name_their_standard,
    edi_targets_are_complete,
)
from omnihub.config.event_rules import delivery_events_are_produced
from omnihub.config.input_rules import route_inputs_are_known_and_examples_valid
from omnihub.config.model import HubTokenIssuer, JwksTokenIssuer
from omnihub.config.ordering_rules import ordering_keys_name_canonical_fields
from omnihub.config.problems import ConfigProblem
from omnihub.config.rule_types import Finding, Rule, RuleContext, suggest
from omnihub.config.sla_rules import alerts_are_complete, slas_refer_to_what_exists
from omnihub.config.yamlpos import Path, YamlDocument

__all__ = ["RULES", "Finding", "RuleContext", "check_rules"]

ROUTES = "routes.yaml"


def route_tiers_exist(ctx: RuleContext) -> Iterator[Finding]:
    config = ctx.config
    for rid, route in config.routes.items():
        if route.tier not in ctx.declared["rate_limit_tiers"]:
            yield Finding(
                ("routes", rid, "tier"),
                f"unknown rate-limit tier '{route.tier}'",
                suggest(route.tier, ctx.declared["rate_limit_tiers"], "tiers"),
            )


def route_schemas_exist(ctx: RuleContext) -> Iterator[Finding]:
    config = ctx.config
    from transforms.model import CANONICAL_TYPES

    for rid, route in config.routes.items():
        if route.edi is not None:
            continue  # edi_route_versions_name_their_standard
        for version, spec in route.versions.items():
            if spec.schema not in CANONICAL_TYPES:
                yield Finding(
                    ("routes", rid, "versions", version, "schema"),
                    f"unknown canonical type '{spec.schema}'",
                    suggest(spec.schema, CANONICAL_TYPES, "types"),
                )


def routes_have_versions(ctx: RuleContext) -> Iterator[Finding]:
    config = ctx.config
    for rid, route in config.routes.items():
        if not route.versions:
            yield Finding(("routes", rid, "versions"), "a route needs at least one version")


def routes_do_not_collide(ctx: RuleContext) -> Iterator[Finding]:
    config = ctx.config
    seen: dict[tuple[str, str, str], str] = {}
    for rid, route in config.routes.items():
        for version in route.versions:
            key = (route.method, version, route.path)
            if key in seen:
                yield Finding(
                    ("routes", rid, "path"),
                    f"{route.method} /{version}{route.path} is also served by route '{seen[key]}'",
                )
            seen[key] = rid


def delivery_targets_exist(ctx: RuleContext) -> Iterator[Finding]:
    config = ctx.config
    for did, delivery in config.deliveries.items():
        if delivery.target not in ctx.declared["targets"]:
            yield Finding(
                ("deliveries", did, "target"),
                f"unknown target '{delivery.target}'",
                suggest(delivery.target, ctx.declared["targets"], "targets"),
            )


def delivery_retry_policies_exist(ctx: RuleContext) -> Iterator[Finding]:
    config = ctx.config
    for did, delivery in config.deliveries.items():
        if delivery.retry not in ctx.declared["retry_policies"] | {"default"}:
            yield Finding(
                ("deliveries", did, "retry"),
                f"unknown retry policy '{delivery.retry}'",
                suggest(delivery.retry, ctx.declared["retry_policies"], "retry policies"),
            )


def one_delivery_per_target_event(ctx: RuleContext) -> Iterator[Finding]:
    config = ctx.config
    seen: dict[tuple[str, str], str] = {}
    for did, delivery in config.deliveries.items():
        for i, event in enumerate(delivery.events):
            key = (delivery.target, event)
            if key in seen:
                yield Finding(
                    ("deliveries", did, "events", i),
                    f"target '{delivery.target}' already receives '{event}' "
                    f"through delivery '{seen[key]}'",
                    "a target gets each event type through one delivery",
                )
            seen[key] = did


def partner_scopes_are_used(ctx: RuleContext) -> Iterator[Finding]:
    config = ctx.config
    if any(section == "routes" for section, _ in ctx.broken):
        return  # the scopes of a route that failed to decode are unknown
    used = {scope for route in config.routes.values() for scope in route.scopes}
    used |= {"admin"}
    for pid, partner in config.partners.items():
        for i, scope in enumerate(partner.scopes):
            if scope not in used:
                yield Finding(
                    ("partners", pid, "scopes", i),
                    f"scope '{scope}' is not required by any route",
                    suggest(scope, used, "scopes"),
                )


def rate_limits_parse(ctx: RuleContext) -> Iterator[Finding]:
    config = ctx.config
    from limits import parse_many

    for tid, tier in config.rate_limit_tiers.items():
        for i, text in enumerate(tier.limits):
            try:
                parse_many(text)
            except ValueError:
                yield Finding(
                    ("rate_limit_tiers", tid, "limits", i),
                    f"'{text}' is not a rate limit",
                    "write it as '<count>/<second|minute|hour|day>', e.g. '20/second'",
                )


def pipelines_compile(ctx: RuleContext) -> Iterator[Finding]:
    """Lint every pipeline: labels, tables, expressions, paths, conversions."""
    from transforms.pipeline import lint_pipeline

    config = ctx.config
    pipelines: list[tuple[Path, str, list[Any]]] = [
        (("routes", rid, "versions", v, "pipeline"), f"{rid}:{v}", spec.pipeline)
        for rid, route in config.routes.items()
        for v, spec in route.versions.items()
    ]
    pipelines += [
        (("deliveries", did, "pipeline"), did, d.pipeline) for did, d in config.deliveries.items()
    ]
    for base, name, steps in pipelines:
        for finding in lint_pipeline(steps, config.tables, name):
            yield Finding(
                (*base, *finding.location),
                finding.message,
                f"pipeline {name}, {finding.kind.value.replace('_', ' ')}",
            )


def oauth_routes_have_an_issuer(ctx: RuleContext) -> Iterator[Finding]:
    if ctx.declared["token_issuers"]:
        return
    for rid, route in ctx.config.routes.items():
        if "oauth2" in route.auth:
            yield Finding(
                ("routes", rid, "auth"),
                "the route accepts oauth2 tokens but no token issuer is configured",
                "add a token_issuers entry (kind: hub or kind: jwks) under policies/",
            )


def hub_issuer_signs(ctx: RuleContext) -> Iterator[Finding]:
    hubs = [k for k, v in ctx.config.token_issuers.items() if isinstance(v, HubTokenIssuer)]
    for extra in hubs[1:]:
        yield Finding(
            ("token_issuers", extra, "kind"),
            f"only one issuer may be of kind 'hub' (already '{hubs[0]}')",
        )
    for iid in hubs:
        issuer = ctx.config.token_issuers[iid]
        assert isinstance(issuer, HubTokenIssuer)
        for kid, key in issuer.keys.items():
            if not (key.private_key or key.private_key_file or key.public_key_file):
                yield Finding(
                    ("token_issuers", iid, "keys", kid),
                    f"key '{kid}' has no key material",
                    "give private_key (${env:...}), private_key_file or public_key_file",
                )
        active = issuer.keys.get(issuer.signing_key)
        if active is None:
            yield Finding(
                ("token_issuers", iid, "signing_key"),
                f"signing key '{issuer.signing_key}' is not among the keys",
                suggest(issuer.signing_key, issuer.keys, "keys"),
            )
        elif not (active.private_key or active.private_key_file):
            yield Finding(
                ("token_issuers", iid, "signing_key"),
                f"signing key '{issuer.signing_key}' has no private key to sign with",
                "give it private_key or private_key_file",
            )


def oauth_clients_resolve(ctx: RuleContext) -> Iterator[Finding]:
    issuers = ctx.config.token_issuers
    has_hub = any(isinstance(v, HubTokenIssuer) for v in issuers.values())
    for pid, partner in ctx.config.partners.items():
        for i, client in enumerate(partner.oauth_clients):
            at = ("partners", pid, "oauth_clients", i)
            if client.issuer is None:
                if client.secret_sha256 is None:
                    yield Finding(
                        (*at, "client_id"),
                        f"client '{client.client_id}' has neither secret_sha256 nor issuer",
                        "store the SHA-256 of its secret, or name the identity provider",
                    )
                elif not has_hub:
                    yield Finding(
                        (*at, "client_id"),
                        "the client gets tokens from the hub, but no issuer of kind 'hub' exists",
                    )
            elif not isinstance(issuers.get(client.issuer), JwksTokenIssuer) and (
                client.issuer in issuers or client.issuer not in ctx.declared["token_issuers"]
            ):
                yield Finding(
                    (*at, "issuer"),
                    f"'{client.issuer}' is not a token issuer of kind 'jwks'",
                    suggest(client.issuer, ctx.declared["token_issuers"], "issuers"),
                )


def credentials_are_unique(ctx: RuleContext) -> Iterator[Finding]:
    keys: dict[str, str] = {}
    clients: dict[str, str] = {}
    for pid, partner in ctx.config.partners.items():
        for i, key in enumerate(partner.api_keys):
            if key.sha256 in keys:
                yield Finding(
                    ("partners", pid, "api_keys", i, "sha256"),
                    f"the same API key is already given to partner '{keys[key.sha256]}'",
                    "every key belongs to one partner: generate a new one",
                )
            keys[key.sha256] = pid
        for i, client in enumerate(partner.oauth_clients):
            if client.client_id in clients:
                yield Finding(
                    ("partners", pid, "oauth_clients", i, "client_id"),
                    f"client id '{client.client_id}' already belongs to "
                    f"'{clients[client.client_id]}'",
                )
            clients[client.client_id] = pid


def sunset_follows_deprecation(ctx: RuleContext) -> Iterator[Finding]:
    for rid, route in ctx.config.routes.items():
        for version, spec in route.versions.items():
            at = ("routes", rid, "versions", version)
            if spec.sunset is not None and spec.sunset.tzinfo is None:
                yield Finding((*at, "sunset"), "write the sunset with a time zone, e.g. ...Z")
            elif spec.deprecated is not None and spec.deprecated.tzinfo is None:
                yield Finding((*at, "deprecated"), "write the date with a time zone, e.g. ...Z")
            elif spec.sunset and spec.deprecated and spec.sunset < spec.deprecated:
                yield Finding((*at, "sunset"), "the sunset is before the deprecation")


def idempotency_lock_fits(ctx: RuleContext) -> Iterator[Finding]:
    for rid, route in ctx.config.routes.items():
        lock, ttl = route.idempotency_lock, route.idempotency_ttl
        if lock < timedelta(seconds=1):
            yield Finding(
                ("routes", rid, "idempotency_lock"),
                "the lock must be at least 1s: it must outlast a request being processed",
            )
        elif lock >= ttl:
            yield Finding(
                ("routes", rid, "idempotency_lock"),
                f"the lock ({_seconds(lock)}) must be shorter than idempotency_ttl "
                f"({_seconds(ttl)}), which keeps the key",
            )


def _seconds(duration: timedelta) -> str:
    return f"{duration.total_seconds():g}s"


RULES: tuple[Rule, ...] = (
    route_tiers_exist,
    route_schemas_exist,
    routes_have_versions,
    routes_do_not_collide,
    idempotency_lock_fits,
    delivery_targets_exist,
    delivery_retry_policies_exist,
    one_delivery_per_target_event,
    delivery_events_are_produced,
    partner_scopes_are_used,
    rate_limits_parse,
    pipelines_compile,
    edi_route_versions_name_their_standard,
    edi_targets_are_complete,
    ordering_keys_name_canonical_fields,
    slas_refer_to_what_exists,
    alerts_are_complete,
    route_inputs_are_known_and_examples_valid,
)


def check_rules(
    ctx: RuleContext,
    documents: Mapping[str, YamlDocument],
    origin: Mapping[tuple[str, str], str],
) -> list[ConfigProblem]:
    """Run every rule; locate each finding in the file its section entry came from."""
    problems = []
    for rule in RULES:
        for finding in rule(ctx):
            section, key = str(finding.path[0]), str(finding.path[1])
            file = (
                ROUTES
                if section in ("routes", "deliveries")
                else origin.get((section, key)) or origin.get((section, ""), "")
            )
            doc = documents.get(file)
            pos = doc.position_of(finding.path) if doc else None
            problems.append(
                ConfigProblem(
                    file=file,
                    line=pos.line if pos else None,
                    column=pos.column if pos else None,
                    key=dotted(finding.path),
                    message=finding.message,
                    hint=finding.hint,
                    kind="reference",
                )
            )
    return problems
