//! Hostile numbers and build rules no plan can meet, through the real
//! binary. Each class is refused (exit 3) at its `file:line`, column (or
//! `model.toml` key) before anything reaches the solver, and nothing is
//! written; and every number column of models/tiny set to its documented
//! limit either solves to a verified plan or is refused, never exit 1
//! (solver failure) or 7 (unverified plan).

use std::path::Path;

use rareflow::model::schema::{limits, Kind, TABLES};

use crate::common::*;

/// Runs `validate` and `solve --out` on a model refused at load: both exit
/// 3 and print every `expected` message (after the model directory
/// prefix), and nothing is written.
fn refused_at_load(dir: &Path, expected: &[&str]) -> String {
    let err = validate_reports(dir, 3, expected);
    let solve_err = solve_refused(dir, &[]);
    for e in expected {
        assert!(
            solve_err.contains(e),
            "solve: expected {e:?} in:\n{solve_err}"
        );
    }
    err
}

/// Runs `solve --out` with `args` on a model: exit 3, nothing written.
/// Returns stderr.
fn solve_refused(dir: &Path, args: &[&str]) -> String {
    let (o, written) = solve_fresh_out(dir, args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "solve {args:?}: {err}");
    assert!(!written, "solve wrote results for a refused model");
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// A model refused before the solve, once the portfolio is known: `solve`
/// (with `args`) exits 3 printing each `expected` message, and `validate`
/// passes with each one as a warning that a solve refuses it.
fn refused_before_solve(dir: &Path, args: &[&str], expected: &[&str]) {
    let err = solve_refused(dir, args);
    for e in expected {
        assert!(err.contains(e), "solve {args:?}: expected {e:?} in:\n{err}");
    }
    let o = rareflow(&["validate", dir.to_str().unwrap()]);
    let warned = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "validate: {warned}");
    for e in expected {
        let (at, message) = e.split_once(": ").unwrap();
        let warning = format!("{}/{at}: warning: {message}", dir.display());
        assert!(
            warned.contains(&warning),
            "validate: expected {warning:?} in:\n{warned}"
        );
    }
    assert!(warned.contains("(a solve refuses this)"), "{warned}");
}

#[test]
fn a_coefficient_of_1e15_is_refused_at_its_cell() {
    let m = copy_tiny();
    replace(
        m.path(),
        "processes.csv",
        "separate,ndpr_oxide,0.2",
        "separate,ndpr_oxide,1e15",
    );
    replace(
        m.path(),
        "processes.csv",
        "reduce,ndpr_metal,1",
        "reduce,ndpr_metal,1e-12",
    );
    refused_at_load(
        m.path(),
        &[
            "processes.csv:5: column 'coef': expected a number from -1e9 to 1e9, found \"1e15\"",
            "processes.csv:9: column 'coef': expected a coefficient of magnitude above 1e-9, up to 1e9",
        ],
    );
}

#[test]
fn a_demand_of_1e25_tonnes_is_refused_at_its_cell() {
    let m = copy_tiny();
    replace(m.path(), "demand.csv", "2025,200,", "2025,1e25,");
    replace(m.path(), "export_controls.csv", ",200,", ",1e13,");
    refused_at_load(
        m.path(),
        &[
            "demand.csv:2: column 'tonnes': expected a number from 0 to 1e12, found \"1e25\"",
            "export_controls.csv:2: column 'cap': expected a number from 0 to 1e12, found \"1e13\"",
        ],
    );
}

