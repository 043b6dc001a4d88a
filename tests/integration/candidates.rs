//! What models/global offers a planner to build, checked against the
//! sources it was sized from (FIGURES addendum F2, SOURCES.md).
//!
//! - Every stage can be built outside China, in the regions that plan it:
//!   mines in Australia, Canada, Brazil and Africa; cracking and separation
//!   in the US, Europe, Australia and Canada; heavy-RE separation in the US
//!   and Europe; NdPr metal and magnets in the US, Europe, Japan and Korea;
//!   Dy and Tb metal in the US and Europe.
//! - Each candidate's capex per t/yr of capacity lies within its stage's
//!   sourced range, so a slipped digit in facilities.csv fails here:
//!   - mines, per t/yr REO: $10.9k (Longonjo, $217M for 20,000 t of
//!     monazite-equivalent feed) to $52k (Songwe, $311.2M for 5,954 t
//!     TREO) [S99];
//!   - cracking and separation, per t/yr of feed: $12.5k (the generic
//!     bastnäsite plant: $80k per t/yr of NdPr, Energy Fuels Phase 2 [S18],
//!     at 15.7% NdPr) to $68k (Eneabba, A$1.8bn for 17.5 kt at $0.66 per
//!     A$ [S19]), Nolans' mine and plant included;
//!   - NdPr, Dy and Tb metal: the one assumed $40k per t/yr (no source);
//!   - magnets, per t/yr: $37k (Narva, €75M for 2,000 t [S16]) to $167k
//!     (HyProMag USA, $125M for 750 t [S101]);
//!   - scrap recycling, per t/yr of scrap: $90k to $170k (Ionic's £85M for
//!     1,170 t; Caremag €154k per t of oxide [S101]).
//! - Lead times: greenfield mines of new entrants take at least 7 years
//!   (Argonne's "up to seven years" is the shortest in [S102]); every other
//!   candidate 2 to 5 years (eVAC ~2 years, separation "3–5 years").
//! - The lanes that keep material where it belongs hold for every
//!   facility, built or candidate: a separator's La/Ce is finished in its
//!   own country only, and no Dy or Tb metal made outside China reaches
//!   China's Dy/Tb swaps (SOURCES.md, lanes.csv).

use std::collections::BTreeSet;

use rareflow::model::{Endpoint, Model, Status};

use crate::common::global_model;

fn code(m: &Model, f: usize) -> &str {
    &m.countries[m.facilities[f].country.0].code
}

fn process(m: &Model, f: usize) -> &str {
    &m.processes[m.facilities[f].process.0].id
}

/// The stage a process builds, as the tests below group them.
fn stage(process: &str) -> &'static str {
    match process {
        p if p.starts_with("mine_") => "mine",
        "separate_clay" | "separate_hre" => "heavy separation",
        p if p.starts_with("separate_") || p == "crack_weld" || p == "nolans" => "separation",
        "reduce_ndpr" => "metal",
        "reduce_dy" | "reduce_tb" => "heavy metal",
        p if p.starts_with("magnet_") => "magnet",
        p if p.starts_with("recycle_") => "recycling",
        _ => "other",
    }
}

fn candidates(m: &Model) -> impl Iterator<Item = usize> + '_ {
    (0..m.facilities.len()).filter(|&f| m.facilities[f].status == Status::Candidate)
}

#[test]
fn every_stage_can_be_built_where_it_is_planned() {
    let m = global_model();
    let wanted: [(&str, &[&str]); 6] = [
        ("mine", &["AU", "CA", "BR", "AO", "MW", "TZ"]),
        ("separation", &["US", "EU", "AU", "CA"]),
        ("heavy separation", &["US", "EU"]),
        ("metal", &["US", "EU", "JP", "KR"]),
        ("heavy metal", &["US", "EU"]),
        ("magnet", &["US", "EU", "JP", "KR"]),
    ];
    for (want_stage, countries) in wanted {
        let built: BTreeSet<&str> = (candidates(&m))
            .filter(|&f| stage(process(&m, f)) == want_stage)
            .map(|f| code(&m, f))
            .collect();
        for c in countries {
            assert!(
                built.contains(c),
                "no {want_stage} candidate in {c}: {built:?}"
            );
        }
        assert!(
            !built.contains("CN"),
            "{want_stage}: China grows by its quotas"
        );
    }
}

