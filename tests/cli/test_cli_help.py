"""Every option and sub-command of `omnihub` explains itself in --help; --version works."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from collections.abc import Iterator

from hub.cli.main import build_parser
from tests.support.configs import REPO


def _walk(parser: argparse.ArgumentParser, path: str) -> Iterator[tuple[str, argparse.Action]]:
    # argparse (standard library) offers no public walk over its parser tree.
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helped = {a.dest for a in action._choices_actions if a.help}
            for name, child in action.choices.items():
                if name not in helped:
                    yield f"{path} {name}", action
                yield from _walk(child, f"{path} {name}")
        elif not isinstance(action, argparse._HelpAction):
            yield f"{path} {'/'.join(action.option_strings) or action.dest}", action


def undocumented(parser: argparse.ArgumentParser) -> list[str]:
    return [
        where
        for where, action in _walk(parser, parser.prog)
        if isinstance(action, argparse._SubParsersAction) or not (action.help or "").strip()
    ]


def test_every_option_and_command_has_help_text() -> None:
    assert undocumented(build_parser()) == []


def test_the_walk_finds_an_option_without_help() -> None:
    parser = argparse.ArgumentParser(prog="x")
    sub = parser.add_subparsers()
    child = sub.add_parser("run", help="runs")
    child.add_argument("--fast")
    sub.add_parser("quiet")
    assert undocumented(parser) == ["x run --fast", "x quiet"]


def test_version_prints_the_package_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hub.cli.main", "--version"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=30,
    )
    assert result.returncode == 0
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert result.stdout.strip() == f"omnihub {version}"
