//! The solved plan in model terms: plain data, read back from the solver by
//! the formulation's families ([`crate::formulation::read_plan`]) and
//! checked by them against the model ([`crate::formulation::verify`]).
//!
//! This module holds the data and the [`Checker`] that records residuals;
//! what each policy checks and costs lives beside the policy, in
//! [`crate::formulation`].

use serde::Serialize;

use crate::model::{CommodityId, Endpoint, FacilityId, Model, PeriodId};
use crate::solver::SolveStatus;

/// Relative tolerance of every check.
pub const TOLERANCE: f64 = 1e-6;

/// Values below this (in absolute terms) are printed as 0.
const ZERO: f64 = 1e-9;

/// Present-value cost of the plan by kind.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq)]
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
    /// The value buyers placed on the demand they gave up (priced out).
    pub given_up: f64,
    /// Penalties for unserved demand.
    pub shortage: f64,
    /// Minus the value buyers placed on the tonnes they took beyond their
    /// reference demand as prices fell below the reference (a credit).
    pub beyond: f64,
    /// Minus what contracts' credits paid producers (production credits,
    /// price floors paid per tonne).
    pub credits: f64,
    /// Penalties for offtakes not run.
    pub offtake_penalties: f64,
    /// What buyers with an origin preference (a content rule with a
    /// premium) gave up by taking tainted material beyond its share.
    #[serde(default)]
    pub origin: f64,
    /// Capital cost of the candidates built, discounted from their start years.
    pub investment: f64,
    /// Holding stockpiles.
    pub holding: f64,
    /// Minus the value of what is left in stock at the end of the last
    /// period (a credit).
    #[serde(default)]
    pub stock_left: f64,
}

impl Costs {
    /// Each kind: its key (the field's name, as in JSON and `sweep.csv`),
    /// the words reports name it by, and its value, in the order reports
    /// list them.
    pub fn kinds(&self) -> [(&'static str, &'static str, f64); 14] {
        [
            ("production", "production", self.production),
            ("fixed", "fixed", self.fixed),
            ("transport", "transport", self.transport),
            ("tariffs", "tariffs", self.tariffs),
            ("disposal", "disposal", self.disposal),
            ("given_up", "value of demand given up", self.given_up),
            ("shortage", "shortage penalty", self.shortage),
            (
                "beyond",
                "value of demand beyond the reference",
                self.beyond,
            ),
            ("credits", "credits paid by contracts", self.credits),
            (
                "offtake_penalties",
                "offtake penalties",
                self.offtake_penalties,
            ),
            ("origin", "origin premiums forgone", self.origin),
            ("investment", "investment", self.investment),
            ("holding", "holding stockpiles", self.holding),
            (
                "stock_left",
                "value of stock left at the end",
                self.stock_left,
            ),
        ]
    }

    /// Each kind with the words reports name it by, in the order reports
    /// list them.
    pub fn by_kind(&self) -> [(&'static str, f64); 14] {
        self.kinds().map(|(_, words, v)| (words, v))
    }

    /// Sum of all kinds.
    pub fn total(&self) -> f64 {
        self.production
            + self.fixed
            + self.transport
            + self.tariffs
            + self.disposal
            + self.given_up
            + self.shortage
            + self.beyond
            + self.credits
            + self.offtake_penalties
            + self.origin
            + self.investment
            + self.holding
            + self.stock_left
    }
}

/// An offtake in one period: what it required and what was not run.
#[derive(Debug, Clone, Serialize)]
pub struct ContractUse {
    /// Index into `model.contracts`.
    #[serde(skip)]
    pub contract: usize,
    /// Period.
    #[serde(skip)]
    pub period: PeriodId,
    /// Activity required, units per year.
    pub required: f64,
    /// Activity required but not run, units per year.
    pub shortfall: f64,
    /// What the offtake pays its facility per unit of activity (with a
    /// buyer, per unit delivered to it) beyond what the facility's capacity
    /// is worth: the part of the offtake row's dual the capacity does not
    /// take, $ per unit in the period's money (0 when the facility would
    /// run, or deliver, as much without the offtake).
    pub support: f64,
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

/// Surplus of an output disposed of at a facility.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Disposal {
    /// Where.
    pub facility: FacilityId,
    /// What.
    pub commodity: CommodityId,
    /// When.
    pub period: PeriodId,
    /// Tonnes per year.
    pub tonnes: f64,
}

/// The marginal cost of a commodity at a place and period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Price {
    /// A facility that uses or makes the commodity, or a country's market.
    pub place: Endpoint,
    /// What.
    pub commodity: CommodityId,
    /// When.
    pub period: PeriodId,
    /// $/t, money of the period.
    pub value: f64,
}

