#!/usr/bin/env python3
"""Exact reference for the bilateral scheduler: the same problem as `schedule::check` defines it,
as an OR-Tools CP-SAT model that maximises placed weight (the first criterion only).

    python3 cpsat.py INSTANCE.json --out PLAN.json [--hint OUR_PLAN.json]
                     [--time-limit 300] [--workers 2] [--params 'name:value ...'] [--log]

Writes the best plan found in our plan format (meetings with request, start, end, room; the
checker recomputes the objective) and prints one JSON line: objective, proven bound, status, times.
Runs outside CI (it needs `pip install ortools`; measured with 9.15.6755).

The model mirrors `crates/schedule/src/check.rs` constraint by constraint:
- every static constraint of one meeting (grid, duration, one day, windows, capacity, allowed
  rooms, room unavailability, presence, busy items with travel and buffer when they have a venue
  and none at all when they have not) is compiled into the set of starts each (request, room)
  may take;
- a room holds one meeting at a time: a no-overlap per room;
- two meetings of a person are apart by buffer + travel between their rooms' venues: a
  no-overlap per person of the meetings lengthened by the buffer (travel is never negative, so it
  is exact within a venue), plus an ordering literal per pair of that person's requests that could
  sit at different venues close in time, with the travel chosen by the rooms;
- at most `max_per_day` meetings per person on a day, the day being the first that contains the
  meeting, as the checker counts it;
- `after` when both are placed; fixed meetings placed at their start and room.
"""

import argparse
import json
import math
import sys
import time
from bisect import bisect_right
from collections import defaultdict
from itertools import combinations

from ortools.sat.python import cp_model


def load(path):
    with open(path) as f:
        return json.load(f)


class Problem:
    """The instance with the crate's defaults applied (see `instance.rs`)."""

    def __init__(self, raw):
        self.grid = raw.get("grid", 5)
        self.buffer = raw.get("buffer", 0)
        self.max_per_day = raw.get("max_per_day", 8)
        self.default_travel = raw.get("default_travel", 30)
        self.days = [(d["start"], d["end"]) for d in raw["days"]]
        self.travel = {}
        for t in raw.get("travel", []):
            # The checker takes the first listed entry for a pair, in either direction.
            self.travel.setdefault((t["from"], t["to"]), t["minutes"])
            self.travel.setdefault((t["to"], t["from"]), t["minutes"])
        self.rooms = raw["rooms"]
        self.persons = {p["id"]: p for p in raw["persons"]}
        self.requests = raw["requests"]

    def travel_minutes(self, a, b):
        if a == b:
            return 0
        return self.travel.get((a, b), self.default_travel)

    def need(self, a, b):
        return self.buffer + self.travel_minutes(a, b)

    def day_of(self, start, end):
        """The first day wholly containing the span, as the checker finds it."""
        for i, (ds, de) in enumerate(self.days):
            if ds <= start and end <= de:
                return i
        return None

    def max_of(self, person):
        m = self.persons[person].get("max_per_day")
        return self.max_per_day if m is None else m


def overlaps(a_start, a_end, b_start, b_end):
    return a_start < b_end and b_start < a_end


