//! The named futures of models/global encode the measures they name, with
//! their dates: the total ad-valorem rate the model applies to Chinese
//! magnets, oxides and metals entering the US (and to US goods entering
//! China), year by year from 2025 to 2035, checked against a table worked
//! out by hand from the sourced figures (FIGURES.md, keys as in
//! models/global/SOURCES.md). Measures that match one flow add up.
//!
//! Where each number comes from (a yearly model: a year takes the rate in
//! force for most of it):
//! - US IEEPA duties on China [S64]: fentanyl 20% from March 2025 (10% from
//!   10 Nov 2025); reciprocal 10% from 14 May 2025 after a month at 125%.
//!   2025 therefore pays 20 + 10 = 30% on every Chinese good.
//! - From 2026 the IEEPA duties are void (20 Feb 2026) and a Section 122
//!   surcharge of 10-15% runs to ~24 Jul 2026; what follows is not found
//!   [S65]: the baseline assumes a 15% general duty to 2035.
//! - Section 301 on NdFeB permanent magnets: 0% → 25% from 1 Jan 2026 [S63],
//!   standard and high-coercivity grades; nothing in 2025. Rare-earth oxides
//!   and metals carry no Section 301 duty: the Sept 2024 critical-minerals
//!   list does not cover them [S109].
//! - US MFN duties [S2]: rare-earth metals 5%, oxides free (every exporter).
//! - China's duty on US goods: 10% from 14 May 2025 (Geneva), kept after the
//!   US IEEPA ruling; not in FIGURES, sourced in SOURCES.md. 125% at the
//!   April 2025 peak.
//! - China's VAT on its rare-earth exports: no export rebate on oxides and
//!   metals (magnets keep theirs [S89]), so an exporter bears 13% VAT on the
//!   domestic value, 11.5% of the FOB value, on every shipment out of China
//!   in every future. It is not a US measure; the table below adds it to the
//!   oxides and metals columns.
//!
//! So, China → US, per future (magnets | oxides | metals | China on US),
//! before China's 11.5% on oxides and metals:
//! - baseline: 30 | 30 | 35 in 2025; 15 + 25 = 40 | 15 | 20 from 2026; 10.
//! - geneva-truce and london-framework: the truce's 30% holds to 2035 (the
//!   London "55%" = 10 + 20 + 25 [S64]): 30 | 30 | 35 in 2025, then
//!   55 | 30 | 35; China 10. The magnets' 55% starts in 2026, with the
//!   Section 301 duty, not in 2025.
//! - escalation-145: 125 + 20 = 145% on everything [S64], magnets 170 from
//!   2026; metals 150; China 125.
//! - tariff-200: 200% on everything, magnets 225 from 2026; metals 205;
//!   China 10.
//! - china-halt-us, china-halt-west, china-japan-halt, demand-high,
//!   demand-low, mp-10x-delay, seadrift-cancelled, china-quota-fast, and the
//!   rules that follow material (china-military-ban, us-defence-decoupling,
//!   us-feoc-share, origin-premium) and a credit (us-magnet-credit): no
//!   tariff change, the baseline's rates (what each of those does instead is
//!   checked in `future_measures.rs`).
//!
//! Besides the rates: under `london-framework` China's magnets do reach the
//! US (its US-specific ceiling from 2026 goes, nothing else does), and the
//! Japanese makers' contract limit to the US survives in every future, none
//! of which names it. Under `china-japan-halt` (the halt of licences to
//! Japanese companies reported in January 2026) no Chinese magnet, Dy or Tb
//! reaches Japan from 2026 while 2025 is the baseline's, and Japan's own
//! makers make more; in every future China's magnets never reach Japan's
//! defence demand from 2026 (MOFCOM Announcement No. 1 of 2026).

use std::path::Path;

use rareflow::io::source::ModelSource;
use rareflow::model::{CommodityId, CountryId, Model, PeriodId, Stage};
use rareflow::solver::SolveOptions;

use crate::common::commodity;

const FUTURES: [&str; 18] = [
    "baseline",
    "geneva-truce",
    "london-framework",
    "escalation-145",
    "tariff-200",
    "china-halt-us",
    "china-halt-west",
    "china-japan-halt",
    "demand-high",
    "demand-low",
    "mp-10x-delay",
    "seadrift-cancelled",
    "china-quota-fast",
    "china-military-ban",
    "us-defence-decoupling",
    "us-feoc-share",
    "origin-premium",
    "us-magnet-credit",
];

