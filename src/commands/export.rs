//! `rareflow export`: the problem `solve` would solve, written for any
//! other solver.

use rareflow::error::Error;
use rareflow::export::Format;
use rareflow::solver::SolveOptions;

use super::stdout::{Outcome, Stdout};
use super::{print_warnings, source, stacked_scenarios};
use crate::cli::ExportArgs;

/// Checks the model, builds its problem and writes it to `--mps` or `--lp`; the file
/// is written whole or not at all. The model's directory is refused.
pub fn run(args: ExportArgs, out: &mut Stdout) -> Outcome {
    let src = source(&args.model)?;
    if super::is_all(&args.scenarios.names) {
        return Err(Error::Usage(
            "--scenarios all: export writes one problem; apply scenarios together, in order".into(),
        )
        .into());
    }
    let scenarios = stacked_scenarios(&src, &args.scenarios.names)?;
    let (file, format) = match (&args.mps, &args.lp) {
        (Some(f), _) => (f.clone(), Format::Mps),
        (None, Some(f)) => (f.clone(), Format::Lp),
        (None, None) => return Err(Error::Usage("give --mps FILE or --lp FILE".into()).into()),
    };
    if let (Some(dir), Some(parent)) = (src.path(), file.parent()) {
        let inside = std::fs::canonicalize(parent)
            .ok()
            .zip(std::fs::canonicalize(dir).ok())
            .is_some_and(|(p, d)| p.starts_with(d));
        if inside {
            return Err(Error::Write {
                path: file.clone(),
                reason: "not inside the model's own directory".into(),
            }
            .into());
        }
    }
    let checked = rareflow::check(&src, &scenarios)?;
    print_warnings(&checked.warnings);
    let opts = SolveOptions {
        relax: args.relax,
        portfolio: args.portfolio.portfolio,
        ..SolveOptions::default()
    };
    let size = rareflow::export::export(checked, &opts, &file, format)?;
    out.line(format!(
        "wrote {}: {} columns ({} yes/no build decisions), {} rows, {} non-zeros",
        file.display(),
        size.columns,
        size.integers,
        size.rows,
        size.nonzeros
    ))
}
