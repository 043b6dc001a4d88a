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
use super::end_of_life::{CollectorIndex, CollectorRow};
use super::keys::RowKey;
use super::lp::{Lp, Sense};
use crate::model::{FacilityId, Model, PeriodId, Swarf};
use crate::plan::{Checker, Plan};
use crate::solver::{Col, Session};

/// Each collector's makers, with the swarf they cut per unit of activity,
/// sorted by collector then maker (the loader lets one row name a maker).
fn makers(model: &Model) -> BTreeMap<FacilityId, BTreeMap<FacilityId, f64>> {
    let mut map: BTreeMap<FacilityId, BTreeMap<FacilityId, f64>> = BTreeMap::new();
    for s in &model.swarf {
        let cut = map.entry(s.facility).or_default();
        for g in cutting(model, s) {
            *cut.entry(g).or_default() += s.share;
        }
    }
    map
}

/// The facilities whose swarf row `s` names.
fn cutting<'a>(model: &'a Model, s: &'a Swarf) -> impl Iterator<Item = FacilityId> + 'a {
    (model.facilities.iter().enumerate())
        .filter(move |(_, g)| g.process == s.process && s.countries.contains(g.country))
        .map(|(i, _)| FacilityId(i))
}

/// One row per collector and period: its activity within the swarf its
/// makers cut.
pub(super) fn add(lp: &mut Lp, activity: &ActivityIndex, model: &Model) -> CollectorIndex {
    let mut ix = CollectorIndex::default();
    for (facility, cut) in makers(model) {
        for t in model.period_ids() {
            let mut terms: Vec<(Col, f64)> = vec![(activity.col(facility, t), 1.0)];
            terms.extend(cut.iter().map(|(&g, &share)| (activity.col(g, t), -share)));
            let key = RowKey::Swarf {
                facility,
                period: t,
            };
            let row = lp.row(key, &terms, Sense::Le, 0.0);
            ix.rows.push(CollectorRow {
                facility,
                period: t,
                row,
            });
        }
    }
    ix
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

/// Tonnes of swarf cut for `facility` in period `t` in `plan`, recomputed
/// from the model and the makers' activity.
fn cut(plan: &Plan, makers: &BTreeMap<FacilityId, f64>, t: PeriodId) -> f64 {
    (makers.iter())
        .map(|(g, share)| share * plan.activity[g.0][t.0])
        .sum()
}

/// Every collector gathers no more swarf than its makers cut.
pub(super) fn check(model: &Model, plan: &Plan, ck: &mut Checker) {
    for (facility, makers) in makers(model) {
        for t in model.period_ids() {
            let limit = cut(plan, &makers, t);
            let x = plan.activity[facility.0][t.0];
            ck.bounds(x, 0.0, Some(limit), || {
                format!(
                    "swarf collected at {} in {}",
                    model.facilities[facility.0].id, model.periods[t.0].label
                )
            });
        }
    }
}
