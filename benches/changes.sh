#!/usr/bin/env bash
# Track changes of the register benchmark's 50-page document (600 paragraphs, 60 changes between
# its two versions; issue 6: the view under 100 ms): ten requests one at a time after a warm-up,
# then 8 connections from `wrk` for 15 s, for the page and the API, signed in as the CFM's
# secretariat (the account `clerk`).
# Usage: benches/changes.sh BIN DATA PORT, where DATA was made by
#   BIN demo --data-dir DATA
#   BIN generate-documents --body cis-cfm --count 200 --versions 5 --pages 50 --data-dir DATA > DATA/generated.txt
#   echo bench-password-1 | BIN user add clerk --role secretariat:cis-cfm --data-dir DATA
# Two builds measured in turn on the same DATA compare them.
set -euo pipefail
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)" >&2; exit 1; }
bin=$1; data=$2; port=$3; url=http://127.0.0.1:$port
big=$(sed -n 's/^big document: \([0-9a-f-]*\).*/\1/p' "$data/generated.txt")
token=$("$bin" user token clerk --data-dir "$data" 2>/dev/null)
auth=(-H "Authorization: Bearer $token")
"$bin" serve --listen "127.0.0.1:$port" --data-dir "$data" >/dev/null 2>&1 &
server=$!
trap 'kill $server' EXIT
for _ in $(seq 1 100); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.1; done
for path in "documents/$big/changes?from=1&to=2" "api/v1/documents/$big/changes?from=1&to=2"; do
  curl -s "${auth[@]}" -o /dev/null "$url/$path"
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    curl -s "${auth[@]}" -o /dev/null -w "%{time_total}\n" "$url/$path"
  done | sort -n | awk -v p="$path" '{a[NR]=$1} END {printf "%s one at a time: min %.1f ms, median %.1f ms, max %.1f ms\n", p, a[1]*1000, a[int((NR+1)/2)]*1000, a[NR]*1000}'
  wrk -t2 -c8 -d15s --latency "${auth[@]}" "$url/$path" | grep -E "Requests/sec|99%|50%"
done
