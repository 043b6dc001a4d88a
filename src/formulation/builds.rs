//! Builds and budgets: a decision per candidate and period it may start in
//! (binary, or a share when relaxed), at most one start per candidate
//! (exactly one when a portfolio forces it), the capacity a start gives in
//! each later period, the model's capital budgets and build counts, and the
//! capital and fixed costs of what is built.
//!
//! Several blocks of one LP (the futures of a stochastic program) share one
//! build plan: decisions are keyed by candidate id and start label
//! ([`SharedBuilds`]), never by row position, so futures whose scenarios
//! add or remove rows still share the same decisions.

use std::collections::BTreeMap;

use super::activity::ActivityIndex;
use super::keys::{ColKey, RowKey};
use super::lp::{Lp, Sense};
use crate::model::{FacilityId, Model, PeriodId, Portfolio, PortfolioMode, Status};
use crate::plan::{Build, Checker, Costs, Plan};
use crate::solver::{Col, Row, Session};

/// Which candidates a plan may build.
#[derive(Debug, Clone, Copy)]
pub enum Builds<'a> {
    /// Any candidate (the default).
    All,
    /// None; the model's build limits do not apply.
    None,
    /// The members of a portfolio: forced ones must be built, allowed ones may.
    Portfolio(&'a Portfolio),
}

