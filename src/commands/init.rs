//! `rareflow init DIR`: the built-in model written out for editing.

use rareflow::io::source::{write_default_model, DEFAULT_MODEL_NAME};

use super::stdout::{Outcome, Stdout};
use crate::cli::InitArgs;

/// Writes the built-in model into a new or empty DIR and says how to use it.
pub fn run(args: InitArgs, out: &mut Stdout) -> Outcome {
    let n = write_default_model(&args.dir)?;
    let dir = args.dir.display();
    out.line(format!(
        "wrote {DEFAULT_MODEL_NAME} to {dir} ({n} files); edit it, add scenarios under \
         {dir}/scenarios/, and solve it with `rareflow solve {dir}`"
    ))
}
