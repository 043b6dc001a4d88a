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
//!
//! An offtake with a `buyer` (GM buys eVAC's magnets for its US motor
//! plants) counts what the facility delivers to the buyer's countries, in
//! units of activity (a tonne of product over its yield), not what it
//! makes: its row is on the flows, and its dual is what the contract pays
//! on each unit delivered beyond the market.

use std::collections::BTreeMap;

use super::activity::ActivityIndex;
use super::keys::{ColKey, RowKey};
use super::lanes::FlowIndex;
use super::lp::{Lp, Sense};
use crate::model::{CommodityId, Contract, ContractKind, Endpoint, FacilityId, Model, PeriodId};
use crate::network::{LaneId, Network};
use crate::plan::{Checker, ContractUse, Costs, Plan, TOLERANCE};
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

/// The lanes that deliver an offtake's products to its buyer's countries,
/// each with the activity a tonne on it stands for: one over the tonnes of
/// product (every output together) a unit of activity makes, so that the
/// buyer taking all of a unit's products counts one unit. None for a
/// contract without a buyer.
pub fn buyer_lanes(model: &Model, network: &Network, c: &Contract) -> Vec<(LaneId, f64)> {
    let Some(buyer) = &c.buyer else {
        return Vec::new();
    };
    let process = &model.processes[model.facilities[c.facility.0].process.0];
    let product_t = process.product_tonnes();
    if product_t <= 0.0 {
        return Vec::new();
    }
    (process.outputs())
        .flat_map(|good| network.lanes_out_of(c.facility, good))
        .filter(|&&l| buyer.contains(model.endpoint_country(network.lane(l).to)))
        .map(|&l| (l, 1.0 / product_t))
        .collect()
}

/// What an offtake counts in period `t`, in units of activity: the
/// facility's activity, or with a buyer what it delivered there.
fn counted(model: &Model, network: &Network, plan: &Plan, c: &Contract, t: PeriodId) -> f64 {
    if c.buyer.is_none() {
        return plan.activity[c.facility.0][t.0];
    }
    (buyer_lanes(model, network, c).iter())
        .map(|&(l, per_t)| per_t * plan.flows[l.0][t.0])
        .sum()
}