#[test]
fn each_candidates_capex_lies_within_its_stages_sourced_range() {
    let m = global_model();
    let mut checked = 0;
    for f in candidates(&m) {
        let fac = &m.facilities[f];
        let per_t = fac.build_cost / fac.capacity;
        let range = match stage(process(&m, f)) {
            "mine" => 10_800.0..=52_500.0,
            "separation" | "heavy separation" => 12_500.0..=68_000.0,
            "metal" | "heavy metal" => 40_000.0..=40_000.0,
            "magnet" => 37_000.0..=167_000.0,
            "recycling" => 90_000.0..=170_000.0,
            other => panic!("{}: a candidate of stage {other}", fac.id),
        };
        assert!(
            range.contains(&per_t.round()),
            "{}: ${per_t:.0} per t/yr, outside {range:?}",
            fac.id
        );
        checked += 1;
    }
    assert!(checked >= 30, "{checked} candidates");
}

#[test]
fn greenfield_mines_take_years_and_plants_take_two_to_five() {
    let m = global_model();
    for f in candidates(&m) {
        let fac = &m.facilities[f];
        let lead = fac.lead_years;
        if stage(process(&m, f)) == "mine" && fac.operator == "new entrant" {
            assert!(lead >= 7, "{}: a greenfield mine in {lead} years", fac.id);
        } else {
            assert!((2..=5).contains(&lead), "{}: {lead} years", fac.id);
        }
    }
}

#[test]
fn la_ce_is_finished_only_in_its_separators_country() {
    let m = global_model();
    let crude = m.commodities.iter().position(|c| c.id == "lace_crude");
    let crude = rareflow::model::CommodityId(crude.unwrap());
    let finishers: Vec<usize> = (0..m.facilities.len())
        .filter(|&f| process(&m, f) == "finish_lace")
        .collect();
    let mut separators = 0;
    for (f, fac) in m.facilities.iter().enumerate() {
        if m.processes[fac.process.0].coef(crude) <= 0.0 || fac.status == Status::Closed {
            continue;
        }
        separators += 1;
        let mut open_lanes = 0;
        for &to in &finishers {
            let to_site = Endpoint::Facility(rareflow::model::FacilityId(to));
            let lane =
                (m.lanes.iter()).find(|l| l.from.0 == f && l.to == to_site && l.commodity == crude);
            let open = lane.is_some_and(|l| l.capacity != Some(0.0));
            let home = code(&m, to) == code(&m, f);
            let to_id = &m.facilities[to].id;
            assert!(lane.is_some(), "{} -> {to_id}: no lane written", fac.id);
            assert_eq!(open, home, "{} -> {to_id}", fac.id);
            open_lanes += usize::from(open);
        }
        assert_eq!(open_lanes, 1, "{}: its La/Ce has nowhere to go", fac.id);
    }
    assert!(separators >= 25, "{separators} separators");
}

#[test]
fn no_dy_or_tb_metal_made_outside_china_reaches_chinas_swaps() {
    let m = global_model();
    let swaps: Vec<usize> = (0..m.facilities.len())
        .filter(|&f| process(&m, f).starts_with("swap_"))
        .collect();
    assert_eq!(swaps.len(), 2);
    for f in (0..m.facilities.len()).filter(|&f| stage(process(&m, f)) == "heavy metal") {
        if code(&m, f) == "CN" {
            continue;
        }
        let to_swap = |s: usize| {
            let to = Endpoint::Facility(rareflow::model::FacilityId(s));
            let input = m.processes[m.facilities[s].process.0].terms.iter();
            let takes = input.filter(|(_, q)| *q < 0.0).map(|(c, _)| *c);
            let made = m.processes[m.facilities[f].process.0].terms.iter();
            let makes: Vec<_> = made.filter(|(_, q)| *q > 0.0).map(|(c, _)| *c).collect();
            takes.filter(|c| makes.contains(c)).all(|c| {
                m.lanes.iter().any(|l| {
                    l.from.0 == f && l.to == to && l.commodity == c && l.capacity == Some(0.0)
                })
            })
        };
        for &s in &swaps {
            assert!(
                to_swap(s),
                "{} reaches {}",
                m.facilities[f].id,
                m.facilities[s].id
            );
        }
    }
}
