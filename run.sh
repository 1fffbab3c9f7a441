#!/usr/bin/env bash
# Run the whole hub on this machine: gateway, one worker per target and the sandbox,
# with the example configuration (routes.yaml, policies/). Ctrl-C stops everything.
# Extra arguments go to `omnihub dev` (e.g. --port 9080).
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
exec .venv/bin/omnihub dev --config . "$@"
