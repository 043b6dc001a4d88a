//! `rareflow generate`: a synthetic model of any size.

use rareflow::report::files;

use super::stdout::{print_then_write, Outcome, Stdout};
use crate::cli::GenerateArgs;

/// Writes the synthetic model into `--out`.
pub fn run(args: GenerateArgs, out: &mut Stdout) -> Outcome {
    let files = rareflow::synth::generate(args.scale as usize, args.years as usize);
    let print = |out: &mut Stdout| {
        out.line(format!(
            "wrote synthetic model (scale {}, {} years) to {}",
            args.scale,
            args.years,
            args.out.display()
        ))
    };
    print_then_write(out, print, || files::write_atomically(&args.out, &files))
}
