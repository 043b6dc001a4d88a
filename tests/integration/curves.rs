//! Demand curves and the market equilibrium, worked by hand.
//!
//! One US magnet plant sells into the US market (one country, no transport
//! cost, no tariff). US EV makers want 100 t in 2025: 30 t they value at
//! $50,000/t (tier 1, the first to go when magnets get dear), 20 t at
//! $80,000/t (tier 2), and 50 t with no substitute, valued at the floor of
//! $1,000,000/t. The plan is the market equilibrium: buyers take a tonne
//! exactly when they value it above what it costs to make, and the price is
//! the cost of the marginal supplier or the value of the marginal tier,
//! whichever binds.
//!
//! - Plant cost $30,000/t, capacity 200 t: every tier is worth more than it
//!   costs; all 100 t are delivered, nothing given up, and the price is the
//!   plant's cost, $30,000/t (the plant has room to spare). Cost 3.0 M.
//! - Plant cost $60,000/t, capacity 200 t: tier 1 (worth $50,000/t) is
//!   priced out, 30 t given up; 70 t delivered at $60,000/t. Cost
//!   70 × 60,000 + 30 × 50,000 = 5.7 M.
//! - Plant cost $30,000/t, capacity 60 t: the plant binds. The 50 critical
//!   tonnes come first, then 10 of tier 2's 20 t; tier 1 and the other 10 t
//!   of tier 2 are given up, 40 t in all. The marginal tonne is in tier 2,
//!   so the price is $80,000/t, and one more tonne of capacity is worth
//!   $80,000 − $30,000 = $50,000. Cost 60 × 30,000 + 30 × 50,000 +
//!   10 × 80,000 = 4.1 M.
//!
//! A second route checks the formulation on many such markets: with one
//! plant, the equilibrium is found by serving tiers from the most to the
//! least valued while their value exceeds the plant's cost and capacity
//! lasts, which must give the solver's objective.

use rareflow::io::source::ModelSource;
use rareflow::model::{Endpoint, Tier};
use rareflow::solver::SolveOptions;

use crate::assert_close;

/// The market above: one US plant at `cost` $/t with `capacity` t/yr, and
/// 2025 EV demand of 100 t with the demand curve `tiers` (`SHARE@PRICE`).
fn market(cost: f64, capacity: f64, tiers: &str) -> ModelSource {
    with_demand(
        cost,
        capacity,
        &format!("country,sector,commodity,period,tonnes,tiers\nUS,ev,magnet,2025,100,{tiers}\n"),
    )
}

