//! `rareflow merge`: a sharded sweep's (or stress test's) slices joined
//! into one sweep.csv (stress.csv).

use rareflow::error::Error;
use rareflow::report::results_dir;
use rareflow::stress::report::STRESS_FILES;
use rareflow::sweep::{merge, report::SWEEP_FILES};

use super::stdout::{print_then_commit, Outcome, Stdout};
use crate::cli::MergeArgs;

/// Reads every slice's sweep.csv (or, when the first slice has none,
/// stress.csv), joins them (checking that they are one run's, each case
/// once, none missing), stages the result in `--out`, prints a line and
/// swaps it in.
pub fn run(args: MergeArgs, out: &mut Stdout) -> Outcome {
    let name = match args.dirs.first() {
        Some(d) if !d.join("sweep.csv").exists() && d.join("stress.csv").exists() => "stress.csv",
        _ => "sweep.csv",
    };
    let mut slices = Vec::new();
    for dir in &args.dirs {
        let file = dir.join(name);
        let text = std::fs::read_to_string(&file).map_err(|source| Error::Read {
            path: file.clone(),
            source,
        })?;
        slices.push((file.display().to_string(), text));
    }
    let joined = merge::merge(&slices)?;
    let cases = joined.lines().count().saturating_sub(1);
    let files = if name == "sweep.csv" {
        SWEEP_FILES
    } else {
        STRESS_FILES
    };
    let staged = results_dir::target(&args.out, None, files)?.stage(&[(name, joined)])?;
    print_then_commit(out, Some(staged), |out| {
        out.line(format!(
            "merged {} slices ({cases} cases) into {}",
            args.dirs.len(),
            args.out.join(name).display()
        ))
    })
}
