#!/usr/bin/env bash
# Tools the test suite runs besides Python packages, from Debian's packages:
# - a real Prometheus server (`prometheus`), which tests/hub/test_prometheus_scrape.py
#   starts itself on free ports with a temporary configuration;
# - Chromium (`chromium`), the headless browser of the console's tests (tests/console),
#   driven by Playwright through its executable path: Playwright's own browser downloads
#   (`playwright install`) are never used.
# Installed with apt-get where missing and we may; no service they ship is started here.
# Where one cannot be installed, the tests that need it fail saying what to install.
set -euo pipefail

missing=()
command -v prometheus >/dev/null || missing+=(prometheus)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "==> installing ${missing[*]} for the tests (apt-get install)"
  if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends "${missing[@]}") >/dev/null; then
    exit 0
  fi
fi
echo "==> warning: ${missing[*]} not installed and could not be installed here" \
  "(apt-get install ${missing[*]}, as root); the tests that need them will fail saying so" >&2
