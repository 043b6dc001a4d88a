//! Scenarios on models/tiny: each override kind, their order, and bad
//! scenario files reported at their own file and line.

use crate::common::*;

fn solve_json(args: &[&str]) -> serde_json::Value {
    let tiny = tiny_dir();
    let mut all = vec!["solve", tiny.to_str().unwrap(), "--format", "json"];
    all.extend_from_slice(args);
    let o = rareflow(&all);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn shortage(v: &serde_json::Value) -> f64 {
    v["shortage_t"].as_f64().unwrap()
}

#[test]
fn scenarios_are_listed_with_their_descriptions() {
    let o = rareflow(&["scenarios", tiny_dir().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.contains("china-halt-us  China halts magnet exports to the US\n"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 4, "{out}");
}

#[test]
fn each_override_kind_changes_the_plan_as_computed_by_hand() {
    // set: past the 174% break-even the US takes nothing (300 + 400 t short),
    // exactly as when China halts exports.
    let tariff = solve_json(&["--scenario", "tariff-180"]);
    let halt = solve_json(&["--scenario", "china-halt-us"]);
    assert!(close(shortage(&tariff), 700.0, 1e-9));
    assert!(close(
        tariff["objective"].as_f64().unwrap(),
        halt["objective"].as_f64().unwrap(),
        1e-9
    ));
    // remove: no cap and no tariff, nothing short.
    let open = solve_json(&["--scenario", "open-trade"]);
    assert!(close(shortage(&open), 0.0, 1e-9));
    assert!(close(open["costs"]["tariffs"].as_f64().unwrap(), 0.0, 1e-9));
    // scale + add: demand x1.5 (JP 300, US 450 and 600) plus 50 t of Japanese
    // wind; the US still gets 200 a year: 250 + 400 short.
    let high = solve_json(&["--scenario", "demand-high"]);
    assert!(close(shortage(&high), 650.0, 1e-9));
}

#[test]
fn scenarios_apply_in_the_order_given() {
    // The cap is set to 0, then removed: nothing short.
    let v = solve_json(&["--scenario", "china-halt-us", "--scenario", "open-trade"]);
    assert!(close(shortage(&v), 0.0, 1e-9));
    // Removed first, the cap can no longer be set: an error in that file.
    let tiny = tiny_dir();
    let o = rareflow(&[
        "validate",
        tiny.to_str().unwrap(),
        "--scenario",
        "open-trade",
        "--scenario",
        "china-halt-us",
    ]);
    assert_eq!(o.status.code(), Some(3));
    let err = stderr(&o);
    assert!(err.contains("scenarios/china-halt-us.toml:3:1: column 'match': matches no row of export_controls.csv"), "{err}");
}

#[test]
fn unknown_scenarios_are_missing_input() {
    let o = rareflow(&[
        "solve",
        "--scenario",
        "no-such-future",
        tiny_dir().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(4));
    assert!(stderr(&o).contains("no scenario named \"no-such-future\" (it has: china-halt-us, demand-high, open-trade, tariff-180)"), "{}", stderr(&o));
}

#[test]
fn bad_scenarios_are_reported_at_their_own_file_and_line() {
    let m = copy_tiny();
    std::fs::create_dir_all(m.path().join("scenarios")).unwrap();
    std::fs::write(
        m.path().join("scenarios/bad.toml"),
        "description = \"broken on purpose\"\n\
         \n\
         [[set]]\n\
         file = \"facilities.csv\"\n\
         match = { id = \"weld_mine\" }\n\
         values = { capacity = -5, colour = \"red\" }\n\
         \n\
         [[add]]\n\
         file = \"demand.csv\"\n\
         rows = [\n\
           { country = \"JP\", sector = \"wind\", commodity = \"magnet\", period = \"2026\", tonnes = 5 },\n\
           { country = \"XX\", sector = \"wind\", commodity = \"magnet\", period = \"2026\", tonnes = 5 },\n\
         ]\n\
         \n\
         [[scale]]\n\
         file = \"demand.cvs\"\n\
         column = \"tonnes\"\n\
         factor = 2\n",
    )
    .unwrap();
    let o = rareflow(&["validate", m.path().to_str().unwrap(), "--scenario", "bad"]);
    assert_eq!(o.status.code(), Some(3));
    let err = stderr(&o);
    let f = format!("{}/scenarios/bad.toml", m.path().display());
    for expected in [
        format!("{f}:6:10: column 'capacity': expected a finite number >= 0, found -5"),
        format!("{f}:6:10: column 'colour': not a column of facilities.csv"),
        format!("{f}:16:8: column 'file': expected one of"),
        format!(
            "{f}:12: column 'country': expected a country code from countries.csv, found \"XX\""
        ),
    ] {
        assert!(err.contains(&expected), "expected {expected:?} in:\n{err}");
    }
    assert!(!err.contains(":11:"), "the good added row is fine:\n{err}");
}

/// Defect 7l: the docs left the order of operations inside one scenario
/// open, and it changes the LP. They apply by kind — every `remove`, then
/// `set`, then `scale`, then `add` — whatever their order in the file, as
/// models/README.md now says: `demand-high` written with its `add` first
/// still scales only the model's own demand (the new 50 t stay 50 t), for
/// 80,437,022.73 rather than the 80,738,607.95 of scaling after adding.
#[test]
fn r7l_operations_in_one_scenario_apply_by_kind_as_documented() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("add-first.toml");
    std::fs::write(
        &path,
        "description = \"demand-high with its add written first\"\n\
         [[add]]\nfile = \"demand.csv\"\n\
         rows = [{ country = \"JP\", sector = \"wind\", commodity = \"magnet\", period = \"2026\", tonnes = 50 }]\n\
         [[scale]]\nfile = \"demand.csv\"\ncolumn = \"tonnes\"\nfactor = 1.5\n",
    )
    .unwrap();
    let written = solve_json(&["--scenario", path.to_str().unwrap()]);
    let high = solve_json(&["--scenario", "demand-high"]);
    for v in [&written, &high] {
        assert!(close(
            v["objective"].as_f64().unwrap(),
            80_437_022.727_272_7,
            1e-9
        ));
    }
    let docs = std::fs::read_to_string(tiny_dir().join("../README.md")).unwrap();
    assert!(
        docs.contains(
            "first every `remove`, then every `set`, then every\n  `scale`, then every `add`"
        ),
        "models/README.md no longer documents the order of operations"
    );
}
