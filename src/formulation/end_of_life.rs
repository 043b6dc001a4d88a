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
use super::demand::DemandIndex;
use super::keys::RowKey;
use super::lp::{Lp, Sense};
use crate::model::{EndOfLife, FacilityId, Model, PeriodId};
use crate::plan::{Checker, CollectorValue, Plan};
use crate::solver::{Col, Row, Session};

/// One collector's row in one period (of end-of-life scrap or of swarf).
#[derive(Debug, Clone, Copy)]
pub struct CollectorRow {
    /// The collector.
    pub facility: FacilityId,
    /// The period.
    pub period: PeriodId,
    /// The row.
    pub row: Row,
}

/// The collectors' rows, sorted by (facility, period).
#[derive(Debug, Clone, Default)]
pub struct CollectorIndex {
    /// One per collector and period.
    pub rows: Vec<CollectorRow>,
}

impl CollectorIndex {
    /// What one more tonne of scrap is worth to each collector in each
    /// period: its row's dual (a `<=` row of a minimisation), in the
    /// period's money.
    pub(super) fn values(&self, model: &Model, s: &Session) -> Vec<CollectorValue> {
        (self.rows.iter())
            .map(|r| CollectorValue {
                facility: r.facility,
                period: r.period,
                value: (-s.dual(r.row) / model.period_weight(r.period)).max(0.0),
            })
            .collect()
    }
}

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
    let mut ix = CollectorIndex::default();
    for (facility, rows) in by_collector(model) {
        for t in model.period_ids() {
            let mut terms: Vec<(Col, f64)> = vec![(activity.col(facility, t), 1.0)];
            let mut rhs = 0.0;
            for (d, share) in rows.iter().flat_map(|e| returning(model, e, t)) {
                rhs += share * model.demand[d].tonnes;
                terms.extend(demand.given_up[d].iter().map(|&c| (c, share)));
                terms.push((demand.shortage[d], share));
                terms.extend(demand.beyond[d].iter().map(|&c| (c, -share)));
            }
            let key = RowKey::EndOfLife {
                facility,
                period: t,
            };
            let row = lp.row(key, &terms, Sense::Le, rhs);
            ix.rows.push(CollectorRow {
                facility,
                period: t,
                row,
            });
        }
    }
    ix
}

/// Tonnes of scrap returning to `facility` in period `t` in `plan`,
/// recomputed from the model and the plan's deliveries.
fn returned(model: &Model, plan: &Plan, facility: FacilityId, t: PeriodId) -> f64 {
    (model.end_of_life.iter())
        .filter(|e| e.facility == facility)
        .flat_map(|e| returning(model, e, t))
        .map(|(d, share)| share * plan.served(model, d))
        .sum()
}

/// Every collector gathers no more than returned to it.
pub(super) fn check(model: &Model, plan: &Plan, ck: &mut Checker) {
    for facility in by_collector(model).into_keys() {
        for t in model.period_ids() {
            let limit = returned(model, plan, facility, t);
            let x = plan.activity[facility.0][t.0];
            ck.bounds(x, 0.0, Some(limit), || {
                format!(
                    "end-of-life scrap collected at {} in {}",
                    model.facilities[facility.0].id, model.periods[t.0].label
                )
            });
        }
    }
}
