"""``omnihub monitor``: check the SLAs, keep exceptions, send alerts, serve metrics.

    omnihub monitor [--config DIR] [--metrics-port 9464] [--once]

Several may run: one leads (a Redis lease), the others take over when it stops.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from hub.cli.cmd_run import MONITOR_PORT, _bind, _run
from hub.cli.common import EXIT_RUNTIME, add_config_arg, load_or_exit, settings_for
from omnihub.errors import BrokerError
from omnihub.journey import StoreUnavailable
from omnihub.listeners import port_of
from omnihub.logs import setup_logging
from omnihub.monitor import Monitor

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser("monitor", help="watch the SLAs: exceptions and alerts")
    add_config_arg(parser)
    parser.add_argument(
        "--metrics-host", default="127.0.0.1", help="address of the /metrics port (127.0.0.1)"
    )
    parser.add_argument(
        "--metrics-port",
        type=int,
        default=MONITOR_PORT,
        help=f"Prometheus /metrics port ({MONITOR_PORT}; 0: any free port)",
    )
    parser.add_argument("--once", action="store_true", help="one round, then exit")
    parser.set_defaults(func=_monitor)


async def _once(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    monitor = Monitor(load_or_exit(settings), settings)
    try:
        report = await monitor.run_round()
    except (StoreUnavailable, BrokerError) as exc:
        print(f"omnihub: monitor round failed: {exc}", file=sys.stderr)
        return EXIT_RUNTIME
    finally:
        await monitor.close()
    print(
        f"{report.breaches} breaches, {report.resolved} exceptions resolved, "
        f"{report.alerts} alerts sent"
    )
    return 0


def _monitor(args: argparse.Namespace) -> int:
    if args.once:
        return asyncio.run(_once(args))
    from hub.runner import monitor_part

    setup_logging()
    settings = settings_for(args)
    config = load_or_exit(settings)
    sock = _bind("monitor", args.metrics_host, args.metrics_port, "--metrics-port")
    url = f"http://{args.metrics_host}:{port_of(sock)}/metrics"

    def ready() -> None:
        print(f"monitor running: {len(config.slas)} SLAs, metrics on {url}", flush=True)

    return _run([monitor_part(config, settings, sock)], on_ready=ready)
