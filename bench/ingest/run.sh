#!/usr/bin/env bash
# The ingest benchmark in one command: checks (and where it can, installs) what it needs,
# then runs `python -m bench.ingest` with the arguments given (see bench/README.md).
#   bench/ingest/run.sh                 # raw, full path x1 and x2, FastAPI baseline x1 and x2
#   bench/ingest/run.sh --profile       # the same, then a py-spy profile of the gateway
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=.venv/bin/python
if [ ! -x "$PY" ]; then
  echo "bench: no .venv here: run ./run.sh or scripts/bootstrap.sh first" >&2
  exit 2
fi

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> installing wrk (apt-get install -y wrk)"
    apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
  else
    echo "bench: wrk is missing: install it with 'sudo apt-get install -y wrk' (Debian/Ubuntu)," >&2
    echo "       'brew install wrk' (macOS), or build it from its source; then run this again" >&2
    exit 2
  fi
fi

if ! "$PY" -c 'import fastapi, slowapi, granian' 2>/dev/null || [ ! -x .venv/bin/py-spy ]; then
  echo "==> installing the bench extra into .venv (fastapi, slowapi, granian, py-spy)"
  .venv/bin/pip install -q -e '.[bench]'
fi

scripts/services.sh >/dev/null
exec "$PY" -m bench.ingest "$@"
