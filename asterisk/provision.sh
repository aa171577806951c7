#!/usr/bin/env bash
# Provision and run a local Asterisk 22 for the phone bank (SPEC §9).
#
#   bash asterisk/provision.sh provision   build the cached Asterisk root (idempotent)
#   bash asterisk/provision.sh start       provision if needed, write config, start, wait for ARI
#   bash asterisk/provision.sh stop        stop it (nothing is left running or mounted)
#   bash asterisk/provision.sh restart
#   bash asterisk/provision.sh kill        end it hard, as a crash would (failure tests)
#   bash asterisk/provision.sh status      exit 0 when ARI answers
#   bash asterisk/provision.sh env         print the ASTERISK_ARI_* settings for the orchestrator
#   bash asterisk/provision.sh cli "core show channels"
#
# Debian's stable has no Asterisk 22, so a minimal Debian sid root with Asterisk is built with
# debootstrap (about a minute, once) and cached OUTSIDE the clone (PHONEBANK_CACHE_DIR, default
# /var/cache/phonebank), so fresh clones on the same machine reuse it. Asterisk runs there via
# chroot, without any mount. Every port binds to 127.0.0.1.
#
# Not on Debian, or not root? Point the orchestrator at any Asterisk 22 with ASTERISK_ARI_URL
# (see README) or use the images in docker/.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
CACHE_DIR="${PHONEBANK_CACHE_DIR:-/var/cache/phonebank}"
ROOT="$CACHE_DIR/asterisk-22-root"
STATE_DIR="${PHONEBANK_STATE_DIR:-$REPO/.data}/asterisk"
ROOT_STAMP_VERSION="3" # bump when the package list below changes
PACKAGES="asterisk,asterisk-core-sounds-en-gsm"

: "${ASTERISK_SIP_PORT:=5060}"
: "${ASTERISK_HTTP_PORT:=8088}"
: "${ASTERISK_RTP_START:=10000}"
: "${ASTERISK_RTP_END:=10999}"
: "${VOTER_TRUNK_PORT:=5070}"
: "${ASTERISK_ARI_USER:=phonebank}"
: "${ASTERISK_ARI_APP:=phonebank}"

say() { printf '[asterisk] %s\n' "$*" >&2; }
die() {
  printf '[asterisk] error: %s\n' "$1" >&2
  [ $# -gt 1 ] && printf '[asterisk]   what to do: %s\n' "$2" >&2
  exit 1
}

elsewhere="set ASTERISK_ARI_URL, ASTERISK_ARI_USER and ASTERISK_ARI_PASSWORD to an Asterisk 22 you run yourself (config in asterisk/etc), or use docker/compose.yaml"

preflight() {
  [ "$(uname -s)" = "Linux" ] || die "this script builds a Debian root and needs Linux." "$elsewhere"
  [ "$(id -u)" = "0" ] || die "provisioning Asterisk needs root (debootstrap and chroot)." "run it as root, or $elsewhere"
  [ -r /etc/debian_version ] || die "this machine is not Debian; debootstrap is Debian's tool." "$elsewhere"
}

mirror() {
  # The Debian mirror the machine's own apt sources already name.
  local m=""
  if [ -r /etc/apt/sources.list.d/debian.sources ]; then
    m="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)"
  fi
  if [ -z "$m" ] && [ -r /etc/apt/sources.list ]; then
    m="$(awk '$1=="deb" && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list)"
  fi
  case "$m" in
    *security*|"") m="http://deb.debian.org/debian" ;;
  esac
  printf '%s' "$m"
}

root_ready() { [ -f "$ROOT/.phonebank-root-v$ROOT_STAMP_VERSION" ] && [ -x "$ROOT/usr/sbin/asterisk" ]; }

