//! An offtake with a buyer, worked by hand: the contracted share must reach
//! the buyer's countries, not only be made.
//!
//! The US and Mexico each want 100 t of magnets in 2025 (critical demand).
//! Plant A (US) makes them at $30,000/t, plant B (US) at $50,000/t, plant M
//! (Mexico) at $31,000/t, 200 t/yr each; a tonne costs $2,000 to move
//! between the two countries and nothing within one. Each market is served
//! at home: A serves the US, M serves Mexico; cost 3.0 M + 3.1 M = 6.1 M.
//!
//! - An offtake of a quarter of B's capacity (50 t), no buyer: B runs 50 t
//!   and sells them at home, in the US, where A makes 50 t less; cost
//!   1.5 M + 2.5 M + 3.1 M = 7.1 M. The offtake is worth B's cost over
//!   A's, $20,000 a tonne.
//! - The same offtake with a Mexican buyer: B's 50 t must reach Mexico,
//!   $2,000 a tonne of freight, and M makes 50 t less; cost 3.0 M + 2.5 M +
//!   1.55 M + 0.1 M = 7.15 M. The offtake is worth B's cost and the freight
//!   over M's, $21,000 a tonne delivered. Prices stay the local makers'
//!   ($30,000 in the US, $31,000 in Mexico).
//! - Verification counts the deliveries: the no-buyer plan is refused
//!   against the model with the Mexican buyer.
//! - Japan, which no lane reaches, as a buyer: the model is checked with a
//!   warning that the plan can only pay the penalty.

use rareflow::io::source::ModelSource;
use rareflow::model::{CountryId, Endpoint, IdSet};
use rareflow::solver::SolveOptions;

use crate::assert_close;

/// The two-country market with `contracts` as its contracts.csv rows
/// (columns id, kind, facility, share, credit, buyer).
fn market(contracts: &str) -> ModelSource {
    market_with(contracts, 100)
}

/// The same with `mexico` t of Mexican demand.
fn market_with(contracts: &str, mexico: u32) -> ModelSource {
    let files = [
        (
            "model.toml",
            "name = \"buyers\"\nfirst_year = 2025\nlast_year = 2025\nshortage_penalty = 1000000\n",
        ),
        (
            "countries.csv",
            "code,name,region\nUS,United States,americas\nMX,Mexico,latam\nJP,Japan,asia\n",
        ),
        (
            "commodities.csv",
            "id,stage,ref_value\nmagnet,magnet,50000\n",
        ),
        (
            "processes.csv",
            "process,commodity,coef\nmake_magnet,magnet,1\n",
        ),
        (
            "facilities.csv",
            "id,country,process,capacity,status,variable_cost\n\
             plant_a,US,make_magnet,200,operating,30000\n\
             plant_b,US,make_magnet,200,operating,50000\n\
             plant_m,MX,make_magnet,200,operating,31000\n",
        ),
        (
            "transport.csv",
            "from_region,to_region,commodity,cost\namericas,americas,all,0\nlatam,latam,all,0\n\
             americas,latam,all,2000\nlatam,americas,all,2000\n",
        ),
        (
            "demand.csv",
            &format!(
                "country,sector,commodity,period,tonnes\nUS,ev,magnet,2025,100\nMX,ev,magnet,2025,{mexico}\n"
            ),
        ),
    ];
    let mut files: Vec<(String, String)> = (files.iter())
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if !contracts.is_empty() {
        let table = format!("id,kind,facility,share,credit,buyer\n{contracts}");
        files.push(("contracts.csv".into(), table));
    }
    ModelSource::Memory(files.into_iter().collect())
}

fn solve(contracts: &str) -> rareflow::Solution {
    rareflow::solve(&market(contracts), &[], &SolveOptions::default()).unwrap()
}

/// Tonnes from facility `from` to the market of `to`.
fn delivered(s: &rareflow::Solution, from: usize, to: &str) -> f64 {
    let c = CountryId(s.model.countries.iter().position(|c| c.code == to).unwrap());
    (s.network.lanes().iter().enumerate())
        .filter(|(_, l)| l.from.0 == from && l.to == Endpoint::Market(c))
        .map(|(l, _)| s.plan.flows[l][0])
        .sum()
}

fn price(s: &rareflow::Solution, code: &str) -> f64 {
    let c = CountryId(
        s.model
            .countries
            .iter()
            .position(|c| c.code == code)
            .unwrap(),
    );
    (s.plan.prices.iter())
        .find(|p| p.place == Endpoint::Market(c))
        .unwrap()
        .value
}

const A: usize = 0;
const B: usize = 1;
const M: usize = 2;

#[test]
fn each_market_is_served_at_home() {
    let s = solve("");
    assert_close!(s.plan.objective, 6.1e6);
    assert_close!(delivered(&s, A, "US"), 100.0);
    assert_close!(delivered(&s, M, "MX"), 100.0);
}

#[test]
fn an_offtake_without_a_buyer_sells_at_home() {
    let s = solve("gm,offtake,plant_b,0.25,,\n");
    assert_close!(s.plan.objective, 7.1e6);
    assert_close!(delivered(&s, B, "US"), 50.0);
    assert_close!(delivered(&s, A, "US"), 50.0);
    assert_close!(s.plan.contracts[0].support, 20_000.0);
}

