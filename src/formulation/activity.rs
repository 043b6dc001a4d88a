//! Activity and capacity: how much each facility runs its process in each
//! period, within its capacity × availability; its variable costs, and the
//! fixed costs of facilities that exist whatever the plan.
//!
//! A candidate's activity column is bounded by its full capacity only; its
//! capacity row, which ties it to the build decisions, lives in
//! [`super::builds`].

use super::keys::ColKey;
use super::lp::Lp;
use crate::model::{FacilityId, Model, PeriodId, Status};
use crate::plan::{Checker, Costs, Plan};
use crate::solver::{Col, Session};

/// Activity columns, one per facility and period.
#[derive(Debug, Clone, Default)]
pub struct ActivityIndex {
    periods: usize,
    cols: Vec<Col>,
}

impl ActivityIndex {
    /// The activity column of `facility` in `period`.
    pub fn col(&self, facility: FacilityId, period: PeriodId) -> Col {
        self.cols[facility.0 * self.periods + period.0]
    }

    /// The activity column of `facility` in `period`, when the LP has them.
    pub fn get(&self, facility: FacilityId, period: PeriodId) -> Option<Col> {
        (period.0 < self.periods)
            .then(|| self.cols.get(facility.0 * self.periods + period.0).copied())
            .flatten()
    }
}

/// Activity per facility and period, `0 <= x <= capacity × availability`,
/// at its variable cost.
pub(super) fn add_columns(lp: &mut Lp, model: &Model) -> ActivityIndex {
    let mut ix = ActivityIndex {
        periods: model.periods.len(),
        cols: Vec::with_capacity(model.facilities.len() * model.periods.len()),
    };
    for (f, fac) in model.facilities.iter().enumerate() {
        for t in model.period_ids() {
            let upper = if fac.status == Status::Candidate {
                fac.capacity
            } else {
                fac.capacity * fac.availability(&model.periods[t.0])
            };
            let key = ColKey::Activity {
                facility: FacilityId(f),
                period: t,
            };
            let cost = model.period_weight(t) * fac.variable_cost;
            ix.cols.push(lp.column(key, Some(upper), cost));
        }
    }
    ix
}

/// Reads activity and the value of capacity (the reduced cost of a column
/// at its bound, per year of the period).
pub(super) fn read(ix: &ActivityIndex, model: &Model, s: &Session, plan: &mut Plan) {
    let n = model.facilities.len();
    plan.activity = (0..n)
        .map(|f| {
            model
                .period_ids()
                .map(|t| s.value(ix.col(FacilityId(f), t)))
                .collect()
        })
        .collect();
    plan.capacity_value = (0..n)
        .map(|f| {
            model
                .period_ids()
                .map(|t| {
                    (-s.reduced_cost(ix.col(FacilityId(f), t)) / model.period_weight(t)).max(0.0)
                })
                .collect()
        })
        .collect();
}

/// Activity lies within usable capacity.
pub(super) fn check(model: &Model, plan: &Plan, ck: &mut Checker) {
    for (f, fac) in model.facilities.iter().enumerate() {
        for t in model.period_ids() {
            ck.bounds(
                plan.activity[f][t.0],
                0.0,
                Some(plan.capacity[f][t.0]),
                || format!("activity of {} in {}", fac.id, model.periods[t.0].label),
            );
        }
    }
}

/// Variable costs of activity, and the fixed costs of every facility that
/// is available whatever the plan.
pub(super) fn cost(model: &Model, plan: &Plan, k: &mut Costs) {
    for t in model.period_ids() {
        let w = model.period_weight(t);
        for (f, fac) in model.facilities.iter().enumerate() {
            k.production += w * fac.variable_cost * plan.activity[f][t.0];
        }
    }
    k.fixed += fixed_costs(model);
}

/// Present value of every facility's fixed costs over the horizon: a
/// constant of the plan, added to the solver's objective.
pub fn fixed_costs(model: &Model) -> f64 {
    (0..model.facilities.len())
        .map(|f| model.fixed_cost_pv(FacilityId(f)))
        .sum()
}
