//! What rareflow leaves behind, through the real binary: stdout closed by
//! its reader (exit 0, quietly) or full (exit 5), result files that do not
//! depend on the order of the model's rows, warnings shown before a failed
//! solve, and numeric flags checked with their own messages.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use rareflow::report::files::RESULT_FILES;

use crate::common::*;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rareflow"))
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every file of a directory with its bytes, or `None` when it is absent.
fn snapshot(dir: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    let entries = fs::read_dir(dir).ok()?;
    Some(
        entries
            .map(|e| {
                let e = e.unwrap();
                let name = e.file_name().to_string_lossy().into_owned();
                (name, fs::read(e.path()).unwrap())
            })
            .collect(),
    )
}

/// The names in a directory, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// stdout that refuses every write: `/dev/full`, where there is one.
fn full() -> Option<fs::File> {
    fs::File::options().write(true).open("/dev/full").ok()
}

/// A small deterministic sequence (xorshift64), so a failure replays.
struct Seq(u64);

impl Seq {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// A run with its stdout closed by the reader before anything is printed.
fn with_closed_stdout(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    bin()
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

/// `rareflow solve models/tiny | head -1` panicked with exit 101 when head
/// had gone; now the run ends quietly, with exit 0, and (exit 0 being
/// success) its results written.
#[test]
fn closed_stdout_ends_the_run_quietly_with_exit_0() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let tiny = tiny_dir();
    let runs: [&[&str]; 6] = [
        &["solve", path(&tiny), "--out", path(&out)],
        &["solve", path(&tiny), "--format", "json"],
        &["validate", path(&tiny)],
        &["scenarios", path(&tiny)],
        &["compare", path(&tiny), "--scenarios", "baseline"],
        &["--help"],
    ];
    for args in runs {
        let o = with_closed_stdout(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{args:?}");
    }
    assert_eq!(names(&out).len(), RESULT_FILES.len());
}

/// `> /dev/full` panicked with exit 101; now it is exit 5 with a message,
/// and the results directory keeps what it held (nothing, or the previous
/// set).
#[test]
fn full_stdout_exits_5_and_leaves_no_new_results() {
    let Some(_) = full() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let tiny = tiny_dir();
    let solve = |extra: &[&str], stdout: Stdio| {
        bin()
            .args(["solve", path(&tiny), "--out", path(&out)])
            .args(extra)
            .stdout(stdout)
            .output()
            .unwrap()
    };
    let o = solve(&[], full().unwrap().into());
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("error: stdout: cannot write: No space left on device"),
        "{}",
        stderr(&o)
    );
    assert!(names(tmp.path()).is_empty(), "{:?}", names(tmp.path()));
    let o = solve(&["--scenario", "china-halt-us"], Stdio::null());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let previous = snapshot(&out);
    let o = solve(&[], full().unwrap().into());
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert_eq!(snapshot(&out), previous, "the previous set was changed");
    assert_eq!(names(tmp.path()), ["out"]);
    for args in [vec!["--help"], vec!["scenarios", path(&tiny)]] {
        let o = bin().args(&args).stdout(full().unwrap()).output().unwrap();
        assert_eq!(o.status.code(), Some(5), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    }
}

/// Shuffles the data rows of every CSV of a model directory.
fn shuffle_rows(dir: &Path, seq: &mut Seq) {
    for name in names(dir).into_iter().filter(|n| n.ends_with(".csv")) {
        edit(dir, &name, |t| {
            let mut lines = t.lines().filter(|l| !l.starts_with('#') && !l.is_empty());
            let header = lines.next().unwrap_or_default().to_string();
            let mut rows: Vec<&str> = lines.collect();
            for i in (1..rows.len()).rev() {
                rows.swap(i, seq.below(i as u64 + 1) as usize);
            }
            rows.iter().fold(header + "\n", |acc, r| acc + r + "\n")
        });
    }
}

/// models/tiny with a second export control and a second tariff, each
/// written after the first but sorting before it.
fn two_controls_two_tariffs() -> tempfile::TempDir {
    let m = copy_tiny();
    edit(m.path(), "export_controls.csv", |t| {
        t + "au-conc-cn,AU,conc,CN,250,2025..2026\n"
    });
    edit(m.path(), "tariffs.csv", |t| {
        t + "A US surcharge on magnets,US,CN,magnet,0.05,100,2026\n"
    });
    m
}

/// With the rows of export_controls.csv shuffled, caps.csv and
/// summary.json's caps came out in the file's order. Every result file must
/// be byte-identical whatever the order of every CSV's rows.
#[test]
fn results_do_not_depend_on_the_order_of_input_rows() {
    let mut seq = Seq(0x00C5_0DE5);
    let runs = tempfile::tempdir().unwrap();
    for (k, make) in [
        copy_tiny as fn() -> tempfile::TempDir,
        two_controls_two_tariffs,
    ]
    .into_iter()
    .enumerate()
    {
        let model = make();
        let solve = |m: &Path, n: usize| {
            let out = runs.path().join(format!("{k}-{n}"));
            let o = rareflow(&["solve", path(m), "--out", path(&out)]);
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            snapshot(&out).unwrap()
        };
        let reference = solve(model.path(), 0);
        for n in 1..=3 {
            let shuffled = make();
            shuffle_rows(shuffled.path(), &mut seq);
            let got = solve(shuffled.path(), n);
            for (name, bytes) in &reference {
                assert!(got.get(name) == Some(bytes), "{name} depends on row order");
            }
        }
        if k == 1 {
            let caps = String::from_utf8(reference["caps.csv"].clone()).unwrap();
            let keys: Vec<&str> = caps
                .lines()
                .skip(1)
                .map(|l| &l[..l.rfind(',').unwrap()])
                .collect();
            assert!(keys[0].starts_with("2025,au-conc-cn,"), "{caps}");
            assert!(keys[1].starts_with("2025,cn-magnets-us,"), "{caps}");
            assert!(keys[2].starts_with("2026,au-conc-cn,"), "{caps}");
        }
    }
}

/// Warnings were printed after a successful solve only, so a solve that
/// failed lost the warning that explained it: here a candidate that can
/// never be built, and `min_builds = 1`.
#[test]
fn warnings_are_printed_before_a_solve_that_fails() {
    let m = copy_tiny();
    edit(m.path(), "model.toml", |t| t + "min_builds = 1\n");
    edit(m.path(), "facilities.csv", |t| {
        let mut lines = t.lines();
        let mut out = format!("{},build_cost,lead_years\n", lines.next().unwrap());
        for l in lines {
            out += &format!("{l},,\n");
        }
        out + "us_magnet,US magnets,x,US,make_magnet,100,candidate,,,,9000,0,1000000,5\n"
    });
    let warning = "warning: column 'lead_years': candidate \"us_magnet\" cannot start";
    for command in ["solve", "invest"] {
        let o = rareflow(&[command, path(m.path())]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(6), "{command}: {err}");
        let (w, e) = (err.find(warning), err.find("error: "));
        assert!(w.is_some() && w < e, "{command}: {err}");
    }
}

/// `--mip-gap 2` (200%) was accepted, and `--mip-gap -0.1` was reported by
/// clap as "unexpected argument '-0'".
#[test]
fn numeric_flags_are_checked_with_their_own_messages() {
    let tiny = tiny_dir();
    for (flag, value, says) in [
        (
            "--mip-gap",
            "2",
            "expected a gap between 0 and 1, found \"2\"",
        ),
        (
            "--mip-gap",
            "-0.1",
            "expected a gap between 0 and 1, found \"-0.1\"",
        ),
        (
            "--mip-gap",
            "nan",
            "expected a gap between 0 and 1, found \"nan\"",
        ),
        (
            "--time-limit",
            "-5",
            "expected a finite number >= 0, found \"-5\"",
        ),
        ("--threads", "-1", "-1 is not in 1..=256"),
    ] {
        let o = rareflow(&["solve", path(&tiny), flag, value]);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{flag} {value}: {}", stderr(&o));
    }
    let o = rareflow(&["invest", path(&tiny), "--alpha", "-0.5"]);
    assert!(
        stderr(&o).contains("expected a level in [0, 1), found \"-0.5\""),
        "{}",
        stderr(&o)
    );
    for gap in ["0", "1"] {
        let o = rareflow(&["solve", path(&tiny), "--mip-gap", gap]);
        assert_eq!(o.status.code(), Some(0), "--mip-gap {gap}: {}", stderr(&o));
    }
}
