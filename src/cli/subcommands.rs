//! One argument struct per subcommand.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::shared::*;

// ---------------------------------------------------------------------------
// One struct per subcommand.

/// `rareflow solve`.
#[derive(Debug, Args)]
#[command(
    mut_arg("names", |a| a.long_help(
        "Apply the scenario MODEL/scenarios/NAME.toml; repeat the flag or list names \
         comma-separated to apply several together, in the order given. `all` is refused: \
         scenarios stack here, while `compare` and `invest` solve each future on its own"
    )),
    mut_arg("out", |a| a.help("Write the result files (CSV + summary.json) into this directory")),
    mut_arg("format", |a| a.help("How to print the results: tables, or JSON (the summary.json document)")),
)]
pub struct SolveArgs {
    #[command(flatten)]
    pub model: ModelArg,
    #[command(flatten)]
    pub scenarios: ScenarioStack,
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Also solve the model under this scenario (`baseline`: none), with
    /// the same portfolio and options, and print what differs from it: the
    /// cost and its kinds, the markets that changed, the trade flows that
    /// moved most (only `--market`'s, when given). It keeps this plan's
    /// builds when they are within the gap of its best, so the two differ
    /// by their futures, not by the solver's pick among build plans.
    #[arg(long, value_name = "SCENARIO")]
    pub against: Option<String>,
    #[command(flatten)]
    pub portfolio: PortfolioArg,
    #[command(flatten)]
    pub solver: SolverArgs,
    #[command(flatten)]
    pub output: Output,
    /// Write the HTML report of the plan to FILE (a self-contained page:
    /// the Sankey of the plan by period and market, coloured by where the
    /// material was mined, the cost, markets, prices and dependency),
    /// after the plan is verified and after --out's files. Not inside the
    /// model's directory or --out's.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    #[command(flatten)]
    pub nodes: NodesArg,
}

/// `rareflow report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Results directory of a solved plan (from `solve --out`).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Write the report to FILE (default: stdout). Not inside DIR, which
    /// holds only result files.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    #[command(flatten)]
    pub nodes: NodesArg,
}

/// `rareflow graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub model: ModelArg,
    #[command(flatten)]
    pub scenarios: ScenarioStack,
    /// Print the network in Graphviz's DOT language (the one format, and
    /// required): facilities and markets as nodes labelled by id
    /// (`market:US`), lanes as edges labelled by commodity. For example
    /// `rareflow graph models/tiny --dot | dot -Tsvg > network.svg`.
    #[arg(long, required = true)]
    pub dot: bool,
}

/// `rareflow init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The directory to write the model into: created when missing, and
    /// refused (exit 5, nothing written) when it holds anything.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// `rareflow completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell, e.g. `rareflow completions bash > /etc/bash_completion.d/rareflow`.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// `rareflow compare`.
#[derive(Debug, Args)]
#[command(
    mut_arg("threads", |a| a.help(
        "Workers: cells solved at once, each on one HiGHS thread kept warm (default: one per core)"
    )),
    mut_arg("out", |a| a.help("Write compare.csv and compare_portfolios.csv into this directory")),
    mut_arg("format", |a| a.help(
        "How to print the results: tables, or JSON (the comparison document: \
         cells, standings, picks, weights)"
    )),
)]
pub struct CompareArgs {
    #[command(flatten)]
    pub model: ModelArg,
    /// Portfolios, comma-separated, or `all` (the default: none, each of
    /// the model's portfolios, and all).
    #[arg(long, value_name = "A,B,...", value_delimiter = ',')]
    pub portfolios: Vec<String>,
    #[command(flatten)]
    pub futures: Futures,
    #[command(flatten)]
    pub dependency: DependencyArg,
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Also write a self-contained HTML page (plotly.js inlined) of
    /// the heat maps of the comparison (portfolio × future: objective, unserved, given up, regret) to FILE, after the results are printed.
    #[arg(long, value_name = "FILE")]
    pub html: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub solver: SolverArgs,
    #[command(flatten)]
    pub output: Output,
}

/// `rareflow invest`.
#[derive(Debug, Args)]
#[command(mut_arg("format", |a| a.help(
    "How to print the results: tables, or JSON (the investment document: \
     builds chosen, each future's outcome, EVPI and VSS)"
)))]
pub struct InvestArgs {
    #[command(flatten)]
    pub model: ModelArg,
    #[command(flatten)]
    pub futures: Futures,
    /// What the build plan minimises.
    #[arg(long, value_enum, default_value_t = InvestObjective::Expected)]
    pub objective: InvestObjective,
    /// With `--objective cvar`: the weight of CVaR against expected cost.
    #[arg(
        long,
        value_name = "LAMBDA",
        default_value_t = 1.0,
        allow_negative_numbers = true,
        value_parser = positive
    )]
    pub risk: f64,
    /// With `--objective cvar`: the CVaR level (mean of the worst 1 - ALPHA of outcomes).
    #[arg(
        long,
        value_name = "ALPHA",
        default_value_t = 0.9,
        allow_negative_numbers = true,
        value_parser = level
    )]
    pub alpha: f64,
    #[command(flatten)]
    pub portfolio: PortfolioArg,
    #[command(flatten)]
    pub solver: SolverArgs,
    #[command(flatten)]
    pub format: FormatArg,
}

