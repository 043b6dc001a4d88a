//! `rareflow generate`: a synthetic model of any size.

use rareflow::report::results_dir;

use super::stdout::{print_then_commit, Outcome, Stdout};
use crate::cli::GenerateArgs;

/// Writes the synthetic model into `--out`, as one set (staged, the line
/// printed, then swapped in).
pub fn run(args: GenerateArgs, out: &mut Stdout) -> Outcome {
    let files = rareflow::synth::generate(args.scale as usize, args.years as usize);
    let names: Vec<&str> = files.iter().map(|f| f.0).collect();
    let staged = results_dir::target(&args.out, None, &names)?.stage(&files)?;
    print_then_commit(out, Some(staged), |out| {
        out.line(format!(
            "wrote synthetic model (scale {}, {} years) to {}",
            args.scale,
            args.years,
            args.out.display()
        ))
    })
}
