#!/usr/bin/env bash
# The programme at UN General Assembly scale: 193 delegations of 16 members (3,088 people) and
# 1,500 programme items over five days. One day's programme page and a delegation's itinerary
# under 64 connections, the time of a single edit with its clash check, and the time for one change
# to reach 2,000 open programme pages (server-sent events).
# Usage: benches/programme.sh [sqlite|postgres]     Writes its figures to standard output.
set -euo pipefail
source "$(dirname "$0")/common.sh" "${1:-sqlite}"
/usr/bin/time -f "generate: %e s" "$bin" generate --event un-ga --delegations 193 --members 16 --items 1500 "${db[@]}"
echo bench-password-1 | "$bin" user add officer --role officer:un-ga:AD "${db[@]}" >/dev/null
echo bench-password-1 | "$bin" user add protocol --role host:un-ga "${db[@]}" >/dev/null
officer=$("$bin" user token officer "${db[@]}" 2>/dev/null)
host=$("$bin" user token protocol "${db[@]}" 2>/dev/null)
start_server
load "one day's programme page (300 items)" "$url/events/un-ga/programme?day=2026-09-23"
load "a delegation's itinerary" -H "Authorization: Bearer $officer" "$url/events/un-ga/delegations/ad/itinerary"
echo "== $engine: single edits (clash check included) and the fan-out to 2,000 open pages"
python3 benches/sse_fanout.py "$url" un-ga "$host" 2000
echo "== $engine: server memory"
grep -E "VmHWM|VmRSS" /proc/$server/status
