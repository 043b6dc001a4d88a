//! Sweeps (`rareflow sweep`): one plan per combination of parameter values
//! (a grid), or per point of a Latin hypercube sample over their ranges,
//! solved in parallel (rayon, one HiGHS thread per case) and each verified
//! against its own model.
//!
//! Each case is the model with the scenarios given, then one more scenario
//! that sets the case's values ([`params`]), so a case is checked like any
//! model: a value the model refuses is a row with its status, never a
//! crash. Cases are solved by the [`crate::engine`]: warm on the model with
//! the sweep's scenarios when a case changes only costs and bounds, from
//! scratch when it changes the LP's structure. A grid's LPs are put
//! together from one build per parameter value ([`map`]) instead of one
//! build per case.

mod map;
pub mod merge;
pub mod params;
pub mod report;

pub use merge::chain_length;

use serde::Serialize;

use crate::compare::{measure_segments, reason, CellResult, Measure};
use crate::engine::{self, How, Jobs, Solved};
use crate::error::Result;
use crate::io::source::ModelSource;
use crate::solver::SolveOptions;
use params::{Kind, Param};

/// One case: its values (one per parameter, in order) and what it gave.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    /// Its number, from 1.
    pub case: usize,
    /// One value per parameter.
    pub values: Vec<f64>,
    /// The solver's status, or why the case has no plan.
    pub status: String,
    /// How it was solved: warm on the sweep's base, or from scratch.
    pub start: How,
    /// With build decisions: the relative gap its plan is proven within
    /// (none for an LP, or without a plan).
    pub mip_gap: Option<f64>,
    /// What the plan measures (none without a plan).
    pub result: Option<CellResult>,
    /// Its cost by kind, present value (none without a plan).
    pub costs: Option<crate::plan::Costs>,
    /// Per `COUNTRY:SECTOR`: tonnes given up and unserved over the horizon.
    pub markets: std::collections::BTreeMap<String, (f64, f64)>,
    /// Per commodity the dependency market buys: its mean price there over
    /// the horizon, $/t, weighted by the tonnes delivered.
    pub prices: std::collections::BTreeMap<String, f64>,
}

/// The cases of a grid: every combination of the parameters' values, the
/// first parameter varying slowest.
pub fn grid(params: &[Param]) -> Vec<Vec<f64>> {
    let mut cases = vec![Vec::new()];
    for p in params {
        cases = cases
            .into_iter()
            .flat_map(|c| {
                p.values.iter().map(move |&v| {
                    let mut c = c.clone();
                    c.push(v);
                    c
                })
            })
            .collect();
    }
    cases
}

/// `n` cases sampled by Latin hypercube over each parameter's range (its
/// smallest to its largest value): each parameter's range is cut into `n`
/// equal strata and every stratum is used once, at a uniform point within
/// it, the strata shuffled per parameter. The same seed gives the same
/// cases. Whole-number parameters are rounded.
pub fn latin_hypercube(params: &[Param], n: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut seq = crate::synth::Seq(seed);
    let mut columns = Vec::with_capacity(params.len());
    for p in params {
        let lo = p.values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = p.values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut strata: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            strata.swap(i, seq.pick(i + 1));
        }
        let column: Vec<f64> = strata
            .into_iter()
            .map(|k| {
                let v = lo + (hi - lo) * (k as f64 + seq.unit()) / n as f64;
                if p.kind.integer() {
                    v.round()
                } else {
                    v
                }
            })
            .collect();
        columns.push(column);
    }
    (0..n)
        .map(|i| columns.iter().map(|c| c[i]).collect())
        .collect()
}

/// A sweep to solve: the model with its scenarios, the parameters, every
/// case's values, how to solve, what to measure, and the slice to solve.
pub struct Sweep<'a> {
    /// The model.
    pub source: &'a ModelSource,
    /// Scenarios applied to every case, in order.
    pub scenarios: &'a [String],
    /// The parameters.
    pub params: &'a [Param],
    /// Every case's values, one per parameter.
    pub cases: &'a [Vec<f64>],
    /// How to solve (one HiGHS thread per case).
    pub opts: &'a SolveOptions,
    /// The dependency share to measure.
    pub measure: &'a Measure,
    /// Only this slice, when given.
    pub shard: Option<merge::Shard>,
}

