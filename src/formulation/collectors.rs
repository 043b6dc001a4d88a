//! Collectors whose activity is bounded by scrap that grows with the plan
//! (end-of-life scrap, [`super::end_of_life`]; swarf, [`super::swarf`]):
//! one `<=` row per collector and period, read back as what one more tonne
//! of scrap is worth to it, and checked against the limit the model gives.

use super::keys::RowKey;
use super::lp::{Lp, Sense};
use crate::model::{FacilityId, Model, PeriodId};
use crate::plan::{Checker, CollectorValue, Plan};
use crate::solver::{Col, Row, Session};

/// One collector's row in one period.
#[derive(Debug, Clone, Copy)]
pub struct CollectorRow {
    /// The collector.
    pub facility: FacilityId,
    /// The period.
    pub period: PeriodId,
    /// The row.
    pub row: Row,
}

/// The collectors' rows of one family, sorted by (facility, period).
#[derive(Debug, Clone, Default)]
pub struct CollectorIndex {
    /// One per collector and period.
    pub rows: Vec<CollectorRow>,
}

impl CollectorIndex {
    /// One row per collector (in order) and period: `terms <= rhs`, as
    /// `row(collector, t)` gives them, under the key `key(collector, t)`.
    pub(super) fn add(
        lp: &mut Lp,
        model: &Model,
        collectors: impl Iterator<Item = FacilityId>,
        key: impl Fn(FacilityId, PeriodId) -> RowKey,
        mut row: impl FnMut(FacilityId, PeriodId) -> (Vec<(Col, f64)>, f64),
    ) -> CollectorIndex {
        let mut ix = CollectorIndex::default();
        for facility in collectors {
            for t in model.period_ids() {
                let (terms, rhs) = row(facility, t);
                let row = lp.row(key(facility, t), &terms, Sense::Le, rhs);
                ix.rows.push(CollectorRow {
                    facility,
                    period: t,
                    row,
                });
            }
        }
        ix
    }

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

/// Every collector gathers, in every period, no more than `limit`
/// recomputes from the model and the plan; a breach is reported as `what`
/// collected at the collector in the period.
pub(super) fn check(
    model: &Model,
    plan: &Plan,
    ck: &mut Checker,
    collectors: impl Iterator<Item = FacilityId>,
    what: &str,
    limit: impl Fn(FacilityId, PeriodId) -> f64,
) {
    for facility in collectors {
        for t in model.period_ids() {
            let x = plan.activity[facility.0][t.0];
            ck.bounds(x, 0.0, Some(limit(facility, t)), || {
                format!(
                    "{what} collected at {} in {}",
                    model.facilities[facility.0].id, model.periods[t.0].label
                )
            });
        }
    }
}
