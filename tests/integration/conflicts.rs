//! A model with no plan says why, in its own terms (exit 6, nothing
//! written). Only build rules can leave a model without a plan, and the
//! explanation is an irreducible set of them, worked out by hand here.
//!
//! Three US magnet candidates at $2 M each, start years 2026 and 2027, and
//! `build_budget_per_period = 3000000`: one build can start a year, two in
//! all.
//! - `min_builds = 3` asks for three: the conflict is min_builds and the
//!   two years' budgets. Dropping any of the three leaves a plan (no
//!   minimum; or three builds in the year without a budget).
//! - A portfolio forcing all three asks the same: the conflict is the
//!   three forced members and the two budgets; dropping a member leaves
//!   two builds, one a year.
//!
//! Neither passes the checks made before the solve (each build fits a
//! year's budget alone, and 6 M fits two years' 6 M), so both reach the
//! solver.

use crate::common::{solve_fresh_out, stderr};

fn model(dir: &std::path::Path, settings: &str, portfolios: Option<&str>) {
    model_with(dir, settings, portfolios, [0, 0]);
}

/// [`model`] with the lead times of `us_a` and `us_b` in years.
fn model_with(dir: &std::path::Path, settings: &str, portfolios: Option<&str>, lead: [u32; 2]) {
    let [lead_a, lead_b] = lead;
    let mut files = vec![
        (
            "model.toml".to_string(),
            format!(
                "name = \"builds\"\nfirst_year = 2026\nlast_year = 2027\nshortage_penalty = 1000000\n\
                 {settings}"
            ),
        ),
        ("countries.csv".into(), "code,name,region\nCN,China,asia\nUS,United States,americas\n".into()),
        ("commodities.csv".into(), "id,stage,ref_value\nmagnet,magnet,50000\n".into()),
        ("processes.csv".into(), "process,commodity,coef\nmake_magnet,magnet,1\n".into()),
        (
            "facilities.csv".into(),
            format!("id,country,process,capacity,status,variable_cost,build_cost,lead_years\n\
             cn_plant,CN,make_magnet,1000,operating,10000,,\n\
             us_a,US,make_magnet,100,candidate,20000,2000000,{lead_a}\n\
             us_b,US,make_magnet,100,candidate,20000,2000000,{lead_b}\n\
             us_c,US,make_magnet,100,candidate,20000,2000000,0\n"),
        ),
        (
            "transport.csv".into(),
            "from_region,to_region,commodity,cost\nasia,americas,magnet,0\namericas,americas,magnet,0\n"
                .into(),
        ),
        (
            "demand.csv".into(),
            "country,sector,commodity,period,tonnes\nUS,ev,magnet,2026,100\nUS,ev,magnet,2027,100\n".into(),
        ),
    ];
    if let Some(p) = portfolios {
        files.push(("portfolios.csv".into(), p.into()));
    }
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// Runs `solve` with `args` into a fresh `--out`; the exit code, the
/// explanation's lines and whether anything was written.
fn solve(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, Vec<String>, bool) {
    let (o, written) = solve_fresh_out(dir, args);
    let lines = stderr(&o).lines().map(str::to_string).collect();
    (o.status.code(), lines, written)
}

/// One build a year at most.
const YEARLY: &str = "build_budget_per_period = 3000000\n";

const YEARS: [&str; 2] = [
    "  model.toml: build_budget_per_period = 3000000, for builds starting in 2026 \
     (builds: us_a at 2000000, us_b at 2000000, us_c at 2000000)",
    "  model.toml: build_budget_per_period = 3000000, for builds starting in 2027 \
     (builds: us_a at 2000000, us_b at 2000000, us_c at 2000000)",
];

const HEAD: &str = "no plan: infeasible: these build rules cannot all be met together \
                    (drop any one of them and the others can be):";

#[test]
fn min_builds_against_the_yearly_budgets() {
    let dir = tempfile::tempdir().unwrap();
    model(dir.path(), &format!("{YEARLY}min_builds = 3\n"), None);
    let (code, lines, written) = solve(dir.path(), &[]);
    assert_eq!(code, Some(6), "{lines:#?}");
    assert!(!written);
    let at = lines.iter().position(|l| l.ends_with(HEAD)).unwrap();
    assert_eq!(
        lines[at + 1..at + 4],
        [YEARS[0], YEARS[1], "  model.toml: min_builds = 3"],
        "{lines:#?}"
    );
    // With two asked for, there is a plan.
    model(dir.path(), &format!("{YEARLY}min_builds = 2\n"), None);
    assert_eq!(solve(dir.path(), &[]).0, Some(0));
}

#[test]
fn a_portfolios_forced_members_against_the_yearly_budgets() {
    let dir = tempfile::tempdir().unwrap();
    let forced =
        "portfolio,facility,mode\nall-us,us_a,force\nall-us,us_b,force\nall-us,us_c,force\n";
    model(dir.path(), YEARLY, Some(forced));
    let (code, lines, written) = solve(dir.path(), &["--portfolio", "all-us"]);
    assert_eq!(code, Some(6), "{lines:#?}");
    assert!(!written);
    let at = lines.iter().position(|l| l.ends_with(HEAD)).unwrap();
    let member = |line: u32, id: &str| {
        format!("  portfolios.csv:{line}: portfolio all-us forces {id} to be built (build_cost 2000000)")
    };
    let want = [
        member(2, "us_a"),
        member(3, "us_b"),
        member(4, "us_c"),
        YEARS[0].to_string(),
        YEARS[1].to_string(),
    ];
    let mut got = lines[at + 1..at + 6].to_vec();
    got.sort();
    let mut sorted = want.to_vec();
    sorted.sort();
    assert_eq!(got, sorted, "{lines:#?}");
    // Without the portfolio (any two may be built, none must), a plan.
    assert_eq!(solve(dir.path(), &[]).0, Some(0));
}

/// The other causes, one fixture each: the explanation names exactly the
/// rules in conflict.
/// - `build_budget = 5000000` (two builds in all) against `min_builds = 3`:
///   the checks before the solve see it (the three cheapest builds cost
///   6 M), and say so as bad data (exit 3).
/// - `max_builds = 1` against a portfolio forcing `us_a` and `us_b`: also
///   seen before the solve (exit 3).
/// - `us_a` with a lead time of 2 years (no start year in 2026–2027 is
///   allowed: it could run from 2028 at the earliest) forced by a
///   portfolio: seen before the solve (exit 3).
/// - `us_a` and `us_b` with lead times of 1 year, both forced, one build a
///   year: each alone can start in 2027, but not both (exit 6).
#[test]
fn each_build_rule_in_conflict_is_named() {
    let dir = tempfile::tempdir().unwrap();
    // Caught by the checks made before the solve (exit 3, as bad data).
    model(dir.path(), "build_budget = 5000000\nmin_builds = 3\n", None);
    let (code, lines, written) = solve(dir.path(), &[]);
    assert_eq!(code, Some(3), "{lines:#?}");
    assert!(!written);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("model.toml: column 'min_builds'")
                && l.ends_with("cost 6000000 together, more than build_budget 5000000")),
        "{lines:#?}"
    );

    let two = "portfolio,facility,mode\npair,us_a,force\npair,us_b,force\n";
    model(dir.path(), "max_builds = 1\n", Some(two));
    let (code, lines, written) = solve(dir.path(), &["--portfolio", "pair"]);
    assert_eq!(code, Some(3), "{lines:#?}");
    assert!(!written);
    assert!(
        lines.iter().any(|l| {
            l
            == "model.toml: column 'max_builds': max_builds is 1, but portfolio \"pair\" forces 2 \
                candidates to be built"
        }),
        "{lines:#?}"
    );

    let one = "portfolio,facility,mode\nlate,us_a,force\n";
    model_with(dir.path(), "", Some(one), [2, 0]);
    let (code, lines, written) = solve(dir.path(), &["--portfolio", "late"]);
    assert_eq!(code, Some(3), "{lines:#?}");
    assert!(!written);
    assert!(
        lines.iter().any(|l| l.starts_with(
            "portfolios.csv:2: column 'facility': portfolio \"late\" \
                                            forces \"us_a\", which can never start"
        )),
        "{lines:#?}"
    );

    // Each can start, and each fits a year's budget, but both only in 2027:
    // the solver finds no plan, and the explanation names the two forced
    // members, 2027's budget and the 2026 starts their lead times rule out.
    let both = "portfolio,facility,mode\nlate,us_a,force\nlate,us_b,force\n";
    model_with(dir.path(), YEARLY, Some(both), [1, 1]);
    let (code, lines, written) = solve(dir.path(), &["--portfolio", "late"]);
    assert_eq!(code, Some(6), "{lines:#?}");
    assert!(!written);
    let at = lines.iter().position(|l| l.ends_with(HEAD)).unwrap();
    let member = |line: u32, id: &str| {
        format!(
            "  portfolios.csv:{line}: portfolio late forces {id} to be built (build_cost 2000000; \
             can start in 2027 only: lead time 1 year)"
        )
    };
    assert_eq!(
        lines[at + 1..],
        [
            member(2, "us_a"),
            member(3, "us_b"),
            "  model.toml: build_budget_per_period = 3000000, for builds starting in 2027 \
             (builds: us_a at 2000000, us_b at 2000000)"
                .to_string()
        ],
        "{lines:#?}"
    );
}
