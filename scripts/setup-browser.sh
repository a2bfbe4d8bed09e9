#!/usr/bin/env bash
# Debian's Chromium for the Playwright tests (the test tool's own browser
# download is not used). Idempotent.
set -euo pipefail
if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "browser: $(${CHROMIUM_PATH:-/usr/bin/chromium} --version 2>/dev/null || echo chromium) already installed"
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "browser: no apt-get here; install Chromium and set CHROMIUM_PATH" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "browser: installing Debian's chromium"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
echo "browser: $(/usr/bin/chromium --version)"
