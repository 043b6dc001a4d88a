//! `invest` on two equally likely futures, solved by hand.
//!
//! The US needs 100 t of magnets a year for five years (2026-2030, no
//! discounting). Imports cost $10,000/t plus a tariff of r × $50,000: r = 0
//! in the baseline, r = 1 in `high`. Two candidate plants make magnets at
//! $20,000/t: `small` (50 t/yr, $2.5M) and `big` (100 t/yr, $8M).
//!
//! | plan  | baseline | high  | expected | max regret |
//! |-------|----------|-------|----------|------------|
//! | none  | 5.0      | 30.0  | 17.5     | 12.0       |
//! | small | 7.5      | 22.5  | 15.0     | 4.5        |
//! | big   | 13.0     | 18.0  | 15.5     | 8.0        |
//! ($M; each future's own best: none 5.0, big 18.0.)
//!
//! The hedge, `small`, is neither future's own best. EVPI = 15.0 − 11.5 =
//! 3.5; the baseline's own plan builds nothing, so VSS = 17.5 − 15.0 = 2.5.
//! With expected cost + 10 × CVaR at 50% (the worse outcome), `big` wins:
//! 15.5 + 180 beats small's 15.0 + 225.

use std::collections::BTreeMap;

use rareflow::invest::{invest, Objective};
use rareflow::io::source::ModelSource;
use rareflow::solver::SolveOptions;

use crate::common::close;

fn model() -> ModelSource {
    model_in(1)
}

/// The hedge model with every money figure (but the shortage penalty,
/// which stays far above any delivered cost) multiplied by `k`.
fn model_in(k: u64) -> ModelSource {
    let mut f = BTreeMap::new();
    let mut put = |k: &str, v: &str| {
        f.insert(k.to_string(), v.to_string());
    };
    put(
        "model.toml",
        &format!(
            "name = \"hedge\"\nfirst_year = 2026\nlast_year = 2030\nshortage_penalty = {}\n",
            (1_000_000 * k).min(1_000_000_000)
        ),
    );
    put(
        "countries.csv",
        "code,name,region\nCN,China,asia\nUS,United States,americas\n",
    );
    put(
        "commodities.csv",
        &format!("id,stage,ref_value\nmagnet,magnet,{}\n", 50_000 * k),
    );
    put(
        "processes.csv",
        "process,commodity,coef\nmake_magnet,magnet,1\n",
    );
    put(
        "facilities.csv",
        &format!(
            "id,country,process,capacity,status,variable_cost,build_cost\n\
             cn_plant,CN,make_magnet,1000,operating,{},\n\
             small,US,make_magnet,50,candidate,{},{}\n\
             big,US,make_magnet,100,candidate,{},{}\n",
            10_000 * k,
            20_000 * k,
            2_500_000 * k,
            20_000 * k,
            8_000_000 * k
        ),
    );
    put("transport.csv", "from_region,to_region,commodity,cost\nasia,americas,magnet,0\namericas,americas,magnet,0\n");
    let demand: String = (2026..=2030)
        .map(|y| format!("US,ev,magnet,{y},100\n"))
        .collect();
    put(
        "demand.csv",
        &format!("country,sector,commodity,period,tonnes\n{demand}"),
    );
    put(
        "tariffs.csv",
        "name,importer,exporter,commodity,ad_valorem\nus,US,CN,magnet,0\n",
    );
    put(
        "scenarios/high.toml",
        "description = \"tariff 100%\"\n[[set]]\nfile = \"tariffs.csv\"\nvalues = { ad_valorem = 1.0 }\n",
    );
    put(
        "scenarios/high-no-big.toml",
        "description = \"tariff 100%, and the big plant is off the table\"\n\
         [[remove]]\nfile = \"facilities.csv\"\nmatch = { id = \"big\" }\n\
         [[set]]\nfile = \"tariffs.csv\"\nvalues = { ad_valorem = 1.0 }\n",
    );
    ModelSource::Memory(f)
}

fn futures() -> Vec<(String, f64)> {
    vec![("baseline".into(), 1.0), ("high".into(), 1.0)]
}

const M: f64 = 1e6;

