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

pub mod compare;
pub mod error;
pub mod formulation;
pub mod invest;
pub mod io;
pub mod model;
pub mod network;
pub mod plan;
pub mod report;
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
    let builds = resolve_portfolio(&model, opts.portfolio.as_deref())?;
    let start = Instant::now();
    let build_opts = formulation::BuildOptions {
        builds,
        relax: opts.relax,
    };
    let f = formulation::build(&model, &network, &build_opts).map_err(Error::Solver)?;
    let build = start.elapsed().as_secs_f64();
    let formulation::Formulation {
        problem,
        index,
        size,
        constant,
    } = f;
    let mut session = Session::solve(problem, opts)?;
    if !session.has_plan {
        return Err(Error::NoPlan(session.status.label()));
    }
    let mut solve_seconds = session.seconds;
    if size.integers > 0 {
        // A MIP has no duals: build the same problem as an LP (same columns
        // in the same order), fix the build decisions at the MIP's values and
        // solve it; its duals price capacity and quotas for the plan built.
        let (status, gap) = (session.status.clone(), session.mip_gap);
        let fixed: Vec<(usize, f64)> = index
            .builds
            .iter()
            .map(|&(_, _, col)| (col.0, session.columns[col.0].round()))
            .collect();
        let relaxed = formulation::BuildOptions {
            relax: true,
            ..build_opts
        };
        let mut lp = formulation::build(&model, &network, &relaxed)
            .map_err(Error::Solver)?
            .problem;
        solve::fix_columns(&mut lp, &fixed)?;
        session = Session::solve(lp, opts)?;
        solve_seconds += session.seconds;
        if !session.has_plan {
            return Err(Error::Unverified(format!(
                "the LP with the build decisions fixed has no plan ({})",
                session.status.label()
            )));
        }
        session.status = status;
        session.mip_gap = gap;
    }
    let start = Instant::now();
    let plan = Plan::extract(
        &model,
        &network,
        &index,
        session.objective + constant,
        &session,
    )
    .map_err(Error::Unverified)?;
    let verify = start.elapsed().as_secs_f64();
    Ok(Solution {
        timings: Timings {
            load: load_seconds,
            validate: validate_seconds,
            build,
            solve: solve_seconds,
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

/// The candidates a portfolio name lets the plan build.
///
/// # Errors
/// [`Error::UnknownName`] when the model has no such portfolio.
pub fn resolve_portfolio<'m>(
    model: &'m Model,
    name: Option<&str>,
) -> Result<formulation::Builds<'m>> {
    match name {
        None | Some(model::PORTFOLIO_ALL) => Ok(formulation::Builds::All),
        Some(model::PORTFOLIO_NONE) => Ok(formulation::Builds::None),
        Some(n) => model
            .portfolios
            .iter()
            .find(|p| p.name == n)
            .map(formulation::Builds::Portfolio)
            .ok_or_else(|| Error::UnknownName {
                what: "portfolio",
                name: n.to_string(),
                known: [model::PORTFOLIO_ALL, model::PORTFOLIO_NONE]
                    .iter()
                    .map(|s| s.to_string())
                    .chain(model.portfolios.iter().map(|p| p.name.clone()))
                    .collect(),
            }),
    }
}
