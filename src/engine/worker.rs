//! One worker of the engine: the bases it holds warm, and how it solves a
//! case on one of them (or from scratch).

use std::collections::HashMap;

use super::{round, How, Jobs, Solved};
use crate::error::{Error, Result};
use crate::formulation::{self, Formulation, LpIndex};
use crate::solver::{Arrays, Basis, Change, Problem, Session, SolveOptions, Start};
use crate::Checked;

/// A worker: the bases it has built (none when a base has no plan), by
/// number.
#[derive(Default)]
pub(super) struct Worker {
    bases: HashMap<usize, Option<Base>>,
    /// Bases this worker solved from scratch.
    pub(super) bases_solved: usize,
}

/// A problem HiGHS holds (`arrays`, exactly) and where its re-solves
/// start: the base's own basis or plan (`origin`) at the start of a chain,
/// HiGHS cleared of everything else; then, within the chain, an LP goes on
/// from what HiGHS holds after the last case, and a MIP from the last
/// case's plan.
struct Held {
    arrays: Arrays,
    session: Session,
    origin: Begin,
    /// True at the start of a chain.
    fresh: bool,
}

/// Where a held problem's re-solves start at the start of a chain.
enum Begin {
    Basis(Basis),
    Incumbent(Vec<f64>),
}

impl Begin {
    fn start(&self) -> Start<'_> {
        match self {
            Begin::Basis(b) => Start::Basis(b),
            Begin::Incumbent(v) => Start::Incumbent(v),
        }
    }
}

impl Held {
    /// Moves the held problem to `arrays` and re-solves it; false when
    /// `arrays` has another structure or HiGHS found no plan.
    fn move_to(&mut self, arrays: Arrays) -> bool {
        match self.arrays.change_to(&arrays) {
            Some(change) => self.move_by(&change, arrays),
            None => false,
        }
    }

    /// Moves the held problem to `arrays`, `change` away, and re-solves it;
    /// false when HiGHS found no plan.
    fn move_by(&mut self, change: &Change, arrays: Arrays) -> bool {
        let last;
        let start = match (&self.origin, self.fresh) {
            (origin, true) => origin.start(),
            (Begin::Basis(_), false) => Start::Held,
            (Begin::Incumbent(_), false) => {
                last = self.session.columns.clone();
                Start::Incumbent(&last)
            }
        };
        let solved = matches!(self.session.warm(change, start), Ok(true));
        self.arrays = arrays;
        self.fresh = false;
        solved
    }

    /// Solves `arrays` from scratch after a warm re-solve lost HiGHS's
    /// instance (it found no plan), so that the next re-solve has one to
    /// change; the chain's origin stays. False when even that has no plan.
    fn rebuild(&mut self, arrays: Arrays, opts: &SolveOptions) -> bool {
        let Some(session) = Problem::from_arrays(&arrays)
            .ok()
            .and_then(|p| Session::solve(p, opts).ok())
        else {
            return false;
        };
        self.arrays = arrays;
        self.session = session;
        self.session.has_plan
    }

    /// Keeps `session`, solved from scratch on `arrays`; a chain's first
    /// re-solve starts from `origin`.
    fn new(arrays: Arrays, session: Session, origin: Begin) -> Held {
        Held {
            arrays,
            session,
            origin,
            fresh: true,
        }
    }
}

/// A base held warm: its LP, or its MIP and the MIP's LP with the build
/// decisions fixed (whose duals a plan reads).
struct Base {
    main: Held,
    fixed: Option<Held>,
    /// The base's own LP and the plan it solved to: a case with exactly
    /// this LP has this plan, without a re-solve.
    own: (Arrays, Session),
    /// Where the base's quantities live, and the present value of its
    /// fixed costs: a case the jobs give as arrays ([`Jobs::lp`]) is read
    /// with them.
    index: LpIndex,
    constant: f64,
    /// The digest of its keys: a case given as arrays must have been made
    /// from an LP with the same.
    keys: u64,
}

/// What a warm re-solve gave.
enum Outcome {
    /// A plan, in [`Base::plan_session`].
    Solved,
    /// The base's own LP: its plan, in `Base::own`.
    Same,
    /// The case's LP has another structure.
    OtherStructure,
    /// No plan: the base is spent.
    Failed,
}

