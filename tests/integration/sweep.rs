//! `rareflow sweep` on models/tiny: China's cap on magnets to the US at 0,
//! 100 and 200 t/yr (the model's own is 200). A looser cap never costs more,
//! the case at the model's own cap is the plain solve, a typo is caught
//! before anything is solved, a value the model refuses is a row with its
//! status, and a sample is reproducible and uses every stratum once.

use std::path::Path;

use crate::common::{merge_into, rareflow, stderr, stdout, sweep_into, tiny_dir};

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
        lines[0].starts_with("case,cases,cap[cn-magnets-us],status,start,objective"),
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

/// Three slices of a 6-case grid, merged, are byte for byte the unsharded
/// run's sweep.csv; leaving a slice out, or giving one twice, is refused.
#[test]
fn merged_slices_are_the_unsharded_sweep() {
    let tiny = tiny_dir();
    let dir = tempfile::tempdir().unwrap();
    let set = [
        "--set",
        "cap[cn-magnets-us]=0..200:100",
        "--set",
        "demand[US,ev]=x0.5,x1",
    ];
    let sweep = |out: &Path, extra: &[&str]| sweep_into(&tiny, &set, out, extra);
    let whole = dir.path().join("whole");
    sweep(&whole, &[]);
    let slices: Vec<_> = (1..=3).map(|k| dir.path().join(format!("s{k}"))).collect();
    for (k, s) in slices.iter().enumerate() {
        sweep(s, &["--shard", &format!("{}/3", k + 1)]);
    }
    let merged = dir.path().join("merged");
    let o = merge_into(&slices, &merged);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let read = |d: &Path| std::fs::read(d.join("sweep.csv")).unwrap();
    assert_eq!(read(&merged), read(&whole));
    let o = merge_into(&slices[..2], &merged);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("is in no slice"), "{}", stderr(&o));
    let o = merge_into(&[slices[0].clone(), slices[0].clone()], &merged);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
}

/// On tiny, China's cap of 200 t/yr leaves 100 t of US magnet demand
/// unserved in 2025 and 200 t in 2026 whatever the penalty: doubling the
/// US penalty from $100,000/t to $200,000/t adds exactly
/// $100,000 × (100 + 200 / 1.1) to the cost (2026 discounted at 10%). A
/// credit names a credit contract; anything else is refused with its
/// names.
#[test]
fn a_penalty_sweep_prices_the_unserved_tonnes_by_hand() {
    let tiny = tiny_dir();
    let set = "penalty[US,ev]=100000,200000";
    let v = json(&["sweep", path(&tiny), "--set", set, "--format", "json"]);
    let cost = |i: usize| v["cases"][i]["result"]["cost"].as_f64().unwrap();
    for i in 0..2 {
        assert_eq!(v["cases"][i]["markets"]["US:ev"][1], 300.0);
    }
    let hand = 1e5 * (100.0 + 200.0 / 1.1);
    let diff = cost(1) - cost(0);
    assert!(crate::common::close(diff, hand, 1e-9), "{diff}");
    let o = rareflow(&["sweep", path(&tiny), "--set", "credit[nothing]=1"]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(stderr(&o).contains("credit contract"), "{}", stderr(&o));
}
