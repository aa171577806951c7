#!/usr/bin/env bash
# npm test: every tier of tests, in order, against real parts.
#   1. static checks (types, lint, formatting)
#   2. unit tests of pure logic (no server)
#   3. PostgreSQL tests (DATABASE_URL, or an embedded PostgreSQL started for the run)
#   4. telephony tests against a real Asterisk 22 with SIPp playing the phones
#      (ASTERISK_ARI_URL, or the local Asterisk provisioned by asterisk/provision.sh)
#   5. browser tests in Debian's Chromium
# Anything this script starts, it stops.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\n[test] %s\n' "$*" >&2; }
RESULTS=tests/reports/tmp
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
# One closing line for the whole run, summed over every Jest tier (also printed on failure).
summary() {
  node -e '
    const fs = require("fs"); const dir = process.argv[1]; let p = 0, f = 0, s = 0;
    for (const n of fs.readdirSync(dir)) { try { const j = JSON.parse(fs.readFileSync(dir + "/" + n, "utf8"));
      p += j.numPassedTests; f += j.numFailedTests; s += j.numPendingTests + (j.numTodoTests || 0); } catch {} }
    console.log(`\ntests: ${p} passed, ${f} failed` + (s ? `, ${s} skipped` : ""));' "$RESULTS"
}

bash scripts/ensure-system-deps.sh
[ -d node_modules ] || { say "installing npm packages (npm ci)…"; npm ci --no-audit --no-fund; }

say "1/5 static checks: tsc, eslint, prettier"
npx tsc -p tsconfig.json --noEmit
npx eslint --max-warnings 0 .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }

started_asterisk=0
trap 'rc=$?; summary; exit $rc' EXIT

say "2/5 unit tests (pure domain and adapters' pure parts)"
npx jest --selectProjects unit --json --outputFile="$RESULTS/unit.json"

say "3/5 PostgreSQL tests"
node scripts/with-database.js npx jest --selectProjects db --runInBand --json --outputFile="$RESULTS/db.json"

say "4/5 telephony tests: real Asterisk 22 + SIPp"
if [ -z "${ASTERISK_ARI_URL:-}" ]; then
  if ! bash asterisk/provision.sh status >/dev/null 2>&1; then
    bash asterisk/provision.sh start
    started_asterisk=1
  fi
fi
cleanup() {
  local rc=$?
  # Phones and captures a failed test may have left behind (this run's only: started by jest).
  pkill -f "^sipp .*tests/sipp|^sipp .*/volunteer" 2>/dev/null || true
  pkill -f "^tcpdump -i lo -n -U" 2>/dev/null || true
  if [ "$started_asterisk" = 1 ]; then bash asterisk/provision.sh stop || true; fi
  summary
  exit $rc
}
trap cleanup EXIT
node scripts/with-database.js npx jest --selectProjects asterisk --runInBand --forceExit --json --outputFile="$RESULTS/asterisk.json"

if [ -d tests/browser ] && ls tests/browser/*.e2e-spec.ts >/dev/null 2>&1; then
  say "5/5 browser tests: Debian Chromium via playwright-core"
  npm run --silent build:web
  node scripts/with-database.js npx jest --selectProjects browser --runInBand --forceExit --json --outputFile="$RESULTS/browser.json"
fi
say "all test tiers passed"
