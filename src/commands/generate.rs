//! `rareflow generate`: a synthetic model of any size.

use rareflow::error::Result;
use rareflow::report::files;

use crate::cli::GenerateArgs;

/// Writes the synthetic model into `--out`.
pub fn run(args: GenerateArgs) -> Result<()> {
    let files = rareflow::synth::generate(args.scale as usize, args.years as usize);
    files::write_atomically(&args.out, &files)?;
    println!(
        "wrote synthetic model (scale {}, {} years) to {}",
        args.scale,
        args.years,
        args.out.display()
    );
    Ok(())
}
