//! Contracts and policy instruments on one facility (`contracts.csv`).
//!
//! An *offtake* is a buyer that takes a share of the facility's usable
//! capacity every year it is in force (the US Department of Defense buys
//! all of MP's 10X magnets for ten years): the facility runs at least
//! that much, or pays the contract's penalty on each unit short, so that a
//! plan exists even when its inputs cannot reach it. A *credit* pays the
//! facility a sum per unit of activity (a production credit such as 45X,
//! or a price floor paid as a per-tonne top-up): it enters the objective
//! as a negative cost, so the plan is the market equilibrium with the
//! subsidy, and what the credit pays is reported as its own cost kind.

use std::collections::BTreeMap;

use super::activity::ActivityIndex;
use super::keys::{ColKey, RowKey};
use super::lp::{Lp, Sense};
use crate::model::{ContractKind, FacilityId, Model, PeriodId};
use crate::plan::{Checker, ContractUse, Costs, Plan};
use crate::solver::{Col, Row, Session};

/// An offtake in one period: its shortfall column and its row.
#[derive(Debug, Clone, Copy)]
pub struct OfftakeRow {
    /// Index into `model.contracts`.
    pub contract: usize,
    /// The period.
    pub period: PeriodId,
    /// The shortfall column.
    pub shortfall: Col,
    /// The row.
    pub row: Row,
}

/// Offtake rows, sorted by (contract, period).
#[derive(Debug, Clone, Default)]
pub struct ContractIndex {
    /// One per offtake and period it is in force.
    pub offtakes: Vec<OfftakeRow>,
}

/// Activity required by an offtake of `share` on facility `f` in `t`: the
/// share of its usable capacity.
fn required(model: &Model, f: usize, share: f64, t: PeriodId) -> f64 {
    let fac = &model.facilities[f];
    share * fac.capacity * fac.availability(&model.periods[t.0])
}

/// Per offtake and period in force, `x(f, t) + short >= required`, with
/// the shortfall at the penalty; per credit, minus the credit on the cost
/// of each unit of activity in the periods it pays.
pub(super) fn add(lp: &mut Lp, activity: &ActivityIndex, model: &Model) -> ContractIndex {
    let mut ix = ContractIndex::default();
    for (contract, c) in model.contracts.iter().enumerate() {
        for t in model.period_ids().filter(|&t| c.periods.contains(t)) {
            let x = activity.col(c.facility, t);
            let w = model.period_weight(t);
            match c.kind {
                ContractKind::Credit { per_unit } => lp.add_cost(x, -w * per_unit),
                ContractKind::Offtake { share, penalty } => {
                    let required = required(model, c.facility.0, share, t);
                    let key = ColKey::OfftakeShortfall {
                        contract,
                        period: t,
                    };
                    let shortfall = lp.column(key, Some(required), w * penalty);
                    let key = RowKey::Offtake {
                        contract,
                        period: t,
                    };
                    let terms = [(x, 1.0), (shortfall, 1.0)];
                    let row = lp.row(key, &terms, Sense::Ge, required);
                    ix.offtakes.push(OfftakeRow {
                        contract,
                        period: t,
                        shortfall,
                        row,
                    });
                }
            }
        }
    }
    ix
}

/// Reads each offtake's shortfall, and takes each offtake's dual out of
/// the value of its facility's capacity: the activity column's reduced cost
/// holds both the capacity bound and the offtake row, and when an offtake
/// takes all of the capacity the two bind together and the solver may
/// split their value either way. What is left is what one more unit of
/// capacity is worth to the market, the contract aside; what the offtake
/// is worth beyond the capacity's value is its support to the facility.
pub(super) fn read(ix: &ContractIndex, model: &Model, s: &Session, plan: &mut Plan) {
    let mut support = Vec::with_capacity(ix.offtakes.len());
    for o in &ix.offtakes {
        let f = model.contracts[o.contract].facility.0;
        let w = model.period_weight(o.period);
        let v = &mut plan.capacity_value[f][o.period.0];
        let net = *v - s.dual(o.row) / w;
        *v = net.max(0.0);
        support.push((-net).max(0.0));
    }
    plan.contracts = (ix.offtakes.iter().zip(support))
        .map(|(o, support)| {
            let c = &model.contracts[o.contract];
            let share = match c.kind {
                ContractKind::Offtake { share, .. } => share,
                ContractKind::Credit { .. } => 0.0,
            };
            ContractUse {
                contract: o.contract,
                period: o.period,
                required: required(model, c.facility.0, share, o.period),
                shortfall: s.value(o.shortfall),
                support,
            }
        })
        .collect();
}

/// Each offtake, in every period it is in force, is run or its shortfall
/// paid for, the shortfall within what the model requires (recomputed from
/// the model, not taken from the LP); a missing shortfall counts as none.
pub(super) fn check(model: &Model, plan: &Plan, ck: &mut Checker) {
    for (contract, c) in model.contracts.iter().enumerate() {
        let ContractKind::Offtake { share, .. } = c.kind else {
            continue;
        };
        for t in model.period_ids().filter(|&t| c.periods.contains(t)) {
            let required = required(model, c.facility.0, share, t);
            let shortfall = plan
                .contracts
                .iter()
                .find(|u| u.contract == contract && u.period == t)
                .map_or(0.0, |u| u.shortfall);
            let label = || format!("offtake {} in {}", c.id, model.periods[t.0].label);
            ck.bounds(shortfall, 0.0, Some(required), label);
            let x = plan.activity[c.facility.0][t.0];
            ck.bounds(x + shortfall, required, None, label);
        }
    }
}

/// Credits paid (a negative cost) and offtake penalties.
pub(super) fn cost(model: &Model, plan: &Plan, k: &mut Costs) {
    for c in &model.contracts {
        if let ContractKind::Credit { per_unit } = c.kind {
            for t in model.period_ids().filter(|&t| c.periods.contains(t)) {
                let x = plan.activity[c.facility.0][t.0];
                k.credits -= model.period_weight(t) * per_unit * x;
            }
        }
    }
    for u in &plan.contracts {
        if let ContractKind::Offtake { penalty, .. } = model.contracts[u.contract].kind {
            k.offtake_penalties += model.period_weight(u.period) * penalty * u.shortfall;
        }
    }
}

/// What contracts pay each facility per unit of activity, by (facility,
/// period), $ in the period's money: credits in the periods they pay, and
/// the support of offtakes ([`ContractUse::support`]).
pub fn earnings(model: &Model, plan: &Plan) -> BTreeMap<(FacilityId, PeriodId), f64> {
    let mut out: BTreeMap<(FacilityId, PeriodId), f64> = BTreeMap::new();
    for c in &model.contracts {
        if let ContractKind::Credit { per_unit } = c.kind {
            for t in model.period_ids().filter(|&t| c.periods.contains(t)) {
                *out.entry((c.facility, t)).or_default() += per_unit;
            }
        }
    }
    for u in plan.contracts.iter().filter(|u| u.support > 0.0) {
        let f = model.contracts[u.contract].facility;
        *out.entry((f, u.period)).or_default() += u.support;
    }
    out
}
