//! The model as a linear program (DESIGN §2).
//!
//! All quantities are tonnes (or activity units) **per year** of a period;
//! the objective weighs each period's annual cost by the sum of its years'
//! discount factors ([`Model::period_weight`]).
//!
//! Columns: activity per facility and period (bounded by capacity ×
//! availability), flow per lane and period, disposal of each output per
//! facility and period, shortage per demand segment, and a build decision
//! per candidate facility and period it may start in (binary, or in [0, 1]
//! when relaxed).
//! Rows: a balance per facility, commodity of its recipe and period; a
//! balance per market (country, commodity) and period; a row per export
//! control and period it applies to; for each candidate, at most one start
//! (exactly one when a portfolio forces it) and a capacity row per period
//! (activity <= capacity × availability after the chosen start); the build
//! budget and the number of builds, when the model limits them.
//!
//! A candidate's capital cost is charged as a lump sum, discounted from the
//! year it starts operating, and its fixed costs only in the years it is
//! available ([`Model::build_cost_pv`]).
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
    /// Build decisions: (candidate, start period, column).
    pub builds: Vec<(FacilityId, PeriodId, Col)>,
    /// Capacity rows of candidates, `activity − Σ capacity × availability ×
    /// build <= 0`: (candidate, period, row). Their duals value one more
    /// unit of capacity, built or not.
    pub candidate_capacity: Vec<(FacilityId, PeriodId, RowIx)>,
}

/// Which candidates a plan may build.
#[derive(Debug, Clone, Copy)]
pub enum Builds<'a> {
    /// Any candidate (the default).
    All,
    /// None.
    None,
    /// The members of a portfolio: forced ones must be built, allowed ones may.
    Portfolio(&'a crate::model::Portfolio),
}

impl Builds<'_> {
    /// How candidate `f` is treated; `None` when it may not be built.
    pub fn mode(&self, f: FacilityId) -> Option<crate::model::PortfolioMode> {
        match self {
            Builds::All => Some(crate::model::PortfolioMode::Allow),
            Builds::None => None,
            Builds::Portfolio(p) => p.members.iter().find(|m| m.0 == f).map(|m| m.1),
        }
    }
}

/// How to formulate build decisions.
#[derive(Debug, Clone, Copy)]
pub struct BuildOptions<'a> {
    /// Which candidates may or must be built.
    pub builds: Builds<'a>,
    /// Continuous build decisions in [0, 1] instead of binary ones.
    pub relax: bool,
}

impl Default for BuildOptions<'_> {
    fn default() -> Self {
        BuildOptions {
            builds: Builds::All,
            relax: false,
        }
    }
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
pub fn build(model: &Model, network: &Network, opts: &BuildOptions) -> Result<Formulation, String> {
    let mut lp = LpBuilder::default();
    let ix = add_block(&mut lp, model, network, opts, &mut SharedBuilds::default())?;
    let constant = fixed_costs(model);
    let (problem, size) = lp.into_highs()?;
    Ok(Formulation {
        problem,
        index: ix,
        size,
        constant,
    })
}

/// Build decisions shared by several blocks of one LP (the scenarios of a
/// stochastic program): (candidate, start period) → column.
#[derive(Debug, Default, Clone)]
pub struct SharedBuilds {
    /// The decision columns created so far.
    pub columns: std::collections::BTreeMap<(FacilityId, PeriodId), Col>,
}

/// Adds the whole formulation of one model to `lp`. Build decisions already
/// in `shared` are reused (their costs added again, at the builder's
/// weight), so blocks added one after the other share one build plan.
///
/// # Errors
/// A message when a later block allows a build start the first did not.
pub fn add_block(
    lp: &mut LpBuilder,
    model: &Model,
    network: &Network,
    opts: &BuildOptions,
    shared: &mut SharedBuilds,
) -> Result<LpIndex, String> {
    let mut ix = LpIndex::default();
    add_activity(lp, &mut ix, model);
    add_build_decisions(lp, &mut ix, model, opts, shared)?;
    add_lanes(lp, &mut ix, model, network);
    add_disposal(lp, &mut ix, model);
    add_shortage(lp, &mut ix, model);
    add_balances(lp, &mut ix, model, network);
    add_markets(lp, &mut ix, model, network);
    add_export_caps(lp, &mut ix, model, network);
    add_candidate_capacity(lp, &mut ix, model);
    add_build_limits(lp, &ix, model);
    Ok(ix)
}

