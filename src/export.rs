//! The LP of a model for any other solver (`rareflow export`): the problem
//! `solve` would hand HiGHS, with every column and row named in the model's
//! terms (`flow(cn_magnet_to_market.US,magnet,2026)`) and the plan's constant
//! costs as the objective's offset, so the file's optimum is the plan's
//! total cost.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::formulation::lp::LpSize;
use crate::solver::SolveOptions;
use crate::Checked;

/// The format of an exported problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// MPS (free format, as HiGHS writes it).
    Mps,
    /// CPLEX LP.
    Lp,
}

impl Format {
    /// The extension HiGHS reads the format from.
    fn extension(self) -> &'static str {
        match self {
            Format::Mps => "mps",
            Format::Lp => "lp",
        }
    }
}

/// Writes the problem of `checked` (under `opts`' portfolio and
/// relaxation) to `path` in `format`, atomically: to a file beside it, then
/// renamed. Returns the LP's size.
///
/// # Errors
/// [`Error::Write`] when the file cannot be written; the portfolio's
/// errors.
pub fn export(
    checked: Checked,
    opts: &SolveOptions,
    path: &Path,
    format: Format,
) -> Result<LpSize> {
    let Checked {
        mut model, network, ..
    } = checked;
    crate::apply_portfolio_limits(&mut model, opts.portfolio.as_deref());
    let (f, _) = crate::formulate(&model, &network, opts)?;
    let cols = unique(f.keys.cols.iter().map(|(_, k)| k.label(&model, &network)));
    let rows = unique(f.keys.rows.iter().map(|(_, k)| k.label(&model)));
    let staging = staging_path(path, format);
    let write_error = |reason: String| Error::Write {
        path: path.to_path_buf(),
        reason,
    };
    let mut problem = f.problem().map_err(Error::from)?;
    let written = problem.write(&staging, &cols, &rows, f.constant);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&staging);
        return Err(write_error(e.0));
    }
    std::fs::rename(&staging, path).map_err(|e| {
        let _ = std::fs::remove_file(&staging);
        write_error(e.to_string())
    })?;
    Ok(f.size)
}

/// A file beside `path`, with the format's extension (HiGHS picks the
/// format by it).
fn staging_path(path: &Path, format: Format) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().to_string());
    let pid = std::process::id();
    path.with_file_name(format!(
        ".{name}.rareflow-staging-{pid}.{}",
        format.extension()
    ))
}

/// The characters a name may hold in both MPS and CPLEX LP files (HiGHS's
/// list for LP files).
const LEGAL: &str = "!\"#$%&(),.;?@_{}~";

/// A label as a name other solvers read, legal in MPS and LP files:
/// `flow[cn_magnet→market:US, magnet, 2026]` is
/// `flow(cn_magnet_to_market.US,magnet,2026)` (brackets as parentheses,
/// `→` as `_to_`, `:` as `.`, `+` as `&`, no spaces, any other character
/// as `_`), made unique with a `#2`, `#3`... suffix if needed.
fn unique(labels: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    labels
        .map(|label| {
            let name: String = label
                .replace('→', "_to_")
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| match c {
                    '[' => '(',
                    ']' => ')',
                    ':' => '.',
                    '+' => '&',
                    c if c.is_ascii_alphanumeric() || LEGAL.contains(c) => c,
                    _ => '_',
                })
                .collect();
            let n = seen.entry(name.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                name
            } else {
                format!("{name}#{n}")
            }
        })
        .collect()
}
