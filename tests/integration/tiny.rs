//! models/tiny, solved by hand in models/tiny/README.md: the optimum, its
//! cost breakdown, the binding duals, and what moves when the tariff or the
//! cap moves.

use rareflow::model::{Endpoint, FacilityId, Model, PeriodId};
use rareflow::plan::Plan;
use rareflow::solver::{Change, SolveStatus};

use crate::assert_close;
use crate::common::*;

/// Present-value weight of 2026 at 10%.
const W26: f64 = 1.0 / 1.1;

fn facility(m: &Model, id: &str) -> usize {
    m.facilities.iter().position(|f| f.id == id).unwrap()
}

fn price(m: &Model, plan: &Plan, place: &str, commodity: &str, t: usize) -> f64 {
    plan.prices
        .iter()
        .find(|p| {
            m.endpoint_name(p.place) == place
                && m.commodities[p.commodity.0].id == commodity
                && p.period.0 == t
        })
        .map(|p| p.value)
        .unwrap_or_else(|| panic!("no price for {commodity} at {place}"))
}

fn market_flow(m: &Model, s: &rareflow::Solution, country: &str, t: usize) -> f64 {
    s.network
        .lanes()
        .iter()
        .enumerate()
        .filter(|(_, l)| matches!(l.to, Endpoint::Market(c) if m.countries[c.0].code == country))
        .map(|(i, _)| s.plan.flows[i][t])
        .sum()
}

#[test]
fn optimum_matches_the_hand_solution() {
    let s = solve_tiny();
    assert_eq!(s.plan.status, SolveStatus::Optimal);
    // Per year: 7,385,400 of operations, plus 10,000,000 (2025) and
    // 20,000,000 (2026) of US shortage; 1,000,000 fixed cost a year.
    let ops = 7_385_400.0;
    let expected = (ops + 10_000_000.0) + (ops + 20_000_000.0) * W26 + 1_000_000.0 * (1.0 + W26);
    assert_close!(s.plan.objective, expected);
    let k = &s.plan.costs;
    let pv = |per_year: f64| per_year * (1.0 + W26);
    assert_close!(
        k.production,
        pv(875_000.0 + 375_000.0 + 240_000.0 + 3_200_000.0)
    );
    assert_close!(
        k.transport,
        pv(50_000.0 + 3_000.0 + 2_400.0 + 20_000.0 + 60_000.0)
    );
    assert_close!(k.tariffs, pv(200.0 * 12_500.0));
    assert_close!(k.disposal, pv(600.0 * 100.0));
    assert_close!(k.fixed, pv(1_000_000.0));
    assert_close!(k.shortage, 100.0 * 100_000.0 + 200.0 * 100_000.0 * W26);
    assert_close!(
        k.production + k.fixed + k.transport + k.tariffs + k.disposal + k.shortage,
        s.plan.objective
    );
}

#[test]
fn plan_quantities_match_the_hand_solution() {
    let s = solve_tiny();
    let m = &s.model;
    for t in 0..2 {
        assert_close!(s.plan.activity[facility(m, "baotou_mine")][t], 500.0);
        assert_close!(s.plan.activity[facility(m, "weld_mine")][t], 250.0);
        assert_close!(s.plan.activity[facility(m, "kachin_mine")][t], 0.0);
        assert_close!(s.plan.activity[facility(m, "baotou_sep")][t], 750.0);
        assert_close!(s.plan.activity[facility(m, "cn_metal")][t], 120.0);
        assert_close!(s.plan.activity[facility(m, "cn_magnet")][t], 400.0);
        assert_close!(market_flow(m, &s, "JP", t), 200.0);
        assert_close!(market_flow(m, &s, "US", t), 200.0);
    }
    let short: Vec<f64> = s.plan.shortage.clone();
    // demand is sorted by (country, sector, commodity, period): JP 25, JP 26, US 25, US 26
    assert_eq!(short, vec![0.0, 0.0, 100.0, 200.0]);
    let disposed: f64 = s
        .plan
        .disposal
        .iter()
        .filter(|d| d.tonnes > 0.0)
        .map(|d| d.tonnes)
        .sum();
    assert_close!(disposed, 1200.0);
}