provision() {
  if root_ready; then
    say "Asterisk root is cached at $ROOT"
    return 0
  fi
  preflight
  if ! command -v debootstrap >/dev/null 2>&1; then
    say "installing debootstrap (apt-get)…"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null ||
      die "could not install debootstrap." "run 'apt-get update' and try again"
  fi
  mkdir -p "$CACHE_DIR"
  local tmp="$ROOT.building.$$"
  rm -rf "$tmp"
  local m
  m="$(mirror)"
  say "building a Debian sid root with Asterisk 22 from $m (once, about a minute)…"
  local log="$CACHE_DIR/debootstrap.log"
  # Progress: debootstrap prints one line per step; show them as they come.
  if ! debootstrap --variant=minbase --include="$PACKAGES" sid "$tmp" "$m" 2>&1 |
    tee "$log" | while IFS= read -r line; do
      case "$line" in
        I:\ Retrieving* | I:\ Validating*) : ;;
        I:*) say "  ${line#I: }" ;;
      esac
    done; then
    rm -rf "$tmp"
    die "debootstrap failed; its log is $log." "check the network to the Debian mirror, or $elsewhere"
  fi
  [ -x "$tmp/usr/sbin/asterisk" ] || {
    rm -rf "$tmp"
    die "the root was built but has no /usr/sbin/asterisk (see $log)." "$elsewhere"
  }
  touch "$tmp/.phonebank-root-v$ROOT_STAMP_VERSION"
  rm -rf "$ROOT"
  mv "$tmp" "$ROOT"
  say "Asterisk root ready: $(chroot "$ROOT" /usr/sbin/asterisk -V)"
}

ari_password() {
  mkdir -p "$STATE_DIR"
  chmod 700 "$STATE_DIR"
  if [ -n "${ASTERISK_ARI_PASSWORD:-}" ]; then
    printf '%s' "$ASTERISK_ARI_PASSWORD"
    return
  fi
  if [ ! -s "$STATE_DIR/ari-password" ]; then
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$STATE_DIR/ari-password")
  fi
  cat "$STATE_DIR/ari-password"
}

render_config() {
  local password="$1" etc="$ROOT/etc/asterisk"
  rm -rf "$etc"
  mkdir -p "$etc"
  local f
  for f in "$HERE"/etc/*.conf; do
    sed -e "s|@@ASTERISK_HTTP_PORT@@|$ASTERISK_HTTP_PORT|g" \
      -e "s|@@ASTERISK_SIP_PORT@@|$ASTERISK_SIP_PORT|g" \
      -e "s|@@ASTERISK_RTP_START@@|$ASTERISK_RTP_START|g" \
      -e "s|@@ASTERISK_RTP_END@@|$ASTERISK_RTP_END|g" \
      -e "s|@@VOTER_TRUNK_PORT@@|$VOTER_TRUNK_PORT|g" \
      -e "s|@@ASTERISK_ARI_USER@@|$ASTERISK_ARI_USER|g" \
      -e "s|@@ASTERISK_ARI_APP@@|$ASTERISK_ARI_APP|g" \
      -e "s|@@ASTERISK_ARI_PASSWORD@@|$password|g" \
      "$f" >"$etc/$(basename "$f")"
  done
  # Our own prompts and recordings live beside the stock sounds.
  mkdir -p "$ROOT/var/lib/asterisk/sounds/phonebank"
  if [ -d "$HERE/sounds" ]; then cp -f "$HERE"/sounds/* "$ROOT/var/lib/asterisk/sounds/phonebank/" 2>/dev/null || true; fi
  chmod 640 "$etc"/*.conf
  chroot "$ROOT" chown -R asterisk:asterisk /etc/asterisk
}

pid_of_running() {
  local pidfile="$ROOT/run/asterisk/asterisk.pid" pid
  [ -s "$pidfile" ] || return 1
  pid="$(cat "$pidfile")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$ROOT" ] || return 1
  printf '%s' "$pid"
}

ari_up() {
  local password="$1"
  curl -fsS -m 2 -u "$ASTERISK_ARI_USER:$password" \
    "http://127.0.0.1:$ASTERISK_HTTP_PORT/ari/asterisk/info?only=build" >/dev/null 2>&1
}

start() {
  provision
  preflight
  local password
  password="$(ari_password)"
  if pid_of_running >/dev/null; then
    if ari_up "$password"; then
      say "Asterisk is already running (pid $(pid_of_running)), ARI on 127.0.0.1:$ASTERISK_HTTP_PORT"
      return 0
    fi
    say "Asterisk is running but ARI does not answer; restarting it"
    stop
  fi
  render_config "$password"
  # /var/spool/asterisk/recording: ARI stored recordings (the voicemail message recorded by phone).
  chroot "$ROOT" /bin/sh -c 'mkdir -p /run/asterisk /var/log/asterisk /var/spool/asterisk/recording /var/lib/asterisk &&
    chown -R asterisk:asterisk /run/asterisk /var/log/asterisk /var/spool/asterisk /var/lib/asterisk'
  rm -f "$ROOT/run/asterisk/asterisk.pid" "$ROOT/run/asterisk/asterisk.ctl"
  say "starting Asterisk (SIP 127.0.0.1:$ASTERISK_SIP_PORT, ARI 127.0.0.1:$ASTERISK_HTTP_PORT)…"
  mkdir -p "$STATE_DIR"
  # -f: stay in the foreground of this detached session, -n: no colours.
  # Asterisk must not inherit our open files above stderr: a test runner's `flock` on
  # /tmp/pb-e2e.lock would otherwise stay held by Asterisk for as long as it runs.
  (
    for fd in /proc/"$BASHPID"/fd/*; do
      fd="${fd##*/}"
      if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec setsid chroot "$ROOT" /usr/sbin/asterisk -f -n -U asterisk -G asterisk \
      </dev/null >"$STATE_DIR/asterisk.out" 2>&1
  ) &
  local i
  for i in $(seq 1 120); do
    if ari_up "$password"; then
      say "Asterisk is up (pid $(pid_of_running || echo '?')); ARI at http://127.0.0.1:$ASTERISK_HTTP_PORT"
      write_env "$password"
      return 0
    fi
    if [ "$i" -gt 10 ] && ! pid_of_running >/dev/null; then
      tail -n 20 "$STATE_DIR/asterisk.out" >&2 || true
      die "Asterisk exited during start-up (output above, full log $STATE_DIR/asterisk.out)." \
        "check that ports $ASTERISK_SIP_PORT and $ASTERISK_HTTP_PORT on 127.0.0.1 are free"
    fi
    sleep 0.25
  done
  die "ARI did not answer within 30 s (log: $STATE_DIR/asterisk.out)." \
    "check that port $ASTERISK_HTTP_PORT on 127.0.0.1 is free"
}

