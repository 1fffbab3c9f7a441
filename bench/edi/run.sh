#!/usr/bin/env bash
# The EDI reading benchmark in one command (see docs/edi.md): installs pyx12 (bench extra)
# when missing, then runs `python -m bench.edi` with the arguments given.
#   bench/edi/run.sh                    # 20 MB generated 856, best of 3, samples x200
#   bench/edi/run.sh --size-mb 50 --repeat 5
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
if [ ! -x "$PY" ]; then
  echo "bench: no .venv here: run scripts/bootstrap.sh first" >&2
  exit 2
fi
if ! "$PY" -c 'import pyx12' 2>/dev/null; then
  echo "==> installing the bench extra into .venv (pyx12 and the ingest tools)"
  .venv/bin/pip install -q -e '.[bench]'
fi
exec "$PY" -m bench.edi "$@"
