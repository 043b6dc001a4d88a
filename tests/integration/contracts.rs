//! Contracts and policy instruments, worked by hand.
//!
//! Two US magnet plants serve 100 t of critical US demand in 2025: plant A
//! at $30,000/t and plant B at $50,000/t, 200 t/yr each (one country, no
//! transport cost, no tariff).
//!
//! - No contract: A makes all 100 t; cost 3.0 M; the price is A's $30,000.
//! - An offtake of a quarter of B's capacity (50 t) at the default penalty
//!   ($1 M/t, the model's shortage penalty): B runs 50 t, A the other 50;
//!   cost 50 × 30,000 + 50 × 50,000 = 4.0 M. The price is still A's cost:
//!   one more tonne of demand comes from A.
//! - The same offtake with a penalty of $10,000/t: running B costs $20,000/t
//!   more than A, so B pays the penalty instead; cost 3.0 M + 50 × 10,000 =
//!   3.5 M.
//! - A credit of $25,000/t on B: B's cost net of the credit, $25,000/t, is
//!   below A's, so B makes all 100 t; production 5.0 M, credits −2.5 M, cost
//!   2.5 M; the price is B's net cost, $25,000/t.
//! - An offtake on a plant whose feed cannot reach it: the plan exists and
//!   pays the penalty on all of it.
//! - A credit of $8,000/t on candidate C ($10,000/t, $1 M to build, 200
//!   t/yr): building C and making the 100 t there costs 1.0 M + 100 ×
//!   (10,000 − 8,000) = 1.2 M, against A's 3.0 M; credits −0.8 M; the price
//!   is C's net cost, $2,000/t. With nothing built the credit pays nothing
//!   and the plan is A's 3.0 M.

use rareflow::io::source::ModelSource;
use rareflow::model::Endpoint;
use rareflow::solver::SolveOptions;

use crate::assert_close;

