"""Load `routes.yaml` and `policies/*.yaml` from a directory into a checked `HubConfig`.

Loading collects every problem (syntax, unknown keys, bad values, missing environment
variables, dangling references) and raises one `ConfigError` carrying all of them, so
`omnihub routes check` can report everything at once.
"""

from __future__ import annotations

import difflib
import os
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec

from omnihub.config.decode import convert_value, dotted
from omnihub.config.envref import MissingVariable, resolve_env
from omnihub.config.model import (
    IDENTIFIER_RE,
    BrokerPolicy,
    HubConfig,
    PoliciesFile,
    RetryPolicy,
    RoutesFile,
)
from omnihub.config.problems import ConfigError, ConfigProblem
from omnihub.config.rules import RuleContext, check_rules
from omnihub.config.yamlpos import YamlDocument, YamlSyntaxError, parse_yaml

__all__ = ["POLICIES_DIR", "ROUTES_FILE", "load_config"]

ROUTES_FILE = "routes.yaml"
POLICIES_DIR = "policies"


class _Reader:
    def __init__(self, directory: Path, env: Mapping[str, str]) -> None:
        self.directory = directory
        self.env = env
        self.problems: list[ConfigProblem] = []
        self.documents: dict[str, YamlDocument] = {}
        self.declared: dict[str, set[str]] = {}
        self.broken: set[tuple[str, str]] = set()

    def problem(self, file: str, message: str, *, line: int | None = None, **kw: Any) -> None:
        self.problems.append(ConfigProblem(file=file, line=line, message=message, **kw))

    def read(self, rel: str) -> tuple[YamlDocument, Any] | None:
        path = self.directory / rel
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.problem(rel, "file not found", key="", hint=f"create {path}", kind="missing")
            return None
        except (OSError, UnicodeDecodeError) as exc:
            self.problem(rel, f"cannot read file: {exc}", key="")
            return None
        try:
            doc = parse_yaml(text)
        except YamlSyntaxError as exc:
            pos = exc.position
            self.problem(
                rel,
                f"YAML syntax error: {exc.message}",
                line=pos.line if pos else None,
                column=pos.column if pos else None,
                key="",
                kind="yaml-syntax",
            )
            return None
        self.documents[rel] = doc

        def missing(err: MissingVariable) -> None:
            pos = doc.position_of(err.path)
            self.problem(
                rel,
                f"environment variable {err.name} is not set",
                line=pos.line if pos else None,
                key=dotted(err.path),
                hint=f"export {err.name}=... or write ${{env:{err.name}:-default}}",
                kind="env",
            )

        data = resolve_env(doc.data if doc.data is not None else {}, self.env, missing)
        return doc, data

    def decode_file(self, rel: str, tp: type[Any]) -> dict[str, Any] | None:
        """Decode a file section by section and entry by entry.

        msgspec cannot name the key of a dict entry in its errors, so each entry of a
        keyed section is converted on its own: every problem gets its exact path.
        """
        got = self.read(rel)
        if got is None:
            return None
        doc, data = got
        if not isinstance(data, dict):
            self.problem(rel, "the file must be a mapping of sections", line=1, key="")
            return None
        hints = typing.get_type_hints(tp, include_extras=True)
        out: dict[str, Any] = {}
        for section, value in data.items():
            if section not in hints:
                pos = doc.position_of((section,))
                close = difflib.get_close_matches(str(section), list(hints), n=1)
                self.problem(
                    rel,
                    f"unknown section '{section}'",
                    line=pos.line if pos else None,
                    key=str(section),
                    hint=f"did you mean '{close[0]}'?" if close else "allowed: " + ", ".join(hints),
                    kind="unknown-field",
                )
                continue
            value_type = _dict_value_type(hints[section])
            if value_type is None or not isinstance(value, dict):
                converted = convert_value(
                    value,
                    hints[section],
                    doc=doc,
                    base=(section,),
                    file=rel,
                    problems=self.problems,
                )
                if converted is not None:
                    out[section] = converted
                continue
            entry = msgspec.defstruct("Entry", [("x", value_type)])
            entries: dict[str, Any] = {}
            for key, item in value.items():
                if not isinstance(key, str) or not IDENTIFIER_RE.match(key):
                    pos = doc.position_of((section, key))
                    self.problem(
                        rel,
                        f"'{key}' is not a valid id",
                        line=pos.line if pos else None,
                        key=f"{section}.{key}",
                        hint="use lower-case letters, digits, '-' and '_'",
                    )
                    continue
                got_entry = convert_value(
                    {"x": item},
                    entry,
                    doc=doc,
                    base=(section, key),
                    file=rel,
                    problems=self.problems,
                    strip=1,
                )
                self.declared.setdefault(section, set()).add(key)
                if got_entry is not None:
                    entries[key] = got_entry.x  # type: ignore[attr-defined]
                else:
                    self.broken.add((section, key))
            out[section] = entries
        return out


