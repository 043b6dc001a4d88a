//! Build decisions on a model small enough to solve by hand: a candidate
//! US magnet plant against imports from China under a US tariff.
//!
//! Five yearly periods (2026-2030), no discounting. The US needs 100 t of
//! magnets a year. China makes them at $10,000/t; the US tariff is r × the
//! $50,000/t reference value. The candidate makes them at $20,000/t and
//! costs $2,000,000 to build. Built from 2026 it saves
//! 500 t × (10,000 + 50,000 r − 20,000) against its capex, so the break-even
//! is r = 0.28. With a two-year lead time it can run three years only, and
//! the break-even rises to 1/3 (300 t × (50,000 r − 10,000) = 2,000,000).

use std::collections::BTreeMap;

use rareflow::io::source::ModelSource;
use rareflow::solver::SolveOptions;

use crate::common::*;

pub(crate) fn model(
    rate: f64,
    candidate_extra: &str,
    settings_extra: &str,
    portfolios: Option<&str>,
) -> ModelSource {
    let mut f = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        f.insert(k.to_string(), v);
    };
    put(
        "model.toml",
        format!("name = \"build-or-import\"\nfirst_year = 2026\nlast_year = 2030\nshortage_penalty = 1000000\n{settings_extra}"),
    );
    put(
        "countries.csv",
        "code,name,region,groups\nCN,China,asia,feoc\nUS,United States,americas,\n".into(),
    );
    put(
        "commodities.csv",
        "id,stage,ref_value\nmagnet,magnet,50000\n".into(),
    );
    put(
        "processes.csv",
        "process,commodity,coef\nmake_magnet,magnet,1\n".into(),
    );
    put(
        "facilities.csv",
        format!(
            "id,country,process,capacity,status,variable_cost,build_cost,lead_years\n\
             cn_plant,CN,make_magnet,1000,operating,10000,,\n\
             us_plant,US,make_magnet,100,candidate,20000,2000000,{candidate_extra}\n"
        ),
    );
    put("transport.csv", "from_region,to_region,commodity,cost\nasia,americas,magnet,0\namericas,americas,magnet,0\n".into());
    let demand: String = (2026..=2030)
        .map(|y| format!("US,ev,magnet,{y},100\n"))
        .collect();
    put(
        "demand.csv",
        format!("country,sector,commodity,period,tonnes\n{demand}"),
    );
    put(
        "tariffs.csv",
        format!("importer,exporter,commodity,ad_valorem\nUS,CN,magnet,{rate}\n"),
    );
    if let Some(p) = portfolios {
        put("portfolios.csv", format!("portfolio,facility,mode\n{p}"));
    }
    ModelSource::Memory(f)
}

fn solve(src: &ModelSource, portfolio: Option<&str>, relax: bool) -> rareflow::Solution {
    let opts = SolveOptions {
        portfolio: portfolio.map(str::to_string),
        relax,
        ..SolveOptions::default()
    };
    rareflow::solve(src, &[], &opts).unwrap()
}

/// (start period label, share) of every build taken.
fn built(s: &rareflow::Solution) -> Vec<(String, f64)> {
    s.plan
        .built()
        .map(|b| (s.model.periods[b.start.0].label.clone(), b.share))
        .collect()
}

/// Below the break-even the plant is not built, yet the LP with builds
/// fixed values its first tonne at the import price less its cost (2,500 a
/// tonne, since it needs no input): a value at a site nothing reaches, so
/// it stays in production.csv's rows but is not one of the most
/// constrained facilities; China's plant, which serves the US at capacity
/// in no period, is not either.
#[test]
fn a_candidate_not_built_is_not_a_constrained_facility() {
    let s = solve(&model(0.25, "0", "", None), None, false);
    assert!(built(&s).is_empty());
    let us = (s.model.facilities.iter())
        .position(|f| f.id == "us_plant")
        .unwrap();
    assert!((0..s.model.periods.len()).all(|t| s.plan.capacity[us][t] == 0.0));
    let dependency = rareflow::trace::trace(&s.model, &s.network, &s.plan);
    let summary =
        rareflow::report::Summary::new(&s.model, &s.network, &s.plan, &dependency, s.size);
    assert!(
        summary.constrained_facilities.is_empty(),
        "{:?}",
        summary.constrained_facilities
    );
}