/// Tonnes per year of one part of a lane that is split by origin class
/// and, into a market, by the sector group it delivers to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlowPart {
    /// The lane.
    pub lane: crate::network::LaneId,
    /// When.
    pub period: PeriodId,
    /// The market's sector group (0 into a facility).
    pub group: u8,
    /// The origin class: one bit per signature it carries.
    pub class: u8,
    /// Tonnes per year.
    pub tonnes: f64,
}

/// One origin class of a quantity at a facility: activity (units per
/// year), disposal or a downgrade (tonnes per year).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassPart {
    /// Where.
    pub facility: FacilityId,
    /// What (the process's first output for activity).
    pub commodity: CommodityId,
    /// When.
    pub period: PeriodId,
    /// The class (for a downgrade: the class it leaves).
    pub class: u8,
    /// For a downgrade, the class it joins; otherwise `class`.
    pub to: u8,
    /// Units or tonnes per year.
    pub value: f64,
}

/// An origin rule in one country and period: the tainted tonnes its
/// covered demand took, out of how many, and what the rule costs.
#[derive(Debug, Clone, Serialize)]
pub struct RuleUse {
    /// Index into the layout's rules.
    #[serde(skip)]
    pub rule: usize,
    /// The demand country.
    #[serde(skip)]
    pub country: crate::model::CountryId,
    /// When.
    #[serde(skip)]
    pub period: PeriodId,
    /// Tainted tonnes per year received.
    pub tainted: f64,
    /// All tonnes per year received.
    pub received: f64,
    /// Tainted tonnes per year taken beyond the rule's share, at its
    /// premium (a rule with a premium; 0 otherwise).
    pub beyond: f64,
    /// Cost saved if one more tainted tonne were allowed, $/t (money of the
    /// period).
    pub shadow_price: f64,
}

/// Origin layers and deliveries by sector of a solved plan.
#[derive(Debug, Clone, Default)]
pub struct Layers {
    /// Every part of every split lane.
    pub flows: Vec<FlowPart>,
    /// Activity by class of every facility that runs in several classes.
    pub activity: Vec<ClassPart>,
    /// Disposal by class at those facilities.
    pub disposal: Vec<ClassPart>,
    /// Material (inputs and outputs) counted in a more tainted class at
    /// those facilities (clean material may always be used as tainted).
    pub downgrades: Vec<ClassPart>,
    /// The price each demand segment of a market split by sector pays, $/t.
    pub segment_prices: std::collections::BTreeMap<usize, f64>,
    /// Each content rule in each country and period it applies to.
    pub rules: Vec<RuleUse>,
    /// Per demand segment under an origin preference, $/t its buyers pay in
    /// money below its price: the price holds the origin they gave up.
    pub origin_discounts: std::collections::BTreeMap<usize, f64>,
}

/// A stockpile in one period.
#[derive(Debug, Clone, Serialize)]
pub struct StockUse {
    /// Index into `model.stockpiles`.
    #[serde(skip)]
    pub stockpile: usize,
    /// Period.
    #[serde(skip)]
    pub period: PeriodId,
    /// Tonnes in stock at the end of the period.
    pub level: f64,
    /// Tonnes per year put in.
    pub build: f64,
    /// Tonnes per year taken out.
    pub release: f64,
    /// What one more tonne in stock at the start of the period is worth,
    /// $ in base-year money (the dual of its carry-over).
    pub value_pv: f64,
}

