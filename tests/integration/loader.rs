//! Regressions in loading a model and its scenarios, through the real
//! binary, each test named after the defect it pins.

use std::path::Path;

use crate::common::*;

fn objective(args: &[&str]) -> f64 {
    let o = rareflow(args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["objective"].as_f64().unwrap()
}

/// r7e: `--scenario path/to/file.toml` was refused, looked up as
/// `MODEL/scenarios/path/to/file.toml.toml`.
#[test]
fn r7e_scenario_given_as_a_path() {
    let tiny = tiny_dir();
    let tiny = tiny.to_str().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let copy = elsewhere.path().join("halt.toml");
    std::fs::copy(Path::new(tiny).join("scenarios/china-halt-us.toml"), &copy).unwrap();
    let copy = copy.to_str().unwrap();
    let by_name = objective(&[
        "solve",
        tiny,
        "--format",
        "json",
        "--scenario",
        "china-halt-us",
    ]);
    let by_path = objective(&["solve", tiny, "--format", "json", "--scenario", copy]);
    let baseline = objective(&["solve", tiny, "--format", "json"]);
    assert!(close(by_path, by_name, 1e-12), "{by_path} != {by_name}");
    assert!(
        !close(by_path, baseline, 1e-9),
        "the scenario changed nothing"
    );

    // Its problems are reported at its own path, line and column.
    let broken = elsewhere.path().join("broken.toml");
    std::fs::write(
        &broken,
        "description = \"no such cap\"\n\
         \n\
         [[set]]\n\
         file = \"export_controls.csv\"\n\
         match = { id = \"no-such-cap\" }\n\
         values = { cap = 0 }\n",
    )
    .unwrap();
    let broken = broken.to_str().unwrap();
    let o = rareflow(&["solve", tiny, "--scenario", broken]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let expected = format!("{broken}:3:1: column 'match': matches no row of export_controls.csv");
    assert!(
        stderr(&o).contains(&expected),
        "expected {expected:?} in:\n{}",
        stderr(&o)
    );

    // A path to nothing is missing input, named as given.
    let gone = elsewhere.path().join("gone.toml");
    let gone = gone.to_str().unwrap();
    let o = rareflow(&["solve", tiny, "--scenario", gone]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("{gone}: scenario file not found")),
        "{}",
        stderr(&o)
    );
}

/// r7e: an unknown scenario name listed the model's scenarios but did not
/// point at the likely typo.
#[test]
fn r7e_unknown_scenario_suggests_a_name() {
    let tiny = tiny_dir();
    let o = rareflow(&[
        "solve",
        tiny.to_str().unwrap(),
        "--scenario",
        "china-halt-uss",
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("no scenario named \"china-halt-uss\""),
        "{err}"
    );
    assert!(err.contains("did you mean \"china-halt-us\"?"), "{err}");
}

/// r7j: a lane written into a market with no demand for its commodity was
/// accepted, and the plan shipped into nothing (600 t a year of La/Ce oxide
/// from baotou_sep to Japan in models/tiny).
#[test]
fn r7j_lane_into_a_market_without_demand_is_refused() {
    let m = copy_tiny();
    let dir = m.path().to_str().unwrap();
    edit(m.path(), "lanes.csv", |_| {
        "from,to,commodity,cost\nbaotou_sep,JP,lace_oxide,0\n".into()
    });
    let out = m.path().join("results");
    let o = rareflow(&["solve", dir, "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let expected =
        format!("{dir}/lanes.csv:2: column 'to': market \"JP\" has no demand for \"lace_oxide\"");
    assert!(
        stderr(&o).contains(&expected),
        "expected {expected:?} in:\n{}",
        stderr(&o)
    );
    assert!(!out.exists(), "solve wrote results for a bad model");

    // A lane into a market with demand is fine, until a scenario removes
    // that demand.
    edit(m.path(), "lanes.csv", |_| {
        "from,to,commodity,cost\ncn_magnet,JP,magnet,100\n".into()
    });
    let o = rareflow(&["validate", dir]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let scenario = m.path().join("no-japan.toml");
    std::fs::write(
        &scenario,
        "description = \"no Japanese demand\"\n\
         [[remove]]\n\
         file = \"demand.csv\"\n\
         match = { country = \"JP\" }\n",
    )
    .unwrap();
    let o = rareflow(&["validate", dir, "--scenario", scenario.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let expected =
        format!("{dir}/lanes.csv:2: column 'to': market \"JP\" has no demand for \"magnet\"");
    assert!(
        stderr(&o).contains(&expected),
        "expected {expected:?} in:\n{}",
        stderr(&o)
    );
}
