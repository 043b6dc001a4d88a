//! Properties every correct plan has, whatever the data: metamorphic
//! relations on models/tiny, the verifier rejecting a tampered plan, and
//! statuses reported as HiGHS gave them.

use rareflow::formulation::lp::{Lp, Sense};
use rareflow::formulation::{ColKey, RowKey};
use rareflow::model::FacilityId;
use rareflow::solver::{Session, SolveOptions, SolveStatus};

use crate::assert_close;
use crate::common::*;

#[test]
fn scaling_every_cost_by_k_scales_the_objective_by_k() {
    let base = solve_tiny().plan.objective;
    let k = 3.0;
    let scaled = solve_tiny_with(|m| {
        m.facilities.iter_mut().for_each(|f| {
            f.variable_cost *= k;
            f.fixed_cost *= k;
        });
        m.commodities.iter_mut().for_each(|c| {
            c.ref_value *= k;
            c.disposal_cost *= k;
        });
        m.transport.iter_mut().for_each(|r| r.cost *= k);
        m.lanes.iter_mut().for_each(|l| l.cost *= k);
        m.tariffs.iter_mut().for_each(|t| t.specific *= k);
        m.demand.iter_mut().for_each(|d| d.shortage_penalty *= k);
    });
    assert_close!(scaled.plan.objective, k * base);
}

#[test]
fn more_demand_never_costs_less() {
    let mut last = solve_tiny().plan.objective;
    for extra in [10.0, 100.0, 1000.0] {
        let s = solve_tiny_with(|m| m.demand.iter_mut().for_each(|d| d.tonnes += extra));
        assert!(
            s.plan.objective >= last - 1e-6 * last,
            "{extra}: {} < {last}",
            s.plan.objective
        );
        last = s.plan.objective;
    }
}

#[test]
fn a_dearer_parallel_route_changes_nothing() {
    let base = solve_tiny();
    // A second Australian mine, identical but dearer, is never used.
    let s = solve_tiny_with(|m| {
        let mut twin = m
            .facilities
            .iter()
            .find(|f| f.id == "weld_mine")
            .unwrap()
            .clone();
        twin.id = "weld_twin".into();
        twin.variable_cost += 1.0;
        m.facilities.push(twin);
    });
    assert_close!(s.plan.objective, base.plan.objective);
    let twin = s
        .model
        .facilities
        .iter()
        .position(|f| f.id == "weld_twin")
        .unwrap();
    assert!(s.plan.activity[twin].iter().all(|&x| x == 0.0));
}

/// Data rows in any order give byte-identical result files.
#[test]
fn shuffled_rows_give_identical_results() {
    let shuffled = copy_tiny();
    for f in [
        "facilities.csv",
        "processes.csv",
        "demand.csv",
        "countries.csv",
        "commodities.csv",
        "transport.csv",
    ] {
        edit(shuffled.path(), f, |t| {
            let mut lines: Vec<&str> = t.lines().filter(|l| !l.starts_with('#')).collect();
            let header = lines.remove(0);
            lines.reverse();
            format!("{header}\n{}\n", lines.join("\n"))
        });
    }
    let out = tempfile::tempdir().unwrap();
    let (a, b) = (out.path().join("a"), out.path().join("b"));
    let tiny = tiny_dir();
    for (model, dir) in [(tiny.as_path(), &a), (shuffled.path(), &b)] {
        let o = rareflow(&[
            "solve",
            model.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    for f in rareflow::report::files::RESULT_FILES {
        assert_eq!(
            without_run(f, &std::fs::read(a.join(f)).unwrap()),
            without_run(f, &std::fs::read(b.join(f)).unwrap()),
            "{f} depends on row order"
        );
    }
}

#[test]
fn the_verifier_rejects_a_tampered_plan() {
    let s = solve_tiny();
    let mut plan = s.plan.clone();
    plan.flows[0][0] += 1.0;
    let err = rareflow::formulation::verify(&s.model, &s.network, &plan).unwrap_err();
    assert!(err.what.contains("balance of conc at"), "{err}");
    let mut plan = s.plan.clone();
    plan.objective *= 1.001;
    let err = rareflow::formulation::verify(&s.model, &s.network, &plan).unwrap_err();
    assert!(
        err.what.contains("differs from the solver's objective"),
        "{err}"
    );
    assert!(rareflow::formulation::verify(&s.model, &s.network, &s.plan).is_ok());
}

#[test]
fn infeasible_and_unbounded_are_reported_as_such() {
    // Keys only name the columns and rows here.
    let key = ColKey::Shortage { segment: 0 };
    let row = RowKey::OneStart {
        candidate: FacilityId(0),
    };
    let mut lp = Lp::default();
    let x = lp.column(key, Some(1.0), 1.0);
    lp.row(row, &[(x, 1.0)], Sense::Eq, 2.0);
    let (problem, _, _) = lp.into_problem(|_| 1.0).unwrap();
    let s = Session::solve(problem, &SolveOptions::default()).unwrap();
    assert_eq!(s.status, SolveStatus::Infeasible);
    assert!(!s.has_plan);

    let mut lp = Lp::default();
    let x = lp.column(key, None, -1.0);
    lp.row(row, &[(x, -1.0)], Sense::Le, 0.0);
    let (problem, _, _) = lp.into_problem(|_| 1.0).unwrap();
    let s = Session::solve(problem, &SolveOptions::default()).unwrap();
    assert!(
        matches!(
            s.status,
            SolveStatus::Unbounded | SolveStatus::UnboundedOrInfeasible
        ),
        "{:?}",
        s.status
    );
    assert_eq!(rareflow::error::Error::NoPlan(s.status).exit_code(), 6);
}
