#!/usr/bin/env python3
"""The comparison table of run.sh: our plans and the reference's, with the ratio of placed
weights, its geometric mean and minimum per preset. Weights are the checker's."""

import json
import math
import sys
from collections import defaultdict
from pathlib import Path


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def main():
    out = Path(sys.argv[1])
    ours = {(r["preset"], r["seed"]): r for r in lines(out / "ours.jsonl")}
    ratios = defaultdict(list)
    missing = defaultdict(int)
    print("| preset | seed | ours: weight | ours: bound | ours: time (s) | CP-SAT: weight | CP-SAT: bound "
          "| CP-SAT: status | CP-SAT: time (s) | ours ÷ CP-SAT | ours ÷ CP-SAT bound |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for ref in lines(out / "reference.jsonl"):
        name = Path(ref["instance"]).name.removesuffix(".instance.json")
        preset, seed = name.rsplit("-", 1)
        mine = ours[preset, int(seed)]
        checked = json.loads((out / f"{name}.check.json").read_text())
        weight = checked["objective"]["weight"]
        # The checker is the judge; a mismatch would mean the model and the checker disagree.
        assert checked["violations"] == [] and weight == (ref["objective"] or 0), (name, checked, ref)
        if ref["objective"] is None:
            # No plan within the limit: there is nothing to divide by, and the run counts as missing.
            missing[preset] += 1
            shown, ratio = "none", "—"
        else:
            ratios[preset].append(mine["weight"] / weight)
            shown, ratio = str(weight), f"{mine['weight'] / weight:.3f}"
        of_bound = f"{mine['weight'] / ref['bound']:.3f}" if ref["bound"] else "—"
        print(f"| {preset} | {seed} | {mine['weight']} | {mine['bound']} | {mine['time']:.2f} | {shown} "
              f"| {ref['bound']} | {ref['status']} | {ref['time']:.0f} | {ratio} | {of_bound} |")
    print()
    print("| preset | seeds compared | seeds where CP-SAT found no plan | ours ÷ CP-SAT: geometric mean | minimum |")
    print("|---|---|---|---|---|")
    for preset in sorted(ratios.keys() | missing.keys()):
        rs = ratios[preset]
        geo = f"{math.exp(sum(map(math.log, rs)) / len(rs)):.3f}" if rs else "—"
        low = f"{min(rs):.3f}" if rs else "—"
        print(f"| {preset} | {len(rs)} | {missing[preset]} | {geo} | {low} |")


if __name__ == "__main__":
    main()
