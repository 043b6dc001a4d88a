//! Options that several subcommands share, declared once and flattened
//! into each (`#[command(flatten)]`), and the parsers of their values.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

// ---------------------------------------------------------------------------
// Options shared by several subcommands.

/// The model to work on.
#[derive(Debug, Args)]
pub struct ModelArg {
    /// Model directory (default: the model built into rareflow).
    pub model: Option<PathBuf>,
}

/// Scenarios applied together, in order (`solve`, `validate`).
#[derive(Debug, Args)]
pub struct ScenarioStack {
    /// Apply the scenario MODEL/scenarios/NAME.toml; repeat the flag or
    /// list names comma-separated to apply several together, in the order
    /// given.
    #[arg(
        long = "scenario",
        visible_alias = "scenarios",
        value_name = "NAME",
        value_delimiter = ','
    )]
    pub names: Vec<String>,
}

/// Futures solved one by one (`compare`, `invest`).
#[derive(Debug, Args)]
pub struct Futures {
    /// The futures: scenario names, repeated or comma-separated, each one
    /// future on its own (`baseline` = no scenario), or `all` (the default:
    /// baseline and every scenario of the model).
    #[arg(
        long = "scenarios",
        visible_alias = "scenario",
        value_name = "X,Y,...",
        value_delimiter = ','
    )]
    pub names: Vec<String>,
    /// Weights of the futures, e.g. `baseline=0.5,china-halt-us=0.2`;
    /// each name must be one of the futures (unlisted ones weigh 1, and
    /// weights are normalised).
    #[arg(long, value_name = "S=W,...", value_delimiter = ',', value_parser = weight)]
    pub weights: Vec<(String, f64)>,
}

/// Which candidates a plan may build (`solve`, `invest`).
#[derive(Debug, Args)]
pub struct PortfolioArg {
    /// Candidates the plan may build: `all` (default), `none`, or a
    /// portfolio of the model's portfolios.csv (its forced members are built).
    #[arg(long, value_name = "NAME")]
    pub portfolio: Option<String>,
}

/// The dependency column (`compare`, `sweep`).
#[derive(Debug, Args)]
pub struct DependencyArg {
    /// Dependency column: the share of MARKET's supply made at STAGE
    /// (mined, separated, metal, magnet) in SOURCE, a country code, a
    /// country group of countries.csv (summed over its members) or
    /// `recycled` (mined stage only) [default: CN:US:magnet, or CN:C:magnet
    /// with --market C].
    #[arg(long, value_name = "SOURCE:MARKET:STAGE")]
    pub dependency: Option<String>,
}

/// How HiGHS runs (`solve`, `compare`, `invest`).
#[derive(Debug, Args)]
pub struct SolverArgs {
    /// HiGHS threads (default 1).
    #[arg(
        long,
        short = 'j',
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u32).range(1..=256)
    )]
    pub threads: Option<u32>,
    /// Stop each solve after this many seconds, keeping the best plan found.
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true, value_parser = positive)]
    pub time_limit: Option<f64>,
    /// Relative MIP gap, in [0, 1], at which each solve stops (for build
    /// decisions; default 0.001, a plan within 0.1% of the best; 0 proves
    /// the best; 1 takes the first plan found).
    #[arg(long, value_name = "GAP", allow_negative_numbers = true, value_parser = gap)]
    pub mip_gap: Option<f64>,
    /// Build decisions as shares in [0, 1] instead of yes/no (an LP, and a
    /// lower bound on the yes/no plan's cost).
    #[arg(long)]
    pub relax: bool,
}

/// The part of the world to show (`solve`, `explain`, `compare`,
/// `sweep`): filters what is printed and what the headline numbers mean.
#[derive(Debug, Args)]
pub struct ScopeArgs {
    /// A demand country (e.g. US): only its market; the headline is what
    /// its buyers spent, received, gave up and went without.
    #[arg(long, value_name = "COUNTRY")]
    pub market: Option<String>,
    /// A sector (e.g. defence): only its demand.
    #[arg(long, value_name = "SECTOR")]
    pub sector: Option<String>,
    /// A year (2030) or a range of years (2028..2031): only the periods
    /// that overlap it.
    #[arg(
        long,
        visible_alias = "period",
        value_name = "A..B",
        allow_hyphen_values = true
    )]
    pub periods: Option<String>,
}

/// How to print the results (`solve`, `compare`, `invest`; each rewrites
/// the help to name its own JSON document).
#[derive(Debug, Args)]
pub struct FormatArg {
    /// How to print the results.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Printed results and result files (`solve`, `compare`).
#[derive(Debug, Args)]
pub struct Output {
    /// Write the result files into this directory (created when missing;
    /// the whole set replaced at once, only on success).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub format: FormatArg,
}

/// Output format of the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables for people.
    Table,
    /// JSON for scripts.
    Json,
}

pub(super) fn level(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..1.0).contains(&v) => Ok(v),
        _ => Err(format!("expected a level in [0, 1), found \"{s}\"")),
    }
}

/// A relative gap: 0 (prove the optimum) to 1 (take the first plan found).
/// One `SCENARIO=WEIGHT` pair, the weight a finite number >= 0.
fn weight(s: &str) -> Result<(String, f64), String> {
    let (name, w) =
        (s.split_once('=')).ok_or_else(|| format!("expected SCENARIO=WEIGHT, found \"{s}\""))?;
    match w.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok((name.trim().to_string(), v)),
        _ => Err(format!("expected a weight >= 0, found \"{}\"", w.trim())),
    }
}

pub(super) fn gap(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("expected a gap between 0 and 1, found \"{s}\"")),
    }
}

pub(super) fn positive(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("expected a finite number >= 0, found \"{s}\"")),
    }
}

/// The Sankey's nodes in the HTML report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SankeyNodes {
    /// One node per country and step of the chain (`CN separation`).
    Country,
    /// One node per facility, and one per country's market.
    Facility,
}

/// How the HTML report groups its Sankey (`solve`, `report`).
#[derive(Debug, Args)]
pub struct NodesArg {
    /// The HTML report's Sankey nodes: one per country and step, or one per
    /// facility.
    #[arg(long, value_enum, default_value_t = SankeyNodes::Country)]
    pub nodes: SankeyNodes,
}
