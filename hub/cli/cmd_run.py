"""``omnihub gateway``, ``omnihub worker``, ``omnihub console`` and ``omnihub dev``: run the hub."""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
from typing import Any

from hub.cli.common import EXIT_CONFIG, EXIT_RUNTIME, add_config_arg, load_or_exit, settings_for
from hub.cli.dev_targets import dev_health_ports, follow_sandbox
from omnihub.errors import BrokerUnavailable, TopologyConflict
from omnihub.listeners import PortInUse, listen, port_of
from omnihub.logs import setup_logging

__all__ = ["register"]

GATEWAY_PORT = 8080
SANDBOX_PORT = 8090
OPERATOR_PORT = 9180
MONITOR_PORT = 9464  # the SLA monitor's Prometheus /metrics
CONSOLE_PORT = 9190


def register(sub: argparse._SubParsersAction[Any]) -> None:
    gw = sub.add_parser("gateway", help="run the partner-facing gateway")
    add_config_arg(gw)
    gw.add_argument(
        "--host", default="127.0.0.1", help="address of the partner port (default 127.0.0.1)"
    )
    gw.add_argument(
        "--port", type=int, default=GATEWAY_PORT, help=f"partner port (default {GATEWAY_PORT})"
    )
    _add_operator_args(gw)
    gw.add_argument(
        "--workers",
        type=int,
        default=1,
        help="gateway processes sharing the port (SO_REUSEPORT); default 1; process i "
        "serves its metrics on the operator port + i",
    )
    gw.add_argument("--reuse-port", action="store_true", help=argparse.SUPPRESS)
    gw.set_defaults(func=_gateway)

    wk = sub.add_parser("worker", help="run the connector worker of one target")
    add_config_arg(wk)
    wk.add_argument("--target", required=True, help="target id from policies/ (e.g. erp)")
    wk.set_defaults(func=_worker)

    console = sub.add_parser(
        "console", help="run the operations console (a web UI on 127.0.0.1 by default)"
    )
    add_config_arg(console)
    _add_console_args(console)
    console.add_argument(
        "--scrape",
        action="append",
        default=[],
        metavar="URL",
        help="a Prometheus endpoint of a gateway (operator port) or worker (health port) to "
        "chart on the overview, e.g. http://127.0.0.1:9180/metrics; repeat for each",
    )
    console.set_defaults(func=_console)

    dev = sub.add_parser(
        "dev", help="run gateway, a worker per target and the sandbox together (development)"
    )
    add_config_arg(dev)
    dev.add_argument("--host", default="127.0.0.1", help="address of gateway and sandbox")
    dev.add_argument(
        "--port",
        type=int,
        default=GATEWAY_PORT,
        help=f"gateway (partner) port (default {GATEWAY_PORT})",
    )
    _add_operator_args(dev)
    _add_console_args(dev)
    dev.add_argument(
        "--sandbox-port",
        type=int,
        default=SANDBOX_PORT,
        help=f"sandbox port (default {SANDBOX_PORT}); targets at its default address follow it",
    )
    dev.add_argument(
        "--monitor-port",
        type=int,
        default=MONITOR_PORT,
        help=f"the SLA monitor's /metrics port (on the operator host; default {MONITOR_PORT})",
    )
    dev.set_defaults(func=_dev)


def _add_operator_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--operator-host",
        default=os.environ.get("OMNIHUB_OPERATOR_HOST", "127.0.0.1"),
        help="address of the operator port ($OMNIHUB_OPERATOR_HOST, default 127.0.0.1)",
    )
    parser.add_argument(
        "--operator-port",
        type=int,
        default=int(os.environ.get("OMNIHUB_OPERATOR_PORT", OPERATOR_PORT)),
        help="operator port: /metrics, /healthz, /readyz ($OMNIHUB_OPERATOR_PORT, default "
        f"{OPERATOR_PORT}; 0 picks a free one)",
    )


