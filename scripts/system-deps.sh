#!/bin/sh
# Debian packages the test suite uses for real components: headless Chromium (UI tests), LibreOffice
# (Word → PDF of the notices), poppler (PDF → PNG), CJK fonts (charts and rendered notices),
# docker-compose 1.29 (validates deploy/compose.yaml; no engine is needed for `config`).
# Installed only when missing, and only where apt-get can run as root; elsewhere the tests that need a
# package say which one is missing.
set -u
PKGS="chromium libreoffice-writer-nogui poppler-utils fonts-wqy-zenhei fonts-noto-cjk docker-compose"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "note: Debian packages missing ($missing); the tests that need them will report it" >&2
fi
exit 0
