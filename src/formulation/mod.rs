//! The model as a linear program (DESIGN §2).
//!
//! All quantities are tonnes (or activity units) **per year** of a period;
//! the objective weighs each period's annual cost by the sum of its years'
//! discount factors ([`Model::period_weight`]).
//!
//! Columns: activity per facility and period (bounded by capacity ×
//! availability), flow per lane and period, disposal of each output per
//! facility and period, shortage per demand segment.
//! Rows: a balance per facility, commodity of its recipe and period; a
//! balance per market (country, commodity) and period; a row per export
//! control and period it applies to.
//!
//! Everything a scenario may change is a column cost, a column bound or a row
//! right-hand side, so a solved model can be changed and re-solved warm.
//! Facilities' fixed costs do not depend on the plan: they are the
//! [`Formulation::constant`] added to the solver's objective.

pub mod lp;

use crate::model::{CommodityId, CountryId, FacilityId, Model, PeriodId};
use crate::network::{LaneId, Network};
use lp::{Col, LpBuilder, LpSize, RowIx, Sense};

/// Where each model quantity lives in the LP.
#[derive(Debug, Default, Clone)]
pub struct LpIndex {
    /// Activity column of facility f in period t: `activity[f][t]`.
    pub activity: Vec<Vec<Col>>,
    /// Flow column of lane l in period t: `flow[l][t]`.
    pub flow: Vec<Vec<Col>>,
    /// Disposal columns: (facility, commodity, period, column).
    pub disposal: Vec<(FacilityId, CommodityId, PeriodId, Col)>,
    /// Shortage column of each demand segment (same order as `model.demand`).
    pub shortage: Vec<Col>,
    /// Balance rows `in + coef·activity − out − disposal = 0`; their duals are
    /// the marginal cost of one more tonne of the commodity needed at the
    /// facility.
    pub balance: Vec<(FacilityId, CommodityId, PeriodId, RowIx)>,
    /// Market rows `in + Σ shortage = Σ tonnes`; their duals are the marginal
    /// cost of one more tonne of demand.
    pub market: Vec<(CountryId, CommodityId, PeriodId, RowIx)>,
    /// Export-control rows `Σ matching flows <= cap`: (control, period, row).
    pub caps: Vec<(usize, PeriodId, RowIx)>,
    /// Lanes matched by each export control (same order as
    /// `model.export_controls`).
    pub cap_lanes: Vec<Vec<LaneId>>,
}

/// A built LP, ready for HiGHS.
pub struct Formulation {
    /// The problem, handed to HiGHS but not solved.
    pub problem: highs::Model,
    /// Where each quantity lives.
    pub index: LpIndex,
    /// Size of the LP.
    pub size: LpSize,
    /// Present value of costs that do not depend on the plan (fixed costs).
    pub constant: f64,
}

/// Builds the LP of `model` over `network`.
///
/// # Errors
/// A message when HiGHS refuses the problem (only non-finite numbers can do
/// that, and the loader refuses those).
pub fn build(model: &Model, network: &Network) -> Result<Formulation, String> {
    let mut lp = LpBuilder::default();
    let mut ix = LpIndex::default();
    add_activity(&mut lp, &mut ix, model);
    add_lanes(&mut lp, &mut ix, model, network);
    add_disposal(&mut lp, &mut ix, model);
    add_shortage(&mut lp, &mut ix, model);
    add_balances(&mut lp, &mut ix, model, network);
    add_markets(&mut lp, &mut ix, model, network);
    add_export_caps(&mut lp, &mut ix, model, network);
    let constant = fixed_costs(model);
    let (problem, size) = lp.into_highs()?;
    Ok(Formulation {
        problem,
        index: ix,
        size,
        constant,
    })
}

/// Activity per facility and period, `0 <= x <= capacity × availability`,
/// at its variable cost.
fn add_activity(lp: &mut LpBuilder, ix: &mut LpIndex, model: &Model) {
    for fac in &model.facilities {
        let cols = model
            .period_ids()
            .map(|t| {
                let upper = fac.capacity * fac.availability(&model.periods[t.0]);
                lp.column(Some(upper), model.period_weight(t) * fac.variable_cost)
            })
            .collect();
        ix.activity.push(cols);
    }
}

/// Flow per lane and period, at transport cost plus stacked tariffs.
fn add_lanes(lp: &mut LpBuilder, ix: &mut LpIndex, model: &Model, network: &Network) {
    for (l, lane) in network.lanes().iter().enumerate() {
        let cols = model
            .period_ids()
            .map(|t| {
                let cost = network.unit_cost(model, LaneId(l), t);
                lp.column(lane.capacity, model.period_weight(t) * cost)
            })
            .collect();
        ix.flow.push(cols);
    }
}

