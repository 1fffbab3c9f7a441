#!/usr/bin/env bash
# Prepare a machine to run omnihub: a virtual environment with the project installed,
# and RabbitMQ + Redis running. Safe to run again: it only does what is missing.
# Used by ./run.sh and ./test.sh; you rarely call it yourself.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "omnihub needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi

# What is installed is requirements-dev.lock (the versions and hashes CI tested, with the
# dev tools; written by scripts/lock.sh from the ranges in pyproject.toml), then the
# project itself without dependencies.
lock=requirements-dev.lock
stamp=".venv/.installed-$(cat pyproject.toml "$lock" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "==> installing omnihub and its locked dependencies into .venv (first run takes a minute)"
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet --require-hashes -r "$lock"
  # compat mode: a plain path entry, so the top-level packages import from the checkout.
  .venv/bin/python -m pip install --quiet --no-deps -e . --config-settings editable_mode=compat
  # pyas2lib pulls oscrypto 1.3.0, which cannot read OpenSSL >= 3.0.10; the fixed
  # elements-oscrypto provides the same module and must be installed last (its locked
  # version and hashes, cut out of the lock).
  oscrypto_lock=$(mktemp)
  awk '/^elements-oscrypto==/{p=1} p{print} p&&!/\\$/{exit}' "$lock" >"$oscrypto_lock"
  .venv/bin/python -m pip install --quiet --no-deps --force-reinstall --require-hashes \
    -r "$oscrypto_lock"
  rm -f "$oscrypto_lock" .venv/.installed-*
  touch "$stamp"
fi

exec scripts/services.sh
