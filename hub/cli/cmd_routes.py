"""``omnihub routes check``: lint the configuration and report every problem at once
(with what each worker checks when it starts); ``omnihub routes test``: run the YAML
pipeline cases."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from hub.cli.common import EXIT_CONFIG, add_config_arg, settings_for
from omnihub.config import ConfigError, load_config

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[Any]) -> None:
    routes = sub.add_parser("routes", help="check and test routes.yaml and policies/")
    routes_sub = routes.add_subparsers(dest="routes_command", metavar="COMMAND")
    check = routes_sub.add_parser(
        "check", help="decode, cross-reference and lint the configuration; exit 2 on problems"
    )
    add_config_arg(check)
    check.set_defaults(func=_check)
    test = routes_sub.add_parser(
        "test", help="run the YAML pipeline cases in <config>/pipeline-tests; exit 1 on failure"
    )
    add_config_arg(test)
    test.add_argument(
        "-k",
        dest="select",
        metavar="PATTERN",
        default=None,
        help="only cases whose file::name or pipeline contains PATTERN (case-insensitive)",
    )
    test.set_defaults(func=_test)
    routes.set_defaults(func=lambda _args: (routes.print_help(), EXIT_CONFIG)[1])


def _check(args: argparse.Namespace) -> int:
    from hub.cli.connector_check import connector_problems

    settings = settings_for(args)
    try:
        config = load_config(settings.config_dir)
    except ConfigError as exc:
        found = exc.problems + (connector_problems(exc.config) if exc.config else [])
        print(ConfigError(found).report(), file=sys.stderr)
        return EXIT_CONFIG
    problems = connector_problems(config)
    if problems:
        print(ConfigError(problems).report(), file=sys.stderr)
        return EXIT_CONFIG
    print(
        f"{settings.config_dir}: OK — {len(config.routes)} routes, "
        f"{len(config.deliveries)} deliveries, {len(config.partners)} partners, "
        f"{len(config.targets)} targets"
    )
    return 0


def _test(args: argparse.Namespace) -> int:
    from hub.cli.cmd_routes_test import (
        compile_config_pipelines,
        output_checks,
        run_route_tests,
    )

    settings = settings_for(args)
    try:
        config = load_config(settings.config_dir)
    except ConfigError as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_CONFIG
    return run_route_tests(
        settings.config_dir,
        compile_config_pipelines(config),
        sys.stdout,
        checks=output_checks(config),
        select=args.select,
    )
