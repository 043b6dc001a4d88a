//! `rareflow merge`: a sharded sweep's slices joined into one sweep.csv.

use rareflow::error::Error;
use rareflow::report::results_dir;
use rareflow::sweep::{merge, report::SWEEP_FILES};

use super::stdout::{print_then_commit, Outcome, Stdout};
use crate::cli::MergeArgs;

/// Reads every slice's sweep.csv, joins them (checking that they are one
/// sweep's, each case once, none missing), stages the result in `--out`,
/// prints a line and swaps it in.
pub fn run(args: MergeArgs, out: &mut Stdout) -> Outcome {
    let mut slices = Vec::new();
    for dir in &args.dirs {
        let file = dir.join("sweep.csv");
        let text = std::fs::read_to_string(&file).map_err(|source| Error::Read {
            path: file.clone(),
            source,
        })?;
        slices.push((file.display().to_string(), text));
    }
    let joined = merge::merge(&slices)?;
    let cases = joined.lines().count().saturating_sub(1);
    let staged =
        results_dir::target(&args.out, None, SWEEP_FILES)?.stage(&[("sweep.csv", joined)])?;
    print_then_commit(out, Some(staged), |out| {
        out.line(format!(
            "merged {} slices ({cases} cases) into {}",
            args.dirs.len(),
            args.out.join("sweep.csv").display()
        ))
    })
}
