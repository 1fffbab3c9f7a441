"""``python -m sandbox [--host H] [--port P]``: serve the sandbox in the foreground."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sandbox.server import serve

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8090


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args(argv)
    print(f"sandbox listening on http://{args.host}:{args.port}", flush=True)
    serve(args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
