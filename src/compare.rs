//! Comparing portfolios across futures: every (portfolio, scenario) cell
//! solved in parallel by the [`crate::engine`] (each portfolio's baseline
//! solved once per worker, its futures re-solved warm on it), then the
//! regret table and the portfolio that minimises maximum regret or expected
//! cost.
//!
//! A cell that fails (bad scenario, no plan, a plan that fails
//! verification) is kept as a row with its status; it never stops the
//! others.

use serde::Serialize;

use crate::engine::{self, How, Jobs, Solved, Tally};
use crate::error::{Error, Result};
use crate::io::source::ModelSource;
use crate::solver::SolveOptions;

pub use crate::measure::{measure_plan, measure_segments, CellResult, Measure};

/// The name of the cell solved without any scenario.
pub const BASELINE: &str = "baseline";

/// One cell of the matrix.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// Portfolio name.
    pub portfolio: String,
    /// Scenario name ([`BASELINE`] for none).
    pub scenario: String,
    /// `optimal`, a limit reached, or why the cell failed.
    pub status: String,
    /// The measures, when the cell solved.
    pub result: Option<CellResult>,
    /// Cost minus the best portfolio's cost in the same scenario.
    pub regret: Option<f64>,
    /// How it was solved: warm on its portfolio's baseline, or from
    /// scratch.
    pub start: How,
}

/// How close two portfolios' standings must be to tie for a pick, relative
/// to the largest cost in the comparison (regrets are differences of costs,
/// so they are compared on the costs' scale).
pub const TIE: f64 = 1e-9;

/// A portfolio's standing across the scenarios.
#[derive(Debug, Clone, Serialize)]
pub struct Standing {
    /// Portfolio name.
    pub portfolio: String,
    /// Weighted mean cost over the scenarios (none if a cell failed).
    pub expected_cost: Option<f64>,
    /// Largest regret over the scenarios (none if a cell failed).
    pub max_regret: Option<f64>,
    /// True when no portfolio has a smaller maximum regret (within [`TIE`]).
    pub minimax_regret: bool,
    /// True when no portfolio has a smaller expected cost (within [`TIE`]).
    pub least_expected_cost: bool,
    /// What each market's buyers spend, weighted as the futures are
    /// (undiscounted; none if a cell failed).
    pub expected_spend: Option<crate::measure::Spend>,
}

/// The whole comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Every cell, portfolios outer, scenarios inner, in the order asked.
    pub cells: Vec<Cell>,
    /// One standing per portfolio.
    pub standings: Vec<Standing>,
    /// Every portfolio with the smallest maximum regret (several when they
    /// tie), in the order asked; empty when none is ranked.
    pub minimax_regret: Vec<String>,
    /// Every portfolio with the least expected cost (several when they
    /// tie), in the order asked; empty when none is ranked.
    pub least_expected_cost: Vec<String>,
    /// Scenario weights used (normalised).
    pub weights: Vec<(String, f64)>,
    /// How the cells were solved (warm on their portfolio's baseline, or
    /// from scratch).
    pub solved: Tally,
    /// The scope of the cells' given-up, unserved and spend figures
    /// (`US:defence:2028..2030`); absent for the world.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// The cells of a comparison as the engine's jobs: each portfolio is a
/// base (the model under it, with no scenario), each cell a case of it.
struct CellJobs<'a> {
    source: &'a ModelSource,
    portfolios: &'a [String],
    opts: &'a SolveOptions,
}

impl Jobs for CellJobs<'_> {
    /// (portfolio index, scenario index, scenario name).
    type Case = (usize, usize, String);

    fn label(&self, (p, _, s): &Self::Case) -> String {
        format!("{} under {s}", self.portfolios[*p])
    }

    fn base_of(&self, case: &Self::Case) -> usize {
        case.0
    }

    /// Up to four futures of one portfolio in a row: each portfolio's
    /// cells spread over the workers, whatever their number.
    fn chain_of(&self, case: &Self::Case) -> usize {
        case.0 * 1_000_000 + case.1 / 4
    }

    fn load_base(&self, _base: usize) -> Result<crate::Checked> {
        crate::check(self.source, &[])
    }

    fn load(&self, case: &Self::Case) -> Result<crate::Checked> {
        if case.2 == BASELINE {
            crate::check(self.source, &[])
        } else {
            crate::check(self.source, std::slice::from_ref(&case.2))
        }
    }

    fn options(&self, base: usize) -> SolveOptions {
        SolveOptions {
            portfolio: Some(self.portfolios[base].clone()),
            threads: 1,
            ..self.opts.clone()
        }
    }
}

/// Why a cell or case has no plan, in one line.
pub fn reason(e: &Error) -> String {
    match e {
        Error::Conflict(_) => e.to_string().replace(":\n  ", ": ").replace("\n  ", "; "),
        Error::Invalid(d) => format!(
            "bad data: {}",
            d.iter()
                .find(|d| d.severity == crate::error::Severity::Error)
                .map_or(String::new(), |d| d.to_string())
        ),
        other => other.to_string(),
    }
}