/// Puts each chain's cases in the order it solves them: a grid's rows (the
/// runs of cases that differ only in the last parameter) alternately
/// forwards and backwards, so a row's first case is a neighbour of the
/// last case of the row before (re-solving from the far end of that row
/// takes several times the simplex iterations of a step). Sampled
/// cases, which share no row, keep their order. `mine` is in case order;
/// the order depends on the sweep alone, like its chains.
fn serpentine(mine: &mut [(usize, Vec<f64>)], chain: impl Fn(usize) -> usize) {
    let same_row = |a: &[f64], b: &[f64]| a.len() > 1 && a[..a.len() - 1] == b[..b.len() - 1];
    let mut start = 0;
    let mut row_in_chain = 0;
    while start < mine.len() {
        let mut end = start + 1;
        let c = chain(mine[start].0);
        while end < mine.len() && chain(mine[end].0) == c && same_row(&mine[start].1, &mine[end].1)
        {
            end += 1;
        }
        if row_in_chain % 2 == 1 {
            mine[start..end].reverse();
        }
        let next_in_chain = end < mine.len() && chain(mine[end].0) == c;
        row_in_chain = if next_in_chain { row_in_chain + 1 } else { 0 };
        start = end;
    }
}

impl Sweep<'_> {
    /// The sweep's cases in chains, and the slice's.
    fn chains(&self) -> merge::Chains {
        merge::Chains {
            total: self.cases.len(),
            shard: self.shard,
        }
    }

    /// How many cases this run solves (its slice's).
    pub fn len(&self) -> usize {
        self.chains().len()
    }

    /// True when the slice holds no case.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Solves every case of the slice in parallel, warm on the model with
    /// the sweep's scenarios ([`crate::engine`]); `tick` is called as each
    /// finishes. Cases keep their numbers in the whole sweep. Also returns
    /// how many bases the workers solved. A case the model refuses, or
    /// that has no plan, is a case with its status.
    pub fn run(&self, tick: &(dyn Fn(&str) + Sync)) -> (Vec<Case>, usize) {
        self.run_mapped(tick, true)
    }

    /// [`Sweep::run`], with a grid's LPs put together from probes
    /// ([`map`]) when `map` allows, else each case built.
    fn run_mapped(&self, tick: &(dyn Fn(&str) + Sync), map: bool) -> (Vec<Case>, usize) {
        let mut jobs = CaseJobs {
            sweep: self,
            parsed: crate::io::load::Parsed::read(self.source, self.scenarios).ok(),
            map: None,
        };
        let chains = self.chains();
        let mut mine: Vec<(usize, Vec<f64>)> = (chains.cases())
            .map(|i| (i, self.cases[i].clone()))
            .collect();
        let values: Vec<&[f64]> = mine.iter().map(|m| m.1.as_slice()).collect();
        jobs.map = map.then(|| jobs.probe(&values)).flatten();
        serpentine(&mut mine, |i| chains.chain(i));
        let finish = |(i, values): &(usize, Vec<f64>), solved: Result<Solved>, how: How| {
            self.case(*i, values, solved, how)
        };
        let (mut cases, bases) = engine::run(&jobs, &mine, &finish, tick);
        cases.sort_by_key(|c| c.case);
        (cases, bases)
    }

    /// Case `i` (from 0) as solved.
    fn case(&self, i: usize, values: &[f64], solved: Result<Solved>, how: How) -> Case {
        let mut case = Case {
            case: i + 1,
            values: values.to_vec(),
            status: String::new(),
            start: how,
            mip_gap: None,
            result: None,
            costs: None,
            markets: Default::default(),
            prices: Default::default(),
        };
        match solved {
            Ok(s) => {
                let segments = crate::report::markets::segment_results(&s.model, &s.plan);
                case.status = s.plan.status.label();
                case.mip_gap = s.plan.mip_gap;
                case.result = Some(measure_segments(&s, self.measure, &segments));
                case.costs = Some(s.plan.costs.clone());
                let scope = &self.measure.scope;
                let scoped: Vec<_> = (segments.iter())
                    .filter(|r| scope.has_segment(&s.model, r.segment))
                    .cloned()
                    .collect();
                for m in crate::report::markets::market_rows(&s.model, &scoped) {
                    let key = format!("{}:{}", m.country, m.sector);
                    case.markets.insert(key, (m.given_up_t, m.unserved_t));
                }
                let prices = self.measure.price_scope(&s.model);
                case.prices = (crate::report::scope::headline(&s.model, &prices, &segments).prices)
                    .into_iter()
                    .map(|p| (p.commodity, p.price))
                    .collect();
            }
            Err(why) => case.status = reason(&why),
        }
        case
    }
}