#[test]
fn an_offtake_with_a_buyer_delivers_to_it() {
    let s = solve("gm,offtake,plant_b,0.25,,MX\n");
    assert_close!(s.plan.objective, 7.15e6);
    assert_close!(delivered(&s, B, "MX"), 50.0);
    assert_close!(delivered(&s, B, "US"), 0.0);
    assert_close!(delivered(&s, A, "US"), 100.0);
    assert_close!(delivered(&s, M, "MX"), 50.0);
    assert_close!(s.plan.contracts[0].required, 50.0);
    assert_close!(s.plan.contracts[0].shortfall, 0.0);
    assert_close!(s.plan.contracts[0].support, 21_000.0);
    assert_close!(price(&s, "US"), 30_000.0);
    assert_close!(price(&s, "MX"), 31_000.0);
    crate::common::assert_keys_round_trip(&s);
}

#[test]
fn verification_counts_what_reached_the_buyer() {
    let mut s = solve("gm,offtake,plant_b,0.25,,\n");
    let mexico = (s.model.countries.iter()).map(|c| c.code == "MX").collect();
    crate::common::assert_refused_after(
        &mut s,
        |m| m.contracts[0].buyer = Some(IdSet::new("MX".into(), mexico)),
        "offtake gm in 2025",
    );
}

#[test]
fn a_buyer_where_none_can_be_is_refused_at_its_cell() {
    let cases = [
        (
            "x,offtake,plant_b,0.25,,CA",
            "column 'buyer': expected a country code, a group from countries.csv or \"all\", found \"CA\"",
        ),
        (
            "y,credit,plant_b,,10,MX",
            "column 'buyer': a credit has no buyer",
        ),
    ];
    for (row, want) in cases {
        let got = crate::common::refusals(&market(row), row);
        assert!(got.iter().any(|e| e.contains(want)), "{row}: {got:?}");
    }
}

/// A buyer's offtake of all of a plant's capacity: Mexico wants 300 t, and
/// B must deliver all its 200 t there, so M makes only 100 t and sets
/// Mexico's price, $31,000. B's capacity and its contract both bind, and
/// the LP may split a value between them and B's price at will; the plan
/// reports what the market gives: B's capacity is worth nothing (a tonne
/// more of it is a tonne more to deliver at a loss), the contract pays
/// $50,000 + $2,000 − $31,000 = $21,000 a tonne delivered, and a magnet at
/// B is worth $50,000 (Mexico's price less freight, with the contract).
/// Cost: A 3.0 M, B 10.0 M + 0.4 M freight, M 3.1 M.
#[test]
fn a_buyer_taking_all_of_a_plant_leaves_its_capacity_worth_nothing() {
    let s = rareflow::solve(
        &market_with("gm,offtake,plant_b,1,,MX\n", 300),
        &[],
        &SolveOptions::default(),
    )
    .unwrap();
    assert_close!(s.plan.objective, 16.5e6);
    assert_close!(delivered(&s, B, "MX"), 200.0);
    assert_close!(delivered(&s, M, "MX"), 100.0);
    assert_close!(price(&s, "MX"), 31_000.0);
    assert_close!(s.plan.contracts[0].support, 21_000.0);
    assert_close!(s.plan.capacity_value[B][0], 0.0);
    let at_b = (s.plan.prices.iter())
        .find(|p| p.place == Endpoint::Facility(rareflow::model::FacilityId(B)))
        .unwrap()
        .value;
    assert_close!(at_b, 50_000.0);
}

/// The split the LP leaves free, on the real network: when China halts
/// exports to the West, eVAC Sumter and Independence make the same
/// high-coercivity magnets from the same inputs, for GM in the US, at full
/// capacity. Left as the solver returns it, one of them showed a capacity
/// worth $236,442 a tonne a year and a price at the plant $240,785 above
/// the other's; netted, both plants' capacity is worth nothing and their
/// magnets the same, in every year.
#[test]
fn twin_plants_under_buyer_offtakes_report_the_same_values() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/models/global");
    let opts = SolveOptions {
        portfolio: Some("none".into()),
        ..SolveOptions::default()
    };
    let source = ModelSource::dir(dir).unwrap();
    let s = rareflow::solve(&source, &["china-halt-west".to_string()], &opts).unwrap();
    let id = |name: &str| (s.model.facilities.iter().position(|f| f.id == name)).unwrap();
    let (evac, independence) = (id("us_evac"), id("us_independence"));
    let at = |f: usize, t: usize| {
        (s.plan.prices.iter())
            .find(|p| {
                p.period.0 == t
                    && p.place == Endpoint::Facility(rareflow::model::FacilityId(f))
                    && s.model.commodities[p.commodity.0].id == "magnet_hc"
            })
            .map(|p| p.value)
    };
    for t in 1..s.model.periods.len() {
        let year = &s.model.periods[t].label;
        assert_close!(s.plan.capacity_value[evac][t], 0.0);
        assert_close!(s.plan.capacity_value[independence][t], 0.0);
        if let (Some(a), Some(b)) = (at(evac, t), at(independence, t)) {
            assert!(
                (a - b).abs() <= 1e-6 * a.abs().max(1.0),
                "{year}: {a} against {b}"
            );
        }
    }
}

#[test]
fn a_buyer_no_lane_reaches_is_a_warning() {
    let checked = rareflow::check(&market("gm,offtake,plant_b,0.25,,JP\n"), &[]).unwrap();
    let said: Vec<String> = checked
        .warnings
        .warnings()
        .map(ToString::to_string)
        .collect();
    let want = "contracts.csv:2: warning: column 'buyer': offtake \"gm\": no lane takes \"plant_b\"'s output to its buyer";
    assert!(said.iter().any(|w| w.starts_with(want)), "{said:?}");
}
