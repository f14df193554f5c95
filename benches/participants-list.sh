#!/usr/bin/env bash
# The list of participants at UN General Assembly scale (193 delegations × 16 members = 3,088
# people): the paginated page and API under 64 connections, the full exports, peak server memory.
# Usage: benches/participants-list.sh [sqlite|postgres]     Writes its figures to standard output.
set -euo pipefail
source "$(dirname "$0")/common.sh" "${1:-sqlite}"
/usr/bin/time -f "generate: %e s" "$bin" generate --event un-ga --delegations 193 --members 16 --items 0 "${db[@]}"
start_server
load "paginated page (100 rows)" "$url/events/un-ga/participants?page=7"
load "paginated API (100 rows)" "$url/api/v1/events/un-ga/participants?page=7"
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
