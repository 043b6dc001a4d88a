//! Production credits in models/global, derived again from the plants they
//! pay: the US credit 45X (`us-45x-*` rows of contracts.csv) and
//! Australia's Critical Minerals Production Tax Incentive (`au-cmpti-*`).
//!
//! - 45X pays 10% of the costs of producing applicable critical minerals;
//!   OBBBA phases it out to 75% of that in 2031, 50% in 2032, 25% in 2033
//!   and nothing after [S107]. Every US separation plant, built or
//!   candidate, gets 10% of its own cost per tonne of feed (its
//!   `variable_cost`); Mountain Pass, which mines its own feed, also 10% of
//!   the mine's extraction cost: $800/t of feed to 2030 (10% of $6,000 +
//!   $2,000), then $600, $400, $200.
//! - Australia's offset pays 10% of processing costs from 1 July 2027 (half
//!   of 2027) to 2040: every Australian separation plant, built or
//!   candidate (Eneabba, the generic plant), 10% of its $6,000; Nolans,
//!   whose $12,000 covers mine and plant, 10% of the $8,000 left once its
//!   mining (the $4,000 of Australia's other candidate mine) is taken out.
//!
//! No other plant is paid, and a cost changed in facilities.csv without its
//! credit fails here.

use std::collections::BTreeMap;

use rareflow::model::{ContractKind, Model, PeriodId};

use crate::common::global_model;

/// What the rows whose id begins with `prefix` pay, $ per unit of activity,
/// by (facility, period).
fn paid(m: &Model, prefix: &str) -> BTreeMap<(usize, usize), f64> {
    let mut paid: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for c in m.contracts.iter().filter(|c| c.id.starts_with(prefix)) {
        let ContractKind::Credit { per_unit } = c.kind else {
            panic!("{}: not a credit", c.id);
        };
        for t in (0..m.periods.len()).filter(|&t| c.periods.contains(PeriodId(t))) {
            *paid.entry((c.facility.0, t)).or_default() += per_unit;
        }
    }
    paid
}

/// Each facility is paid 10% of `base(facility)` × `phase(year)` in each
/// period by the rows of `prefix`, and nothing where `base` is 0. Returns
/// how many facilities it pays.
fn check(m: &Model, prefix: &str, base: impl Fn(usize) -> f64, phase: fn(i32) -> f64) -> usize {
    let paid = paid(m, prefix);
    let mut plants = 0;
    for (f, fac) in m.facilities.iter().enumerate() {
        let base = base(f);
        plants += usize::from(base > 0.0);
        for (t, period) in m.periods.iter().enumerate() {
            let want = 0.10 * base * phase(period.start);
            let got = paid.get(&(f, t)).copied().unwrap_or(0.0);
            assert!(
                (got - want).abs() <= 0.5,
                "{prefix}: {} in {} is paid {got}, 10% of its cost is {want}",
                fac.id,
                period.label
            );
        }
    }
    plants
}

fn cost_of(m: &Model, id: &str) -> f64 {
    (m.facilities.iter().find(|f| f.id == id))
        .unwrap()
        .variable_cost
}

#[test]
fn us_45x_pays_a_tenth_of_each_us_separation_plants_cost() {
    let m = global_model();
    let us = m.countries.iter().position(|c| c.code == "US").unwrap();
    let base = |f: usize| {
        let fac = &m.facilities[f];
        let separates = m.processes[fac.process.0].id.starts_with("separate_");
        match fac.id.as_str() {
            "us_mtpass_sep" => fac.variable_cost + cost_of(&m, "us_mtpass_mine"),
            _ if separates && fac.country.0 == us => fac.variable_cost,
            _ => 0.0,
        }
    };
    let phase = |year| match year {
        ..=2030 => 1.0,
        2031 => 0.75,
        2032 => 0.5,
        2033 => 0.25,
        _ => 0.0,
    };
    let plants = check(&m, "us-45x-", base, phase);
    assert!(plants >= 8, "{plants} US separation plants");
    let mtpass = m.facilities.iter().position(|f| f.id == "us_mtpass_sep");
    assert_eq!(paid(&m, "us-45x-").get(&(mtpass.unwrap(), 0)), Some(&800.0));
}

#[test]
fn australias_offset_pays_a_tenth_of_each_australian_plants_processing() {
    let m = global_model();
    let au = m.countries.iter().position(|c| c.code == "AU").unwrap();
    let base = |f: usize| {
        let fac = &m.facilities[f];
        let separates = m.processes[fac.process.0].id.starts_with("separate_");
        match fac.id.as_str() {
            "au_nolans" => cost_of(&m, "au_nolans") - cost_of(&m, "au_new_mine"),
            _ if separates && fac.country.0 == au => fac.variable_cost,
            _ => 0.0,
        }
    };
    let phase = |year| match year {
        ..=2026 => 0.0,
        2027 => 0.5,
        _ => 1.0,
    };
    assert_eq!(check(&m, "au-cmpti-", base, phase), 3);
}
