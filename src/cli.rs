//! Command-line arguments: clap derive types only (the library never
//! depends on clap). Options that several subcommands share are declared
//! once, as `#[command(flatten)]` structs; a subcommand that needs a shared
//! option's help to say something of its own rewrites it with `mut_arg`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes:
  0  success: a verified plan, or a model with no errors
  1  internal error (a bug, or an unexpected solver failure)
  2  usage: the command line could not be understood
  3  bad data: the model has errors (all are listed)
  4  missing input: the model directory, a required file, or a named
     scenario or portfolio does not exist (or the model path is a file)
  5  cannot write the results or stdout (no new results are left)
  6  no plan: infeasible, unbounded, or stopped at a limit before finding one
  7  the solver's plan failed verification against the model";

/// Plans how rare-earth material moves from mines to magnets.
#[derive(Debug, Parser)]
#[command(name = "rareflow", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// Say nothing on stderr but errors: no times, counts, warnings about
    /// the model before a solve, or progress bars.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also show HiGHS's log of every solve, on stderr.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Solve a model's sourcing plan, a market equilibrium, and report it.
    #[command(after_help = EXIT_CODES)]
    Solve(SolveArgs),
    /// Solve every portfolio under every future (in parallel) and rank the
    /// portfolios by maximum regret and expected cost.
    #[command(after_help = EXIT_CODES)]
    Compare(CompareArgs),
    /// Choose one build plan before the future is known: the two-stage
    /// stochastic program over the futures (builds shared, operations per
    /// future).
    #[command(after_help = EXIT_CODES)]
    Invest(InvestArgs),
    /// Check a model and list every problem as file:line: column: message.
    #[command(after_help = EXIT_CODES)]
    Validate(ValidateArgs),
    /// List a model's scenarios with their descriptions.
    #[command(after_help = EXIT_CODES)]
    Scenarios(ScenariosArgs),
    /// Write a synthetic model of any size (for benchmarks and scale tests).
    #[command(after_help = EXIT_CODES)]
    Generate(GenerateArgs),
    /// Solve one plan per combination of parameter values (a grid), or per
    /// point of a Latin hypercube sample, in parallel, and tabulate them.
    #[command(after_help = EXIT_CODES)]
    Sweep(SweepArgs),
    /// Join the sweep.csv (or stress.csv) files of a sharded sweep's (or
    /// stress test's) slices into the file the unsharded run writes.
    #[command(after_help = EXIT_CODES)]
    Merge(MergeArgs),
    /// Compare two solved plans (two `solve --out` directories): the cost
    /// and its kinds, each market's deliveries, given-up and unserved
    /// tonnes, spend and mean price, and the trade flows that moved most.
    #[command(after_help = EXIT_CODES)]
    Diff(DiffArgs),
    /// Write the LP (or MIP) that `solve` would solve, for any other solver:
    /// MPS or CPLEX LP, every column and row named in the model's terms.
    #[command(after_help = EXIT_CODES)]
    Export(ExportArgs),
    /// Why a market went without: for every segment given up or unserved
    /// (and every market priced far above the cheapest market of the same
    /// good), the export licences, capacities, lanes, content rules and
    /// tariffs that bind on its supply paths, with what one more tonne of
    /// each is worth.
    #[command(after_help = EXPLAIN_HELP)]
    Explain(ExplainArgs),
    /// Which cut-offs break a market's supply: every set of up to K of its
    /// suppliers (countries, or facilities) cut off from it (or from every
    /// buyer), each solved warm, ranked by what the market goes without
    /// and what it costs its buyers.
    #[command(after_help = EXIT_CODES)]
    Stress(StressArgs),
    /// Write the HTML report of a solved plan from its results directory
    /// (`solve --out DIR`), without solving again.
    #[command(after_help = EXIT_CODES, long_about = REPORT_ABOUT)]
    Report(ReportArgs),
    /// Print the model's network (facilities, markets and lanes) for
    /// Graphviz.
    #[command(after_help = EXIT_CODES)]
    Graph(GraphArgs),
    /// Write the built-in model (models/global) into a new or empty
    /// directory, to edit it or add scenarios, then solve it with
    /// `rareflow solve DIR`.
    #[command(after_help = EXIT_CODES)]
    Init(InitArgs),
    /// Print a shell's completion script for rareflow on stdout.
    Completions(CompletionsArgs),
    /// Print rareflow's man page (roff) on stdout.
    Man,
}

const REPORT_ABOUT: &str = "\
Write the HTML report of a solved plan from its results directory (what
`solve --out DIR` wrote), without solving again: the same page `solve --html`
writes. It reads summary.json, markets.csv and flow_origins.csv (which holds
every lane's tonnes by where they were mined, traced when the plan was
solved), so it needs neither the model nor a solver. A file missing from DIR
is exit 4 (a results directory written before flow_origins.csv existed needs
`solve --out` again); a file that is not what `solve --out` writes is exit 3,
with its line; a report that cannot be written is exit 5, and FILE is then
left as it was.";

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

const EXPLAIN_HELP: &str = "\
Method: the market's supply paths are followed backwards through the solved
plan (the lanes that delivered, the facilities they came from, the lanes that
fed those facilities' inputs, up to the mines). On them, a constraint binds
when its shadow price is positive: an export licence covering a lane that
carried tonnes for the market, or a lane into it that no other ban closes (an
origin-wide control: whenever its destinations include the market's country;
an end-use control: when the use is one of the market's sectors), a content
rule of the market's country on its good, a facility's capacity (valued per
tonne a year of its product), a lane at its capacity (the price difference
across it less transport, tariffs and licences). Tariffs are wedges: paid per
tonne on the borders crossed, or keeping a cheaper source out (never one a ban
closes). Values are marginal (one tonne), in the period's money, and in
present value in the JSON.

Exit codes: as for solve (0 success, 2 usage, 3 bad data, 4 missing input or
unknown name, 6 no plan, 7 verification failed).";

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
    #[arg(long, value_name = "S=W,...")]
    pub weights: Option<String>,
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
    /// moved most (only `--market`'s, when given).
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
    /// unserved) or credit[CONTRACT] (a credit contract's $ per unit: a
    /// production credit or a price floor's top-up). RANGE is FROM..TO:STEP
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
    /// 50 cases, each solved warm from the one before), and the slice holds
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

fn level(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..1.0).contains(&v) => Ok(v),
        _ => Err(format!("expected a level in [0, 1), found \"{s}\"")),
    }
}

/// A relative gap: 0 (prove the optimum) to 1 (take the first plan found).
fn gap(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("expected a gap between 0 and 1, found \"{s}\"")),
    }
}

fn positive(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("expected a finite number >= 0, found \"{s}\"")),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