def base_starts(pb, req):
    """Grid starts inside one day, one window and every person's presence, clear of the busy
    items that have no venue (the checker counts no buffer or travel for those)."""
    dur = req["duration"]
    windows = req.get("windows", [])
    starts = []
    for ds, de in pb.days:
        first = -(-ds // pb.grid) * pb.grid
        for t in range(first, de - dur + 1, pb.grid):
            e = t + dur
            if windows and not any(w["start"] <= t and e <= w["end"] for w in windows):
                continue
            ok = True
            for pid in req["persons"]:
                p = pb.persons[pid]
                pr = p.get("present")
                if pr is not None and not (pr["start"] <= t and e <= pr["end"]):
                    ok = False
                    break
                if any(b.get("venue") is None and b["start"] < e and t < b["end"] for b in p.get("busy", [])):
                    ok = False
                    break
            if ok:
                starts.append(t)
    return sorted(set(starts))


def venue_starts(pb, req, base, venue):
    """Of the base starts, those clear of the persons' busy items at venues, with buffer and
    travel to `venue`."""
    dur = req["duration"]
    items = []
    for pid in req["persons"]:
        for b in pb.persons[pid].get("busy", []):
            if b.get("venue") is not None:
                items.append((b["start"], b["end"], pb.need(b["venue"], venue)))
    return [t for t in base if not any(bs < t + dur + n and t < be + n for bs, be, n in items)]


def room_allows(req, room):
    allowed = req.get("rooms", [])
    return room["capacity"] >= req.get("size", 2) and (not allowed or room["id"] in allowed)


def options(pb, req):
    """Starts per room index that pass every constraint of the meeting alone."""
    base = base_starts(pb, req)
    fixed = req.get("fixed")
    by_venue = {}
    result = {}
    for k, room in enumerate(pb.rooms):
        if not room_allows(req, room):
            continue
        if fixed is not None and fixed["room"] != room["id"]:
            continue
        v = room["venue"]
        if v not in by_venue:
            by_venue[v] = venue_starts(pb, req, base, v)
        dur = req["duration"]
        starts = [
            t
            for t in by_venue[v]
            if not any(overlaps(u["start"], u["end"], t, t + dur) for u in room.get("unavailable", []))
        ]
        if fixed is not None:
            starts = [t for t in starts if t == fixed["start"]]
        if starts:
            result[k] = starts
    return result


def build(pb, hint_plan):
    m = cp_model.CpModel()
    reqs = pb.requests
    index = {r["id"]: i for i, r in enumerate(reqs)}
    opts = [options(pb, r) for r in reqs]
    for i, r in enumerate(reqs):
        if r.get("fixed") is not None and not opts[i]:
            sys.exit(f"fixed meeting of {r['id']} breaks a constraint of its own: the instance is infeasible")

    x, s, y, w, v = {}, {}, {}, {}, {}
    starts_of = {}
    for i, r in enumerate(reqs):
        if not opts[i]:
            continue
        dur = r["duration"]
        all_starts = sorted({t for st in opts[i].values() for t in st})
        starts_of[i] = all_starts
        x[i] = m.new_bool_var(f"x{i}")
        s[i] = m.new_int_var_from_domain(cp_model.Domain.from_values(all_starts), f"s{i}")
        if r.get("fixed") is not None:
            m.add(x[i] == 1)
        for k, st in opts[i].items():
            y[i, k] = m.new_bool_var(f"y{i}_{k}")
            m.add_linear_expression_in_domain(s[i], cp_model.Domain.from_values(st)).only_enforce_if(y[i, k])
        m.add(sum(y[i, k] for k in opts[i]) == x[i])
        by_day = defaultdict(list)
        for t in all_starts:
            by_day[pb.day_of(t, t + dur)].append(t)
        for d, st in by_day.items():
            w[i, d] = m.new_bool_var(f"w{i}_{d}")
            m.add_linear_expression_in_domain(s[i], cp_model.Domain.from_values(st)).only_enforce_if(w[i, d])
        m.add(sum(w[i, d] for d in by_day) == x[i])
        venues = defaultdict(list)
        for k in opts[i]:
            venues[pb.rooms[k]["venue"]].append(k)
        for u, ks in venues.items():
            if len(venues) == 1:
                v[i, u] = x[i]
            else:
                v[i, u] = m.new_bool_var(f"v{i}_{u}")
                m.add(sum(y[i, k] for k in ks) == v[i, u])

    placed = set(x)
    dur = {i: reqs[i]["duration"] for i in placed}

    for k in range(len(pb.rooms)):
        intervals = [
            m.new_optional_fixed_size_interval_var(s[i], dur[i], y[i, k], f"room{k}_{i}")
            for i in placed
            if (i, k) in y
        ]
        if len(intervals) > 1:
            m.add_no_overlap(intervals)

    of_person = defaultdict(list)
    for i in sorted(placed):
        for p in reqs[i]["persons"]:
            of_person[p].append(i)
    for p, lst in of_person.items():
        if len(lst) > 1:
            m.add_no_overlap(
                [m.new_optional_fixed_size_interval_var(s[i], dur[i] + pb.buffer, x[i], f"p{p}_{i}") for i in lst]
            )
        for d in range(len(pb.days)):
            on_day = [w[i, d] for i in lst if (i, d) in w]
            if len(on_day) > pb.max_of(p):
                m.add(sum(on_day) <= pb.max_of(p))

    venues_of = {i: sorted({pb.rooms[k]["venue"] for k in opts[i]}) for i in placed}
    pairs = sorted({pair for lst in of_person.values() for pair in combinations(lst, 2)})
    order, extra = {}, {}
    for i, j in pairs:
        travels = {(a, b): pb.travel_minutes(a, b) for a in venues_of[i] for b in venues_of[j]}
        most = max(travels.values())
        if most == 0:
            continue  # the person's no-overlap with the buffer is exact here
        if not near(starts_of[i], dur[i], starts_of[j], dur[j], pb.buffer + most):
            continue  # never near enough in time for travel to matter
        t = m.new_int_var(0, most, f"t{i}_{j}")
        for (a, b), minutes in travels.items():
            if minutes > 0:
                m.add(t >= minutes).only_enforce_if([v[i, a], v[j, b]])
        before = m.new_bool_var(f"o{i}_{j}")
        m.add(s[i] + dur[i] + pb.buffer + t <= s[j]).only_enforce_if([before, x[i], x[j]])
        m.add(s[j] + dur[j] + pb.buffer + t <= s[i]).only_enforce_if([before.Not(), x[i], x[j]])
        order[i, j] = before
        extra[i, j] = (t, travels)

    for i, r in enumerate(reqs):
        for a in r.get("after", []):
            j = index[a]
            if i in placed and j in placed:
                m.add(s[j] + dur[j] <= s[i]).only_enforce_if([x[j], x[i]])

    m.maximize(sum(reqs[i].get("weight", 1) * x[i] for i in placed))

    hint_weight = None
    if hint_plan is not None:
        hint_weight = add_hint(m, pb, hint_plan, index, x, s, y, w, v, order, extra, dur, starts_of)
    stats = {"requests_with_a_place": len(placed), "travel_pairs": len(order)}
    return m, x, s, y, stats, hint_weight


def near(a_starts, a_dur, b_starts, b_dur, reach):
    """Whether some start of A and some start of B put the two meetings closer than `reach`
    minutes apart (both sorted; a bisection per start of A)."""
    for a in a_starts:
        k = bisect_right(b_starts, a - b_dur - reach)
        if k < len(b_starts) and b_starts[k] < a + a_dur + reach:
            return True
    return False


def add_hint(m, pb, plan, index, x, s, y, w, v, order, extra, dur, starts_of):
    """Hints every variable from our plan, so the search starts from it (the hint's weight is
    returned so the output shows what the reference started from)."""
    room_index = {r["id"]: k for k, r in enumerate(pb.rooms)}
    at = {}
    for mt in plan["meetings"]:
        i = index[mt["request"]]
        at[i] = (mt["start"], room_index[mt["room"]])
    for i in x:
        if i in at:
            m.add_hint(x[i], 1)
            m.add_hint(s[i], at[i][0])
        else:
            m.add_hint(x[i], 0)
            m.add_hint(s[i], starts_of[i][0])
    for (i, k), var in y.items():
        m.add_hint(var, int(i in at and at[i][1] == k))
    for (i, d), var in w.items():
        m.add_hint(var, int(i in at and pb.day_of(at[i][0], at[i][0] + dur[i]) == d))
    for (i, u), var in v.items():
        if var is not x[i]:
            m.add_hint(var, int(i in at and pb.rooms[at[i][1]]["venue"] == u))
    for (i, j), before in order.items():
        both = i in at and j in at
        m.add_hint(before, int(both and at[i][0] < at[j][0]))
        t, travels = extra[i, j]
        minutes = travels[pb.rooms[at[i][1]]["venue"], pb.rooms[at[j][1]]["venue"]] if both else 0
        m.add_hint(t, minutes)
    return sum(pb.requests[i].get("weight", 1) for i in at)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("instance")
    ap.add_argument("--out", required=True, help="where to write the plan JSON")
    ap.add_argument("--hint", help="a plan JSON to start from (ours)")
    ap.add_argument("--time-limit", type=float, default=300.0, help="seconds (default 300)")
    ap.add_argument("--workers", type=int, default=2, help="CP-SAT workers (default 2)")
    ap.add_argument("--params", default="", help="more CP-SAT parameters, in protobuf text format")
    ap.add_argument("--log", action="store_true", help="CP-SAT's search log on standard error")
    args = ap.parse_args()

    started = time.monotonic()
    pb = Problem(load(args.instance))
    hint = load(args.hint) if args.hint else None
    model, x, s, y, stats, hint_weight = build(pb, hint)
    build_time = time.monotonic() - started

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = args.time_limit
    solver.parameters.num_workers = args.workers
    solver.parameters.merge_text_format(args.params)
    if args.log:
        # Standard output carries the one result line.
        solver.parameters.log_search_progress = True
        solver.parameters.log_to_stdout = False
        solver.log_callback = lambda line: print(line, file=sys.stderr)
    status = solver.solve(model)

    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    meetings = []
    if found:
        for (i, k), var in y.items():
            if solver.value(var):
                t = solver.value(s[i])
                r = pb.requests[i]
                meetings.append({"request": r["id"], "start": t, "end": t + r["duration"], "room": pb.rooms[k]["id"]})
    meetings.sort(key=lambda mt: (mt["start"], mt["room"], mt["request"]))
    # Without a solution the bound still holds once the search has started (it has loaded the
    # model's variables); a run stopped inside presolve answers a meaningless 0. Weights are
    # integers, so the bound is too; the epsilon absorbs the float's noise.
    searched = found or (status == cp_model.UNKNOWN and solver.num_booleans > 0)
    bound = math.floor(solver.best_objective_bound + 1e-6) if searched else None
    with open(args.out, "w") as f:
        json.dump({"meetings": meetings, "proven_optimal": status == cp_model.OPTIMAL, "bound": bound or 0}, f, indent=2)
    print(
        json.dumps(
            {
                "instance": args.instance,
                "status": solver.status_name(status),
                "objective": round(solver.objective_value) if found else None,
                "bound": bound,
                "hint_weight": hint_weight,
                "time": round(solver.wall_time, 2),
                "build_time": round(build_time, 2),
                "time_limit": args.time_limit,
                "workers": args.workers,
                "params": args.params,
                **stats,
            }
        )
    )


if __name__ == "__main__":
    main()
