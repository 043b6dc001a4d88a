//! `rareflow graph --dot`: the model's network for Graphviz.

use super::stdout::{Outcome, Stdout};
use super::{print_warnings, source, stacked_scenarios};
use crate::cli::GraphArgs;

/// Checks the model (with its scenarios) and prints its network as DOT.
pub fn run(args: GraphArgs, out: &mut Stdout) -> Outcome {
    let src = source(&args.model)?;
    if super::is_all(&args.scenarios.names) {
        return Err(rareflow::error::Error::Usage(
            "--scenarios all: graph draws one network; apply scenarios together, in order".into(),
        )
        .into());
    }
    let scenarios = stacked_scenarios(&src, &args.scenarios.names)?;
    let checked = rareflow::check(&src, &scenarios)?;
    print_warnings(&checked.warnings);
    out.print(&checked.network.to_dot(&checked.model))
}
