#!/usr/bin/env bash
# Installs Debian's Chromium for the browser suite (test/browser) when it is missing.
# playwright-core drives it; no browser is ever downloaded by playwright.
set -euo pipefail
# fonts-noto-cjk: without a CJK font the Chinese screenshots show empty boxes
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto | grep -qi cjk || need+=(fonts-noto-cjk)
if [ ${#need[@]} -eq 0 ]; then
  echo "chromium present: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
/usr/bin/chromium --version || true
