#!/bin/sh
# System tools the tests need: soffice (libreoffice-calc) and pdftoppm (poppler-utils) for
# the LibreOffice rendering proof; chromium for the web app's browser tests (Playwright
# drives Debian's Chromium: no browser download). Idempotent: does nothing when both are present. Installs them
# only when run as root (CI, the project machine); otherwise says what is missing and exits
# 0, so `make test` still runs (the rendering test is then skipped).
set -eu

missing=""
command -v soffice >/dev/null 2>&1 || missing="$missing libreoffice-calc"
command -v pdftoppm >/dev/null 2>&1 || missing="$missing poppler-utils"
browser=""
[ -x /usr/bin/chromium ] || browser="chromium"

if [ -z "$missing$browser" ]; then
    exit 0
fi

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: missing$missing $browser (install them; tests that need them are skipped)"
    exit 0
fi

echo "system-deps: installing$missing $browser"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086  # word splitting of the package list is intended
[ -z "$missing" ] || apt-get install -y -qq --no-install-recommends $missing >/dev/null
# Chromium with its recommended packages (fonts), so pages render as a person sees them
[ -z "$browser" ] || apt-get install -y -qq "$browser" >/dev/null