impl Base {
    /// Solves the base of `f` from scratch and keeps it; none when it has
    /// no plan or HiGHS holds no basis for it.
    fn solve(f: Formulation, opts: &SolveOptions) -> Option<Base> {
        let session = Session::solve(f.problem().ok()?, opts).ok()?;
        if !session.has_plan {
            return None;
        }
        if f.size.integers == 0 {
            let origin = Begin::Basis(session.basis()?);
            let own = (f.arrays.clone(), session.snapshot());
            let main = Held::new(f.arrays, session, origin);
            return Some(Base {
                main,
                fixed: None,
                own,
                keys: f.keys.digest(),
                index: f.index,
                constant: f.constant,
            });
        }
        let builds = crate::decisions_at(&f, |c| session.value(c).round());
        let arrays = f.arrays.relaxed_with(&builds);
        let lp = Session::solve(Problem::from_arrays(&arrays).ok()?, opts).ok()?;
        if !lp.has_plan {
            return None;
        }
        let origin = Begin::Basis(lp.basis()?);
        let mut plan = lp.snapshot();
        (plan.status, plan.mip_gap) = (session.status.clone(), session.mip_gap);
        let fixed = Held::new(arrays, lp, origin);
        let incumbent = Begin::Incumbent(session.columns.clone());
        let own = (f.arrays.clone(), plan);
        let main = Held::new(f.arrays, session, incumbent);
        Some(Base {
            main,
            fixed: Some(fixed),
            own,
            keys: f.keys.digest(),
            index: f.index,
            constant: f.constant,
        })
    }

    /// The change that moves the held LP to `arrays`, or what the case is
    /// without a re-solve: of another structure, or the base's own LP.
    fn change_to(&self, arrays: &Arrays) -> Result<Change, Outcome> {
        let change = (self.main.arrays.change_to(arrays)).ok_or(Outcome::OtherStructure)?;
        if self.own.0.same_values(arrays) {
            return Err(Outcome::Same);
        }
        Ok(change)
    }

    /// Moves an LP base to the case `arrays` and re-solves it warm.
    fn warm_lp(&mut self, arrays: Arrays) -> Outcome {
        let change = match self.change_to(&arrays) {
            Ok(change) => change,
            Err(outcome) => return outcome,
        };
        if !self.main.move_by(&change, arrays) {
            return Outcome::Failed;
        }
        Outcome::Solved
    }

    /// Moves the base to the case `f` and re-solves it warm. A MIP case is
    /// first tried by rounding its relaxation ([`Base::rounded`]); HiGHS's
    /// branch and bound runs only when that is not proven within the gap.
    fn warm(&mut self, f: &Formulation, opts: &SolveOptions) -> Outcome {
        if self.fixed.is_none() {
            return self.warm_lp(f.arrays.clone());
        }
        let change = match self.change_to(&f.arrays) {
            Ok(change) => change,
            Err(outcome) => return outcome,
        };
        // Every LP held has the base's structure.
        if self.rounded(f, opts) {
            return Outcome::Solved;
        }
        if !self.main.move_by(&change, f.arrays.clone()) {
            return Outcome::Failed;
        }
        let Some(fixed) = &mut self.fixed else {
            return Outcome::Solved;
        };
        let mip = &self.main.session;
        let builds = crate::decisions_at(f, |c| mip.value(c).round());
        if !fixed.move_to(f.arrays.relaxed_with(&builds)) {
            return Outcome::Failed;
        }
        fixed.session.status = mip.status.clone();
        fixed.session.mip_gap = mip.mip_gap;
        fixed.session.seconds += mip.seconds;
        Outcome::Solved
    }

    /// A MIP case rounded ([`round`]) as two warm LPs on the held LP with
    /// its builds fixed: its relaxation, then its rounded plan. True when
    /// that plan is within `mip_gap` of the relaxation's cost: the held LP
    /// then has it. False for an LP case, or when the rounded builds break
    /// a build rule, leave the LP without a plan or are further from the
    /// bound: the held LP then still holds a problem of the base's
    /// structure for branch and bound's plan to be fixed on.
    fn rounded(&mut self, f: &Formulation, opts: &SolveOptions) -> bool {
        let Some(fixed) = &mut self.fixed else {
            return false;
        };
        if !fixed.move_to(f.arrays.relaxed_with(&[])) {
            fixed.rebuild(f.arrays.relaxed_with(&[]), opts);
            return false;
        }
        if fixed.session.status != crate::solver::SolveStatus::Optimal {
            return false;
        }
        let (bound, seconds) = (fixed.session.objective, fixed.session.seconds);
        let s = &fixed.session;
        let Some(builds) = round::rounded_builds(f, |c| s.value(c)) else {
            return false;
        };
        if !fixed.move_to(f.arrays.relaxed_with(&builds)) {
            fixed.rebuild(f.arrays.relaxed_with(&[]), opts);
            return false;
        }
        round::accept(&mut fixed.session, bound, seconds, round::asked_gap(opts))
    }