/// What one more tonne of scrap would be worth to a collector in one
/// period: the dual of its swarf row (each maker earns it on the swarf it
/// cuts) or of its end-of-life row, $ per t in the period's money (0 when
/// the row does not bind).
#[derive(Debug, Clone, Copy)]
pub struct CollectorValue {
    /// The collector.
    pub facility: FacilityId,
    /// Period.
    pub period: PeriodId,
    /// $ per t of scrap.
    pub value: f64,
}

/// A build decision.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Build {
    /// The candidate.
    pub candidate: FacilityId,
    /// The period it starts operating in.
    pub start: PeriodId,
    /// 1 when built, 0 when not, a share when relaxed.
    pub share: f64,
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

/// A plan that failed its check against the model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{what}")]
pub struct VerifyError {
    /// The first failed check, in the model's terms, with its residual.
    pub what: String,
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
    /// Activity of facility f in period t: `activity[f][t]`.
    pub activity: Vec<Vec<f64>>,
    /// Usable capacity of facility f in period t.
    pub capacity: Vec<Vec<f64>>,
    /// Saving from one more unit of usable capacity, $ per unit per year of
    /// the period (money of the period); 0 when capacity is not binding.
    pub capacity_value: Vec<Vec<f64>>,
    /// Flow on lane l in period t: `flows[l][t]`.
    pub flows: Vec<Vec<f64>>,
    /// Disposal at each facility of each output in each period.
    pub disposal: Vec<Disposal>,
    /// Unserved tonnes of each demand segment's critical remainder.
    pub shortage: Vec<f64>,
    /// Tonnes given up (priced out) in each tier of each demand segment's
    /// curve: `given_up[d][k]`.
    pub given_up: Vec<Vec<f64>>,
    /// Tonnes taken beyond each demand segment's reference quantity in each
    /// step of its curve below the reference price: `beyond[d][k]`.
    pub beyond: Vec<Vec<f64>>,
    /// Marginal cost of each commodity at each place and period.
    pub prices: Vec<Price>,
    /// Use of each export cap in each period it applies to.
    pub caps: Vec<CapUse>,
    /// Each offtake in each period it is in force.
    pub contracts: Vec<ContractUse>,
    /// Build decisions, one per candidate and start period offered.
    pub builds: Vec<Build>,
    /// Each stockpile in each period, by (stockpile, period).
    pub stocks: Vec<StockUse>,
    /// What swarf is worth to each collector of `swarf.csv` in each period,
    /// by (collector, period).
    pub swarf: Vec<CollectorValue>,
    /// What returning scrap is worth to each collector of `end_of_life.csv`
    /// in each period, by (collector, period).
    pub end_of_life: Vec<CollectorValue>,
    /// Origin layers and deliveries by sector, where the model's rules need
    /// them (empty otherwise).
    pub layers: Layers,
    /// Cost by kind, recomputed from the quantities.
    pub costs: Costs,
    /// The check against the model.
    pub verification: Verification,
}

impl Plan {
    /// A plan with nothing in it yet, for the families to fill in.
    pub fn empty(status: SolveStatus, mip_gap: Option<f64>, objective: f64) -> Plan {
        Plan {
            status,
            mip_gap,
            objective,
            activity: Vec::new(),
            capacity: Vec::new(),
            capacity_value: Vec::new(),
            flows: Vec::new(),
            disposal: Vec::new(),
            shortage: Vec::new(),
            given_up: Vec::new(),
            beyond: Vec::new(),
            prices: Vec::new(),
            caps: Vec::new(),
            contracts: Vec::new(),
            builds: Vec::new(),
            stocks: Vec::new(),
            swarf: Vec::new(),
            end_of_life: Vec::new(),
            layers: Layers::default(),
            costs: Costs::default(),
            verification: Verification::default(),
        }
    }

