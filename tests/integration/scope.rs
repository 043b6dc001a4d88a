//! `--market`, `--sector` and `--periods` on `solve`, `compare` and
//! `sweep`, on models/tiny, worked out by hand.
//!
//! The US wants 300 t of magnets in 2025 and 400 t in 2026 (all `ev`);
//! China's licence lets `cap` t/yr through (200 in the model), and a US
//! magnet short of it is worth the penalty, 100,000 $/t, which is then the
//! US price. So with the licence at `cap`, the US gets `cap` t a year,
//! (300 − cap) + (400 − cap) t go unserved, and its buyers pay
//! 100,000 × cap a year. Japan (200 t/yr) is served in full.

use serde_json::Value;

use crate::common::{close, rareflow, stderr, tiny_dir};

fn json(args: &[&str]) -> Value {
    let o = rareflow(args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

#[test]
fn solve_narrows_the_summary_to_the_scope() {
    let tiny = tiny_dir();
    let s = json(&[
        "solve",
        tiny.to_str().unwrap(),
        "--market",
        "US",
        "--periods",
        "2025",
        "--format",
        "json",
    ]);
    let h = &s["scope"];
    assert_eq!(h["scope"], "US 2025");
    assert!(close(f(&h["demand_t"]), 300.0, 1e-9), "{h}");
    assert!(close(f(&h["delivered_t"]), 200.0, 1e-9), "{h}");
    assert!(close(f(&h["unserved_t"]), 100.0, 1e-9), "{h}");
    assert!(close(f(&h["spend"]), 200.0 * 100_000.0, 1e-9), "{h}");
    // Only the US's 2025 shortage and market rows are left.
    let shortages = s["shortages"].as_array().unwrap();
    assert_eq!(shortages.len(), 1);
    assert_eq!(shortages[0]["period"], "2025");
    let markets = s["markets"].as_array().unwrap();
    assert_eq!(markets.len(), 1);
    assert_eq!(markets[0]["country"], "US");
    assert!(close(f(&markets[0]["delivered_t"]), 200.0, 1e-9));
    // The world's cost stays whole: 2026's shortage is in it.
    let world = json(&["solve", tiny.to_str().unwrap(), "--format", "json"]);
    assert_eq!(s["objective"], world["objective"]);
    assert!(world.get("scope").is_none());
    // The followed market shows only the scope's years.
    let periods = s["market"]["periods"].as_array().unwrap();
    assert_eq!(periods.len(), 1);
    assert_eq!(periods[0]["period"], "2025");
}

#[test]
fn compare_cells_measure_the_scope() {
    let tiny = tiny_dir();
    let c = json(&[
        "compare",
        tiny.to_str().unwrap(),
        "--portfolios",
        "none",
        "--scenarios",
        "baseline,china-halt-us",
        "--market",
        "US",
        "--periods",
        "2026",
        "--format",
        "json",
    ]);
    assert_eq!(c["scope"], "US:2026");
    let cells = c["cells"].as_array().unwrap();
    // 2026: 400 − 200 unserved with the licence, all 400 without.
    for (cell, unserved, spend) in [(&cells[0], 200.0, 200.0 * 1e5), (&cells[1], 400.0, 0.0)] {
        let r = &cell["result"];
        assert!(close(f(&r["shortage_t"]), unserved, 1e-9), "{cell}");
        assert!(close(f(&r["market_spend"]), spend, 1e-9), "{cell}");
    }
}

#[test]
fn sweep_columns_follow_the_scope() {
    let tiny = tiny_dir();
    let dir = tempfile::tempdir().unwrap();
    let o = rareflow(&[
        "sweep",
        tiny.to_str().unwrap(),
        "--set",
        "cap[cn-magnets-us]=0..300:100",
        "--market",
        "US",
        "--sector",
        "ev",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.path().join("sweep.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (unserved, spend) = (col("unserved_t[scope=US:ev]"), col("spend[scope=US:ev]"));
    // Only the scope's market has columns of its own.
    assert!(header.iter().all(|h| !h.contains("JP:")), "{header:?}");
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 4);
    for (row, cap) in records.iter().zip([0.0, 100.0, 200.0, 300.0]) {
        let value = |i: usize| row[i].parse::<f64>().unwrap();
        assert!(close(value(unserved), 700.0 - 2.0 * cap, 1e-9), "{row:?}");
        if cap < 300.0 {
            assert!(close(value(spend), 2.0 * cap * 1e5, 1e-9), "{row:?}");
        } else {
            // 2025's 300 t are all served at 300: its price may be anything
            // from the marginal cost (25,501) to the penalty; 2026 is short.
            let s = value(spend);
            assert!(
                (300.0 * 25_501.0 + 3e7 - 1e-3..=6e7 + 1e-3).contains(&s),
                "{row:?}"
            );
        }
    }
}