#[test]
fn binding_duals_match_the_hand_solution() {
    let s = solve_tiny();
    let (m, p) = (&s.model, &s.plan);
    for t in 0..2 {
        // Weld (AU) is the marginal mine: 1,500 + 100 freight.
        assert_close!(price(m, p, "baotou_sep", "conc", t), 1_600.0);
        // La/Ce is a surplus joint product: one more tonne wanted saves its disposal.
        assert_close!(price(m, p, "baotou_sep", "lace_oxide", t), -100.0);
        // 0.2 p_ox + 0.8 (-100) = 1,600 + 500
        assert_close!(price(m, p, "baotou_sep", "ndpr_oxide", t), 10_900.0);
        assert_close!(price(m, p, "cn_metal", "ndpr_oxide", t), 10_920.0);
        assert_close!(
            price(m, p, "cn_metal", "ndpr_metal", t),
            2_000.0 + 1.25 * 10_920.0
        );
        assert_close!(
            price(m, p, "cn_magnet", "magnet", t),
            8_000.0 + 0.3 * 15_670.0
        );
        assert_close!(price(m, p, "market:JP", "magnet", t), 12_701.0 + 100.0);
        // The US is short, so one more tonne of US demand costs the penalty.
        assert_close!(price(m, p, "market:US", "magnet", t), 100_000.0);
        // One more tonne of Chinese quota to the US saves the penalty less
        // the delivered cost: 100,000 - (12,701 + 300 + 25% x 50,000).
        assert_close!(p.caps[t].shadow_price, 74_499.0);
        assert_close!(p.caps[t].used, 200.0);
        // Bayan Obo is at capacity: worth 1,600 - (1,000 + 50) a tonne.
        assert_close!(p.capacity_value[facility(m, "baotou_mine")][t], 550.0);
        assert_close!(p.capacity_value[facility(m, "weld_mine")][t], 0.0);
    }
}

/// The US imports while 12,701 + 300 + r x 50,000 < 100,000, i.e. while the
/// ad-valorem rate r is below 1.73998.
#[test]
fn tariff_break_even_flips_us_imports() {
    for (rate, expected) in [(1.70, 200.0), (1.78, 0.0)] {
        let s = solve_tiny_with(|m| m.tariffs[0].ad_valorem = rate);
        for t in 0..2 {
            assert_close!(market_flow(&s.model, &s, "US", t), expected);
        }
    }
}

#[test]
fn lifting_the_ban_serves_the_us_and_a_ban_stops_it() {
    let s = solve_tiny_with(|m| m.export_controls.clear());
    assert_close!(market_flow(&s.model, &s, "US", 0), 300.0);
    assert_close!(market_flow(&s.model, &s, "US", 1), 400.0);
    let s = solve_tiny_with(|m| m.export_controls[0].cap = 0.0);
    assert_close!(market_flow(&s.model, &s, "US", 0), 0.0);
}

/// Re-solving the kept HiGHS model after raising the cap by 50 t/yr saves
/// exactly 50 x the cap's shadow price in each period (the basis stays
/// optimal), and takes few iterations from the previous basis.
#[test]
fn warm_resolve_after_changing_a_cap_matches_its_shadow_price() {
    let mut s = solve_tiny();
    let before = s.session.objective;
    let mut change = Change::default();
    for cap in &s.index.caps.rows {
        change = change.rhs_le(cap.row, 250.0);
    }
    s.session.resolve(&change).unwrap();
    assert_eq!(s.session.status, SolveStatus::Optimal);
    assert_close!(before - s.session.objective, 50.0 * 74_499.0 * (1.0 + W26));
    assert!(
        s.session.iterations <= 10,
        "{} iterations",
        s.session.iterations
    );
    // Changing a cost back and forth returns to the same optimum.
    let col = s
        .index
        .activity
        .col(FacilityId(facility(&s.model, "weld_mine")), PeriodId(0));
    s.session
        .resolve(&Change::default().cost(col, 3_000.0))
        .unwrap();
    let dearer = s.session.objective;
    s.session
        .resolve(&Change::default().cost(col, 1_500.0))
        .unwrap();
    assert!(dearer > s.session.objective);
}

