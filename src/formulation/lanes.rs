//! Flows and tariffs: tonnes per year on every lane of the network, at its
//! transport cost plus the tariffs that stack on a border crossing, within
//! the lane's capacity.
//!
//! A lane that origin rules split ([`super::origins`]) has one column per
//! sector group and origin class instead of one, each at the lane's cost;
//! its capacity, when it has one, is then a row over its parts.

use std::collections::BTreeMap;

use super::keys::{ColKey, RowKey};
use super::lp::{Lp, Sense};
use super::origins::{Layout, Part};
use crate::model::{Model, PeriodId};
use crate::network::{Lane, LaneId, Network};
use crate::plan::{Checker, Costs, Plan};
use crate::solver::{Col, Row, Session};

/// Flow columns: one per lane and period, or one per part of a split lane.
#[derive(Debug, Clone, Default)]
pub struct FlowIndex {
    periods: usize,
    /// The column of each lane and period (a split lane's first part).
    cols: Vec<Col>,
    /// Whether each lane is split.
    split: Vec<bool>,
    /// The parts of each split lane, per period.
    parts: BTreeMap<LaneId, Vec<Vec<Part>>>,
    /// The parts' columns of each split lane, per period.
    part_cols: BTreeMap<LaneId, Vec<Vec<Col>>>,
    /// Capacity rows of split lanes.
    pub capacity: BTreeMap<RowKey, Row>,
}

impl FlowIndex {
    /// Every column of `lane` in `period`: its flow, or its parts.
    pub fn cols(&self, lane: LaneId, period: PeriodId) -> &[Col] {
        if self.split[lane.0] {
            if let Some(p) = self.part_cols.get(&lane) {
                return &p[period.0];
            }
        }
        std::slice::from_ref(&self.cols[lane.0 * self.periods + period.0])
    }

    /// The parts of `lane` in `period`, when it is split and the LP has
    /// the period.
    pub fn split_parts(&self, lane: LaneId, period: PeriodId) -> Option<&[Part]> {
        self.parts.get(&lane)?.get(period.0).map(Vec::as_slice)
    }

    /// Every split lane with its parts per period.
    pub fn split_lanes(&self) -> impl Iterator<Item = (&LaneId, &Vec<Vec<Part>>)> {
        self.parts.iter()
    }

    /// The flow column of `lane` in `period`, when the LP has one (an
    /// unsplit lane).
    pub fn get(&self, lane: LaneId, period: PeriodId) -> Option<Col> {
        if self.split.get(lane.0).copied().unwrap_or(false) || period.0 >= self.periods {
            return None;
        }
        self.cols.get(lane.0 * self.periods + period.0).copied()
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
/// plus stacked tariffs; a split lane's parts at the same cost, within its
/// capacity together.
pub(super) fn add_columns(
    lp: &mut Lp,
    model: &Model,
    network: &Network,
    layout: &Layout,
) -> FlowIndex {
    let mut ix = FlowIndex {
        periods: model.periods.len(),
        cols: Vec::with_capacity(network.lanes().len() * model.periods.len()),
        ..FlowIndex::default()
    };
    for (l, lane) in network.lanes().iter().enumerate() {
        let lane_id = LaneId(l);
        let split = layout.lane_is_split(network, lane_id);
        ix.split.push(split);
        for t in model.period_ids() {
            let unit = lane.transport_cost + tariff(model, lane, t);
            let cost = model.period_weight(t) * unit;
            let cut = model.is_cut_off(
                lane.from,
                model.endpoint_country(lane.to),
                lane.commodity,
                t,
            );
            if split {
                let at = (lane_id, t, cost, cut);
                let parts = add_parts(lp, &mut ix, layout, network, at);
                ix.cols.push(parts[0].col);
                let cols = parts.iter().map(|p| p.col).collect();
                ix.part_cols.entry(lane_id).or_default().push(cols);
                ix.parts.entry(lane_id).or_default().push(parts);
            } else {
                let key = ColKey::Flow {
                    lane: lane_id,
                    period: t,
                };
                let upper = if cut { Some(0.0) } else { lane.capacity };
                ix.cols.push(lp.column(key, upper, cost));
            }
        }
    }
    ix
}

/// The parts of split lane `lane` in period `t`, one per sector group of
/// the market it delivers to (one into a facility) and origin class it
/// carries there ([`Layout::lane_classes`]), each at `cost` (and at most 0
/// when `cut` off); with the lane's capacity as a row over them.
fn add_parts(
    lp: &mut Lp,
    ix: &mut FlowIndex,
    layout: &Layout,
    network: &Network,
    (lane, period, cost, cut): (LaneId, PeriodId, f64, bool),
) -> Vec<Part> {
    let groups = layout
        .market_of(network, lane)
        .map_or(1, |m| m.groups.len());
    let mut parts = Vec::new();
    for group in 0..groups as u8 {
        for class in layout.lane_classes(network, lane, usize::from(group)) {
            let key = ColKey::FlowPart {
                lane,
                period,
                group,
                class,
            };
            let col = lp.column(key, cut.then_some(0.0), cost);
            parts.push(Part { group, class, col });
        }
    }
    if let Some(cap) = network.lane(lane).capacity {
        let terms: Vec<(Col, f64)> = parts.iter().map(|p| (p.col, 1.0)).collect();
        let key = RowKey::LaneCapacity { lane, period };
        let row = lp.row(key, &terms, Sense::Le, cap);
        ix.capacity.insert(key, row);
    }
    parts
}

/// Reads the flows (a split lane's: the sum of its parts).
pub(super) fn read(ix: &FlowIndex, model: &Model, network: &Network, s: &Session, plan: &mut Plan) {
    plan.flows = (0..network.lanes().len())
        .map(|l| {
            model
                .period_ids()
                .map(|t| ix.cols(LaneId(l), t).iter().map(|&c| s.value(c)).sum())
                .collect()
        })
        .collect();
}

/// Flows lie within each lane's capacity, and nothing ships on a lane cut
/// off.
pub(super) fn check(model: &Model, network: &Network, plan: &Plan, ck: &mut Checker) {
    for (l, lane) in network.lanes().iter().enumerate() {
        for t in model.period_ids() {
            let cut = model.is_cut_off(
                lane.from,
                model.endpoint_country(lane.to),
                lane.commodity,
                t,
            );
            let upper = if cut { Some(0.0) } else { lane.capacity };
            ck.bounds(plan.flows[l][t.0], 0.0, upper, || {
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
