//! The named futures that change no tariff encode exactly the measure they
//! name, with its dates: each is compared with the baseline model it is
//! applied to, and what differs must be that measure and nothing else.
//!
//! - `china-military-ban`: MOFCOM No. 61's denial of military end use,
//!   following Chinese material worldwide (scope `origin`), from 2027 (the
//!   measures were suspended to 10 Nov 2026); the US National Defense
//!   Stockpile may then release all it holds.
//! - `us-defence-decoupling`: from 2027 every SmCo magnet used in the US, in
//!   every sector, has no FEOC content at any stage (the DFARS standard
//!   extended beyond defence).
//! - `us-feoc-share`: US wind magnets hold at most 15% FEOC content in 2026
//!   and 10% in 2027, 45X's material-assistance thresholds, as limits.
//! - `us-magnet-credit`: $20,000 per t of magnets (the bills' $20/kg) at
//!   every US magnet plant, built or candidate, 2026-2035, none in 2025 and
//!   none outside the US.
//! - `china-quota-fast`: China's mining and separation capacity grows ~10% a
//!   year to 2035 instead of ~5%: worked out from the capacities and ramps
//!   of facilities.csv, China's mines hold 270 kt in 2025 and 461 kt in
//!   2035 in the baseline (5.5% a year), 702 kt under the future (10.0%).

use std::path::Path;

use rareflow::io::source::ModelSource;
use rareflow::model::{ContractKind, Model, PeriodId, Stage, StageSet};

fn load(future: Option<&str>) -> Model {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/models/global"));
    let names: Vec<String> = future.into_iter().map(str::to_string).collect();
    rareflow::check(&ModelSource::dir(dir).unwrap(), &names)
        .unwrap()
        .model
}

/// The years of `m`'s periods in which `has` holds.
fn years(m: &Model, has: impl Fn(PeriodId) -> bool) -> Vec<String> {
    (0..m.periods.len())
        .filter(|&t| has(PeriodId(t)))
        .map(|t| m.periods[t].label.clone())
        .collect()
}

fn labels(from: i32, to: i32) -> Vec<String> {
    (from..=to).map(|y| y.to_string()).collect()
}

/// The ids in `after` that are not in `before`.
fn added<'a>(before: &[&str], after: &[&'a str]) -> Vec<&'a str> {
    after
        .iter()
        .copied()
        .filter(|id| !before.contains(id))
        .collect()
}

#[test]
fn the_military_ban_follows_chinese_material_worldwide_from_2027() {
    let (base, m) = (load(None), load(Some("china-military-ban")));
    let ids = |m: &Model| {
        m.export_controls
            .iter()
            .map(|c| c.id.clone())
            .collect::<Vec<_>>()
    };
    let (b, f) = (ids(&base), ids(&m));
    let b: Vec<&str> = b.iter().map(String::as_str).collect();
    let f: Vec<&str> = f.iter().map(String::as_str).collect();
    assert_eq!(added(&b, &f), ["cn-military-end-use"]);
    assert_eq!(f.len(), b.len() + 1);
    let ban = m
        .export_controls
        .iter()
        .find(|c| c.id == "cn-military-end-use")
        .unwrap();
    let cn = m.countries.iter().position(|c| c.code == "CN").unwrap();
    for (k, c) in m.countries.iter().enumerate() {
        let id = rareflow::model::CountryId(k);
        assert_eq!(ban.exporter.contains(id), k == cn, "exporter {}", c.code);
        assert!(ban.destination.contains(id), "destination {}", c.code);
    }
    for (k, c) in m.commodities.iter().enumerate() {
        assert!(
            ban.goods.contains(rareflow::model::CommodityId(k)),
            "{}",
            c.id
        );
    }
    assert_eq!(ban.cap, 0.0);
    assert_eq!(ban.end_use.as_deref(), Some("defence"));
    assert_eq!(ban.scope, rareflow::model::Scope::Origin);
    assert_eq!(years(&m, |t| ban.periods.contains(t)), labels(2027, 2035));
    // The Defense Stockpile may release everything it holds; in the
    // baseline its releases are limited.
    for id in ["us-nds-ndpr-oxide", "us-nds-ndfeb-block", "us-nds-smco"] {
        let stock = |m: &Model| {
            m.stockpiles
                .iter()
                .find(|s| s.id == id)
                .unwrap()
                .max_release
        };
        assert_eq!(stock(&m), None, "{id}");
        assert_ne!(stock(&base), None, "{id}");
    }
}

/// The content rules `future` adds to the baseline's.
fn added_rules(future: &str) -> (Model, Vec<usize>) {
    let (base, m) = (load(None), load(Some(future)));
    let before: Vec<&str> = base.content_rules.iter().map(|r| r.id.as_str()).collect();
    let new: Vec<usize> = (0..m.content_rules.len())
        .filter(|&k| !before.contains(&m.content_rules[k].id.as_str()))
        .collect();
    assert_eq!(
        m.content_rules.len(),
        before.len() + new.len(),
        "{future} changes a rule"
    );
    (m, new)
}

