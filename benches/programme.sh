#!/usr/bin/env bash
# The programme at UN General Assembly scale: 193 delegations of 16 members (3,088 people) and
# 1,500 programme items over five days. One day's programme page and a delegation's itinerary
# under 64 connections, the time of a single edit with its clash check, and the time for one change
# to reach 2,000 open programme pages (server-sent events).
# Usage: benches/programme.sh [sqlite|postgres]     Writes its figures to standard output.
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${1:-sqlite}
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)" >&2; exit 1; }
cargo build --quiet --release --bin concord
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/release/concord"
data=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$data"' EXIT
if [ "$engine" = postgres ]; then
  base=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
  psql "$base" -qc 'DROP DATABASE IF EXISTS concord_bench' -c 'CREATE DATABASE concord_bench' >/dev/null
  db=(--database "${base%/*}/concord_bench")
else
  db=(--data-dir "$data")
fi
/usr/bin/time -f "generate: %e s" "$bin" generate --event un-ga --delegations 193 --members 16 --items 1500 "${db[@]}"
echo bench-password-1 | "$bin" user add officer --role officer:un-ga:AD "${db[@]}" >/dev/null
echo bench-password-1 | "$bin" user add protocol --role host:un-ga "${db[@]}" >/dev/null
officer=$("$bin" user token officer "${db[@]}" 2>/dev/null)
host=$("$bin" user token protocol "${db[@]}" 2>/dev/null)
ulimit -n 8192
"$bin" serve --listen 127.0.0.1:18080 "${db[@]}" >/dev/null 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18080/healthz >/dev/null && break; sleep 0.1; done
url=http://127.0.0.1:18080
echo "== $engine: one day's programme page (300 items), 64 connections, 20 s"
wrk -t2 -c64 -d20s --latency "$url/events/un-ga/programme?day=2026-09-23" | grep -E "Requests/sec|50%|99%|Socket errors|Non-2xx" || true
echo "== $engine: a delegation's itinerary, 64 connections, 20 s"
wrk -t2 -c64 -d20s --latency -H "Authorization: Bearer $officer" "$url/events/un-ga/delegations/ad/itinerary" | grep -E "Requests/sec|50%|99%|Socket errors|Non-2xx" || true
echo "== $engine: single edits (clash check included) and the fan-out to 2,000 open pages"
python3 benches/sse_fanout.py "$url" un-ga "$host" 2000
echo "== $engine: server memory"
grep -E "VmHWM|VmRSS" /proc/$server/status
