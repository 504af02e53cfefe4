#!/usr/bin/env bash
# The dashboard's end-to-end tests drive Debian's Chromium (Playwright cannot download browsers here).
set -euo pipefail
source "$(dirname "$0")/env.sh"
if [ -x "$CHROMIUM_PATH" ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "› installing Chromium for the end-to-end tests (apt-get install chromium)…"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "Chromium is missing at $CHROMIUM_PATH: install it (sudo apt-get install -y chromium) or set CHROMIUM_PATH." >&2
  exit 1
fi
