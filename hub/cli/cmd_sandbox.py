"""``omnihub sandbox``: serve the simulated ERP, WMS, carrier and partner endpoints."""

from __future__ import annotations

import argparse
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8090


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``sandbox`` sub-command."""
    parser = subparsers.add_parser(
        "sandbox",
        help="run the sandbox of simulated target systems",
        description=(
            "Serve simulated ERP, WMS, carrier and partner webhook endpoints that record "
            "every delivery and can fail on demand (control API under /_sandbox). "
            "See docs/sandbox.md."
        ),
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"default {DEFAULT_HOST}")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; exit code 0 after a graceful stop."""
    from sandbox.server import serve  # imported here: `omnihub --help` stays fast

    base = f"http://{args.host}:{args.port}"
    print(f"sandbox listening on {base}", flush=True)
    print(f"  targets: {base}/erp/sales-orders, /wms/..., /carrier/shipments, ...", flush=True)
    print(f"  control: {base}/_sandbox/health  (docs/sandbox.md)", flush=True)
    serve(args.host, args.port)
    return 0