/// China's unrebated VAT on its oxide and metal exports, in percent of the
/// FOB value: 13 / 1.13, rounded to 11.5 as models/global/tariffs.csv has it.
const CHINA_EXPORT_VAT: f64 = 11.5;

/// Rates in percent, China → US: NdFeB magnets, oxides, metals; and China's
/// rate on US goods, without China's export VAT. One row for 2025, one for
/// every year 2026-2035.
struct Rates {
    y2025: [f64; 4],
    from_2026: [f64; 4],
}

const BASELINE: Rates = Rates {
    y2025: [30.0, 30.0, 35.0, 10.0],
    from_2026: [40.0, 15.0, 20.0, 10.0],
};

/// The hand-derived table (see the story at the top).
fn expected(future: &str) -> Rates {
    match future {
        "geneva-truce" | "london-framework" => Rates {
            y2025: [30.0, 30.0, 35.0, 10.0],
            from_2026: [55.0, 30.0, 35.0, 10.0],
        },
        "escalation-145" => Rates {
            y2025: [145.0, 145.0, 150.0, 125.0],
            from_2026: [170.0, 145.0, 150.0, 125.0],
        },
        "tariff-200" => Rates {
            y2025: [200.0, 200.0, 205.0, 10.0],
            from_2026: [225.0, 200.0, 205.0, 10.0],
        },
        _ => BASELINE,
    }
}

fn global_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/models/global"))
}

fn scenarios(future: &str) -> Vec<String> {
    match future {
        "baseline" => vec![],
        f => vec![f.to_string()],
    }
}

/// The plan of models/global from disk under `future`, without builds (an
/// LP).
fn solve_lp(future: &str) -> rareflow::Solution {
    let source = ModelSource::dir(global_dir()).unwrap();
    rareflow::solve(
        &source,
        &scenarios(future),
        &SolveOptions {
            portfolio: Some("none".into()),
            ..SolveOptions::default()
        },
    )
    .unwrap()
}

/// models/global from disk with `future` applied.
fn load(future: &str) -> Model {
    let source = ModelSource::dir(global_dir()).unwrap();
    rareflow::check(&source, &scenarios(future)).unwrap().model
}

fn country(m: &Model, code: &str) -> CountryId {
    CountryId(m.countries.iter().position(|c| c.code == code).unwrap())
}

/// The stacked ad-valorem rate, in percent, on `id` from `from` to `to` in
/// period `t`, as the LP charges it (every tariff is ad valorem here).
fn rate(m: &Model, from: &str, to: &str, id: &str, t: PeriodId) -> f64 {
    let c = commodity(m, id);
    let per_tonne = m.tariff_per_tonne(country(m, from), country(m, to), c, t);
    100.0 * per_tonne / m.commodities[c.0].ref_value
}

const MAGNETS: [&str; 2] = ["magnet_std", "magnet_hc"];
const OXIDES: [&str; 7] = [
    "ndpr_oxide",
    "dy_oxide",
    "tb_oxide",
    "sm_oxide",
    "lace_oxide",
    "lace_crude",
    "other_oxide",
];
const METALS: [&str; 4] = ["ndpr_metal", "dy_metal", "tb_metal", "sm_metal"];

#[test]
fn every_future_applies_the_rates_of_its_measures_year_by_year() {
    let names = ModelSource::dir(global_dir()).unwrap().scenario_names();
    assert_eq!(
        names.len() + 1,
        FUTURES.len(),
        "a future without a row in the table: {names:?}"
    );
    for future in FUTURES {
        let m = load(future);
        let years: Vec<&str> = m.periods.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(years.first(), Some(&"2025"));
        assert_eq!(years.len(), 11, "2025..2035");
        let want = expected(future);
        for (i, period) in m.periods.iter().enumerate() {
            let t = PeriodId(i);
            let row = if period.start == 2025 {
                want.y2025
            } else {
                want.from_2026
            };
            let groups: [(&str, &[&str], &str, &str); 4] = [
                ("magnets", &MAGNETS, "CN", "US"),
                ("oxides", &OXIDES, "CN", "US"),
                ("metals", &METALS, "CN", "US"),
                ("US goods", &["conc_bastnasite", "ndpr_oxide"], "US", "CN"),
            ];
            for ((what, ids, from, to), us) in groups.into_iter().zip(row) {
                let vat = if matches!(what, "oxides" | "metals") {
                    CHINA_EXPORT_VAT
                } else {
                    0.0
                };
                let expected = us + vat;
                for id in ids {
                    let got = rate(&m, from, to, id, t);
                    assert!(
                        (got - expected).abs() < 1e-9,
                        "{future}, {}: {what} ({id}) {from} -> {to} pay {got}%, expected {expected}%",
                        period.label
                    );
                }
            }
        }
    }
}

