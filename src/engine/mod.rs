//! The engine behind `sweep` and `compare`: many related plans solved in
//! parallel by workers that keep HiGHS warm.
//!
//! Cases are grouped by the *base* they start from (a sweep has one: the
//! model with its scenarios; a comparison has one per portfolio: the model
//! with that portfolio). Each worker (one per thread, one HiGHS thread
//! each) builds and solves a base once, the first time it meets a case of
//! it, and keeps the HiGHS instance with the base's optimal basis (an LP)
//! or its plan (a MIP). Every case is loaded and checked like any model,
//! and built, unless its jobs give its LP ([`Jobs::lp`]: a sweep's grid);
//! when its LP has the base's structure (the same columns, rows,
//! matrix and integrality, which is the case for every change of a cost,
//! capacity, cap, tariff or demand), it is a [`crate::solver::Change`] of
//! costs and bounds on the instance, re-solved from the base's basis; a
//! MIP's LP with its builds fixed, for the duals, is kept and re-solved the
//! same way. A MIP case is first solved on that LP by rounding its
//! relaxation ([`round`]), kept when proven within the gap asked; else by
//! HiGHS's branch and bound, with the base's plan as its first incumbent. A case
//! with another structure is built and solved from scratch ([`How::Rebuilt`]),
//! and so is a case whose warm re-solve finds no plan, or whose plan fails
//! its verification ([`How::Retried`]). Every plan is verified against the
//! case's own model.
//!
//! Cases come in *chains* ([`Jobs::chain_of`]): a chain is solved in order
//! by one worker. Its first case starts from the base's own basis or plan,
//! HiGHS cleared of all but the problem and its options; each next LP case
//! goes on from where the one before left HiGHS (neighbours in a grid are
//! close, so few simplex iterations part them), each next MIP case's
//! rounding from there too, and its branch and bound (when rounding is not
//! enough) from the plan of the last case before it in the chain that was
//! branched on, or the base's. So a case's plan depends only on its chain: the same
//! whichever worker solves it, in a whole sweep or in any of its shards.

pub(crate) mod round;
mod worker;

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use crate::error::Result;
use crate::model::Model;
use crate::network::Network;
use crate::plan::Plan;
use crate::solver::SolveOptions;
use crate::Checked;
use worker::Worker;

/// How a case was solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// Its costs and bounds changed on the worker's base, re-solved from
    /// the base's basis or plan.
    Warm,
    /// Its LP has another structure than its base's (e.g. a plant online in
    /// another year adds columns): built and solved from scratch.
    Rebuilt,
    /// The warm re-solve found no plan, or one that failed verification:
    /// solved again from scratch.
    Retried,
    /// Solved from scratch because its base has no plan, or not solved at
    /// all (its model or portfolio was refused).
    Cold,
}

impl How {
    /// One word, for tables and files.
    pub fn label(self) -> &'static str {
        match self {
            How::Warm => "warm",
            How::Rebuilt => "rebuilt",
            How::Retried => "retried",
            How::Cold => "cold",
        }
    }
}

/// A case solved: its model, network and verified plan.
pub struct Solved {
    /// The case's model (its scenarios applied, its portfolio's limits set).
    pub model: Model,
    /// Its network.
    pub network: Network,
    /// The verified plan.
    pub plan: Plan,
}

/// What the engine solves: cases, each starting from one of a few bases.
pub trait Jobs: Sync {
    /// One case.
    type Case: Sync;
    /// The base a case starts from (its number, from 0).
    fn base_of(&self, case: &Self::Case) -> usize;
    /// The chain a case belongs to: the cases of a chain (all of one base)
    /// are solved in order by one worker, the first from its base's basis
    /// or plan, each next one from the one before's. Chains must not
    /// depend on how many workers or machines share the work, so that a
    /// case's plan does not either.
    fn chain_of(&self, case: &Self::Case) -> usize;
    /// Loads and checks base `base`.
    ///
    /// # Errors
    /// Whatever the model refuses; the cases of a base with no plan are
    /// solved from scratch.
    fn load_base(&self, base: usize) -> Result<Checked>;
    /// Loads and checks a case.
    ///
    /// # Errors
    /// Whatever the case's model refuses.
    fn load(&self, case: &Self::Case) -> Result<Checked>;
    /// How to solve base `base` and its cases (one HiGHS thread each).
    fn options(&self, base: usize) -> SolveOptions;
    /// A case in a few words, for the progress bar (`CN+JP`).
    fn label(&self, _case: &Self::Case) -> String {
        String::new()
    }
    /// The LP of a case whose base is an LP, when the jobs know it without
    /// building it: exactly the arrays that building the case's loaded
    /// model would give, an LP that differs from the base's only in costs
    /// and bounds (the same keys, matrix and constant). The engine takes it
    /// only when its keys' digest is its base's; the case is then re-solved
    /// warm on those arrays, read with the base's index and constant and
    /// verified against its own model, and not built unless its re-solve or
    /// its verification fails. None: build it.
    fn lp(&self, _case: &Self::Case) -> Option<Mapped> {
        None
    }
}

