//! `rareflow stress` on models/tiny, worked out by hand (models/tiny's
//! README has the plan).
//!
//! Japan buys 200 t/yr of magnets, all made in China at 12,701 $/t and
//! shipped for 100: its price is 12,801 $/t. Its supply paths run through
//! China (every plant) and Australia (Mt Weld, the marginal mine); Myanmar's
//! Kachin mine is idle, so it is not tried. Over 2025 and 2026 (weights 1
//! and 1/1.1), Japan's buyers pay 12,801 × 200 × (1 + 1/1.1) = 4,887,654.5.
//!
//! - China cut off from Japan: no magnet reaches it; 400 t go unserved,
//!   valued at the penalty, 100,000 × 200 × (1 + 1/1.1) = 38,181,818.2.
//! - Australia cut off from Japan alone could change nothing (Mt Weld has
//!   no lane into Japan), so it is tried only cut off from every buyer
//!   (`--global`):
//!   Mt Weld's 250 t go to Kachin at 1,850 $/t delivered instead of 1,600:
//!   NdPr oxide (1,850 + 500 + 80)/0.2 = 12,150, metal
//!   1.25 × 12,170 + 2,000 = 17,212.5, a magnet 0.3 × 17,232.5 + 8,000 =
//!   13,169.75, in Japan 13,269.75: 468.75 $/t more on 200 t a year,
//!   178,977.27 in present value.

use crate::common::{close, merge_into, rareflow, stderr, tiny_dir};