/// `rareflow validate`.
#[derive(Debug, Args)]
#[command(mut_arg("names", |a| a.long_help(
    "Apply the scenario MODEL/scenarios/NAME.toml; repeat the flag or list names \
     comma-separated to apply several together, in the order given. `all`: check the \
     model alone, then under each of its scenarios in turn"
)))]
pub struct ValidateArgs {
    #[command(flatten)]
    pub model: ModelArg,
    #[command(flatten)]
    pub scenarios: ScenarioStack,
}

/// `rareflow scenarios`.
#[derive(Debug, Args)]
pub struct ScenariosArgs {
    #[command(flatten)]
    pub model: ModelArg,
}

/// `rareflow sweep`.
#[derive(Debug, Args)]
#[command(
    mut_arg("threads", |a| a.help(
        "Workers: cases solved at once, each on one HiGHS thread kept warm (default: one per core)"
    )),
    mut_arg("out", |a| a.help("Write sweep.csv into this directory")),
    mut_arg("format", |a| a.help(
        "How to print the results: a table, or JSON (the parameters and one entry per case)"
    )),
)]
pub struct SweepArgs {
    #[command(flatten)]
    pub model: ModelArg,
    /// A parameter and its values, PARAM=RANGE; repeat for a grid of every
    /// combination. PARAM is cap[EXPORT_CONTROL], tariff[MEASURE_NAME],
    /// tariff[IMPORTER<EXPORTER,GOODS] (a duty added on top of the
    /// model's), capacity[FACILITY], online[FACILITY],
    /// demand[COUNTRY,SECTOR] (a factor; * for any),
    /// penalty[COUNTRY,SECTOR] (the $/t value of critical demand left
    /// unserved), credit[CONTRACT] (a credit contract's $ per unit: a
    /// production credit or a price floor's top-up) or premium[RULE] (the
    /// $/t premium of a content rule that is an origin preference). RANGE is FROM..TO:STEP
    /// (both ends included), A,B,C or one value, e.g.
    /// 'cap[cn-licence-magnets-us]=0..9000:1000', 'demand[*,ev]=x0.8..x1.2:0.1'.
    #[arg(long = "set", value_name = "PARAM=RANGE", required = true)]
    pub set: Vec<String>,
    /// Instead of the grid, N cases sampled by Latin hypercube over each
    /// parameter's range (its smallest to its largest value).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub samples: Option<u32>,
    /// Seed of the sample (the same seed gives the same cases).
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
    /// Solve only slice K of N of the cases, for a job array: the cases
    /// come in chains of consecutive cases (a sixteenth of the sweep, 1 to
    /// 100 cases, each solved warm from the one before), and the slice holds
    /// chains K, K+N, K+2N...; `rareflow merge` joins the slices' sweep.csv
    /// files.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    #[command(flatten)]
    pub scenarios: ScenarioStack,
    #[command(flatten)]
    pub portfolio: PortfolioArg,
    #[command(flatten)]
    pub dependency: DependencyArg,
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Also write a self-contained HTML page (plotly.js inlined) of
    /// each case's objective and unserved demand against each swept parameter to FILE, after the results are printed.
    #[arg(long, value_name = "FILE")]
    pub html: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub solver: SolverArgs,
    #[command(flatten)]
    pub output: Output,
}

/// `rareflow merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The slices' result directories (each with a sweep.csv, or each with
    /// a stress.csv).
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// The directory to write the joined file into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// `rareflow diff`.
#[derive(Debug, Args)]
#[command(mut_arg("format", |a| a.help(
    "How to print the comparison: tables, or JSON (the objective, costs, markets and flows, each as A and B)"
)))]
pub struct DiffArgs {
    /// Result directory of plan A (from `solve --out`).
    #[arg(value_name = "A")]
    pub a: PathBuf,
    /// Result directory of plan B.
    #[arg(value_name = "B")]
    pub b: PathBuf,
    /// Only this country's markets, and the flows into or out of it.
    #[arg(long, value_name = "COUNTRY")]
    pub market: Option<String>,
    /// How many of the flows that moved most to show.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
    #[command(flatten)]
    pub format: FormatArg,
}

