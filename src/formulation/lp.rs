//! A thin layer over good_lp that numbers columns and rows as they are added
//! (good_lp keeps its own indices private) and counts non-zeros, then hands
//! the finished problem to HiGHS.

use good_lp::solvers::highs::highs as highs_solver;
use good_lp::{variable, Expression, ProblemVariables, SolverModel, Variable};

/// Index of a column in the LP (and in HiGHS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Col(pub usize);

/// Index of a row in the LP (and in HiGHS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RowIx(pub usize);

/// Size of a built LP.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
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

/// Collects columns, objective and rows in a fixed order.
pub struct LpBuilder {
    vars: ProblemVariables,
    columns: Vec<Variable>,
    objective: Expression,
    rows: Vec<good_lp::Constraint>,
    size: LpSize,
    /// Multiplies every cost added from now on (a scenario's probability in
    /// a stochastic program).
    pub weight: f64,
    /// When set, every cost added is also recorded here, unweighted (one
    /// scenario's cost as an expression).
    pub capture: Option<Vec<(Col, f64)>>,
}

impl Default for LpBuilder {
    fn default() -> Self {
        LpBuilder {
            vars: ProblemVariables::new(),
            columns: Vec::new(),
            objective: Expression::default(),
            rows: Vec::new(),
            size: LpSize::default(),
            weight: 1.0,
            capture: None,
        }
    }
}

impl LpBuilder {
    /// Adds a continuous column `0 <= x <= upper` (none: unbounded) with
    /// objective coefficient `cost`.
    pub fn column(&mut self, upper: Option<f64>, cost: f64) -> Col {
        let def = match upper {
            Some(u) => variable().min(0.0).max(u),
            None => variable().min(0.0),
        };
        let v = self.vars.add(def);
        self.columns.push(v);
        self.size.columns += 1;
        let col = Col(self.columns.len() - 1);
        self.add_cost(col, cost);
        col
    }

    /// Adds a free column (no bounds) with objective coefficient `cost`.
    pub fn column_free(&mut self, cost: f64) -> Col {
        let v = self.vars.add(variable());
        self.columns.push(v);
        self.size.columns += 1;
        let col = Col(self.columns.len() - 1);
        self.add_cost(col, cost);
        col
    }

    /// Adds `cost` (times [`LpBuilder::weight`]) to the objective
    /// coefficient of `col`.
    pub fn add_cost(&mut self, col: Col, cost: f64) {
        if cost == 0.0 {
            return;
        }
        if self.weight != 0.0 {
            self.objective
                .add_mul(cost * self.weight, self.columns[col.0]);
        }
        if let Some(c) = &mut self.capture {
            c.push((col, cost));
        }
    }

    /// Adds a build decision `y ∈ {0, 1}` (or `0 <= y <= 1` when `relax`)
    /// with objective coefficient `cost`.
    pub fn decision(&mut self, relax: bool, cost: f64) -> Col {
        let def = if relax {
            variable().min(0.0).max(1.0)
        } else {
            variable().binary()
        };
        let v = self.vars.add(def);
        self.columns.push(v);
        self.size.columns += 1;
        self.size.integers += usize::from(!relax);
        let col = Col(self.columns.len() - 1);
        self.add_cost(col, cost);
        col
    }

    /// Adds the row `Σ coef·col (sense) rhs`.
    pub fn row(&mut self, terms: &[(Col, f64)], sense: Sense, rhs: f64) -> RowIx {
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
        self.size.rows += 1;
        RowIx(self.rows.len() - 1)
    }

    /// Hands the problem to HiGHS (not yet solved).
    ///
    /// # Errors
    /// A message when HiGHS refuses the problem.
    pub fn into_highs(self) -> Result<(highs::Model, LpSize), String> {
        let mut problem = self.vars.minimise(self.objective).using(highs_solver);
        for r in self.rows {
            problem.add_constraint(r);
        }
        let model = problem.try_into_inner().map_err(|e| e.to_string())?;
        Ok((model, self.size))
    }
}
