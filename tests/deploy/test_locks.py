"""The lock files are what a fresh machine installs: they must hold every dependency of
pyproject.toml at a version its range allows, with hashes, and the runtime lock (the
Dockerfile's) must be the dev lock's versions (what the tests ran) without the tools.
A dependency changed in pyproject.toml without `scripts/lock.sh` fails here."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.configs import REPO

PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+) \\$")


def _pins(name: str) -> dict[str, tuple[str, int]]:
    """package -> (version, number of hashes)"""
    pins: dict[str, tuple[str, int]] = {}
    current = None
    for line in (REPO / name).read_text().splitlines():
        if m := PIN.match(line):
            current = canonicalize_name(m.group(1))
            pins[current] = (m.group(2), 0)
        elif line.strip().startswith("--hash=sha256:") and current is not None:
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


def _requirements(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    listed = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return [Requirement(text) for text in listed]


def test_every_dependency_is_locked_within_its_range_with_hashes() -> None:
    for lock, extras in (("requirements.lock", [None]), ("requirements-dev.lock", [None, "dev"])):
        pins = _pins(lock)
        assert pins and all(hashes > 0 for _, hashes in pins.values()), lock
        for extra in extras:
            for req in _requirements(extra):
                name = canonicalize_name(req.name)
                assert name in pins, f"{lock} lacks {req.name}: run scripts/lock.sh"
                version = pins[name][0]
                assert req.specifier.contains(version, prereleases=True), (
                    f"{lock} pins {req.name}=={version} outside {req.specifier}: "
                    "run scripts/lock.sh"
                )


def test_the_runtime_lock_has_the_versions_the_tests_ran_with() -> None:
    runtime, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    differ = {n: (v, dev.get(n, ("missing", 0))[0]) for n, (v, _) in runtime.items()}
    assert {n: d for n, d in differ.items() if d[0] != d[1]} == {}
    tools = {canonicalize_name(r.name) for r in _requirements("dev")}
    assert not tools & set(runtime), "the runtime lock (the image) carries the dev tools"