    /// Starts a chain: the next re-solves start from the base's own basis
    /// and plan.
    fn restart(&mut self) {
        for held in std::iter::once(&mut self.main).chain(self.fixed.as_mut()) {
            held.fresh = true;
        }
    }

    /// The session whose values and duals a plan reads.
    fn plan_session(&self) -> &Session {
        self.fixed
            .as_ref()
            .map_or(&self.main.session, |f| &f.session)
    }
}

impl Worker {
    /// Solves one case: warm on its base when it can, else from scratch.
    /// A case the jobs give as arrays ([`Jobs::lp`]) on an LP base is not
    /// built unless it must be solved from scratch.
    pub(super) fn solve<J: Jobs>(&mut self, jobs: &J, case: &J::Case) -> (Result<Solved>, How) {
        let key = jobs.base_of(case);
        let opts = jobs.options(key);
        let Checked {
            mut model, network, ..
        } = match jobs.load(case) {
            Ok(c) => c,
            Err(e) => return (Err(e), How::Cold),
        };
        crate::apply_portfolio_limits(&mut model, opts.portfolio.as_deref());
        let mut built = None;
        let how = match self.base(jobs, key, &opts) {
            None => How::Cold,
            Some(base) => {
                let mapped = (base.fixed.is_none().then(|| jobs.lp(case)).flatten())
                    .filter(|m| m.keys == base.keys);
                let (outcome, index, constant) = match mapped {
                    Some(m) => (base.warm_lp(m.arrays), &base.index, base.constant),
                    None => match crate::formulate(&model, &network, &opts) {
                        Ok(x) => {
                            let (f, _) = built.insert(x);
                            (base.warm(f, &opts), &f.index, f.constant)
                        }
                        Err(e) => return (Err(e), How::Cold),
                    },
                };
                match outcome {
                    Outcome::Solved | Outcome::Same => {
                        let s = match outcome {
                            Outcome::Same => &base.own.1,
                            _ => base.plan_session(),
                        };
                        let objective = s.objective + constant;
                        match formulation::read_plan(&model, &network, index, objective, s) {
                            Ok(plan) => {
                                let solved = Solved {
                                    model,
                                    network,
                                    plan,
                                };
                                return (Ok(solved), How::Warm);
                            }
                            Err(_) => How::Retried,
                        }
                    }
                    Outcome::OtherStructure => How::Rebuilt,
                    Outcome::Failed => {
                        self.bases.remove(&key);
                        How::Retried
                    }
                }
            }
        };
        let (f, build_opts) = match built {
            Some(x) => x,
            None => match crate::formulate(&model, &network, &opts) {
                Ok(x) => x,
                Err(e) => return (Err(e), How::Cold),
            },
        };
        let read = |s: Session| {
            let objective = s.objective + f.constant;
            formulation::read_plan(&model, &network, &f.index, objective, &s).map_err(Error::from)
        };
        // A rounded plan that fails its verification goes to branch and
        // bound like one never found; a case whose warm try failed (it may
        // have been rounded) goes there directly.
        let rounded = (f.size.integers > 0 && how != How::Retried)
            .then(|| round::cold(&f, &opts))
            .flatten()
            .and_then(|s| read(s).ok());
        let solved = match rounded {
            Some(plan) => Ok(plan),
            None => crate::solve_formulation(&model, &f, &build_opts, &opts).and_then(read),
        };
        let solved = solved.map(|plan| Solved {
            model,
            network,
            plan,
        });
        (solved, how)
    }

    /// Starts a chain of cases: each base's next re-solve starts from its
    /// own basis and plan.
    pub(super) fn restart(&mut self) {
        self.bases.values_mut().flatten().for_each(Base::restart);
    }

    /// Base `key`, solved from scratch the first time it is asked for (and
    /// again after a warm re-solve on it failed); none when it has no plan.
    fn base<J: Jobs>(&mut self, jobs: &J, key: usize, opts: &SolveOptions) -> Option<&mut Base> {
        if !self.bases.contains_key(&key) {
            self.bases_solved += 1;
            let base = jobs.load_base(key).ok().and_then(|c| {
                let Checked {
                    mut model, network, ..
                } = c;
                crate::apply_portfolio_limits(&mut model, opts.portfolio.as_deref());
                let (f, _) = crate::formulate(&model, &network, opts).ok()?;
                Base::solve(f, opts)
            });
            self.bases.insert(key, base);
        }
        self.bases.get_mut(&key)?.as_mut()
    }
}