#[test]
fn the_hedge_differs_from_both_futures_own_best_plans() {
    let r = invest(
        &model(),
        &futures(),
        Objective::Expected,
        &SolveOptions::default(),
        &|_| {},
    )
    .unwrap();
    assert_eq!(r.builds, vec!["small@2026"]);
    assert_eq!(r.outcomes[0].own_builds, Vec::<String>::new());
    assert_eq!(r.outcomes[1].own_builds, vec!["big@2026"]);
    assert!(
        close(r.expected_cost, 15.0 * M, 1e-9),
        "{}",
        r.expected_cost
    );
    assert!(close(r.outcomes[0].cost, 7.5 * M, 1e-9));
    assert!(close(r.outcomes[1].cost, 22.5 * M, 1e-9));
    assert!(close(r.wait_and_see, 11.5 * M, 1e-9));
    assert!(close(r.evpi, 3.5 * M, 1e-9));
    assert!(close(r.expected_with_baseline_builds, 17.5 * M, 1e-9));
    assert!(close(r.vss, 2.5 * M, 1e-9));
    // With the hedge built, imports still set the US price in each future:
    // $10,000/t in the baseline ($5M for 500 t), $60,000 under `high`, where
    // the small plant's 50 t a year fall short ($30M), each future priced
    // apart from its probability.
    let us = |o: &rareflow::invest::Outcome| o.spend_by_market.as_ref().unwrap()["US"];
    assert!(
        close(us(&r.outcomes[0]), 5.0 * M, 1e-9),
        "{:?}",
        r.outcomes[0]
    );
    assert!(
        close(us(&r.outcomes[1]), 30.0 * M, 1e-9),
        "{:?}",
        r.outcomes[1]
    );
}

#[test]
fn minimax_regret_and_cvar_choose_as_computed_by_hand() {
    let r = invest(
        &model(),
        &futures(),
        Objective::Regret,
        &SolveOptions::default(),
        &|_| {},
    )
    .unwrap();
    assert_eq!(r.builds, vec!["small@2026"]);
    assert!(close(r.max_regret, 4.5 * M, 1e-9), "{}", r.max_regret);
    let r = invest(
        &model(),
        &futures(),
        Objective::Cvar {
            lambda: 10.0,
            alpha: 0.5,
        },
        &SolveOptions::default(),
        &|_| {},
    )
    .unwrap();
    assert_eq!(r.builds, vec!["big@2026"]);
}

#[test]
fn probabilities_move_the_hedge() {
    // If the high tariff is nearly certain, build big, as `high` alone would.
    let r = invest(
        &model(),
        &[("baseline".into(), 0.05), ("high".into(), 0.95)],
        Objective::Expected,
        &SolveOptions::default(),
        &|_| {},
    )
    .unwrap();
    assert_eq!(r.builds, vec!["big@2026"]);
}

/// Defect 7a: a future whose scenario removes a candidate shifts every row
/// after it; build decisions are shared by id, so the program still builds.
///
/// Futures `baseline` and `high-no-big` (r = 1, no `big`), equally likely
/// ($M): none 5.0 / 30.0, small 7.5 / 22.5, big 13.0 / 30.0 (it cannot be
/// built in the second future, so there it costs and gives nothing).
/// Expected: none 17.5, small 15.0, big 21.5 → small. Own bests: none (5.0)
/// and small (22.5): wait-and-see 13.75, EVPI 1.25; the baseline builds
/// nothing, so VSS = 17.5 − 15.0 = 2.5. Max regret: none 7.5, small 2.5,
/// big 8.0 → small.
#[test]
fn r7a_a_future_that_removes_a_candidate_shares_builds_by_id() {
    let futures = [("baseline".into(), 1.0), ("high-no-big".into(), 1.0)];
    let opts = SolveOptions::default();
    let r = invest(&model(), &futures, Objective::Expected, &opts, &|_| {}).unwrap();
    assert_eq!(r.builds, vec!["small@2026"]);
    assert_eq!(r.outcomes[1].own_builds, vec!["small@2026"]);
    assert!(
        close(r.expected_cost, 15.0 * M, 1e-9),
        "{}",
        r.expected_cost
    );
    assert!(close(r.evpi, 1.25 * M, 1e-9), "{}", r.evpi);
    assert!(close(r.vss, 2.5 * M, 1e-9), "{}", r.vss);
    let r = invest(&model(), &futures, Objective::Regret, &opts, &|_| {}).unwrap();
    assert_eq!(r.builds, vec!["small@2026"]);
    assert!(close(r.max_regret, 2.5 * M, 1e-9), "{}", r.max_regret);
}

