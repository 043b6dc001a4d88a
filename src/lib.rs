//! rareflow plans how rare-earth material moves from mines to magnets.
//!
//! The pipeline, one module per stage:
//! model files ([`io`]) → validated [`model::Model`] → [`network::Network`]
//! (petgraph) → LP ([`formulation`], good_lp) → [`solve`] (HiGHS) →
//! verified [`plan::Plan`] → [`report`].
//!
//! ```no_run
//! use rareflow::{io::source::ModelSource, solve::SolveOptions};
//! let solution = rareflow::solve(&ModelSource::Embedded, &[], &SolveOptions::default()).unwrap();
//! println!("total cost {}", solution.plan.objective);
//! ```
#![deny(missing_docs)]

pub mod error;
pub mod formulation;
pub mod io;
pub mod model;
pub mod network;
pub mod plan;
pub mod report;
pub mod scenario;
pub mod solve;
pub mod synth;
pub mod trace;
pub mod validate;

use std::time::Instant;

use error::{Diagnostics, Error, Result};
use formulation::lp::LpSize;
use io::source::ModelSource;
use model::Model;
use network::Network;
use plan::Plan;
use solve::{Session, SolveOptions};

/// A model loaded, checked and turned into its network.
pub struct Checked {
    /// The model.
    pub model: Model,
    /// Its network.
    pub network: Network,
    /// Warnings found (no errors: those fail the load).
    pub warnings: Diagnostics,
    /// Seconds spent reading and parsing files.
    pub load_seconds: f64,
    /// Seconds spent building the network and running structural checks.
    pub validate_seconds: f64,
}

/// Loads `source` with the named scenarios applied in order, builds its
/// network and runs every check.
///
/// # Errors
/// [`Error::Invalid`] with every problem, or a missing-input error.
pub fn check(source: &ModelSource, scenarios: &[String]) -> Result<Checked> {
    let start = Instant::now();
    let (model, mut warnings) = io::load::load(source, scenarios)?;
    let load_seconds = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let network = Network::build(&model);
    validate::check(&model, &network, &|f| source.display(f), &mut warnings);
    Ok(Checked {
        model,
        network,
        warnings,
        load_seconds,
        validate_seconds: start.elapsed().as_secs_f64(),
    })
}

impl Checked {
    /// Checks a model built or changed in memory (files are named by their
    /// bare names in warnings).
    pub fn from_model(model: Model) -> Checked {
        let start = Instant::now();
        let network = Network::build(&model);
        let mut warnings = Diagnostics::default();
        validate::check(&model, &network, &|f| f.to_string(), &mut warnings);
        Checked {
            model,
            network,
            warnings,
            load_seconds: 0.0,
            validate_seconds: start.elapsed().as_secs_f64(),
        }
    }
}

/// A verified plan and everything needed to report it.
pub struct Solution {
    /// The model solved.
    pub model: Model,
    /// Its network.
    pub network: Network,
    /// Warnings from the checks.
    pub warnings: Diagnostics,
    /// The verified plan.
    pub plan: Plan,
    /// The solver session, kept for warm re-solves.
    pub session: Session,
    /// Where each model quantity lives in the LP.
    pub index: formulation::LpIndex,
    /// Size of the LP.
    pub size: LpSize,
    /// Seconds per stage.
    pub timings: Timings,
}

/// Seconds spent in each stage of a solve.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Timings {
    /// Reading and parsing files.
    pub load: f64,
    /// Network and structural checks.
    pub validate: f64,
    /// Building the LP and handing it to HiGHS.
    pub build: f64,
    /// HiGHS.
    pub solve: f64,
    /// Extracting and verifying the plan.
    pub verify: f64,
}

/// Loads (with the named scenarios), checks, builds, solves and verifies.
///
/// # Errors
/// Bad input ([`Error::Invalid`]), [`Error::NoPlan`] when the solver finds
/// none, [`Error::Unverified`] when its plan fails the check.
pub fn solve(source: &ModelSource, scenarios: &[String], opts: &SolveOptions) -> Result<Solution> {
    let checked = check(source, scenarios)?;
    solve_checked(checked, opts)
}

/// Builds, solves and verifies an already checked model.
///
/// # Errors
/// As [`solve`], less the loading errors.
pub fn solve_checked(checked: Checked, opts: &SolveOptions) -> Result<Solution> {
    let Checked {
        model,
        network,
        warnings,
        load_seconds,
        validate_seconds,
    } = checked;
    let start = Instant::now();
    let f = formulation::build(&model, &network).map_err(Error::Solver)?;
    let build = start.elapsed().as_secs_f64();
    let formulation::Formulation {
        problem,
        index,
        size,
        constant,
    } = f;
    let session = Session::solve(problem, opts)?;
    if !session.has_plan {
        return Err(Error::NoPlan(session.status.label()));
    }
    let start = Instant::now();
    let plan =
        Plan::extract(&model, &network, &index, constant, &session).map_err(Error::Unverified)?;
    let verify = start.elapsed().as_secs_f64();
    Ok(Solution {
        timings: Timings {
            load: load_seconds,
            validate: validate_seconds,
            build,
            solve: session.seconds,
            verify,
        },
        model,
        network,
        warnings,
        plan,
        session,
        index,
        size,
    })
}
