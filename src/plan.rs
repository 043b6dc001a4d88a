//! The solved plan in model terms, and its verification.
//!
//! [`Plan::extract`] reads the solver's columns and duals back into
//! facilities, lanes and demand segments. [`verify`] then checks the plan
//! against the model itself — not against the LP — before anything is
//! reported: every balance, capacity, lane limit and export cap holds within
//! [`TOLERANCE`] (relative), and the objective recomputed from the plan's
//! quantities equals the solver's. A plan that fails is an error.

use serde::Serialize;

use crate::formulation::{matching_lanes, LpIndex};
use crate::model::{CommodityId, Endpoint, FacilityId, Model, PeriodId};
use crate::network::{LaneId, Network};
use crate::solve::{Session, SolveStatus};

/// Relative tolerance of every check.
pub const TOLERANCE: f64 = 1e-6;

/// Values below this (in absolute terms) are printed as 0.
const ZERO: f64 = 1e-9;

/// Present-value cost of the plan by kind.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Costs {
    /// Variable costs of facilities' activity.
    pub production: f64,
    /// Fixed costs of available facilities.
    pub fixed: f64,
    /// Transport on lanes.
    pub transport: f64,
    /// Tariffs paid on border crossings.
    pub tariffs: f64,
    /// Disposal of surplus joint products.
    pub disposal: f64,
    /// Penalties for unserved demand.
    pub shortage: f64,
    /// Capital cost of the candidates built, discounted from their start years.
    pub investment: f64,
}

impl Costs {
    /// Sum of all kinds.
    pub fn total(&self) -> f64 {
        self.production
            + self.fixed
            + self.transport
            + self.tariffs
            + self.disposal
            + self.shortage
            + self.investment
    }
}

/// Use and shadow price of an export cap in one period.
#[derive(Debug, Clone, Serialize)]
pub struct CapUse {
    /// Index into `model.export_controls`.
    #[serde(skip)]
    pub control: usize,
    /// Period.
    #[serde(skip)]
    pub period: PeriodId,
    /// Tonnes per year shipped under the cap.
    pub used: f64,
    /// The cap.
    pub cap: f64,
    /// Cost saved by one more tonne of quota, $/t (money of the period).
    pub shadow_price: f64,
}

/// The outcome of the check of a plan against its model.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Verification {
    /// Balances, bounds and caps checked.
    pub checks: usize,
    /// Largest absolute residual of any check.
    pub max_residual: f64,
    /// Largest residual relative to the size of the terms it balances.
    pub max_relative_residual: f64,
    /// |recomputed cost − solver objective| / max(1, |objective|).
    pub objective_gap: f64,
}

/// A solved plan in model terms. Quantities are per year of each period;
/// money is present value unless a field says otherwise.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Solver status.
    pub status: SolveStatus,
    /// MIP gap, when the model has integers.
    pub mip_gap: Option<f64>,
    /// Solver objective plus the formulation's constant (present value).
    pub objective: f64,
    /// Activity of facility f in period t.
    pub activity: Vec<Vec<f64>>,
    /// Usable capacity of facility f in period t.
    pub capacity: Vec<Vec<f64>>,
    /// Saving from one more unit of usable capacity, $ per unit per year of
    /// the period (money of the period); 0 when capacity is not binding.
    pub capacity_value: Vec<Vec<f64>>,
    /// Flow on lane l in period t.
    pub flows: Vec<Vec<f64>>,
    /// Disposal (facility, commodity, period, tonnes).
    pub disposal: Vec<(FacilityId, CommodityId, PeriodId, f64)>,
    /// Unserved tonnes of each demand segment.
    pub shortage: Vec<f64>,
    /// Marginal cost of a commodity at a place and period, $/t (money of the period).
    pub prices: Vec<(Endpoint, CommodityId, PeriodId, f64)>,
    /// Use of each export cap in each period it applies to.
    pub caps: Vec<CapUse>,
    /// Build decisions: (candidate, start period, value: 1 when built, a
    /// share when relaxed, 0 when not).
    pub builds: Vec<(FacilityId, PeriodId, f64)>,
    /// Cost by kind, recomputed from the quantities.
    pub costs: Costs,
    /// The check against the model.
    pub verification: Verification,
}