/// China's export VAT covers its oxides, metals and alloys and nothing else:
/// magnets keep their rebate, and concentrates, mixed compounds and scrap
/// are left out. Japan imposes no tariff of its own in the model, so the
/// CN -> JP rate is China's VAT alone, in every future and year.
#[test]
fn chinas_export_vat_covers_oxides_metals_and_alloys_only() {
    for future in FUTURES {
        let m = load(future);
        for t in (0..m.periods.len()).map(PeriodId) {
            for c in &m.commodities {
                let got = rate(&m, "CN", "JP", &c.id, t);
                let want = match c.stage {
                    Stage::Oxide | Stage::Metal | Stage::Alloy => CHINA_EXPORT_VAT,
                    _ => 0.0,
                };
                assert!((got - want).abs() < 1e-9, "{future}: {} {got}%", c.id);
            }
        }
    }
}

/// The review's errors, one by one: no Section 301 duty on magnets in 2025,
/// none on oxides or metals at all.
#[test]
fn section_301_covers_ndfeb_magnets_from_2026_only() {
    for future in FUTURES {
        let m = load(future);
        for s301 in m.tariffs.iter().filter(|x| x.name.contains("301")) {
            assert_eq!(s301.name, "US Section 301 on NdFeB magnets", "{future}");
            assert_eq!(s301.ad_valorem, 0.25, "{future}");
            assert_eq!(s301.periods.label, "2026..2035", "{future}");
            for id in MAGNETS {
                assert!(s301.goods.contains(commodity(&m, id)), "{future}: {id}");
            }
            for id in OXIDES.iter().chain(&METALS).chain(&["magnet_smco"]) {
                assert!(!s301.goods.contains(commodity(&m, id)), "{future}: {id}");
            }
        }
    }
}

/// `jp-contracts-us` is named by no future, so every future keeps it as the
/// baseline has it; and only `london-framework` and the halts touch China's
/// US-specific magnet licences.
#[test]
fn limits_a_future_does_not_name_survive_it() {
    let base = load("baseline");
    let jp = |m: &Model| {
        let rows: Vec<_> = m
            .export_controls
            .iter()
            .filter(|x| x.id == "jp-contracts-us")
            .map(|x| {
                (
                    x.exporter.label.clone(),
                    x.goods.label.clone(),
                    x.destination.label.clone(),
                    x.cap,
                    x.periods.label.clone(),
                )
            })
            .collect();
        rows
    };
    let base_jp = jp(&base);
    assert_eq!(base_jp.len(), 1);
    assert_eq!(base_jp[0].0, "JP");
    assert_eq!(base_jp[0].2, "US");
    assert!(base_jp[0].3 > 0.0);
    for future in FUTURES {
        let m = load(future);
        assert_eq!(jp(&m), base_jp, "{future}");
        let ids: Vec<&str> = m.export_controls.iter().map(|x| x.id.as_str()).collect();
        // China's overall licences and its heavy-RE licensing stay in every
        // future (the halts set them to 0, they do not drop them).
        for id in [
            "cn-licence-magnets-2026",
            "cn-licence-dy-tb",
            "cn-licence-heavy",
        ] {
            assert!(ids.contains(&id), "{future} dropped {id}");
        }
        let us_2026 = ids.contains(&"cn-licence-magnets-us");
        assert_eq!(us_2026, future != "london-framework", "{future}");
        // 2025 is what was shipped: every future keeps that row.
        assert!(ids.contains(&"cn-licence-magnets-us-2025"), "{future}");
    }
}

/// NdFeB magnet tonnes from `from` to `to` in `year` of a solved plan,
/// into markets and facilities alike.
fn magnets_between(s: &rareflow::Solution, from: &str, to: &str, year: i32) -> f64 {
    between(s, &MAGNETS, from, to, year)
}

