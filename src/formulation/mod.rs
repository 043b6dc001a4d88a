//! The model as a linear program (DESIGN §2), organised by policy family.
//!
//! All quantities are tonnes (or activity units) **per year** of a period;
//! the objective weighs each period's annual cost by the sum of its years'
//! discount factors ([`Model::period_weight`]).
//!
//! Each family is one file holding its columns and rows, how its values are
//! read back into the [`Plan`], the check that verifies it on a solved plan
//! and the cost terms it contributes:
//!
//! | family | file | columns | rows | costs |
//! |---|---|---|---|---|
//! | activity and capacity | [`activity`] | activity | (bounds) | production, fixed |
//! | flows and tariffs | [`lanes`] | flow | (bounds) | transport, tariffs |
//! | balances and disposal | [`balances`] | disposal | balance | disposal |
//! | demand curves | [`demand`] | given up, shortage, beyond | market | given up, shortage, beyond |
//! | export controls | [`export_controls`] | | cap | |
//! | origin rules | [`origins`] | flow parts, class activity, downgrades, beyond a preference | class balance, sector market, rule | origin premiums, (disposal) |
//! | contracts | [`contracts`] | offtake shortfall | offtake | credits, offtake penalties |
//! | end-of-life scrap | [`end_of_life`] | | returned scrap | |
//! | swarf | [`swarf`] | | swarf cut | |
//! | builds and budgets | [`builds`] | build | one start, capacity, limits | investment, fixed |
//! | the stochastic program | [`stochastic`] | regret, CVaR | cuts | |
//!
//! Every column and row has a typed key ([`keys`]) with a label in model
//! terms. Everything a scenario may change is a column cost, a column bound
//! or a row right-hand side, so a solved model can be changed and re-solved
//! warm. Facilities' fixed costs do not depend on the plan: they are the
//! [`Formulation::constant`] added to the solver's objective.

pub mod activity;
pub mod balances;
pub mod builds;
pub mod collectors;
pub mod conflict;
pub mod contracts;
pub mod demand;
pub mod end_of_life;
pub mod export_controls;
pub mod keys;
pub mod lanes;
pub mod lp;
pub mod origins;
pub mod stochastic;
pub mod stocks;
pub mod swarf;

pub use builds::{BuildOptions, Builds, SharedBuilds};
pub use export_controls::matching_lanes;
pub use keys::{Block, ColKey, LpKeys, RowKey};

use crate::model::Model;
use crate::network::Network;
use crate::plan::{Checker, Costs, Plan, Verification, VerifyError};
use crate::solver::{Arrays, Col, Problem, Row, Session, SolverError};
use lp::{Lp, LpSize};

/// Where each model quantity lives in the LP, family by family.
#[derive(Debug, Clone, Default)]
pub struct LpIndex {
    /// Activity columns.
    pub activity: activity::ActivityIndex,
    /// Flow columns.
    pub flows: lanes::FlowIndex,
    /// Disposal columns and balance rows.
    pub balances: balances::BalanceIndex,
    /// Shortage columns and market rows.
    pub demand: demand::DemandIndex,
    /// Export-control rows.
    pub caps: export_controls::CapIndex,
    /// Offtake rows and shortfall columns.
    pub contracts: contracts::ContractIndex,
    /// Build decisions and their rows.
    pub builds: builds::BuildIndex,
    /// Origin layers, sector groups and content rules.
    pub origins: origins::OriginIndex,
    /// Stockpiles' columns and carry rows.
    pub stocks: stocks::StockIndex,
    /// End-of-life scrap rows.
    pub end_of_life: collectors::CollectorIndex,
    /// Swarf rows.
    pub swarf: collectors::CollectorIndex,
}

/// The entry of `sorted` whose key is `key` (every index list is built in
/// key order, so a binary search finds it).
fn lookup<T, K: Ord>(sorted: &[T], key: K, key_of: impl Fn(&T) -> K) -> Option<&T> {
    sorted
        .binary_search_by(|e| key_of(e).cmp(&key))
        .ok()
        .map(|i| &sorted[i])
}