#[test]
fn us_defence_decoupling_takes_feoc_out_of_every_us_smco_magnet_from_2027() {
    let (m, new) = added_rules("us-defence-decoupling");
    assert_eq!(new.len(), 1);
    let r = &m.content_rules[new[0]];
    let us = m.countries.iter().position(|c| c.code == "US").unwrap();
    for (k, c) in m.countries.iter().enumerate() {
        let id = rareflow::model::CountryId(k);
        assert_eq!(r.market.contains(id), k == us, "market {}", c.code);
        let feoc = c.groups.iter().any(|g| g == "feoc");
        assert_eq!(r.origin.contains(id), feoc, "origin {}", c.code);
    }
    assert_eq!(r.sector, None, "every sector");
    for (k, c) in m.commodities.iter().enumerate() {
        let goods = r.goods.contains(rareflow::model::CommodityId(k));
        assert_eq!(goods, c.id == "magnet_smco", "{}", c.id);
    }
    assert_eq!(r.stages, StageSet::ALL);
    assert_eq!(r.max_share, 0.0);
    assert_eq!(r.premium, None, "a limit, not a preference");
    assert_eq!(years(&m, |t| r.periods.contains(t)), labels(2027, 2035));
}

#[test]
fn us_feoc_share_caps_us_wind_magnets_at_45x_thresholds_in_2026_and_2027() {
    let (m, new) = added_rules("us-feoc-share");
    assert_eq!(new.len(), 2);
    let us = m.countries.iter().position(|c| c.code == "US").unwrap();
    let mut by_year = Vec::new();
    for &k in &new {
        let r = &m.content_rules[k];
        assert_eq!(r.sector.as_deref(), Some("wind"));
        assert_eq!(r.stages, StageSet::ALL);
        assert_eq!(r.premium, None);
        for (j, c) in m.countries.iter().enumerate() {
            let id = rareflow::model::CountryId(j);
            assert_eq!(r.market.contains(id), j == us, "market {}", c.code);
        }
        for (j, c) in m.commodities.iter().enumerate() {
            let goods = r.goods.contains(rareflow::model::CommodityId(j));
            assert_eq!(goods, c.stage == Stage::Magnet, "{}", c.id);
        }
        by_year.push((years(&m, |t| r.periods.contains(t)), r.max_share));
    }
    by_year.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        by_year,
        [(labels(2026, 2026), 0.15), (labels(2027, 2027), 0.10)]
    );
}

#[test]
fn the_us_magnet_credit_pays_every_us_magnet_plant_from_2026() {
    let (base, m) = (load(None), load(Some("us-magnet-credit")));
    let before: Vec<&str> = base.contracts.iter().map(|c| c.id.as_str()).collect();
    let new: Vec<_> = (m.contracts.iter())
        .filter(|c| !before.contains(&c.id.as_str()))
        .collect();
    assert_eq!(m.contracts.len(), before.len() + new.len());
    // Every US facility whose process makes magnets, and only those.
    let makes_magnets = |f: &rareflow::model::Facility| {
        (m.processes[f.process.0].outputs()).any(|c| m.commodities[c.0].stage == Stage::Magnet)
    };
    let mut plants: Vec<&str> = (m.facilities.iter())
        .filter(|f| m.countries[f.country.0].code == "US" && makes_magnets(f))
        .filter(|f| !f.id.ends_with("_grade_sub"))
        .map(|f| f.id.as_str())
        .collect();
    let mut paid: Vec<&str> = new
        .iter()
        .map(|c| m.facilities[c.facility.0].id.as_str())
        .collect();
    plants.sort_unstable();
    paid.sort_unstable();
    assert_eq!(paid, plants);
    for c in &new {
        assert!(
            matches!(c.kind, ContractKind::Credit { per_unit } if per_unit == 20_000.0),
            "{}: {:?}",
            c.id,
            c.kind
        );
        assert_eq!(
            years(&m, |t| c.periods.contains(t)),
            labels(2026, 2035),
            "{}",
            c.id
        );
    }
}

#[test]
fn the_fast_quota_grows_chinas_mines_twice_as_fast() {
    // China's usable mine capacity in a period: each mine's capacity times
    // its availability that year (its ramp).
    let mines = |m: &Model, t: usize| -> f64 {
        (m.facilities.iter())
            .filter(|f| m.countries[f.country.0].code == "CN")
            .filter(|f| m.processes[f.process.0].inputs().next().is_none())
            .filter(|f| {
                (m.processes[f.process.0].outputs())
                    .any(|c| m.commodities[c.0].stage == Stage::Concentrate)
            })
            .map(|f| f.capacity * f.availability(&m.periods[t]))
            .sum()
    };
    let growth = |m: &Model| {
        let last = m.periods.len() - 1;
        let (first, end) = (mines(m, 0), mines(m, last));
        (first, end, (end / first).powf(1.0 / last as f64) - 1.0)
    };
    let (b0, b1, base) = growth(&load(None));
    let (f0, f1, fast) = growth(&load(Some("china-quota-fast")));
    assert!(
        (b0 - 270_000.0).abs() < 1.0 && (f0 - b0).abs() < 1e-6,
        "{b0} {f0}"
    );
    assert!((b1 / 461_000.0 - 1.0).abs() < 0.01, "baseline 2035: {b1}");
    assert!((f1 / 702_000.0 - 1.0).abs() < 0.01, "future 2035: {f1}");
    assert!((base - 0.055).abs() < 0.005, "baseline {base}");
    assert!((fast - 0.10).abs() < 0.005, "future {fast}");
}