/// Activity per facility and period, `0 <= x <= capacity × availability`,
/// at its variable cost. A candidate's activity is bounded by its capacity;
/// its capacity row ties it to the build decisions.
fn add_activity(lp: &mut LpBuilder, ix: &mut LpIndex, model: &Model) {
    for fac in &model.facilities {
        let cols = model
            .period_ids()
            .map(|t| {
                let upper = if fac.status == crate::model::Status::Candidate {
                    fac.capacity
                } else {
                    fac.capacity * fac.availability(&model.periods[t.0])
                };
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

/// A decision per candidate the plan may build and period it may start in,
/// at the present value of its capital and fixed costs; at most one start
/// per candidate, exactly one when forced.
fn add_build_decisions(
    lp: &mut LpBuilder,
    ix: &mut LpIndex,
    model: &Model,
    opts: &BuildOptions,
    shared: &mut SharedBuilds,
) -> Result<(), String> {
    let first_block = shared.columns.is_empty();
    for (f, fac) in model.facilities.iter().enumerate() {
        let f = FacilityId(f);
        if fac.status != crate::model::Status::Candidate {
            continue;
        }
        let Some(mode) = opts.builds.mode(f) else {
            continue;
        };
        let mut starts: Vec<(Col, f64)> = Vec::new();
        for t in model.start_periods(f) {
            let cost = model.build_cost_pv(f, t);
            let col = match shared.columns.get(&(f, t)) {
                Some(&col) => {
                    lp.add_cost(col, cost);
                    col
                }
                None if first_block => {
                    let col = lp.decision(opts.relax, cost);
                    shared.columns.insert((f, t), col);
                    col
                }
                None => {
                    return Err(format!(
                        "candidate \"{}\" may start in {} in one future but not in another; \
                         a shared build plan needs the same start periods in every future",
                        fac.id, model.periods[t.0].label
                    ))
                }
            };
            ix.builds.push((f, t, col));
            starts.push((col, 1.0));
        }
        if first_block {
            let sense = match mode {
                crate::model::PortfolioMode::Force => Sense::Eq,
                crate::model::PortfolioMode::Allow => Sense::Le,
            };
            lp.row(&starts, sense, 1.0);
        }
    }
    Ok(())
}

/// For each candidate and period: activity <= capacity × availability
/// after whichever start was chosen (nothing when none was).
fn add_candidate_capacity(lp: &mut LpBuilder, ix: &mut LpIndex, model: &Model) {
    let builds = ix.builds.clone();
    let mut builds = builds.iter().peekable();
    for (f, fac) in model.facilities.iter().enumerate() {
        let f = FacilityId(f);
        if fac.status != crate::model::Status::Candidate {
            continue;
        }
        let mut starts = Vec::new();
        while let Some(&(_, start, col)) = builds.next_if(|b| b.0 == f) {
            starts.push((start, col));
        }
        for t in model.period_ids() {
            let mut terms = vec![(ix.activity[f.0][t.0], 1.0)];
            for &(start, col) in &starts {
                let a = model.availability_if_started(f, start, t);
                if a > 0.0 {
                    terms.push((col, -fac.capacity * a));
                }
            }
            let row = lp.row(&terms, Sense::Le, 0.0);
            ix.candidate_capacity.push((f, t, row));
        }
    }
}

/// The model's limits on builds: capital budget (total and per start
/// period, undiscounted) and the number of builds.
fn add_build_limits(lp: &mut LpBuilder, ix: &LpIndex, model: &Model) {
    let s = &model.settings;
    let capex =
        |&(f, _, col): &(FacilityId, PeriodId, Col)| (col, model.facilities[f.0].build_cost);
    if let Some(budget) = s.build_budget {
        let terms: Vec<(Col, f64)> = ix.builds.iter().map(capex).collect();
        lp.row(&terms, Sense::Le, budget);
    }
    if let Some(budget) = s.build_budget_per_period {
        for t in model.period_ids() {
            let terms: Vec<(Col, f64)> = ix.builds.iter().filter(|b| b.1 == t).map(capex).collect();
            if !terms.is_empty() {
                lp.row(&terms, Sense::Le, budget);
            }
        }
    }
    let count: Vec<(Col, f64)> = ix.builds.iter().map(|b| (b.2, 1.0)).collect();
    if let Some(n) = s.min_builds {
        lp.row(&count, Sense::Ge, f64::from(n));
    }
    if let Some(n) = s.max_builds {
        lp.row(&count, Sense::Le, f64::from(n));
    }
}

/// Present value of every facility's fixed costs over the horizon.
pub fn fixed_costs(model: &Model) -> f64 {
    (0..model.facilities.len())
        .map(|f| model.fixed_cost_pv(FacilityId(f)))
        .sum()
}
