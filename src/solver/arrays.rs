//! An LP as plain arrays, as the solver holds it, and the [`Change`] of
//! costs and bounds between two LPs of the same structure.

use super::{Change, Col, Row};

/// The LP as plain arrays, as the solver holds it: one cost and bound pair
/// per column, one bound pair per row, and the matrix row by row. Two LPs
/// with the same matrix and integrality differ only by a [`Change`] of
/// costs and bounds, which a solver holding one can apply to reach the
/// other without rebuilding it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Arrays {
    /// Objective coefficient of each column (block weights applied).
    pub cost: Vec<f64>,
    /// Lower bound of each column.
    pub lower: Vec<f64>,
    /// Upper bound of each column (`+∞`: none).
    pub upper: Vec<f64>,
    /// True for an integer (build decision) column.
    pub integer: Vec<bool>,
    /// Lower bound of each row (`-∞`: none).
    pub row_lower: Vec<f64>,
    /// Upper bound of each row (`+∞`: none).
    pub row_upper: Vec<f64>,
    /// Where each row's terms start in `term_col` and `term_value`; one
    /// more entry than rows.
    pub row_start: Vec<usize>,
    /// The column of each term.
    pub term_col: Vec<u32>,
    /// The coefficient of each term.
    pub term_value: Vec<f64>,
}

impl Arrays {
    /// True when `other` has the same columns, rows, matrix (bit for bit)
    /// and integrality: it differs from `self` only in costs and bounds.
    pub fn same_structure(&self, other: &Arrays) -> bool {
        let bits = |a: &[f64], b: &[f64]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
        };
        self.cost.len() == other.cost.len()
            && self.row_lower.len() == other.row_lower.len()
            && self.integer == other.integer
            && self.row_start == other.row_start
            && self.term_col == other.term_col
            && bits(&self.term_value, &other.term_value)
    }

    /// True when `other`, of the same structure, has the same costs and
    /// bounds, bit for bit: the same LP.
    pub fn same_values(&self, other: &Arrays) -> bool {
        let bits = |a: &[f64], b: &[f64]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
        };
        bits(&self.cost, &other.cost)
            && bits(&self.lower, &other.lower)
            && bits(&self.upper, &other.upper)
            && bits(&self.row_lower, &other.row_lower)
            && bits(&self.row_upper, &other.row_upper)
    }

    /// The change that turns an LP holding `self` into one holding `next`
    /// (every cost and bound that differs, bit for bit), or none when the
    /// two differ in structure ([`Arrays::same_structure`]).
    pub fn change_to(&self, next: &Arrays) -> Option<Change> {
        if !self.same_structure(next) {
            return None;
        }
        let differs = |a: f64, b: f64| a.to_bits() != b.to_bits();
        let mut change = Change::default();
        for j in 0..self.cost.len() {
            if differs(self.cost[j], next.cost[j]) {
                change.costs.push((Col(j), next.cost[j]));
            }
            if differs(self.lower[j], next.lower[j]) || differs(self.upper[j], next.upper[j]) {
                change
                    .col_bounds
                    .push((Col(j), next.lower[j], next.upper[j]));
            }
        }
        for i in 0..self.row_lower.len() {
            if differs(self.row_lower[i], next.row_lower[i])
                || differs(self.row_upper[i], next.row_upper[i])
            {
                change
                    .row_bounds
                    .push((Row(i), next.row_lower[i], next.row_upper[i]));
            }
        }
        Some(change)
    }

    /// The same LP with every column continuous and each of `fixed` held
    /// at its value: a MIP's LP once its build decisions are made.
    pub fn relaxed_with(&self, fixed: &[(Col, f64)]) -> Arrays {
        let mut a = self.clone();
        a.integer.iter_mut().for_each(|i| *i = false);
        for &(c, v) in fixed {
            (a.lower[c.0], a.upper[c.0]) = (v, v);
        }
        a
    }
}
