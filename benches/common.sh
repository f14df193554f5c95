# Shared by the benchmark scripts (source it after `set -euo pipefail`, passing the engine): builds
# the release binary, prepares an empty database on `sqlite` or `postgres`, and starts the server,
# which stops with the script. Sets `engine`, `bin`, `db` (the arguments naming the database) and
# `url`; defines `start_server` and `load` (wrk at 64 connections for 20 s).
cd "$(dirname "${BASH_SOURCE[0]}")/.."
engine=${1:-sqlite}
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)" >&2; exit 1; }
cargo build --quiet --release --bin concord
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/release/concord"
data=$(mktemp -d)
server=
trap 'if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$data"' EXIT
if [ "$engine" = postgres ]; then
  base=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
  psql "$base" -qc 'DROP DATABASE IF EXISTS concord_bench' -c 'CREATE DATABASE concord_bench' >/dev/null
  db=(--database "${base%/*}/concord_bench")
else
  db=(--data-dir "$data")
fi
url=http://127.0.0.1:18080

start_server() {
  ulimit -n 8192
  "$bin" serve --listen 127.0.0.1:18080 "${db[@]}" >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.1; done
}

# load TITLE [WRK OPTIONS…] URL
load() {
  local title=$1
  shift
  echo "== $engine: $title, 64 connections, 20 s"
  wrk -t2 -c64 -d20s --latency "$@" | grep -E "Requests/sec|50%|99%|Socket errors|Non-2xx" || true
}
