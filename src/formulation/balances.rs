//! Balances and disposal: at every facility, for every commodity of its
//! recipe and every period, what arrives and is made equals what is used,
//! shipped and disposed of. Surplus outputs (La and Ce when NdPr is the
//! target) leave the system at their disposal cost.
//!
//! The dual of a balance row is the marginal cost of one more tonne of the
//! commodity at the facility: its price there.

use super::activity::ActivityIndex;
use super::keys::{ColKey, RowKey};
use super::lanes::FlowIndex;
use super::lp::{Lp, Sense};
use super::origins::Layout;
use crate::model::{CommodityId, Endpoint, FacilityId, Model, PeriodId};
use crate::network::{LaneId, Network};
use crate::plan::{Checker, Costs, Disposal, Plan, Price};
use crate::solver::{Col, Row, Session};

/// A disposal column.
#[derive(Debug, Clone, Copy)]
pub struct DisposalCol {
    /// The facility.
    pub facility: FacilityId,
    /// The output disposed of.
    pub commodity: CommodityId,
    /// The period.
    pub period: PeriodId,
    /// The column.
    pub col: Col,
}

/// A balance row.
#[derive(Debug, Clone, Copy)]
pub struct BalanceRow {
    /// The facility.
    pub facility: FacilityId,
    /// The commodity.
    pub commodity: CommodityId,
    /// The period.
    pub period: PeriodId,
    /// The row.
    pub row: Row,
}

/// Disposal columns and balance rows, sorted by (facility, commodity,
/// period).
#[derive(Debug, Clone, Default)]
pub struct BalanceIndex {
    /// One per facility, output of its recipe and period.
    pub disposal: Vec<DisposalCol>,
    /// One per facility, commodity of its recipe and period.
    pub rows: Vec<BalanceRow>,
}

/// Disposal of each output of each facility's recipe, at the output's
/// disposal cost (per origin class at facilities split by class: see
/// [`super::origins`]).
pub(super) fn add_disposal(lp: &mut Lp, model: &Model, layout: &Layout) -> BalanceIndex {
    let mut ix = BalanceIndex::default();
    for (f, fac) in model.facilities.iter().enumerate() {
        let facility = FacilityId(f);
        if layout.is_split(facility) {
            continue;
        }
        for commodity in model.processes[fac.process.0].outputs() {
            for period in model.period_ids() {
                let cost =
                    model.period_weight(period) * model.commodities[commodity.0].disposal_cost;
                let key = ColKey::Disposal {
                    facility,
                    commodity,
                    period,
                };
                let col = lp.column(key, None, cost);
                ix.disposal.push(DisposalCol {
                    facility,
                    commodity,
                    period,
                    col,
                });
            }
        }
    }
    ix
}

/// `in + coef·activity − out − disposal = 0` for every facility, commodity
/// of its recipe and period (coef < 0 for inputs); facilities split by
/// origin class balance each class instead ([`super::origins`]).
pub(super) fn add_rows(
    lp: &mut Lp,
    ix: &mut BalanceIndex,
    activity: &ActivityIndex,
    flows: &FlowIndex,
    model: &Model,
    network: &Network,
    layout: &Layout,
) {
    let mut disposal = ix.disposal.iter().peekable();
    for (f, fac) in model.facilities.iter().enumerate() {
        let facility = FacilityId(f);
        if layout.is_split(facility) {
            continue;
        }
        for &(commodity, coef) in &model.processes[fac.process.0].terms {
            for period in model.period_ids() {
                let into = network.lanes_into(facility, commodity);
                let out = network.lanes_out_of(facility, commodity);
                let mut terms = Vec::with_capacity(2 + into.len() + out.len());
                terms.push((activity.col(facility, period), coef));
                for &l in into {
                    terms.extend(flows.cols(l, period).iter().map(|&c| (c, 1.0)));
                }
                for &l in out {
                    terms.extend(flows.cols(l, period).iter().map(|&c| (c, -1.0)));
                }
                let key = (facility, commodity, period);
                if let Some(d) = disposal.next_if(|d| (d.facility, d.commodity, d.period) == key) {
                    terms.push((d.col, -1.0));
                }
                let row_key = RowKey::Balance {
                    facility,
                    commodity,
                    period,
                };
                let row = lp.row(row_key, &terms, Sense::Eq, 0.0);
                ix.rows.push(BalanceRow {
                    facility,
                    commodity,
                    period,
                    row,
                });
            }
        }
    }
}

/// Reads disposal and the price of each commodity at each facility.
pub(super) fn read(ix: &BalanceIndex, model: &Model, s: &Session, plan: &mut Plan) {
    plan.disposal = ix
        .disposal
        .iter()
        .map(|d| Disposal {
            facility: d.facility,
            commodity: d.commodity,
            period: d.period,
            tonnes: s.value(d.col),
        })
        .collect();
    plan.prices.extend(ix.rows.iter().map(|b| Price {
        place: Endpoint::Facility(b.facility),
        commodity: b.commodity,
        period: b.period,
        value: s.dual(b.row) / model.period_weight(b.period),
    }));
}

/// Every facility balance holds, and disposal is never negative.
pub(super) fn check(model: &Model, network: &Network, plan: &Plan, ck: &mut Checker) {
    let disposal: std::collections::BTreeMap<_, f64> = plan
        .disposal
        .iter()
        .map(|d| ((d.facility, d.commodity, d.period), d.tonnes))
        .collect();
    let stocks = super::stocks::nets(model, plan);
    for (f, fac) in model.facilities.iter().enumerate() {
        let fid = FacilityId(f);
        for &(c, coef) in &model.processes[fac.process.0].terms {
            for t in model.period_ids() {
                let sum = |ls: &[LaneId]| -> f64 { ls.iter().map(|l| plan.flows[l.0][t.0]).sum() };
                let out = sum(network.lanes_out_of(fid, c));
                let inn = sum(network.lanes_into(fid, c));
                let disp = disposal.get(&(fid, c, t)).copied().unwrap_or(0.0);
                let made = coef * plan.activity[f][t.0];
                let at = (Endpoint::Facility(fid), c, t);
                let stock = stocks.get(&at).copied().unwrap_or(0.0);
                ck.check(
                    out + disp - inn - made - stock,
                    out.abs() + disp.abs() + inn.abs() + made.abs() + stock.abs(),
                    || {
                        format!(
                            "balance of {} at {} in {}",
                            model.commodities[c.0].id, fac.id, model.periods[t.0].label
                        )
                    },
                );
            }
        }
    }
    for d in &plan.disposal {
        ck.bounds(d.tonnes, 0.0, None, || {
            format!(
                "disposal of {} at {} in {}",
                model.commodities[d.commodity.0].id,
                model.facilities[d.facility.0].id,
                model.periods[d.period.0].label
            )
        });
    }
}

/// Disposal of surplus outputs.
pub(super) fn cost(model: &Model, plan: &Plan, k: &mut Costs) {
    for d in &plan.disposal {
        k.disposal += model.period_weight(d.period)
            * model.commodities[d.commodity.0].disposal_cost
            * d.tonnes;
    }
}