/// A sweep's cases as the engine's jobs: one base (the model with the
/// sweep's scenarios), each case that plus its own scenario ([`scenario`],
/// applied as text: messages call it `sweep case N`).
struct CaseJobs<'a> {
    sweep: &'a Sweep<'a>,
    /// The model's files with the sweep's scenarios, parsed once (none
    /// when they cannot be read: each case then reports why).
    parsed: Option<crate::io::load::Parsed>,
    /// The cases' LPs without building them, when the grid allows.
    map: Option<map::ParamMap>,
}

impl CaseJobs<'_> {
    /// The model with the sweep's scenarios, then the scenario `text`
    /// (named `name`) when given, loaded and checked as the engine loads a
    /// case.
    fn check(&self, more: Option<(&str, &str)>) -> Result<crate::Checked> {
        let source = self.sweep.source;
        match &self.parsed {
            Some(parsed) => crate::check_parsed(source, parsed, more),
            // The model cannot be read: every case says why.
            None => crate::check(source, self.sweep.scenarios),
        }
    }

    /// [`CaseJobs::check`], then built as the engine builds a case.
    fn formulate(&self, more: Option<(&str, &str)>) -> Option<crate::formulation::Formulation> {
        let crate::Checked {
            mut model, network, ..
        } = self.check(more).ok()?;
        let opts = self.options(0);
        crate::apply_portfolio_limits(&mut model, opts.portfolio.as_deref());
        crate::formulate(&model, &network, &opts)
            .ok()
            .map(|(f, _)| f)
    }

    /// Probes the parameters at the values of `cases` ([`map`]).
    fn probe(&self, cases: &[&[f64]]) -> Option<map::ParamMap> {
        let base = self.formulate(None)?;
        let params = self.sweep.params;
        let build = |p: usize, v: f64| {
            let text = scenario(&params[p..=p], &[v], 0);
            self.formulate(Some((
                &format!("sweep probe {}={v}", params[p].label),
                &text,
            )))
        };
        map::ParamMap::probe(params, cases, &base, &build)
    }
}

impl Jobs for CaseJobs<'_> {
    /// (index from 0, values).
    type Case = (usize, Vec<f64>);

    fn base_of(&self, _case: &Self::Case) -> usize {
        0
    }

    fn chain_of(&self, case: &Self::Case) -> usize {
        self.sweep.chains().chain(case.0)
    }

    fn load_base(&self, _base: usize) -> Result<crate::Checked> {
        self.check(None)
    }

    fn load(&self, (i, values): &Self::Case) -> Result<crate::Checked> {
        let text = scenario(self.sweep.params, values, i + 1);
        self.check(Some((&format!("sweep case {}", i + 1), &text)))
    }

    fn label(&self, (i, values): &Self::Case) -> String {
        let set: Vec<String> = (self.sweep.params.iter().zip(values))
            .map(|(p, v)| format!("{}={}", p.label, (v * 1e4).round() / 1e4))
            .collect();
        format!("case {}: {}", i + 1, set.join(", "))
    }

    fn options(&self, _base: usize) -> SolveOptions {
        SolveOptions {
            threads: 1,
            ..self.sweep.opts.clone()
        }
    }

    fn lp(&self, (_, values): &Self::Case) -> Option<engine::Mapped> {
        self.map.as_ref()?.case(values)
    }
}

