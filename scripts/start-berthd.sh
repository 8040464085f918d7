#!/usr/bin/env bash
# Start berthd in the background on /run/berth.sock and wait until it answers; `stop` stops it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pidfile=/run/berth.pid
log=/run/berth/berthd.log

if [ "${1:-}" = stop ]; then
  [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  exit 0
fi
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "berthd already running (pid $(cat "$pidfile"))"
  exit 0
fi
mkdir -p /run/berth
setsid node "$root/packages/engine/bin/berthd" "$@" >"$log" 2>&1 < /dev/null &
for _ in $(seq 1 100); do
  if curl -sf --unix-socket /run/berth.sock http://berth/_ping >/dev/null 2>&1; then
    echo "berthd is running (pid $(cat "$pidfile")), log: $log"
    exit 0
  fi
  sleep 0.1
done
echo "berthd did not start; see $log" >&2
tail -n 20 "$log" >&2
exit 1
