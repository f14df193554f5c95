#!/usr/bin/env bash
# The list of participants at UN General Assembly scale (193 delegations × 16 members = 3,088
# people): the paginated page and API under 64 connections, the full exports, peak server memory.
# Usage: benches/participants-list.sh [sqlite|postgres]     Writes its figures to standard output.
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
/usr/bin/time -f "generate: %e s" "$bin" generate --event un-ga --delegations 193 --members 16 "${db[@]}"
ulimit -n 8192
"$bin" serve --listen 127.0.0.1:18080 "${db[@]}" >/dev/null 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18080/healthz >/dev/null && break; sleep 0.1; done
url=http://127.0.0.1:18080
echo "== $engine: paginated page (100 rows), 64 connections, 20 s"
wrk -t2 -c64 -d20s --latency "$url/events/un-ga/participants?page=7" | grep -E "Requests/sec|50%|99%|Socket errors|Non-2xx" || true
echo "== $engine: paginated API (100 rows), 64 connections, 20 s"
wrk -t2 -c64 -d20s --latency "$url/api/v1/events/un-ga/participants?page=7" | grep -E "Requests/sec|50%|99%|Socket errors|Non-2xx" || true
echo "== $engine: the full list as one JSON document"
curl -s -o /dev/null -w "full JSON: %{time_total} s, %{size_download} bytes\n" "$url/api/v1/events/un-ga/participants"
echo "== $engine: exports of all 3,088"
curl -s -o /dev/null -w "XLSX: %{time_total} s, %{size_download} bytes\n" "$url/events/un-ga/participants.xlsx"
curl -s -o /dev/null -w "PDF: %{time_total} s, %{size_download} bytes\n" "$url/events/un-ga/participants.pdf" &
pdf=$!
sleep 0.3
curl -s -o /dev/null -w "a page while the PDF renders: %{time_total} s\n" "$url/events/un-ga/participants?page=3"
wait $pdf
echo "== $engine: server memory"
grep -E "VmHWM|VmRSS" /proc/$server/status
