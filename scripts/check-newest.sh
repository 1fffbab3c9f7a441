#!/usr/bin/env bash
# Install the newest versions that pyproject.toml's ranges allow (ignoring requirements.lock)
# into a scratch virtual environment and run the ingest / publish / Redis part of the suite
# with them: an upgrade of aio-pika, aiormq, redis-py, uvicorn, litestar... that breaks the
# hub shows here before a user meets it. The lock itself is untouched: when this passes,
# `scripts/lock.sh --upgrade` moves the lock forward. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/omnihub-newest-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
scripts/services.sh
"$PYTHON" -m venv "$scratch/venv"
py="$scratch/venv/bin/python"
"$py" -m pip install --quiet --upgrade pip
# --upgrade-strategy eager: every dependency at its newest allowed version, not just ours.
# compat mode: a plain path entry to this checkout, as scripts/bootstrap.sh installs it.
"$py" -m pip install --quiet --upgrade --upgrade-strategy eager -e '.[dev]' \
  --config-settings editable_mode=compat
"$py" -m pip install --quiet --no-deps --force-reinstall 'elements-oscrypto>=1.4.0b1'
echo "==> newest versions allowed by pyproject.toml:"
"$py" -m pip list --format=freeze \
  | grep -iE '^(aio-pika|aiormq|pamqp|redis|hiredis|uvicorn|litestar|msgspec|httpx|limits)=='
"$py" -m pytest -p no:cacheprovider -q tests/gateway tests/omnihub "$@"  # not exec: the trap cleans up
