#!/usr/bin/env bash
# Our scheduler against the exact reference (OR-Tools CP-SAT, cpsat.py) on generated presets;
# both plans are judged by the crate's own checker. Prints a Markdown table.
#
#   benches/reference/run.sh [PRESET:FIRST-LAST ...]      (default: regional:1-10 un:1-10)
#
# Environment: TIME_LIMIT (seconds, default 300), WORKERS (CP-SAT workers, default 2),
# HINT=1 (start CP-SAT from our plan; default: CP-SAT on its own), OUT (working directory,
# default /tmp/schedule-reference), REUSE=1 (keep the instances and our plans already dumped in
# OUT, so that several reference runs judge the same plans of ours), PARAMS (more CP-SAT
# parameters, protobuf text format), CARGO_TARGET_DIR (default /work/bench-target).
# The issue's protocol is the default: 300 s, 2 workers, seeds 1-10 of regional and UN.
# Needs `pip install ortools`; not part of CI.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${OUT:-/tmp/schedule-reference}
time_limit=${TIME_LIMIT:-300}
workers=${WORKERS:-2}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/work/bench-target}
specs=("$@")
[ ${#specs[@]} -gt 0 ] || specs=(regional:1-10 un:1-10)

presets_bench() { (cd "$root" && cargo bench -q -p schedule --bench presets); }

# The dump solves every preset for seeds 1..max, so ask for the largest seed requested.
max=0
for spec in "${specs[@]}"; do
    last=${spec##*-}
    [ "$last" -gt "$max" ] && max=$last
done
mkdir -p "$out"
if [ "${REUSE:-0}" = 1 ]; then
    echo "our solver: reusing the plans in $out/dump" >&2
else
    echo "our solver: dumping instances and plans for seeds 1-$max to $out/dump" >&2
    # The solver's sources are not committed while it is worked on: name the version measured.
    (cd "$root" && find crates/schedule/src -name '*.rs' | sort | xargs cat | sha256sum) > "$out/sources.sha256"
    echo "our solver's sources: $(cut -c1-16 "$out/sources.sha256")" >&2
    SEEDS=$max SCHEDULE_DUMP="$out/dump" presets_bench > "$out/ours.jsonl"
fi

: > "$out/reference.jsonl"
for spec in "${specs[@]}"; do
    preset=${spec%%:*}
    range=${spec#*:}
    for seed in $(seq "${range%%-*}" "${range##*-}"); do
        name="$preset-$seed"
        hint=()
        [ "${HINT:-0}" = 1 ] && hint=(--hint "$out/dump/$name.plan.json")
        echo "reference: $name (${time_limit} s, $workers workers${hint:+, hinted})" >&2
        python3 "$here/cpsat.py" "$out/dump/$name.instance.json" --out "$out/$name.cpsat.json" \
            --time-limit "$time_limit" --workers "$workers" --params "${PARAMS:-}" "${hint[@]}" \
            >> "$out/reference.jsonl"
        # The checker fails (non-zero) on any violation, which stops the run.
        SCHEDULE_CHECK="$out/$name.cpsat.json" SCHEDULE_INSTANCE="$out/dump/$name.instance.json" \
            presets_bench > "$out/$name.check.json"
    done
done
python3 "$here/table.py" "$out"
