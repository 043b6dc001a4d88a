//! `rareflow scenarios`: a model's scenarios with their descriptions.

use super::stdout::{Outcome, Stdout};
use super::{scenario, source, source_name};
use crate::cli::ScenariosArgs;

/// Prints one line per scenario: its name and description.
pub fn run(args: ScenariosArgs, out: &mut Stdout) -> Outcome {
    let src = source(&args.model)?;
    let names = src.scenario_names();
    if names.is_empty() {
        out.line(format!("{}: no scenarios", source_name(&src)))?;
    }
    let width = names.iter().map(String::len).max().unwrap_or(0);
    for name in names {
        let file = format!("{}/{name}.toml", scenario::FOLDER);
        let text = src
            .read(&file)?
            .map(|b| String::from_utf8_lossy(&b).into_owned());
        let description = text
            .as_deref()
            .and_then(scenario::description)
            .unwrap_or_else(|| "(no description)".to_string());
        out.line(format!("{name:width$}  {description}"))?;
    }
    Ok(())
}
