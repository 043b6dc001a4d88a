//! Command-line arguments (clap derive types only; the library never
//! depends on clap).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes:
  0  success: a verified plan, or a model with no errors
  1  internal error (a bug, or an unexpected solver failure)
  2  usage: the command line could not be understood
  3  bad data: the model has errors (all are listed)
  4  missing input: the model directory or a required file does not exist
  5  cannot write the results (nothing partial is left)
  6  no plan: infeasible, unbounded, or stopped at a limit before finding one
  7  the solver's plan failed verification against the model";

/// Plans how rare-earth material moves from mines to magnets.
#[derive(Debug, Parser)]
#[command(name = "rareflow", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Output format of the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables for people.
    Table,
    /// JSON for scripts (the same document as summary.json).
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Solve the cost-minimising sourcing plan of a model and report it.
    #[command(after_help = EXIT_CODES)]
    Solve {
        /// Model directory (default: the model built into rareflow).
        model: Option<PathBuf>,
        /// Apply the scenario MODEL/scenarios/NAME.toml (repeatable; applied in order).
        #[arg(long = "scenario", value_name = "NAME")]
        scenarios: Vec<String>,
        /// Write the result files (CSV + summary.json) into this directory.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// How to print the summary.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// HiGHS threads.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=256))]
        threads: u32,
        /// Stop the solver after this many seconds, reporting the best plan found.
        #[arg(long, value_name = "SECONDS", value_parser = positive)]
        time_limit: Option<f64>,
        /// Relative MIP gap at which to stop (for models with build decisions).
        #[arg(long, value_name = "GAP", value_parser = positive)]
        mip_gap: Option<f64>,
        /// Candidates the plan may build: `all` (default), `none`, or a
        /// portfolio of the model's portfolios.csv (its forced members are built).
        #[arg(long, value_name = "NAME")]
        portfolio: Option<String>,
        /// Build decisions as shares in [0, 1] instead of yes/no (an LP, and a
        /// lower bound on the yes/no plan's cost).
        #[arg(long)]
        relax: bool,
    },
    /// Write a synthetic model of any size (for benchmarks and scale tests).
    #[command(after_help = EXIT_CODES)]
    Generate {
        /// Size: 4N mines, 2N separation plants, 2N metal plants, 3N magnet plants.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        scale: u32,
        /// Number of yearly periods from 2025.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=50))]
        years: u32,
        /// Directory to write the model into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Solve every portfolio under every scenario (in parallel) and rank the
    /// portfolios by maximum regret and expected cost.
    #[command(after_help = EXIT_CODES)]
    Compare {
        /// Model directory (default: the model built into rareflow).
        model: Option<PathBuf>,
        /// Portfolios, comma-separated, or `all` (none, each of the model's, all).
        #[arg(long, value_name = "A,B,...", default_value = "all")]
        portfolios: String,
        /// Scenarios, comma-separated (`baseline` = no scenario), or `all`
        /// (baseline and each of the model's).
        #[arg(long, value_name = "X,Y,...", default_value = "all")]
        scenarios: String,
        /// Scenario weights for the expected cost, e.g. `baseline=0.5,china-halt-us=0.2`
        /// (unlisted scenarios weigh 1 before normalising).
        #[arg(long, value_name = "S=W,...")]
        weights: Option<String>,
        /// Dependency column: the share of MARKET's supply made at STAGE
        /// (mined, separated, metal, magnet) in SOURCE, a country code, a
        /// country group of countries.csv (summed over its members) or
        /// `recycled` (mined stage only).
        #[arg(
            long,
            value_name = "SOURCE:MARKET:STAGE",
            default_value = "CN:US:magnet"
        )]
        dependency: String,
        /// Write compare.csv and compare_portfolios.csv into this directory.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// How to print the results.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Build decisions as shares in [0, 1] instead of yes/no.
        #[arg(long)]
        relax: bool,
        /// Stop each solve after this many seconds.
        #[arg(long, value_name = "SECONDS", value_parser = positive)]
        time_limit: Option<f64>,
        /// Relative MIP gap at which each solve stops.
        #[arg(long, value_name = "GAP", value_parser = positive)]
        mip_gap: Option<f64>,
    },
    /// Choose one build plan before the future is known: the two-stage
    /// stochastic program over the scenarios (builds shared, operations per
    /// scenario).
    #[command(after_help = EXIT_CODES)]
    Invest {
        /// Model directory (default: the model built into rareflow).
        model: Option<PathBuf>,
        /// Scenarios, comma-separated (`baseline` = no scenario), or `all`.
        #[arg(long, value_name = "X,Y,...", default_value = "all")]
        scenarios: String,
        /// Scenario probabilities, e.g. `baseline=0.6,china-halt-us=0.4`
        /// (unlisted scenarios weigh 1 before normalising).
        #[arg(long, value_name = "S=W,...")]
        weights: Option<String>,
        /// What the build plan minimises.
        #[arg(long, value_enum, default_value_t = InvestObjective::Expected)]
        objective: InvestObjective,
        /// With `--objective cvar`: the weight of CVaR against expected cost.
        #[arg(long, value_name = "LAMBDA", default_value_t = 1.0, value_parser = positive)]
        risk: f64,
        /// With `--objective cvar`: the CVaR level (mean of the worst 1 - ALPHA of outcomes).
        #[arg(long, value_name = "ALPHA", default_value_t = 0.9, value_parser = level)]
        alpha: f64,
        /// Candidates the plan may build: `all` (default), `none`, or a portfolio.
        #[arg(long, value_name = "NAME")]
        portfolio: Option<String>,
        /// Build decisions as shares in [0, 1] instead of yes/no.
        #[arg(long)]
        relax: bool,
        /// How to print the results.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Stop each solve after this many seconds.
        #[arg(long, value_name = "SECONDS", value_parser = positive)]
        time_limit: Option<f64>,
        /// Relative MIP gap at which each solve stops.
        #[arg(long, value_name = "GAP", value_parser = positive)]
        mip_gap: Option<f64>,
    },
    /// Check a model and list every problem as file:line: column: message.
    #[command(after_help = EXIT_CODES)]
    Validate {
        /// Model directory (default: the model built into rareflow).
        model: Option<PathBuf>,
        /// Apply the scenario MODEL/scenarios/NAME.toml (repeatable; applied in order).
        #[arg(long = "scenario", value_name = "NAME")]
        scenarios: Vec<String>,
    },
    /// List a model's scenarios with their descriptions.
    #[command(after_help = EXIT_CODES)]
    Scenarios {
        /// Model directory (default: the model built into rareflow).
        model: Option<PathBuf>,
    },
}

/// What `invest` minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InvestObjective {
    /// Expected cost over the scenarios.
    Expected,
    /// Largest regret against each scenario's own best plan.
    Regret,
    /// Expected cost plus RISK x CVaR at level ALPHA.
    Cvar,
}

fn level(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..1.0).contains(&v) => Ok(v),
        _ => Err(format!("expected a level in [0, 1), found \"{s}\"")),
    }
}

fn positive(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("expected a finite number >= 0, found \"{s}\"")),
    }
}
