#!/bin/bash
# screenshot.sh REPORT.html OUT.png - renders an `ftlab report` page with
# headless Chromium (Debian package `chromium`) so a person can look at it:
#   ftlab report results/run.h5 --out /tmp/report.html
#   tests/analysis/screenshot.sh /tmp/report.html /tmp/report.png
# The page is self-contained; networking is disabled to prove it.
set -euo pipefail
html=$(realpath "$1") out=$2
command -v chromium >/dev/null || { echo "screenshot.sh: install Debian's chromium (apt-get install chromium)" >&2; exit 1; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$profile" --screenshot="$out" --window-size=1200,2400 \
  "file://$html" 2>/dev/null
echo "screenshot: $out"
