//! Swarf that grows with magnet making, worked by hand.
//!
//! The US needs 100 t of magnets a year in 2025 and 2026 (critical, no
//! curve; no discounting). A maker cuts each magnet from 1.5 t of feed,
//! which a mine makes at $10,000/t; 0.4 t of every 1.5 t comes off as
//! swarf, which a collector turns back into feed at $1,000/t, but only
//! what the maker cut that year (`swarf.csv`: share 0.4 per magnet).
//!
//! - Each year the maker makes 100 t and cuts 40 t of swarf; the collector
//!   takes it all and the mine makes the other 110 t of feed: $1.1 M +
//!   $0.04 M = $1.14 M a year, $2.28 M in all (against $3.0 M without the
//!   swarf).
//! - A tonne of swarf is worth $9,000 to its collector (the mine's cost
//!   saved less its own), and the maker earns it: a magnet costs 1.5 t of
//!   feed at $10,000 less 0.4 t of swarf at $9,000, $11,400.
//! - A collector whose capacity (30 t) is below the swarf cut takes 30 t;
//!   the rest is worth nothing to it, and a magnet costs the full $15,000.
//! - The same market written as a recipe with swarf as a by-product (the
//!   maker makes 0.4 t of swarf, a recycler turns it into feed at $1,000)
//!   is a second route to the same plan: equal cost, equal price.
//! - The row counts only the makers of its countries: with a second maker
//!   in Canada, a row for the US counts only the US maker's magnets.
//! - A maker's swarf goes to one row: a second row (of any collector) that
//!   names the same maker is refused, so no tonne is counted twice.
//! - Discounted at 10% a year, the swarf is still worth $9,000 a tonne in
//!   each year's money.

use rareflow::io::source::ModelSource;

use crate::assert_close;
use crate::common::facility_index as facility;

const DEMAND: &str = "country,sector,commodity,period,tonnes\n\
                      US,ev,magnet,2025,100\nUS,ev,magnet,2026,100\n";

/// The market, with `processes` and `facilities` rows beyond the mine's,
/// and `swarf` as swarf.csv (none when empty).
fn market(processes: &str, facilities: &str, swarf: &str) -> ModelSource {
    discounted(processes, facilities, swarf, 0.0)
}

