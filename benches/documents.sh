#!/usr/bin/env bash
# The register of documents (issue 6): 20,000 documents of the CIS Council of Foreign Ministers with
# five versions each, and one 50-page document with two versions, loaded beside the demo by
# `concord generate-documents`. Full-text search through the register's API, signed in as the
# secretariat, at 8 connections for 30 s rotating through about fifty words from common to rare,
# then one request at a time, then 16 readers each pausing half a second on average between searches
# (searches are kept until the data changes, so these mostly repeat kept ones), and the readers again
# while the secretariat records a stance every second; the same three on a server that keeps no
# search (`--kept-searches 0`);
# then the track-changes view of the long document (page and API) at 8 connections and one request
# at a time. Targets (issue 6): search p99 under 50 ms, the track-changes view under 100 ms.
# Usage: benches/documents.sh [sqlite|postgres]     Writes its figures to standard output.
# COUNT=… changes the number of documents; KEEP=1 keeps the database (and prints where it is);
# REUSE=DIR measures again a register kept by an earlier run with KEEP=1 (in DIR, or for
# PostgreSQL in the database concord_bench_docs, with DIR holding what the run printed);
# BIN=PATH measures that build of concord instead of building this checkout (to compare two).
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${1:-sqlite}
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)" >&2; exit 1; }
if [ -n "${BIN:-}" ]; then
  bin=$BIN
else
  cargo build --quiet --release --bin concord
  target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
  bin="$target_dir/release/concord"
fi
data=${REUSE:-$(mktemp -d)}
name=concord_bench_docs
base=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "${KEEP:-}" ] || [ -n "${REUSE:-}" ]; then
    echo "kept: ${db[*]}" >&2
  else
    rm -rf "$data"
    if [ "$engine" = postgres ]; then psql "$base" -qc "DROP DATABASE IF EXISTS $name" >/dev/null; fi
  fi
}
trap cleanup EXIT
if [ "$engine" = postgres ]; then
  [ -n "${REUSE:-}" ] || psql "$base" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
  db=(--database "${base%/*}/$name")
else
  db=(--data-dir "$data")
fi
port=18081
url=http://127.0.0.1:$port

if [ -z "${REUSE:-}" ]; then
  "$bin" demo "${db[@]}" >/dev/null
  echo "== $engine: generating the register"
  /usr/bin/time -f "generate-documents: %e s wall, %M kB peak RSS" \
    "$bin" generate-documents --body cis-cfm --count "${COUNT:-20000}" --versions 5 --pages 50 "${db[@]}" \
    | tee "$data/generated.txt"
fi
big=$(sed -n 's/^big document: \([0-9a-f-]*\).*/\1/p' "$data/generated.txt")
probes=$(sed -n 's/^search words (word:documents): //p' "$data/generated.txt")

echo "== $engine: database size"
if [ "$engine" = postgres ]; then
  psql "${base%/*}/$name" -Atc "VACUUM ANALYZE" >/dev/null
  psql "${base%/*}/$name" -Atc "SELECT 'database', pg_size_pretty(pg_database_size('$name')) UNION ALL
    SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class
    WHERE relname IN ('document_versions', 'document_search', 'document_search_terms', 'audit', 'documents')"
else
  sqlite3 "$data/concord.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
  ls -l "$data/concord.db" | awk '{printf "database|%.0f MB\n", $5 / 1048576}'
  sqlite3 "$data/concord.db" "SELECT name, printf('%.0f MB', SUM(pgsize) / 1048576.0) FROM dbstat GROUP BY name
    ORDER BY SUM(pgsize) DESC LIMIT 6" || true
fi

# The demo's accounts work only in demonstration mode: a secretariat of the CFM of its own.
echo bench-password-1 | "$bin" user add clerk --role secretariat:cis-cfm "${db[@]}" >/dev/null 2>&1 || [ -n "${REUSE:-}" ]
token=$("$bin" user token clerk "${db[@]}" 2>/dev/null)
auth=(-H "Authorization: Bearer $token")
ulimit -n 8192
"$bin" serve --listen "127.0.0.1:$port" "${db[@]}" >/dev/null 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.1; done

