//! The LP as it is built: columns and rows as plain arrays
//! ([`crate::solver::Arrays`]), each with its typed key, and every cost
//! recorded with the block it belongs to. [`Lp::into_problem`] hands the
//! finished LP to [`crate::solver::Problem`].

use super::keys::{Block, ColKey, LpKeys, RowKey};
use crate::solver::{Arrays, Col, Problem, Row, SolverError};

/// Size of a built LP.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, PartialEq, Eq)]
pub struct LpSize {
    /// Columns (variables).
    pub columns: usize,
    /// Rows (constraints).
    pub rows: usize,
    /// Non-zero matrix coefficients.
    pub nonzeros: usize,
    /// Integer (binary) columns: build decisions of a MIP.
    pub integers: usize,
}

/// Sense of a row.
#[derive(Debug, Clone, Copy)]
pub enum Sense {
    /// `expr == rhs`
    Eq,
    /// `expr <= rhs`
    Le,
    /// `expr >= rhs`
    Ge,
}

/// Collects keyed columns, rows and costs in a fixed order.
#[derive(Default)]
pub struct Lp {
    arrays: Arrays,
    keys: LpKeys,
    costs: Vec<(Block, Col, f64)>,
    size: LpSize,
    block: Block,
    /// Terms added to rows after they were made ([`Lp::add_term`]).
    added: Vec<(Row, Col, f64)>,
}

impl Lp {
    /// An empty LP with room for about `columns` columns and `rows` rows
    /// (an estimate: it only saves the growth of its tables).
    pub fn with_capacity(columns: usize, rows: usize) -> Lp {
        let mut lp = Lp::default();
        let a = &mut lp.arrays;
        a.lower.reserve(columns);
        a.upper.reserve(columns);
        a.integer.reserve(columns);
        a.row_lower.reserve(rows);
        a.row_upper.reserve(rows);
        a.row_start.reserve(rows + 1);
        a.term_col.reserve(3 * rows);
        a.term_value.reserve(3 * rows);
        lp.keys.cols.reserve(columns);
        lp.costs.reserve(columns);
        lp.keys.rows.reserve(rows);
        lp
    }

    fn push(&mut self, key: ColKey, lower: f64, upper: f64, integer: bool, cost: f64) -> Col {
        let a = &mut self.arrays;
        a.lower.push(lower);
        a.upper.push(upper);
        a.integer.push(integer);
        self.keys.cols.push((self.block, key));
        self.size.columns += 1;
        let col = Col(a.lower.len() - 1);
        self.add_cost(col, cost);
        col
    }

    /// Adds a continuous column `0 <= x <= upper` (none: unbounded) with
    /// objective coefficient `cost`.
    pub fn column(&mut self, key: ColKey, upper: Option<f64>, cost: f64) -> Col {
        self.push(key, 0.0, upper.unwrap_or(f64::INFINITY), false, cost)
    }

    /// Adds a free column (no bounds) with objective coefficient `cost`.
    pub fn free_column(&mut self, key: ColKey, cost: f64) -> Col {
        self.push(key, f64::NEG_INFINITY, f64::INFINITY, false, cost)
    }

    /// Adds a build decision `y ∈ {0, 1}` (or `0 <= y <= 1` when `relax`)
    /// with objective coefficient `cost`.
    pub fn decision(&mut self, key: ColKey, relax: bool, cost: f64) -> Col {
        self.size.integers += usize::from(!relax);
        self.push(key, 0.0, 1.0, !relax, cost)
    }

    /// Adds `cost` to the objective coefficient of `col`, as a cost of the
    /// current block.
    pub fn add_cost(&mut self, col: Col, cost: f64) {
        if cost != 0.0 {
            self.costs.push((self.block, col, cost));
        }
    }

    /// Adds the row `Σ coef·col (sense) rhs`.
    pub fn row(&mut self, key: RowKey, terms: &[(Col, f64)], sense: Sense, rhs: f64) -> Row {
        let a = &mut self.arrays;
        if a.row_start.is_empty() {
            a.row_start.push(0);
        }
        for &(c, coef) in terms {
            a.term_col.push(c.0 as u32);
            a.term_value.push(coef);
        }
        a.row_start.push(a.term_col.len());
        let (lower, upper) = match sense {
            Sense::Eq => (rhs, rhs),
            Sense::Le => (f64::NEG_INFINITY, rhs),
            Sense::Ge => (rhs, f64::INFINITY),
        };
        a.row_lower.push(lower);
        a.row_upper.push(upper);
        self.size.nonzeros += terms.len();
        self.keys.rows.push((self.block, key));
        self.size.rows += 1;
        Row(a.row_lower.len() - 1)
    }

    /// Adds `coef·col` to row `row`, made earlier: for a family whose
    /// columns enter other families' rows (a stockpile in a balance).
    pub fn add_term(&mut self, row: Row, col: Col, coef: f64) {
        self.added.push((row, col, coef));
        self.size.nonzeros += 1;
    }

    /// Merges the terms added to rows after they were made, each after the
    /// row's own terms.
    fn merge_added(&mut self) {
        if self.added.is_empty() {
            return;
        }
        self.added.sort_by_key(|t| t.0 .0);
        let a = &mut self.arrays;
        let rows = a.row_start.len() - 1;
        let (mut cols, mut values) = (Vec::new(), Vec::new());
        let mut start = vec![0];
        let mut added = self.added.iter().peekable();
        for r in 0..rows {
            cols.extend_from_slice(&a.term_col[a.row_start[r]..a.row_start[r + 1]]);
            values.extend_from_slice(&a.term_value[a.row_start[r]..a.row_start[r + 1]]);
            while let Some((_, c, v)) = added.next_if(|t| t.0 .0 == r) {
                cols.push(c.0 as u32);
                values.push(*v);
            }
            start.push(cols.len());
        }
        (a.term_col, a.term_value, a.row_start) = (cols, values, start);
        self.added.clear();
    }

    /// Starts block `b`: columns, rows and costs added from now on belong
    /// to it.
    pub fn start_block(&mut self, b: Block) {
        self.block = b;
    }

    /// The cost terms of block `b`, unweighted, in the order added.
    pub fn block_costs(&self, b: Block) -> Vec<(Col, f64)> {
        self.costs
            .iter()
            .filter(|c| c.0 == b)
            .map(|&(_, col, k)| (col, k))
            .collect()
    }

    /// The finished LP as arrays, minimising every block's costs times
    /// `weight(block)`, with its keys and size.
    pub fn finish(mut self, weight: impl Fn(Block) -> f64) -> (Arrays, LpKeys, LpSize) {
        if self.arrays.row_start.is_empty() {
            self.arrays.row_start.push(0);
        }
        self.merge_added();
        let a = &mut self.arrays;
        a.cost = vec![0.0; a.lower.len()];
        for &(b, col, cost) in &self.costs {
            let w = weight(b);
            if w != 0.0 {
                a.cost[col.0] += cost * w;
            }
        }
        (self.arrays, self.keys, self.size)
    }

    /// Hands the LP to the solver, minimising every block's costs times
    /// `weight(block)`.
    ///
    /// # Errors
    /// [`SolverError`] when HiGHS refuses the problem.
    pub fn into_problem(
        self,
        weight: impl Fn(Block) -> f64,
    ) -> Result<(Problem, LpKeys, LpSize), SolverError> {
        let (arrays, keys, size) = self.finish(weight);
        Ok((Problem::from_arrays(&arrays)?, keys, size))
    }
}