/// The market, discounted at `rate` a year.
fn discounted(processes: &str, facilities: &str, swarf: &str, rate: f64) -> ModelSource {
    let mut files = vec![
        (
            "model.toml",
            format!(
                "name = \"swarf\"\nfirst_year = 2025\nlast_year = 2026\n\
                 shortage_penalty = 1000000\ndiscount_rate = {rate}\n"
            ),
        ),
        (
            "countries.csv",
            "code,name,region\nUS,United States,americas\nCA,Canada,americas\n".into(),
        ),
        (
            "commodities.csv",
            "id,stage,ref_value\nmagnet,magnet,50000\nfeed,oxide,10000\nswarf,scrap,5000\n".into(),
        ),
        (
            "processes.csv",
            format!("process,commodity,coef\nmine,feed,1\ncollect,feed,1\n{processes}"),
        ),
        (
            "facilities.csv",
            format!(
                "id,country,process,capacity,status,variable_cost\n\
                 mine,US,mine,1000,operating,10000\n{facilities}"
            ),
        ),
        (
            "transport.csv",
            "from_region,to_region,commodity,cost\namericas,americas,all,0\n".into(),
        ),
        ("demand.csv", DEMAND.into()),
    ];
    if !swarf.is_empty() {
        files.push((
            "swarf.csv",
            format!("facility,country,process,share\n{swarf}"),
        ));
    }
    ModelSource::Memory(files.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

const MAKE: &str = "make,feed,-1.5\nmake,magnet,1\n";

/// A US maker and a collector of `capacity` t a year.
fn collector(capacity: u32) -> String {
    format!(
        "maker,US,make,1000,operating,0\ncoll,US,collect,{capacity},operating,1000\n\
         site,US,collect,1000,candidate,0\n"
    )
}

fn solve(source: &ModelSource) -> rareflow::Solution {
    crate::common::solve_without_builds(source)
}

/// The US magnet price in each year.
fn prices(s: &rareflow::Solution) -> Vec<f64> {
    crate::common::market_prices(s, 2)
}

#[test]
fn the_maker_cuts_swarf_and_earns_on_it() {
    let s = solve(&market(MAKE, &collector(1000), "coll,US,make,0.4\n"));
    let (mine, coll) = (facility(&s, "mine"), facility(&s, "coll"));
    for t in 0..2 {
        assert_close!(s.plan.activity[mine][t], 110.0);
        assert_close!(s.plan.activity[coll][t], 40.0);
        assert_close!(s.plan.swarf[t].value, 9_000.0);
    }
    assert_close!(s.plan.objective, 2.28e6);
    for p in prices(&s) {
        assert_close!(p, 11_400.0);
    }
    crate::common::assert_keys_round_trip(&s);
}

#[test]
fn without_the_file_nothing_is_cut() {
    let s = solve(&market(MAKE, &collector(1000), ""));
    let coll = facility(&s, "coll");
    // The collector is a plain capacity without rows: it makes the feed.
    assert_close!(s.plan.activity[coll][0], 150.0);
    // Without a collector at all, the mine makes all 150 t: $3.0 M.
    let no_coll = "maker,US,make,1000,operating,0\n";
    let s = solve(&market(MAKE, no_coll, ""));
    assert_close!(s.plan.objective, 3.0e6);
    for p in prices(&s) {
        assert_close!(p, 15_000.0);
    }
}

#[test]
fn swarf_beyond_the_collectors_capacity_is_worth_nothing() {
    let s = solve(&market(MAKE, &collector(30), "coll,US,make,0.4\n"));
    let coll = facility(&s, "coll");
    for t in 0..2 {
        assert_close!(s.plan.activity[coll][t], 30.0);
        assert_close!(s.plan.swarf[t].value, 0.0);
    }
    assert_close!(s.plan.objective, 2.0 * (120.0 * 10_000.0 + 30.0 * 1_000.0));
    for p in prices(&s) {
        assert_close!(p, 15_000.0);
    }
}

/// The same market with swarf as a by-product of the recipe: the same plan
/// by another route.
#[test]
fn a_by_product_recipe_gives_the_same_plan() {
    let by_product = "make,feed,-1.5\nmake,magnet,1\nmake,swarf,0.4\n\
                      recycle,swarf,-1\nrecycle,feed,1\n";
    let plants = "maker,US,make,1000,operating,0\nrec,US,recycle,1000,operating,1000\n";
    let b = solve(&market(by_product, plants, ""));
    let s = solve(&market(MAKE, &collector(1000), "coll,US,make,0.4\n"));
    assert_close!(b.plan.objective, s.plan.objective);
    assert_eq!(prices(&b).len(), prices(&s).len());
    for (x, y) in prices(&b).into_iter().zip(prices(&s)) {
        assert_close!(x, y);
    }
    let rec = facility(&b, "rec");
    assert_close!(b.plan.activity[rec][0], 40.0);
    // The maker whose recipe lists swarf still makes magnets: the trace
    // puts the US market's magnets at it, made in the US.
    let dep = rareflow::trace::trace(&b.model, &b.network, &b.plan);
    let made: f64 = dep.stage_output[0][3].iter().sum();
    assert_close!(made, 100.0);
}

#[test]
fn swarf_keeps_its_value_in_each_years_money() {
    let s = solve(&discounted(
        MAKE,
        &collector(1000),
        "coll,US,make,0.4\n",
        0.1,
    ));
    for t in 0..2 {
        assert_close!(s.plan.swarf[t].value, 9_000.0);
    }
    assert_close!(s.plan.objective, 1.14e6 * (1.0 + 1.0 / 1.1));
}

/// Two rows that name the same maker, for one collector or for two, are
/// refused at the second: the maker's swarf would be counted twice.
#[test]
fn a_maker_named_twice_is_refused() {
    let two = format!("{}coll2,US,collect,1000,operating,1000\n", collector(1000));
    for rows in [
        "coll,US,make,0.4\ncoll,all,make,0.4\n",
        "coll,US,make,0.2\ncoll2,US,make,0.2\n",
    ] {
        let found = crate::common::refusals(&market(MAKE, &two, rows), rows);
        assert!(
            (found.iter()).any(|l| l.starts_with(
                "swarf.csv:3: column 'country': facility \"maker\" cuts swarf that line 2 \
                 already counts"
            )),
            "{rows}: {found:#?}"
        );
    }
}

/// A row counts the makers of its countries only: a US row leaves out the
/// Canadian maker's swarf; `all` counts both.
#[test]
fn a_row_counts_the_makers_of_its_countries() {
    let two = "maker,US,make,60,operating,0\nca_maker,CA,make,1000,operating,0\n\
               coll,US,collect,1000,operating,1000\n";
    let s = solve(&market(MAKE, two, "coll,US,make,0.4\n"));
    let coll = facility(&s, "coll");
    assert_close!(s.plan.activity[coll][0], 0.4 * 60.0);
    let s = solve(&market(MAKE, two, "coll,all,make,0.4\n"));
    assert_close!(s.plan.activity[coll][0], 40.0);
}

/// Verification checks a collector against what the model says the makers
/// cut, not against the LP: the worked plan (40 t) passes against its own
/// model and is refused, by name, with a share of 0.3 (30 t).
#[test]
fn verification_refuses_swarf_that_was_not_cut() {
    let mut s = solve(&market(MAKE, &collector(1000), "coll,US,make,0.4\n"));
    crate::common::assert_refused_after(
        &mut s,
        |m| m.swarf[0].share = 0.3,
        "swarf collected at coll in 2025 above its limit 30",
    );
}

#[test]
fn a_bad_row_is_refused_at_its_cell() {
    let cases = [
        (
            "site,US,make,0.4",
            "column 'facility': facility \"site\" is a candidate",
        ),
        (
            "nowhere,US,make,0.4",
            "column 'facility': expected a facility id from facilities.csv",
        ),
        (
            "coll,US,melt,0.4",
            "column 'process': expected a process from processes.csv, found \"melt\"",
        ),
        (
            "coll,US,collect,0.4",
            "column 'process': facility \"coll\" runs this process itself",
        ),
        (
            "coll,US,make,1.5",
            "column 'share': expected a number between 0 and 1",
        ),
        (
            "coll,XX,make,0.4",
            "column 'country': expected a country code, a group from countries.csv or \"all\"",
        ),
    ];
    for (row, expected) in cases {
        let source = market(MAKE, &collector(1000), &format!("{row}\n"));
        let found = crate::common::refusals(&source, row);
        assert!(
            (found.iter()).any(|l| l.starts_with(&format!("swarf.csv:2: {expected}"))),
            "{row}: {found:#?}"
        );
    }
}

/// `explain` names the swarf row among what binds on a market's supply.
/// With buyers on a curve (100 t at $8,000, elasticity -0.5) the magnet at
/// $11,400 is priced above their reference and they give some up; the
/// swarf row binds at $9,000 a tonne. The maker's inputs are the market's
/// in its magnets' share of what it earns, 11,400 / (11,400 + 3,600) =
/// 0.76, so each tonne delivered carries 0.76 × 0.4 t of swarf at $9,000:
/// $2,736.
#[test]
fn explain_names_the_swarf_that_binds() {
    let curve = "country,sector,commodity,period,tonnes,price,elasticity\n\
                 US,ev,magnet,2025,100,8000,-0.5\nUS,ev,magnet,2026,100,8000,-0.5\n";
    let mut files = match market(MAKE, &collector(1000), "coll,US,make,0.4\n") {
        rareflow::io::source::ModelSource::Memory(files) => files,
        _ => unreachable!(),
    };
    files.insert("demand.csv".into(), curve.into());
    let s = solve(&rareflow::io::source::ModelSource::Memory(files));
    let e = rareflow::report::explain::explain(&s.model, &s.network, &s.plan, &Default::default());
    assert_eq!(e.shortfalls.len(), 2, "{:?}", e.shortfalls);
    for short in &e.shortfalls {
        assert_close!(short.price, 11_400.0);
        let b = (short.binding.iter())
            .find(|b| b.kind == rareflow::report::explain::Kind::Scrap)
            .unwrap_or_else(|| panic!("{}", short.sentence));
        assert_eq!(b.id, "coll");
        assert!(b.what.starts_with("swarf the makers cut"), "{}", b.what);
        assert_close!(b.value_per_t, 9_000.0);
        assert_close!(b.adds_per_t.unwrap(), 9_000.0 * 0.76 * 0.4);
    }
}
