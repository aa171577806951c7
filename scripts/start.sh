#!/usr/bin/env bash
# npm start: the whole phone bank on one Debian machine, for a first look.
#   PostgreSQL (DATABASE_URL, or an embedded one), a local Asterisk 22, the simulated voter
#   trunk (SIPp plays voters), the orchestrator with the web UI, and a demo campaign.
# Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"
say() { printf '[start] %s\n' "$*" >&2; }
die() { printf '[start] error: %s\n' "$*" >&2; exit 1; }

node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
  die "Node.js $(node --version) is too old: use Node 20.19 or newer (20.x or 22.x)."

say "1/6 system packages"
bash scripts/ensure-system-deps.sh

say "2/6 npm packages and build"
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build
if [ -f apps/web/angular.json ]; then npm run --silent build:web; fi

say "3/6 Asterisk"
started_asterisk=0
if [ -z "${ASTERISK_ARI_URL:-}" ]; then
  if ! bash asterisk/provision.sh status >/dev/null 2>&1; then started_asterisk=1; fi
  bash asterisk/provision.sh start
fi

pids=()
stopped=0
cleanup() {
  [ "$stopped" = 1 ] && return
  stopped=1
  say "stopping…"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$started_asterisk" = 1 ]; then bash asterisk/provision.sh stop || true; fi
}
trap cleanup EXIT INT TERM

say "4/6 simulated voter trunk (SIPp on 127.0.0.1:${VOTER_TRUNK_PORT:-5070})"
mkdir -p .data/logs
sipp -sf tests/sipp/voter-trunk.xml -i 127.0.0.1 -p "${VOTER_TRUNK_PORT:-5070}" -mi 127.0.0.1 -mp 16000 \
  -nostdin -trace_err -error_file .data/logs/voter-trunk-errors.log >.data/logs/voter-trunk.log 2>&1 &
pids+=($!)

say "5/6 orchestrator (database migrations run at start)"
rm -f .data/demo.json
PHONEBANK_DEMO=1 node dist/apps/orchestrator/src/main.js &
orchestrator=$!
pids+=("$orchestrator")
url="http://${HTTP_HOST:-127.0.0.1}:${HTTP_PORT:-3000}"
for _ in $(seq 1 240); do
  if curl -fsS -m 1 "$url/health" >/dev/null 2>&1; then break; fi
  kill -0 "$orchestrator" 2>/dev/null || die "the orchestrator exited; its messages are above."
  sleep 0.5
done
curl -fsS -m 2 "$url/health" >/dev/null || die "the orchestrator did not answer on $url/health within 2 minutes."

say "6/6 demo: a volunteer dials in and calls the demo voters (simulated trunk)"
for _ in $(seq 1 20); do [ -s .data/demo.json ] && break; sleep 0.5; done
npx ts-node --transpile-only scripts/demo/autopilot.ts .data/demo.json &
pids+=($!)

cat >&2 <<INFO

  The phone bank is running.
    Web UI and API:   $url            (API docs: $url/api/docs)
    Health:           $url/health
    Asterisk CLI:     bash asterisk/provision.sh cli "core show channels"
    Voter trunk log:  $REPO/.data/logs/voter-trunk.log
  Press Ctrl-C to stop everything.

INFO
wait "$orchestrator"
