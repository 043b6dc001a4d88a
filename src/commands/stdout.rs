//! Everything the binary prints on stdout goes through [`Stdout`], which
//! turns write failures into outcomes instead of panics (`println!` panics):
//!
//! - a closed pipe (`rareflow solve | head -1`) is [`Failure::BrokenPipe`]:
//!   the program stops printing and exits 0 without a message, as ripgrep
//!   and coreutils do;
//! - any other failure (`> /dev/full`) is [`Error::Write`] on `stdout`,
//!   exit 5.
//!
//! It also orders the two effects of a command that writes files: the set
//! is staged first, printed second, and swapped in last, so a run that
//! exits non-zero never leaves new results behind ([`print_then_commit`]).

use std::fmt::Display;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};

use rareflow::error::Error;
use rareflow::report::results_dir::Staged;
use serde::Serialize;

/// Why a command stopped: an error, or a reader that went away.
#[derive(Debug)]
pub enum Failure {
    /// An error with its exit code.
    Error(Error),
    /// stdout's reader closed the pipe: stop quietly, exit 0.
    BrokenPipe,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Error(e)
    }
}

/// What a command returns.
pub type Outcome<T = ()> = Result<T, Failure>;

/// Maps a failed write on stdout.
pub fn failure(e: &io::Error) -> Failure {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Failure::BrokenPipe
    } else {
        Failure::Error(Error::Write {
            path: PathBuf::from("stdout"),
            reason: e.to_string(),
        })
    }
}

/// stdout, locked for the whole run, flushed after every print so that a
/// failure shows at the print that caused it.
pub struct Stdout(io::StdoutLock<'static>);

impl Stdout {
    /// The process's stdout.
    pub fn new() -> Stdout {
        Stdout(io::stdout().lock())
    }

    /// Prints `text` as it is.
    pub fn print(&mut self, text: &str) -> Outcome {
        self.0
            .write_all(text.as_bytes())
            .and_then(|()| self.0.flush())
            .map_err(|e| failure(&e))
    }

    /// Prints `text` and a newline.
    pub fn line(&mut self, text: impl Display) -> Outcome {
        self.print(&format!("{text}\n"))
    }

    /// Prints `value` as pretty JSON and a newline.
    pub fn json(&mut self, value: &impl Serialize) -> Outcome {
        let text =
            serde_json::to_string_pretty(value).map_err(|e| Error::Internal(e.to_string()))?;
        self.line(text)
    }
}

/// Runs `print`, then swaps in the `staged` files when stdout took
/// everything or its reader left (exit 0 either way, so the files must be
/// there); on any other failure the staged files are dropped, and the
/// previous results stay.
pub fn print_then_commit(
    out: &mut Stdout,
    staged: Option<Staged>,
    print: impl FnOnce(&mut Stdout) -> Outcome,
) -> Outcome {
    let printed = print(out);
    match printed {
        Ok(()) | Err(Failure::BrokenPipe) => {
            if let Some(s) = staged {
                s.commit()?;
            }
            printed
        }
        Err(e) => Err(e),
    }
}

/// Writes one line on stderr. A failure to write there (a full disk, a
/// closed pipe) is ignored: stderr is where failures are reported, so there
/// is nowhere left to report it, and it must not turn into a panic as
/// `eprintln!` does.
pub fn note(line: impl Display) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// How much a run says on stderr besides its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    /// `-q`: errors only (and what a command prints as its result).
    Quiet,
    /// The default: warnings, times, progress bars.
    Normal,
    /// `-v`: also HiGHS's log.
    Verbose,
}

/// The run's verbosity, set once from the command line.
static VERBOSITY: AtomicU8 = AtomicU8::new(Verbosity::Normal as u8);

/// Sets the run's verbosity (`main`, before any command runs).
pub fn set_verbosity(v: Verbosity) {
    VERBOSITY.store(v as u8, Ordering::Relaxed);
}

/// The run's verbosity.
pub fn verbosity() -> Verbosity {
    match VERBOSITY.load(Ordering::Relaxed) {
        0 => Verbosity::Quiet,
        2 => Verbosity::Verbose,
        _ => Verbosity::Normal,
    }
}

/// Writes one line on stderr that is neither an error nor a result (times,
/// counts, the model's warnings before a solve): dropped with `-q`.
pub fn chatter(line: impl Display) {
    if verbosity() != Verbosity::Quiet {
        note(line);
    }
}
