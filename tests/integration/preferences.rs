//! Buyers who prefer material of another origin (a content rule with a
//! `premium`), worked by hand on the model of `origins.rs`: Chinese oxide
//! at $10,000/t, Australian at $30,000/t, Japan's magnets at $20,000/t on
//! top, so a magnet of Chinese oxide costs $30,000 and a clean one $50,000,
//! $20,000 more. The US needs 100 t of defence and 200 t of EV magnets, all
//! critical, in one one-year period.
//!
//! US EV makers take half of their magnets without minding their origin
//! (`max_share` 0.5) and would pay `premium` a tonne more for the rest clean:
//!
//! - Premium $15,000, below the $20,000 a clean magnet costs more: all 300 t
//!   are Chinese; 100 t of EV magnets go beyond the share, each forgoing
//!   $15,000: cost 300 × 30,000 + 100 × 15,000 = 10.5 M, of which 1.5 M are
//!   origin premiums forgone. The rule's shadow price is the premium; a
//!   marginal EV tonne is half tainted within the share and half beyond it:
//!   $30,000 + 15,000 × 0.5 = $37,500. Defence pays $30,000.
//! - Premium $25,000, above the gap: 100 t of EV magnets are made clean,
//!   none go beyond: cost 200 × 30,000 + 100 × 50,000 = 11.0 M. The shadow
//!   price is the gap, $20,000, below the premium, and a marginal EV tonne
//!   costs half of each route, $40,000.
//! - Every tonne minded (`max_share` 0) at $15,000: all 200 t go beyond:
//!   cost 9.0 M + 3.0 M = 12.0 M; EV pays $45,000.
//!
//! Buyers' spend is what they pay in money: $6.0 M for the EV magnets in
//! the first plan (200 × 30,000; their price, $37,500, holds the premium
//! they gave up), $8.0 M in the second (100 × 30,000 + 100 × 50,000).
//!
//! The first plan is refused against the same rule without its premium (a
//! limit); a premium below zero is refused at its cell.

use rareflow::io::source::ModelSource;

use crate::assert_close;
use crate::origins::{activity, model, price, solve};

/// The EV preference with `max_share` and `premium`.
fn preference(max_share: f64, premium: f64) -> String {
    format!(
        "id,market,sector,commodity,origin,stages,max_share,periods,premium\n\
         us-ev-ex-china,US,ev,magnet,feoc,all,{max_share},2025,{premium}\n"
    )
}

/// What US EV buyers spent, $/yr.
fn ev_spend(s: &rareflow::Solution) -> f64 {
    let results = rareflow::report::markets::segment_results(&s.model, &s.plan);
    (results.iter())
        .filter(|r| s.model.demand[r.segment].sector == "ev")
        .map(|r| r.spend)
        .sum()
}

/// What a worked plan must show.
struct Expected {
    objective: f64,
    origin_cost: f64,
    clean_oxide: f64,
    beyond: f64,
    shadow_price: f64,
    ev_price: f64,
    ev_spend: f64,
}

/// Solves the preference with `max_share` and `premium` and checks it
/// against `e`.
fn solves_as(max_share: f64, premium: f64, e: &Expected) -> rareflow::Solution {
    let s = solve(&model(&preference(max_share, premium), "", ""));
    assert_close!(s.plan.objective, e.objective);
    assert_close!(s.plan.costs.origin, e.origin_cost);
    assert_close!(activity(&s, "au_sep"), e.clean_oxide);
    let rule = &s.plan.layers.rules[0];
    assert_close!(rule.beyond, e.beyond);
    assert_close!(rule.shadow_price, e.shadow_price);
    assert_close!(price(&s, "ev"), e.ev_price);
    assert_close!(price(&s, "defence"), 30_000.0);
    assert_close!(ev_spend(&s), e.ev_spend);
    s
}

#[test]
fn a_premium_below_the_cost_of_clean_supply_is_forgone() {
    let e = Expected {
        objective: 10.5e6,
        origin_cost: 1.5e6,
        clean_oxide: 0.0,
        beyond: 100.0,
        shadow_price: 15_000.0,
        ev_price: 37_500.0,
        ev_spend: 6.0e6,
    };
    let mut s = solves_as(0.5, 15_000.0, &e);
    assert_close!(s.plan.layers.rules[0].tainted, 200.0);
    crate::common::assert_keys_round_trip(&s);
    crate::common::assert_refused_after(
        &mut s,
        |m| m.content_rules[0].premium = None,
        "content rule us-ev-ex-china",
    );
}

#[test]
fn a_premium_above_it_buys_clean_supply_at_its_cost() {
    let e = Expected {
        objective: 11.0e6,
        origin_cost: 0.0,
        clean_oxide: 100.0,
        beyond: 0.0,
        shadow_price: 20_000.0,
        ev_price: 40_000.0,
        ev_spend: 8.0e6,
    };
    solves_as(0.5, 25_000.0, &e);
}

#[test]
fn buyers_who_all_mind_forgo_the_premium_on_every_tainted_tonne() {
    let e = Expected {
        objective: 12.0e6,
        origin_cost: 3.0e6,
        clean_oxide: 0.0,
        beyond: 200.0,
        shadow_price: 15_000.0,
        ev_price: 45_000.0,
        ev_spend: 6.0e6,
    };
    solves_as(0.0, 15_000.0, &e);
}

#[test]
fn a_negative_premium_is_refused_at_its_cell() {
    let row = preference(0.5, -1.0);
    let lines = crate::common::refusals(&model(&row, "", ""), &row);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("content_rules.csv:2:") && l.contains("'premium'")),
        "{lines:#?}"
    );
}

/// A sweep over the premium finds where clean supply starts to pay: the
/// two plans above, each re-solved on the same base.
/// The first worked model, written to a directory for the CLI.
fn first_model_on_disk() -> tempfile::TempDir {
    let ModelSource::Memory(files) = model(&preference(0.5, 15_000.0), "", "") else {
        unreachable!("the worked model is in memory")
    };
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in &files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// `explain` names the preference with the tonnes within its share and
/// beyond it, and what a clean tonne is worth to its buyers.
#[test]
fn explain_names_a_preference_by_its_tonnes_beyond_the_share() {
    let dir = first_model_on_disk();
    let o = crate::common::rareflow(&["explain", dir.path().to_str().unwrap()]);
    let text = crate::common::stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{}", crate::common::stderr(&o));
    let want = "(us-ev-ex-china: 100 t/yr tainted within the share, 100 beyond it; \
                a clean tonne is worth 15,000 USD more to its buyers)";
    assert!(text.contains(want), "{text}");
}

#[test]
fn a_premium_sweep_finds_where_clean_supply_pays() {
    let dir = first_model_on_disk();
    let args = [
        "sweep",
        dir.path().to_str().unwrap(),
        "--set",
        "premium[us-ev-ex-china]=15000,25000",
        "--format",
        "json",
    ];
    let o = crate::common::rareflow(&args);
    assert_eq!(o.status.code(), Some(0), "{}", crate::common::stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cost = |i: usize| v["cases"][i]["result"]["cost"].as_f64().unwrap();
    assert_close!(cost(0), 10.5e6);
    assert_close!(cost(1), 11.0e6);
    let o = crate::common::rareflow(&["sweep", args[1], "--set", "premium[nothing]=1"]);
    assert_eq!(o.status.code(), Some(4), "{}", crate::common::stderr(&o));
    assert!(crate::common::stderr(&o).contains("content rule with a premium"));
}
