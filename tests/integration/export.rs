//! `rareflow export`: the problem written for another solver is the one
//! rareflow solves. Each file is read back by HiGHS on its own (not through
//! rareflow) and solved: its optimum, which carries the plan's constant
//! costs as the objective's offset, equals the plan's total cost.

use std::path::Path;

use crate::common::{rareflow, stderr, stdout, tiny_dir};

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// HiGHS reads `file` and solves it; its optimal objective.
fn solve_file(file: &Path) -> f64 {
    let name = std::ffi::CString::new(file.to_str().unwrap()).unwrap();
    let quiet = std::ffi::CString::new("output_flag").unwrap();
    // SAFETY: a fresh HiGHS instance, used and destroyed here; the strings
    // outlive the calls.
    unsafe {
        let h = highs_sys::Highs_create();
        highs_sys::Highs_setBoolOptionValue(h, quiet.as_ptr(), 0);
        let read = highs_sys::Highs_readModel(h, name.as_ptr());
        assert_ne!(read, highs_sys::STATUS_ERROR, "HiGHS cannot read {file:?}");
        highs_sys::Highs_run(h);
        let status = highs_sys::Highs_getModelStatus(h);
        let objective = highs_sys::Highs_getObjectiveValue(h);
        highs_sys::Highs_destroy(h);
        assert_eq!(status, highs_sys::MODEL_STATUS_OPTIMAL, "{file:?}");
        objective
    }
}

/// The plan's total cost as `solve --format json` reports it.
fn solved_objective(args: &[&str]) -> f64 {
    let mut all = vec!["solve"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let o = rareflow(&all);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    v["objective"].as_f64().unwrap()
}

#[test]
fn an_exported_problem_solves_to_the_plan_s_cost() {
    let dir = tempfile::tempdir().unwrap();
    let tiny = tiny_dir();
    for (file, flag) in [("tiny.mps", "--mps"), ("tiny.lp", "--lp")] {
        let out = dir.path().join(file);
        let o = rareflow(&["export", path(&tiny), flag, path(&out)]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(stdout(&o).contains("44 columns"), "{}", stdout(&o));
        let want = solved_objective(&[path(&tiny)]);
        let got = solve_file(&out);
        assert!(
            (got - want).abs() <= 1e-6 * want.abs(),
            "{file}: {got} vs {want}"
        );
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains("balance(cn_magnet,magnet,2025)"), "{file}");
    }
    // models/global as an LP, with its origin layers and rules.
    let out = dir.path().join("global.mps");
    let o = rareflow(&["export", "--portfolio", "none", "--mps", path(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let want = solved_objective(&["--portfolio", "none"]);
    let got = solve_file(&out);
    assert!(
        (got - want).abs() <= 1e-6 * want.abs(),
        "global: {got} vs {want}"
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("origin_rule("), "the DFARS rows are named");
}

/// The format is the flag's, whatever the file is called; a place that
/// cannot be written is refused with nothing left behind.
#[test]
fn export_writes_the_flag_s_format_and_refuses_an_unwritable_place() {
    let dir = tempfile::tempdir().unwrap();
    let tiny = tiny_dir();
    let txt = dir.path().join("tiny.txt");
    let o = rareflow(&["export", path(&tiny), "--mps", path(&txt)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&txt).unwrap().contains("ROWS"));
    std::fs::remove_file(&txt).unwrap();
    let o = rareflow(&["export", path(&tiny)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let missing = dir.path().join("no/such/dir/tiny.mps");
    let o = rareflow(&["export", path(&tiny), "--mps", path(&missing)]);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}
