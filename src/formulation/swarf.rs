//! Swarf (`swarf.csv`): making magnets cuts production scrap off the
//! blanks, so the scrap a collector gathers grows with what the makers made
//! that year rather than being a constant.
//!
//! A collector's activity in period `t` is at most the swarf cut for it:
//! for each of its rows, `share` times the activity of every facility that
//! runs the row's process in the row's countries, so per collector and
//! period
//!
//! `x(f, t) - sum share * x(maker, t) <= 0`.
//!
//! The row's dual is what a tonne of swarf is worth to its collector; each
//! maker earns it on the swarf it cuts, as a credit in its reduced cost.

use std::collections::BTreeMap;

use super::activity::ActivityIndex;
use super::collectors::{self, CollectorIndex};
use super::keys::RowKey;
use super::lp::Lp;
use crate::model::{FacilityId, Model, PeriodId};
use crate::plan::{Checker, Plan};
use crate::solver::{Col, Session};

/// Each collector's makers, with the swarf they cut per unit of activity,
/// sorted by collector then maker (the loader lets one row name a maker).
fn makers(model: &Model) -> BTreeMap<FacilityId, BTreeMap<FacilityId, f64>> {
    let mut map: BTreeMap<FacilityId, BTreeMap<FacilityId, f64>> = BTreeMap::new();
    for s in &model.swarf {
        let cut = map.entry(s.facility).or_default();
        for (g, _) in (model.facilities.iter().enumerate()).filter(|(_, g)| s.cuts(g)) {
            *cut.entry(FacilityId(g)).or_default() += s.share;
        }
    }
    map
}

/// One row per collector and period: its activity within the swarf its
/// makers cut.
pub(super) fn add(lp: &mut Lp, activity: &ActivityIndex, model: &Model) -> CollectorIndex {
    let makers = makers(model);
    let key = |facility, period| RowKey::Swarf { facility, period };
    CollectorIndex::add(lp, model, makers.keys().copied(), key, |facility, t| {
        let mut terms: Vec<(Col, f64)> = vec![(activity.col(facility, t), 1.0)];
        let cut = makers[&facility].iter();
        terms.extend(cut.map(|(&g, &share)| (activity.col(g, t), -share)));
        (terms, 0.0)
    })
}

/// Reads what a tonne of swarf is worth to each collector.
pub(super) fn read(ix: &CollectorIndex, model: &Model, s: &Session, plan: &mut Plan) {
    plan.swarf = ix.values(model, s);
}

/// What each maker earns on the swarf it cuts, $ per unit of its activity
/// in each period (the period's money), by (maker, period): the share it
/// cuts for each collector times what a tonne is worth to that collector.
pub fn credits(model: &Model, plan: &Plan) -> BTreeMap<(FacilityId, PeriodId), f64> {
    let value: BTreeMap<(FacilityId, PeriodId), f64> = (plan.swarf.iter())
        .map(|v| ((v.facility, v.period), v.value))
        .collect();
    let mut out = BTreeMap::new();
    for (collector, cut) in makers(model) {
        for t in model.period_ids() {
            let v = value.get(&(collector, t)).copied().unwrap_or(0.0);
            for (&g, &share) in cut.iter().filter(|_| v > 0.0) {
                *out.entry((g, t)).or_insert(0.0) += share * v;
            }
        }
    }
    out
}

/// Every collector gathers no more swarf than its makers cut (recomputed
/// from the model and the makers' activity).
pub(super) fn check(model: &Model, plan: &Plan, ck: &mut Checker) {
    let makers = makers(model);
    let cut = |facility: FacilityId, t: PeriodId| -> f64 {
        (makers[&facility].iter())
            .map(|(g, share)| share * plan.activity[g.0][t.0])
            .sum()
    };
    collectors::check(model, plan, ck, makers.keys().copied(), "swarf", cut);
}
