//! Changes of costs and bounds to a problem HiGHS holds: what a scenario,
//! a sweep case or a portfolio's cell changes in a solved LP of the same
//! structure.

use highs_sys::HighsInt;

use super::{Col, Row, SolverError};

/// Changes to a solved problem, applied by [`super::Session::resolve`] and
/// [`super::Session::warm`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Change {
    /// New objective coefficients.
    pub costs: Vec<(Col, f64)>,
    /// New (lower, upper) column bounds; ±∞ for a free side.
    pub col_bounds: Vec<(Col, f64, f64)>,
    /// New (lower, upper) row bounds; ±∞ for a free side.
    pub row_bounds: Vec<(Row, f64, f64)>,
    /// Columns fixed at a value (lower = upper bound).
    pub fixed: Vec<(Col, f64)>,
}

impl Change {
    /// Sets the cost of `col`.
    pub fn cost(mut self, col: Col, cost: f64) -> Self {
        self.costs.push((col, cost));
        self
    }

    /// Sets the upper bound of `col` (its lower bound 0).
    pub fn upper(mut self, col: Col, upper: f64) -> Self {
        self.col_bounds.push((col, 0.0, upper));
        self
    }

    /// Sets the right-hand side of a `<=` row.
    pub fn rhs_le(mut self, row: Row, rhs: f64) -> Self {
        self.row_bounds.push((row, f64::NEG_INFINITY, rhs));
        self
    }

    /// Sets the right-hand side of an `==` row.
    pub fn rhs_eq(mut self, row: Row, rhs: f64) -> Self {
        self.row_bounds.push((row, rhs, rhs));
        self
    }

    /// Fixes `col` at `value`.
    pub fn fix(mut self, col: Col, value: f64) -> Self {
        self.fixed.push((col, value));
        self
    }

    /// True when the change changes nothing.
    pub fn is_empty(&self) -> bool {
        self.costs.is_empty()
            && self.col_bounds.is_empty()
            && self.row_bounds.is_empty()
            && self.fixed.is_empty()
    }

    /// Applies the costs, column bounds and row bounds (not `fixed`) to
    /// `model`, each kind in one call.
    pub(super) fn apply(&self, model: &mut highs::Model) -> Result<(), SolverError> {
        let ptr = model.as_mut_ptr();
        let refused = |what: &str| SolverError(format!("HiGHS refused new {what}"));
        let index = |i: usize| i as HighsInt;
        if !self.costs.is_empty() {
            let set: Vec<HighsInt> = self.costs.iter().map(|c| index(c.0 .0)).collect();
            let cost: Vec<f64> = self.costs.iter().map(|c| c.1).collect();
            // SAFETY: `ptr` is the live Highs instance owned by `model`,
            // which outlives the call; `set` and `cost` have
            // `set.len()` entries each and outlive the call; HiGHS checks
            // the indices (an out-of-range one is an error status).
            let status = unsafe {
                highs_sys::Highs_changeColsCostBySet(
                    ptr,
                    index(set.len()),
                    set.as_ptr(),
                    cost.as_ptr(),
                )
            };
            if status == highs_sys::STATUS_ERROR {
                return Err(refused("costs"));
            }
        }
        let cols = self.col_bounds.iter().map(|c| (c.0 .0, c.1, c.2));
        bounds_by_set(ptr, cols, highs_sys::Highs_changeColsBoundsBySet)
            .map_err(|()| refused("column bounds"))?;
        let rows = self.row_bounds.iter().map(|r| (r.0 .0, r.1, r.2));
        bounds_by_set(ptr, rows, highs_sys::Highs_changeRowsBoundsBySet)
            .map_err(|()| refused("row bounds"))?;
        Ok(())
    }
}

/// HiGHS's way to change the bounds of a set of columns or of rows.
type BoundsBySet = unsafe extern "C" fn(
    *mut std::ffi::c_void,
    HighsInt,
    *const HighsInt,
    *const f64,
    *const f64,
) -> HighsInt;

/// Changes the (index, lower, upper) bounds of `entries` in one call of
/// `call` (nothing when there are none).
fn bounds_by_set(
    ptr: *mut std::ffi::c_void,
    entries: impl Iterator<Item = (usize, f64, f64)>,
    call: BoundsBySet,
) -> Result<(), ()> {
    let (mut set, mut lower, mut upper) = (Vec::new(), Vec::new(), Vec::new());
    for (i, lo, up) in entries {
        set.push(i as HighsInt);
        lower.push(lo);
        upper.push(up);
    }
    if set.is_empty() {
        return Ok(());
    }
    // SAFETY: `ptr` is a live Highs instance (the caller's model outlives
    // the call); `set`, `lower` and `upper` have `set.len()` entries each
    // and outlive the call; HiGHS checks the indices (an out-of-range one
    // is an error status, not undefined behaviour).
    let status = unsafe {
        call(
            ptr,
            set.len() as HighsInt,
            set.as_ptr(),
            lower.as_ptr(),
            upper.as_ptr(),
        )
    };
    if status == highs_sys::STATUS_ERROR {
        Err(())
    } else {
        Ok(())
    }
}
