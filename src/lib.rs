//! rareflow plans how rare-earth material moves from mines to magnets.
//!
//! The pipeline, one module per stage:
//! model files ([`io`]) → validated [`model::Model`] → [`network::Network`]
//! (petgraph) → LP ([`formulation`], good_lp) → [`solver`] (HiGHS) →
//! verified [`plan::Plan`] → [`report`].
//!
//! ```no_run
//! use rareflow::{io::source::ModelSource, solver::SolveOptions};
//! let solution = rareflow::solve(&ModelSource::Embedded, &[], &SolveOptions::default()).unwrap();
//! println!("total cost {}", solution.plan.objective);
//! ```
#![deny(missing_docs)]

pub mod compare;
pub mod engine;
pub mod error;
pub mod export;
pub mod formulation;
pub mod invest;
pub mod io;
pub mod measure;
pub mod model;
pub mod network;
pub mod plan;
pub mod report;
pub mod solver;
pub mod stress;
pub mod sweep;
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
use solver::{Col, Session, SolveOptions};

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
    checked(source, start, io::load::load(source, scenarios)?)
}

/// [`check`] of a model already read and parsed (`parsed`, from `source`),
/// with one more scenario when given (its text and the name messages call
/// it by) applied after its own: a sweep's base or case, without a file.
///
/// # Errors
/// As [`check`].
pub fn check_parsed(
    source: &ModelSource,
    parsed: &io::load::Parsed,
    more: Option<(&str, &str)>,
) -> Result<Checked> {
    let start = Instant::now();
    checked(source, start, parsed.with(more)?)
}

/// Builds the network of a loaded model and runs the structural checks.
fn checked(
    source: &ModelSource,
    start: Instant,
    (model, mut warnings): (Model, Diagnostics),
) -> Result<Checked> {
    let load_seconds = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let network = Network::build(&model);
    validate::check(&model, &network, &|f| source.display(f), &mut warnings);
    if warnings.has_errors() {
        return Err(Error::Invalid(warnings.into_vec()));
    }
    Ok(Checked {
        model,
        network,
        warnings,
        load_seconds,
        validate_seconds: start.elapsed().as_secs_f64(),
    })
}

impl Checked {
    /// A model changed in memory from one already checked, in nothing the
    /// network or the checks see (bounds such as cut-offs): `network` is
    /// that model's, and there is nothing new to warn about.
    pub fn unchanged_network(model: Model, network: Network) -> Checked {
        Checked {
            model,
            network,
            warnings: Diagnostics::default(),
            load_seconds: 0.0,
            validate_seconds: 0.0,
        }
    }

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
    /// The key of every column and row of the LP.
    pub keys: formulation::LpKeys,
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
    /// Building the LP.
    pub build: f64,
    /// Handing the LP to HiGHS and solving it.
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
/// With `--portfolio none` nothing is built, so the model's build limits
/// (budgets, `min_builds`, `max_builds`) do not apply.
///
/// # Errors
/// As [`solve`], less the loading errors.
pub fn solve_checked(checked: Checked, opts: &SolveOptions) -> Result<Solution> {
    solve_near(checked, opts, None)
}

/// The builds of a plan, by candidate id and start period label: what a
/// plan solved near it keeps, when they are within its gap
/// ([`solve_near`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildSet(pub std::collections::BTreeSet<(String, String)>);

impl BuildSet {
    /// What `plan` of `model` builds (whole plants: a share above one half).
    pub fn of(model: &Model, plan: &Plan) -> BuildSet {
        BuildSet(
            built_names(model, plan)
                .map(|(id, start)| (id.to_string(), start.to_string()))
                .collect(),
        )
    }
}

/// The candidate id and start period label of each whole plant `plan`
/// builds (a share above one half), in the plan's order.
pub fn built_names<'m>(
    model: &'m Model,
    plan: &'m Plan,
) -> impl Iterator<Item = (&'m str, &'m str)> + 'm {
    (plan.builds.iter()).filter(|b| b.share > 0.5).map(|b| {
        let id = model.facilities[b.candidate.0].id.as_str();
        (id, model.periods[b.start.0].label.as_str())
    })
}

