//! Solving with HiGHS: the real status, values and duals, and warm re-solves
//! after a [`Change`].

use std::time::Instant;

use highs::{HighsModelStatus, HighsSolutionStatus};
use highs_sys::HighsInt;
use serde::Serialize;

use super::problem::fix_columns;
use super::{Change, Col, Problem, Row, SolveOptions, SolverError};

/// What the solver concluded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SolveStatus {
    /// Proven optimal.
    Optimal,
    /// Stopped at a limit (time, iterations, ...); a plan may exist.
    Limit {
        /// Which limit.
        reason: String,
    },
    /// Proven to have no feasible plan.
    Infeasible,
    /// The cost can fall without bound.
    Unbounded,
    /// HiGHS could only tell that it is one of the two.
    UnboundedOrInfeasible,
}

impl SolveStatus {
    /// Short words for tables and JSON.
    pub fn label(&self) -> String {
        match self {
            SolveStatus::Optimal => "optimal".into(),
            SolveStatus::Limit { reason } => format!("stopped at {reason}"),
            SolveStatus::Infeasible => "infeasible".into(),
            SolveStatus::Unbounded => "unbounded".into(),
            SolveStatus::UnboundedOrInfeasible => "unbounded or infeasible".into(),
        }
    }
}

impl std::fmt::Display for SolveStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

/// A solved (or attempted) problem, with its HiGHS instance kept alive.
pub struct Session {
    /// The HiGHS instance, holding the last solution and basis.
    pub(super) highs: Option<highs::Model>,
    /// The largest cost in magnitude of the objective, to scale it by when
    /// HiGHS gives up on the problem as it is.
    pub(super) max_cost: f64,
    /// The status of the last solve.
    pub status: SolveStatus,
    /// True when HiGHS holds a feasible primal solution.
    pub has_plan: bool,
    /// Solver objective (without the formulation's constant).
    pub objective: f64,
    /// Relative MIP gap (none for an LP).
    pub mip_gap: Option<f64>,
    /// Column values.
    pub columns: Vec<f64>,
    /// Column duals (reduced costs).
    pub column_duals: Vec<f64>,
    /// Row duals: ∂objective/∂rhs.
    pub row_duals: Vec<f64>,
    /// Wall-clock seconds of the last solve.
    pub seconds: f64,
    /// Simplex iterations of the last solve.
    pub iterations: i64,
}

impl Session {
    /// Solves `problem` with `opts`.
    ///
    /// # Errors
    /// [`SolverError`] when HiGHS fails outright (not for infeasible or
    /// unbounded models: those are statuses).
    pub fn solve(mut problem: Problem, opts: &SolveOptions) -> Result<Session, SolverError> {
        problem.apply_options(opts)?;
        let mut s = Session {
            highs: None,
            max_cost: problem.max_cost,
            status: SolveStatus::Infeasible,
            has_plan: false,
            objective: f64::NAN,
            mip_gap: None,
            columns: Vec::new(),
            column_duals: Vec::new(),
            row_duals: Vec::new(),
            seconds: 0.0,
            iterations: 0,
        };
        s.run(problem.model)?;
        Ok(s)
    }

    /// The value of column `col` in the last solution.
    pub fn value(&self, col: Col) -> f64 {
        self.columns[col.0]
    }

    /// The reduced cost of column `col`.
    pub fn reduced_cost(&self, col: Col) -> f64 {
        self.column_duals[col.0]
    }

    /// The dual of row `row`: the change of the objective per unit of its
    /// right-hand side.
    pub fn dual(&self, row: Row) -> f64 {
        self.row_duals[row.0]
    }