/// A case's LP given by its jobs ([`Jobs::lp`]) instead of built.
pub struct Mapped {
    /// The LP, of its base's structure.
    pub arrays: crate::solver::Arrays,
    /// The digest of the keys of the LP these arrays were made from
    /// ([`crate::formulation::LpKeys::digest`]): a case is re-solved on a
    /// base only when it is the base's.
    pub keys: u64,
}

/// How many cases were solved each way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Warm re-solves.
    pub warm: usize,
    /// Rebuilt: another structure than the base.
    pub rebuilt: usize,
    /// Retried from scratch after a warm re-solve failed.
    pub retried: usize,
    /// From scratch (no base plan) or not solved.
    pub cold: usize,
    /// Bases solved from scratch, over every worker (one per worker that
    /// met it: not in JSON, which must not depend on the workers).
    #[serde(skip)]
    pub bases: usize,
}

impl Tally {
    /// One line: how `what` (cases, cells) were solved.
    pub fn describe(&self, what: &str) -> String {
        let mut line = format!("{what}: {} warm", self.warm);
        for (n, word) in [
            (self.rebuilt, "rebuilt (another LP structure)"),
            (self.retried, "solved again from scratch"),
            (self.cold, "from scratch"),
        ] {
            if n > 0 {
                line += &format!(", {n} {word}");
            }
        }
        let s = if self.bases == 1 { "" } else { "s" };
        line + &format!("; {} base{s} solved from scratch", self.bases)
    }

    /// How cases solved each way were solved, with `bases` solved from
    /// scratch by the workers.
    pub fn of(hows: impl IntoIterator<Item = How>, bases: usize) -> Tally {
        let mut tally = Tally {
            bases,
            ..Tally::default()
        };
        hows.into_iter().for_each(|h| tally.add(h));
        tally
    }

    /// Counts one case.
    pub fn add(&mut self, how: How) {
        match how {
            How::Warm => self.warm += 1,
            How::Rebuilt => self.rebuilt += 1,
            How::Retried => self.retried += 1,
            How::Cold => self.cold += 1,
        }
    }
}

/// What becomes of a solved case (or why it has no plan) and how it was
/// solved.
pub type Finish<'a, C, R> = dyn Fn(&C, Result<Solved>, How) -> R + Sync + 'a;

/// Solves every case of `cases` on the current rayon pool, one worker per
/// thread, calling `finish` on each as it is solved and `tick` after, with
/// the case's [`Jobs::label`]; the
/// results come back in the order of `cases`, with how many bases the
/// workers solved.
pub fn run<J: Jobs, R: Send>(
    jobs: &J,
    cases: &[J::Case],
    finish: &Finish<'_, J::Case, R>,
    tick: &(dyn Fn(&str) + Sync),
) -> (Vec<R>, usize) {
    let workers = rayon::current_num_threads().max(1);
    let units = units(jobs, cases);
    let next = AtomicUsize::new(0);
    let bases = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = (0..workers.min(units.len()))
        .into_par_iter()
        .flat_map_iter(|_| {
            let mut worker = Worker::default();
            let mut out = Vec::new();
            loop {
                let u = next.fetch_add(1, Ordering::Relaxed);
                let Some(unit) = units.get(u) else { break };
                worker.restart();
                for &i in unit {
                    let (solved, how) = worker.solve(jobs, &cases[i]);
                    out.push((i, finish(&cases[i], solved, how)));
                    tick(&jobs.label(&cases[i]));
                }
            }
            bases.fetch_add(worker.bases_solved, Ordering::Relaxed);
            out
        })
        .collect();
    done.sort_by_key(|d| d.0);
    (done.into_iter().map(|d| d.1).collect(), bases.into_inner())
}

/// The cases cut into units of work: their chains, each the indices of
/// its cases in order.
fn units<J: Jobs>(jobs: &J, cases: &[J::Case]) -> Vec<Vec<usize>> {
    let mut at = std::collections::HashMap::new();
    let mut chains: Vec<Vec<usize>> = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let n = *at.entry(jobs.chain_of(c)).or_insert_with(|| {
            chains.push(Vec::new());
            chains.len() - 1
        });
        chains[n].push(i);
    }
    chains
}