impl Builds<'_> {
    /// How candidate `f` is treated; `None` when it may not be built.
    pub fn mode(&self, f: FacilityId) -> Option<PortfolioMode> {
        match self {
            Builds::All => Some(PortfolioMode::Allow),
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

/// The build decisions of one LP, shared by all its blocks, keyed by
/// candidate id and start label.
#[derive(Debug, Clone, Default)]
pub struct SharedBuilds {
    /// Candidate id → how it is treated, and the start labels some block
    /// offers it, in period order.
    offered: BTreeMap<String, (PortfolioMode, Vec<String>)>,
    /// (candidate id, start label) → decision column.
    columns: BTreeMap<(String, String), Col>,
}

impl SharedBuilds {
    /// Records the candidates `model` lets the plan build and their starts.
    /// A candidate forced in any block is forced.
    pub fn offer(&mut self, model: &Model, builds: Builds) {
        for (f, fac) in model.facilities.iter().enumerate() {
            let f = FacilityId(f);
            let Some(mode) = builds.mode(f).filter(|_| fac.status == Status::Candidate) else {
                continue;
            };
            let entry = self
                .offered
                .entry(fac.id.clone())
                .or_insert((mode, Vec::new()));
            if mode == PortfolioMode::Force {
                entry.0 = mode;
            }
            for t in model.start_periods(f) {
                let label = &model.periods[t.0].label;
                if !entry.1.contains(label) {
                    entry.1.push(label.clone());
                }
            }
            let position = |l: &String| model.periods.iter().position(|p| &p.label == l);
            entry.1.sort_by_key(position);
        }
    }

    /// Every decision column: (candidate id, start label, column), sorted.
    pub fn columns(&self) -> impl Iterator<Item = (&str, &str, Col)> {
        self.columns
            .iter()
            .map(|((id, label), &col)| (id.as_str(), label.as_str(), col))
    }
}

/// A build decision column of one block.
#[derive(Debug, Clone, Copy)]
pub struct Decision {
    /// The candidate.
    pub candidate: FacilityId,
    /// The period it starts operating in.
    pub start: PeriodId,
    /// The column (shared by every block that offers this start).
    pub col: Col,
}

/// A candidate's capacity row in one period.
#[derive(Debug, Clone, Copy)]
pub struct CapacityRow {
    /// The candidate.
    pub candidate: FacilityId,
    /// The period.
    pub period: PeriodId,
    /// The row `activity − Σ capacity × availability × build <= 0`; its dual
    /// values one more unit of capacity, built or not.
    pub row: Row,
}

/// Build decisions and their rows in one block.
#[derive(Debug, Clone, Default)]
pub struct BuildIndex {
    /// The starts this block allows, by candidate then start.
    pub decisions: Vec<Decision>,
    /// Capacity rows of every candidate, by candidate then period.
    pub capacity: Vec<CapacityRow>,
    /// One-start, not-allowed-start and limit rows, with their keys.
    pub rows: Vec<(RowKey, Row)>,
}

/// A decision per candidate and start offered, at the present value of its
/// capital and fixed costs if this block allows the start; at most one
/// start per candidate (exactly one when forced); a start that another
/// block offers but this one does not is forced to 0.
pub(super) fn add_decisions(
    lp: &mut Lp,
    model: &Model,
    opts: &BuildOptions,
    shared: &mut SharedBuilds,
) -> BuildIndex {
    let mut ix = BuildIndex::default();
    for (f, fac) in model.facilities.iter().enumerate() {
        let candidate = FacilityId(f);
        let Some((mode, labels)) = shared.offered.get(&fac.id).cloned() else {
            continue;
        };
        if opts.builds.mode(candidate).is_none() || fac.status != Status::Candidate {
            continue;
        }
        let allowed = model.start_periods(candidate);
        let mut starts: Vec<(Col, f64)> = Vec::new();
        let mut created = false;
        for label in &labels {
            let Some(t) = model.periods.iter().position(|p| &p.label == label) else {
                continue;
            };
            let start = PeriodId(t);
            let ok = allowed.contains(&start);
            let cost = if ok {
                model.build_cost_pv(candidate, start)
            } else {
                0.0
            };
            let col = match shared.columns.get(&(fac.id.clone(), label.clone())) {
                Some(&col) => {
                    lp.add_cost(col, cost);
                    col
                }
                None => {
                    created = true;
                    let col = lp.decision(ColKey::Build { candidate, start }, opts.relax, cost);
                    shared.columns.insert((fac.id.clone(), label.clone()), col);
                    col
                }
            };
            if ok {
                ix.decisions.push(Decision {
                    candidate,
                    start,
                    col,
                });
            } else {
                let key = RowKey::StartNotAllowed { candidate, start };
                ix.rows
                    .push((key, lp.row(key, &[(col, 1.0)], Sense::Le, 0.0)));
            }
            starts.push((col, 1.0));
        }
        if created && !starts.is_empty() {
            let sense = match mode {
                PortfolioMode::Force => Sense::Eq,
                PortfolioMode::Allow => Sense::Le,
            };
            let key = RowKey::OneStart { candidate };
            ix.rows.push((key, lp.row(key, &starts, sense, 1.0)));
        }
    }
    ix
}

/// For each candidate and period: activity <= capacity × availability
/// after whichever start was chosen (nothing when none was).
pub(super) fn add_capacity_rows(
    lp: &mut Lp,
    ix: &mut BuildIndex,
    activity: &ActivityIndex,
    model: &Model,
) {
    let mut decisions = ix.decisions.iter().peekable();
    for (f, fac) in model.facilities.iter().enumerate() {
        let candidate = FacilityId(f);
        if fac.status != Status::Candidate {
            continue;
        }
        let mut starts = Vec::new();
        while let Some(d) = decisions.next_if(|d| d.candidate == candidate) {
            starts.push((d.start, d.col));
        }
        for period in model.period_ids() {
            let mut terms = vec![(activity.col(candidate, period), 1.0)];
            for &(start, col) in &starts {
                let a = model.availability_if_started(candidate, start, period);
                if a > 0.0 {
                    terms.push((col, -fac.capacity * a));
                }
            }
            let key = RowKey::CandidateCapacity { candidate, period };
            let row = lp.row(key, &terms, Sense::Le, 0.0);
            ix.capacity.push(CapacityRow {
                candidate,
                period,
                row,
            });
        }
    }
}

/// The model's limits on builds: capital budget (total and per start
/// period, undiscounted) and the number of builds.
pub(super) fn add_limits(lp: &mut Lp, ix: &mut BuildIndex, model: &Model) {
    let s = &model.settings;
    let capex = |d: &Decision| (d.col, model.facilities[d.candidate.0].build_cost);
    let mut limit = |lp: &mut Lp, key: RowKey, terms: &[(Col, f64)], sense, rhs| {
        ix.rows.push((key, lp.row(key, terms, sense, rhs)));
    };
    if let Some(budget) = s.build_budget {
        let terms: Vec<(Col, f64)> = ix.decisions.iter().map(capex).collect();
        limit(lp, RowKey::BuildBudget, &terms, Sense::Le, budget);
    }
    if let Some(budget) = s.build_budget_per_period {
        for period in model.period_ids() {
            let terms: Vec<(Col, f64)> = ix
                .decisions
                .iter()
                .filter(|d| d.start == period)
                .map(capex)
                .collect();
            if !terms.is_empty() {
                let key = RowKey::BuildBudgetInPeriod { period };
                limit(lp, key, &terms, Sense::Le, budget);
            }
        }
    }
    let count: Vec<(Col, f64)> = ix.decisions.iter().map(|d| (d.col, 1.0)).collect();
    if let Some(n) = s.min_builds {
        limit(lp, RowKey::MinBuilds, &count, Sense::Ge, f64::from(n));
    }
    if let Some(n) = s.max_builds {
        limit(lp, RowKey::MaxBuilds, &count, Sense::Le, f64::from(n));
    }
}

/// Reads the build decisions and the usable capacity they give.
pub(super) fn read(ix: &BuildIndex, model: &Model, s: &Session, plan: &mut Plan) {
    plan.builds = ix
        .decisions
        .iter()
        .map(|d| Build {
            candidate: d.candidate,
            start: d.start,
            share: s.value(d.col),
        })
        .collect();
    plan.capacity = capacities(model, &plan.builds);
}

/// A candidate's capacity is a row, not a bound: its dual values one more
/// unit of capacity, whether the candidate was built or not.
pub(super) fn read_capacity_values(ix: &BuildIndex, model: &Model, s: &Session, plan: &mut Plan) {
    for r in &ix.capacity {
        plan.capacity_value[r.candidate.0][r.period.0] =
            (-s.dual(r.row) / model.period_weight(r.period)).max(0.0);
    }
}

/// Usable capacity of every facility in every period: capacity ×
/// availability for existing sites; for candidates, capacity × availability
/// after each start, weighted by the build decision.
pub fn capacities(model: &Model, builds: &[Build]) -> Vec<Vec<f64>> {
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
    for b in builds {
        let f = b.candidate;
        for t in model.period_ids() {
            cap[f.0][t.0] += b.share
                * model.facilities[f.0].capacity
                * model.availability_if_started(f, b.start, t);
        }
    }
    cap
}

/// Build decisions lie in [0, 1], each candidate starts at most once, and
/// the model's budgets and number of builds hold.
pub(super) fn check(model: &Model, plan: &Plan, ck: &mut Checker) {
    let name = |f: FacilityId| model.facilities[f.0].id.clone();
    for b in &plan.builds {
        ck.bounds(b.share, 0.0, Some(1.0), || {
            format!(
                "build of {} in {}",
                name(b.candidate),
                model.periods[b.start.0].label
            )
        });
    }
    let mut starts: BTreeMap<FacilityId, f64> = BTreeMap::new();
    for b in &plan.builds {
        *starts.entry(b.candidate).or_default() += b.share;
    }
    for (&f, &n) in &starts {
        ck.bounds(n, 0.0, Some(1.0), || format!("starts of {}", name(f)));
    }
    let s = &model.settings;
    let capex = |b: &Build| b.share * model.facilities[b.candidate.0].build_cost;
    if let Some(budget) = s.build_budget {
        let spent: f64 = plan.builds.iter().map(capex).sum();
        ck.bounds(spent, 0.0, Some(budget), || {
            "capital spent on builds".to_string()
        });
    }
    if let Some(budget) = s.build_budget_per_period {
        for t in model.period_ids() {
            let spent: f64 = plan.builds.iter().filter(|b| b.start == t).map(capex).sum();
            ck.bounds(spent, 0.0, Some(budget), || {
                format!(
                    "capital spent on builds starting in {}",
                    model.periods[t.0].label
                )
            });
        }
    }
    let count: f64 = plan.builds.iter().map(|b| b.share).sum();
    let lo = s.min_builds.map_or(0.0, f64::from);
    ck.bounds(count, lo, s.max_builds.map(f64::from), || {
        "number of builds".to_string()
    });
}

/// Capital of what is built, discounted from its start year, and the fixed
/// costs of its available years.
pub(super) fn cost(model: &Model, plan: &Plan, k: &mut Costs) {
    for b in &plan.builds {
        let fac = &model.facilities[b.candidate.0];
        let capex = fac.build_cost * model.discount_factor(model.periods[b.start.0].start);
        k.investment += b.share * capex;
        k.fixed += b.share * (model.build_cost_pv(b.candidate, b.start) - capex);
    }
}