#[test]
fn cli_solves_tiny_and_prints_the_summary() {
    let tiny = tiny_dir();
    let o = rareflow(&["solve", tiny.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("status: optimal; plan verified"), "{out}");
    assert!(out.contains("total cost: 44,190,309 USD"), "{out}");
    assert!(out.contains("cn-magnets-us"), "{out}");
    let o = rareflow(&["solve", tiny.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["status"], "optimal");
    assert!(close(
        v["objective"].as_f64().unwrap(),
        44_190_309.090909,
        1e-9
    ));
    assert!(v["verification"]["max_relative_residual"].as_f64().unwrap() <= 1e-6);
    for k in [
        "production",
        "fixed",
        "transport",
        "tariffs",
        "disposal",
        "shortage",
    ] {
        assert!(v["costs"][k].is_number(), "costs.{k}");
    }
    assert!(close(v["shortage_t"].as_f64().unwrap(), 300.0, 1e-9));
}

#[test]
fn result_files_are_written_and_identical_across_runs() {
    let out = tempfile::tempdir().unwrap();
    let a = out.path().join("a");
    let b = out.path().join("b");
    let tiny = tiny_dir();
    for dir in [&a, &b] {
        let o = rareflow(&[
            "solve",
            tiny.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    for f in rareflow::report::files::RESULT_FILES {
        let x = std::fs::read(a.join(f)).unwrap();
        let y = std::fs::read(b.join(f)).unwrap();
        assert!(!x.is_empty(), "{f} is empty");
        assert_eq!(x, y, "{f} differs between runs");
    }
    let caps = std::fs::read_to_string(a.join("caps.csv")).unwrap();
    assert_eq!(
        caps,
        "period,id,used,cap,shadow_price,shadow_price_pv\n2025,cn-magnets-us,200,200,74499,74499\n\
         2026,cn-magnets-us,200,200,74499,67726.363636\n"
    );
    let prices = std::fs::read_to_string(a.join("prices.csv")).unwrap();
    assert!(
        prices.contains("2025,baotou_sep,CN,conc,1600\n"),
        "{prices}"
    );
    assert!(
        prices.contains("2026,market:US,US,magnet,100000\n"),
        "{prices}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        rareflow::report::files::RESULT_FILES.len(),
        "{leftovers:?}"
    );
}

/// Two thirds of the concentrate comes from Bayan Obo (500 of 750 t), a
/// third from Mt Weld; everything downstream happens in China.
#[test]
fn dependency_traces_origins_through_the_flows() {
    let s = solve_tiny();
    let dep = rareflow::trace::trace(&s.model, &s.network, &s.plan);
    let us = dep
        .markets
        .iter()
        .find(|m| s.model.countries[m.country.0].code == "US" && m.period.0 == 0)
        .unwrap();
    assert_close!(us.delivered, 200.0);
    let shares = |st: usize| rareflow::trace::shares(&s.model, &us.mix[st]);
    let mined = shares(0);
    assert_eq!(mined.len(), 2);
    assert_eq!(
        (mined[0].country.as_str(), mined[1].country.as_str()),
        ("CN", "AU")
    );
    assert_close!(mined[0].share, 2.0 / 3.0);
    assert_close!(mined[1].share, 1.0 / 3.0);
    for st in 1..4 {
        assert_eq!(
            shares(st),
            vec![rareflow::trace::Share {
                country: "CN".into(),
                share: 1.0
            }]
        );
    }
    // World output by stage: 750 t of concentrate (CN 500), 750 t of oxides,
    // 120 t of metal, 400 t of magnets, all but AU's 250 t in China.
    let out = &dep.stage_output[0];
    let total = |st: usize| out[st].iter().sum::<f64>();
    assert_close!(total(0), 750.0);
    assert_close!(total(1), 750.0);
    assert_close!(total(2), 120.0);
    assert_close!(total(3), 400.0);
}

#[test]
fn dependency_csv_and_summary_report_the_trace() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("r");
    let o = rareflow(&[
        "solve",
        tiny_dir().to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(dir.join("dependency.csv")).unwrap();
    assert!(csv.starts_with("period,country,sector,commodity,stage,source_country,share,tonnes\n"));
    assert!(
        csv.contains("2025,US,ev,magnet,mined,AU,0.333333,66.666667\n"),
        "{csv}"
    );
    assert!(csv.contains("2026,JP,ev,magnet,magnet,CN,1,200\n"), "{csv}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    let mined_2025 = v["stage_shares"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["period"] == "2025" && x["stage"] == "mined")
        .unwrap();
    assert_eq!(mined_2025["shares"][0]["country"], "CN");
    assert!(close(
        mined_2025["shares"][0]["share"].as_f64().unwrap(),
        2.0 / 3.0,
        1e-9
    ));
    let us = v["dependency"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["country"] == "US" && x["period"] == "2026")
        .unwrap();
    assert_eq!(us["magnet"][0]["country"], "CN");
}

/// Every column and row of the LP has a typed key whose label speaks the
/// model's language, and lookups by key find the column or row it names.
#[test]
fn typed_keys_name_every_column_and_row_in_model_terms() {
    use rareflow::formulation::{ColKey, RowKey};
    let s = solve_tiny();
    let labels: Vec<String> = s
        .keys
        .cols
        .iter()
        .map(|(_, k)| k.label(&s.model, &s.network))
        .collect();
    let unique: std::collections::BTreeSet<&String> = labels.iter().collect();
    assert_eq!(unique.len(), labels.len(), "two columns share a label");
    assert_eq!(labels.len(), s.size.columns);
    assert!(labels.contains(&"flow[cn_magnet→market:US, magnet, 2026]".to_string()));
    assert!(labels.contains(&"activity[baotou_sep, 2025]".to_string()));
    assert!(labels.contains(&"disposal[baotou_sep, lace_oxide, 2025]".to_string()));
    assert_keys_round_trip(&s);
    let rows: Vec<String> = s.keys.rows.iter().map(|(_, k)| k.label(&s.model)).collect();
    assert_eq!(rows.len(), s.size.rows);
    assert!(rows.contains(&"export_cap[cn-magnets-us, 2026]".to_string()));
    assert!(rows.contains(&"market[US, magnet, 2025]".to_string()));
    assert!(rows.contains(&"balance[cn_metal, ndpr_oxide, 2026]".to_string()));
    let cap = RowKey::ExportCap {
        control: 0,
        period: PeriodId(1),
    };
    assert_close!(s.session.dual(s.index.row(cap).unwrap()), -74_499.0 * W26);
    let mine = ColKey::Activity {
        facility: FacilityId(facility(&s.model, "baotou_mine")),
        period: PeriodId(0),
    };
    assert_close!(s.session.value(s.index.col(mine).unwrap()), 500.0);
}

/// Defect 7j: a lane into a market with no demand for its commodity was a
/// free sink (La/Ce oxide shipped to Japan instead of paying for its
/// disposal, and "plan verified"). The loader refuses such a lane; a model
/// built in memory that has one fails verification, naming the delivery.
#[test]
fn r7j_the_verifier_catches_flow_into_a_market_without_demand() {
    let checked = rareflow::check(
        &rareflow::io::source::ModelSource::dir(tiny_dir()).unwrap(),
        &[],
    )
    .unwrap();
    let mut model = checked.model;
    let sep = FacilityId(facility(&model, "baotou_sep"));
    let jp = model.countries.iter().position(|c| c.code == "JP").unwrap();
    let lace = model
        .commodities
        .iter()
        .position(|c| c.id == "lace_oxide")
        .unwrap();
    model.lanes.push(rareflow::model::LaneSpec {
        from: sep,
        to: Endpoint::Market(rareflow::model::CountryId(jp)),
        commodity: rareflow::model::CommodityId(lace),
        cost: 0.0,
        capacity: None,
        line: 2,
    });
    let err = rareflow::solve_checked(
        rareflow::Checked::from_model(model),
        &rareflow::solver::SolveOptions::default(),
    )
    .err()
    .expect("a plan that sinks material must not verify");
    let text = err.to_string();
    assert!(
        text.contains("lace_oxide to market:JP, which has no demand"),
        "{text}"
    );
    assert_eq!(err.exit_code(), 7);
}

/// Net import reliance, by hand: with models/tiny's metal plant moved to
/// Japan, Japan imports 1.25 t of NdPr oxide from China for each tonne of
/// metal it makes and sends all its metal back to China's magnet plant.
/// Per tonne of metal M: production M, imports 1.25 M, exports M, so
/// apparent consumption is 1.25 M and reliance (1.25 M − M) / 1.25 M =
/// 20% in every period. The US trades only magnets: no reliance to measure.
#[test]
fn import_reliance_of_a_country_that_converts_imported_oxide() {
    let s = solve_tiny_with(|m| {
        let jp = m.countries.iter().position(|c| c.code == "JP").unwrap();
        let f = facility(m, "cn_metal");
        m.facilities[f].country = rareflow::model::CountryId(jp);
    });
    let all = rareflow::report::reliance::all(&s.model, &s.network, &s.plan);
    let jp: Vec<_> = all
        .iter()
        .filter(|r| r.country == "JP" && r.production_t > 0.0)
        .collect();
    assert_eq!(jp.len(), 2, "{all:#?}");
    for r in jp {
        assert_close!(r.imports_t, 1.25 * r.production_t);
        assert_close!(r.exports_t, r.production_t);
        assert_close!(r.reliance.unwrap(), 0.2);
    }
    for r in all.iter().filter(|r| r.country == "US") {
        assert_eq!(r.reliance, None, "{r:?}");
    }
}

/// Bayan Obo's capacity in business units (README, "The duals, by hand"):
/// one more tonne of concentrate a year saves 550 $/t in each year's money,
/// 550 and 500 in 2025 money (2026 discounted at 10%), 1,050 over both;
/// every row of production.csv is its value per unit of activity over the
/// tonnes of product a unit makes.
#[test]
fn capacity_values_in_business_units_match_the_hand_solution() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let tiny = tiny_dir();
    let o = rareflow(&[
        "solve",
        tiny.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let row = &summary["constrained_facilities"][0];
    assert_eq!(row["facility"], "baotou_mine");
    assert_eq!(row["product"], "conc");
    assert_close!(row["value_pv_per_t"].as_f64().unwrap(), 1050.0);
    // Undiscounted: 550 in each of the two years.
    assert_close!(row["value_per_t"].as_f64().unwrap(), 1100.0);
    let text = std::fs::read_to_string(out.join("production.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let mut seen = 0;
    for r in rows.records() {
        let r = r.unwrap();
        let num = |k: usize| r[k].parse::<f64>().unwrap();
        if &r[1] == "baotou_mine" {
            let pv = if &r[0] == "2025" { 550.0 } else { 500.0 };
            assert_close!(num(9), 550.0);
            assert_close!(num(10), pv);
            seen += 1;
        }
        // Separation makes 0.2 t NdPr and 0.8 t La/Ce a unit: 1 t.
        if &r[1] == "baotou_sep" {
            assert_eq!(&r[8], "lace_oxide+ndpr_oxide");
            assert_close!(num(9), num(7));
        }
    }
    assert_eq!(seen, 2);
}
