//! Flows and tariffs: tonnes per year on every lane of the network, at its
//! transport cost plus the tariffs that stack on a border crossing, within
//! the lane's capacity.

use super::keys::ColKey;
use super::lp::Lp;
use crate::model::{Model, PeriodId};
use crate::network::{Lane, LaneId, Network};
use crate::plan::{Checker, Costs, Plan};
use crate::solver::{Col, Session};

/// Flow columns, one per lane and period.
#[derive(Debug, Clone, Default)]
pub struct FlowIndex {
    periods: usize,
    cols: Vec<Col>,
}

impl FlowIndex {
    /// The flow column of `lane` in `period`.
    pub fn col(&self, lane: LaneId, period: PeriodId) -> Col {
        self.cols[lane.0 * self.periods + period.0]
    }

    /// The flow column of `lane` in `period`, when the LP has them.
    pub fn get(&self, lane: LaneId, period: PeriodId) -> Option<Col> {
        (period.0 < self.periods)
            .then(|| self.cols.get(lane.0 * self.periods + period.0).copied())
            .flatten()
    }
}

/// Tariffs on one tonne shipped on `lane` in period `t`: every measure
/// matching the border it crosses, stacked ([`Model::tariff_per_tonne`];
/// zero within a country).
pub fn tariff(model: &Model, lane: &Lane, t: PeriodId) -> f64 {
    let exporter = model.facilities[lane.from.0].country;
    let importer = model.endpoint_country(lane.to);
    model.tariff_per_tonne(exporter, importer, lane.commodity, t)
}

/// Flow per lane and period, `0 <= q <= lane capacity`, at transport cost
/// plus stacked tariffs.
pub(super) fn add_columns(lp: &mut Lp, model: &Model, network: &Network) -> FlowIndex {
    let mut ix = FlowIndex {
        periods: model.periods.len(),
        cols: Vec::with_capacity(network.lanes().len() * model.periods.len()),
    };
    for (l, lane) in network.lanes().iter().enumerate() {
        for t in model.period_ids() {
            let lane_id = LaneId(l);
            let unit = lane.transport_cost + tariff(model, lane, t);
            let cost = model.period_weight(t) * unit;
            let key = ColKey::Flow {
                lane: lane_id,
                period: t,
            };
            ix.cols.push(lp.column(key, lane.capacity, cost));
        }
    }
    ix
}

/// Reads the flows.
pub(super) fn read(ix: &FlowIndex, model: &Model, network: &Network, s: &Session, plan: &mut Plan) {
    plan.flows = (0..network.lanes().len())
        .map(|l| {
            model
                .period_ids()
                .map(|t| s.value(ix.col(LaneId(l), t)))
                .collect()
        })
        .collect();
}

/// Flows lie within each lane's capacity.
pub(super) fn check(model: &Model, network: &Network, plan: &Plan, ck: &mut Checker) {
    for (l, lane) in network.lanes().iter().enumerate() {
        for t in model.period_ids() {
            ck.bounds(plan.flows[l][t.0], 0.0, lane.capacity, || {
                format!(
                    "lane {} -> {} ({}) in {}",
                    model.facilities[lane.from.0].id,
                    model.endpoint_name(lane.to),
                    model.commodities[lane.commodity.0].id,
                    model.periods[t.0].label
                )
            });
        }
    }
}

/// Transport on every lane, and the tariffs of every border crossing.
pub(super) fn cost(model: &Model, network: &Network, plan: &Plan, k: &mut Costs) {
    for t in model.period_ids() {
        let w = model.period_weight(t);
        for (l, lane) in network.lanes().iter().enumerate() {
            let q = plan.flows[l][t.0];
            k.transport += w * lane.transport_cost * q;
            k.tariffs += w * tariff(model, lane, t) * q;
        }
    }
}
