//! Errors, diagnostics and exit codes.
//!
//! A [`Diagnostic`] is one problem (or warning) found in a model, located by
//! file, line and column. An [`Error`] is why a command could not finish; each
//! kind maps to one documented process exit code ([`Error::exit_code`]).

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// Process exit codes, documented in the README and in `rareflow --help`.
pub mod exit {
    /// The command finished: a checked plan, or a model with no errors.
    pub const OK: i32 = 0;
    /// A bug or an unexpected solver failure.
    pub const INTERNAL: i32 = 1;
    /// The command line could not be understood (clap's own code).
    pub const USAGE: i32 = 2;
    /// The model has errors; every one is listed on stderr.
    pub const BAD_DATA: i32 = 3;
    /// The model directory or one of its required files does not exist.
    pub const MISSING_INPUT: i32 = 4;
    /// The results could not be written (nothing partial is left behind).
    pub const CANNOT_WRITE: i32 = 5;
    /// The solver proved there is no plan (infeasible or unbounded), or
    /// stopped at a limit before finding one.
    pub const NO_PLAN: i32 = 6;
    /// The solver's plan failed rareflow's own check against the model.
    pub const UNVERIFIED: i32 = 7;
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The model cannot be solved until this is fixed.
    Error,
    /// The model solves, but probably not as its author meant.
    Warning,
}

/// One problem found in a model, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// File name inside the model directory, e.g. `facilities.csv`.
    pub file: String,
    /// 1-based line in that file, when the problem has one.
    pub line: Option<u64>,
    /// 1-based column (character position) in the line, for TOML files.
    pub col: Option<u64>,
    /// The column (CSV) or key (TOML) concerned.
    pub column: Option<String>,
    /// What was expected and what was found.
    pub message: String,
    /// True when the problem is a required file that does not exist.
    #[serde(skip)]
    pub missing_file: bool,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.col {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": ")?;
        if self.severity == Severity::Warning {
            write!(f, "warning: ")?;
        }
        if let Some(column) = &self.column {
            write!(f, "column '{column}': ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// `s` with every control character shown as its Rust escape (`\u{1b}`,
/// `\n`), so that a cell or header echoed in a message cannot move the
/// cursor, clear or recolour the user's terminal, or split one message
/// over several lines. Diagnostics are stored so; every other error is
/// passed through it where it is printed.
pub fn printable(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A growing list of diagnostics, kept in the order they were found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records an error.
    pub fn error(
        &mut self,
        file: &str,
        line: Option<u64>,
        column: Option<&str>,
        message: impl Into<String>,
    ) {
        self.push(Severity::Error, file, line, column, message.into());
    }

    /// Records a warning.
    pub fn warning(
        &mut self,
        file: &str,
        line: Option<u64>,
        column: Option<&str>,
        message: impl Into<String>,
    ) {
        self.push(Severity::Warning, file, line, column, message.into());
    }

    fn push(
        &mut self,
        severity: Severity,
        file: &str,
        line: Option<u64>,
        column: Option<&str>,
        message: String,
    ) {
        self.items.push(Diagnostic {
            severity,
            file: file.to_string(),
            line,
            col: None,
            column: column.map(printable),
            message: printable(&message),
            missing_file: false,
        });
    }

    /// Records a diagnostic built by the caller.
    pub fn push_diagnostic(&mut self, d: Diagnostic) {
        self.items.push(Diagnostic {
            column: d.column.as_deref().map(printable),
            message: printable(&d.message),
            ..d
        });
    }

    /// Records that a required file does not exist.
    pub fn missing_file(&mut self, file: &str) {
        self.items.push(Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            line: None,
            col: None,
            column: None,
            message: "required file is missing".to_string(),
            missing_file: true,
        });
    }

    /// Orders diagnostics by file (in the order files were first reported)
    /// then by line, keeping the order found within a line.
    pub fn sort_by_location(&mut self) {
        let mut files: Vec<String> = Vec::new();
        for d in &self.items {
            if !files.contains(&d.file) {
                files.push(d.file.clone());
            }
        }
        // A stable sort: diagnostics of one line stay in the order found.
        self.items
            .sort_by_key(|d| (files.iter().position(|f| *f == d.file), d.line.unwrap_or(0)));
    }

    /// True when at least one diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// All diagnostics, errors and warnings, in the order found.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// The warnings only.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }

    /// Consumes the list.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

/// Why a command could not finish.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The model has errors (warnings may be listed too).
    #[error("the model has {} error(s)", count_errors(.0))]
    Invalid(Vec<Diagnostic>),
    /// The model directory does not exist or is not a directory.
    #[error("{}: model directory not found", .0.display())]
    ModelNotFound(PathBuf),
    /// The model path names a file, not a directory.
    #[error("{}: is a file, not a model directory (give the directory that holds model.toml and the CSV files)", .0.display())]
    ModelIsAFile(PathBuf),
    /// A file could not be read.
    #[error("{}: cannot read: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Results could not be written.
    #[error("{}: cannot write: {reason}", .path.display())]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The build rules cannot all be met together: an irreducible set of
    /// them (drop any one and the others can be), each in the model's terms.
    #[error(
        "no plan: infeasible: these build rules cannot all be met together \
         (drop any one of them and the others can be):\n{}",
        .0.iter().map(|r| format!("  {r}")).collect::<Vec<_>>().join("\n")
    )]
    Conflict(Vec<String>),
    /// The solver proved there is no plan, or stopped before finding one.
    #[error("no plan: {status}{cause}", status = .0, cause = no_plan_cause(.0))]
    NoPlan(crate::solver::SolveStatus),
    /// The solver's plan failed the check against the model.
    #[error("the solver's plan failed verification{}: {failure}", .context.as_deref().map_or(String::new(), |c| format!(" ({c})")))]
    Unverified {
        /// Which plan, when there are several (e.g. `scenario china-halt-us`).
        context: Option<String>,
        /// The first failed check.
        failure: crate::plan::VerifyError,
    },
    /// A name given on the command line that the model does not define.
    #[error("the model has no {what} named \"{name}\"{} (it has: {})", suggestion(.name, .known), known_list(.known))]
    UnknownName {
        /// What kind of thing, e.g. `portfolio`.
        what: &'static str,
        /// The name asked for.
        name: String,
        /// The names the model has.
        known: Vec<String>,
    },
    /// A command-line value the parser could not check by itself.
    #[error("{0}")]
    Usage(String),
    /// The solver failed in a way rareflow did not expect.
    #[error("solver error: {0}")]
    Solver(#[from] crate::solver::SolverError),
    /// Something else failed that rareflow did not expect (formatting a
    /// document, starting threads).
    #[error("internal error: {0}")]
    Internal(String),
}

