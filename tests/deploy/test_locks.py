"""The lock files are what a fresh machine installs: they must hold every dependency of
pyproject.toml at a version its range allows, with hashes, and the runtime lock (the
Dockerfile's) must be the dev lock's versions (what the tests ran) without the tools.
A dependency changed in pyproject.toml without `scripts/lock.sh` fails here."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

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


def _extras_of(req: Requirement) -> list[Requirement]:
    """What ``req``'s extras pull in (``psycopg[binary,pool]`` -> psycopg-binary, psycopg-pool),
    read from the installed distribution's metadata."""
    if not req.extras:
        return []
    pulled = []
    for text in metadata.requires(req.name) or []:
        dep = Requirement(text)
        if (
            dep.marker is not None
            and any(dep.marker.evaluate({"extra": extra}) for extra in req.extras)
            and not dep.marker.evaluate({"extra": ""})
        ):  # not pulled without the extra
            pulled.append(dep)
    return pulled


def lock_problems(pins: dict[str, tuple[str, int]], requirements: list[Requirement]) -> list[str]:
    """Each requirement (and what its extras pull in) missing from ``pins`` or pinned outside
    its range; a pin without hashes."""
    problems = [f"{n}=={v} has no hash" for n, (v, hashes) in pins.items() if hashes == 0]
    for req in requirements:
        for wanted in [req, *_extras_of(req)]:
            name = canonicalize_name(wanted.name)
            if name not in pins:
                problems.append(f"lacks {wanted.name} (from {req})")
            elif not wanted.specifier.contains(pins[name][0], prereleases=True):
                problems.append(f"pins {wanted.name}=={pins[name][0]} outside {wanted.specifier}")
    return problems


def test_every_dependency_is_locked_within_its_range_with_hashes() -> None:
    for lock, extras in (("requirements.lock", [None]), ("requirements-dev.lock", [None, "dev"])):
        pins = _pins(lock)
        assert pins, f"{lock} pins nothing"
        requirements = [r for extra in extras for r in _requirements(extra)]
        problems = lock_problems(pins, requirements)
        assert not problems, f"{lock}: " + "; ".join(problems) + ": run scripts/lock.sh"


def test_a_dependency_missing_from_the_lock_is_named() -> None:
    pins = _pins("requirements.lock")
    requirements = _requirements(None)
    assert lock_problems(pins, requirements) == []
    without = {n: p for n, p in pins.items() if n not in ("psycopg", "psycopg-pool")}
    assert lock_problems(without, requirements) == [
        "lacks psycopg (from psycopg[binary,pool]>=3.2)",
        "lacks psycopg-pool (from psycopg[binary,pool]>=3.2)",
    ]
    hashes = pins["redis"][1]
    outside = {**pins, "redis": ("4.6.0", hashes)}
    assert lock_problems(outside, requirements) == ["pins redis==4.6.0 outside >=5.0"]


def test_the_runtime_lock_has_the_versions_the_tests_ran_with() -> None:
    runtime, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    differ = {n: (v, dev.get(n, ("missing", 0))[0]) for n, (v, _) in runtime.items()}
    assert {n: d for n, d in differ.items() if d[0] != d[1]} == {}
    tools = {canonicalize_name(r.name) for r in _requirements("dev")}
    assert not tools & set(runtime), "the runtime lock (the image) carries the dev tools"


def test_the_readme_commands_install_the_dev_lock() -> None:
    """`./run.sh` and `./test.sh` go through scripts/bootstrap.sh, which installs the dev lock
    with its hashes, and the project itself without resolving anything again."""
    for script in ("run.sh", "test.sh"):
        lines = (REPO / script).read_text().splitlines()
        assert "scripts/bootstrap.sh" in lines, f"{script} does not run scripts/bootstrap.sh"
    bootstrap = (REPO / "scripts" / "bootstrap.sh").read_text()
    assert re.search(r"^lock=requirements-dev\.lock$", bootstrap, re.M)
    assert re.search(r"pip install --quiet --require-hashes -r \"\$lock\"$", bootstrap, re.M)
    assert re.search(r"pip install --quiet --no-deps -e \. ", bootstrap, re.M)
