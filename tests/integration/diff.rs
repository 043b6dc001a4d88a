//! `rareflow diff A B` on models/tiny, baseline against `china-halt-us`
//! (China's cap on magnets to the US at 0 instead of 200 t/yr), worked out
//! by hand: US demand is 300 t in 2025 and 400 t in 2026; the cap serves
//! 200 t of it a year, the halt none. So US unserved goes from 300 to 700
//! t, the CN → US magnet flow from 200 + 200 to 0 t/yr, and the shortage
//! cost at $100,000/t (2026 discounted at 10%) from
//! 100,000 × (100 + 200/1.1) to 100,000 × (300 + 400/1.1).

use std::path::Path;

use crate::common::{close, rareflow, solve_against_baseline, stderr, tiny_dir};

fn solve_into(out: &Path, scenario: Option<&str>) {
    let tiny = tiny_dir();
    let mut args = vec![
        "solve",
        tiny.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    if let Some(s) = scenario {
        args.extend_from_slice(&["--scenario", s]);
    }
    let o = rareflow(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

fn diff(a: &Path, b: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "diff",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let o = rareflow(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn a_halt_against_the_baseline_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    solve_into(&a, None);
    solve_into(&b, Some("china-halt-us"));
    let d = diff(&a, &b, &[]);
    let shortage = &d["costs"]["shortage"];
    let hand = |y25: f64, y26: f64| 1e5 * (y25 + y26 / 1.1);
    assert!(
        close(shortage["a"].as_f64().unwrap(), hand(100.0, 200.0), 1e-9),
        "{shortage}"
    );
    assert!(
        close(shortage["b"].as_f64().unwrap(), hand(300.0, 400.0), 1e-9),
        "{shortage}"
    );
    let us = (d["markets"].as_array().unwrap().iter())
        .find(|m| m["country"] == "US")
        .unwrap();
    assert_eq!(us["unserved_t"]["a"], 300.0);
    assert_eq!(us["unserved_t"]["b"], 700.0);
    let flow = (d["flows"].as_array().unwrap().iter())
        .find(|f| f["from"] == "CN" && f["to"] == "US")
        .unwrap();
    assert_eq!(flow["tonnes"]["a"], 400.0);
    assert_eq!(flow["tonnes"]["b"], 0.0);
    // Scoped to Japan: its market only, and no US flow.
    let jp = diff(&a, &b, &["--market", "JP"]);
    assert!(jp["markets"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["country"] == "JP"));
    assert!(jp["flows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["to"] != "US"));
    // A plan against itself: nothing moved.
    let same = diff(&a, &a, &[]);
    assert!(same["flows"].as_array().unwrap().is_empty());
    let costs = same["costs"].as_object().unwrap();
    assert!(costs.values().all(|p| p["a"] == p["b"]));
}

#[test]
fn a_directory_that_is_not_a_plan_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    solve_into(&a, None);
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = rareflow(&["diff", a.to_str().unwrap(), empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(stderr(&o).contains("summary.json"), "{}", stderr(&o));
    std::fs::copy(a.join("flows.csv"), empty.join("flows.csv")).unwrap();
    std::fs::write(empty.join("summary.json"), "{\n  \"model\": 3\n}\n").unwrap();
    let o = rareflow(&["diff", a.to_str().unwrap(), empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("summary.json:2"), "{}", stderr(&o));
}

/// `solve --scenario china-halt-us --against baseline` prints the same
/// comparison without result directories.
#[test]
fn solve_against_the_baseline() {
    let tiny = tiny_dir();
    let v = solve_against_baseline(&[tiny.to_str().unwrap(), "--scenario", "china-halt-us"]);
    let d = &v["against"];
    assert_eq!(d["dirs"][0], "baseline");
    assert_eq!(d["dirs"][1], "china-halt-us");
    assert_eq!(d["objective"]["b"], v["summary"]["objective"]);
    let us = (d["markets"].as_array().unwrap().iter())
        .find(|m| m["country"] == "US")
        .unwrap();
    assert_eq!(
        (us["unserved_t"]["a"].clone(), us["unserved_t"]["b"].clone()),
        (300.0.into(), 700.0.into())
    );
    let o = rareflow(&["solve", tiny.to_str().unwrap(), "--against", "no-such"]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
}
