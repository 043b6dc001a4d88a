//! `rareflow report DIR`: the HTML report of a solved plan, from the
//! result files `solve --out` wrote.

use rareflow::report::html::{self, ReportFiles};

use super::stdout::{Outcome, Stdout};
use super::{check_html_target, node_kind};
use crate::cli::ReportArgs;

/// Reads the plan's files, renders the report and writes it to `--html`
/// (whole or not at all) or stdout.
pub fn run(args: ReportArgs, out: &mut Stdout) -> Outcome {
    if let Some(file) = &args.html {
        check_html_target(file, &[args.dir.as_path()])?;
    }
    let files = ReportFiles::read(&args.dir)?;
    let page = html::render(&files, node_kind(args.nodes.nodes))?;
    match &args.html {
        Some(file) => Ok(html::write(file, &page)?),
        None => out.print(&page),
    }
}
