//! The LP as it is built: good_lp columns and rows, each with its typed key,
//! and every cost recorded with the block it belongs to. Nothing here knows
//! the solver: [`Lp::into_problem`] hands the finished LP to
//! [`crate::solver::Problem`].

use good_lp::{variable, Expression, ProblemVariables, Variable};

use super::keys::{Block, ColKey, LpKeys, RowKey};
use crate::solver::{Col, Problem, Row, SolverError};

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
pub struct Lp {
    vars: ProblemVariables,
    columns: Vec<Variable>,
    rows: Vec<good_lp::Constraint>,
    keys: LpKeys,
    costs: Vec<(Block, Col, f64)>,
    size: LpSize,
    block: Block,
}

impl Default for Lp {
    fn default() -> Self {
        Lp {
            vars: ProblemVariables::new(),
            columns: Vec::new(),
            rows: Vec::new(),
            keys: LpKeys::default(),
            costs: Vec::new(),
            size: LpSize::default(),
            block: Block(0),
        }
    }
}

impl Lp {
    /// An empty LP with room for about `columns` columns and `rows` rows
    /// (an estimate: it only saves the growth of its tables).
    pub fn with_capacity(columns: usize, rows: usize) -> Lp {
        let mut lp = Lp::default();
        lp.columns.reserve(columns);
        lp.keys.cols.reserve(columns);
        lp.costs.reserve(columns);
        lp.rows.reserve(rows);
        lp.keys.rows.reserve(rows);
        lp
    }

    fn push(&mut self, key: ColKey, def: good_lp::VariableDefinition, cost: f64) -> Col {
        self.columns.push(self.vars.add(def));
        self.keys.cols.push((self.block, key));
        self.size.columns += 1;
        let col = Col(self.columns.len() - 1);
        self.add_cost(col, cost);
        col
    }

    /// Adds a continuous column `0 <= x <= upper` (none: unbounded) with
    /// objective coefficient `cost`.
    pub fn column(&mut self, key: ColKey, upper: Option<f64>, cost: f64) -> Col {
        let def = match upper {
            Some(u) => variable().min(0.0).max(u),
            None => variable().min(0.0),
        };
        self.push(key, def, cost)
    }

    /// Adds a free column (no bounds) with objective coefficient `cost`.
    pub fn free_column(&mut self, key: ColKey, cost: f64) -> Col {
        self.push(key, variable(), cost)
    }

    /// Adds a build decision `y ∈ {0, 1}` (or `0 <= y <= 1` when `relax`)
    /// with objective coefficient `cost`.
    pub fn decision(&mut self, key: ColKey, relax: bool, cost: f64) -> Col {
        let def = if relax {
            variable().min(0.0).max(1.0)
        } else {
            variable().binary()
        };
        self.size.integers += usize::from(!relax);
        self.push(key, def, cost)
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
        let mut e = Expression::with_capacity(terms.len());
        for &(c, coef) in terms {
            e.add_mul(coef, self.columns[c.0]);
        }
        self.size.nonzeros += terms.len();
        self.rows.push(match sense {
            Sense::Eq => e.eq(rhs),
            Sense::Le => e.leq(rhs),
            Sense::Ge => e.geq(rhs),
        });
        self.keys.rows.push((self.block, key));
        self.size.rows += 1;
        Row(self.rows.len() - 1)
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

    /// Hands the LP to the solver, minimising every block's costs times
    /// `weight(block)`.
    ///
    /// # Errors
    /// [`SolverError`] when HiGHS refuses the problem.
    pub fn into_problem(
        self,
        weight: impl Fn(Block) -> f64,
    ) -> Result<(Problem, LpKeys, LpSize), SolverError> {
        let mut objective = Expression::with_capacity(self.costs.len());
        for &(b, col, cost) in &self.costs {
            let w = weight(b);
            if w != 0.0 {
                objective.add_mul(cost * w, self.columns[col.0]);
            }
        }
        let problem = Problem::new(self.vars, objective, self.rows)?;
        Ok((problem, self.keys, self.size))
    }
}
