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

/// The model checked from a model directory.
fn checked(dir: &Path) -> rareflow::Checked {
    let source = rareflow::io::source::ModelSource::dir(dir).unwrap();
    rareflow::check(&source, &[]).unwrap_or_else(|e| panic!("{e}"))
}

/// models/tiny with a US defence magnet segment, so that a rule or an end
/// use can name the sector `defence`.
fn tiny_with_defence() -> tempfile::TempDir {
    let m = copy_tiny();
    edit(m.path(), "demand.csv", |t| {
        t + "US,defence,magnet,2026,10,\n"
    });
    m
}

/// content_rules.csv: every column is read into its rule, in file order,
/// and an empty cell takes its default (every sector, commodity, stage and
/// period; a share of 0, a ban).
#[test]
fn content_rules_load_with_their_defaults() {
    use rareflow::model::{CommodityId, CountryId, PeriodId, StageSet};
    let m = tiny_with_defence();
    std::fs::write(
        m.path().join("content_rules.csv"),
        "id,market,sector,commodity,origin,stages,max_share,periods\n\
         # DFARS 225.7018, from 2026 in this horizon\n\
         dfars,US,defence,magnet,feoc,mined magnet,0,2026\n\
         ev-feoc,all,all,,feoc,,0.1,\n\
         us-cn,US,,,CN,all,,\n",
    )
    .unwrap();
    let model = checked(m.path()).model;
    let country =
        |code: &str| CountryId(model.countries.iter().position(|c| c.code == code).unwrap());
    let commodity =
        |id: &str| CommodityId(model.commodities.iter().position(|c| c.id == id).unwrap());
    let ids: Vec<&str> = model.content_rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["dfars", "ev-feoc", "us-cn"]);

    let dfars = &model.content_rules[0];
    assert_eq!(dfars.line, 3);
    assert_eq!(dfars.market.label, "US");
    assert!(dfars.market.contains(country("US")) && !dfars.market.contains(country("JP")));
    assert_eq!(dfars.sector.as_deref(), Some("defence"));
    assert!(dfars.goods.contains(commodity("magnet")));
    assert!(!dfars.goods.contains(commodity("ndpr_metal")));
    assert_eq!(dfars.origin.label, "feoc");
    assert!(dfars.origin.contains(country("CN")) && !dfars.origin.contains(country("AU")));
    assert_eq!(dfars.stages, StageSet(0b1001));
    assert_eq!(dfars.stages.label(), "mined magnet");
    assert_eq!(dfars.max_share, 0.0);
    assert!(!dfars.periods.contains(PeriodId(0)) && dfars.periods.contains(PeriodId(1)));
    assert!(dfars.covers(country("US"), Some("defence"), commodity("magnet")));
    assert!(!dfars.covers(country("US"), Some("ev"), commodity("magnet")));

    let ev = &model.content_rules[1];
    assert_eq!((ev.line, ev.sector.as_deref()), (4, None));
    assert!(model
        .countries
        .iter()
        .enumerate()
        .all(|(c, _)| ev.market.contains(CountryId(c))));
    assert_eq!(ev.goods.label, "all");
    assert!((0..model.commodities.len()).all(|c| ev.goods.contains(CommodityId(c))));
    assert_eq!(ev.stages, StageSet::ALL);
    assert_eq!(ev.max_share, 0.1);
    assert!(model.period_ids().all(|t| ev.periods.contains(t)));

    let us_cn = &model.content_rules[2];
    assert_eq!(
        (us_cn.sector.as_deref(), us_cn.stages),
        (None, StageSet::ALL)
    );
    assert_eq!(us_cn.max_share, 0.0, "an empty max_share is a ban");
}

/// export_controls.csv's end use and scope: `all` and `direct` when the
/// columns are absent or empty, and read when given.
#[test]
fn export_control_end_use_and_scope() {
    use rareflow::model::Scope;
    let model = checked(&tiny_dir()).model;
    let control = &model.export_controls[0];
    assert_eq!(
        (control.end_use.as_deref(), control.scope),
        (None, Scope::Direct)
    );
    assert_eq!(control.line, 2);

    let m = tiny_with_defence();
    edit(m.path(), "export_controls.csv", |_| {
        "id,exporter,commodity,destination,cap,periods,end_use,scope\n\
         cn-magnets-us,CN,magnet,US,200,2025..2026,,\n\
         cn-military,CN,magnet,all,0,,defence,origin\n\
         cn-ev,CN,magnet,US,50,,ev,direct\n\
         cn-any,CN,magnet,JP,100,,all,\n"
            .into()
    });
    let model = checked(m.path()).model;
    let read: Vec<(&str, Option<&str>, Scope)> = model
        .export_controls
        .iter()
        .map(|c| (c.id.as_str(), c.end_use.as_deref(), c.scope))
        .collect();
    assert_eq!(
        read,
        [
            ("cn-magnets-us", None, Scope::Direct),
            ("cn-military", Some("defence"), Scope::Origin),
            ("cn-ev", Some("ev"), Scope::Direct),
            ("cn-any", None, Scope::Direct),
        ]
    );
}

/// A rule that can limit nothing is accepted with a warning: one that lets
/// every tainted tonne through, and one that no demand segment falls under.
#[test]
fn content_rules_that_limit_nothing_are_warned_about() {
    let m = copy_tiny();
    std::fs::write(
        m.path().join("content_rules.csv"),
        "id,market,sector,commodity,origin,stages,max_share\n\
         lax,US,ev,magnet,feoc,,1\n\
         nowhere,AU,,,feoc,,0\n\
         not-demanded,US,,conc,feoc,,0.5\n\
         fine,JP,ev,magnet,feoc,separated,0.2\n",
    )
    .unwrap();
    let err = validate_reports(
        m.path(),
        0,
        &[
            "content_rules.csv:2: warning: column 'max_share': max_share 1 lets every tainted tonne through",
            "content_rules.csv:3: warning: column 'market': no demand of demand.csv falls under the rule (market \"AU\", sector \"all\", commodity \"all\"",
            "content_rules.csv:4: warning: column 'market': no demand of demand.csv falls under the rule",
        ],
    );
    assert!(!err.contains("content_rules.csv:5"), "{err}");
}