/// The scenario that sets a case's values (case numbers from 1): what a
/// case is, as a file `solve --scenario` takes.
pub fn scenario(params: &[Param], values: &[f64], case: usize) -> String {
    use toml::{Table, Value};
    let table = |pairs: &[(&str, Value)]| -> Value {
        Value::Table(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    };
    let s = |x: &str| Value::String(x.to_string());
    let (mut set, mut scale, mut add) = (Vec::new(), Vec::new(), Vec::new());
    for (p, &v) in params.iter().zip(values) {
        let f = Value::Float(v);
        let op = |file: &str, key: &str, id: &str, column: &str, value: Value| {
            table(&[
                ("file", s(file)),
                ("match", table(&[(key, s(id))])),
                ("values", table(&[(column, value)])),
            ])
        };
        match &p.kind {
            Kind::Cap(id) => set.push(op("export_controls.csv", "id", id, "cap", f)),
            Kind::Tariff(name) => set.push(op("tariffs.csv", "name", name, "ad_valorem", f)),
            Kind::Capacity(id) => set.push(op("facilities.csv", "id", id, "capacity", f)),
            Kind::Online(id) => {
                let year = Value::Integer(v as i64);
                set.push(op("facilities.csv", "id", id, "online_year", year));
            }
            Kind::Duty(importer, exporter, goods) => add.push(table(&[
                ("file", s("tariffs.csv")),
                (
                    "rows",
                    Value::Array(vec![table(&[
                        ("name", s(&format!("sweep: {}", p.label))),
                        ("importer", s(importer)),
                        ("exporter", s(exporter)),
                        ("commodity", s(goods)),
                        ("ad_valorem", f),
                    ])]),
                ),
            ])),
            Kind::Credit(id) => set.push(op("contracts.csv", "id", id, "credit", f)),
            Kind::Premium(id) => set.push(op("content_rules.csv", "id", id, "premium", f)),
            Kind::Demand(country, sector) | Kind::Penalty(country, sector) => {
                let mut m = Vec::new();
                if let Some(c) = country {
                    m.push(("country", s(c)));
                }
                if let Some(x) = sector {
                    m.push(("sector", s(x)));
                }
                let mut op = vec![("file", s("demand.csv"))];
                if !m.is_empty() {
                    op.push(("match", table(&m)));
                }
                if matches!(p.kind, Kind::Demand(..)) {
                    op.extend([("column", s("tonnes")), ("factor", f)]);
                    scale.push(table(&op));
                } else {
                    op.push(("values", table(&[("shortage_penalty", f)])));
                    set.push(table(&op));
                }
            }
        }
    }
    let mut doc = Table::new();
    doc.insert("description".into(), s(&format!("sweep case {case}")));
    for (key, ops) in [("set", set), ("scale", scale), ("add", add)] {
        if !ops.is_empty() {
            doc.insert(key.into(), Value::Array(ops));
        }
    }
    toml::to_string(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::serpentine;

    fn order(cases: &[Vec<f64>], chain_length: usize) -> Vec<usize> {
        let mut mine: Vec<(usize, Vec<f64>)> = cases.iter().cloned().enumerate().collect();
        serpentine(&mut mine, |i| i / chain_length);
        mine.into_iter().map(|m| m.0).collect()
    }

    /// A 3 × 3 grid: rows of the last parameter alternate direction within
    /// a chain, and every chain starts forwards.
    #[test]
    fn grid_rows_alternate_within_each_chain() {
        let grid: Vec<Vec<f64>> = (0..3)
            .flat_map(|a| (0..3).map(move |b| vec![f64::from(a), f64::from(b)]))
            .collect();
        assert_eq!(order(&grid, 9), [0, 1, 2, 5, 4, 3, 6, 7, 8]);
        // Chains of 6 cut the third row off: it starts a chain, forwards.
        assert_eq!(order(&grid, 6), [0, 1, 2, 5, 4, 3, 6, 7, 8]);
        assert_eq!(order(&grid, 3), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
        // Chains of 4 cut rows: each chain's first row goes forwards.
        assert_eq!(order(&grid, 4), [0, 1, 2, 3, 4, 5, 7, 6, 8]);
    }

    /// Sampled cases share no row and keep their order; so does a single
    /// parameter's sweep (one row per chain, forwards).
    #[test]
    fn samples_and_single_parameters_keep_their_order() {
        let samples = vec![vec![0.1, 0.7], vec![0.5, 0.2], vec![0.9, 0.4]];
        assert_eq!(order(&samples, 3), [0, 1, 2]);
        let single: Vec<Vec<f64>> = (0..5).map(|v| vec![f64::from(v)]).collect();
        assert_eq!(order(&single, 5), [0, 1, 2, 3, 4]);
    }
}