/// Per offtake and period in force, `x(f, t) + short >= required` (with a
/// buyer, the deliveries to it in units of activity for x), with the
/// shortfall at the penalty; per credit, minus the credit on the cost of
/// each unit of activity in the periods it pays.
pub(super) fn add(
    lp: &mut Lp,
    activity: &ActivityIndex,
    flows: &FlowIndex,
    model: &Model,
    network: &Network,
) -> ContractIndex {
    let mut ix = ContractIndex::default();
    for (contract, c) in model.contracts.iter().enumerate() {
        let delivering = buyer_lanes(model, network, c);
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
                    let mut terms = vec![(shortfall, 1.0)];
                    if c.buyer.is_none() {
                        terms.push((x, 1.0));
                    }
                    for &(l, per_t) in &delivering {
                        terms.extend(flows.cols(l, t).iter().map(|&q| (q, per_t)));
                    }
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
pub(super) fn read(
    ix: &ContractIndex,
    model: &Model,
    network: &Network,
    s: &Session,
    plan: &mut Plan,
) {
    let mut support = Vec::with_capacity(ix.offtakes.len());
    for o in &ix.offtakes {
        let c = &model.contracts[o.contract];
        let w = model.period_weight(o.period);
        if c.buyer.is_some() {
            let y = (s.dual(o.row) / w).max(0.0);
            support.push(y - net_buyer(model, network, plan, c, o.period, y));
            continue;
        }
        let v = &mut plan.capacity_value[c.facility.0][o.period.0];
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

/// An offtake with a buyer on a facility at capacity that sends nothing
/// elsewhere leaves the LP free to split a value between the contract, the
/// capacity and the price of the products at the facility: all three may
/// rise together. As for an offtake on the activity, the capacity keeps
/// only what the market gives it: the products' price at the facility, the
/// capacity's value and the support `y` fall together by what keeps every
/// idle lane from the facility (and disposal) unprofitable. Returns the
/// fall in the support, per unit of activity; prices and the capacity's
/// value are lowered in `plan`.
fn net_buyer(
    model: &Model,
    network: &Network,
    plan: &mut Plan,
    c: &Contract,
    t: PeriodId,
    y: f64,
) -> f64 {
    let f = c.facility;
    let value = plan.capacity_value[f.0][t.0];
    let process = &model.processes[model.facilities[f.0].process.0];
    let product_t = process.product_tonnes();
    if y <= 0.0 || value <= 0.0 || product_t <= 0.0 {
        return 0.0;
    }
    let buyer: Vec<LaneId> = (buyer_lanes(model, network, c).iter())
        .map(|b| b.0)
        .collect();
    let price = |plan: &Plan, place: Endpoint, good: CommodityId| {
        (plan.prices.iter())
            .find(|p| p.period == t && p.place == place && p.commodity == good)
            .map(|p| p.value)
    };
    // Per tonne of product: the most the facility's prices may fall.
    let mut fall = (y.min(value)) / product_t;
    for good in process.outputs() {
        let Some(here) = price(plan, Endpoint::Facility(f), good) else {
            return 0.0;
        };
        fall = fall.min(here + model.commodities[good.0].disposal_cost);
        for &l in network.lanes_out_of(f, good) {
            if buyer.contains(&l) {
                continue;
            }
            if plan.flows[l.0][t.0] > TOLERANCE {
                return 0.0;
            }
            let lane = network.lane(l);
            let there = price(plan, lane.to, good).unwrap_or(0.0);
            let cost = lane.transport_cost + super::lanes::tariff(model, lane, t);
            fall = fall.min(here - (there - cost));
        }
    }
    let fall = fall.max(0.0);
    if fall <= 0.0 {
        return 0.0;
    }
    for p in (plan.prices.iter_mut())
        .filter(|p| p.period == t && p.place == Endpoint::Facility(f))
        .filter(|p| process.coef(p.commodity) > 0.0)
    {
        p.value -= fall;
    }
    plan.capacity_value[f.0][t.0] -= fall * product_t;
    fall * product_t
}

/// Each offtake, in every period it is in force, is run (delivered to its
/// buyer) or its shortfall paid for, the shortfall within what the model
/// requires (recomputed from the model, not taken from the LP); a missing
/// shortfall counts as none.
pub(super) fn check(model: &Model, network: &Network, plan: &Plan, ck: &mut Checker) {
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
            let x = counted(model, network, plan, c, t);
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
/// the support of offtakes without a buyer ([`ContractUse::support`]). An
/// offtake with a buyer is on the flows to it, so what it pays is already
/// in the price of the facility's products at the facility.
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
        let c = &model.contracts[u.contract];
        if c.buyer.is_none() {
            *out.entry((c.facility, u.period)).or_default() += u.support;
        }
    }
    out
}

/// What offtakes with a buyer pay on each tonne delivered to it, by (lane,
/// period), $ in the period's money: the contract's support per unit of
/// activity delivered, over the tonnes of product a unit makes. It is in
/// the price of the products at the facility, above what the buyer's
/// market pays for them.
pub fn lane_payments(
    model: &Model,
    network: &Network,
    plan: &Plan,
) -> BTreeMap<(LaneId, PeriodId), f64> {
    let mut out: BTreeMap<(LaneId, PeriodId), f64> = BTreeMap::new();
    for u in plan.contracts.iter().filter(|u| u.support > 0.0) {
        let c = &model.contracts[u.contract];
        for (l, per_t) in buyer_lanes(model, network, c) {
            *out.entry((l, u.period)).or_default() += u.support * per_t;
        }
    }
    out
}