#[test]
fn out_of_range_costs_and_capacities_are_refused_at_their_cells() {
    let m = copy_tiny();
    replace(m.path(), "facilities.csv", "mine,500,", "mine,2e12,");
    replace(m.path(), "facilities.csv", "8000,1000000", "8000,1e13");
    replace(
        m.path(),
        "commodities.csv",
        "oxide,t,1000,100",
        "oxide,t,1000,-2e9",
    );
    replace(
        m.path(),
        "transport.csv",
        "concentrate,50",
        "concentrate,1e10",
    );
    replace(m.path(), "tariffs.csv", "magnet,0.25,0", "magnet,1001,0");
    refused_at_load(
        m.path(),
        &[
            "facilities.csv:2: column 'capacity': expected a number from 0 to 1e12, found \"2e12\"",
            "facilities.csv:7: column 'fixed_cost': expected a number from 0 to 1e12, found \"1e13\"",
            "commodities.csv:4: column 'disposal_cost': expected a number from -1e9 to 1e9, found \"-2e9\"",
            "transport.csv:2: column 'cost': expected a number from 0 to 1e9, found \"1e10\"",
            "tariffs.csv:2: column 'ad_valorem': expected a number from 0 to 1000, found \"1001\"",
        ],
    );
}

/// Each number within its own range, but their product in the objective
/// out of bounds: named at the row and column that make it.
#[test]
fn huge_products_of_capacity_and_cost_are_refused_at_their_rows() {
    let m = copy_tiny();
    // 1e11 units a year at 1e6 a unit: 1e17 a year.
    replace(
        m.path(),
        "facilities.csv",
        "mine,500,operating,,,,1000",
        "mine,1e11,operating,,,,1e6",
    );
    // 1e12 t of concentrate a year at 8 t of La/Ce oxide each.
    replace(
        m.path(),
        "facilities.csv",
        "separate,2000,",
        "separate,1e12,",
    );
    replace(
        m.path(),
        "processes.csv",
        "separate,lace_oxide,0.8",
        "separate,lace_oxide,8",
    );
    // Concentrate sold at 1e9 a tonne, from a mine of 1e7 t a year.
    replace(
        m.path(),
        "commodities.csv",
        "concentrate,t,5000,0",
        "concentrate,t,5000,-1e9",
    );
    replace(m.path(), "facilities.csv", "MM,mine,400,", "MM,mine,1e7,");
    // 1e9 t unserved at 1e8 a tonne.
    replace(m.path(), "demand.csv", "2026,400,", "2026,1e9,1e8");
    // A 1e3 rate on magnets worth 5e6 a tonne: a 5e9 duty.
    replace(
        m.path(),
        "commodities.csv",
        "magnet,t,50000,0",
        "magnet,t,5e6,0",
    );
    replace(m.path(), "tariffs.csv", "magnet,0.25,0", "magnet,1000,0");
    // A lane of 1e12 t a year at 1e4 a tonne.
    edit(m.path(), "lanes.csv", |_| {
        "from,to,commodity,cost,capacity\nweld_mine,baotou_sep,conc,1e4,1e12\n".into()
    });
    refused_at_load(
        m.path(),
        &[
            "facilities.csv:2: column 'variable_cost': at full capacity it would cost 1e17 a year (capacity 1e11 × variable_cost 1000000); expected at most 1e15",
            "facilities.csv:4: column 'capacity': disposing of all its \"conc\" would cost or earn 1e16 a year (capacity 1e7 × coef 1 × disposal_cost -1e9 in commodities.csv); expected at most 1e15",
            "facilities.csv:5: column 'capacity': at full capacity it would put out 8e12 t/yr of \"lace_oxide\" (capacity 1e12 × coef 8 in processes.csv); expected at most 1e12",
            "demand.csv:5: column 'shortage_penalty': leaving it all unserved would cost 1e17 a year",
            "tariffs.csv:2: column 'ad_valorem': the duty on a tonne of \"magnet\" would be 5e9",
            "lanes.csv:2: column 'capacity': used to its capacity it would cost 1e16 a year",
        ],
    );
}

