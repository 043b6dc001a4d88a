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
use crate::model::Model;
use crate::solver::SolveOptions;
use crate::trace::{trace, RECYCLED, STAGES};

/// The name of the cell solved without any scenario.
pub const BASELINE: &str = "baseline";

/// What a solved cell measures.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CellResult {
    /// The plan's objective, present value: system cost plus the value of
    /// the demand given up or unserved, less the value of what was bought
    /// beyond the reference demand. Within a future it differs from system
    /// cost net of the value of demand served by a constant (the value of
    /// the reference demand), so it ranks portfolios the same way.
    pub cost: f64,
    /// Unserved (critical) tonnes over the horizon.
    pub shortage_t: f64,
    /// Tonnes given up as prices rose, over the horizon.
    pub given_up_t: f64,
    /// What the dependency market's buyers spent over the horizon,
    /// undiscounted.
    pub market_spend: f64,
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
    /// How it was solved: warm on its portfolio's baseline, or from
    /// scratch.
    pub start: How,
}

/// What the dependency column measures: the share of `market`'s supply
/// made at `stage` (index into [`STAGES`]) in `source`.
#[derive(Debug, Clone)]
pub struct DependencyMeasure {
    /// Where: a country code (`CN`), a country group of `countries.csv`
    /// (`feoc`: the sum over its member countries), or [`RECYCLED`]
    /// (secondary supply, at the mined stage only).
    pub source: String,
    /// Market country code, e.g. `US`.
    pub market: String,
    /// Traced stage index (3 = magnet).
    pub stage: usize,
}

impl DependencyMeasure {
    /// As written: `CN:US:magnet`.
    pub fn label(&self) -> String {
        format!("{}:{}:{}", self.source, self.market, STAGES[self.stage])
    }

    /// Reads `SOURCE:MARKET:STAGE` and checks each word against `model`.
    ///
    /// # Errors
    /// [`Error::Usage`] naming the first word that is not a known source,
    /// country or stage, with the words it could be.
    pub fn parse(text: &str, model: &Model) -> Result<Self> {
        let usage = |m: String| Error::Usage(format!("--dependency {text}: {m}"));
        let [source, market, stage] = text.split(':').collect::<Vec<_>>()[..] else {
            return Err(usage(
                "expected SOURCE:MARKET:STAGE, e.g. CN:US:magnet".into(),
            ));
        };
        let codes: Vec<String> = model.countries.iter().map(|c| c.code.clone()).collect();
        let mut sources = codes.clone();
        for c in &model.countries {
            for g in &c.groups {
                if !sources.contains(g) {
                    sources.push(g.clone());
                }
            }
        }
        sources.push(RECYCLED.to_string());
        let stages: Vec<String> = STAGES.iter().map(|s| s.to_string()).collect();
        let unknown = |word: &str, what: &str, known: &[String]| {
            let close = known
                .iter()
                .find(|k| k.eq_ignore_ascii_case(word))
                .map_or_else(
                    || crate::error::suggestion(word, known),
                    |k| format!("; did you mean \"{k}\"?"),
                );
            usage(format!(
                "\"{word}\" is not {what}{close} (expected one of: {})",
                known.join(", ")
            ))
        };
        if !sources.iter().any(|s| s == source) {
            let what = "a country code, a country group or \"recycled\"";
            return Err(unknown(source, what, &sources));
        }
        if !codes.iter().any(|c| c == market) {
            return Err(unknown(market, "a country code", &codes));
        }
        let Some(stage) = STAGES.iter().position(|s| *s == stage) else {
            return Err(unknown(stage, "a traced stage", &stages));
        };
        if source == RECYCLED && stage != 0 {
            return Err(usage(format!(
                "recycled supply is traced at the {} stage only",
                STAGES[0]
            )));
        }
        Ok(DependencyMeasure {
            source: source.to_string(),
            market: market.to_string(),
            stage,
        })
    }

