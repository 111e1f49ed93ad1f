#!/bin/sh
# System tools the LibreOffice rendering proof needs: soffice (libreoffice-calc) and
# pdftoppm (poppler-utils). Idempotent: does nothing when both are present. Installs them
# only when run as root (CI, the project machine); otherwise says what is missing and exits
# 0, so `make test` still runs (the rendering test is then skipped).
set -eu

missing=""
command -v soffice >/dev/null 2>&1 || missing="$missing libreoffice-calc"
command -v pdftoppm >/dev/null 2>&1 || missing="$missing poppler-utils"

if [ -z "$missing" ]; then
    exit 0
fi

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: missing$missing (install them to render workbooks; tests that need them are skipped)"
    exit 0
fi

echo "system-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086  # word splitting of the package list is intended
apt-get install -y -qq --no-install-recommends $missing >/dev/null
