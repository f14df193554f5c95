//! Upper bounds on the placed weight: a plan that reaches one is proven optimal in weight.

use std::cmp::Reverse;

use super::model::Opt;
use super::search::Effort;
use super::state::State;

/// An upper bound on the total weight any completion of `st` can reach, placing only requests in
/// `open`: every open request that still fits somewhere, less what persons must drop because
/// their days are full. With `timed`, a person's days are also limited by how many of the places
/// left to their requests can be held one after another (with the buffer between them). Persons'
/// losses are added only over disjoint sets of requests, so that no request is counted twice.
pub(crate) fn upper_bound(st: &State, options: &[Vec<Opt>], open: &[usize], timed: bool, effort: &mut Effort) -> u64 {
    let m = st.m;
    let mut fit: Vec<(usize, Vec<Opt>)> = Vec::new();
    for &r in open {
        let places: Vec<Opt> = if timed {
            effort.add(options[r].len() as u64);
            options[r].iter().copied().filter(|&o| st.fits(r, o)).collect()
        } else {
            let found = options[r].iter().position(|&o| st.fits(r, o));
            effort.add(found.map_or(options[r].len(), |i| i + 1) as u64);
            found.map(|i| vec![options[r][i]]).unwrap_or_default()
        };
        if !places.is_empty() {
            fit.push((r, places));
        }
    }
    let total: u64 = st.objective().weight + fit.iter().map(|(r, _)| m.reqs[*r].weight).sum::<u64>();
    let days = m.inst.days.len();
    let mut losses: Vec<(u64, usize, Vec<usize>)> = Vec::new();
    for p in 0..m.persons.len() {
        let mine: Vec<&(usize, Vec<Opt>)> = fit.iter().filter(|(r, _)| m.reqs[*r].persons.contains(&p)).collect();
        if mine.is_empty() {
            continue;
        }
        let mut room: Vec<usize> =
            (0..days).map(|d| m.max_per_day[p].saturating_sub(st.count(p, d)) as usize).collect();
        if timed {
            // Meetings of one person are at least the buffer apart, so at most as many fit as
            // there are disjoint places, each stretched by the buffer (earliest end first).
            let mut spans: Vec<(usize, i64, i64)> = mine
                .iter()
                .flat_map(|(r, places)| {
                    places.iter().map(|o| (o.day, o.start, o.start + m.reqs[*r].duration + m.inst.buffer))
                })
                .collect();
            spans.sort_by_key(|&(d, s, e)| (d, e, s));
            let mut disjoint = vec![0; days];
            let mut free_from = vec![i64::MIN; days];
            for (d, s, e) in spans {
                if s >= free_from[d] {
                    disjoint[d] += 1;
                    free_from[d] = e;
                }
            }
            room.iter_mut().zip(disjoint).for_each(|(r, d)| *r = (*r).min(d));
        }
        let excess = mine.len().saturating_sub(room.iter().sum());
        if excess > 0 {
            let mut mine: Vec<usize> = mine.iter().map(|(r, _)| *r).collect();
            mine.sort_by_key(|&r| m.reqs[r].weight);
            let loss = mine[..excess].iter().map(|&r| m.reqs[r].weight).sum();
            losses.push((loss, p, mine));
        }
    }
    losses.sort_by_key(|(loss, p, _)| (Reverse(*loss), *p));
    let mut taken = vec![false; m.reqs.len()];
    let mut person_loss = 0;
    for (loss, _, mine) in losses {
        if mine.iter().all(|&r| !taken[r]) {
            mine.iter().for_each(|&r| taken[r] = true);
            person_loss += loss;
        }
    }
    let room_loss = if timed { room_loss(st, &fit) } else { 0 };
    total - person_loss.max(room_loss)
}

/// What the rooms must drop: each room holds at most as many more meetings as there are disjoint
/// places left in it, so beyond their sum the lightest requests stay out.
fn room_loss(st: &State, fit: &[(usize, Vec<Opt>)]) -> u64 {
    let m = st.m;
    let mut spans: Vec<(usize, i64, i64)> = fit
        .iter()
        .flat_map(|(r, places)| places.iter().map(|o| (o.room, o.start, o.start + m.reqs[*r].duration)))
        .collect();
    spans.sort_by_key(|&(room, s, e)| (room, e, s));
    let mut free_from = vec![i64::MIN; m.rooms.len()];
    let mut held = 0;
    for (room, s, e) in spans {
        if s >= free_from[room] {
            held += 1;
            free_from[room] = e;
        }
    }
    let mut weights: Vec<u64> = fit.iter().map(|(r, _)| m.reqs[*r].weight).collect();
    weights.sort_unstable();
    weights[..fit.len().saturating_sub(held)].iter().sum()
}