/// As [`solve_checked`], and when `near` is given the plan keeps those
/// builds if they are within the gap asked of the relaxation's cost (the
/// bound a rounded plan is held to): two plans compared then differ by what
/// their futures do, not by the solver's choice between build plans within
/// the gap. Otherwise the model is solved on its own.
///
/// # Errors
/// As [`solve`], less the loading errors.
pub fn solve_near(
    checked: Checked,
    opts: &SolveOptions,
    near: Option<&BuildSet>,
) -> Result<Solution> {
    let Checked {
        mut model,
        network,
        warnings,
        load_seconds,
        validate_seconds,
    } = checked;
    apply_portfolio_limits(&mut model, opts.portfolio.as_deref());
    let start = Instant::now();
    let (f, build_opts) = formulate(&model, &network, opts)?;
    let build = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let held = near.and_then(|b| keep_builds(&model, &f, b, opts));
    let solved = match held {
        Some(session) => Ok(session),
        None => solve_formulation(&model, &f, &build_opts, opts),
    };
    let session = match solved {
        Err(Error::NoPlan(status))
            if matches!(
                status,
                solver::SolveStatus::Infeasible | solver::SolveStatus::UnboundedOrInfeasible
            ) =>
        {
            // Why, in the model's terms, when the build rules say.
            return Err(formulation::conflict::explain(&model, &f, &build_opts)
                .map_or(Error::NoPlan(status), Error::Conflict));
        }
        other => other?,
    };
    let solve_seconds = start.elapsed().as_secs_f64();
    let formulation::Formulation {
        index,
        keys,
        size,
        constant,
        ..
    } = f;
    let start = Instant::now();
    let plan = formulation::read_plan(
        &model,
        &network,
        &index,
        session.objective + constant,
        &session,
    )?;
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
        keys,
        size,
    })
}

/// Solves a formulated model: the LP, or the MIP and then its LP with the
/// build decisions fixed at the MIP's (for its duals; the session returned
/// carries the MIP's status, gap, and the seconds of both).
///
/// # Errors
/// [`Error::NoPlan`] when HiGHS finds none; [`Error::Solver`] when it fails.
pub fn solve_formulation(
    model: &Model,
    f: &formulation::Formulation,
    build_opts: &formulation::BuildOptions,
    opts: &SolveOptions,
) -> Result<Session> {
    let mut session = Session::solve(f.problem()?, opts)?;
    let called_infeasible = matches!(
        session.status,
        solver::SolveStatus::Infeasible | solver::SolveStatus::UnboundedOrInfeasible
    );
    if !session.has_plan
        && called_infeasible
        && f.size.integers > 0
        && nothing_built_is_allowed(model, build_opts)
    {
        session = nothing_built(f, session, opts)?;
    }
    if !session.has_plan {
        return Err(Error::NoPlan(session.status));
    }
    if f.size.integers > 0 && session.status != nothing_built_status() {
        session = fixed_lp(f, session, opts)?;
    }
    Ok(session)
}

/// True when no build rule forces a build: no `min_builds` and no forced
/// portfolio member, so building nothing is a plan whenever the model's
/// operations have one (and they always do: nothing need be made, any
/// demand may go short).
fn nothing_built_is_allowed(model: &Model, build_opts: &formulation::BuildOptions) -> bool {
    let forced = match build_opts.builds {
        formulation::Builds::Portfolio(p) => p.forced().next().is_some(),
        formulation::Builds::All | formulation::Builds::None => false,
    };
    model.settings.min_builds.unwrap_or(0) == 0 && !forced
}

/// The status of a plan that builds nothing because the MIP solver failed.
fn nothing_built_status() -> solver::SolveStatus {
    solver::SolveStatus::Limit {
        reason: "a MIP the solver could not solve on this model's numbers (it called it \
                 infeasible, though building nothing is a plan): the plan builds nothing"
            .into(),
    }
}

/// When HiGHS calls a MIP infeasible that has a plan (building nothing is
/// allowed, and the operations always have one), it has failed on the
/// model's numbers: the LP with every build decision fixed at 0 is solved
/// instead, and its plan, verified like any other, is reported as stopped
/// short of the best build plan. When even that LP has no plan, the MIP's
/// own answer stands.
fn nothing_built(
    f: &formulation::Formulation,
    mip: Session,
    opts: &SolveOptions,
) -> Result<Session> {
    let mut session = with_builds_fixed(f, |_| 0.0, opts)?;
    if !session.has_plan {
        return Ok(mip);
    }
    session.status = nothing_built_status();
    session.mip_gap = None;
    session.seconds += mip.seconds;
    Ok(session)
}

/// The problem `solve` hands HiGHS: the candidates of `opts`' portfolio
/// and its relaxation, on a model whose build limits the portfolio has set
/// ([`apply_portfolio_limits`]). Also returns the build options it was
/// built with.
///
/// # Errors
/// The portfolio's errors; [`Error::Solver`] when HiGHS refuses the problem.
pub fn formulate<'m>(
    model: &'m Model,
    network: &Network,
    opts: &SolveOptions,
) -> Result<(formulation::Formulation, formulation::BuildOptions<'m>)> {
    let builds = resolve_portfolio(model, opts.portfolio.as_deref())?;
    let build_opts = formulation::BuildOptions {
        builds,
        relax: opts.relax,
    };
    let f = formulation::build(model, network, &build_opts);
    Ok((f, build_opts))
}