/// Solves every (portfolio, scenario) cell in parallel and ranks the
/// portfolios. `weights` are per scenario (missing: 1); `tick` is called as
/// each cell finishes (for a progress bar).
pub fn compare(
    source: &ModelSource,
    portfolios: &[String],
    scenarios: &[String],
    weights: &[(String, f64)],
    opts: &SolveOptions,
    measure: &Measure,
    tick: &(dyn Fn(&str) + Sync),
) -> Comparison {
    let jobs = CellJobs {
        source,
        portfolios,
        opts,
    };
    let pairs: Vec<(usize, usize, String)> = (0..portfolios.len())
        .flat_map(|p| (scenarios.iter().enumerate()).map(move |(i, s)| (p, i, s.clone())))
        .collect();
    let finish = |(p, _, s): &(usize, usize, String), solved: Result<Solved>, how: How| {
        let (status, result) = match solved {
            Ok(solved) => (
                solved.plan.status.label(),
                Some(measure_plan(&solved, measure)),
            ),
            Err(e) => (reason(&e), None),
        };
        Cell {
            portfolio: portfolios[*p].clone(),
            scenario: s.clone(),
            status,
            result,
            regret: None,
            start: how,
        }
    };
    let (mut cells, bases) = engine::run(&jobs, &pairs, &finish, tick);
    let weight_of = |s: &str| weights.iter().find(|w| w.0 == s).map_or(1.0, |w| w.1);
    let total_weight: f64 = scenarios.iter().map(|s| weight_of(s)).sum();
    let norm: Vec<(String, f64)> = scenarios
        .iter()
        .map(|s| (s.clone(), weight_of(s) / total_weight))
        .collect();
    let mut comparison = rank(&mut cells, portfolios, scenarios, norm);
    comparison.solved.bases = bases;
    comparison.scope = measure.scope_key.clone();
    comparison
}

/// The weight of `scenario` among `weights` (0 when it has none).
fn weight_of(weights: &[(String, f64)], scenario: &str) -> f64 {
    weights
        .iter()
        .find(|w| w.0 == scenario)
        .map_or(0.0, |w| w.1)
}

/// Each market's spend over `cells` (one portfolio's), weighted by the
/// futures' `weights`.
fn expected_spend(cells: &[&Cell], weights: &[(String, f64)]) -> crate::measure::Spend {
    let mut by = crate::measure::Spend::new();
    for c in cells {
        let w = weight_of(weights, &c.scenario);
        for (code, spend) in c.result.iter().flat_map(|r| &r.spend_by_market) {
            *by.entry(code.clone()).or_default() += w * spend;
        }
    }
    by
}

/// Fills in regrets and standings. Regret in a scenario is a cell's cost
/// minus the least cost any portfolio achieved in that scenario; expected
/// cost weighs scenarios by `weights` (which sum to 1). Every portfolio
/// tied with the best standing (within [`TIE`]) is picked.
pub fn rank(
    cells: &mut [Cell],
    portfolios: &[String],
    scenarios: &[String],
    weights: Vec<(String, f64)>,
) -> Comparison {
    for s in scenarios {
        let best = cells
            .iter()
            .filter(|c| &c.scenario == s)
            .filter_map(|c| c.result.as_ref().map(|r| r.cost))
            .fold(f64::INFINITY, f64::min);
        for c in cells.iter_mut().filter(|c| &c.scenario == s) {
            c.regret = c.result.as_ref().map(|r| r.cost - best);
        }
    }
    let mut standings: Vec<Standing> = portfolios
        .iter()
        .map(|p| {
            let mine: Vec<&Cell> = cells.iter().filter(|c| &c.portfolio == p).collect();
            let complete = mine.iter().all(|c| c.result.is_some());
            let expected = complete.then(|| {
                mine.iter()
                    .map(|c| {
                        weight_of(&weights, &c.scenario) * c.result.as_ref().map_or(0.0, |r| r.cost)
                    })
                    .sum()
            });
            let max_regret =
                complete.then(|| mine.iter().filter_map(|c| c.regret).fold(0.0, f64::max));
            Standing {
                portfolio: p.clone(),
                expected_cost: expected,
                max_regret,
                minimax_regret: false,
                least_expected_cost: false,
                expected_spend: complete.then(|| expected_spend(&mine, &weights)),
            }
        })
        .collect();
    let scale = cells
        .iter()
        .filter_map(|c| c.result.as_ref().map(|r| r.cost.abs()))
        .fold(1.0, f64::max);
    let minimax_regret = pick(
        &mut standings,
        scale,
        |s| s.max_regret,
        |s| &mut s.minimax_regret,
    );
    let least_expected_cost = pick(
        &mut standings,
        scale,
        |s| s.expected_cost,
        |s| &mut s.least_expected_cost,
    );
    let solved = Tally::of(cells.iter().map(|c| c.start), 0);
    Comparison {
        minimax_regret,
        least_expected_cost,
        cells: cells.to_vec(),
        standings,
        weights,
        solved,
        scope: None,
    }
}