    /// Runs HiGHS on `model` and reads back what it found. Every LP and MIP
    /// rareflow builds has a plan (nothing need be made, any demand may go
    /// short) unless its build rules combine so that none can be met, and is
    /// bounded. So when HiGHS gives up, or says there is no plan, on a
    /// problem well within rareflow's documented ranges, it is solved again
    /// from scratch, in turn:
    /// - without presolve: the MIP presolve can call a model with bounds
    ///   near 1e-6 infeasible, and can leave a solution that misses HiGHS's
    ///   absolute tolerances on rows that carry 1e11 t, which HiGHS then
    ///   calls a solve error;
    /// - with presolve, and the objective scaled down by a power of two when
    ///   its costs are large, as HiGHS itself suggests (its dual simplex
    ///   stops at "excessive dual values" on costs near 1e9); HiGHS undoes
    ///   the scaling on every value it reports. This comes last: a run that
    ///   fails leaves the scaling applied to the problem HiGHS holds.
    ///
    /// A model that truly has no plan is so found two or three times; a
    /// run stopped at a limit is never run again.
    fn run(&mut self, mut model: highs::Model) -> Result<(), SolverError> {
        let start = Instant::now();
        let mut outcome = run_highs(&mut model);
        // The last answer that there is no plan, should a later run fail.
        let mut no_plan = None;
        let scaled = objective_scale(self.max_cost).map(Fallback::ScaleObjective);
        for fallback in [Some(Fallback::NoPresolve), scaled].into_iter().flatten() {
            match &outcome {
                Ok(status) if plan_or_limit(status, &model)? => break,
                Ok(status) => no_plan = Some(status.clone()),
                Err(_) => {}
            }
            fallback.apply(&mut model)?;
            clear_solution(&mut model);
            outcome = run_highs(&mut model);
        }
        self.status = match (outcome, no_plan) {
            (Ok(status), _) => status,
            (Err(_), Some(status)) => status,
            (Err(e), None) => return Err(e),
        };
        self.seconds = start.elapsed().as_secs_f64();
        self.read_back(model)
    }

    /// Reads what HiGHS found into the session and keeps the instance.
    pub(super) fn read_back(&mut self, model: highs::Model) -> Result<(), SolverError> {
        let read = Read(&model);
        self.has_plan = read.primal_status()? == HighsSolutionStatus::Feasible;
        let gap = read.double_info(c"mip_gap")?;
        self.mip_gap = gap.is_finite().then_some(gap);
        self.objective = read.objective();
        self.iterations = read.int_info(c"simplex_iteration_count")?;
        (self.columns, self.column_duals, _, self.row_duals) = read.solution();
        self.highs = Some(model);
        Ok(())
    }

    /// Changes column costs, column bounds, row bounds and fixed columns,
    /// then re-solves from the previous basis.
    ///
    /// # Errors
    /// [`SolverError`] when HiGHS refuses a change or fails outright.
    pub fn resolve(&mut self, change: &Change) -> Result<(), SolverError> {
        let mut model = self.take_changed(change)?;
        fix_columns(&mut model, &change.fixed)?;
        self.run(model)
    }

    /// Takes the HiGHS instance out of the session with `change` applied.
    pub(super) fn take_changed(&mut self, change: &Change) -> Result<highs::Model, SolverError> {
        let mut model = self
            .highs
            .take()
            .ok_or_else(|| SolverError("no solved model to change".into()))?;
        for &(_, cost) in &change.costs {
            self.max_cost = self.max_cost.max(cost.abs());
        }
        change.apply(&mut model)?;
        Ok(model)
    }
}

/// The power of two (its exponent) that brings the objective's largest
/// cost down to 1e6, above which HiGHS calls costs excessively large; none
/// when the costs are not that large.
fn objective_scale(max_cost: f64) -> Option<i32> {
    const LARGE: f64 = 1e6;
    (max_cost.is_finite() && max_cost > LARGE).then(|| (LARGE / max_cost).log2().floor() as i32)
}

/// A way to solve again a problem HiGHS gave up on.
#[derive(Debug, Clone, Copy)]
enum Fallback {
    /// Presolve off.
    NoPresolve,
    /// Presolve as by default, and costs multiplied by 2^k.
    ScaleObjective(i32),
}

impl Fallback {
    fn apply(self, model: &mut highs::Model) -> Result<(), SolverError> {
        let refused = |o: &str| SolverError(format!("HiGHS refused option {o}"));
        match self {
            Fallback::NoPresolve => model
                .try_set_option("presolve", "off")
                .map_err(|_| refused("presolve")),
            Fallback::ScaleObjective(k) => {
                model
                    .try_set_option("presolve", "choose")
                    .map_err(|_| refused("presolve"))?;
                model
                    .try_set_option("user_objective_scale", k)
                    .map_err(|_| refused("user_objective_scale"))
            }
        }
    }
}

/// Runs HiGHS on `model`: the status it reached, or an error when HiGHS
/// failed or ended in a status rareflow does not expect.
pub(super) fn run_highs(model: &mut highs::Model) -> Result<SolveStatus, SolverError> {
    // SAFETY: the pointer is the live Highs instance owned by `model`, which
    // outlives the call.
    let status = unsafe { highs_sys::Highs_run(model.as_mut_ptr()) };
    if status == highs_sys::STATUS_ERROR {
        return Err(SolverError("HiGHS failed: Error".into()));
    }
    status_of(Read(model).model_status()?)
}

