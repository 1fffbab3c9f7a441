#!/usr/bin/env bash
# Tools the test suite runs besides Python packages: a real Prometheus server (Debian's
# `prometheus` package), which tests/hub/test_prometheus_scrape.py starts itself on
# free ports with a temporary configuration. Installed with apt-get where it is missing
# and we may; the service it ships is never started here. Where it cannot be installed,
# that test fails saying what to install.
set -euo pipefail

if command -v prometheus >/dev/null; then
  exit 0
fi
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "==> installing Prometheus for the metrics test (apt-get install prometheus)"
  if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends prometheus) >/dev/null; then
    exit 0
  fi
fi
echo "==> warning: Prometheus is not installed and could not be installed here" \
  "(apt-get install prometheus, as root); the Prometheus scrape test will fail saying so" >&2
