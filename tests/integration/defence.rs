//! The US defence rule on models/global (DFARS 225.7018: from 2027 no
//! magnet for the Department of Defense with material mined, separated,
//! made into metal or made into magnets in China, Russia, North Korea or
//! Iran; before 2027 none made into magnets there), asserted on the solved
//! baseline:
//!
//! - the rule holds in every year (no tainted tonne reaches US defence);
//! - US defence demand is met in full in 2027–2030 (Mountain Pass, Lynas
//!   and the allied metal and magnet makers have room for ~0.9 kt/yr);
//! - the dependency report, traced layer by layer, shows no FEOC country at
//!   any stage of US defence magnets from 2027, while the rest of the US
//!   market still takes Chinese material.

use rareflow::io::source::ModelSource;
use rareflow::solver::SolveOptions;

#[test]
fn us_defence_is_served_without_feoc_material_under_the_2027_rule() {
    let s = rareflow::solve(&ModelSource::Embedded, &[], &SolveOptions::default()).unwrap();
    let (model, plan) = (&s.model, &s.plan);
    let us = model.countries.iter().position(|c| c.code == "US").unwrap();
    assert!(!plan.layers.rules.is_empty());
    for r in &plan.layers.rules {
        assert!(r.tainted.abs() < 1e-6, "{r:?}");
        assert!(r.received > 0.0, "{r:?}");
    }
    for (d, seg) in model.demand.iter().enumerate() {
        let year = model.periods[seg.period.0].start;
        if seg.country.0 == us && seg.sector == "defence" && (2027..=2030).contains(&year) {
            assert!(plan.not_served(d) < 1e-6, "{} {year}", seg.sector);
        }
    }
    let feoc: Vec<usize> = (model.countries.iter().enumerate())
        .filter(|(_, c)| ["CN", "RU", "KP", "IR"].contains(&c.code.as_str()))
        .map(|(k, _)| k)
        .collect();
    let dep = rareflow::trace::trace(model, &s.network, plan);
    let (mut defence, mut rest_from_china) = (0, 0.0_f64);
    for m in dep.markets.iter().filter(|m| m.country.0 == us) {
        let year = model.periods[m.period.0].start;
        if m.sector.as_deref() == Some("defence") && year >= 2027 {
            defence += 1;
            for (stage, shares) in m.mix.iter().enumerate() {
                let sum: f64 = shares.iter().sum();
                assert!((sum - 1.0).abs() < 1e-9, "stage {stage}, {year}: {sum}");
                for &k in &feoc {
                    assert!(shares[k] < 1e-9, "stage {stage}, {year}: {shares:?}");
                }
            }
        } else if m.sector.is_none() && m.split {
            rest_from_china = rest_from_china.max(m.mix[3][feoc[0]]);
        }
    }
    assert!(defence >= 2 * 9, "US defence NdFeB and SmCo, 2027-2035");
    assert!(
        rest_from_china > 0.1,
        "the rest of the US market still buys Chinese magnets"
    );
}
