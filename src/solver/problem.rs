//! Handing a built problem to HiGHS, and fixing columns before a solve.

use good_lp::solvers::highs::highs as highs_backend;
use good_lp::{Constraint, Expression, IntoAffineExpression, ProblemVariables, SolverModel};

use super::{Col, SolveOptions, SolverError};

/// A problem held by HiGHS, not yet solved.
pub struct Problem {
    pub(super) model: highs::Model,
    /// The largest cost in magnitude of the objective.
    pub(super) max_cost: f64,
}

impl Problem {
    /// Hands good_lp's variables, objective (minimised) and rows to HiGHS.
    ///
    /// # Errors
    /// [`SolverError`] when HiGHS refuses the problem (only non-finite
    /// numbers can do that, and the loader refuses those).
    pub fn new(
        vars: ProblemVariables,
        objective: Expression,
        rows: Vec<Constraint>,
    ) -> Result<Problem, SolverError> {
        let max_cost = (&objective)
            .linear_coefficients()
            .fold(0.0, |m: f64, (_, c)| m.max(c.abs()));
        let mut problem = vars.minimise(objective).using(highs_backend);
        for r in rows {
            problem.add_constraint(r);
        }
        let model = problem
            .try_into_inner()
            .map_err(|e| SolverError(format!("HiGHS refused the problem: {e}")))?;
        Ok(Problem { model, max_cost })
    }

    /// Fixes columns at values (lower = upper bound).
    ///
    /// # Errors
    /// [`SolverError`] when HiGHS refuses a bound.
    pub fn fix_columns(&mut self, fixed: &[(Col, f64)]) -> Result<(), SolverError> {
        fix_columns(&mut self.model, fixed)
    }

    pub(super) fn apply_options(&mut self, opts: &SolveOptions) -> Result<(), SolverError> {
        let bad = |k: &str| SolverError(format!("HiGHS refused option {k}"));
        let m = &mut self.model;
        m.try_set_option("threads", opts.threads.max(1) as i32)
            .map_err(|_| bad("threads"))?;
        // A fixed seed keeps reruns byte-identical.
        m.try_set_option("random_seed", 0)
            .map_err(|_| bad("random_seed"))?;
        if let Some(t) = opts.time_limit {
            m.try_set_option("time_limit", t)
                .map_err(|_| bad("time_limit"))?;
        }
        if let Some(g) = opts.mip_gap {
            m.try_set_option("mip_rel_gap", g)
                .map_err(|_| bad("mip_rel_gap"))?;
        }
        Ok(())
    }
}

/// Fixes columns of an unsolved HiGHS model at values.
pub(super) fn fix_columns(
    model: &mut highs::Model,
    fixed: &[(Col, f64)],
) -> Result<(), SolverError> {
    let ptr = model.as_mut_ptr();
    for &(col, value) in fixed {
        // SAFETY: `ptr` is the live Highs instance owned by `model`, which
        // outlives this call; `col` was created by the formulation, and
        // HiGHS checks the index itself (an out-of-range one is an error
        // status, not undefined behaviour).
        let status = unsafe { highs_sys::Highs_changeColBounds(ptr, col.0 as _, value, value) };
        if status == highs_sys::STATUS_ERROR {
            return Err(SolverError(format!(
                "HiGHS refused to fix column {}",
                col.0
            )));
        }
    }
    Ok(())
}