/// True when HiGHS ended at a limit, or with a plan it calls optimal: an
/// answer not to question.
pub(super) fn plan_or_limit(
    status: &SolveStatus,
    model: &highs::Model,
) -> Result<bool, SolverError> {
    Ok(match status {
        SolveStatus::Limit { .. } => true,
        SolveStatus::Optimal => Read(model).primal_status()? == HighsSolutionStatus::Feasible,
        SolveStatus::Infeasible | SolveStatus::Unbounded | SolveStatus::UnboundedOrInfeasible => {
            false
        }
    })
}

/// Forgets the solution and basis of a failed run, so the next run starts
/// from scratch.
pub(super) fn clear_solution(model: &mut highs::Model) {
    // SAFETY: the pointer is the live Highs instance owned by `model`, which
    // outlives the call. Clearing the solver keeps the model and options.
    unsafe {
        highs_sys::Highs_clearSolver(model.as_mut_ptr());
    }
}

/// Reading the results of a run from a HiGHS instance.
pub(super) struct Read<'m>(pub(super) &'m highs::Model);

impl Read<'_> {
    fn model_status(&self) -> Result<HighsModelStatus, SolverError> {
        // SAFETY: the pointer is the live Highs instance owned by the model
        // borrowed for `self`'s lifetime; the call only reads.
        let status = unsafe { highs_sys::Highs_getModelStatus(self.0.as_ptr()) };
        HighsModelStatus::try_from(status)
            .map_err(|_| SolverError(format!("HiGHS returned an unknown model status {status}")))
    }

    /// The status of the primal solution HiGHS holds; none after a run that
    /// failed (HiGHS then reports -1: its info is not valid).
    fn primal_status(&self) -> Result<HighsSolutionStatus, SolverError> {
        let value = self.int_info(c"primal_solution_status")?;
        if value == -1 {
            return Ok(HighsSolutionStatus::None);
        }
        HighsInt::try_from(value)
            .ok()
            .and_then(|v| HighsSolutionStatus::try_from(v).ok())
            .ok_or_else(|| {
                SolverError(format!("HiGHS returned an unknown solution status {value}"))
            })
    }

    pub(super) fn int_info(&self, name: &std::ffi::CStr) -> Result<i64, SolverError> {
        let mut value: HighsInt = -1;
        // SAFETY: the pointer is the live Highs instance owned by the model
        // borrowed for `self`'s lifetime; `name` is a NUL-terminated string
        // and `value` a HighsInt that outlives the call, which writes it.
        let status =
            unsafe { highs_sys::Highs_getIntInfoValue(self.0.as_ptr(), name.as_ptr(), &mut value) };
        if status == highs_sys::STATUS_ERROR {
            return Err(SolverError(format!("HiGHS has no info value {name:?}")));
        }
        Ok(i64::from(value))
    }

    fn double_info(&self, name: &std::ffi::CStr) -> Result<f64, SolverError> {
        let mut value = f64::NAN;
        // SAFETY: as in `int_info`, with `value` a double.
        let status = unsafe {
            highs_sys::Highs_getDoubleInfoValue(self.0.as_ptr(), name.as_ptr(), &mut value)
        };
        if status == highs_sys::STATUS_ERROR {
            return Err(SolverError(format!("HiGHS has no info value {name:?}")));
        }
        Ok(value)
    }

    fn objective(&self) -> f64 {
        // SAFETY: the pointer is the live Highs instance owned by the model
        // borrowed for `self`'s lifetime; the call only reads.
        unsafe { highs_sys::Highs_getObjectiveValue(self.0.as_ptr()) }
    }

    /// Column values, column duals, row values and row duals.
    fn solution(&self) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
        let (cols, rows) = (self.0.num_cols(), self.0.num_rows());
        let (mut col_value, mut col_dual) = (vec![0.0; cols], vec![0.0; cols]);
        let (mut row_value, mut row_dual) = (vec![0.0; rows], vec![0.0; rows]);
        // SAFETY: the pointer is the live Highs instance owned by the model
        // borrowed for `self`'s lifetime; HiGHS writes one value per column
        // into each column array and one per row into each row array, and
        // each array has exactly that many elements.
        unsafe {
            highs_sys::Highs_getSolution(
                self.0.as_ptr(),
                col_value.as_mut_ptr(),
                col_dual.as_mut_ptr(),
                row_value.as_mut_ptr(),
                row_dual.as_mut_ptr(),
            );
        }
        (col_value, col_dual, row_value, row_dual)
    }
}

