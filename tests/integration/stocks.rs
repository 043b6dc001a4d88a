//! Stockpiles, on models/tiny with a stock of magnets held by Japan,
//! worked out by hand (models/tiny's README has the plan without it).
//!
//! Japan buys 200 t/yr of magnets, all from China. In the future `cut-jp`
//! China halts magnets to Japan in 2026: without a stock, Japan's 200 t go
//! unserved that year at the penalty, 100,000 × 200 / 1.1 = 18,181,818.18
//! in present value.
//!
//! With a stock held by Japan (nothing in it, 1,000 $/t a year to hold),
//! the plan makes 200 t more magnets in 2025, puts them in stock and takes
//! them out in 2026. A magnet costs 9,801 $ beyond its concentrate
//! (magnet plant 8,000; 0.3 t metal: 600 + 6 freight; 0.375 t oxide: 1.875
//! t of concentrate separated for 937.5 + 7.5 freight; 1.5 t La/Ce disposed
//! of for 150; 100 freight to Japan) and 1.875 t of concentrate: the 375 t
//! for 200 more magnets come from Mt Weld's 150 t of spare capacity at
//! 1,600 delivered and Kachin's at 1,850: 656,250. So the stock costs
//! 200 × 9,801 + 656,250 + 200 × 1,000 (holding the 2025 end level) =
//! 2,816,450 and saves 18,181,818.18.
//!
//! One more tonne in stock at the start of 2025 saves buying one (the
//! level at the end of 2025, and so its holding, stays 200 t): Japan's
//! price in 2025, the Kachin-fed magnet 9,801 + 1.875 × 1,850 = 13,269.75.
//! One more at the start of 2026 saves stocking one in 2025: its price
//! there and a year's holding, 14,269.75 (Japan is no longer short).

use rareflow::io::source::ModelSource;
use rareflow::solver::SolveOptions;

use crate::common::{close, copy_tiny, validate_reports};

const CUT_JP: &str = "description = \"China halts magnets to Japan in 2026\"\n\
                      [[add]]\nfile = \"export_controls.csv\"\n\
                      rows = [ { id = \"cn-halt-jp\", exporter = \"CN\", commodity = \"magnet\", \
                      destination = \"JP\", cap = 0, periods = \"2026\" } ]\n";

/// models/tiny with the `cut-jp` future and, when given, `stockpiles.csv`.
fn model(stockpiles: Option<&str>) -> tempfile::TempDir {
    let dir = copy_tiny();
    std::fs::create_dir_all(dir.path().join("scenarios")).unwrap();
    std::fs::write(dir.path().join("scenarios/cut-jp.toml"), CUT_JP).unwrap();
    if let Some(text) = stockpiles {
        std::fs::write(dir.path().join("stockpiles.csv"), text).unwrap();
    }
    dir
}

fn solve(dir: &tempfile::TempDir, scenarios: &[&str]) -> rareflow::Solution {
    let names: Vec<String> = scenarios.iter().map(|s| s.to_string()).collect();
    let src = ModelSource::dir(dir.path().to_path_buf()).unwrap();
    rareflow::solve(&src, &names, &SolveOptions::default()).unwrap()
}

const JAPAN: &str = "id,holder,commodity,holding_cost\njp-magnets,JP,magnet,1000\n";

#[test]
fn a_stock_built_when_cheap_carries_japan_through_the_cut_off() {
    let without = solve(&model(None), &["cut-jp"]);
    let with = solve(&model(Some(JAPAN)), &["cut-jp"]);
    let saving = 100_000.0 * 200.0 / 1.1;
    let cost = 200.0 * 9_801.0 + 656_250.0 + 200.0 * 1_000.0;
    assert!(
        close(
            with.plan.objective,
            without.plan.objective - saving + cost,
            1e-9
        ),
        "with {} without {}",
        with.plan.objective,
        without.plan.objective
    );
    let s = &with.plan.stocks;
    assert_eq!(s.len(), 2);
    // 2025: 200 t in, none out, 200 t at the end; 2026: all of it out.
    for (u, level, build, release, value) in [
        (&s[0], 200.0, 200.0, 0.0, 13_269.75),
        (&s[1], 0.0, 0.0, 200.0, 14_269.75),
    ] {
        assert!(close(u.level, level, 1e-9), "{u:?}");
        assert!(close(u.build, build, 1e-9), "{u:?}");
        assert!(close(u.release, release, 1e-9), "{u:?}");
        assert!(close(u.value_pv, value, 1e-9), "{u:?}");
    }
    assert!(close(with.plan.costs.holding, 200_000.0, 1e-9));
    assert_eq!(
        with.plan.shortage.iter().sum::<f64>(),
        without.plan.shortage.iter().sum::<f64>() - 200.0
    );
}