    /// The slots of a traced stage's vector (see [`crate::trace::Mix`])
    /// that `source` covers in `model`: the country, every member of the
    /// group, or the recycled slot.
    pub fn source_slots(&self, model: &Model) -> Vec<usize> {
        if self.source == RECYCLED {
            return vec![model.countries.len()];
        }
        model
            .countries
            .iter()
            .enumerate()
            .filter(|(_, c)| c.code == self.source || c.groups.contains(&self.source))
            .map(|(k, _)| k)
            .collect()
    }
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
    /// How the cells were solved (warm on their portfolio's baseline, or
    /// from scratch).
    pub solved: Tally,
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

/// What a solved plan measures: its cost, what went unserved and given up,
/// the dependency market's spend and the dependency share `measure` asks
/// for.
pub fn measure_plan(s: &crate::engine::Solved, measure: &DependencyMeasure) -> CellResult {
    let segments = crate::report::markets::segment_results(&s.model, &s.plan);
    measure_segments(s, measure, &segments)
}

/// [`measure_plan`], given the plan's segment results.
pub fn measure_segments(
    s: &crate::engine::Solved,
    measure: &DependencyMeasure,
    segments: &[crate::report::markets::SegmentResult],
) -> CellResult {
    let years = |t: usize| f64::from(s.model.periods[t].years);
    let shortage_t = s.plan.shortage_tonnes(&s.model);
    let given_up_t = s.plan.given_up_tonnes(&s.model);
    let market_spend: f64 = segments
        .iter()
        .filter(|r| {
            let seg = &s.model.demand[r.segment];
            s.model.countries[seg.country.0].code == measure.market
        })
        .map(|r| r.spend * years(s.model.demand[r.segment].period.0))
        .sum();
    let dep = trace(&s.model, &s.network, &s.plan);
    let slots = measure.source_slots(&s.model);
    let (mut from_source, mut total) = (0.0, 0.0);
    // Only what has been through the stage asked for: La/Ce oxide for
    // glass was never made into magnets, and would dilute the share.
    let reached = |c: crate::model::CommodityId| {
        crate::trace::commodity_stage(s.model.commodities[c.0].stage)
            .is_some_and(|k| k >= measure.stage)
    };
    for m in dep
        .markets
        .iter()
        .filter(|m| s.model.countries[m.country.0].code == measure.market && reached(m.commodity))
    {
        let v = &m.mix[measure.stage];
        let all: f64 = v.iter().sum();
        let share = if all > 0.0 {
            slots.iter().map(|&k| v[k]).sum::<f64>() / all
        } else {
            0.0
        };
        let t = m.delivered * years(m.period.0);
        from_source += share * t;
        total += t;
    }
    CellResult {
        cost: s.plan.objective,
        shortage_t,
        given_up_t,
        market_spend,
        investment: s.plan.costs.investment,
        dependency: (total > 0.0).then(|| from_source / total),
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
    measure: &DependencyMeasure,
    tick: &(dyn Fn() + Sync),
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
    comparison
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
    let mut solved = Tally::default();
    cells.iter().for_each(|c| solved.add(c.start));
    Comparison {
        minimax_regret,
        least_expected_cost,
        cells: cells.to_vec(),
        standings,
        weights,
        solved,
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

    fn tiny() -> Model {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/tiny");
        crate::check(&ModelSource::dir(dir).unwrap(), &[])
            .unwrap()
            .model
    }

    #[test]
    fn a_dependency_source_is_a_country_a_group_or_recycled() {
        let m = tiny();
        let slots = |t: &str| DependencyMeasure::parse(t, &m).unwrap().source_slots(&m);
        // Countries in file order: AU CN JP MM US; feoc is CN alone.
        assert_eq!(slots("JP:US:magnet"), vec![2]);
        assert_eq!(slots("feoc:US:metal"), vec![1]);
        assert_eq!(slots("recycled:JP:mined"), vec![5]);
        for (bad, word) in [
            (
                "XX:US:magnet",
                "\"XX\" is not a country code, a country group",
            ),
            ("cn:US:magnet", "did you mean \"CN\"?"),
            ("CN:ZZ:magnet", "\"ZZ\""),
            ("CN:US:magnets", "did you mean \"magnet\"?"),
            ("recycled:US:magnet", "mined stage only"),
            ("CN:US", "expected SOURCE:MARKET:STAGE"),
        ] {
            let e = DependencyMeasure::parse(bad, &m).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            assert!(e.to_string().contains(word), "{bad}: {e}");
        }
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
