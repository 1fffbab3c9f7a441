"""``python -m bench.console COMMAND``

    screenshots                 regenerate docs/console/*.png (docs/console.md shows them)
    render [--journeys N] [--dead-letters D] [--runs R]
                                page render times with N journeys (default 10,000) and D
                                dead letters (default 1,000) present

Both run a real `omnihub dev` (RabbitMQ, Redis, PostgreSQL as for the hub, through
OMNIHUB_AMQP_URL, OMNIHUB_REDIS_URL, OMNIHUB_POSTGRES_URL) on free ports, with a prefix
and a database of their own, removed at the end, and Debian's Chromium (/usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import sys

from bench.console.render import measure_render
from bench.console.screenshots import take_screenshots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.console")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("screenshots", help="regenerate docs/console/*.png")
    render = sub.add_parser("render", help="page render times with many journeys present")
    render.add_argument("--journeys", type=int, default=10_000)
    render.add_argument("--dead-letters", type=int, default=1_000)
    render.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    if args.command == "screenshots":
        for path in take_screenshots():
            print(path)
        return 0
    measure_render(args.journeys, args.dead_letters, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