impl Plan {
    /// Reads the session's solution back into model terms and verifies it
    /// against `objective`, the cost the LP gives this plan (the solver's
    /// objective plus constants, or one scenario's share of a stochastic
    /// program).
    ///
    /// # Errors
    /// A description of the first failed check.
    pub fn extract(
        model: &Model,
        network: &Network,
        ix: &LpIndex,
        objective: f64,
        s: &Session,
    ) -> Result<Plan, String> {
        let val = |c: crate::formulation::lp::Col| s.columns[c.0];
        let w = |t: PeriodId| model.period_weight(t);
        let activity: Vec<Vec<f64>> = ix
            .activity
            .iter()
            .map(|cs| cs.iter().map(|&c| val(c)).collect())
            .collect();
        let builds: Vec<(FacilityId, PeriodId, f64)> = ix
            .builds
            .iter()
            .map(|&(f, t, col)| (f, t, val(col)))
            .collect();
        let capacity = capacities(model, &builds);
        let mut capacity_value: Vec<Vec<f64>> = ix
            .activity
            .iter()
            .map(|cs| {
                cs.iter()
                    .enumerate()
                    .map(|(t, &c)| (-s.column_duals[c.0] / w(PeriodId(t))).max(0.0))
                    .collect()
            })
            .collect();
        // A candidate's capacity is a row, not a bound: its dual values one
        // more unit of capacity, whether the candidate was built or not.
        for &(f, t, r) in &ix.candidate_capacity {
            capacity_value[f.0][t.0] = (-s.row_duals[r.0] / w(t)).max(0.0);
        }
        let flows = ix
            .flow
            .iter()
            .map(|cs| cs.iter().map(|&c| val(c)).collect())
            .collect();
        let disposal = ix
            .disposal
            .iter()
            .map(|&(f, c, t, col)| (f, c, t, val(col)))
            .collect();
        let shortage = ix.shortage.iter().map(|&c| val(c)).collect();
        let mut prices: Vec<(Endpoint, CommodityId, PeriodId, f64)> = ix
            .balance
            .iter()
            .map(|&(f, c, t, r)| (Endpoint::Facility(f), c, t, s.row_duals[r.0] / w(t)))
            .collect();
        prices.extend(
            ix.market.iter().map(|&(country, c, t, r)| {
                (Endpoint::Market(country), c, t, s.row_duals[r.0] / w(t))
            }),
        );
        let caps = ix
            .caps
            .iter()
            .map(|&(k, t, r)| CapUse {
                control: k,
                period: t,
                used: ix.cap_lanes[k]
                    .iter()
                    .map(|l| s.columns[ix.flow[l.0][t.0].0])
                    .sum(),
                cap: model.export_controls[k].cap,
                shadow_price: (-s.row_duals[r.0] / w(t)).max(0.0),
            })
            .collect();
        let mut plan = Plan {
            status: s.status.clone(),
            mip_gap: s.mip_gap,
            objective,
            activity,
            capacity,
            capacity_value,
            flows,
            disposal,
            shortage,
            prices,
            caps,
            builds,
            costs: Costs::default(),
            verification: Verification::default(),
        };
        plan.costs = costs(model, network, &plan);
        plan.verification = verify(model, network, &plan)?;
        plan.clean();
        Ok(plan)
    }

    /// Rounds solver noise (|v| < 1e-9, and -0) to 0 so outputs are stable.
    fn clean(&mut self) {
        let c = |v: &mut f64| {
            if v.abs() < ZERO {
                *v = 0.0;
            }
        };
        for row in self
            .activity
            .iter_mut()
            .chain(&mut self.flows)
            .chain(&mut self.capacity_value)
        {
            row.iter_mut().for_each(c);
        }
        self.disposal.iter_mut().for_each(|d| c(&mut d.3));
        self.builds.iter_mut().for_each(|b| c(&mut b.2));
        self.shortage.iter_mut().for_each(c);
        self.prices.iter_mut().for_each(|p| c(&mut p.3));
        for cap in &mut self.caps {
            c(&mut cap.used);
            c(&mut cap.shadow_price);
        }
    }

    /// Unserved tonnes over the whole horizon (per-year shortage × years).
    pub fn shortage_tonnes(&self, model: &Model) -> f64 {
        model
            .demand
            .iter()
            .zip(&self.shortage)
            .map(|(seg, s)| s * f64::from(model.periods[seg.period.0].years))
            .sum()
    }

    /// Tonnes of demand segment `d` that were delivered.
    pub fn served(&self, model: &Model, d: usize) -> f64 {
        model.demand[d].tonnes - self.shortage[d]
    }
}

