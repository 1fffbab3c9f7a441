#!/usr/bin/env bash
# Write the lock files from the ranges in pyproject.toml, every package pinned to one
# version with the hashes of its files:
#   requirements-dev.lock  the hub and the dev extra (tests, lint): scripts/bootstrap.sh
#   requirements.lock      the hub alone, at the same versions: the Dockerfile
# Run it after you change a dependency in pyproject.toml, and commit all three. Installing
# a lock needs only pip; uv (installed into .venv here when missing) resolves them.
# Extra arguments go to `uv pip compile` (e.g. --upgrade, --upgrade-package redis).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || scripts/bootstrap.sh
[ -x .venv/bin/uv ] || .venv/bin/python -m pip install --quiet 'uv>=0.5'
compile() {
  .venv/bin/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 \
    --custom-compile-command scripts/lock.sh --quiet "$@"
}
compile --extra dev --output-file requirements-dev.lock "$@"
# The runtime lock takes its versions from the dev lock, so both install the same hub.
compile --constraint requirements-dev.lock --output-file requirements.lock