impl LpIndex {
    /// The column of `key`, when this LP has it.
    pub fn col(&self, key: ColKey) -> Option<Col> {
        match key {
            ColKey::Activity { facility, period } => self.activity.get(facility, period),
            ColKey::Flow { lane, period } => self.flows.get(lane, period),
            ColKey::Disposal {
                facility,
                commodity,
                period,
            } => lookup(
                &self.balances.disposal,
                (facility, commodity, period),
                |d| (d.facility, d.commodity, d.period),
            )
            .map(|d| d.col),
            ColKey::Shortage { segment } => self.demand.shortage.get(segment).copied(),
            ColKey::OfftakeShortfall { contract, period } => {
                lookup(&self.contracts.offtakes, (contract, period), |o| {
                    (o.contract, o.period)
                })
                .map(|o| o.shortfall)
            }
            ColKey::GiveUp { segment, tier } => self
                .demand
                .given_up
                .get(segment)
                .and_then(|t| t.get(tier))
                .copied(),
            ColKey::Beyond { segment, tier } => self
                .demand
                .beyond
                .get(segment)
                .and_then(|t| t.get(tier))
                .copied(),
            ColKey::Build { candidate, start } => {
                lookup(&self.builds.decisions, (candidate, start), |d| {
                    (d.candidate, d.start)
                })
                .map(|d| d.col)
            }
            ColKey::FlowPart { .. }
            | ColKey::ActivityPart { .. }
            | ColKey::DisposalPart { .. }
            | ColKey::Downgrade { .. }
            | ColKey::RuleBeyond { .. } => self.origins.col(key, &self.flows),
            ColKey::Stock { .. } => self.stocks.col(key),
            ColKey::MaxRegret | ColKey::CvarThreshold | ColKey::CvarExcess { .. } => None,
        }
    }

    /// The row of `key`, when this LP has it.
    pub fn row(&self, key: RowKey) -> Option<Row> {
        match key {
            RowKey::Balance {
                facility,
                commodity,
                period,
            } => lookup(&self.balances.rows, (facility, commodity, period), |b| {
                (b.facility, b.commodity, b.period)
            })
            .map(|b| b.row),
            RowKey::Market {
                country,
                commodity,
                period,
            } => lookup(&self.demand.markets, (country, commodity, period), |m| {
                (m.country, m.commodity, m.period)
            })
            .map(|m| m.row),
            RowKey::ExportCap { control, period } => {
                lookup(&self.caps.rows, (control, period), |c| {
                    (c.control, c.period)
                })
                .map(|c| c.row)
            }
            RowKey::Offtake { contract, period } => {
                lookup(&self.contracts.offtakes, (contract, period), |o| {
                    (o.contract, o.period)
                })
                .map(|o| o.row)
            }
            RowKey::ActivityParts { .. } => self.origins.links.get(&key).copied(),
            RowKey::LaneCapacity { .. } => self.flows.capacity.get(&key).copied(),
            RowKey::ClassBalance {
                facility,
                commodity,
                period,
                class,
            } => (self.origins.balances.iter())
                .find(|b| {
                    (b.facility, b.commodity, b.period, b.class)
                        == (facility, commodity, period, class)
                })
                .map(|b| b.row),
            RowKey::SectorMarket {
                country,
                commodity,
                period,
                segment,
                ..
            } => (self.origins.markets.iter())
                .find(|r| {
                    (r.country, r.commodity, r.period, r.segment)
                        == (country, Some(commodity), period, segment)
                })
                .map(|r| r.row),
            RowKey::OriginRule {
                rule,
                country,
                period,
            } => (self.origins.rules.iter())
                .find(|r| (r.group, r.country, r.period) == (rule, country, period))
                .map(|r| r.row),
            RowKey::EndOfLife { facility, period } => {
                lookup(&self.end_of_life.rows, (facility, period), |r| {
                    (r.facility, r.period)
                })
                .map(|r| r.row)
            }
            RowKey::Swarf { facility, period } => {
                lookup(&self.swarf.rows, (facility, period), |r| {
                    (r.facility, r.period)
                })
                .map(|r| r.row)
            }
            RowKey::CandidateCapacity { candidate, period } => {
                lookup(&self.builds.capacity, (candidate, period), |c| {
                    (c.candidate, c.period)
                })
                .map(|c| c.row)
            }
            _ => self
                .builds
                .rows
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, r)| *r),
        }
    }
}

