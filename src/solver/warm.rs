//! Warm re-solves: a solved problem changed in costs and bounds and solved
//! again from a basis (an LP) or from an incumbent plan (a MIP) kept from an
//! earlier solve, once, without the fallbacks of a cold solve.
//!
//! Starting every re-solve from the same saved basis or incumbent, rather
//! than from whatever the last one left, makes its answer depend only on
//! that start and the problem: a sweep's case gives the same plan whichever
//! cases a worker solved before it.

use std::time::Instant;

use highs_sys::HighsInt;

use super::session::{clear_solution, plan_or_limit, run_highs, Read};
use super::{Change, Session, SolverError};

/// The status of every column and row in an optimal basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basis {
    cols: Vec<HighsInt>,
    rows: Vec<HighsInt>,
}

/// Where a warm re-solve starts.
#[derive(Debug, Clone, Copy)]
pub enum Start<'a> {
    /// From the basis and everything else HiGHS holds after the last solve
    /// (its factorisation, edge weights): the answer then depends on that
    /// solve, and on the ones before it.
    Held,
    /// An LP: from this basis.
    Basis(&'a Basis),
    /// A MIP: with these column values as its first incumbent (HiGHS
    /// ignores a start that the changed problem does not allow).
    Incumbent(&'a [f64]),
}

impl Session {
    /// A copy of what the last solve found (status, values, duals), without
    /// the HiGHS instance: read like any session, never re-solved.
    pub fn snapshot(&self) -> Session {
        Session {
            highs: None,
            max_cost: self.max_cost,
            status: self.status.clone(),
            has_plan: self.has_plan,
            objective: self.objective,
            mip_gap: self.mip_gap,
            columns: self.columns.clone(),
            column_duals: self.column_duals.clone(),
            row_duals: self.row_duals.clone(),
            seconds: self.seconds,
            iterations: self.iterations,
        }
    }

    /// The basis HiGHS holds after the last solve; none when it holds no
    /// valid one (after a MIP, or a failed run).
    pub fn basis(&self) -> Option<Basis> {
        let model = self.highs.as_ref()?;
        if Read(model).int_info(c"basis_validity").ok()? != 1 {
            return None;
        }
        let mut basis = Basis {
            cols: vec![0; model.num_cols()],
            rows: vec![0; model.num_rows()],
        };
        // SAFETY: the pointer is the live Highs instance owned by `model`;
        // HiGHS writes one status per column and one per row, and each
        // array has exactly that many entries.
        let status = unsafe {
            highs_sys::Highs_getBasis(
                model.as_ptr(),
                basis.cols.as_mut_ptr(),
                basis.rows.as_mut_ptr(),
            )
        };
        (status != highs_sys::STATUS_ERROR).then_some(basis)
    }

    /// Applies `change`, starts from `start` and runs HiGHS once. True when
    /// HiGHS found a plan it calls optimal, or stopped at a limit with a
    /// plan: the session then holds it like any solve. False when it did
    /// not: the
    /// session keeps no instance, and the problem is to be solved from
    /// scratch, with a cold solve's fallbacks.
    ///
    /// # Errors
    /// [`SolverError`] when HiGHS refuses the change or the start.
    pub fn warm(&mut self, change: &Change, start: Start) -> Result<bool, SolverError> {
        let clock = Instant::now();
        let mut model = self.take_changed(change)?;
        // Unless asked to go on from what HiGHS holds, it forgets all but
        // the model and the options before the start is set: what it keeps
        // between runs (its factorisation, edge weights, random vectors)
        // would make the answer depend on the runs before.
        if !matches!(start, Start::Held) {
            clear_solution(&mut model);
        }
        let ptr = model.as_mut_ptr();
        let status = match start {
            Start::Held => highs_sys::STATUS_OK,
            Start::Basis(b) => {
                if b.cols.len() != model.num_cols() || b.rows.len() != model.num_rows() {
                    return Err(SolverError("a basis of another problem".into()));
                }
                // SAFETY: `ptr` is the live Highs instance owned by `model`;
                // the arrays hold one status per column and per row of it
                // (checked above) and outlive the call.
                unsafe { highs_sys::Highs_setBasis(ptr, b.cols.as_ptr(), b.rows.as_ptr()) }
            }
            Start::Incumbent(values) => {
                if values.len() != model.num_cols() {
                    return Err(SolverError("an incumbent of another problem".into()));
                }
                // SAFETY: as above; `values` has one entry per column, and
                // HiGHS accepts null for the values it is not given.
                unsafe {
                    highs_sys::Highs_setSolution(
                        ptr,
                        values.as_ptr(),
                        std::ptr::null(),
                        std::ptr::null(),
                        std::ptr::null(),
                    )
                }
            }
        };
        if status == highs_sys::STATUS_ERROR {
            return Err(SolverError("HiGHS refused the warm start".into()));
        }
        let solved = match run_highs(&mut model) {
            Ok(status) if plan_or_limit(&status, &model)? => status,
            _ => return Ok(false),
        };
        self.status = solved;
        self.seconds = clock.elapsed().as_secs_f64();
        self.read_back(model)?;
        // A limit reached before any plan is no plan.
        Ok(self.has_plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::{Arrays, Col, Problem, SolveOptions};

    /// min x + 2y subject to x + y >= 3, 0 <= x <= 2, y >= 0: x = 2, y = 1,
    /// cost 4.
    fn lp() -> Arrays {
        Arrays {
            cost: vec![1.0, 2.0],
            lower: vec![0.0, 0.0],
            upper: vec![2.0, f64::INFINITY],
            integer: vec![false, false],
            row_lower: vec![3.0],
            row_upper: vec![f64::INFINITY],
            row_start: vec![0, 2],
            term_col: vec![0, 1],
            term_value: vec![1.0, 1.0],
        }
    }

    #[test]
    fn changes_of_bounds_and_costs_reach_the_hand_optima_warm() {
        let a = lp();
        let opts = SolveOptions::default();
        let mut s = Session::solve(Problem::from_arrays(&a).unwrap(), &opts).unwrap();
        assert_eq!((s.objective, s.columns.clone()), (4.0, vec![2.0, 1.0]));
        let basis = s.basis().unwrap();
        // x <= 1: x = 1, y = 2, cost 5.
        let mut b = a.clone();
        b.upper[0] = 1.0;
        let change = a.change_to(&b).unwrap();
        assert_eq!(change.col_bounds, [(Col(0), 0.0, 1.0)]);
        assert!(change.costs.is_empty() && change.row_bounds.is_empty());
        assert!(s.warm(&change, Start::Basis(&basis)).unwrap());
        assert_eq!((s.objective, s.columns.clone()), (5.0, vec![1.0, 2.0]));
        // y at 0.5: x = 0, y = 3, cost 1.5.
        let mut c = b.clone();
        c.cost[1] = 0.5;
        let change = b.change_to(&c).unwrap();
        assert_eq!(change.costs, [(Col(1), 0.5)]);
        let basis = s.basis().unwrap();
        assert!(s.warm(&change, Start::Basis(&basis)).unwrap());
        assert_eq!((s.objective, s.columns.clone()), (1.5, vec![0.0, 3.0]));
        // Another coefficient is another structure: no change reaches it.
        let mut d = c.clone();
        d.term_value[1] = 2.0;
        assert!(c.change_to(&d).is_none());
        assert!(c.change_to(&c).unwrap().is_empty());
    }

    #[test]
    fn a_change_that_leaves_no_plan_says_so() {
        let a = lp();
        let opts = SolveOptions::default();
        let mut s = Session::solve(Problem::from_arrays(&a).unwrap(), &opts).unwrap();
        let basis = s.basis().unwrap();
        // x + y >= 3 with y <= 0.5 and x <= 2: no plan.
        let mut b = a.clone();
        b.upper[1] = 0.5;
        assert!(!s
            .warm(&a.change_to(&b).unwrap(), Start::Basis(&basis))
            .unwrap());
    }
}
