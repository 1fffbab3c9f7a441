"""Entry point of the `omnihub` command: builds the argument parser from command modules.

Each command module exposes ``register(subparsers)`` which adds its sub-command and sets
``func`` (a callable taking the parsed namespace and returning an exit code).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from importlib import metadata

# Command modules, in the order their commands appear in `omnihub --help`.
COMMAND_MODULES: tuple[str, ...] = (
    "hub.cli.cmd_run",
    "hub.cli.cmd_routes",
    "hub.cli.cmd_partners",
    "hub.cli.cmd_sandbox",
    "hub.cli.cmd_trace",
    "hub.cli.cmd_replay",
    "hub.cli.cmd_dlq",
)


def _version() -> str:
    try:
        return metadata.version("omnihub")
    except metadata.PackageNotFoundError:
        return "unknown (not installed: pip install -e .)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="omnihub",
        description="API gateway and integration hub for omnichannel retail.",
    )
    parser.add_argument(
        "--version", action="version", version=f"omnihub {_version()}", help="print the version"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    code: int = func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