/// Flags every standing whose `key` is the least, within [`TIE`] × `scale`,
/// and returns their portfolios.
fn pick(
    standings: &mut [Standing],
    scale: f64,
    key: fn(&Standing) -> Option<f64>,
    flag: fn(&mut Standing) -> &mut bool,
) -> Vec<String> {
    let best = standings
        .iter()
        .filter_map(key)
        .fold(f64::INFINITY, f64::min);
    let mut picked = Vec::new();
    for s in standings.iter_mut() {
        if key(s).is_some_and(|v| v - best <= TIE * scale) {
            *flag(s) = true;
            picked.push(s.portfolio.clone());
        }
    }
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(p: &str, s: &str, cost: Option<f64>) -> Cell {
        Cell {
            portfolio: p.into(),
            scenario: s.into(),
            status: if cost.is_some() {
                "optimal".into()
            } else {
                "failed".into()
            },
            result: cost.map(|cost| CellResult {
                cost,
                shortage_t: 0.0,
                given_up_t: 0.0,
                market_spend: 0.0,
                spend_by_market: [("US".to_string(), cost / 10.0)].into(),
                investment: 0.0,
                dependency: None,
            }),
            regret: None,
            start: How::Warm,
        }
    }

    /// Costs:      calm  crisis
    ///   none       100     300
    ///   hedge      130     180
    ///   big        170     160
    /// Regrets:  none (0, 140), hedge (30, 20), big (70, 0): minimax = hedge.
    /// Expected with weights 0.75/0.25: none 150, hedge 142.5, big 167.5.
    #[test]
    fn regret_arithmetic_on_a_small_matrix() {
        let ps: Vec<String> = ["none", "hedge", "big"].map(String::from).to_vec();
        let ss: Vec<String> = ["calm", "crisis"].map(String::from).to_vec();
        let mut cells = vec![
            cell("none", "calm", Some(100.0)),
            cell("none", "crisis", Some(300.0)),
            cell("hedge", "calm", Some(130.0)),
            cell("hedge", "crisis", Some(180.0)),
            cell("big", "calm", Some(170.0)),
            cell("big", "crisis", Some(160.0)),
        ];
        let c = rank(
            &mut cells,
            &ps,
            &ss,
            vec![("calm".into(), 0.75), ("crisis".into(), 0.25)],
        );
        let regrets: Vec<f64> = c.cells.iter().map(|c| c.regret.unwrap()).collect();
        assert_eq!(regrets, vec![0.0, 140.0, 30.0, 20.0, 70.0, 0.0]);
        let max: Vec<f64> = c.standings.iter().map(|s| s.max_regret.unwrap()).collect();
        assert_eq!(max, vec![140.0, 30.0, 70.0]);
        let expected: Vec<f64> = c
            .standings
            .iter()
            .map(|s| s.expected_cost.unwrap())
            .collect();
        assert_eq!(expected, vec![150.0, 142.5, 167.5]);
        assert_eq!(c.minimax_regret, vec!["hedge"]);
        assert_eq!(c.least_expected_cost, vec!["hedge"]);
    }

    #[test]
    fn a_failed_cell_is_a_row_and_its_portfolio_is_not_ranked() {
        let ps: Vec<String> = ["a", "b"].map(String::from).to_vec();
        let ss: Vec<String> = ["x"].map(String::from).to_vec();
        let mut cells = vec![cell("a", "x", None), cell("b", "x", Some(5.0))];
        let c = rank(&mut cells, &ps, &ss, vec![("x".into(), 1.0)]);
        assert_eq!(c.cells[0].status, "failed");
        assert!(c.standings[0].expected_cost.is_none());
        assert_eq!(c.minimax_regret, vec!["b"]);
        assert!(!c.standings[0].minimax_regret && c.standings[1].minimax_regret);
    }

    /// Two portfolios with the same costs in every scenario, up to rounding
    /// far below [`TIE`], are both picked, and both flagged.
    #[test]
    fn tied_portfolios_are_all_picked() {
        let ps: Vec<String> = ["none", "a", "b"].map(String::from).to_vec();
        let ss: Vec<String> = ["calm", "crisis"].map(String::from).to_vec();
        let mut cells = vec![
            cell("none", "calm", Some(1e9)),
            cell("none", "crisis", Some(3e9)),
            cell("a", "calm", Some(1.5e9)),
            cell("a", "crisis", Some(2e9)),
            cell("b", "calm", Some(1.5e9 * (1.0 + 1e-15))),
            cell("b", "crisis", Some(2e9)),
        ];
        let w = vec![("calm".into(), 0.5), ("crisis".into(), 0.5)];
        let c = rank(&mut cells, &ps, &ss, w);
        assert_eq!(c.minimax_regret, vec!["a", "b"]);
        assert_eq!(c.least_expected_cost, vec!["a", "b"]);
        let flags: Vec<(bool, bool)> = c
            .standings
            .iter()
            .map(|s| (s.minimax_regret, s.least_expected_cost))
            .collect();
        assert_eq!(flags, vec![(false, false), (true, true), (true, true)]);
    }
}