def _add_console_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--console-host",
        default=os.environ.get("OMNIHUB_CONSOLE_HOST", "127.0.0.1"),
        help="address of the console ($OMNIHUB_CONSOLE_HOST, default 127.0.0.1)",
    )
    parser.add_argument(
        "--console-port",
        type=int,
        default=int(os.environ.get("OMNIHUB_CONSOLE_PORT", CONSOLE_PORT)),
        help=f"console port ($OMNIHUB_CONSOLE_PORT, default {CONSOLE_PORT}; 0 picks a free one)",
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
    except PortInUse as exc:
        print(f"omnihub: cannot start: {exc}", file=sys.stderr)
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


def _bind(part: str, host: str, port: int, flag: str, *, reuse_port: bool = False) -> socket.socket:
    """Bind a part's port now, before anything starts; a taken port is one line, exit 2."""
    try:
        return listen(part, host, port, hint=f"choose another with {flag}", reuse_port=reuse_port)
    except PortInUse as exc:
        print(f"omnihub: cannot start: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


def _gateway(args: argparse.Namespace) -> int:
    from hub.runner import gateway_part

    setup_logging()
    settings = settings_for(args)
    config = load_or_exit(settings)
    if args.workers > 1:
        return _gateway_processes(args)
    sock = _bind("gateway", args.host, args.port, "--port", reuse_port=args.reuse_port)
    operator = _bind("operator", args.operator_host, args.operator_port, "--operator-port")

    def ready() -> None:
        if not args.reuse_port:
            print(f"gateway listening on http://{args.host}:{port_of(sock)}", flush=True)
        print(
            f"operator endpoints on http://{args.operator_host}:{port_of(operator)}"
            " (/metrics, /healthz, /readyz)",
            flush=True,
        )

    return _run([gateway_part(config, settings, sock, operator)], on_ready=ready)


def _gateway_processes(args: argparse.Namespace) -> int:
    """Run `--workers` gateway processes on one port (SO_REUSEPORT); forward signals.

    Process i serves its operator endpoints on ``--operator-port`` + i (each process has
    its own metrics). "listening" is printed once every process said it listens; a
    process that ends before that stops the others."""
    import signal
    import subprocess

    # A port another program holds: one line here, not one per process.
    _bind("gateway", args.host, args.port, "--port", reuse_port=True).close()
    argv = [sys.executable, "-m", "hub.cli.main", "gateway", "--reuse-port"]
    argv += ["--host", args.host, "--port", str(args.port)]
    argv += ["--operator-host", args.operator_host]
    if args.config is not None:
        argv += ["--config", str(args.config)]
    children: list[subprocess.Popen[str]] = []

    def forward(signum: int, _frame: object) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    for i in range(args.workers):
        operator_port = args.operator_port + i if args.operator_port else 0
        command = [*argv, "--operator-port", str(operator_port)]
        children.append(subprocess.Popen(command, stdout=subprocess.PIPE, text=True))
    for child in children:
        assert child.stdout is not None
        line = child.stdout.readline()  # the child's "operator endpoints on ..." when ready
        if not line:  # it ended before it listened: it said why on stderr
            forward(signal.SIGTERM, None)
            break
        print(line, end="", flush=True)
    else:
        print(
            f"gateway listening on http://{args.host}:{args.port} ({args.workers} processes)",
            flush=True,
        )
    codes = [child.wait() for child in children]
    for child in children:
        if child.stdout is not None:
            child.stdout.close()
    return max(codes, key=abs)


def _console(args: argparse.Namespace) -> int:
    from hub.runner import console_part

    setup_logging()
    settings = settings_for(args)
    config = load_or_exit(settings)
    sock = _bind("console", args.console_host, args.console_port, "--console-port")

    def ready() -> None:
        print(f"console on http://{args.console_host}:{port_of(sock)}/console/", flush=True)

    return _run([console_part(config, settings, sock, args.scrape)], on_ready=ready)


def _worker(args: argparse.Namespace) -> int:
    from hub.runner import worker_part

    setup_logging()
    settings = settings_for(args)
    config = load_or_exit(settings)
    if args.target not in config.targets:
        known = ", ".join(sorted(config.targets)) or "none"
        print(f"omnihub: unknown target '{args.target}' (configured: {known})", file=sys.stderr)
        return EXIT_CONFIG

    def ready() -> None:
        print(f"worker for {args.target} consuming", flush=True)

    return _run([worker_part(config, settings, args.target)], on_ready=ready)


def _dev(args: argparse.Namespace) -> int:
    from connectors import WorkerOptions
    from hub.runner import console_part, gateway_part, monitor_part, sandbox_part, worker_part

    setup_logging()
    settings = settings_for(args)
    config = load_or_exit(settings)
    sandbox = _bind("sandbox", args.host, args.sandbox_port, "--sandbox-port")
    gateway = _bind("gateway", args.host, args.port, "--port")
    operator = _bind("operator", args.operator_host, args.operator_port, "--operator-port")
    monitor = _bind("monitor", args.operator_host, args.monitor_port, "--monitor-port")
    console = _bind("console", args.console_host, args.console_port, "--console-port")
    sandbox_url = f"http://{args.host}:{port_of(sandbox)}"
    config, followed = follow_sandbox(config, sandbox_url)
    targets = sorted(config.targets)
    worker_options = WorkerOptions.from_env()
    health = dev_health_ports(targets, worker_options.health_port)
    parts = [
        sandbox_part(sandbox),
        gateway_part(config, settings, gateway, operator),
        *(worker_part(config, settings, t, health_port=health.get(t)) for t in targets),
        monitor_part(config, settings, monitor),
    ]
    scrape = [f"http://{args.operator_host}:{port_of(operator)}/metrics"] + [
        f"http://{worker_options.health_host}:{port}/metrics" for port in health.values() if port
    ]
    parts.append(console_part(config, settings, console, scrape))

    def ready() -> None:
        from omnihub.broker.nodes import redact

        lines = [
            "",
            "omnihub dev is running (Ctrl-C stops everything):",
            f"  gateway  http://{args.host}:{port_of(gateway)}"
            f"   (routes from {settings.config_dir}/routes.yaml)",
            f"  operator http://{args.operator_host}:{port_of(operator)}"
            "   (/metrics, /healthz, /readyz)",
            f"  console  http://{args.console_host}:{port_of(console)}/console/"
            "   (sign in with an admin API key)",
            f"  sandbox  {sandbox_url}   (inspect: /_sandbox/erp/records)",
            f"  workers  {', '.join(targets)}"
            + (f"   (delivering to the sandbox: {', '.join(followed)})" if followed else ""),
        ]
        lines += [
            f"  health   {t}: http://{worker_options.health_host}:{port}/health"
            for t, port in health.items()
            if port
        ]
        lines.append(
            f"  monitor  {len(config.slas)} SLAs, http://{args.operator_host}:{port_of(monitor)}"
            "/metrics   (omnihub exceptions list)"
        )
        broker = ", ".join(map(redact, settings.amqp_urls))
        lines.append(f"  broker   {broker}  prefix '{settings.prefix}'")
        print("\n".join(lines) + "\n", flush=True)

    return _run(parts, on_ready=ready)
