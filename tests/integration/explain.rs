//! `rareflow explain` on models/tiny, worked out by hand (models/tiny's
//! README has the plan).
//!
//! The US wants 300 t of magnets in 2025 and 400 t in 2026; China's licence
//! lets 200 t/yr through, so 100 t and 200 t go unserved. On the US
//! market's supply paths (the magnet plant, the metal plant, the separation
//! plant, Bayan Obo and Mt Weld; Kachin is idle) three things bind:
//!
//! - the licence `cn-magnets-us`: a US magnet is worth the shortage penalty,
//!   100,000 $/t, and costs 25,501 $/t delivered: concentrate at the
//!   separation plant is 1,600 (Mt Weld's 1,500 + 100 freight); a tonne of
//!   it plus 500 of separation makes 0.2 t NdPr oxide and 0.8 t La/Ce worth
//!   −100 (disposed of), so NdPr oxide is (1,600 + 500 + 80)/0.2 = 10,900;
//!   metal 1.25 × (10,900 + 20) + 2,000 = 15,650; a magnet
//!   0.3 × (15,650 + 20) + 8,000 = 12,701; + 300 freight + 12,500 tariff.
//!   One more tonne of licence saves 100,000 − 25,501 = 74,499 $;
//! - the US tariff: 25% of 50,000 = 12,500 $/t on the 200 t/yr that cross;
//! - Bayan Obo's capacity: 1,600 − 1,050 = 550 $ per tonne of concentrate a
//!   year. The US takes half the magnet plant's output, so half of every
//!   plant upstream works for it: 250 of Bayan Obo's 500 t, i.e. 687.5 $ of
//!   rent in each of the 200 t delivered (1.875 t of concentrate per magnet,
//!   two thirds of it from Bayan Obo, at 550 $).
//!
//! In 2026 the same values hold in 2026 money, and are 1/1.1 of it in 2025
//! money. Nothing else binds: Mt Weld (250 of 400 t), separation (750 of
//! 2,000), metal (120 of 1,000) and magnets (400 of 1,000) have room.

use serde_json::Value;

use crate::common::{close, rareflow, stderr, tiny_dir};

fn explain(extra: &[&str]) -> Value {
    let tiny = tiny_dir();
    let mut args = vec!["explain", tiny.to_str().unwrap(), "--format", "json"];
    args.extend_from_slice(extra);
    let o = rareflow(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

#[test]
fn the_us_shortage_is_explained_by_the_licence_the_tariff_and_bayan_obo() {
    let e = explain(&[]);
    let shortfalls = e["shortfalls"].as_array().unwrap();
    assert_eq!(shortfalls.len(), 2, "{e}");
    // Most unserved first: 2026 (200 t), then 2025 (100 t).
    for (s, period, unserved, weight) in [
        (&shortfalls[0], "2026", 200.0, 1.0 / 1.1),
        (&shortfalls[1], "2025", 100.0, 1.0),
    ] {
        assert_eq!(s["country"], "US");
        assert_eq!(s["period"], period);
        assert!(close(f(&s["unserved_t"]), unserved, 1e-9), "{s}");
        assert!(close(f(&s["price"]), 100_000.0, 1e-9), "{s}");
        let b = s["binding"].as_array().unwrap();
        let got: Vec<(&str, &str)> = b
            .iter()
            .map(|x| (x["kind"].as_str().unwrap(), x["id"].as_str().unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                ("export_licence", "cn-magnets-us"),
                ("tariff", "CN>US:magnet"),
                ("capacity", "baotou_mine")
            ],
            "{s}"
        );
        for (x, value, adds) in [
            (&b[0], 74_499.0, 74_499.0),
            (&b[1], 12_500.0, 12_500.0),
            (&b[2], 550.0, 687.5),
        ] {
            assert!(close(f(&x["value_per_t"]), value, 1e-9), "{x}");
            assert!(close(f(&x["value_per_t_pv"]), value * weight, 1e-9), "{x}");
            assert!(close(f(&x["adds_per_t"]), adds, 1e-9), "{x}");
        }
        assert!(close(f(&b[0]["limit"]), 200.0, 1e-9));
        assert!(close(f(&b[2]["limit"]), 500.0, 1e-9));
        let sentence = s["sentence"].as_str().unwrap();
        assert!(
            sentence.contains("one more tonne saves 74,499 USD"),
            "{sentence}"
        );
        // A tariff is named by the measures that make it up.
        assert_eq!(
            b[1]["what"],
            "tariff on CN magnet into US, US tariff on magnets from FEOC countries"
        );
    }
    // The US is short, so it is not also listed as a premium market; Japan
    // pays the cheapest price.
    assert_eq!(e["premiums"].as_array().unwrap().len(), 0);
    let h = &e["headline"];
    assert!(close(f(&h["unserved_t"]), 300.0, 1e-9));
    assert!(close(f(&h["demand_t"]), 1_100.0, 1e-9));
}

#[test]
fn the_scope_filters_what_is_explained() {
    let e = explain(&["--market", "JP"]);
    assert_eq!(e["shortfalls"].as_array().unwrap().len(), 0);
    assert_eq!(e["headline"]["scope"], "JP");
    assert!(close(f(&e["headline"]["delivered_t"]), 400.0, 1e-9));

    let e = explain(&["--sector", "ev", "--periods", "2025"]);
    let s = e["shortfalls"].as_array().unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0]["period"], "2025");
    assert_eq!(e["headline"]["scope"], "ev 2025");
    // Japan's 200 t and the US's 300 t in 2025, 100 t of it unserved.
    assert!(close(f(&e["headline"]["demand_t"]), 500.0, 1e-9));
    assert!(close(f(&e["headline"]["unserved_t"]), 100.0, 1e-9));

    let text = rareflow(&[
        "explain",
        tiny_dir().to_str().unwrap(),
        "--market",
        "US",
        "--period",
        "2026",
    ]);
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    let out = String::from_utf8_lossy(&text.stdout);
    assert!(out.starts_with("US 2026: demand 400 t"), "{out}");
    assert!(
        out.contains("US ev magnet 2026: 200 t/yr unserved"),
        "{out}"
    );
    assert!(!out.contains("2025:"), "{out}");
}

