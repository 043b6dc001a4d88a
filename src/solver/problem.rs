//! Handing a built problem to HiGHS, and fixing columns before a solve.

use good_lp::solvers::highs::highs as highs_backend;
use good_lp::{
    variable, Constraint, Expression, IntoAffineExpression, ProblemVariables, SolverModel, Variable,
};

use super::{Arrays, Col, SolveOptions, SolverError};

/// A problem held by HiGHS, not yet solved.
pub struct Problem {
    pub(super) model: highs::Model,
    /// The largest cost in magnitude of the objective.
    pub(super) max_cost: f64,
}

impl Problem {
    /// Hands an LP held as arrays to HiGHS through good_lp: one variable
    /// per column with its bounds (and integrality), the objective, and one
    /// row per row in order, so column and row indices stay the arrays'.
    ///
    /// # Errors
    /// [`SolverError`] when a row has two finite, different bounds (the
    /// formulation writes none), or HiGHS refuses the problem (only
    /// non-finite numbers can do that, and the loader refuses those).
    pub fn from_arrays(a: &Arrays) -> Result<Problem, SolverError> {
        let mut vars = ProblemVariables::new();
        let columns: Vec<Variable> = (0..a.cost.len())
            .map(|j| {
                let mut def = variable();
                if a.integer[j] {
                    def = def.integer();
                }
                if a.lower[j].is_finite() {
                    def = def.min(a.lower[j]);
                }
                if a.upper[j].is_finite() {
                    def = def.max(a.upper[j]);
                }
                vars.add(def)
            })
            .collect();
        let mut objective = Expression::with_capacity(a.cost.len());
        for (j, &c) in a.cost.iter().enumerate() {
            if c != 0.0 {
                objective.add_mul(c, columns[j]);
            }
        }
        let mut rows = Vec::with_capacity(a.row_lower.len());
        for i in 0..a.row_lower.len() {
            let span = a.row_start[i]..a.row_start[i + 1];
            let mut e = Expression::with_capacity(span.len());
            for k in span {
                e.add_mul(a.term_value[k], columns[a.term_col[k] as usize]);
            }
            let (lo, up) = (a.row_lower[i], a.row_upper[i]);
            rows.push(if lo == up {
                e.eq(up)
            } else if lo == f64::NEG_INFINITY {
                e.leq(up)
            } else if up == f64::INFINITY {
                e.geq(lo)
            } else {
                return Err(SolverError(format!(
                    "row {i} has two bounds, {lo} and {up}"
                )));
            });
        }
        Problem::new(vars, objective, rows)
    }

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
        if opts.log {
            super::log::to_stderr(m)?;
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

impl Problem {
    /// Writes the problem to `path` for any other solver: MPS for a `.mps`
    /// file, CPLEX LP for a `.lp` file (HiGHS picks the format by the
    /// extension). Columns and rows carry `col_names` and `row_names` (one
    /// per column and row, unique, without spaces); `offset` is the
    /// objective's constant, so the file's optimum is the plan's cost.
    ///
    /// # Errors
    /// [`SolverError`] when a name has a NUL byte, or HiGHS refuses a name,
    /// the offset or the file.
    pub fn write(
        &mut self,
        path: &std::path::Path,
        col_names: &[String],
        row_names: &[String],
        offset: f64,
    ) -> Result<(), SolverError> {
        let c = |s: &str| {
            std::ffi::CString::new(s).map_err(|_| SolverError(format!("a name with a NUL: {s:?}")))
        };
        let ptr = self.model.as_mut_ptr();
        let refused = |what: &str| SolverError(format!("HiGHS refused {what}"));
        for (j, name) in col_names.iter().enumerate() {
            let name = c(name)?;
            // SAFETY: `ptr` is the live Highs instance owned by `self.model`;
            // `name` is a NUL-terminated string that outlives the call (HiGHS
            // copies it); an index out of range is an error status.
            let status = unsafe { highs_sys::Highs_passColName(ptr, j as _, name.as_ptr()) };
            if status == highs_sys::STATUS_ERROR {
                return Err(refused("a column name"));
            }
        }
        for (i, name) in row_names.iter().enumerate() {
            let name = c(name)?;
            // SAFETY: as above, for a row.
            let status = unsafe { highs_sys::Highs_passRowName(ptr, i as _, name.as_ptr()) };
            if status == highs_sys::STATUS_ERROR {
                return Err(refused("a row name"));
            }
        }
        // SAFETY: `ptr` is live; the offset is a plain number.
        let status = unsafe { highs_sys::Highs_changeObjectiveOffset(ptr, offset) };
        if status == highs_sys::STATUS_ERROR {
            return Err(refused("the objective offset"));
        }
        let file = c(&path.to_string_lossy())?;
        // SAFETY: `ptr` is live and `file` a NUL-terminated path that
        // outlives the call.
        let status = unsafe { highs_sys::Highs_writeModel(ptr, file.as_ptr()) };
        if status == highs_sys::STATUS_ERROR {
            return Err(refused(&format!("to write {}", path.display())));
        }
        Ok(())
    }
}
