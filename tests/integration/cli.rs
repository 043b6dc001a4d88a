//! The command line through the real binary, on models/tiny: names checked
//! against the model before anything is solved, shared flags that mean the
//! same on every subcommand, and ties in the comparison's picks. Tests named
//! `rN<letter>_...` pin the defect of that letter in review round N.

use std::path::Path;
use std::process::Output;

use crate::common::*;

fn tiny() -> String {
    tiny_dir().to_str().unwrap().to_string()
}

/// Runs `args` and checks the exit code, printing stderr when it differs.
fn run(args: &[&str], code: i32) -> Output {
    let o = rareflow(args);
    assert_eq!(o.status.code(), Some(code), "{args:?}:\n{}", stderr(&o));
    o
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Asserts that stderr holds every one of `expected`.
fn says(o: &Output, expected: &[&str]) {
    let err = stderr(o);
    for e in expected {
        assert!(err.contains(e), "expected {e:?} in:\n{err}");
    }
}

#[test]
fn r7c_compare_unknown_scenario_fails_like_solve() {
    let tiny = tiny();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run(
        &[
            "compare",
            &tiny,
            "--scenarios",
            "baseline,china-halt-uss",
            "--out",
            out.to_str().unwrap(),
        ],
        4,
    );
    says(
        &o,
        &[
            "no scenario named \"china-halt-uss\"",
            "did you mean \"china-halt-us\"?",
            "baseline, china-halt-us, demand-high, open-trade, tariff-180",
        ],
    );
    assert!(!out.exists(), "nothing is written");
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
    // solve fails the same way on the same typo.
    let o = run(&["solve", &tiny, "--scenario", "china-halt-uss"], 4);
    says(&o, &["did you mean \"china-halt-us\"?"]);
}

#[test]
fn r7c_unknown_portfolios_and_invest_scenarios_fail_before_solving() {
    let tiny = tiny();
    let o = run(&["compare", &tiny, "--portfolios", "none,nune"], 4);
    says(
        &o,
        &[
            "no portfolio named \"nune\"",
            "did you mean \"none\"?",
            "(it has: all, none)",
        ],
    );
    let o = run(&["invest", &tiny, "--portfolio", "alll"], 4);
    says(
        &o,
        &["no portfolio named \"alll\"", "did you mean \"all\"?"],
    );
    let o = run(&["invest", &tiny, "--scenarios", "baseline,tarif-180"], 4);
    says(
        &o,
        &[
            "no scenario named \"tarif-180\"",
            "did you mean \"tariff-180\"?",
            "baseline, china-halt-us",
        ],
    );
}

#[test]
fn r7d_weights_key_not_compared_is_a_usage_error() {
    let tiny = tiny();
    for command in ["compare", "invest"] {
        let o = run(
            &[
                command,
                &tiny,
                "--scenarios",
                "baseline,tariff-180",
                "--weights",
                "baseline=0.5,china-halt-us=0.5",
            ],
            2,
        );
        says(
            &o,
            &[
                "\"china-halt-us\"",
                "the scenarios compared (baseline, tariff-180)",
            ],
        );
    }
}

#[test]
fn r7d_dependency_unknown_word_is_a_usage_error() {
    let tiny = tiny();
    for (measure, expected) in [
        (
            "XX:US:magnet",
            "\"XX\" is not a country code, a country group",
        ),
        ("feco:US:magnet", "did you mean \"feoc\"?"),
        ("CN:USA:magnet", "\"USA\" is not a country code"),
        ("CN:US:magnets", "did you mean \"magnet\"?"),
        ("recycled:US:magnet", "mined stage only"),
    ] {
        let o = run(&["compare", &tiny, "--dependency", measure], 2);
        says(&o, &[expected]);
    }
    // A group is the sum over its members: with Myanmar in it too, feoc's
    // share of Japan's mined supply is China's plus Myanmar's.
    let m = copy_tiny_with_scenarios();
    replace(
        m.path(),
        "countries.csv",
        "MM,Myanmar,asia,",
        "MM,Myanmar,asia,feoc",
    );
    let share = |measure: &str| {
        let o = run(
            &[
                "compare",
                m.path().to_str().unwrap(),
                "--portfolios",
                "none",
                "--scenarios",
                "open-trade",
                "--dependency",
                measure,
                "--format",
                "json",
            ],
            0,
        );
        json(&o)["cells"][0]["result"]["dependency"]
            .as_f64()
            .unwrap()
    };
    let (cn, mm) = (share("CN:JP:mined"), share("MM:JP:mined"));
    assert!(cn > 0.0 && mm > 0.0, "CN {cn}, MM {mm}");
    assert!(close(share("feoc:JP:mined"), cn + mm, 1e-12));
}

/// A fresh copy of models/tiny with its scenarios.
fn copy_tiny_with_scenarios() -> tempfile::TempDir {
    let m = copy_tiny();
    let to = m.path().join("scenarios");
    std::fs::create_dir(&to).unwrap();
    for entry in std::fs::read_dir(tiny_dir().join("scenarios")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
    m
}

/// models/tiny with two identical candidate magnet plants in Japan, each
/// forced by its own portfolio: the two portfolios cost the same in every
/// future.
fn twins(dir: &Path) {
    edit(dir, "facilities.csv", |text| {
        let mut lines = text.lines();
        let mut out = format!("{},build_cost\n", lines.next().unwrap());
        for l in lines {
            out += &format!("{l},\n");
        }
        for x in ["a", "b"] {
            out += &format!(
                "jp_magnet_{x},Twin magnet plant,twin,JP,make_magnet,100,candidate,,,,9000,0,2000000\n"
            );
        }
        out
    });
    std::fs::write(
        dir.join("portfolios.csv"),
        "portfolio,facility,mode\ntwin-a,jp_magnet_a,force\ntwin-b,jp_magnet_b,force\n",
    )
    .unwrap();
}

#[test]
fn r7g_tied_portfolios_are_all_flagged() {
    let m = copy_tiny_with_scenarios();
    twins(m.path());
    let results = tempfile::tempdir().unwrap();
    let out = results.path().join("out");
    let compare = |extra: &[&str]| {
        let mut args = vec![
            "compare",
            m.path().to_str().unwrap(),
            "--portfolios",
            "none,twin-a,twin-b",
            "--scenarios",
            "baseline,china-halt-us",
        ];
        args.extend_from_slice(extra);
        run(&args, 0)
    };
    let v = json(&compare(&[
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]));
    let both = serde_json::json!(["twin-a", "twin-b"]);
    assert_eq!(v["minimax_regret"], both, "{v}");
    assert_eq!(v["least_expected_cost"], both, "{v}");
    let flags: Vec<(bool, bool)> = v["standings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let flag = |k: &str| s[k].as_bool().unwrap();
            (flag("minimax_regret"), flag("least_expected_cost"))
        })
        .collect();
    assert_eq!(flags, vec![(false, false), (true, true), (true, true)]);
    let csv = std::fs::read_to_string(out.join("compare_portfolios.csv")).unwrap();
    // portfolio,expected_cost,max_regret,minimax_regret,least_expected_cost,
    // then each market's expected spend
    let flags: Vec<String> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').skip(3).take(2).collect::<Vec<_>>().join(","))
        .collect();
    assert_eq!(
        flags,
        vec!["false,false", "true,true", "true,true"],
        "{csv}"
    );
    let text = stdout(&compare(&[]));
    for line in [
        "minimax-regret portfolios (tied): twin-a, twin-b",
        "least-expected-cost portfolios (tied): twin-a, twin-b",
    ] {
        assert!(text.contains(line), "{text}");
    }
}

#[test]
fn r7h_help_documents_each_commands_json() {
    let help = |command: &str| stdout(&run(&[command, "--help"], 0));
    let solve = help("solve");
    assert!(solve.contains("the summary.json document"), "{solve}");
    let compare = help("compare");
    assert!(!compare.contains("summary.json"), "{compare}");
    assert!(
        compare.contains("the comparison document: cells, standings, picks, weights"),
        "{compare}"
    );
    let invest = help("invest");
    assert!(!invest.contains("summary.json"), "{invest}");
    assert!(invest.contains("the investment document"), "{invest}");
}

#[test]
fn scenarios_flag_lists_equal_repeated_scenario_flags() {
    let tiny = tiny();
    let objective = |scenarios: &[&str]| {
        let mut args = vec!["solve", tiny.as_str(), "--format", "json"];
        args.extend_from_slice(scenarios);
        json(&run(&args, 0))["objective"].as_f64().unwrap()
    };
    // Order matters (open-trade after china-halt-us lifts the halt), so
    // equal objectives mean the same scenarios in the same order.
    let listed = objective(&["--scenarios", "china-halt-us,open-trade"]);
    let repeated = objective(&["--scenario", "china-halt-us", "--scenario", "open-trade"]);
    assert_eq!(listed, repeated);
    assert_eq!(
        objective(&["--scenario", "china-halt-us,open-trade"]),
        listed
    );
    assert_ne!(objective(&["--scenario", "china-halt-us"]), listed);
}

#[test]
fn scenarios_all_means_every_scenario() {
    let tiny = tiny();
    let o = run(&["solve", &tiny, "--scenarios", "all"], 2);
    says(&o, &["rareflow compare", "rareflow invest"]);
    let o = run(&["solve", &tiny, "--scenarios", "all,open-trade"], 2);
    says(&o, &["give it alone"]);
    let o = run(&["validate", &tiny, "--scenarios", "all"], 0);
    let text = stdout(&o);
    for name in [
        "baseline",
        "china-halt-us",
        "demand-high",
        "open-trade",
        "tariff-180",
    ] {
        assert!(text.contains(&format!(", {name}: ok (")), "{text}");
    }
    // A broken scenario is reported under its own name; the others still pass.
    let m = copy_tiny_with_scenarios();
    std::fs::write(
        m.path().join("scenarios/bad.toml"),
        "[[scale]]\nfile = \"demand.csv\"\ncolumn = \"tonnes\"\nfactor = -1\n",
    )
    .unwrap();
    let o = run(
        &["validate", m.path().to_str().unwrap(), "--scenarios", "all"],
        3,
    );
    let text = stdout(&o);
    assert!(text.contains(", bad: 1 error(s)"), "{text}");
    assert!(text.contains(", open-trade: ok ("), "{text}");
    says(&o, &["scenarios/bad.toml"]);
}

/// `solve --market US` follows the US market year by year, as models/tiny's
/// README works it out: the US wants 300 t of magnets in 2025 and 400 t in
/// 2026, gets the 200 t China's licence lets through, and is short the rest
/// at the shortage penalty of $100,000/t, its price; its buyers spend
/// 200 × 100,000 a year. An unknown market is a usage error listing the
/// known ones, shown escaped.
#[test]
fn market_follows_one_country_year_by_year() {
    let tiny = tiny();
    let o = run(&["solve", &tiny, "--market", "US", "--format", "json"], 0);
    let v = json(&o);
    let m = &v["market"];
    assert_eq!(m["country"], "US");
    let periods = m["periods"].as_array().unwrap();
    let rows: Vec<(&str, f64, f64, f64, f64, f64)> = periods
        .iter()
        .map(|p| {
            let f = |k: &str| p[k].as_f64().unwrap();
            (
                p["commodity"].as_str().unwrap(),
                f("demand_t"),
                f("delivered_t"),
                f("unserved_t"),
                f("price"),
                f("spend"),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("magnet", 300.0, 200.0, 100.0, 100_000.0, 2.0e7),
            ("magnet", 400.0, 200.0, 200.0, 100_000.0, 2.0e7),
        ]
    );
    // The summary leads with what the plan means for buyers: the market
    // followed, then the largest markets, then the world's cost by kind.
    let o = run(&["solve", &tiny, "--market", "US"], 0);
    let text = stdout(&o);
    let at = |what: &str| {
        text.find(what)
            .unwrap_or_else(|| panic!("no {what:?} in {text}"))
    };
    assert!(at("market US (t/yr;") < at("largest markets"), "{text}");
    assert!(
        at("largest markets") < at("the total cost by kind"),
        "{text}"
    );
    let o = run(&["solve", &tiny, "--market", "UK"], 4);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(
        err.contains("no market named \"UK\"") && err.contains("JP, US"),
        "{err}"
    );
    // Without --market the summary has no such section.
    let v = json(&run(&["solve", &tiny, "--format", "json"], 0));
    assert!(v.get("market").is_none());
}
