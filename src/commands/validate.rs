//! `rareflow validate`: every problem in a model, with the scenarios given
//! applied together, or under each scenario in turn (`--scenarios all`).

use rareflow::compare::BASELINE;
use rareflow::error::{Diagnostic, Error, Severity};
use rareflow::Checked;

use super::stdout::{note, Outcome, Stdout};
use super::{print_warnings, source, source_name, stacked_scenarios, ModelSource};
use crate::cli::ValidateArgs;

/// Checks the model; problems go to stderr, the verdict to stdout.
pub fn run(args: ValidateArgs, out: &mut Stdout) -> Outcome {
    let src = source(&args.model)?;
    if super::is_all(&args.scenarios.names) {
        return each_scenario(&src, out);
    }
    let scenarios = stacked_scenarios(&src, &args.scenarios.names)?;
    let checked = rareflow::check(&src, &scenarios)?;
    print_warnings(&checked.warnings);
    out.line(format!("{}: ok ({})", source_name(&src), counts(&checked)))
}

/// What a checked model holds, for the verdict line.
fn counts(checked: &Checked) -> String {
    let m = &checked.model;
    format!(
        "{} countries, {} commodities, {} processes, {} facilities, {} lanes, {} demand segments, {} periods; {} warning(s)",
        m.countries.len(),
        m.commodities.len(),
        m.processes.len(),
        m.facilities.len(),
        checked.network.lanes().len(),
        m.demand.len(),
        m.periods.len(),
        checked.warnings.items().len()
    )
}

/// The model alone, then under each of its scenarios in turn: one verdict
/// line per check on stdout, then every distinct problem once on stderr
/// (a problem in the model itself shows up under every scenario).
fn each_scenario(src: &ModelSource, out: &mut Stdout) -> Outcome {
    let mut futures = vec![BASELINE.to_string()];
    futures.extend(src.scenario_names());
    let (mut warnings, mut errors) = (Distinct::default(), Distinct::default());
    for name in &futures {
        let scenarios = if name == BASELINE {
            Vec::new()
        } else {
            vec![name.clone()]
        };
        let label = format!("{}, {name}", source_name(src));
        match rareflow::check(src, &scenarios) {
            Ok(checked) => {
                out.line(format!("{label}: ok ({})", counts(&checked)))?;
                warnings.keep_new(checked.warnings.items());
            }
            Err(Error::Invalid(found)) => {
                let (e, w): (Vec<Diagnostic>, Vec<Diagnostic>) = found
                    .into_iter()
                    .partition(|d| d.severity == Severity::Error);
                out.line(format!("{label}: {} error(s)", e.len()))?;
                warnings.keep_new(&w);
                errors.keep_new(&e);
            }
            Err(other) => return Err(other.into()),
        }
    }
    for w in &warnings.items {
        note(w);
    }
    if errors.items.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(errors.items).into())
    }
}

/// Diagnostics kept once each, in the order first found.
#[derive(Default)]
struct Distinct {
    seen: std::collections::HashSet<String>,
    items: Vec<Diagnostic>,
}

impl Distinct {
    /// Appends the diagnostics of `found` not already kept.
    fn keep_new(&mut self, found: &[Diagnostic]) {
        for d in found {
            if self.seen.insert(d.to_string()) {
                self.items.push(d.clone());
            }
        }
    }
}
