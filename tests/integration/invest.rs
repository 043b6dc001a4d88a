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
    let mut f = BTreeMap::new();
    let mut put = |k: &str, v: &str| {
        f.insert(k.to_string(), v.to_string());
    };
    put(
        "model.toml",
        "name = \"hedge\"\nfirst_year = 2026\nlast_year = 2030\nshortage_penalty = 1000000\n",
    );
    put(
        "countries.csv",
        "code,name,region\nCN,China,asia\nUS,United States,americas\n",
    );
    put(
        "commodities.csv",
        "id,stage,ref_value\nmagnet,magnet,50000\n",
    );
    put(
        "processes.csv",
        "process,commodity,coef\nmake_magnet,magnet,1\n",
    );
    put(
        "facilities.csv",
        "id,country,process,capacity,status,variable_cost,build_cost\n\
         cn_plant,CN,make_magnet,1000,operating,10000,\n\
         small,US,make_magnet,50,candidate,20000,2500000\n\
         big,US,make_magnet,100,candidate,20000,8000000\n",
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