/// Under the portfolio `none` nothing is built, so the model's build
/// limits (budgets, `min_builds`, `max_builds`) are switched off.
pub fn apply_portfolio_limits(model: &mut Model, portfolio: Option<&str>) {
    if portfolio == Some(model::PORTFOLIO_NONE) {
        let s = &mut model.settings;
        (s.build_budget, s.build_budget_per_period) = (None, None);
        (s.min_builds, s.max_builds) = (None, None);
    }
}

/// A MIP has no duals: builds the same problem as an LP (same columns in
/// the same order), fixes the build decisions at the MIP's values and
/// solves it; its duals price capacity and quotas for the plan built. The
/// session returned carries the MIP's status and gap.
fn fixed_lp(f: &formulation::Formulation, mip: Session, opts: &SolveOptions) -> Result<Session> {
    let built = |c: Col| mip.value(c).round();
    let mut session = with_builds_fixed(f, built, opts)?;
    if !session.has_plan {
        return Err(Error::NoPlan(session.status));
    }
    session.status = mip.status;
    session.mip_gap = mip.mip_gap;
    session.seconds += mip.seconds;
    Ok(session)
}

/// The plan of `f` that builds what `near` builds (and nothing else),
/// when it can build all of it and that plan is within the gap asked of
/// the relaxation's cost.
fn keep_builds(
    model: &Model,
    f: &formulation::Formulation,
    near: &BuildSet,
    opts: &SolveOptions,
) -> Option<Session> {
    if f.size.integers == 0 {
        return None;
    }
    let mut found = 0;
    let builds: Vec<(Col, f64)> = (f.index.builds.decisions.iter())
        .map(|d| {
            let id = model.facilities[d.candidate.0].id.clone();
            let kept = near
                .0
                .contains(&(id, model.periods[d.start.0].label.clone()));
            found += usize::from(kept);
            (d.col, if kept { 1.0 } else { 0.0 })
        })
        .collect();
    // A build this model cannot make (a candidate a scenario removed, a
    // start it no longer allows) is not kept by dropping it.
    if found != near.0.len() {
        return None;
    }
    engine::round::held(f, opts, &builds)
}

/// The build decisions of `f`, each at `value` of its column.
pub fn decisions_at(f: &formulation::Formulation, value: impl Fn(Col) -> f64) -> Vec<(Col, f64)> {
    (f.index.builds.decisions.iter())
        .map(|d| (d.col, value(d.col)))
        .collect()
}

/// Solves the problem as an LP (the same columns in the same order) with
/// every build decision fixed at `value` of its column.
fn with_builds_fixed(
    f: &formulation::Formulation,
    value: impl Fn(Col) -> f64,
    opts: &SolveOptions,
) -> Result<Session> {
    let arrays = f.arrays.relaxed_with(&decisions_at(f, value));
    Ok(Session::solve(
        solver::Problem::from_arrays(&arrays)?,
        opts,
    )?)
}

/// The candidates a portfolio name lets the plan build, once the model is
/// known to be solvable with them: every period's weight within its limit,
/// and nothing the build rules make impossible (a forced candidate that
/// can never start or breaks a budget, build counts no plan can meet; see
/// [`validate::check_builds`]), each named in the model's terms rather than
/// left for the solver to call infeasible.
///
/// # Errors
/// [`Error::UnknownName`] when the model has no such portfolio;
/// [`Error::Invalid`] naming the rows and `model.toml` keys that conflict.
pub fn resolve_portfolio<'m>(
    model: &'m Model,
    name: Option<&str>,
) -> Result<formulation::Builds<'m>> {
    let builds = match name {
        None | Some(model::PORTFOLIO_ALL) => formulation::Builds::All,
        Some(model::PORTFOLIO_NONE) => formulation::Builds::None,
        Some(n) => match model.portfolios.iter().find(|p| p.name == n) {
            Some(p) => formulation::Builds::Portfolio(p),
            None => {
                return Err(Error::UnknownName {
                    what: "portfolio",
                    name: n.to_string(),
                    known: [model::PORTFOLIO_ALL, model::PORTFOLIO_NONE]
                        .iter()
                        .map(|s| s.to_string())
                        .chain(model.portfolios.iter().map(|p| p.name.clone()))
                        .collect(),
                })
            }
        },
    };
    let file = |f: &str| f.to_string();
    let mut errors = validate::check_weights(model, &file);
    match builds {
        formulation::Builds::None => {}
        formulation::Builds::All => errors.extend(validate::check_builds(model, None, &file)),
        formulation::Builds::Portfolio(p) => {
            errors.extend(validate::check_builds(model, Some(p), &file));
        }
    }
    if errors.is_empty() {
        Ok(builds)
    } else {
        Err(Error::Invalid(errors))
    }
}
