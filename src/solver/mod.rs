//! The solver behind one door: everything that names HiGHS (`highs`,
//! `highs_sys`, good_lp's HiGHS backend) lives in this folder, and so does
//! every `unsafe` block.
//!
//! - [`Problem`]: an LP or MIP handed to HiGHS but not yet solved (built
//!   from a solver-neutral [`crate::formulation::lp::Lp`]); columns can be
//!   fixed before solving.
//! - [`Session`]: a solved problem with its real status, values and duals,
//!   kept alive so a [`Change`] (costs, bounds, right-hand sides) can be
//!   applied and re-solved from the previous basis.
//! - [`SolveOptions`] and [`SolveStatus`].
//!
//! When HiGHS gives up on a problem, or finds it has no plan, the problem is
//! solved again from scratch without presolve, then with its objective
//! scaled down (when its costs are large): HiGHS has failed, or called
//! feasible models infeasible, on numbers well within rareflow's documented
//! ranges (see `Session::run`).
//!
//! good_lp folds several HiGHS outcomes together (every limit becomes
//! `TimeLimit`, "unbounded or infeasible" becomes "infeasible"); this module
//! talks to the `highs` crate directly once good_lp has built the problem,
//! so the status reported is the one HiGHS gave.

mod arrays;
mod change;
mod log;
mod problem;
mod session;
mod warm;

pub use arrays::Arrays;
pub use change::Change;
pub use problem::Problem;
pub use session::{Session, SolveStatus};
pub use warm::{Basis, Start};

/// Index of a column in the LP (and in HiGHS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Col(pub usize);

/// Index of a row in the LP (and in HiGHS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Row(pub usize);

/// The relative MIP gap at which a solve stops unless told otherwise: a
/// build plan within 0.1% of the best. The figures of a plan are far less
/// certain than that, and proving the last 0.1% can take ten times as long
/// (on the default model, 5.9 s against 0.5 s, for the same builds).
pub const DEFAULT_MIP_GAP: f64 = 1e-3;

/// How to run the solver.
#[derive(Debug, Clone)]
pub struct SolveOptions {
    /// HiGHS threads (default 1: sweeps run many solves side by side).
    pub threads: u32,
    /// Stop after this many seconds, keeping the best plan found.
    pub time_limit: Option<f64>,
    /// Relative MIP gap at which to stop (`None`: HiGHS's own, 1e-4).
    pub mip_gap: Option<f64>,
    /// Portfolio of candidates: `all` (default), `none`, or one of the
    /// model's `portfolios.csv`.
    pub portfolio: Option<String>,
    /// Continuous build decisions instead of binary ones.
    pub relax: bool,
    /// HiGHS's log on stderr (`rareflow -v`).
    pub log: bool,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            threads: 1,
            time_limit: None,
            mip_gap: Some(DEFAULT_MIP_GAP),
            portfolio: None,
            relax: false,
            log: false,
        }
    }
}

/// HiGHS failed in a way rareflow did not expect (not an infeasible or
/// unbounded model: those are [`SolveStatus`]es).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SolverError(pub String);