/// Present-value costs by kind, from the plan's quantities and the model's
/// data (not from the LP's objective coefficients).
pub fn costs(model: &Model, network: &Network, plan: &Plan) -> Costs {
    let mut k = Costs::default();
    for t in model.period_ids() {
        let w = model.period_weight(t);
        for (f, fac) in model.facilities.iter().enumerate() {
            k.production += w * fac.variable_cost * plan.activity[f][t.0];
        }
        for (l, lane) in network.lanes().iter().enumerate() {
            let q = plan.flows[l][t.0];
            k.transport += w * lane.transport_cost * q;
            let exporter = model.facilities[lane.from.0].country;
            let importer = model.endpoint_country(lane.to);
            k.tariffs += w * model.tariff_per_tonne(exporter, importer, lane.commodity, t) * q;
        }
    }
    for &(_, c, t, q) in &plan.disposal {
        k.disposal += model.period_weight(t) * model.commodities[c.0].disposal_cost * q;
    }
    for (d, seg) in model.demand.iter().enumerate() {
        k.shortage += model.period_weight(seg.period) * seg.shortage_penalty * plan.shortage[d];
    }
    k.fixed = (0..model.facilities.len())
        .map(|f| model.fixed_cost_pv(FacilityId(f)))
        .sum();
    for &(f, t, y) in &plan.builds {
        let capex =
            model.facilities[f.0].build_cost * model.discount_factor(model.periods[t.0].start);
        k.investment += y * capex;
        k.fixed += y * (model.build_cost_pv(f, t) - capex);
    }
    k
}

/// Usable capacity of every facility in every period: capacity ×
/// availability for existing sites; for candidates, capacity × availability
/// after each start, weighted by the build decision.
pub fn capacities(model: &Model, builds: &[(FacilityId, PeriodId, f64)]) -> Vec<Vec<f64>> {
    let mut cap: Vec<Vec<f64>> = model
        .facilities
        .iter()
        .map(|fac| {
            model
                .periods
                .iter()
                .map(|p| fac.capacity * fac.availability(p))
                .collect()
        })
        .collect();
    for &(f, start, y) in builds {
        for t in model.period_ids() {
            cap[f.0][t.0] +=
                y * model.facilities[f.0].capacity * model.availability_if_started(f, start, t);
        }
    }
    cap
}

struct Checker {
    v: Verification,
    first_failure: Option<String>,
}

impl Checker {
    /// Records `residual` against the size `scale` of the terms it balances.
    fn check(&mut self, residual: f64, scale: f64, what: impl FnOnce() -> String) {
        let rel = residual.abs() / scale.max(1.0);
        self.v.checks += 1;
        self.v.max_residual = self.v.max_residual.max(residual.abs());
        self.v.max_relative_residual = self.v.max_relative_residual.max(rel);
        if (rel.is_nan() || rel > TOLERANCE) && self.first_failure.is_none() {
            self.first_failure = Some(format!("{} (residual {residual:e})", what()));
        }
    }

    /// `value` must lie in [lower, upper] (upper none: unbounded).
    fn bounds(&mut self, value: f64, lower: f64, upper: Option<f64>, what: impl Fn() -> String) {
        self.check(
            (lower - value).max(0.0),
            lower.abs().max(value.abs()),
            || format!("{} below its lower bound", what()),
        );
        if let Some(u) = upper {
            self.check((value - u).max(0.0), u.abs().max(value.abs()), || {
                format!("{} above its limit {u}", what())
            });
        }
    }
}

/// Build decisions lie in [0, 1], each candidate starts at most once, and the
/// model's budget and number of builds hold.
fn check_builds(model: &Model, plan: &Plan, ck: &mut Checker) {
    let name = |f: FacilityId| model.facilities[f.0].id.clone();
    for &(f, t, y) in &plan.builds {
        ck.bounds(y, 0.0, Some(1.0), || {
            format!("build of {} in {}", name(f), model.periods[t.0].label)
        });
    }
    let mut starts: std::collections::BTreeMap<FacilityId, f64> = Default::default();
    for &(f, _, y) in &plan.builds {
        *starts.entry(f).or_default() += y;
    }
    for (&f, &n) in &starts {
        ck.bounds(n, 0.0, Some(1.0), || format!("starts of {}", name(f)));
    }
    let s = &model.settings;
    let capex = |b: &&(FacilityId, PeriodId, f64)| b.2 * model.facilities[b.0 .0].build_cost;
    if let Some(budget) = s.build_budget {
        let spent: f64 = plan.builds.iter().map(|b| capex(&b)).sum();
        ck.bounds(spent, 0.0, Some(budget), || {
            "capital spent on builds".to_string()
        });
    }
    if let Some(budget) = s.build_budget_per_period {
        for t in model.period_ids() {
            let spent: f64 = plan
                .builds
                .iter()
                .filter(|b| b.1 == t)
                .map(|b| capex(&b))
                .sum();
            ck.bounds(spent, 0.0, Some(budget), || {
                format!(
                    "capital spent on builds starting in {}",
                    model.periods[t.0].label
                )
            });
        }
    }
    let count: f64 = plan.builds.iter().map(|b| b.2).sum();
    let lo = s.min_builds.map_or(0.0, f64::from);
    ck.bounds(count, lo, s.max_builds.map(f64::from), || {
        "number of builds".to_string()
    });
}