/// A built LP, ready for the solver.
pub struct Formulation {
    /// The LP as arrays, ready to hand to HiGHS ([`Formulation::problem`]).
    pub arrays: Arrays,
    /// Where each quantity lives.
    pub index: LpIndex,
    /// The key of every column and row.
    pub keys: LpKeys,
    /// Size of the LP.
    pub size: LpSize,
    /// Present value of costs that do not depend on the plan (fixed costs).
    pub constant: f64,
}

impl Formulation {
    /// The LP handed to HiGHS, not yet solved.
    ///
    /// # Errors
    /// [`SolverError`] when HiGHS refuses it (only non-finite numbers can
    /// do that, and the loader refuses those).
    pub fn problem(&self) -> Result<Problem, SolverError> {
        Problem::from_arrays(&self.arrays)
    }
}

/// Builds the LP of `model` over `network`.
pub fn build(model: &Model, network: &Network, opts: &BuildOptions) -> Formulation {
    let periods = model.periods.len();
    let recipe_terms: usize = (model.facilities.iter())
        .map(|f| model.processes[f.process.0].terms.len())
        .sum();
    let columns = periods * (model.facilities.len() + network.lanes().len() + recipe_terms);
    let rows = periods * (recipe_terms + model.facilities.len()) + model.demand.len();
    let mut lp = Lp::with_capacity(columns + model.demand.len(), rows);
    let mut shared = SharedBuilds::default();
    shared.offer(model, opts.builds);
    let index = add_block(&mut lp, model, network, opts, &mut shared);
    let (arrays, keys, size) = lp.finish(|_| 1.0);
    Formulation {
        arrays,
        index,
        keys,
        size,
        constant: activity::fixed_costs(model),
    }
}

/// Adds the whole formulation of one model to `lp`, as its current block:
/// the table of contents of the LP. Build decisions already in `shared` are
/// reused (their costs added again, as this block's), so blocks added one
/// after the other share one build plan.
pub fn add_block(
    lp: &mut Lp,
    model: &Model,
    network: &Network,
    opts: &BuildOptions,
    shared: &mut SharedBuilds,
) -> LpIndex {
    // Columns, each at its cost.
    let activity = activity::add_columns(lp, model);
    let mut builds = builds::add_decisions(lp, model, opts, shared);
    let layout = origins::Layout::of(model, network);
    let flows = lanes::add_columns(lp, model, network, &layout);
    let mut origins = origins::add_columns(lp, layout, model, &activity);
    let mut balances = balances::add_disposal(lp, model, &origins.layout);
    let mut demand = demand::add_shortage(lp, model);
    // Rows.
    balances::add_rows(
        lp,
        &mut balances,
        &activity,
        &flows,
        model,
        network,
        &origins.layout,
    );
    origins::add_balance_rows(lp, &mut origins, model, network, &flows);
    demand::add_market_rows(lp, &mut demand, &flows, model, network, &origins.layout);
    origins::add_market_rows(lp, &mut origins, &demand, model, network, &flows);
    origins::add_rule_rows(lp, &mut origins, model, network, &flows);
    let caps = export_controls::add_rows(lp, &flows, &origins, model, network);
    let contracts = contracts::add(lp, &activity, &flows, model, network);
    let end_of_life = end_of_life::add(lp, &activity, &demand, model);
    let swarf = swarf::add(lp, &activity, model);
    builds::add_capacity_rows(lp, &mut builds, &activity, model);
    builds::add_limits(lp, &mut builds, model);
    let mut ix = LpIndex {
        activity,
        flows,
        balances,
        demand,
        caps,
        contracts,
        builds,
        origins,
        stocks: stocks::StockIndex::default(),
        end_of_life,
        swarf,
    };
    // Stockpiles give to and take from rows made above.
    ix.stocks = stocks::add(lp, model, &ix);
    ix
}