/// The London framework resumes China's magnet exports to the US: in 2026
/// they flow, under the 55% duty, and the Japan → US limit still holds.
#[test]
fn under_the_london_framework_chinese_magnets_reach_the_us() {
    let s = solve_lp("london-framework");
    assert!(s.plan.verification.max_relative_residual <= 1e-6);
    let tonnes = magnets_between(&s, "CN", "US", 2026);
    assert!(tonnes > 0.0, "China -> US magnets in 2026: {tonnes} t");
    let cap = s
        .model
        .export_controls
        .iter()
        .find(|x| x.id == "jp-contracts-us")
        .unwrap()
        .cap;
    for year in 2025..=2035 {
        let jp_us = magnets_between(&s, "JP", "US", year);
        assert!(
            jp_us <= cap * (1.0 + 1e-9),
            "{year}: Japan -> US {jp_us} t > {cap}"
        );
    }
}

/// Tonnes of `ids` from `from` to `to` in `year`, into markets and
/// facilities alike.
fn between(s: &rareflow::Solution, ids: &[&str], from: &str, to: &str, year: i32) -> f64 {
    let m = &s.model;
    let t = m.periods.iter().position(|p| p.start == year).unwrap();
    let (from, to) = (country(m, from), country(m, to));
    let goods: Vec<CommodityId> = ids.iter().map(|id| commodity(m, id)).collect();
    (s.network.lanes().iter().enumerate())
        .filter(|(_, l)| {
            goods.contains(&l.commodity)
                && m.facilities[l.from.0].country == from
                && m.endpoint_country(l.to) == to
        })
        .map(|(i, _)| s.plan.flows[i][t])
        .sum()
}

/// The halt of licences to Japanese companies: in 2025 China ships
/// magnets to Japan under the baseline's measures; from 2026 no Chinese magnet
/// and no Dy, Tb, Sm or other heavy rare earth goes there, and Japan's own
/// makers make more than in the baseline over 2026-2035.
#[test]
fn under_a_halt_to_japan_no_chinese_magnet_or_heavy_rare_earth_reaches_it() {
    let (base, halt) = (solve_lp("baseline"), solve_lp("china-japan-halt"));
    let magnets = ["magnet_std", "magnet_hc", "magnet_smco"];
    let heavies = [
        "dy_oxide",
        "tb_oxide",
        "sm_oxide",
        "other_oxide",
        "dy_metal",
        "tb_metal",
        "sm_metal",
    ];
    // 2025 keeps the baseline's measures (the plan, which sees the halt
    // coming, may ship a little differently).
    assert!(between(&halt, &magnets, "CN", "JP", 2025) > 0.0);
    for year in 2026..=2035 {
        assert_eq!(between(&halt, &magnets, "CN", "JP", year), 0.0, "{year}");
        assert_eq!(between(&halt, &heavies, "CN", "JP", year), 0.0, "{year}");
    }
    let made_in_japan = |s: &rareflow::Solution| -> f64 {
        let m = &s.model;
        (m.facilities.iter().enumerate())
            .filter(|(_, f)| f.id.starts_with("jp_magnets"))
            .map(|(g, _)| s.plan.activity[g][1..].iter().sum::<f64>())
            .sum()
    };
    assert!(made_in_japan(&halt) > made_in_japan(&base) + 1.0);
}

/// MOFCOM Announcement No. 1 of 2026: in the baseline and every future,
/// from 2026 no Chinese magnet goes to Japan's defence demand directly; in
/// the baseline the denial binds (Japan's defence buys dearer magnets).
#[test]
fn chinas_magnets_never_reach_japans_defence_demand_from_2026() {
    for future in FUTURES {
        let m = load(future);
        let row = (m.export_controls.iter())
            .find(|x| x.id == "cn-no-jp-military")
            .unwrap_or_else(|| panic!("{future}: no cn-no-jp-military"));
        assert_eq!(row.cap, 0.0, "{future}");
        assert_eq!(row.end_use.as_deref(), Some("defence"), "{future}");
        assert_eq!(row.periods.label, "2026..2035", "{future}");
    }
    let base = solve_lp("baseline");
    let uses: Vec<_> = (base.plan.caps.iter())
        .filter(|c| base.model.export_controls[c.control].id == "cn-no-jp-military")
        .collect();
    assert_eq!(uses.len(), 10);
    for u in uses {
        assert_eq!(u.used, 0.0);
        assert!(u.shadow_price > 0.0, "period {}", u.period.0);
    }
}
