//! End-of-life scrap that grows with what was sold, worked by hand.
//!
//! The US needs 100 t of magnets a year in 2025–2027 (critical, no curve;
//! no discounting). A mine makes the magnets' feed at $10,000/t; a
//! collector recovers the same feed from end-of-life magnets at $1,000/t,
//! but only what comes back: half of what the US received the year before
//! (`end_of_life.csv`: lifetime 1 year, share 0.5).
//!
//! - 2025: the magnets sold in 2024 are before the horizon and return
//!   nothing here, so the mine makes all 100 t: $1.0 M.
//! - 2026 and 2027: 50 t come back from the year before; the collector
//!   takes them and the mine makes the other 50 t: $0.55 M a year.
//! - Total $2.1 M. The price of a magnet stays the mine's $10,000 every
//!   year: one more tonne of demand is made from ore, and the scrap it
//!   becomes is the collector's (worth $9,000 a tonne to it, the mine's
//!   cost saved less its own).
//! - Without the file the collector is a plain capacity of 1,000 t a year,
//!   as a constant supply of scrap was before: it makes everything, $0.3 M,
//!   and the price is its $1,000.
//! - With a demand curve, what the US gives up when the price rises comes
//!   back as scrap too: the plan's own verification checks that the
//!   collector gathers no more than the plan's deliveries return.

use rareflow::io::source::ModelSource;

use crate::assert_close;
use crate::common::facility_index as facility;