/// Disposal of each output of each facility's recipe: surplus joint products
/// (La and Ce when NdPr is the target) leave the system at their disposal cost.
fn add_disposal(lp: &mut LpBuilder, ix: &mut LpIndex, model: &Model) {
    for (f, fac) in model.facilities.iter().enumerate() {
        for c in model.processes[fac.process.0].outputs() {
            for t in model.period_ids() {
                let cost = model.period_weight(t) * model.commodities[c.0].disposal_cost;
                let col = lp.column(None, cost);
                ix.disposal.push((FacilityId(f), c, t, col));
            }
        }
    }
}

/// Shortage per demand segment, `0 <= s <= tonnes`, at its penalty.
fn add_shortage(lp: &mut LpBuilder, ix: &mut LpIndex, model: &Model) {
    for d in &model.demand {
        let cost = model.period_weight(d.period) * d.shortage_penalty;
        ix.shortage.push(lp.column(Some(d.tonnes), cost));
    }
}

/// Material balance per facility, recipe commodity and period: what arrives
/// and is made equals what is used, shipped and disposed of,
/// `in + coef·activity − out − disposal = 0` (coef < 0 for inputs).
fn add_balances(lp: &mut LpBuilder, ix: &mut LpIndex, model: &Model, network: &Network) {
    let mut disposal = ix.disposal.iter().peekable();
    for (f, fac) in model.facilities.iter().enumerate() {
        let f = FacilityId(f);
        for &(c, coef) in &model.processes[fac.process.0].terms {
            for t in model.period_ids() {
                let mut terms = vec![(ix.activity[f.0][t.0], coef)];
                terms.extend(
                    network
                        .lanes_into(f, c)
                        .iter()
                        .map(|l| (ix.flow[l.0][t.0], 1.0)),
                );
                terms.extend(
                    network
                        .lanes_out_of(f, c)
                        .iter()
                        .map(|l| (ix.flow[l.0][t.0], -1.0)),
                );
                if let Some(&(_, _, _, col)) = disposal.next_if(|d| (d.0, d.1, d.2) == (f, c, t)) {
                    terms.push((col, -1.0));
                }
                let row = lp.row(&terms, Sense::Eq, 0.0);
                ix.balance.push((f, c, t, row));
            }
        }
    }
}

/// Balance per market and period: deliveries plus shortages equal demand.
fn add_markets(lp: &mut LpBuilder, ix: &mut LpIndex, model: &Model, network: &Network) {
    let by_market = model.demand_by_market();
    for (country, c, t) in Network::markets(model)
        .into_iter()
        .flat_map(|(country, c)| model.period_ids().map(move |t| (country, c, t)))
    {
        let segments = by_market
            .get(&(country, c, t))
            .map_or(&[][..], Vec::as_slice);
        let mut terms: Vec<(Col, f64)> = network
            .lanes_to_market(country, c)
            .iter()
            .map(|l| (ix.flow[l.0][t.0], 1.0))
            .collect();
        terms.extend(segments.iter().map(|&d| (ix.shortage[d], 1.0)));
        let tonnes: f64 = segments.iter().map(|&d| model.demand[d].tonnes).sum();
        let row = lp.row(&terms, Sense::Eq, tonnes);
        ix.market.push((country, c, t, row));
    }
}

/// One row per export control and period it applies to: the flows leaving
/// its exporters for its destinations, in its goods, stay under the cap.
fn add_export_caps(lp: &mut LpBuilder, ix: &mut LpIndex, model: &Model, network: &Network) {
    ix.cap_lanes = model
        .export_controls
        .iter()
        .map(|ec| matching_lanes(model, network, ec))
        .collect();
    for (k, ec) in model.export_controls.iter().enumerate() {
        for t in model.period_ids().filter(|&t| ec.periods.contains(t)) {
            let terms: Vec<(Col, f64)> = ix.cap_lanes[k]
                .iter()
                .map(|l| (ix.flow[l.0][t.0], 1.0))
                .collect();
            let row = lp.row(&terms, Sense::Le, ec.cap);
            ix.caps.push((k, t, row));
        }
    }
}

/// Lanes that an export control covers: they cross a border from one of its
/// exporters to one of its destinations, carrying one of its goods.
pub fn matching_lanes(
    model: &Model,
    network: &Network,
    ec: &crate::model::ExportControl,
) -> Vec<LaneId> {
    network
        .lanes()
        .iter()
        .enumerate()
        .filter(|(_, lane)| {
            let from = model.facilities[lane.from.0].country;
            let to = model.endpoint_country(lane.to);
            from != to
                && ec.exporter.contains(from)
                && ec.destination.contains(to)
                && ec.goods.contains(lane.commodity)
        })
        .map(|(l, _)| LaneId(l))
        .collect()
}

/// Present value of every facility's fixed costs over the horizon.
fn fixed_costs(model: &Model) -> f64 {
    (0..model.facilities.len())
        .map(|f| model.fixed_cost_pv(FacilityId(f)))
        .sum()
}