#[test]
fn a_shortage_penalty_above_1e9_is_refused_in_both_places() {
    let m = copy_tiny();
    replace(m.path(), "demand.csv", "2025,200,", "2025,200,2e9");
    refused_at_load(
        m.path(),
        &["demand.csv:2: column 'shortage_penalty': expected a number from 0 to 1e9, found \"2e9\""],
    );
    let m = copy_tiny();
    replace(
        m.path(),
        "model.toml",
        "shortage_penalty = 100000",
        "shortage_penalty = 2e9",
    );
    refused_at_load(m.path(), &["model.toml:10:20: column 'shortage_penalty'"]);
    // The bound itself is accepted, in both places.
    let m = copy_tiny();
    replace(
        m.path(),
        "model.toml",
        "shortage_penalty = 100000",
        "shortage_penalty = 1e9",
    );
    replace(m.path(), "demand.csv", "2025,200,", "2025,200,1e9");
    let o = rareflow(&["solve", m.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_facility_named_like_a_country_is_refused() {
    let m = copy_tiny();
    replace(m.path(), "facilities.csv", "cn_metal,", "JP,");
    let err = refused_at_load(
        m.path(),
        &["facilities.csv:6: column 'id': facility id \"JP\" is a country code"],
    );
    assert!(err.contains("the model has 1 error(s)"), "{err}");
}

#[test]
fn a_period_weighed_beyond_1e3_is_refused_before_the_solve() {
    let m = copy_tiny();
    replace(
        m.path(),
        "model.toml",
        "base_year = 2025",
        "base_year = 2300",
    );
    replace(
        m.path(),
        "model.toml",
        "discount_rate = 0.10",
        "discount_rate = 1",
    );
    refused_before_solve(
        m.path(),
        &[],
        &["model.toml: column 'base_year': period \"2025\" weighs 6.071e82"],
    );
}

/// A US magnet plant against imports from China, with two candidates (a
/// at 2e6, b at 3e6), the portfolios and the model.toml lines given.
fn candidates(settings: &str, portfolios: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        (
            "model.toml",
            format!("name = \"builds\"\nfirst_year = 2026\nlast_year = 2028\nshortage_penalty = 1000000\n{settings}"),
        ),
        ("countries.csv", "code,name,region\nCN,China,asia\nUS,United States,americas\n".into()),
        ("commodities.csv", "id,stage,ref_value\nmagnet,magnet,50000\n".into()),
        ("processes.csv", "process,commodity,coef\nmake_magnet,magnet,1\n".into()),
        (
            "facilities.csv",
            "id,country,process,capacity,status,variable_cost,build_cost,lead_years\n\
             cn_plant,CN,make_magnet,1000,operating,10000,,\n\
             us_a,US,make_magnet,100,candidate,20000,2000000,0\n\
             us_b,US,make_magnet,100,candidate,20000,3000000,0\n"
                .into(),
        ),
        ("transport.csv", "from_region,to_region,commodity,cost\nasia,americas,magnet,0\namericas,americas,magnet,0\n".into()),
        ("demand.csv", "country,sector,commodity,period,tonnes\nUS,ev,magnet,2026,100\n".into()),
        ("portfolios.csv", format!("portfolio,facility,mode\n{portfolios}")),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn solves(dir: &Path, args: &[&str]) {
    let mut all = vec!["solve", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = rareflow(&all);
    assert_eq!(o.status.code(), Some(0), "solve {args:?}: {}", stderr(&o));
}

const BOTH: &str = "p,us_a,force\np,us_b,force\nq,us_a,allow\n";

#[test]
fn a_forced_build_over_the_budget_is_refused_at_its_row() {
    let m = candidates("build_budget = 1500000\n", BOTH);
    refused_before_solve(
        m.path(),
        &["--portfolio", "p"],
        &[
            "portfolios.csv:2: column 'facility': portfolio \"p\" forces \"us_a\", whose build_cost 2000000 exceeds build_budget 1500000",
            "portfolios.csv:3: column 'facility': portfolio \"p\" forces \"us_b\", whose build_cost 3000000 exceeds build_budget 1500000",
        ],
    );
    // The other portfolio and the default still solve.
    solves(m.path(), &["--portfolio", "q"]);
    solves(m.path(), &[]);
}

#[test]
fn a_forced_build_over_the_budget_per_period_is_refused_at_its_row() {
    let m = candidates("build_budget_per_period = 2500000\n", BOTH);
    refused_before_solve(
        m.path(),
        &["--portfolio", "p"],
        &["portfolios.csv:3: column 'facility': portfolio \"p\" forces \"us_b\", whose build_cost 3000000 exceeds build_budget_per_period 2500000 in model.toml (in whichever period it starts)"],
    );
}

#[test]
fn forced_builds_over_the_budget_together_are_refused() {
    let m = candidates("build_budget = 4000000\n", BOTH);
    refused_before_solve(
        m.path(),
        &["--portfolio", "p"],
        &["portfolios.csv:2: column 'facility': portfolio \"p\" forces \"us_a\", \"us_b\", whose build_cost adds up to 5000000, more than build_budget 4000000 in model.toml"],
    );
    // Exactly at the budget, both are built.
    let m = candidates("build_budget = 5000000\n", BOTH);
    solves(m.path(), &["--portfolio", "p"]);
}

#[test]
fn max_builds_below_the_forced_builds_is_refused() {
    let m = candidates("max_builds = 0\n", "p,us_a,force\n");
    refused_before_solve(
        m.path(),
        &["--portfolio", "p"],
        &["model.toml: column 'max_builds': max_builds is 0, but portfolio \"p\" forces 1 candidate to be built"],
    );
    // Under `none` the limits are off.
    solves(m.path(), &["--portfolio", "none"]);
}

#[test]
fn min_builds_above_the_candidates_allowed_is_refused() {
    let m = candidates("min_builds = 2\n", "q,us_a,allow\n");
    refused_before_solve(
        m.path(),
        &["--portfolio", "q"],
        &["model.toml: column 'min_builds': min_builds is 2, but portfolio \"q\" has only 1 candidate that can be built"],
    );
    solves(m.path(), &[]);
    let m = candidates("min_builds = 3\n", "q,us_a,allow\n");
    refused_before_solve(
        m.path(),
        &[],
        &["model.toml: column 'min_builds': min_builds is 3, but the model has only 2 candidates that can be built"],
    );
}

#[test]
fn min_builds_dearer_than_the_budget_is_refused() {
    let m = candidates("min_builds = 2\nbuild_budget = 4000000\n", "q,us_a,allow\n");
    refused_before_solve(
        m.path(),
        &[],
        &["model.toml: column 'min_builds': min_builds is 2, but the cheapest 2 builds the model allows cost 5000000 together, more than build_budget 4000000"],
    );
}

/// The cells of column `col` of a CSV text, as (line index, field index).
fn cells(text: &str, col: &str) -> Vec<(usize, usize)> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#'));
    let (_, header) = lines.next().unwrap();
    let Some(k) = header.split(',').position(|h| h == col) else {
        return Vec::new();
    };
    lines
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, _)| (i, k))
        .collect()
}

/// `text` with the cells given set to `value`.
fn with_cells(text: &str, at: &[(usize, usize)], value: &str) -> String {
    let mut out: Vec<String> = text.lines().map(str::to_string).collect();
    for &(i, k) in at {
        let mut fields: Vec<&str> = out[i].split(',').collect();
        fields[k] = value;
        out[i] = fields.join(",");
    }
    out.join("\n") + "\n"
}

/// Solves with `--out`: a verified plan (exit 0, results written) or a
/// refusal (exit 3, nothing written), never a solver failure or an
/// unverified plan.
fn solved_or_refused(dir: &Path, what: &str) -> i32 {
    let results = tempfile::tempdir().unwrap();
    let out = results.path().join("results");
    let o = rareflow(&[
        "solve",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let code = o.status.code().unwrap_or(-1);
    assert!(matches!(code, 0 | 3), "{what}: exit {code}: {}", stderr(&o));
    assert_eq!(
        out.exists(),
        code == 0,
        "{what}: results written iff solved"
    );
    if out.exists() {
        std::fs::remove_dir_all(&out).unwrap();
    }
    code
}

/// models/tiny with every number column the schema has: the optional
/// columns of facilities.csv, a candidate magnet plant in Japan, a
/// written lane with a capacity, and demand curves.
fn tiny_with_every_number_column() -> tempfile::TempDir {
    let m = copy_tiny();
    edit(m.path(), "facilities.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(|l| format!("{l},,,")).collect();
        lines[0] = lines[0].replace(",,,", ",build_cost,lead_years,lifetime");
        lines
            .push("jp_magnet,JP magnets,jp,JP,make_magnet,100,candidate,,,,9000,0,5e7,1,10".into());
        lines.join("\n") + "\n"
    });
    edit(m.path(), "lanes.csv", |_| {
        "from,to,commodity,cost,capacity\nweld_mine,baotou_sep,conc,10,1000\n".into()
    });
    edit(m.path(), "demand.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(|l| format!("{l},50000,-0.3")).collect();
        lines[0] = lines[0].replace(",50000,-0.3", ",price,elasticity");
        lines.join("\n") + "\n"
    });
    m
}

/// Every number column of the schema, in models/tiny (with the columns it
/// leaves out added), set to its documented limit (and, for a signed
/// column, to minus it), in every row at once and in each row on its own:
/// the model solves to a verified plan or is refused, never exit 1 or 7.
#[test]
fn every_number_at_its_documented_limit_solves_or_is_refused() {
    let m = tiny_with_every_number_column();
    assert_eq!(solved_or_refused(m.path(), "the fixture"), 0);
    let (mut solved, mut refused) = (0, 0);
    for table in TABLES {
        let Ok(original) = std::fs::read_to_string(m.path().join(table.file)) else {
            continue;
        };
        for column in table.columns {
            let Some(limit) = column.limit else { continue };
            let at = cells(&original, column.name);
            assert!(
                !at.is_empty(),
                "{} {} is not exercised",
                table.file,
                column.name
            );
            let mut values = vec![format!("{limit:e}")];
            if column.kind == Kind::Number {
                values.push(format!("{:e}", -limit));
            }
            for value in &values {
                let mut variants = vec![at.clone()];
                variants.extend(at.iter().map(|c| vec![*c]));
                for cells in variants {
                    let text = with_cells(&original, &cells, value);
                    std::fs::write(m.path().join(table.file), text).unwrap();
                    let what = format!("{} {} = {value} at {cells:?}", table.file, column.name);
                    match solved_or_refused(m.path(), &what) {
                        0 => solved += 1,
                        _ => refused += 1,
                    }
                }
            }
        }
        std::fs::write(m.path().join(table.file), &original).unwrap();
    }
    for (key, value) in [("discount_rate", "1"), ("shortage_penalty", "1e9")] {
        let m = copy_tiny();
        edit(m.path(), "model.toml", |t| {
            t.lines()
                .map(|l| {
                    if l.starts_with(&format!("{key} =")) {
                        format!("{key} = {value}")
                    } else {
                        l.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
        match solved_or_refused(m.path(), key) {
            0 => solved += 1,
            _ => refused += 1,
        }
    }
    assert!(
        solved > 10 && refused > 10,
        "solved {solved}, refused {refused}"
    );
}

/// models/README.md gives every column's limit in its meaning cell.
#[test]
fn every_limit_is_documented() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/models/README.md")).unwrap();
    for table in TABLES {
        let start = readme
            .find(&format!("\n## `{}`\n", table.file))
            .unwrap_or_else(|| panic!("no section for {}", table.file));
        let section = &readme[start + 1..];
        let section = &section[..section[1..].find("\n#").map_or(section.len(), |e| e + 1)];
        for column in table.columns {
            let Some(limit) = column.limit else { continue };
            let row = section
                .lines()
                .find(|l| l.starts_with(&format!("| `{}` |", column.name)))
                .unwrap_or_else(|| panic!("{} {} is not documented", table.file, column.name));
            let meaning = row.trim_end_matches('|').rsplit('|').next().unwrap();
            assert!(
                meaning.contains(&limits::show(limit)),
                "{} {}: the meaning does not give the limit {}: {meaning}",
                table.file,
                column.name,
                limits::show(limit)
            );
        }
    }
}
