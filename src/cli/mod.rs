//! Command-line arguments: clap derive types only (the library never
//! depends on clap). Options that several subcommands share are declared
//! once, as `#[command(flatten)]` structs; a subcommand that needs a shared
//! option's help to say something of its own rewrites it with `mut_arg`.

use clap::{Parser, Subcommand};

mod shared;
mod subcommands;

pub use shared::*;
pub use subcommands::*;

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
    /// good), the export limits, capacities, lanes, content rules and
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

const EXPLAIN_HELP: &str = "\
Method: the market's supply paths are followed backwards through the solved
plan (the lanes that delivered, the facilities they came from, the lanes that
fed those facilities' inputs, up to the mines). On them, a constraint binds
when its shadow price is positive: an export limit (a licence, a ban or a
contract limit of export_controls.csv) covering a lane that
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