/// Reads a solution back into model terms, family by family, and verifies
/// it against `objective`: the cost the LP gives this plan (the solver's
/// objective plus constants, or one future's share of a stochastic program).
///
/// # Errors
/// The first check the plan fails.
pub fn read_plan(
    model: &Model,
    network: &Network,
    ix: &LpIndex,
    objective: f64,
    s: &Session,
) -> Result<Plan, VerifyError> {
    let mut plan = Plan::empty(s.status.clone(), s.mip_gap, objective);
    builds::read(&ix.builds, model, s, &mut plan);
    activity::read(&ix.activity, model, s, &mut plan);
    builds::read_capacity_values(&ix.builds, model, s, &mut plan);
    lanes::read(&ix.flows, model, network, s, &mut plan);
    balances::read(&ix.balances, model, s, &mut plan);
    demand::read(&ix.demand, model, s, &mut plan);
    origins::read(&ix.origins, &ix.flows, model, network, s, &mut plan);
    export_controls::read(&ix.caps, &ix.origins.layout, model, network, s, &mut plan);
    contracts::read(&ix.contracts, model, network, s, &mut plan);
    stocks::read(&ix.stocks, s, &mut plan);
    swarf::read(&ix.swarf, model, s, &mut plan);
    end_of_life::read(&ix.end_of_life, model, s, &mut plan);
    plan.costs = costs(model, network, &plan);
    plan.verification = verify_at_cost(model, network, &plan, plan.costs.total())?;
    plan.clean();
    Ok(plan)
}

/// Checks a plan against the model itself, not against the LP: every
/// family's rows and bounds hold within [`crate::plan::TOLERANCE`], and the
/// cost recomputed from the plan's quantities equals its objective.
///
/// # Errors
/// The first check that fails, in the model's terms.
pub fn verify(model: &Model, network: &Network, plan: &Plan) -> Result<Verification, VerifyError> {
    verify_at_cost(model, network, plan, costs(model, network, plan).total())
}

/// [`verify`] of a plan whose cost, recomputed from its quantities, is
/// `cost`.
fn verify_at_cost(
    model: &Model,
    network: &Network,
    plan: &Plan,
    cost: f64,
) -> Result<Verification, VerifyError> {
    let mut ck = Checker::default();
    activity::check(model, plan, &mut ck);
    balances::check(model, network, plan, &mut ck);
    lanes::check(model, network, plan, &mut ck);
    demand::check(model, network, plan, &mut ck);
    // Rules and caps read the plan's layers through one view.
    let layout = origins::Layout::of(model, network);
    let view = origins::PartsView::new(&layout, network, plan);
    origins::check(model, &view, &mut ck);
    export_controls::check(model, &view, &mut ck);
    contracts::check(model, network, plan, &mut ck);
    end_of_life::check(model, plan, &mut ck);
    swarf::check(model, plan, &mut ck);
    builds::check(model, plan, &mut ck);
    stocks::check(model, plan, &mut ck);
    ck.finish(cost, plan.objective)
}

/// Present-value costs by kind, from the plan's quantities and the model's
/// data (not from the LP's objective coefficients).
pub fn costs(model: &Model, network: &Network, plan: &Plan) -> Costs {
    let mut k = Costs::default();
    activity::cost(model, plan, &mut k);
    lanes::cost(model, network, plan, &mut k);
    balances::cost(model, plan, &mut k);
    demand::cost(model, plan, &mut k);
    contracts::cost(model, plan, &mut k);
    origins::cost(model, plan, &mut k);
    builds::cost(model, plan, &mut k);
    stocks::cost(model, plan, &mut k);
    k
}
