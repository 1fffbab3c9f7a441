"""``omnihub gateway``, ``omnihub worker`` and ``omnihub dev``: run the hub."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import Any

from hub.cli.common import EXIT_CONFIG, EXIT_RUNTIME, add_config_arg, load_or_exit, settings_for
from omnihub.errors import BrokerUnavailable, TopologyConflict

__all__ = ["register"]

GATEWAY_PORT = 8080
SANDBOX_PORT = 8090


def register(sub: argparse._SubParsersAction[Any]) -> None:
    gw = sub.add_parser("gateway", help="run the partner-facing gateway")
    add_config_arg(gw)
    gw.add_argument("--host", default="127.0.0.1")
    gw.add_argument("--port", type=int, default=GATEWAY_PORT)
    gw.add_argument(
        "--workers",
        type=int,
        default=1,
        help="gateway processes sharing the port (SO_REUSEPORT); default 1",
    )
    gw.add_argument("--reuse-port", action="store_true", help=argparse.SUPPRESS)
    gw.set_defaults(func=_gateway)

    wk = sub.add_parser("worker", help="run the connector worker of one target")
    add_config_arg(wk)
    wk.add_argument("--target", required=True, help="target id from policies/ (e.g. erp)")
    wk.set_defaults(func=_worker)

    dev = sub.add_parser(
        "dev", help="run gateway, a worker per target and the sandbox together (development)"
    )
    add_config_arg(dev)
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument("--port", type=int, default=GATEWAY_PORT, help="gateway port")
    dev.add_argument("--sandbox-port", type=int, default=SANDBOX_PORT)
    dev.set_defaults(func=_dev)


def _setup_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def _run(parts: list[Any], on_ready: Any = None) -> int:
    from connectors import ConnectorConfigError
    from hub.runner import new_event_loop, run_parts

    try:
        with asyncio.Runner(loop_factory=new_event_loop) as runner:
            runner.run(run_parts(parts, on_ready=on_ready))
    except TopologyConflict as exc:
        print(f"omnihub: broker topology conflict: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except ConnectorConfigError as exc:
        print(f"omnihub: cannot build the worker: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except BrokerUnavailable as exc:
        print(
            f"omnihub: {exc}. Is RabbitMQ running? Start it with `rabbitmq-server -detached` "
            "or set OMNIHUB_AMQP_URL.",
            file=sys.stderr,
        )
        return EXIT_RUNTIME
    except KeyboardInterrupt:
        pass
    return 0


def _gateway(args: argparse.Namespace) -> int:
    from hub.runner import gateway_part

    _setup_logging()
    settings = settings_for(args)
    config = load_or_exit(settings)
    if args.workers > 1:
        return _gateway_processes(args)
    if not args.reuse_port:
        print(f"gateway listening on http://{args.host}:{args.port}", flush=True)
    return _run([gateway_part(config, settings, args.host, args.port, reuse_port=args.reuse_port)])


def _gateway_processes(args: argparse.Namespace) -> int:
    """Run `--workers` gateway processes on one port (SO_REUSEPORT); forward signals."""
    import signal
    import subprocess

    argv = [sys.executable, "-m", "hub.cli.main", "gateway", "--reuse-port"]
    argv += ["--host", args.host, "--port", str(args.port)]
    if args.config is not None:
        argv += ["--config", str(args.config)]
    children = [subprocess.Popen(argv) for _ in range(args.workers)]
    print(
        f"gateway listening on http://{args.host}:{args.port} ({args.workers} processes)",
        flush=True,
    )

    def forward(signum: int, _frame: object) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    codes = [child.wait() for child in children]
    return max(codes, key=abs)


def _worker(args: argparse.Namespace) -> int:
    from hub.runner import worker_part

    _setup_logging()
    settings = settings_for(args)
    config = load_or_exit(settings)
    if args.target not in config.targets:
        known = ", ".join(sorted(config.targets)) or "none"
        print(f"omnihub: unknown target '{args.target}' (configured: {known})", file=sys.stderr)
        return EXIT_CONFIG
    return _run([worker_part(config, settings, args.target)])


def _dev(args: argparse.Namespace) -> int:
    from hub.runner import gateway_part, sandbox_part, worker_part

    _setup_logging()
    settings = settings_for(args)
    config = load_or_exit(settings)
    parts = [
        sandbox_part(args.host, args.sandbox_port),
        gateway_part(config, settings, args.host, args.port),
        *(worker_part(config, settings, t) for t in sorted(config.targets)),
    ]

    def ready() -> None:
        from omnihub.broker.nodes import redact

        print(
            "\nomnihub dev is running (Ctrl-C stops everything):\n"
            f"  gateway  http://{args.host}:{args.port}"
            f"   (routes from {settings.config_dir}/routes.yaml)\n"
            f"  sandbox  http://{args.host}:{args.sandbox_port}"
            "   (inspect: /_sandbox/erp/records)\n"
            f"  workers  {', '.join(sorted(config.targets))}\n"
            f"  broker   {', '.join(map(redact, settings.amqp_urls))}"
            f"  prefix '{settings.prefix}'\n",
            flush=True,
        )

    return _run(parts, on_ready=ready)