/// What a tonne left at the end is worth, with no cut-off. Japan's stock
/// holds at most 50 t; its last level earns `final_value` in 2026's money,
/// discounted as 2026's costs (÷ 1.1). Stocking a magnet in 2026 costs
/// Japan's marginal magnet there, the Mt Weld-fed 9,801 + 1.875 × 1,600 =
/// 12,801, and 1,000 for the year's holding (stocking it in 2025 would add
/// a second year's holding). At a final value of 20,000 the plan fills the
/// stock in 2026 and saves 50 × (20,000 − 12,801 − 1,000) / 1.1 =
/// 281,772.73; at 13,000, below 13,801, it stocks nothing.
#[test]
fn a_stock_left_at_the_end_is_worth_its_final_value() {
    let base = solve(&model(None), &[]).plan.objective;
    let worth = |value: f64| {
        let text = format!(
            "id,holder,commodity,capacity,holding_cost,final_value\njp-magnets,JP,magnet,50,1000,{value}\n"
        );
        solve(&model(Some(&text)), &[])
    };
    let high = worth(20_000.0);
    let saving = 50.0 * (20_000.0 - 12_801.0 - 1_000.0) / 1.1;
    assert!(
        close(high.plan.objective, base - saving, 1e-9),
        "{} vs {}",
        high.plan.objective,
        base - saving
    );
    let s = &high.plan.stocks;
    assert!(
        close(s[0].level, 0.0, 1e-9) && close(s[1].level, 50.0, 1e-9),
        "{s:?}"
    );
    assert!(close(
        high.plan.costs.stock_left,
        -50.0 * 20_000.0 / 1.1,
        1e-9
    ));
    assert!(close(high.plan.costs.holding, 50.0 * 1_000.0 / 1.1, 1e-9));
    let low = worth(13_000.0);
    assert!(close(low.plan.objective, base, 1e-12));
    assert!(
        low.plan.stocks.iter().all(|u| u.level == 0.0),
        "{:?}",
        low.plan.stocks
    );
}

/// A stock can only add choices: dropping it never lowers the cost, with or
/// without the cut-off, and with an idle stock the plans cost the same.
#[test]
fn removing_a_stockpile_never_lowers_the_cost() {
    for scenarios in [&[][..], &["cut-jp"][..]] {
        let without = solve(&model(None), scenarios).plan.objective;
        let with = solve(&model(Some(JAPAN)), scenarios).plan.objective;
        assert!(
            with <= without * (1.0 + 1e-12),
            "{scenarios:?}: {with} > {without}"
        );
        if scenarios.is_empty() {
            assert!(close(with, without, 1e-12), "{with} {without}");
        }
    }
}

