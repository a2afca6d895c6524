#!/bin/sh
# Runs index.html in headless Chromium, served from another origin (a Python static server on
# PAGE_PORT) than the emulator at BASE_URL, so every call is a cross-origin request.
# Usage: scripts/interop/browser/run.sh [BASE_URL] [OPENAI_PACKAGE_DIR]
# Prints PASS/FAIL per check; exits with the number of failures.
set -eu
base=${1:-http://127.0.0.1:8080/v1}
openai=${2:-}
port=${PAGE_PORT:-8765}
page=$(mktemp -d)
cp "$(dirname "$0")/index.html" "$page/"
[ -n "$openai" ] && ln -s "$openai" "$page/openai"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$page" >/dev/null 2>&1 &
server=$!
trap 'kill $server; rm -rf "$page"' EXIT
sleep 1
# The page's checks wait on real fetches: a budget of 20 s of virtual time sometimes ran out
# before they finished (the page then still says "running").
results=$(chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=120000 \
  --dump-dom "http://127.0.0.1:$port/index.html?base=$base" 2>/dev/null \
  | awk '/<pre id="out">/ { on = 1 } on { print } on && /<\/pre>/ { exit }' \
  | sed 's/<[^>]*>//g')
echo "$results"
# Only the results element is read (it may open and close on one line), so a page that did
# not finish fails here instead of passing on the word PASS in its own script.
echo "$results" | grep -q '^PASS' || { echo "FAIL no results"; exit 1; }
exit "$(echo "$results" | grep -c '^FAIL' || true)"