#[test]
fn the_tariff_break_even_flips_the_decision() {
    let below = solve(&model(0.25, "0", "", None), None, false);
    assert!(built(&below).is_empty(), "{:?}", built(&below));
    // Imports: 500 t x (10,000 + 12,500).
    assert!(close(below.plan.objective, 500.0 * 22_500.0, 1e-9));
    let above = solve(&model(0.32, "0", "", None), None, false);
    assert_eq!(built(&above), vec![("2026".to_string(), 1.0)]);
    // Build: 2,000,000 capex + 500 t x 20,000.
    assert!(close(
        above.plan.objective,
        2_000_000.0 + 500.0 * 20_000.0,
        1e-9
    ));
    assert!(close(above.plan.costs.investment, 2_000_000.0, 1e-9));
    assert_eq!(
        above.size.integers, 5,
        "one decision per possible start year"
    );
}

#[test]
fn the_lead_time_is_respected() {
    // With a two-year lead time the plant can start in 2028 at the earliest,
    // and its three years of savings need r > 1/3.
    let s = solve(&model(0.32, "2", "", None), None, false);
    assert!(built(&s).is_empty());
    let s = solve(&model(0.40, "2", "", None), None, false);
    assert_eq!(built(&s), vec![("2028".to_string(), 1.0)]);
    let starts: Vec<String> = s
        .plan
        .builds
        .iter()
        .map(|b| s.model.periods[b.start.0].label.clone())
        .collect();
    assert_eq!(starts, vec!["2028", "2029", "2030"]);
}

#[test]
fn an_unbuilt_candidate_is_priced() {
    // Not built at r = 0.25: one more tonne of its capacity would replace an
    // import at 22,500 with 20,000 of production, each year.
    let s = solve(&model(0.25, "0", "", None), None, false);
    let f = s
        .model
        .facilities
        .iter()
        .position(|f| f.id == "us_plant")
        .unwrap();
    for t in 0..5 {
        assert!(
            close(s.plan.capacity_value[f][t], 2_500.0, 1e-9),
            "{}",
            s.plan.capacity_value[f][t]
        );
    }
}

#[test]
fn the_relaxed_plan_never_costs_more_than_the_yes_no_plan() {
    for rate in [0.1, 0.25, 0.29, 0.32, 0.5] {
        let src = model(rate, "1", "", None);
        let mip = solve(&src, None, false).plan.objective;
        let lp = solve(&src, None, true).plan.objective;
        assert!(
            lp <= mip * (1.0 + 1e-9),
            "rate {rate}: relaxed {lp} > MIP {mip}"
        );
    }
}

#[test]
fn portfolios_force_allow_or_forbid_builds() {
    let p = Some("us-plant,us_plant,force\nmaybe,us_plant,allow\n");
    // Forced at r = 0.25, it is built in the first year anyway.
    let s = solve(&model(0.25, "0", "", p), Some("us-plant"), false);
    assert_eq!(built(&s), vec![("2026".to_string(), 1.0)]);
    // Allowed, the plan decides (not worth it at 0.25).
    assert!(built(&solve(&model(0.25, "0", "", p), Some("maybe"), false)).is_empty());
    // `none` forbids building even where it pays.
    assert!(built(&solve(&model(0.32, "0", "", p), Some("none"), false)).is_empty());
    // An unknown portfolio is an error naming the ones that exist.
    let err = rareflow::solve(
        &model(0.32, "0", "", p),
        &[],
        &SolveOptions {
            portfolio: Some("nope".into()),
            ..SolveOptions::default()
        },
    )
    .err()
    .unwrap();
    assert_eq!(err.exit_code(), 4);
    assert!(
        err.to_string()
            .contains("(it has: all, none, maybe, us-plant)"),
        "{err}"
    );
}