/// A strategic stock: 150 t held from the start, never bought into, and
/// released only where a future says (`max_release = 0` here). Left shut,
/// Japan goes short by 200 t in the cut-off; opened, it covers 150 of them.
#[test]
fn a_strategic_stock_is_released_only_in_the_futures_that_open_it() {
    let shut = "id,holder,commodity,initial,max_build,max_release\njp-reserve,JP,magnet,150,0,0\n";
    let dir = model(Some(shut));
    let opened = "description = \"Japan opens its reserve\"\n[[set]]\nfile = \"stockpiles.csv\"\nmatch = { id = \"jp-reserve\" }\n\
                  values = { max_release = \"\" }\n";
    std::fs::write(dir.path().join("scenarios/open.toml"), opened).unwrap();
    let closed = solve(&dir, &["cut-jp"]);
    let jp_short = |s: &rareflow::Solution| -> f64 {
        (s.model.demand.iter().enumerate())
            .filter(|(_, d)| s.model.countries[d.country.0].code == "JP")
            .map(|(i, _)| s.plan.shortage[i])
            .sum()
    };
    assert!(close(jp_short(&closed), 200.0, 1e-9));
    assert!(closed.plan.stocks.iter().all(|u| u.release == 0.0));
    let open = solve(&dir, &["cut-jp", "open"]);
    assert!(close(jp_short(&open), 50.0, 1e-9), "{:?}", open.plan.stocks);
    // All 150 t go out in 2026, the year of the cut-off, none before.
    let s = &open.plan.stocks;
    assert!(
        close(s[0].release, 0.0, 1e-9) && close(s[0].level, 150.0, 1e-9),
        "{s:?}"
    );
    assert!(
        close(s[1].release, 150.0, 1e-9) && close(s[1].level, 0.0, 1e-9),
        "{s:?}"
    );
}

#[test]
fn bad_stockpiles_are_refused_at_their_line() {
    for (text, words) in [
        (
            "id,holder,commodity\ns,cn_metal,magnet\n",
            "column 'holder': facility \"cn_metal\" neither uses nor makes magnet",
        ),
        (
            "id,holder,commodity\ns,AU,magnet\n",
            "column 'holder': country AU has no demand for magnet",
        ),
        (
            "id,holder,commodity,initial,capacity\ns,JP,magnet,10,5\n",
            "column 'initial': the initial stock 10 is above the capacity 5",
        ),
        (
            "id,holder,commodity\ns,XX,magnet\n",
            "column 'holder': expected a facility id",
        ),
        (
            "id,holder,commodity,final_value\ns,JP,magnet,-5\n",
            "column 'final_value': expected a finite number >= 0, found \"-5\"",
        ),
    ] {
        let dir = model(Some(text));
        validate_reports(dir.path(), 3, &[&format!("stockpiles.csv:2: {words}")]);
    }
}

/// Concentrate stocked at the separation plant. In the future `cut-au`
/// Australia's concentrate may not reach China in 2026, so Kachin (1,850
/// $/t delivered) replaces Mt Weld's 250 t (1,600). A stock at Baotou
/// separation (50 $/t a year to hold) lets the plan buy Mt Weld's 150 t of
/// spare 2025 capacity, hold it a year and separate it in 2026 instead of
/// Kachin's: each tonne saves 1,850/1.1 − 1,600 − 50 = 31.82 in present
/// value, 4,772.73 for the 150 t. Mining more in 2025 from Kachin to stock
/// would only add a year's holding to what Kachin costs in 2026.
const CUT_AU: &str = "description = \"Australia's concentrate cut off from China in 2026\"\n\
                      [[add]]\nfile = \"export_controls.csv\"\n\
                      rows = [ { id = \"au-halt-cn\", exporter = \"AU\", commodity = \"conc\", \
                      destination = \"CN\", cap = 0, periods = \"2026\" } ]\n";

const AT_BAOTOU: &str = "id,holder,commodity,holding_cost\nfeed,baotou_sep,conc,50\n";

/// A content rule that splits the Chinese plants by origin class: US EV
/// magnets may hold nothing mined in Myanmar.
const NO_KACHIN: &str = "id,market,sector,commodity,origin,stages,max_share\n\
                         no-kachin,US,ev,magnet,MM,mined,0\n";

fn cut_au(dir: &tempfile::TempDir) {
    std::fs::write(dir.path().join("scenarios/cut-au.toml"), CUT_AU).unwrap();
}