/// The market with `eol` as end_of_life.csv (none when empty) and `demand`
/// as demand.csv's rows.
fn market(eol: &str, demand: &str) -> ModelSource {
    let mut files = vec![
        (
            "model.toml",
            "name = \"eol\"\nfirst_year = 2025\nlast_year = 2027\nshortage_penalty = 1000000\n"
                .to_string(),
        ),
        (
            "countries.csv",
            "code,name,region\nUS,United States,americas\n".into(),
        ),
        (
            "commodities.csv",
            "id,stage,ref_value\nmagnet,magnet,50000\nfeed,oxide,10000\n".into(),
        ),
        (
            "processes.csv",
            "process,commodity,coef\nmine,feed,1\ncollect,feed,1\n\
             make,feed,-1\nmake,magnet,1\n"
                .into(),
        ),
        (
            "facilities.csv",
            "id,country,process,capacity,status,variable_cost\n\
             mine,US,mine,1000,operating,10000\n\
             eol,US,collect,1000,operating,1000\n\
             maker,US,make,1000,operating,0\n\
             site,US,collect,1000,candidate,0\n"
                .into(),
        ),
        (
            "transport.csv",
            "from_region,to_region,commodity,cost\namericas,americas,all,0\n".into(),
        ),
        (
            "demand.csv",
            format!("country,sector,commodity,period,tonnes,price,elasticity\n{demand}"),
        ),
    ];
    if !eol.is_empty() {
        files.push((
            "end_of_life.csv",
            format!("facility,country,sector,commodity,lifetime,share\n{eol}"),
        ));
    }
    ModelSource::Memory(files.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

const CRITICAL: &str =
    "US,ev,magnet,2025,100,,\nUS,ev,magnet,2026,100,,\nUS,ev,magnet,2027,100,,\n";

fn solve(eol: &str, demand: &str) -> rareflow::Solution {
    crate::common::solve_without_builds(&market(eol, demand))
}

/// The US magnet price in each year.
fn prices(s: &rareflow::Solution) -> Vec<f64> {
    crate::common::market_prices(s, 3)
}

#[test]
fn scrap_comes_back_a_lifetime_after_the_sale() {
    let s = solve("eol,US,ev,magnet,1,0.5\n", CRITICAL);
    let (mine, eol) = (facility(&s, "mine"), facility(&s, "eol"));
    for (t, (m, e)) in [(100.0, 0.0), (50.0, 50.0), (50.0, 50.0)]
        .into_iter()
        .enumerate()
    {
        assert_close!(s.plan.activity[mine][t], m);
        assert_close!(s.plan.activity[eol][t], e);
    }
    assert_close!(s.plan.objective, 2.1e6);
    for p in prices(&s) {
        assert_close!(p, 10_000.0);
    }
    crate::common::assert_keys_round_trip(&s);
}

#[test]
fn without_the_file_the_collector_is_a_plain_capacity() {
    let s = solve("", CRITICAL);
    let eol = facility(&s, "eol");
    for t in 0..3 {
        assert_close!(s.plan.activity[eol][t], 100.0);
    }
    assert_close!(s.plan.objective, 3.0e5);
    for p in prices(&s) {
        assert_close!(p, 1_000.0);
    }
}

/// A sector left empty takes every sector's deliveries; a lifetime
/// longer than the horizon returns nothing.
#[test]
fn every_sector_and_a_long_lifetime() {
    let two = "US,ev,magnet,2025,60,,\nUS,wind,magnet,2025,40,,\n\
               US,ev,magnet,2026,100,,\nUS,ev,magnet,2027,100,,\n";
    let s = solve("eol,US,,magnet,2,0.25\neol,US,ev,magnet,5,1\n", two);
    let eol = facility(&s, "eol");
    assert_close!(s.plan.activity[eol][0], 0.0);
    assert_close!(s.plan.activity[eol][1], 0.0);
    // 2027: a quarter of 2025's 100 t, ev and wind.
    assert_close!(s.plan.activity[eol][2], 25.0);
}

/// Under a demand curve (reference 100 t at $8,000, elasticity -0.5) the
/// deliveries move with what a tonne costs net of the scrap it becomes:
/// in 2025 and 2026 $10,000 less half a tonne of feed worth $9,000 next
/// year, $5,500, below the reference price, so buyers take more than 100 t;
/// in 2027 nothing returns within the horizon, so the tonne costs the
/// mine's $10,000 and buyers take 100 × 1.25^-0.5 = 89.44 t. The collector
/// gathers half of what the year before delivered, whatever the curve made
/// of it.
#[test]
fn what_comes_back_follows_the_deliveries_on_a_curve() {
    let curve = "US,ev,magnet,2025,100,8000,-0.5\nUS,ev,magnet,2026,100,8000,-0.5\n\
                 US,ev,magnet,2027,100,8000,-0.5\n";
    let s = solve("eol,US,ev,magnet,1,0.5\n", curve);
    let eol = facility(&s, "eol");
    // Segments are sorted by period: segment t is year t's.
    let served: Vec<f64> = (0..3).map(|d| s.plan.served(&s.model, d)).collect();
    assert!(served[0] > 100.0 && served[1] > 100.0, "{served:?}");
    assert_close!(served[2], 100.0 / 1.25f64.sqrt());
    assert_close!(s.plan.activity[eol][0], 0.0);
    for t in 1..3 {
        assert_close!(s.plan.activity[eol][t], 0.5 * served[t - 1]);
    }
    // In 2027 buyers give some up, and `explain` names the scrap that came
    // back: worth $9,000 a tonne (the mine's cost saved less the
    // collector's), all of it in the market's magnets.
    let e = rareflow::report::explain::explain(&s.model, &s.network, &s.plan, &Default::default());
    let short = (e.shortfalls.iter()).find(|x| x.period == "2027").unwrap();
    let b = (short.binding.iter())
        .find(|b| b.kind == rareflow::report::explain::Kind::Scrap)
        .unwrap_or_else(|| panic!("{}", short.sentence));
    assert!(
        b.what.starts_with("end-of-life scrap that came back"),
        "{}",
        b.what
    );
    assert_close!(b.value_per_t, 9_000.0);
    assert_close!(b.adds_per_t.unwrap(), 9_000.0 * 0.5 * served[1] / served[2]);
}

/// Verification checks a collector against what the model says returns,
/// not against the LP: the worked plan (50 t collected in 2026 and 2027)
/// passes against its own model and is refused, by name, against the same
/// model with 40% of sales coming back (40 t).
#[test]
fn verification_refuses_scrap_that_did_not_come_back() {
    let mut s = solve("eol,US,ev,magnet,1,0.5\n", CRITICAL);
    crate::common::assert_refused_after(
        &mut s,
        |m| m.end_of_life[0].share = 0.4,
        "end-of-life scrap collected at eol in 2026 above its limit 40",
    );
}

fn refused(row: &str) -> Vec<String> {
    crate::common::refusals(&market(row, CRITICAL), row)
}

#[test]
fn a_bad_row_is_refused_at_its_cell() {
    let cases = [
        (
            "site,US,ev,magnet,1,0.5",
            "column 'facility': facility \"site\" is a candidate",
        ),
        (
            "nowhere,US,ev,magnet,1,0.5",
            "column 'facility': expected a facility id from facilities.csv",
        ),
        (
            "eol,US,rail,magnet,1,0.5",
            "column 'sector': expected a sector of demand.csv (ev)",
        ),
        (
            "eol,US,ev,magnet,0,0.5",
            "column 'lifetime': expected a lifetime of at least 1 year, found 0",
        ),
        (
            "eol,US,ev,magnet,1.5,0.5",
            "column 'lifetime': expected a whole number of years, found 1.5",
        ),
        (
            "eol,US,ev,magnet,1,1.5",
            "column 'share': expected a number between 0 and 1",
        ),
        (
            "eol,XX,ev,magnet,1,0.5",
            "column 'country': expected a country code from countries.csv",
        ),
        ("eol,US,ev,ore,1,0.5", "column 'commodity':"),
    ];
    for (row, expected) in cases {
        let found = refused(&format!("{row}\n"));
        assert!(
            (found.iter()).any(|l| l.starts_with(&format!("end_of_life.csv:2: {expected}"))),
            "{row}: {found:#?}"
        );
    }
}