/// The market above with `demand` as its demand.csv.
fn with_demand(cost: f64, capacity: f64, demand: &str) -> ModelSource {
    let files = [
        (
            "model.toml",
            "name = \"curve\"\nfirst_year = 2025\nlast_year = 2025\nshortage_penalty = 1000000\n"
                .to_string(),
        ),
        (
            "countries.csv",
            "code,name,region\nUS,United States,americas\n".into(),
        ),
        (
            "commodities.csv",
            "id,stage,ref_value\nmagnet,magnet,50000\n".into(),
        ),
        (
            "processes.csv",
            "process,commodity,coef\nmake_magnet,magnet,1\n".into(),
        ),
        (
            "facilities.csv",
            format!(
                "id,country,process,capacity,status,variable_cost\n\
                 us_plant,US,make_magnet,{capacity},operating,{cost}\n"
            ),
        ),
        (
            "transport.csv",
            "from_region,to_region,commodity,cost\namericas,americas,magnet,0\n".into(),
        ),
        ("demand.csv", demand.to_string()),
    ];
    ModelSource::Memory(files.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// Delivered, given up and unserved tonnes, the US magnet price, and the
/// objective.
fn solve(cost: f64, capacity: f64, tiers: &str) -> (f64, f64, f64, f64, f64) {
    let s = rareflow::solve(
        &market(cost, capacity, tiers),
        &[],
        &SolveOptions::default(),
    )
    .unwrap();
    let price = s
        .plan
        .prices
        .iter()
        .find(|p| matches!(p.place, Endpoint::Market(_)))
        .unwrap()
        .value;
    (
        s.plan.served(&s.model, 0),
        s.plan.given_up(0),
        s.plan.shortage[0],
        price,
        s.plan.objective,
    )
}

const TIERS: &str = "0.3@50000 0.2@80000";

#[test]
fn ample_cheap_supply_serves_every_tier_at_the_suppliers_cost() {
    let (delivered, given_up, unserved, price, objective) = solve(30_000.0, 200.0, TIERS);
    assert_close!(delivered, 100.0);
    assert_close!(given_up, 0.0);
    assert_close!(unserved, 0.0);
    assert_close!(price, 30_000.0);
    assert_close!(objective, 3.0e6);
}

#[test]
fn a_tier_worth_less_than_the_supply_cost_is_priced_out() {
    let (delivered, given_up, unserved, price, objective) = solve(60_000.0, 200.0, TIERS);
    assert_close!(delivered, 70.0);
    assert_close!(given_up, 30.0);
    assert_close!(unserved, 0.0);
    assert_close!(price, 60_000.0);
    assert_close!(objective, 5.7e6);
}

#[test]
fn scarce_supply_is_priced_at_the_marginal_tiers_value() {
    let s = rareflow::solve(
        &market(30_000.0, 60.0, TIERS),
        &[],
        &SolveOptions::default(),
    )
    .unwrap();
    let (delivered, given_up, unserved, price, objective) = solve(30_000.0, 60.0, TIERS);
    assert_close!(delivered, 60.0);
    assert_close!(given_up, 40.0);
    assert_close!(unserved, 0.0);
    assert_close!(price, 80_000.0);
    assert_close!(objective, 4.1e6);
    assert_close!(s.plan.capacity_value[0][0], 50_000.0);
    assert_eq!(s.plan.given_up[0].len(), 2);
    assert_close!(s.plan.given_up[0][0], 30.0);
    assert_close!(s.plan.given_up[0][1], 10.0);
}

/// The curve from a reference price and an elasticity, as models/README.md
/// tells it: with -0.3 at $60,000/t and a floor of $1,000,000/t, eight
/// tiers given up valued at 1, 1.05, 1.1, 1.25, 1.5, 2, 3 and 5 times the
/// reference price (49.9% of demand given up by 10 × the reference price,
/// the rest critical), and four steps beyond the reference valued at 0.95,
/// 0.9, 0.8 and 0.6 times it (16.6% more by 0.6 × the reference price).
#[test]
fn an_elasticity_makes_the_documented_steps() {
    let curve = rareflow::model::curve_tiers(100.0, 60_000.0, -0.3, 1e6);
    let values = |tiers: &[Tier]| tiers.iter().map(|t| t.value.round()).collect::<Vec<f64>>();
    let shares = |tiers: &[Tier]| {
        tiers
            .iter()
            .map(|t| (t.tonnes * 100.0).round() / 100.0)
            .collect::<Vec<f64>>()
    };
    assert_eq!(
        values(&curve.tiers),
        [60_000.0, 63_000.0, 66_000.0, 75_000.0, 90_000.0, 120_000.0, 180_000.0, 300_000.0]
    );
    assert_eq!(
        shares(&curve.tiers),
        [1.45, 1.37, 3.66, 4.98, 7.32, 9.3, 10.22, 11.58]
    );
    assert_eq!(
        values(&curve.beyond),
        [57_000.0, 54_000.0, 48_000.0, 36_000.0]
    );
    assert_eq!(shares(&curve.beyond), [1.55, 1.66, 3.71, 9.64]);
    let given_up: f64 = curve.tiers.iter().map(|t| t.tonnes).sum();
    assert_close!(given_up, 100.0 - 100.0 * 10f64.powf(-0.3));
    let beyond: f64 = curve.beyond.iter().map(|t| t.tonnes).sum();
    assert_close!(beyond, 100.0 * 0.6f64.powf(-0.3) - 100.0);
    // A floor of $150,000/t keeps the six tiers below it.
    let capped = rareflow::model::curve_tiers(100.0, 60_000.0, -0.3, 1.5e5);
    assert_eq!(capped.tiers.len(), 6);
    // No response: no tiers.
    let flat = rareflow::model::curve_tiers(100.0, 60_000.0, 0.0, 1e6);
    assert!(flat.tiers.is_empty() && flat.beyond.is_empty());
}

/// A market with an elasticity clears at its reference price when a
/// little short, at 0.95 × the reference when a little long, and at the
/// supplier's cost in between: one plant at $30,000/t sells to 100 t of
/// demand at a reference price of $60,000/t with elasticity -0.3.
#[test]
fn a_market_clears_on_its_curve_near_the_reference() {
    let demand = |cap: f64| {
        let demand = "country,sector,commodity,period,tonnes,price,elasticity\n\
                      US,ev,magnet,2025,100,60000,-0.3\n";
        let s = rareflow::solve(
            &with_demand(30_000.0, cap, demand),
            &[],
            &SolveOptions::default(),
        )
        .unwrap();
        let price = s
            .plan
            .prices
            .iter()
            .find(|p| matches!(p.place, Endpoint::Market(_)));
        (s.plan.served(&s.model, 0), price.unwrap().value)
    };
    // 1 t short: the first tier (1.45 t at $60,000/t) is given up in part.
    let (served, price) = demand(99.0);
    assert_close!(served, 99.0);
    assert_close!(price, 60_000.0);
    // 1 t long: the first step beyond (1.55 t at $57,000/t) is bought in part.
    let (served, price) = demand(101.0);
    assert_close!(served, 101.0);
    assert_close!(price, 57_000.0);
    // Ample supply: buyers take every step worth more than $30,000/t, all
    // 16.6 t beyond, and the price is the plant's cost.
    let (served, price) = demand(1000.0);
    assert_close!(served, 100.0 * 0.6f64.powf(-0.3));
    assert_close!(price, 30_000.0);
}

/// The greedy equilibrium of one plant and one segment: the tiers (and
/// the critical remainder at the floor), most valued first, are served
/// while they are worth more than the plant's cost and capacity lasts.
fn greedy_objective(
    cost: f64,
    capacity: f64,
    tiers: &[Tier],
    beyond: &[Tier],
    critical: f64,
    floor: f64,
) -> f64 {
    let mut steps: Vec<Tier> = tiers.to_vec();
    steps.push(Tier {
        tonnes: critical,
        value: floor,
    });
    steps.sort_by(|a, b| b.value.total_cmp(&a.value));
    let mut left = capacity;
    let mut objective = 0.0;
    for step in steps {
        let served = if step.value > cost {
            step.tonnes.min(left)
        } else {
            0.0
        };
        left -= served;
        objective += served * cost + (step.tonnes - served) * step.value;
    }
    for step in beyond {
        let bought = if step.value > cost {
            step.tonnes.min(left)
        } else {
            0.0
        };
        left -= bought;
        objective += bought * (cost - step.value);
    }
    objective
}

#[test]
fn the_solver_finds_the_greedy_equilibrium_of_one_plant() {
    // A small deterministic sweep of costs, capacities and curves.
    let curves = [
        "0.3@50000 0.2@80000",
        "0.5@20000",
        "0.1@90000 0.1@10000 0.7@45000",
        "",
    ];
    for tiers in curves {
        for cost in [5_000.0, 25_000.0, 47_500.0, 85_000.0, 2e6] {
            for capacity in [0.0, 15.0, 50.0, 75.0, 150.0] {
                let s = rareflow::solve(
                    &market(cost, capacity, tiers),
                    &[],
                    &SolveOptions::default(),
                )
                .unwrap();
                let seg = &s.model.demand[0];
                let expected = greedy_objective(
                    cost,
                    capacity,
                    &seg.tiers,
                    &seg.beyond,
                    seg.critical(),
                    seg.shortage_penalty,
                );
                assert!(
                    (s.plan.objective - expected).abs() <= 1e-6 * expected.abs().max(1.0),
                    "tiers {tiers:?}, cost {cost}, capacity {capacity}: solver {} vs greedy {expected}",
                    s.plan.objective
                );
            }
        }
    }
}

/// What `check` reports on a demand.csv with one US EV row: the header
/// `country,sector,commodity,period,tonnes,shortage_penalty,price,elasticity,tiers`
/// and `cells` after the tonnes.
fn refused(cells: &str) -> Vec<String> {
    let demand = format!(
        "country,sector,commodity,period,tonnes,shortage_penalty,price,elasticity,tiers\n\
         US,ev,magnet,2025,100,{cells}\n"
    );
    crate::common::refusals(&with_demand(30_000.0, 200.0, &demand), cells)
}

#[test]
fn a_curve_that_cannot_be_is_refused_at_its_cell() {
    let cases = [
        (
            ",60000,,",
            "column 'elasticity': a reference price needs an elasticity",
        ),
        (
            ",,-0.3,",
            "column 'price': an elasticity needs a reference price",
        ),
        (
            ",60000,0.3,",
            "column 'elasticity': expected an elasticity from -10 to 0",
        ),
        (
            ",60000,-11,",
            "column 'elasticity': expected an elasticity from -10 to 0",
        ),
        (
            ",0,-0.3,",
            "column 'price': expected a reference price above 0",
        ),
        (
            "50000,60000,-0.3,",
            "column 'price': the reference price 60000 is at or above the floor value 50000",
        ),
        (
            ",60000,-0.3,0.1@5",
            "column 'tiers': give a demand curve either as price and elasticity or as tiers",
        ),
        (
            ",,,0.1@",
            "column 'tiers': expected tiers SHARE@PRICE separated by spaces",
        ),
        (",,,1.5@20000", "column 'tiers': expected tiers SHARE@PRICE"),
        (
            ",,,0.1@2e6",
            "column 'tiers': tier \"0.1@2e6\" is priced at or above the floor value 1000000",
        ),
        (
            ",,,0.6@100 0.6@200",
            "column 'tiers': the tiers' shares add up to 1.2; expected at most 1",
        ),
    ];
    for (cells, expected) in cases {
        let found = refused(cells);
        assert!(
            found
                .iter()
                .any(|l| l.starts_with(&format!("demand.csv:2: {expected}"))),
            "{cells}: {found:#?}"
        );
    }
}