/// Defect 7b: with costs near 1e11 a future's cost row outgrows HiGHS's
/// absolute feasibility tolerance and its presolve called the regret and
/// CVaR programs infeasible. The same hedge in units 10,000 times larger
/// (penalty capped at the loader's 1e9) is solved, and every future's
/// operations are priced at least cost: the hand-computed 75,000 M and
/// 225,000 M, not merely costs within the regret bound.
#[test]
fn r7b_regret_and_cvar_solve_when_costs_are_large() {
    let k = 10_000.0;
    let opts = SolveOptions::default();
    let r = invest(
        &model_in(10_000),
        &futures(),
        Objective::Regret,
        &opts,
        &|_| {},
    )
    .unwrap();
    assert_eq!(r.builds, vec!["small@2026"]);
    assert!(close(r.max_regret, 4.5 * M * k, 1e-9), "{}", r.max_regret);
    assert!(
        close(r.outcomes[0].cost, 7.5 * M * k, 1e-9),
        "{}",
        r.outcomes[0].cost
    );
    assert!(
        close(r.outcomes[1].cost, 22.5 * M * k, 1e-9),
        "{}",
        r.outcomes[1].cost
    );
    let cvar = Objective::Cvar {
        lambda: 10.0,
        alpha: 0.5,
    };
    let r = invest(&model_in(10_000), &futures(), cvar, &opts, &|_| {}).unwrap();
    assert_eq!(r.builds, vec!["big@2026"]);
}

/// Defect 7i: `invest` was silent for 13–22 s. It reports each step: every
/// future's own plan, the shared plan, and the futures under the baseline's
/// builds (the binary shows these on stderr).
#[test]
fn r7i_invest_reports_its_progress() {
    let steps = std::sync::Mutex::new(Vec::new());
    let record = |s: &str| steps.lock().unwrap().push(s.to_string());
    invest(
        &model(),
        &futures(),
        Objective::Regret,
        &SolveOptions::default(),
        &record,
    )
    .unwrap();
    let steps = steps.into_inner().unwrap();
    let own = steps
        .iter()
        .filter(|s| s.contains("futures on their own"))
        .count();
    assert_eq!(own, 2, "{steps:?}");
    assert!(
        steps[2].starts_with("solving the shared build plan ("),
        "{steps:?}"
    );
    assert!(steps[3].starts_with("pricing every future"), "{steps:?}");
    assert!(steps[4].contains("baseline's builds"), "{steps:?}");
}

/// `compare`'s dependency share counts only what went through the stage it
/// asks about: with a Japanese market for La/Ce oxide added to models/tiny,
/// Japan's magnets are still 100% made in China, while its La/Ce (never
/// made into magnets) is left out rather than diluting the share.
#[test]
fn a_dependency_share_counts_only_material_that_reached_its_stage() {
    let mut files = crate::common::model_files("tiny");
    let demand = files.get_mut("demand.csv").unwrap();
    demand.extend_from_slice(b"JP,glass,lace_oxide,2025,50,\nJP,glass,lace_oxide,2026,50,\n");
    let dir = tempfile::tempdir().unwrap();
    let source = crate::common::files_source(&files, dir.path());
    let model = rareflow::check(&source, &[]).unwrap().model;
    let measure = rareflow::compare::Measure::parse("CN:JP:magnet", &model).unwrap();
    let c = rareflow::compare::compare(
        &source,
        &["none".to_string()],
        &["baseline".to_string()],
        &[],
        &rareflow::solver::SolveOptions::default(),
        &measure,
        &|_| {},
    );
    let r = c.cells[0].result.as_ref().expect("the cell solves");
    assert_eq!(r.dependency, Some(1.0), "{r:?}");
}
