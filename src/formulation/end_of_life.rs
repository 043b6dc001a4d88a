//! End-of-life scrap (`end_of_life.csv`): magnets come back as scrap a
//! lifetime after they were sold, so recycling grows with what the plan
//! delivered before rather than being a constant.
//!
//! A collector's activity in period `t` is at most the scrap returning to
//! it: for each of its rows, `share` times what the row's market received
//! in the period holding the year `start(t) - lifetime`. What a segment
//! received is its reference demand less what was given up or unserved,
//! plus what was taken beyond it, so per collector and period
//!
//! `x(f, t) + sum share * (given up + shortage - beyond) <= sum share * demand`.
//!
//! Sales before the horizon return nothing here: a collector of older
//! scrap is a facility with a plain capacity. The row's dual is what a
//! tonne of returning scrap is worth to its collector; a tonne of demand
//! given up forgoes the scrap it would have become.

use std::collections::BTreeMap;

use super::activity::ActivityIndex;
use super::collectors::{self, CollectorIndex};
use super::demand::DemandIndex;
use super::keys::RowKey;
use super::lp::Lp;
use crate::model::{EndOfLife, FacilityId, Model, PeriodId};
use crate::plan::{Checker, Plan};
use crate::solver::{Col, Session};

/// Reads what a tonne of returning scrap is worth to each collector.
pub(super) fn read(ix: &CollectorIndex, model: &Model, s: &Session, plan: &mut Plan) {
    plan.end_of_life = ix.values(model, s);
}

/// The rows of `end_of_life.csv` of each collector, by facility.
fn by_collector(model: &Model) -> BTreeMap<FacilityId, Vec<&EndOfLife>> {
    let mut map: BTreeMap<FacilityId, Vec<&EndOfLife>> = BTreeMap::new();
    for e in &model.end_of_life {
        map.entry(e.facility).or_default().push(e);
    }
    map
}

/// The demand segments whose deliveries return under `e` in period `t`,
/// each with the share that returns.
fn returning<'a>(
    model: &'a Model,
    e: &'a EndOfLife,
    t: PeriodId,
) -> impl Iterator<Item = (usize, f64)> + 'a {
    let year = model.periods[t.0].start - e.lifetime as i32;
    let sold = (model.periods.iter()).position(|p| p.calendar_years().any(|y| y == year));
    (model.demand.iter().enumerate())
        .filter(move |(_, d)| {
            Some(d.period.0) == sold
                && d.country == e.country
                && d.commodity == e.commodity
                && e.sector.as_ref().is_none_or(|s| *s == d.sector)
        })
        .map(move |(i, _)| (i, e.share))
}

/// One row per collector and period: its activity within the scrap that
/// returns to it.
pub(super) fn add(
    lp: &mut Lp,
    activity: &ActivityIndex,
    demand: &DemandIndex,
    model: &Model,
) -> CollectorIndex {
    let rows = by_collector(model);
    let key = |facility, period| RowKey::EndOfLife { facility, period };
    CollectorIndex::add(lp, model, rows.keys().copied(), key, |facility, t| {
        let mut terms: Vec<(Col, f64)> = vec![(activity.col(facility, t), 1.0)];
        let mut rhs = 0.0;
        for (d, share) in rows[&facility].iter().flat_map(|e| returning(model, e, t)) {
            rhs += share * model.demand[d].tonnes;
            terms.extend(demand.given_up[d].iter().map(|&c| (c, share)));
            terms.push((demand.shortage[d], share));
            terms.extend(demand.beyond[d].iter().map(|&c| (c, -share)));
        }
        (terms, rhs)
    })
}

/// Every collector gathers no more than returned to it (recomputed from
/// the model and the plan's deliveries).
pub(super) fn check(model: &Model, plan: &Plan, ck: &mut Checker) {
    let rows = by_collector(model);
    let returned = |facility: FacilityId, t: PeriodId| -> f64 {
        (rows[&facility].iter())
            .flat_map(|e| returning(model, e, t))
            .map(|(d, share)| share * plan.served(model, d))
            .sum()
    };
    collectors::check(
        model,
        plan,
        ck,
        rows.keys().copied(),
        "end-of-life scrap",
        returned,
    );
}
