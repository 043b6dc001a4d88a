//! Comparing portfolios across futures: every (portfolio, scenario) cell
//! solved in parallel (rayon, one HiGHS thread per cell), then the regret
//! table and the portfolio that minimises maximum regret or expected cost.
//!
//! A cell that fails (bad scenario, no plan, a plan that fails
//! verification) is kept as a row with its status; it never stops the
//! others.

use rayon::prelude::*;
use serde::Serialize;

use crate::io::source::ModelSource;
use crate::solve::SolveOptions;
use crate::trace::{shares, trace};

/// The name of the cell solved without any scenario.
pub const BASELINE: &str = "baseline";

/// What a solved cell measures.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CellResult {
    /// Total cost, present value.
    pub cost: f64,
    /// Unserved tonnes over the horizon.
    pub shortage_t: f64,
    /// Capital spent on builds, present value.
    pub investment: f64,
    /// Share of `market`'s supply whose last traced stage (magnets, or the
    /// stage asked for) happened in `source`, over the horizon; none when
    /// the market gets nothing.
    pub dependency: Option<f64>,
}

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
}

/// What the dependency column measures: the share of `market`'s supply
/// made at `stage` (index into [`crate::trace::STAGES`]) in `source`.
#[derive(Debug, Clone)]
pub struct DependencyMeasure {
    /// Source country code, e.g. `CN`.
    pub source: String,
    /// Market country code, e.g. `US`.
    pub market: String,
    /// Traced stage index (3 = magnet).
    pub stage: usize,
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
}

/// Solves one cell.
fn solve_cell(
    source: &ModelSource,
    portfolio: &str,
    scenario: &str,
    opts: &SolveOptions,
    measure: &DependencyMeasure,
) -> Result<(String, CellResult), String> {
    let scenarios: Vec<String> = if scenario == BASELINE {
        Vec::new()
    } else {
        vec![scenario.to_string()]
    };
    let opts = SolveOptions {
        portfolio: Some(portfolio.to_string()),
        threads: 1,
        ..opts.clone()
    };
    let s = crate::solve(source, &scenarios, &opts).map_err(|e| match e {
        crate::error::Error::Invalid(d) => format!(
            "bad data: {}",
            d.iter()
                .find(|d| d.severity == crate::error::Severity::Error)
                .map_or(String::new(), |d| d.to_string())
        ),
        other => other.to_string(),
    })?;
    let years = |t: usize| f64::from(s.model.periods[t].years);
    let shortage_t = s.plan.shortage_tonnes(&s.model);
    let dep = trace(&s.model, &s.network, &s.plan);
    let (mut from_source, mut total) = (0.0, 0.0);
    for m in dep
        .markets
        .iter()
        .filter(|m| s.model.countries[m.country.0].code == measure.market)
    {
        let share = shares(&s.model, &m.mix[measure.stage])
            .iter()
            .find(|x| x.country == measure.source)
            .map_or(0.0, |x| x.share);
        let t = m.delivered * years(m.period.0);
        from_source += share * t;
        total += t;
    }
    Ok((
        s.plan.status.label(),
        CellResult {
            cost: s.plan.objective,
            shortage_t,
            investment: s.plan.costs.investment,
            dependency: (total > 0.0).then(|| from_source / total),
        },
    ))
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
    measure: &DependencyMeasure,
    tick: &(dyn Fn() + Sync),
) -> Comparison {
    let pairs: Vec<(&String, &String)> = portfolios
        .iter()
        .flat_map(|p| scenarios.iter().map(move |s| (p, s)))
        .collect();
    let mut cells: Vec<Cell> = pairs
        .par_iter()
        .map(|(p, s)| {
            let r = solve_cell(source, p, s, opts, measure);
            tick();
            let (status, result) = match r {
                Ok((status, result)) => (status, Some(result)),
                Err(e) => (e, None),
            };
            Cell {
                portfolio: p.to_string(),
                scenario: s.to_string(),
                status,
                result,
                regret: None,
            }
        })
        .collect();
    let weight_of = |s: &str| weights.iter().find(|w| w.0 == s).map_or(1.0, |w| w.1);
    let total_weight: f64 = scenarios.iter().map(|s| weight_of(s)).sum();
    let norm: Vec<(String, f64)> = scenarios
        .iter()
        .map(|s| (s.clone(), weight_of(s) / total_weight))
        .collect();
    rank(&mut cells, portfolios, scenarios, norm)
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
                        let w = weights
                            .iter()
                            .find(|w| w.0 == c.scenario)
                            .map_or(0.0, |w| w.1);
                        w * c.result.as_ref().map_or(0.0, |r| r.cost)
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
    Comparison {
        minimax_regret,
        least_expected_cost,
        cells: cells.to_vec(),
        standings,
        weights,
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
                investment: 0.0,
                dependency: None,
            }),
            regret: None,
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
