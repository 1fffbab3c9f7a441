#!/usr/bin/env bash
# Write requirements.lock: every package (with the dev extra) pinned to one version, with
# the hashes of its files, resolved from the ranges in pyproject.toml. Run it after you
# change a dependency in pyproject.toml, and commit both. Installing the lock needs only
# pip (scripts/bootstrap.sh, the Dockerfile); uv is needed here, to resolve it.
# Extra arguments go to `uv pip compile` (e.g. --upgrade-package redis).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || scripts/bootstrap.sh
[ -x .venv/bin/uv ] || .venv/bin/python -m pip install --quiet 'uv>=0.5'
exec .venv/bin/uv pip compile pyproject.toml --extra dev --generate-hashes \
  --python-version 3.11 --custom-compile-command scripts/lock.sh \
  --output-file requirements.lock --quiet "$@"
