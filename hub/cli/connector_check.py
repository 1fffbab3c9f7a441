"""What the workers check when they start, run by ``omnihub routes check`` instead.

A worker builds one connector per delivery of its target (``build_dispatcher``): an
unknown operation, a request template that does not compile, an EDI or webhook target
missing its settings stop it with exit 2. ``routes check`` builds the same connectors,
each delivery on its own so every problem is reported at once, and places each problem
at its line in routes.yaml or the policy file that declares the target.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import redis.asyncio as aioredis

from omnihub.config import POLICIES_DIR, ROUTES_FILE, ConfigProblem, HubConfig
from omnihub.config.decode import dotted
from omnihub.config.yamlpos import Path as YamlPath
from omnihub.config.yamlpos import YamlDocument, YamlSyntaxError, parse_yaml
from omnihub.naming import Names
from transforms.pipeline import lint_pipeline

__all__ = ["connector_problems"]

_UNUSED_REDIS = "redis://127.0.0.1:6379/0"  # a client is built, never connected


def _documents(directory: Path) -> dict[str, YamlDocument]:
    files = [directory / ROUTES_FILE, *sorted((directory / POLICIES_DIR).glob("*.yaml"))]
    found = {}
    for path in files:
        try:
            found[str(path.relative_to(directory))] = parse_yaml(path.read_text("utf-8"))
        except (OSError, YamlSyntaxError):
            continue  # load_config has reported it already
    return found


def _problem(docs: dict[str, YamlDocument], path: YamlPath, message: str) -> ConfigProblem:
    for file, doc in docs.items():
        if path[:2] in doc.keys:
            pos = doc.position_of(path)
            return ConfigProblem(
                file=file,
                line=pos.line if pos else None,
                column=pos.column if pos else None,
                key=dotted(path),
                message=message,
                kind="connector",
            )
    return ConfigProblem(file=ROUTES_FILE, line=None, key=dotted(path), message=message)


def _where(config: HubConfig, target: str, delivery: str | None, problem: str) -> YamlPath:
    if delivery is None:
        return ("targets", target)
    spec = config.deliveries[delivery]
    if spec.request is not None and spec.request.path in problem:
        return ("deliveries", delivery, "request", "path")
    for key in ("operation", "request"):
        named = f"`{key}`" in problem or f" {key} " in problem
        if named and getattr(spec, key) is not None:
            return ("deliveries", delivery, key)
    return ("deliveries", delivery)


def _stores(store: Callable[..., Any], redis: Any, names: Names, target: str) -> Callable[[], Any]:
    return lambda: store(redis, names, target)


async def _check(config: HubConfig) -> list[tuple[str, str | None, str]]:
    """(target, delivery or None, problem) for each thing a worker would refuse."""
    from connectors import ConnectorConfigError, SubscriptionStore
    from connectors.dispatch import build_dispatcher
    from connectors.http_core import HttpCore
    from omnihub.edi_counters import RedisControlNumbers

    names = Names()
    redis = aioredis.Redis.from_url(_UNUSED_REDIS)
    found: list[tuple[str, str | None, str]] = []
    try:
        for target, spec in sorted(config.targets.items()):
            try:
                core = HttpCore(target, spec)
            except ConnectorConfigError as exc:
                found.append((target, None, exc.problem))
                continue
            try:
                for delivery in sorted(config.deliveries_for(target)):
                    plan = config.deliveries[delivery]
                    if lint_pipeline(plan.pipeline, config.tables, delivery):
                        # the configuration's own lint reports it, with its line
                        plan = msgspec.structs.replace(plan, pipeline=[])
                    alone = msgspec.structs.replace(config, deliveries={delivery: plan})
                    try:
                        build_dispatcher(
                            alone,
                            target,
                            core,
                            _stores(SubscriptionStore, redis, names, target),
                            control_numbers=RedisControlNumbers(redis, names),
                        )
                    except ConnectorConfigError as exc:
                        which = delivery if exc.where.startswith("delivery") else None
                        found.append((target, which, exc.problem))
            finally:
                await core.client.aclose()
    finally:
        await redis.aclose()
    return found


def connector_problems(config: HubConfig) -> list[ConfigProblem]:
    """Every problem the workers of `config` would stop on, each with file and line."""
    docs = _documents(config.directory)
    seen: set[tuple[Any, ...]] = set()
    problems = []
    for target, delivery, problem in asyncio.run(_check(config)):
        path = _where(config, target, delivery, problem)
        if (path, problem) not in seen:
            seen.add((path, problem))
            problems.append(_problem(docs, path, problem))
    return problems