/// The known name closest to `name`, when one is close enough to be a
/// likely typo (Jaro-Winkler similarity of at least 0.8).
pub fn did_you_mean<'k>(name: &str, known: &'k [String]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(name, k), k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.as_str())
}

/// `; did you mean "x"?` when a known name is close to `name`, else nothing.
pub fn suggestion(name: &str, known: &[String]) -> String {
    did_you_mean(name, known).map_or(String::new(), |k| format!("; did you mean \"{k}\"?"))
}

/// The names a model has, or `none`.
fn known_list(known: &[String]) -> String {
    if known.is_empty() {
        "none".to_string()
    } else {
        known.join(", ")
    }
}

fn count_errors(d: &[Diagnostic]) -> usize {
    d.iter().filter(|d| d.severity == Severity::Error).count()
}

impl From<crate::plan::VerifyError> for Error {
    fn from(failure: crate::plan::VerifyError) -> Self {
        Error::Unverified {
            context: None,
            failure,
        }
    }
}

/// What an infeasible answer means in model terms. Every other rule leaves
/// a plan (nothing need be made or built, any demand may go short), so only
/// the build rules can combine so that none is left.
fn no_plan_cause(status: &crate::solver::SolveStatus) -> &'static str {
    use crate::solver::SolveStatus::{Infeasible, UnboundedOrInfeasible};
    match status {
        Infeasible | UnboundedOrInfeasible => {
            " (the build rules cannot all be met together: min_builds, the candidates \
             a portfolio forces, build_budget and build_budget_per_period, against the \
             periods each candidate can start in)"
        }
        _ => "",
    }
}

impl Error {
    /// The documented process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Invalid(d) if d.iter().any(|d| d.missing_file) => exit::MISSING_INPUT,
            Error::Invalid(_) => exit::BAD_DATA,
            Error::ModelNotFound(_)
            | Error::ModelIsAFile(_)
            | Error::Read { .. }
            | Error::UnknownName { .. } => exit::MISSING_INPUT,
            Error::Write { .. } => exit::CANNOT_WRITE,
            Error::Usage(_) => exit::USAGE,
            Error::NoPlan(_) | Error::Conflict(_) => exit::NO_PLAN,
            Error::Unverified { .. } => exit::UNVERIFIED,
            Error::Solver(_) | Error::Internal(_) => exit::INTERNAL,
        }
    }
}

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_print_as_file_line_column() {
        let mut d = Diagnostics::default();
        d.error(
            "lanes.csv",
            Some(3),
            Some("cost"),
            "expected a number, found \"5x\"",
        );
        assert_eq!(
            d.items()[0].to_string(),
            "lanes.csv:3: column 'cost': expected a number, found \"5x\""
        );
    }

    #[test]
    fn a_near_miss_suggests_the_known_name() {
        let known: Vec<String> = ["china-halt-us", "china-halt-west", "tariff-200"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            did_you_mean("china-halt-uss", &known),
            Some("china-halt-us")
        );
        assert_eq!(did_you_mean("tarif-200", &known), Some("tariff-200"));
        assert_eq!(did_you_mean("zzz", &known), None);
    }

    #[test]
    fn missing_files_map_to_missing_input() {
        let mut d = Diagnostics::default();
        d.error("a.csv", Some(2), None, "x");
        assert_eq!(Error::Invalid(d.clone().into_vec()).exit_code(), 3);
        d.missing_file("facilities.csv");
        assert_eq!(Error::Invalid(d.into_vec()).exit_code(), 4);
    }
}