#[test]
fn a_scope_outside_the_model_is_refused_by_name() {
    let tiny = tiny_dir();
    let tiny = tiny.to_str().unwrap();
    for (args, code, words) in [
        (vec!["--market", "UK"], 4, "no market named \"UK\""),
        (
            vec!["--sector", "defense"],
            4,
            "no sector named \"defense\"",
        ),
        (vec!["--periods", "2030..2031"], 2, "horizon 2025..2026"),
        (vec!["--periods", "2026..2025"], 2, "backwards"),
        (vec!["--periods", "soon"], 2, "give a year"),
    ] {
        let mut all = vec!["explain", tiny];
        all.extend_from_slice(&args);
        let o = rareflow(&all);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(words), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
}

/// On the default model, in the baseline and every named future, what
/// binds is on the market's own paths and the rents and wedges a delivered
/// tonne carries are part of its price: their sum never exceeds it (a sum
/// above would count a tonne twice, or charge a market for tonnes that are
/// not its own, such as an end-use control's). A future that gives up or
/// leaves unserved any demand explains it: its shortfalls account for every
/// tonne of the headline's, and some name what binds. (Every future gives
/// up some demand today, as prices rise along the demand curves; one that
/// gave up none would need no shortfall.)
#[test]
fn global_explanations_stay_within_their_prices() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/models/global/scenarios");
    let mut futures: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    futures.sort();
    futures.insert(0, String::new());
    for future in &futures {
        let mut args = vec!["explain", "--format", "json", "--portfolio", "none"];
        if !future.is_empty() {
            args.extend_from_slice(&["--scenario", future]);
        }
        let o = rareflow(&args);
        assert_eq!(o.status.code(), Some(0), "{future}: {}", stderr(&o));
        let e: Value = serde_json::from_slice(&o.stdout).unwrap();
        within_prices(future, &e);
        shortfalls_explained(future, &e);
        if future.is_empty() {
            stacked_tariffs_named(&e);
        }
    }
}

/// A border where measures stack names them all, in file order: US La/Ce
/// oxide from China pays the US IEEPA duties in 2025, the general duty
/// after, and China's export VAT throughout.
fn stacked_tariffs_named(e: &Value) {
    let lists = ["shortfalls", "premiums"].map(|k| e[k].as_array().unwrap());
    let mut seen = 0;
    for x in (lists.iter().flat_map(|l| l.iter())).filter(|x| x["country"] == "US") {
        let us = if x["period"] == "2025" {
            "US fentanyl duty on China + US reciprocal duty on China"
        } else {
            "US general duty on China after IEEPA"
        };
        let want = format!(
            "tariff keeping CN lace_oxide out of US, {us} + China VAT on rare-earth exports"
        );
        for b in (x["binding"].as_array().unwrap().iter()).filter(|b| b["id"] == "CN>US:lace_oxide")
        {
            assert_eq!(b["what"], want.as_str(), "{}", x["period"]);
            seen += 1;
        }
    }
    assert!(seen > 0, "no binding on CN>US:lace_oxide");
}

/// Checks every shortfall and premium of `e`.
fn within_prices(future: &str, e: &Value) {
    let all = (e["shortfalls"].as_array().unwrap().iter()).chain(e["premiums"].as_array().unwrap());
    for s in all {
        let b = s["binding"].as_array().unwrap();
        let embodied: f64 = b.iter().filter_map(|x| x["adds_per_t"].as_f64()).sum();
        assert!(embodied <= f(&s["price"]) * (1.0 + 1e-9), "{future}: {s}");
        for x in b {
            assert!(f(&x["value_per_t"]) > 0.0, "{future}: {x}");
        }
    }
}

/// What the headline of `e` gives up or leaves unserved, its shortfalls
/// explain: all of it (segments short by at most 1e-6 t/yr aside), and at
/// least one of them names a binding constraint.
fn shortfalls_explained(future: &str, e: &Value) {
    let h = &e["headline"];
    let short = f(&h["given_up_t"]) + f(&h["unserved_t"]);
    let shortfalls = e["shortfalls"].as_array().unwrap();
    if short <= 1e-3 {
        return;
    }
    assert!(
        !shortfalls.is_empty(),
        "{future}: {short} t short, no shortfall"
    );
    let explained: f64 = (shortfalls.iter())
        .map(|s| f(&s["given_up_t"]) + f(&s["unserved_t"]))
        .sum();
    assert!(
        close(explained, short, 1e-6),
        "{future}: {explained} of {short} t explained"
    );
    assert!(
        (shortfalls.iter()).any(|s| !s["binding"].as_array().unwrap().is_empty()),
        "{future}: no shortfall names what binds"
    );
}