#[test]
fn a_facility_holds_feed_through_a_cut_off_even_where_origins_are_split() {
    for rule in [None, Some(NO_KACHIN)] {
        let plain = model(None);
        let stocked = model(Some(AT_BAOTOU));
        for dir in [&plain, &stocked] {
            cut_au(dir);
            if let Some(r) = rule {
                std::fs::write(dir.path().join("content_rules.csv"), r).unwrap();
            }
        }
        let without = solve(&plain, &["cut-au"]);
        let with = solve(&stocked, &["cut-au"]);
        let saving = 150.0 * (1_850.0 / 1.1 - 1_600.0 - 50.0);
        assert!(
            close(with.plan.objective, without.plan.objective - saving, 1e-9),
            "rule {rule:?}: with {} without {}",
            with.plan.objective,
            without.plan.objective
        );
        let s = &with.plan.stocks;
        assert!(close(s[0].build, 150.0, 1e-9), "{s:?}");
        assert!(close(s[1].release, 150.0, 1e-9), "{s:?}");
        if rule.is_some() {
            // The rule splits the separation plant: the stock sits in its
            // most tainted class, and the plan still verifies.
            let layout = rareflow::formulation::origins::Layout::of(&with.model, &with.network);
            let sep = with
                .model
                .facilities
                .iter()
                .position(|f| f.id == "baotou_sep")
                .unwrap();
            assert!(layout.is_split(rareflow::model::FacilityId(sep)));
        }
    }
}

/// A country's stock in a market a content rule covers is refused: its
/// material would have no origin class there, so it could deliver around
/// the rule (stock Kachin-mined magnets before a rule starts, release them
/// after). With or without a second sector that splits the market.
#[test]
fn a_country_stock_in_a_market_a_rule_covers_is_refused() {
    for split in [false, true] {
        let dir = model(Some("id,holder,commodity\nus-reserve,US,magnet\n"));
        std::fs::write(dir.path().join("content_rules.csv"), NO_KACHIN).unwrap();
        if split {
            crate::common::edit(dir.path(), "demand.csv", |t| {
                t + "US,defence,magnet,2025,10,\n"
            });
        }
        let want = "stockpiles.csv:2: column 'holder': US's market for magnet is covered by a \
                    content rule";
        validate_reports(dir.path(), 3, &[want]);
    }
}

/// What a stock's material counts as, at a facility split by origin class.
/// US EV magnets may hold nothing mined in a FEOC country (here China and
/// Myanmar), so only Mt Weld's concentrate serves them; in `cut-au` it
/// cannot reach China in 2026, and the US (400 t that year) gets none. A
/// stock of 100 t of magnets at the magnet plant, released only in 2026:
/// counted clean (`origin = clean`), it serves the US, which goes 300 t
/// short; counted tainted (the default), it can serve only Japan, and the
/// US goes 400 t short.
#[test]
fn a_clean_stock_serves_demand_a_rule_protects_and_a_tainted_one_cannot() {
    let rule = "id,market,sector,commodity,origin,stages,max_share\n\
                no-feoc-mined,US,ev,magnet,feoc,mined,0\n";
    for (origin, short) in [("clean", 300.0), ("tainted", 400.0)] {
        let stock = format!(
            "id,holder,commodity,initial,max_build,release_periods,origin\n\
             block,cn_magnet,magnet,100,0,2026,{origin}\n"
        );
        let dir = model(Some(&stock));
        cut_au(&dir);
        std::fs::write(dir.path().join("content_rules.csv"), rule).unwrap();
        crate::common::replace(
            dir.path(),
            "countries.csv",
            "MM,Myanmar,asia,",
            "MM,Myanmar,asia,feoc",
        );
        let s = solve(&dir, &["cut-au"]);
        let us_2026: f64 = (s.model.demand.iter().enumerate())
            .filter(|(_, d)| s.model.countries[d.country.0].code == "US" && d.period.0 == 1)
            .map(|(i, _)| s.plan.shortage[i])
            .sum();
        assert!(
            close(us_2026, short, 1e-9),
            "{origin}: {us_2026} {:?}",
            s.plan.stocks
        );
        let layout = rareflow::formulation::origins::Layout::of(&s.model, &s.network);
        let plant = s
            .model
            .facilities
            .iter()
            .position(|f| f.id == "cn_magnet")
            .unwrap();
        assert!(layout.is_split(rareflow::model::FacilityId(plant)));
    }
}