def _dict_value_type(tp: Any) -> Any:
    """The value type of ``dict[K, V]`` or ``dict[K, V] | None``; None for other types."""
    args = (
        [a for a in typing.get_args(tp) if a is not type(None)]
        if typing.get_origin(tp) in (types.UnionType, typing.Union)
        else [tp]
    )
    for arg in args:
        if typing.get_origin(arg) is dict:
            return typing.get_args(arg)[1]
    return None


def load_config(directory: Path | str, env: Mapping[str, str] | None = None) -> HubConfig:
    """Load and check the configuration in `directory`; raise `ConfigError` listing problems."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ConfigError(
            [
                ConfigProblem(
                    file=str(directory),
                    line=None,
                    key="",
                    message="the configuration directory does not exist (it holds routes.yaml "
                    "and policies/)",
                    hint="give --config DIR or set OMNIHUB_CONFIG",
                    kind="missing",
                )
            ]
        )
    reader = _Reader(directory, os.environ if env is None else env)
    routes = reader.decode_file(ROUTES_FILE, RoutesFile) or {}
    merged: dict[str, dict[str, Any]] = {
        "partners": {},
        "rate_limit_tiers": {},
        "retry_policies": {},
        "targets": {},
        "tables": {},
        "token_issuers": {},
    }
    origin: dict[tuple[str, str], str] = {}
    broker: BrokerPolicy | None = None
    policy_dir = directory / POLICIES_DIR
    files = sorted(policy_dir.glob("*.yaml")) if policy_dir.is_dir() else []
    if not files:
        reader.problem(
            f"{POLICIES_DIR}/",
            "no policy files: the folder is missing"
            if not policy_dir.is_dir()
            else "no policy files: the folder holds no *.yaml",
            key="",
            hint=f"create {policy_dir}/*.yaml (partners, tiers, targets, ...)",
            kind="missing",
        )
    for path in files:
        rel = f"{POLICIES_DIR}/{path.name}"
        policies = reader.decode_file(rel, PoliciesFile)
        if policies is None:
            continue
        for section, entries in merged.items():
            for key, value in (policies.get(section) or {}).items():
                if (section, key) in origin:
                    pos = reader.documents[rel].position_of((section, key))
                    reader.problem(
                        rel,
                        f"'{key}' is already defined in {origin[(section, key)]}",
                        line=pos.line if pos else None,
                        key=f"{section}.{key}",
                        kind="duplicate",
                    )
                    continue
                origin[(section, key)] = rel
                entries[key] = value
        if policies.get("broker") is not None:
            if broker is not None:
                reader.problem(rel, "the broker section may appear in one file only", key="broker")
            broker = policies["broker"]
    merged["retry_policies"].setdefault("default", RetryPolicy())
    config = HubConfig(
        directory=directory,
        routes=routes.get("routes") or {},
        deliveries=routes.get("deliveries") or {},
        external_events=tuple(routes.get("external_events") or ()),
        broker=broker or BrokerPolicy(),
        **merged,
    )
    sections = ("routes", "deliveries", *merged)
    ctx = RuleContext(
        config=config,
        declared={s: frozenset(reader.declared.get(s, ())) for s in sections},
        broken=frozenset(reader.broken),
    )
    # A file that is missing or not even YAML declares nothing we can see: checking
    # references against it would only report its entries as missing. Fix those first.
    decoded = not reader.problems
    if not any(p.kind in ("yaml-syntax", "missing") for p in reader.problems):
        reader.problems += check_rules(ctx, reader.documents, origin)
    if reader.problems:
        raise ConfigError(reader.problems, config if decoded else None)
    return config
