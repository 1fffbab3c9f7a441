"""What the commands share: loading configuration with the exit codes the docs promise."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import msgspec

from omnihub.config import ConfigError, HubConfig, load_config
from omnihub.settings import Settings, split_urls

__all__ = ["EXIT_CONFIG", "EXIT_RUNTIME", "add_config_arg", "load_or_exit", "settings_for"]

EXIT_CONFIG = 2  # bad configuration (or topology conflict): fix files, then start again
EXIT_RUNTIME = 1  # could not run (broker unreachable at start, port taken, ...)


def add_config_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="directory holding routes.yaml and policies/ (default: $OMNIHUB_CONFIG or .)",
    )


def settings_for(args: argparse.Namespace) -> Settings:
    """The settings from the environment; a value that cannot be one stops here, in a line."""
    try:
        settings = Settings.from_env()
        split_urls(settings.amqp_url)  # an empty node list is refused now, not at first use
    except ValueError as exc:
        print(f"omnihub: cannot start: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None
    if getattr(args, "config", None) is not None:
        settings = msgspec.structs.replace(settings, config_dir=args.config)
    return settings


def load_or_exit(settings: Settings) -> HubConfig:
    try:
        return load_config(settings.config_dir)
    except ConfigError as exc:
        print(f"omnihub: cannot start: {exc.report()}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None
