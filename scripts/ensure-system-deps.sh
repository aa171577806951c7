#!/usr/bin/env bash
# Install the Debian packages the phone bank and its tests need, when they are missing:
#   sip-tester (SIPp), debootstrap (local Asterisk root), curl, chromium (browser tests),
#   sox + libsox-fmt-mp3 (uploaded voicemail recordings converted for the PBX).
# A no-op when everything is there. Needs root (apt-get) only when something is missing.
set -euo pipefail
say() { printf '[setup] %s\n' "$*" >&2; }

need=()
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v tcpdump >/dev/null 2>&1 || need+=(tcpdump)
command -v sox >/dev/null 2>&1 || need+=(sox)
# SoX reads MP3 only with this format library.
if command -v dpkg-query >/dev/null 2>&1 && ! dpkg-query -W -f='${Status}' libsox-fmt-mp3 2>/dev/null | grep -q 'ok installed'; then
  need+=(libsox-fmt-mp3)
fi
if [ "${PHONEBANK_SKIP_BROWSER:-}" != "1" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  say "missing Debian packages: ${need[*]}"
  say "install them as root: apt-get install -y ${need[*]}"
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  say "missing: ${need[*]}, and this is not a Debian/Ubuntu machine (no apt-get)."
  say "install SIPp, debootstrap and Chromium with your package manager, or use docker/compose.yaml"
  exit 1
fi
say "installing Debian packages: ${need[*]} (apt-get, a minute or two)…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
say "installed: ${need[*]}"