/// The two-plant market with `contracts` as its contracts.csv (none when
/// empty), and `extra` facilities rows.
fn market(contracts: &str, extra: &str) -> ModelSource {
    let mut files = vec![
        (
            "model.toml",
            "name = \"contracts\"\nfirst_year = 2025\nlast_year = 2026\nshortage_penalty = 1000000\n"
                .to_string(),
        ),
        (
            "countries.csv",
            "code,name,region\nUS,United States,americas\n".into(),
        ),
        (
            "commodities.csv",
            "id,stage,ref_value\nmagnet,magnet,50000\nore,ore,1000\n".into(),
        ),
        (
            "processes.csv",
            "process,commodity,coef\nmake_magnet,magnet,1\nmine,ore,1\n\
             magnet_from_ore,ore,-1\nmagnet_from_ore,magnet,1\n"
                .into(),
        ),
        (
            "facilities.csv",
            format!(
                "id,country,process,capacity,status,variable_cost,build_cost,lead_years\n\
                 plant_a,US,make_magnet,200,operating,30000,,\n\
                 plant_b,US,make_magnet,200,operating,50000,,\n\
                 plant_c,US,make_magnet,200,candidate,10000,1000000,0\n{extra}"
            ),
        ),
        (
            "transport.csv",
            "from_region,to_region,commodity,cost\namericas,americas,all,0\n".into(),
        ),
        (
            "demand.csv",
            "country,sector,commodity,period,tonnes\nUS,ev,magnet,2025,100\n".into(),
        ),
    ];
    if !contracts.is_empty() {
        files.push((
            "contracts.csv",
            format!("id,kind,facility,share,credit,penalty,periods\n{contracts}"),
        ));
    }
    ModelSource::Memory(files.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// Activity of plants A and B, the US magnet price, and the objective,
/// with nothing built.
fn solve(contracts: &str) -> (f64, f64, f64, f64, rareflow::Solution) {
    let opts = SolveOptions {
        portfolio: Some("none".into()),
        ..SolveOptions::default()
    };
    let s = rareflow::solve(&market(contracts, ""), &[], &opts).unwrap();
    let price = s
        .plan
        .prices
        .iter()
        .find(|p| matches!(p.place, Endpoint::Market(_)))
        .unwrap()
        .value;
    let (a, b) = (s.plan.activity[0][0], s.plan.activity[1][0]);
    (a, b, price, s.plan.objective, s)
}

#[test]
fn with_no_contract_the_cheaper_plant_serves() {
    let (a, b, price, objective, _) = solve("");
    assert_close!(a, 100.0);
    assert_close!(b, 0.0);
    assert_close!(price, 30_000.0);
    assert_close!(objective, 3.0e6);
}

#[test]
fn an_offtake_makes_its_plant_run() {
    let (a, b, price, objective, s) = solve("dod,offtake,plant_b,0.25,,,2025\n");
    assert_close!(a, 50.0);
    assert_close!(b, 50.0);
    assert_close!(price, 30_000.0);
    assert_close!(objective, 4.0e6);
    assert_eq!(s.plan.contracts.len(), 1);
    assert_close!(s.plan.contracts[0].required, 50.0);
    assert_close!(s.plan.contracts[0].shortfall, 0.0);
    crate::common::assert_keys_round_trip(&s);
}

/// An offtake of all of B's 200 t makes B run at capacity with half its
/// output disposed of (disposal is free here), and A idle: cost 200 ×
/// 50,000 = 10 M. B's capacity is worth nothing to the market (one more
/// tonne of it would only be more loss-making output); the contract's
/// value is not reported as capacity value.
#[test]
fn an_offtake_of_all_capacity_does_not_make_capacity_valuable() {
    let (a, b, _, objective, s) = solve("dod,offtake,plant_b,1,,,2025\n");
    assert_close!(a, 0.0);
    assert_close!(b, 200.0);
    assert_close!(objective, 1.0e7);
    assert_close!(s.plan.capacity_value[1][0], 0.0);
    assert_close!(s.plan.capacity_value[0][0], 0.0);
}

#[test]
fn an_offtake_cheaper_to_break_than_to_run_is_broken() {
    let (a, b, _, objective, s) = solve("dod,offtake,plant_b,0.25,,10000,2025\n");
    assert_close!(a, 100.0);
    assert_close!(b, 0.0);
    assert_close!(objective, 3.5e6);
    assert_close!(s.plan.contracts[0].shortfall, 50.0);
    assert_close!(s.plan.costs.offtake_penalties, 5.0e5);
}

#[test]
fn a_credit_lowers_its_plants_cost_and_the_price() {
    let (a, b, price, objective, s) = solve("floor,credit,plant_b,,25000,,2025\n");
    assert_close!(a, 0.0);
    assert_close!(b, 100.0);
    assert_close!(price, 25_000.0);
    assert_close!(objective, 2.5e6);
    assert_close!(s.plan.costs.production, 5.0e6);
    assert_close!(s.plan.costs.credits, -2.5e6);
}

#[test]
fn a_credit_pays_a_candidate_only_once_it_is_built() {
    let row = "45x,credit,plant_c,,8000,,2025\n";
    let s = rareflow::solve(&market(row, ""), &[], &SolveOptions::default()).unwrap();
    let built = |b: &&rareflow::plan::Build| b.candidate.0 == 2 && b.share > 0.5;
    assert_eq!(s.plan.builds.iter().filter(built).count(), 1);
    assert_close!(s.plan.activity[2][0], 100.0);
    assert_close!(s.plan.objective, 1.2e6);
    assert_close!(s.plan.costs.credits, -8.0e5);
    let market_price = (s.plan.prices.iter())
        .find(|p| matches!(p.place, Endpoint::Market(_)) && p.period.0 == 0)
        .unwrap();
    assert_close!(market_price.value, 2_000.0);
    let (a, _, price, objective, s) = solve(row);
    assert_close!(a, 100.0);
    assert_close!(price, 30_000.0);
    assert_close!(objective, 3.0e6);
    assert_close!(s.plan.costs.credits, 0.0);
}

#[test]
fn a_contract_outside_its_periods_does_nothing() {
    let (_, b, _, objective, s) = solve("floor,credit,plant_b,,25000,,2026\n");
    assert!(s.plan.contracts.is_empty());
    assert_close!(s.plan.costs.credits, 0.0);
    assert_close!(b, 0.0);
    assert_close!(objective, 3.0e6);
}

#[test]
fn an_offtake_whose_feed_cannot_come_still_has_a_plan() {
    // plant_d makes magnets from ore that nothing in the model mines.
    let extra = "plant_d,US,magnet_from_ore,40,operating,1000,,\n";
    let opts = SolveOptions {
        portfolio: Some("none".into()),
        ..SolveOptions::default()
    };
    let source = market("d,offtake,plant_d,1,,20000,2025\n", extra);
    let s = rareflow::solve(&source, &[], &opts).unwrap();
    assert_close!(s.plan.contracts[0].shortfall, 40.0);
    assert_close!(s.plan.objective, 3.0e6 + 40.0 * 20_000.0);
}

/// What `check` reports on contracts.csv holding `row`.
fn refused(row: &str) -> Vec<String> {
    crate::common::refusals(&market(row, ""), row)
}

#[test]
fn a_contract_that_cannot_be_is_refused_at_its_cell() {
    let cases = [
        (
            "x,offtake,plant_c,1,,,",
            "column 'facility': facility \"plant_c\" is a candidate",
        ),
        (
            "x,offtake,plant_z,1,,,",
            "column 'facility': expected a facility id from facilities.csv, found \"plant_z\"",
        ),
        (
            "x,offtake,plant_b,,,,",
            "column 'share': an offtake needs the share",
        ),
        (
            "x,offtake,plant_b,1.5,,,",
            "column 'share': expected a number between 0 and 1",
        ),
        (
            "x,offtake,plant_b,1,5,,",
            "column 'credit': an offtake takes no credit",
        ),
        (
            "x,credit,plant_b,,,,",
            "column 'credit': a credit needs its payment per unit of activity",
        ),
        (
            "x,credit,plant_b,0.5,10,,",
            "column 'share': a credit takes no share",
        ),
        (
            "x,credit,plant_b,,10,5,",
            "column 'penalty': a credit takes no penalty",
        ),
        (
            "x,credit,plant_b,,2e9,,",
            "column 'credit': expected a number from 0 to 1e9",
        ),
        (
            "x,subsidy,plant_b,,10,,",
            "column 'kind': expected one of offtake, credit",
        ),
        ("x,credit,plant_b,,10,,2040", "column 'periods':"),
    ];
    for (row, expected) in cases {
        let found = refused(&format!("{row}\n"));
        assert!(
            found
                .iter()
                .any(|l| l.starts_with(&format!("contracts.csv:2: {expected}"))),
            "{row}: {found:#?}"
        );
    }
    let found = refused("x,credit,plant_b,,10,,\nx,credit,plant_a,,10,,\n");
    assert!(
        found.iter().any(|l| l.starts_with(
            "contracts.csv:3: column 'id': duplicate id \"x\" (first defined on line 2)"
        )),
        "{found:#?}"
    );
}