# The words, URL-encoded, for wrk's script; each one searched once (warming the caches) and timed.
echo "== $engine: each word once (word, documents containing it, documents found, seconds)"
lua="$data/search.lua"
echo "local words = {" >"$lua"
for probe in $probes; do
  word=${probe%%:*}
  encoded=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$word")
  echo "  \"$encoded\"," >>"$lua"
  seconds=$(curl -s "${auth[@]}" -o "$data/found.json" -w '%{time_total}' "$url/api/v1/documents?q=$encoded")
  found=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("total"))' "$data/found.json")
  echo "$word ${probe##*:} $found $seconds"
done
cat >>"$lua" <<'EOF'
}
local i = 0
-- Each wrk thread has its own Lua state whose random numbers start from the same seed: number
-- the threads so that they start on different words and draw different pauses.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end
function init(args)
  math.randomseed(seed)
  i = math.random(#words)
end
function request()
  i = i + 1
  return wrk.format(nil, "/api/v1/documents?q=" .. words[(i % #words) + 1])
end
EOF

# load TITLE CONNECTIONS [WRK OPTIONS…] URL
load() {
  local title=$1 conns=$2 threads=$(($2 < 2 ? 1 : 2))
  shift 2
  echo "== $engine: $title, $conns connections, 30 s"
  wrk -t$threads -c$conns -d30s --latency "$@" | grep -E "Requests/sec|50%|90%|99%|Socket errors|Non-2xx" || true
}
load "search by words (the register's API, the words above in turn)" 8 -s "$lua" "${auth[@]}" "$url"
load "search by words, one request at a time" 1 -s "$lua" "${auth[@]}" "$url"
# Readers at work rather than a saturating load: each connection searches again after a pause
# drawn from an exponential law of mean 0.5 s (about 30 searches a second from 16 readers, arriving
# at random rather than in step), wrk timing each request from when it is sent.
paced="$data/search-paced.lua"
{ cat "$lua"; echo 'function delay() return -500 * math.log(1 - math.random()) end'; } >"$paced"
load "search by words, 16 readers each pausing 0.5 s on average" 16 -s "$paced" "${auth[@]}" "$url"
# Readers while the data changes: the secretariat records a stance on the long document every
# second, which moves the audit head, so no search stays kept longer than a second.
(
  while sleep 1; do
    curl -s -o /dev/null "${auth[@]}" -H 'Content-Type: application/json' \
      -d '{"participant": "KZ", "stance": "joins"}' "$url/api/v1/documents/$big/stances"
  done
) &
writer=$!
load "search by words, 16 readers each pausing 0.5 s on average, a change every second" 16 -s "$paced" "${auth[@]}" "$url"
kill "$writer"
# Searches are kept until the data changes, so after the first round of words the loads above
# repeat kept ones. The same three loads again on a server that keeps none: every search runs.
kill "$server"; wait "$server" 2>/dev/null || true
"$bin" serve --listen "127.0.0.1:$port" --kept-searches 0 "${db[@]}" >/dev/null 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.1; done
load "search by words, nothing kept" 8 -s "$lua" "${auth[@]}" "$url"
load "search by words, nothing kept, one request at a time" 1 -s "$lua" "${auth[@]}" "$url"
load "search by words, nothing kept, 16 readers each pausing 0.5 s on average" 16 -s "$paced" "${auth[@]}" "$url"
load "track changes of the long document (page)" 8 "${auth[@]}" "$url/documents/$big/changes?from=1&to=2"
load "track changes of the long document (API)" 8 "${auth[@]}" "$url/api/v1/documents/$big/changes?from=1&to=2"

echo "== $engine: track changes of the long document, one request at a time (seconds, bytes)"
for path in "documents/$big/changes?from=1&to=2" "api/v1/documents/$big/changes?from=1&to=2"; do
  for _ in 1 2 3 4 5; do
    curl -s "${auth[@]}" -o /dev/null -w "/$path %{http_code} %{time_total} %{size_download}\n" "$url/$path"
  done
done
echo "== $engine: server memory"
grep -E "VmHWM|VmRSS" /proc/$server/status