/// Checks the plan against the model: balances, bounds, caps, objective.
///
/// # Errors
/// The first check that fails, in the model's terms.
pub fn verify(model: &Model, network: &Network, plan: &Plan) -> Result<Verification, String> {
    let mut ck = Checker {
        v: Verification::default(),
        first_failure: None,
    };
    let lane_name = |l: usize| {
        let lane = &network.lanes()[l];
        format!(
            "lane {} -> {} ({})",
            model.facilities[lane.from.0].id,
            model.endpoint_name(lane.to),
            model.commodities[lane.commodity.0].id
        )
    };
    let disposal: std::collections::BTreeMap<_, f64> = plan
        .disposal
        .iter()
        .map(|&(f, c, t, q)| ((f, c, t), q))
        .collect();
    for (f, fac) in model.facilities.iter().enumerate() {
        let fid = FacilityId(f);
        for t in model.period_ids() {
            let x = plan.activity[f][t.0];
            let label = &model.periods[t.0].label;
            ck.bounds(x, 0.0, Some(plan.capacity[f][t.0]), || {
                format!("activity of {} in {label}", fac.id)
            });
            for &(c, coef) in &model.processes[fac.process.0].terms {
                let sum = |ls: &[LaneId]| -> f64 { ls.iter().map(|l| plan.flows[l.0][t.0]).sum() };
                let out = sum(network.lanes_out_of(fid, c));
                let inn = sum(network.lanes_into(fid, c));
                let disp = disposal.get(&(fid, c, t)).copied().unwrap_or(0.0);
                let made = coef * x;
                ck.check(
                    out + disp - inn - made,
                    out.abs() + disp.abs() + inn.abs() + made.abs(),
                    || {
                        format!(
                            "balance of {} at {} in {label}",
                            model.commodities[c.0].id, fac.id
                        )
                    },
                );
            }
        }
    }
    for &(f, c, t, q) in &plan.disposal {
        ck.bounds(q, 0.0, None, || {
            format!(
                "disposal of {} at {} in {}",
                model.commodities[c.0].id, model.facilities[f.0].id, model.periods[t.0].label
            )
        });
    }
    for (l, lane) in network.lanes().iter().enumerate() {
        for t in model.period_ids() {
            ck.bounds(plan.flows[l][t.0], 0.0, lane.capacity, || {
                format!("{} in {}", lane_name(l), model.periods[t.0].label)
            });
        }
    }
    for (d, seg) in model.demand.iter().enumerate() {
        ck.bounds(plan.shortage[d], 0.0, Some(seg.tonnes), || {
            format!("shortage of demand.csv line {}", seg.line)
        });
    }
    let by_market = model.demand_by_market();
    for (country, c) in Network::markets(model) {
        for t in model.period_ids() {
            let segments = by_market
                .get(&(country, c, t))
                .map_or(&[][..], Vec::as_slice);
            let delivered: f64 = network
                .lanes_to_market(country, c)
                .iter()
                .map(|l| plan.flows[l.0][t.0])
                .sum();
            let tonnes: f64 = segments.iter().map(|&d| model.demand[d].tonnes).sum();
            let short: f64 = segments.iter().map(|&d| plan.shortage[d]).sum();
            ck.check(
                delivered + short - tonnes,
                delivered + short + tonnes,
                || {
                    format!(
                        "market for {} in {} in {}",
                        model.commodities[c.0].id,
                        model.countries[country.0].code,
                        model.periods[t.0].label
                    )
                },
            );
        }
    }
    for (k, ec) in model.export_controls.iter().enumerate() {
        let lanes = matching_lanes(model, network, ec);
        for t in model.period_ids().filter(|&t| ec.periods.contains(t)) {
            let used: f64 = lanes.iter().map(|l| plan.flows[l.0][t.0]).sum();
            ck.bounds(used, 0.0, Some(ec.cap), || {
                format!(
                    "export control {} in {}",
                    model.export_controls[k].id, model.periods[t.0].label
                )
            });
        }
    }
    check_builds(model, plan, &mut ck);
    let recomputed = costs(model, network, plan).total();
    ck.v.objective_gap = (recomputed - plan.objective).abs() / plan.objective.abs().max(1.0);
    if (ck.v.objective_gap.is_nan() || ck.v.objective_gap > TOLERANCE) && ck.first_failure.is_none()
    {
        ck.first_failure = Some(format!(
            "cost recomputed from the plan ({recomputed}) differs from the solver's objective ({})",
            plan.objective
        ));
    }
    match ck.first_failure {
        Some(f) => Err(f),
        None => Ok(ck.v),
    }
}
