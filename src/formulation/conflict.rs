//! Why a model has no plan, in its own terms.
//!
//! Every rule but the build rules leaves a plan: nothing need be made or
//! built, and any demand may go short. So when HiGHS finds no plan, the
//! conflict lies among the build decisions' own rows: `min_builds`,
//! `max_builds`, the two budgets, each candidate's one start (exactly one
//! for a portfolio's forced members) and the starts ruled out. Those rows
//! and the build decisions make a small MIP, and a *deletion filter* over
//! its rows finds an irreducible infeasible subset: each row in turn is
//! dropped, and stays dropped when the rest still has no plan. What is left
//! cannot all be met together, and dropping any one of them leaves a set
//! that can.
//!
//! HiGHS's own IIS (`Highs_getIis`) works on the LP relaxation, which a
//! conflict of whole builds does not make infeasible (two builds' budget
//! for three builds is 1.5 builds a period over two periods in fractions);
//! the filter solves the MIP itself, a few milliseconds a row.

use super::keys::RowKey;
use super::{BuildOptions, Builds, Formulation};
use crate::model::Model;
use crate::solver::{Arrays, Problem, Session, SolveOptions};

/// The build rules of `f` that cannot all be met together, each a line in
/// the model's terms (file, line or key, and what it asks); none when the
/// build rules alone can be met (the conflict is elsewhere) or a sub-MIP
/// stopped at a limit.
pub fn explain(model: &Model, f: &Formulation, opts: &BuildOptions) -> Option<Vec<String>> {
    let rows = &f.index.builds.rows;
    let mut keep: Vec<usize> = (0..rows.len()).collect();
    if has_plan(f, rows, &keep)? {
        return None;
    }
    let mut i = 0;
    while i < keep.len() {
        let mut without = keep.clone();
        without.remove(i);
        if has_plan(f, rows, &without)? {
            i += 1;
        } else {
            keep = without;
        }
    }
    Some(
        keep.iter()
            .map(|&k| describe(model, f, opts, rows[k].0, rows[k].1 .0))
            .collect(),
    )
}

/// Whether the build decisions of `f` can meet the rows `keep` of `rows`
/// (none when HiGHS stopped short of telling).
fn has_plan(
    f: &Formulation,
    rows: &[(RowKey, crate::solver::Row)],
    keep: &[usize],
) -> Option<bool> {
    let a = &f.arrays;
    let decisions = &f.index.builds.decisions;
    let mut sub = Arrays::default();
    let mut at = vec![usize::MAX; a.cost.len()];
    for (k, d) in decisions.iter().enumerate() {
        at[d.col.0] = k;
        sub.cost.push(0.0);
        sub.lower.push(a.lower[d.col.0]);
        sub.upper.push(a.upper[d.col.0]);
        sub.integer.push(true);
    }
    sub.row_start.push(0);
    for &r in keep {
        let row = rows[r].1 .0;
        for t in a.row_start[row]..a.row_start[row + 1] {
            let k = at[a.term_col[t] as usize];
            if k != usize::MAX {
                sub.term_col.push(k as u32);
                sub.term_value.push(a.term_value[t]);
            }
        }
        sub.row_start.push(sub.term_col.len());
        sub.row_lower.push(a.row_lower[row]);
        sub.row_upper.push(a.row_upper[row]);
    }
    let opts = SolveOptions {
        mip_gap: None,
        time_limit: Some(10.0),
        ..SolveOptions::default()
    };
    let s = Session::solve(Problem::from_arrays(&sub).ok()?, &opts).ok()?;
    match s.status {
        crate::solver::SolveStatus::Limit { .. } if !s.has_plan => None,
        _ => Some(s.has_plan),
    }
}

/// One build rule in the model's terms.
fn describe(
    model: &Model,
    f: &Formulation,
    opts: &BuildOptions,
    key: RowKey,
    row: usize,
) -> String {
    let s = &model.settings;
    let fac = |c: crate::model::FacilityId| &model.facilities[c.0];
    let period = |t: crate::model::PeriodId| &model.periods[t.0].label;
    match key {
        RowKey::OneStart { candidate } => {
            let forced = match opts.builds {
                Builds::Portfolio(p) => p.forced().find(|x| x.0 == candidate).map(|x| (p, x.1)),
                Builds::All | Builds::None => None,
            };
            let c = fac(candidate);
            let starts = starts(model, f, candidate);
            match forced {
                Some((p, line)) => format!(
                    "portfolios.csv:{line}: portfolio {} forces {} to be built (build_cost {}{starts})",
                    p.name,
                    c.id,
                    (c.build_cost)
                ),
                None => format!(
                    "facilities.csv:{}: {} is built at most once (build_cost {}{starts})",
                    c.line,
                    c.id,
                    (c.build_cost)
                ),
            }
        }
        RowKey::StartNotAllowed { candidate, start } => {
            let c = fac(candidate);
            format!(
                "facilities.csv:{}: {} cannot start in {} (lead time {} years, online year {})",
                c.line,
                c.id,
                period(start),
                c.lead_years,
                c.online_year.map_or("none".into(), |y| y.to_string())
            )
        }
        RowKey::BuildBudget => format!(
            "model.toml: build_budget = {}, over the whole horizon{}",
            (s.build_budget.unwrap_or(0.0)),
            candidates(model, f, row)
        ),
        RowKey::BuildBudgetInPeriod { period: t } => format!(
            "model.toml: build_budget_per_period = {}, for builds starting in {}{}",
            (s.build_budget_per_period.unwrap_or(0.0)),
            period(t),
            candidates(model, f, row)
        ),
        RowKey::MinBuilds => format!("model.toml: min_builds = {}", s.min_builds.unwrap_or(0)),
        RowKey::MaxBuilds => format!("model.toml: max_builds = {}", s.max_builds.unwrap_or(0)),
        other => other.label(model),
    }
}

/// When a candidate cannot start in the first period: the periods it can
/// start in, and why not earlier (`; can start in 2027, 2028: lead time
/// 1 year`).
fn starts(model: &Model, f: &Formulation, candidate: crate::model::FacilityId) -> String {
    let mut allowed: Vec<crate::model::PeriodId> = (f.index.builds.decisions.iter())
        .filter(|d| d.candidate == candidate)
        .map(|d| d.start)
        .collect();
    allowed.sort();
    allowed.dedup();
    if allowed.first().is_none_or(|t| t.0 == 0) {
        return String::new();
    }
    let c = &model.facilities[candidate.0];
    let labels: Vec<&str> = (allowed.iter())
        .map(|t| model.periods[t.0].label.as_str())
        .collect();
    let online = c
        .online_year
        .map_or(String::new(), |y| format!(", online year {y}"));
    let plural = if c.lead_years == 1 { "" } else { "s" };
    format!(
        "; can start in {} only: lead time {} year{plural}{online}",
        labels.join(", "),
        c.lead_years
    )
}

/// The candidates a budget row counts, with their build costs.
fn candidates(model: &Model, f: &Formulation, row: usize) -> String {
    let a = &f.arrays;
    let mut names: Vec<String> = (a.row_start[row]..a.row_start[row + 1])
        .filter_map(|t| {
            let col = a.term_col[t] as usize;
            let d = f.index.builds.decisions.iter().find(|d| d.col.0 == col)?;
            let c = &model.facilities[d.candidate.0];
            Some(format!("{} at {}", c.id, c.build_cost))
        })
        .collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        String::new()
    } else {
        format!(" (builds: {})", names.join(", "))
    }
}