fn stress(extra: &[&str]) -> Vec<csv::StringRecord> {
    let dir = tempfile::tempdir().unwrap();
    let tiny = tiny_dir();
    let mut args = vec![
        "stress",
        tiny.to_str().unwrap(),
        "--market",
        "JP",
        "--out",
        dir.path().to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = rareflow(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.path().join("stress.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        [
            "case",
            "cases",
            "request",
            "cut",
            "size",
            "status",
            "start",
            "objective",
            "unserved_t",
            "given_up_t",
            "spend_pv",
            "loss_pv",
            "cost_pv",
            "extra_unserved_t",
            "extra_cost_pv"
        ]
    );
    r.records().map(Result::unwrap).collect()
}

fn value(row: &csv::StringRecord, i: usize) -> f64 {
    row[i].parse().unwrap()
}

// Columns of stress.csv.
const CUT: usize = 3;
const START: usize = 6;
const UNSERVED: usize = 8;
const COST: usize = 12;
const EXTRA_COST: usize = 14;

const REFERENCE: f64 = 12_801.0 * 200.0 * (1.0 + 1.0 / 1.1);
const CUT_OFF: f64 = 100_000.0 * 200.0 * (1.0 + 1.0 / 1.1);
/// Australia cut off from every buyer: 468.75 $/t more on Japan's 200 t.
const REROUTED: f64 = 468.75 * 200.0 * (1.0 + 1.0 / 1.1);

#[test]
fn cutting_off_japans_suppliers_costs_what_the_hand_says() {
    let rows = stress(&[]);
    let cuts: Vec<&str> = rows.iter().map(|r| &r[CUT]).collect();
    // Only China ships into Japan.
    assert_eq!(cuts, ["none", "CN"]);
    assert_eq!(
        &rows[0][2],
        "JP; all sectors; from 2025; countries; up to 2; from it"
    );
    assert!(
        close(value(&rows[0], COST), REFERENCE, 1e-9),
        "{:?}",
        rows[0]
    );
    let row = &rows[1];
    assert!(close(value(row, UNSERVED), 400.0, 1e-9), "{row:?}");
    assert!(close(value(row, COST), CUT_OFF, 1e-9), "{row:?}");
    assert!(
        close(value(row, EXTRA_COST), CUT_OFF - REFERENCE, 1e-9),
        "{row:?}"
    );
    // The case keeps the reference's LP: re-solved warm.
    assert_eq!(&row[START], "warm");
}

#[test]
fn a_global_cut_off_reroutes_the_mines() {
    let rows = stress(&["--global", "--k", "1"]);
    let cuts: Vec<&str> = rows.iter().map(|r| &r[CUT]).collect();
    assert_eq!(cuts, ["none", "AU", "CN"]);
    assert!(
        close(value(&rows[1], EXTRA_COST), REROUTED, 1e-9),
        "{:?}",
        rows[1]
    );
    assert!(close(value(&rows[1], UNSERVED), 0.0, 1e-9));
    // China cut off from every buyer is cut off from Japan.
    let china = value(&rows[2], EXTRA_COST);
    assert!(close(china, CUT_OFF - REFERENCE, 1e-9), "{:?}", rows[2]);
}

#[test]
fn facilities_on_the_paths_are_tried_one_by_one() {
    let rows = stress(&["--by", "facility", "--global", "--k", "1"]);
    let cuts: Vec<&str> = rows.iter().map(|r| &r[CUT]).collect();
    // On Japan's paths, only the magnet plant and Mt Weld ship across a
    // border (the mine, separation and metal plants in China sell within
    // it, and Kachin is idle): cutting off any other changes nothing.
    assert_eq!(cuts, ["none", "cn_magnet", "weld_mine"]);
    // Mt Weld alone is Australia.
    assert!(
        close(value(&rows[2], EXTRA_COST), REROUTED, 1e-9),
        "{:?}",
        rows[2]
    );
    // Without --global, only the magnet plant ships into Japan.
    let rows = stress(&["--by", "facility", "--k", "1"]);
    let cuts: Vec<&str> = rows.iter().map(|r| &r[CUT]).collect();
    assert_eq!(cuts, ["none", "cn_magnet"]);
}

#[test]
fn sharded_stress_tests_merge_into_the_whole() {
    let tiny = tiny_dir();
    let tiny = tiny.to_str().unwrap();
    let root = tempfile::tempdir().unwrap();
    let dir = |name: &str| root.path().join(name);
    let run = |market: &str, out: &str, shard: Option<&str>| {
        let out = dir(out);
        let out = out.to_str().unwrap();
        let mut args = vec!["stress", tiny, "--market", market, "--global", "--out", out];
        if let Some(s) = shard {
            args.extend_from_slice(&["--shard", s]);
        }
        let o = rareflow(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    };
    run("JP", "whole", None);
    run("JP", "a", Some("1/2"));
    run("JP", "b", Some("2/2"));
    let o = merge_into(&[dir("a"), dir("b")], &dir("merged"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let read = |d: &str| std::fs::read(dir(d).join("stress.csv")).unwrap();
    assert_eq!(read("whole"), read("merged"));
    // A missing slice is refused.
    let o = merge_into(&[dir("a")], &dir("half"));
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    // So is a slice of another request with as many cases.
    run("US", "us", Some("2/2"));
    let o = merge_into(&[dir("a"), dir("us")], &dir("mixed"));
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("another request"), "{}", stderr(&o));
}

#[test]
fn a_market_or_year_outside_the_model_is_refused() {
    let tiny = tiny_dir();
    let tiny = tiny.to_str().unwrap();
    for (args, code, words) in [
        (vec!["--market", "UK"], 4, "no market named \"UK\""),
        (
            vec!["--market", "JP", "--from", "2031"],
            2,
            "--from 2031: give a year",
        ),
        (vec!["--market", "JP", "--from", "2024"], 2, "(2025, 2026)"),
        (
            vec!["--market", "JP", "--sector", "defense"],
            4,
            "no sector named",
        ),
        (vec!["--market", "JP", "--k", "9"], 2, "--k"),
    ] {
        let mut all = vec!["stress", tiny];
        all.extend_from_slice(&args);
        let o = rareflow(&all);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(words), "{args:?}: {}", stderr(&o));
    }
}

/// `--stages` cuts off only goods of the stages named: with `mined`, only
/// Australia's concentrate is stopped (China's only cross-border shipments
/// are magnets), so Australia is the one supplier tried and costs Japan
/// what rerouting the mines costs; with `magnet`, only China is tried.
#[test]
fn stages_cut_off_only_their_goods() {
    let rows = stress(&["--global", "--k", "1", "--stages", "mined"]);
    let cuts: Vec<&str> = rows.iter().map(|r| &r[CUT]).collect();
    assert_eq!(cuts, ["none", "AU"]);
    assert!(
        rows[0][2].ends_with("from every buyer; mined goods only"),
        "{:?}",
        rows[0]
    );
    assert!(
        close(value(&rows[1], EXTRA_COST), REROUTED, 1e-9),
        "{:?}",
        rows[1]
    );
    let rows = stress(&["--global", "--k", "1", "--stages", "magnet,metal"]);
    let cuts: Vec<&str> = rows.iter().map(|r| &r[CUT]).collect();
    assert_eq!(cuts, ["none", "CN"]);
    assert!(
        close(value(&rows[1], EXTRA_COST), CUT_OFF - REFERENCE, 1e-9),
        "{:?}",
        rows[1]
    );
}