write_env() {
  (umask 077 && cat >"$STATE_DIR/ari.env" <<EOF
ASTERISK_ARI_URL=http://127.0.0.1:$ASTERISK_HTTP_PORT
ASTERISK_ARI_USER=$ASTERISK_ARI_USER
ASTERISK_ARI_PASSWORD=$1
ASTERISK_ARI_APP=$ASTERISK_ARI_APP
ASTERISK_SIP_PORT=$ASTERISK_SIP_PORT
VOTER_TRUNK_PORT=$VOTER_TRUNK_PORT
EOF
  )
}

stop() {
  local pid
  if ! pid="$(pid_of_running)"; then
    say "Asterisk is not running"
    return 0
  fi
  say "stopping Asterisk (pid $pid)…"
  chroot "$ROOT" /usr/sbin/asterisk -rx 'core stop now' >/dev/null 2>&1 || true
  local i
  for i in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    sleep 1
    kill -KILL "$pid" 2>/dev/null || true
  fi
  say "Asterisk stopped"
}

status() {
  local password
  password="$(ari_password)"
  if pid_of_running >/dev/null && ari_up "$password"; then
    say "running (pid $(pid_of_running)), ARI at http://127.0.0.1:$ASTERISK_HTTP_PORT"
    return 0
  fi
  if root_ready; then say "not running (root cached at $ROOT)"; else say "not provisioned"; fi
  return 3
}

case "${1:-start}" in
  provision) provision ;;
  start) start ;;
  stop) stop ;;
  restart) stop && start ;;
  kill)
    # For failure tests: end Asterisk the way a crash would, with no clean shutdown.
    if pid="$(pid_of_running)"; then kill -KILL "$pid"; say "Asterisk killed (pid $pid)"; fi
    ;;
  status) status ;;
  env)
    [ -s "$STATE_DIR/ari.env" ] || die "no ARI settings yet." "run: bash asterisk/provision.sh start"
    cat "$STATE_DIR/ari.env"
    ;;
  cli)
    shift
    pid_of_running >/dev/null || die "Asterisk is not running." "run: bash asterisk/provision.sh start"
    chroot "$ROOT" /usr/sbin/asterisk -rx "$*"
    ;;
  *) die "unknown command '$1'." "use provision, start, stop, restart, status, env or cli" ;;
esac