    /// Rounds solver noise (|v| < 1e-9, and -0) to 0 so outputs are stable.
    pub fn clean(&mut self) {
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
        self.disposal.iter_mut().for_each(|d| c(&mut d.tonnes));
        self.builds.iter_mut().for_each(|b| c(&mut b.share));
        self.shortage.iter_mut().for_each(c);
        self.given_up.iter_mut().flatten().for_each(c);
        self.beyond.iter_mut().flatten().for_each(c);
        self.prices.iter_mut().for_each(|p| c(&mut p.value));
        for u in &mut self.contracts {
            c(&mut u.shortfall);
            c(&mut u.support);
        }
        for cap in &mut self.caps {
            c(&mut cap.used);
            c(&mut cap.shadow_price);
        }
        (self.swarf.iter_mut().chain(&mut self.end_of_life)).for_each(|v| c(&mut v.value));
        for u in &mut self.stocks {
            [&mut u.level, &mut u.build, &mut u.release, &mut u.value_pv]
                .into_iter()
                .for_each(c);
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

    /// Tonnes given up over the whole horizon (per-year tonnes × years).
    pub fn given_up_tonnes(&self, model: &Model) -> f64 {
        model
            .demand
            .iter()
            .enumerate()
            .map(|(d, seg)| self.given_up(d) * f64::from(model.periods[seg.period.0].years))
            .sum()
    }

    /// Tonnes per year of demand segment `d` given up, over its tiers.
    pub fn given_up(&self, d: usize) -> f64 {
        self.given_up
            .get(d)
            .map_or(0.0, |t| t.iter().fold(0.0, |a, b| a + b))
    }

    /// Tonnes per year of demand segment `d` not delivered: given up or
    /// unserved.
    pub fn not_served(&self, d: usize) -> f64 {
        self.shortage[d] + self.given_up(d)
    }

    /// Tonnes per year of demand segment `d` taken beyond its reference
    /// quantity.
    pub fn beyond(&self, d: usize) -> f64 {
        self.beyond
            .get(d)
            .map_or(0.0, |t| t.iter().fold(0.0, |a, b| a + b))
    }

    /// Tonnes of demand segment `d` that were delivered.
    pub fn served(&self, model: &Model, d: usize) -> f64 {
        model.demand[d].tonnes - self.not_served(d) + self.beyond(d)
    }

    /// The builds taken (share > 0).
    pub fn built(&self) -> impl Iterator<Item = &Build> {
        self.builds.iter().filter(|b| b.share > 0.0)
    }
}

/// Records the residual of every check of a plan, and the first failure.
#[derive(Debug, Default)]
pub struct Checker {
    v: Verification,
    first_failure: Option<String>,
}

impl Checker {
    /// Records `residual` against the size `scale` of the terms it balances.
    pub fn check(&mut self, residual: f64, scale: f64, what: impl FnOnce() -> String) {
        let rel = residual.abs() / scale.max(1.0);
        self.v.checks += 1;
        self.v.max_residual = self.v.max_residual.max(residual.abs());
        self.v.max_relative_residual = self.v.max_relative_residual.max(rel);
        if (rel.is_nan() || rel > TOLERANCE) && self.first_failure.is_none() {
            self.first_failure = Some(format!("{} (residual {residual:e})", what()));
        }
    }

    /// `value` must lie in [lower, upper] (upper none: unbounded).
    pub fn bounds(
        &mut self,
        value: f64,
        lower: f64,
        upper: Option<f64>,
        what: impl Fn() -> String,
    ) {
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

    /// Compares the cost recomputed from the plan with the objective the
    /// solver reported, and ends the check.
    ///
    /// # Errors
    /// The first check that failed.
    pub fn finish(mut self, recomputed: f64, objective: f64) -> Result<Verification, VerifyError> {
        self.v.objective_gap = (recomputed - objective).abs() / objective.abs().max(1.0);
        if (self.v.objective_gap.is_nan() || self.v.objective_gap > TOLERANCE)
            && self.first_failure.is_none()
        {
            self.first_failure = Some(format!(
                "cost recomputed from the plan ({recomputed}) differs from the solver's objective ({objective})"
            ));
        }
        match self.first_failure {
            Some(what) => Err(VerifyError { what }),
            None => Ok(self.v),
        }
    }
}
