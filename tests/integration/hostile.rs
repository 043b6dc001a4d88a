//! Hostile input, through the real binary: very large files, quoted cells
//! that look like comments, broken `model.toml` files, binary junk and
//! paths that are not what they claim. Each test pins the exit code and
//! where the problem is reported (`file:line`, and `:column` for TOML).

use std::fmt::Write;
use std::time::{Duration, Instant};

use crate::common::*;

/// Loading is linear in the size of a file: 200,000 demand rows (2
/// countries × 10 periods × 10,000 sectors) take about a second, where
/// counting lines from the start of the file for every row took minutes.
/// The one bad cell, on the last row, is still found at its line, past a
/// comment line and a blank line in the middle of the file; a scenario that
/// removes half the rows takes no longer.
#[test]
fn a_large_file_loads_in_linear_time_and_keeps_its_line_numbers() {
    let m = copy_tiny();
    edit(m.path(), "model.toml", |t| {
        t.replace("last_year = 2026", "last_year = 2034")
    });
    let rows = 200_000;
    let mut demand = String::from("country,sector,commodity,period,tonnes,shortage_penalty\n");
    for k in 0..rows {
        if k == rows / 2 {
            demand.push_str("# the second half\n\n");
        }
        let (country, year) = (["JP", "US"][k / 10 % 2], 2025 + k % 10);
        let tonnes = if k == rows - 1 {
            "x".to_string()
        } else {
            (1 + k % 500).to_string()
        };
        writeln!(demand, "{country},s{:05},magnet,{year},{tonnes},", k / 20).unwrap();
    }
    std::fs::write(m.path().join("demand.csv"), demand).unwrap();
    let start = Instant::now();
    // header + rows + the comment and the blank line
    let last = rows + 3;
    validate_reports(
        m.path(),
        3,
        &[&format!(
            "demand.csv:{last}: column 'tonnes': expected a finite number >= 0, found \"x\""
        )],
    );
    // A scenario removing half the rows (the bad one among them) is as
    // quick: the rows kept are not searched for in the list removed.
    let scenario = m.path().join("no-us.toml");
    let toml = "description = \"no US\"\n[[remove]]\nfile = \"demand.csv\"\nmatch = { country = \"US\" }\n";
    std::fs::write(&scenario, toml).unwrap();
    let dir = m.path().to_str().unwrap();
    let o = rareflow(&["validate", dir, "--scenario", scenario.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(", 100000 demand segments,"),
        "{}",
        stdout(&o)
    );
    let took = start.elapsed();
    assert!(took < Duration::from_secs(40), "{took:?}");
}

/// A quoted cell may hold a line break followed by `#`: a comment starts
/// only where a record does, never inside a quoted cell. The rows after it
/// keep their lines.
#[test]
fn a_hash_after_a_line_break_inside_a_quoted_cell_is_text() {
    let m = copy_tiny();
    replace(
        m.path(),
        "facilities.csv",
        "baotou_mine,Bayan Obo (bastnasite),",
        "baotou_mine,\"Bayan Obo\n# east pit, and west\",",
    );
    let o = rareflow(&["validate", m.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    replace(m.path(), "facilities.csv", "AU,mine,400,", "AU,mine,4OO,");
    validate_reports(
        m.path(),
        3,
        &["facilities.csv:4: column 'capacity': expected a finite number >= 0, found \"4OO\""],
    );
}

/// Binary junk is named for what it is, not taken for a `;`-separated
/// file; `;` is named only when the header splits on it into column names.
#[test]
fn binary_junk_is_not_told_it_is_separated_by_semicolons() {
    let m = copy_tiny();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x02\0\0\0\x90\x91h6;\0";
    std::fs::write(m.path().join("facilities.csv"), png).unwrap();
    edit(m.path(), "tariffs.csv", |_| "a;b;c\n1;2;3\n".into());
    let err = validate_reports(
        m.path(),
        3,
        &[
            "facilities.csv:1: expected a text file (UTF-8), found a PNG image",
            "tariffs.csv:1: column 'a;b;c': unknown column",
        ],
    );
    assert!(!err.contains("separated by"), "{err}");
    assert!(!err.contains("facilities.csv:1: column"), "{err}");
}

/// A tab-separated export (spreadsheets call it "text") gets the same hint
/// as a `;`-separated one.
#[test]
fn a_tab_separated_file_is_named_as_such() {
    let m = copy_tiny();
    edit(m.path(), "demand.csv", |t| t.replace(',', "\t"));
    validate_reports(
        m.path(),
        3,
        &["demand.csv:1: the file is separated by tabs"],
    );
}

/// An unterminated quote swallows the rest of the file into one cell: the
/// message names the line where the quote opens, not a field count.
#[test]
fn an_unterminated_quote_is_named_at_its_line() {
    let m = copy_tiny();
    replace(
        m.path(),
        "demand.csv",
        "US,ev,magnet,2025,",
        "US,\"ev,magnet,2025,",
    );
    let err = validate_reports(
        m.path(),
        3,
        &["demand.csv:4: unterminated quote starting on line 4"],
    );
    assert!(!err.contains("fields (as in the header)"), "{err}");
}

/// A model path that is a file is not "not found": it is a file (exit 4).
#[test]
fn a_model_path_that_is_a_file_is_named_as_a_file() {
    let model = tiny_dir().join("model.toml");
    let o = rareflow(&["validate", model.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert!(
        err.contains(&format!(
            "{}: is a file, not a model directory",
            model.display()
        )),
        "{err}"
    );
    assert!(!err.contains("not found"), "{err}");
}

/// `--scenario` given a directory, a file that is not `.toml`, or a
/// `model.toml`: each is told what a scenario file is.
#[test]
fn a_scenario_path_must_be_a_scenario_file() {
    let tiny = tiny_dir();
    let dir = tiny.to_str().unwrap();
    let run = |scenario: &str, code: i32, expected: &str| {
        let o = rareflow(&["validate", dir, "--scenario", scenario]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(code), "{scenario}: {err}");
        assert!(
            err.contains(expected),
            "{scenario}: expected {expected:?} in:\n{err}"
        );
    };
    let expected = "--scenario takes a scenario file ending in .toml";
    run(
        dir,
        4,
        &format!("{dir}: a directory, not a scenario file; {expected}"),
    );
    let readme = format!("{dir}/README.md");
    run(
        &readme,
        4,
        &format!("{readme}: not a scenario file; {expected}"),
    );
    let toml = format!("{dir}/model.toml");
    run(
        &toml,
        3,
        &format!(
            "{toml}:3:1: column 'name': not a scenario key: a scenario file's top-level \
             keys are description, remove, set, scale, add (this looks like a model.toml, \
             not a scenario)"
        ),
    );
}

/// Every problem of `model.toml` in one run, each at line:column and in
/// the user's words: both missing keys, a wrong type and the problem after
/// it, a duplicated key by name.
#[test]
fn every_problem_of_model_toml_is_reported_in_one_run() {
    let m = copy_tiny();
    edit(m.path(), "model.toml", |_| {
        "description = \"broken\"\n\
         first_year = 2025.5\n\
         last_year = 2026\n\
         discount_rate = \"8%\"\n\
         max_builds = -1\n\
         currency = \"USD\"\n\
         currency = \"EUR\"\n"
            .into()
    });
    let err = validate_reports(
        m.path(),
        3,
        &[
            "model.toml:1:1: column 'name': required key is missing",
            "model.toml:1:1: column 'shortage_penalty': required key is missing",
            "model.toml:2:14: column 'first_year': expected a whole number (year), found \"2025.5\"",
            "model.toml:4:17: column 'discount_rate': expected a number, found the text \"8%\"",
            "model.toml:5:14: column 'max_builds': expected a whole number >= 0, found -1",
            "model.toml:7:1: column 'currency': duplicate key \"currency\" (first set on line 6)",
        ],
    );
    assert!(!err.contains("i64") && !err.contains("f64"), "{err}");
}
