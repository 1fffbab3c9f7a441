#!/usr/bin/env bash
# Run the test suite against real RabbitMQ and Redis (started if installed but stopped),
# then the linters. Extra arguments go to pytest (e.g. tests/gateway -k throttle).
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
scripts/test-tools.sh
# The public EDI corpus (../shared/samples/edi) is an extra suite: run when present.
corpus=()
if [ $# -eq 0 ] && [ ! -f ../shared/samples/edi/MANIFEST.md ]; then
  echo "==> EDI corpus: ../shared/samples/edi is absent, tests/corpus is not run"
  corpus=(--ignore=tests/corpus)
fi
.venv/bin/python -m pytest ${corpus[@]+"${corpus[@]}"} "$@"
if [ $# -eq 0 ]; then
  echo "==> ruff"
  .venv/bin/ruff check .
  .venv/bin/ruff format --check .
  echo "==> mypy (strict)"
  .venv/bin/mypy
fi