/// `rareflow explain`.
#[derive(Debug, Args)]
#[command(mut_arg("format", |a| a.help(
    "How to print the explanation: sentences and a table, or JSON (the headline, every \
     shortfall and premium with every binding constraint and its value)"
)))]
pub struct ExplainArgs {
    #[command(flatten)]
    pub model: ModelArg,
    #[command(flatten)]
    pub scenarios: ScenarioStack,
    #[command(flatten)]
    pub scope: ScopeArgs,
    #[command(flatten)]
    pub portfolio: PortfolioArg,
    #[command(flatten)]
    pub solver: SolverArgs,
    /// How many shortfalls and premiums to explain in the terminal (JSON
    /// has all).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
    #[command(flatten)]
    pub format: FormatArg,
}

/// Whose cut-offs `stress` tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StressBy {
    /// Countries: every facility of each.
    Country,
    /// Single facilities.
    Facility,
}

/// A stage of the chain whose goods `stress` cuts off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StressStage {
    /// Ore and concentrate.
    Mined,
    /// Oxide.
    Separated,
    /// Metal and alloy.
    Metal,
    /// Magnets.
    Magnet,
}

/// `rareflow stress`.
#[derive(Debug, Args)]
#[command(
    mut_arg("threads", |a| a.help(
        "Workers: cases solved at once, each on one HiGHS thread kept warm (default: one per core)"
    )),
    mut_arg("out", |a| a.help("Write stress.csv into this directory")),
    mut_arg("format", |a| a.help(
        "How to print the results: the rankings, or JSON (the reference and one entry per case)"
    )),
)]
pub struct StressArgs {
    #[command(flatten)]
    pub model: ModelArg,
    #[command(flatten)]
    pub scenarios: ScenarioStack,
    /// The market: a demand country (e.g. US).
    #[arg(long, value_name = "COUNTRY")]
    pub market: String,
    /// Only this sector's demand is measured (e.g. defence).
    #[arg(long, value_name = "SECTOR")]
    pub sector: Option<String>,
    /// Up to this many suppliers cut off at once.
    #[arg(
        long,
        default_value_t = 2,
        value_parser = clap::value_parser!(u32).range(1..=5)
    )]
    pub k: u32,
    /// The year the cut-offs start (and from which the market is
    /// measured; default: the first period).
    #[arg(long, value_name = "YEAR")]
    pub from: Option<String>,
    /// Cut off countries or single facilities: those on the market's
    /// supply paths in the plan with nothing cut off, outside the market's
    /// country.
    #[arg(long, value_enum, default_value_t = StressBy::Country)]
    pub by: StressBy,
    /// Cut the suppliers off from every buyer, not only the market's
    /// country.
    #[arg(long)]
    pub global: bool,
    /// Cut off only goods of these stages, comma-separated: `mined` (ore
    /// and concentrate), `separated` (oxide), `metal` (metal and alloy),
    /// `magnet` (default: every good).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STAGE,...")]
    pub stages: Vec<StressStage>,
    /// Solve only slice K of N (whole chains of cases); `rareflow merge`
    /// joins the slices' stress.csv files.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// How many cases each ranking shows.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
    #[command(flatten)]
    pub portfolio: PortfolioArg,
    #[command(flatten)]
    pub solver: SolverArgs,
    #[command(flatten)]
    pub output: Output,
}

/// `rareflow export`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("file").required(true).args(["mps", "lp"])))]
pub struct ExportArgs {
    #[command(flatten)]
    pub model: ModelArg,
    #[command(flatten)]
    pub scenarios: ScenarioStack,
    #[command(flatten)]
    pub portfolio: PortfolioArg,
    /// Build decisions as shares in [0, 1] instead of yes/no (an LP).
    #[arg(long)]
    pub relax: bool,
    /// Write the problem as MPS to FILE. Its objective includes the plan's
    /// constant costs as an offset, so its optimum is the total cost
    /// `solve` reports.
    #[arg(long, value_name = "FILE")]
    pub mps: Option<PathBuf>,
    /// Write the problem as CPLEX LP to FILE (as for --mps).
    #[arg(long, value_name = "FILE")]
    pub lp: Option<PathBuf>,
}

/// `rareflow generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Size: 4N mines, 2N separation plants, 2N metal plants, 3N magnet plants.
    #[arg(
        long,
        default_value_t = 10,
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u32).range(1..=10_000)
    )]
    pub scale: u32,
    /// Number of yearly periods from 2025.
    #[arg(
        long,
        default_value_t = 5,
        allow_negative_numbers = true,
        value_parser = clap::value_parser!(u32).range(1..=50)
    )]
    pub years: u32,
    /// Directory to write the model into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// What `invest` minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InvestObjective {
    /// Expected cost over the futures.
    Expected,
    /// Largest regret against each future's own best plan.
    Regret,
    /// Expected cost plus RISK x CVaR at level ALPHA.
    Cvar,
}