#[test]
fn a_capital_budget_and_a_build_count_limit_builds() {
    assert!(built(&solve(
        &model(0.32, "0", "build_budget = 1000000\n", None),
        None,
        false
    ))
    .is_empty());
    assert!(built(&solve(
        &model(0.32, "0", "max_builds = 0\n", None),
        None,
        false
    ))
    .is_empty());
    assert_eq!(
        built(&solve(
            &model(0.25, "0", "min_builds = 1\n", None),
            None,
            false
        ))
        .len(),
        1
    );
}

/// `rareflow compare` on the build-or-import model: the scenario that raises
/// the tariff past the break-even makes the candidate pay, so the regret of
/// forbidding it is exactly the saving computed by hand.
#[test]
fn compare_ranks_portfolios_by_regret_through_the_cli() {
    let ModelSource::Memory(files) = model(0.25, "0", "", Some("us-plant,us_plant,force\n")) else {
        unreachable!()
    };
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in &files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    std::fs::create_dir(dir.path().join("scenarios")).unwrap();
    std::fs::write(
        dir.path().join("scenarios/tariff-40.toml"),
        "description = \"US tariff 40%\"\n[[set]]\nfile = \"tariffs.csv\"\nvalues = { ad_valorem = 0.4 }\n",
    )
    .unwrap();
    let results = tempfile::tempdir().unwrap();
    let out = results.path().join("out");
    let compare = |scenarios: &str, extra: &[&str]| {
        let mut args = vec![
            "compare",
            dir.path().to_str().unwrap(),
            "--portfolios",
            "none,us-plant,all",
            "--scenarios",
            scenarios,
        ];
        args.extend_from_slice(extra);
        rareflow(&args)
    };
    let o = compare(
        "baseline,tariff-40",
        &["--out", out.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cell = |p: &str, s: &str| {
        v["cells"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["portfolio"] == p && c["scenario"] == s)
            .unwrap()
            .clone()
    };
    let regret = |p: &str, s: &str| cell(p, s)["regret"].as_f64().unwrap();
    // At 25% the plant loses 2,000,000 - 500 x 2,500 = 750,000 over importing.
    assert!(close(regret("us-plant", "baseline"), 750_000.0, 1e-9));
    assert!(close(regret("none", "baseline"), 0.0, 1e-9));
    // At 40% importing costs 500 x (30,000 - 20,000) - 2,000,000 = 3,000,000 more.
    assert!(close(regret("none", "tariff-40"), 3_000_000.0, 1e-9));
    assert!(close(regret("all", "tariff-40"), 0.0, 1e-9));
    // `all` has no regret anywhere, and only it.
    assert_eq!(v["minimax_regret"], serde_json::json!(["all"]));
    // The files hold every cell, with what each market's buyers spent on
    // their 100 t a year for 5 years: with nothing built, imports at 10,000
    // + 25% of 50,000 = 22,500 a tonne in the baseline ($11.25 M), 30,000
    // under the 40% tariff ($15 M).
    let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 6);
    let column = |text: &str, name: &str| {
        let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
        header.iter().position(|h| *h == name).unwrap()
    };
    let us = column(&csv, "US_spend");
    for row in csv.lines().skip(1).filter(|l| l.starts_with("none,")) {
        let spend: f64 = row.split(',').nth(us).unwrap().parse().unwrap();
        let price = if row.contains(",baseline,") {
            22_500.0
        } else {
            30_000.0
        };
        assert!(close(spend, 500.0 * price, 1e-9), "{row}");
    }
    let standings = std::fs::read_to_string(out.join("compare_portfolios.csv")).unwrap();
    assert!(standings.starts_with("portfolio,expected_cost,max_regret"));
    let us = column(&standings, "expected_US_spend");
    let none = standings.lines().find(|l| l.starts_with("none,")).unwrap();
    let expected: f64 = none.split(',').nth(us).unwrap().parse().unwrap();
    assert!(
        close(expected, (11_250_000.0 + 15_000_000.0) / 2.0, 1e-9),
        "{none}"
    );
    let o = compare("baseline,tariff-40", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("minimax-regret portfolio: all"),
        "{}",
        stdout(&o)
    );
}

/// Writes an in-memory model into a fresh directory.
fn on_disk(src: &ModelSource) -> tempfile::TempDir {
    let ModelSource::Memory(files) = src else {
        panic!("an in-memory model")
    };
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Defect 7f: the README promised a capacity value for every candidate,
/// built or not, but unbuilt ones were in no output file. production.csv
/// has a row for every candidate in every period: unbuilt at r = 0.25, its
/// capacity would save 2,500 $/t a year (an import at 22,500 replaced by
/// production at 20,000).
#[test]
fn r7f_unbuilt_candidates_show_their_capacity_value() {
    let dir = on_disk(&model(0.25, "0", "", None));
    let out = tempfile::tempdir().unwrap();
    let o = rareflow(&[
        "solve",
        dir.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.path().join("production.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().filter(|l| l.contains(",us_plant,")).collect();
    assert_eq!(rows.len(), 5, "{csv}");
    for r in rows {
        // ...,activity,capacity,utilisation,capacity_value,product,
        // capacity_value_per_t,capacity_value_per_t_pv (no discounting).
        assert!(r.ends_with(",0,0,0,2500,magnet,2500,2500"), "{r}");
    }
}

/// Defect 7k: `--portfolio none` builds nothing, so the model's build
/// limits do not apply: with `min_builds = 1` the default plan must build
/// (2,000,000 + 500 t × 20,000) and `none` imports (500 t × 22,500).
#[test]
fn r7k_portfolio_none_switches_build_limits_off() {
    let src = model(0.25, "0", "min_builds = 1\n", None);
    let built = solve(&src, None, false);
    assert!(close(built.plan.objective, 12_000_000.0, 1e-9));
    let none = solve(&src, Some("none"), false);
    assert!(close(none.plan.objective, 500.0 * 22_500.0, 1e-9));
    assert!(none.plan.builds.is_empty());
}

/// A portfolio that forces a candidate its lead time keeps out of the
/// horizon is bad data named in the model's terms, not "infeasible".
#[test]
fn a_forced_candidate_that_can_never_start_is_bad_data() {
    let src = model(0.25, "9", "", Some("p,us_plant,force\n"));
    let opts = SolveOptions {
        portfolio: Some("p".into()),
        ..SolveOptions::default()
    };
    let err = rareflow::solve(&src, &[], &opts).err().expect("bad data");
    assert_eq!(err.exit_code(), 3);
    let rareflow::error::Error::Invalid(d) = err else {
        panic!("{err}")
    };
    assert!(
        d[0].message
            .contains("forces \"us_plant\", which can never start"),
        "{}",
        d[0]
    );
}

/// Build decisions, one-start, capacity and limit rows have keys that
/// lookups find, and labels in the model's terms.
#[test]
fn build_columns_and_rows_are_keyed() {
    let settings = "build_budget = 5000000\nbuild_budget_per_period = 5000000\nmin_builds = 0\nmax_builds = 1\n";
    let s = solve(&model(0.32, "0", settings, None), None, false);
    assert_keys_round_trip(&s);
    let rows: Vec<String> = s.keys.rows.iter().map(|(_, k)| k.label(&s.model)).collect();
    for want in [
        "one_start[us_plant]",
        "capacity[us_plant, 2027]",
        "build_budget",
        "build_budget[2026]",
        "min_builds",
        "max_builds",
    ] {
        assert!(rows.iter().any(|r| r == want), "{want} not in {rows:?}");
    }
    let cols: Vec<String> = s
        .keys
        .cols
        .iter()
        .map(|(_, k)| k.label(&s.model, &s.network))
        .collect();
    assert!(cols.iter().any(|c| c == "build[us_plant@2028]"), "{cols:?}");
}
