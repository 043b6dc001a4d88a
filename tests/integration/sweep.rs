//! `rareflow sweep` on models/tiny: China's cap on magnets to the US at 0,
//! 100 and 200 t/yr (the model's own is 200). A looser cap never costs more,
//! the case at the model's own cap is the plain solve, a typo is caught
//! before anything is solved, a value the model refuses is a row with its
//! status, and a sample is reproducible and uses every stratum once.

use std::path::Path;

use crate::common::{rareflow, stderr, stdout, tiny_dir};

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    let o = rareflow(args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

#[test]
fn a_grid_over_a_cap_is_monotone_and_meets_the_plain_solve() {
    let tiny = tiny_dir();
    let cap = "cap[cn-magnets-us]=0..200:100";
    let v = json(&["sweep", path(&tiny), "--set", cap, "--format", "json"]);
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    let cost = |c: &serde_json::Value| c["result"]["cost"].as_f64().unwrap();
    assert!(cost(&cases[0]) >= cost(&cases[1]) && cost(&cases[1]) >= cost(&cases[2]));
    let plain = json(&["solve", path(&tiny), "--format", "json"]);
    let want = plain["objective"].as_f64().unwrap();
    assert!(
        (cost(&cases[2]) - want).abs() <= 1e-9 * want,
        "{} vs {want}",
        cost(&cases[2])
    );
    // sweep.csv, and a rerun gives the same bytes.
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for run in ["a", "b"] {
        let out = dir.path().join(run);
        let o = rareflow(&["sweep", path(&tiny), "--set", cap, "--out", path(&out)]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        files.push(std::fs::read_to_string(out.join("sweep.csv")).unwrap());
    }
    assert_eq!(files[0], files[1]);
    let lines: Vec<&str> = files[0].lines().collect();
    assert!(
        lines[0].starts_with("case,cap[cn-magnets-us],status,objective"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 4);
}

#[test]
fn names_are_checked_before_anything_is_solved() {
    let tiny = tiny_dir();
    let o = rareflow(&["sweep", path(&tiny), "--set", "cap[cn-magnet-us]=0"]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("did you mean \"cn-magnets-us\""),
        "{}",
        stderr(&o)
    );
    let o = rareflow(&["sweep", path(&tiny), "--set", "cap[cn-magnets-us]=5..1:1"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn a_case_the_model_refuses_is_a_row() {
    let tiny = tiny_dir();
    let duty = "tariff[US<XX,magnet]=0.1";
    let v = json(&["sweep", path(&tiny), "--set", duty, "--format", "json"]);
    let case = &v["cases"][0];
    assert!(case["result"].is_null());
    let status = case["status"].as_str().unwrap();
    assert!(
        status.starts_with("bad data") && status.contains("XX"),
        "{status}"
    );
}

#[test]
fn a_latin_hypercube_sample_is_reproducible_and_stratified() {
    let tiny = tiny_dir();
    let args = |seed: &str| {
        let set = ["--set", "cap[cn-magnets-us]=0..400:400"];
        let mut a = vec!["sweep", path(&tiny), "--samples", "8", "--seed", seed];
        a.extend_from_slice(&set);
        a.extend_from_slice(&["--format", "json"]);
        json(&a)
    };
    let values = |v: &serde_json::Value| -> Vec<f64> {
        let cases = v["cases"].as_array().unwrap();
        cases
            .iter()
            .map(|c| c["values"][0].as_f64().unwrap())
            .collect()
    };
    let (a, b, c) = (values(&args("7")), values(&args("7")), values(&args("8")));
    assert_eq!(a, b);
    assert_ne!(a, c);
    let mut strata: Vec<usize> = a.iter().map(|v| (v / 50.0).floor() as usize).collect();
    strata.sort_unstable();
    assert_eq!(strata, (0..8).collect::<Vec<_>>());
}