fn status_of(s: HighsModelStatus) -> Result<SolveStatus, SolverError> {
    let limit = |reason: &str| SolveStatus::Limit {
        reason: reason.to_string(),
    };
    Ok(match s {
        HighsModelStatus::Optimal | HighsModelStatus::ModelEmpty => SolveStatus::Optimal,
        HighsModelStatus::Infeasible => SolveStatus::Infeasible,
        HighsModelStatus::Unbounded => SolveStatus::Unbounded,
        HighsModelStatus::UnboundedOrInfeasible => SolveStatus::UnboundedOrInfeasible,
        HighsModelStatus::ReachedTimeLimit => limit("the time limit"),
        HighsModelStatus::ReachedIterationLimit => limit("the iteration limit"),
        HighsModelStatus::ReachedSolutionLimit => limit("the solution limit"),
        HighsModelStatus::ReachedInterrupt => limit("an interrupt"),
        HighsModelStatus::ReachedMemoryLimit => limit("the memory limit"),
        HighsModelStatus::ObjectiveBound | HighsModelStatus::ObjectiveTarget => {
            limit("an objective bound")
        }
        other => return Err(SolverError(format!("HiGHS ended with status {other:?}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::Problem;
    use good_lp::{constraint, variable, ProblemVariables};

    /// min 3e9·x + 2e9·y subject to x + y >= 2, 0 <= x <= 1, y >= 0.
    fn dear(fallback: Option<Fallback>) -> Session {
        let mut vars = ProblemVariables::new();
        let x = vars.add(variable().min(0).max(1));
        let y = vars.add(variable().min(0));
        let rows = vec![constraint!(x + y >= 2)];
        let mut problem = Problem::new(vars, 3e9 * x + 2e9 * y, rows).unwrap();
        if let Some(f) = fallback {
            f.apply(&mut problem.model).unwrap();
        }
        Session::solve(problem, &SolveOptions::default()).unwrap()
    }

    #[test]
    fn a_fallback_reports_the_same_plan_prices_and_cost() {
        let plain = dear(None);
        assert_eq!(plain.max_cost, 3e9);
        assert_eq!(plain.objective, 4e9);
        assert_eq!(plain.row_duals, [2e9]);
        let scale = objective_scale(plain.max_cost).unwrap();
        for fallback in [Fallback::NoPresolve, Fallback::ScaleObjective(scale)] {
            let s = dear(Some(fallback));
            assert_eq!(s.status, SolveStatus::Optimal, "{fallback:?}");
            assert_eq!(s.columns, plain.columns, "{fallback:?}");
            assert_eq!(s.objective, plain.objective, "{fallback:?}");
            assert_eq!(s.row_duals, plain.row_duals, "{fallback:?}");
            assert_eq!(s.column_duals, plain.column_duals, "{fallback:?}");
        }
    }

    #[test]
    fn a_problem_with_no_plan_is_still_found_to_have_none() {
        let mut vars = ProblemVariables::new();
        let x = vars.add(variable().min(0).max(1));
        let rows = vec![constraint!(x >= 2)];
        let problem = Problem::new(vars, 3e9 * x, rows).unwrap();
        let s = Session::solve(problem, &SolveOptions::default()).unwrap();
        assert_eq!(s.status, SolveStatus::Infeasible);
        assert!(!s.has_plan);
    }

    #[test]
    fn large_costs_are_scaled_down_to_1e6_by_a_power_of_two() {
        assert_eq!(objective_scale(1e5), None);
        assert_eq!(objective_scale(1e6), None);
        assert_eq!(objective_scale(f64::NAN), None);
        // 1e9 × 2^-10 = 9.8e5: HiGHS's own suggestion for costs of 1e9.
        assert_eq!(objective_scale(1e9), Some(-10));
        for max in [1.5e6, 8e8, 1e9, 3.7e12, 1e18] {
            let k = objective_scale(max).unwrap();
            let scaled = max * 2f64.powi(k);
            assert!((5e5..=1e6).contains(&scaled), "{max} -> 2^{k} -> {scaled}");
        }
    }
}
