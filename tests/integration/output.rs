//! What rareflow leaves behind, through the real binary: stdout closed by
//! its reader (exit 0, quietly) or full (exit 5), result directories
//! replaced as one set even when runs are killed at random moments, `--out`
//! refused inside the model, result files that do not depend on the order
//! of the model's rows, warnings shown before a failed solve, and numeric
//! flags checked with their own messages.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

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

/// A copy of models/tiny with its scenarios.
fn tiny_with_scenarios() -> tempfile::TempDir {
    let m = copy_tiny();
    let scenarios = m.path().join("scenarios");
    fs::create_dir(&scenarios).unwrap();
    for e in fs::read_dir(tiny_dir().join("scenarios")).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), scenarios.join(e.file_name())).unwrap();
    }
    m
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

/// The leftovers of killed runs beside `out`: each must be a staging or
/// old directory of one of `pids`.
fn leftovers(parent: &Path, pids: &[u32]) -> Vec<String> {
    let left: Vec<String> = names(parent).into_iter().filter(|n| n != "out").collect();
    for n in &left {
        let pid = n
            .strip_prefix(".out.rareflow-staging-")
            .or_else(|| n.strip_prefix(".out.rareflow-old-"))
            .and_then(|p| p.parse::<u32>().ok());
        assert!(pid.is_some_and(|p| pids.contains(&p)), "unexpected {n}");
    }
    left
}

/// Result files were renamed into place one at a time, so a run killed
/// between two renames left a mix of two runs' files (and temporary files).
/// Runs killed at random moments must leave `out` absent, or holding the
/// complete set of one run; a run that finishes leaves its own set and
/// clears what killed runs left. Two futures alternate, so a mix shows.
#[test]
fn runs_killed_at_random_moments_leave_one_complete_set() {
    let tmp = tempfile::tempdir().unwrap();
    let tiny = tiny_dir();
    let variants: [Vec<&str>; 2] = [
        vec!["solve", path(&tiny)],
        vec!["solve", path(&tiny), "--scenario", "china-halt-us"],
    ];
    // Kills land anywhere in a run: delays up to the longest full run
    // (at most 50 ms).
    let mut span = Duration::from_millis(5);
    let reference: Vec<_> = variants
        .iter()
        .enumerate()
        .map(|(v, args)| {
            let dir = tmp.path().join(format!("ref{v}"));
            let start = std::time::Instant::now();
            let o = bin().args(args).arg("--out").arg(&dir).output().unwrap();
            span = span.max(start.elapsed()).min(Duration::from_millis(50));
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            snapshot(&dir).unwrap()
        })
        .collect();
    assert_ne!(reference[0], reference[1]);
    let parent = tmp.path().join("p");
    fs::create_dir(&parent).unwrap();
    let out = parent.join("out");
    let (mut seq, mut pids) = (Seq(0x5EED_F0D7), Vec::new());
    let mut seen = [0usize; 5];
    for i in 0..40 {
        let v = i % 2;
        let mut child = bin()
            .args(&variants[v])
            .arg("--out")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        pids.push(child.id());
        std::thread::sleep(Duration::from_micros(seq.below(span.as_micros() as u64)));
        let _ = child.kill();
        let status = child.wait().unwrap();
        // Killed (no exit code), or finished with success.
        assert!(
            status.code().is_none() || status.success(),
            "run {i}: {status}"
        );
        let finished = status.success();
        let now = snapshot(&out);
        let left = leftovers(&parent, &pids);
        if finished {
            assert_eq!(now.as_ref(), Some(&reference[v]), "run {i} finished");
            assert_eq!(left, Vec::<String>::new(), "run {i} finished");
        } else if let Some(set) = &now {
            let names: Vec<&String> = set.keys().collect();
            assert!(reference.contains(set), "run {i}: a mixed set {names:?}");
        }
        let k = match (finished, &now) {
            (true, _) => 0,
            (false, Some(set)) if *set == reference[v] => 1,
            (false, Some(_)) => 2,
            (false, None) => 3,
        };
        seen[k] += 1;
        seen[4] += usize::from(!left.is_empty());
    }
    eprintln!(
        "delays up to {span:?}: finished {}; killed leaving the new set {}, the previous \
         set {}, none {}; leftovers seen after {} runs",
        seen[0], seen[1], seen[2], seen[3], seen[4]
    );
    let o = bin()
        .args(&variants[0])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(snapshot(&out).as_ref(), Some(&reference[0]));
    assert_eq!(names(&parent), ["out"]);
}

/// A run killed between its two renames leaves the previous set under an
/// old name and no `out`: the next run puts it back before anything else,
/// even if that run then fails, and removes every leftover.
#[test]
fn a_swap_cut_short_is_put_back_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let tiny = tiny_dir();
    let solve = |stdout: Stdio| {
        bin()
            .args(["solve", path(&tiny), "--out", path(&out)])
            .stdout(stdout)
            .output()
            .unwrap()
    };
    assert_eq!(solve(Stdio::null()).status.code(), Some(0));
    let previous = snapshot(&out);
    // Process ids above any pid_max: runs that are gone.
    fs::rename(&out, tmp.path().join(".out.rareflow-old-4000000001")).unwrap();
    let staging = tmp.path().join(".out.rareflow-staging-4000000002");
    fs::create_dir(&staging).unwrap();
    fs::write(staging.join("flows.csv"), "half").unwrap();
    let failing = full().map_or_else(Stdio::null, Stdio::from);
    solve(failing);
    assert_eq!(snapshot(&out), previous);
    assert_eq!(names(tmp.path()), ["out"]);
}

#[test]
fn out_is_created_with_the_umask_mode_and_never_over_other_files() {
    let tmp = tempfile::tempdir().unwrap();
    let tiny = tiny_dir();
    let solve = |out: &Path| rareflow(&["solve", path(&tiny), "--out", path(out)]);
    let out = tmp.path().join("a/b/out");
    assert_eq!(solve(&out).status.code(), Some(0));
    assert_eq!(names(&out).len(), RESULT_FILES.len());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let plain = tmp.path().join("plain");
        fs::write(&plain, "").unwrap();
        assert_eq!(
            mode(&out.join("flows.csv")),
            mode(&plain),
            "not the umask's mode"
        );
    }
    let file = tmp.path().join("file");
    fs::write(&file, "mine").unwrap();
    for (out, says) in [
        (file.clone(), "it exists and is not a directory"),
        (file.join("sub"), "Not a directory"),
    ] {
        let o = solve(&out);
        assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
    }
    assert_eq!(fs::read_to_string(&file).unwrap(), "mine");
    let mixed = tmp.path().join("mixed");
    fs::create_dir(&mixed).unwrap();
    fs::write(mixed.join("notes.txt"), "keep").unwrap();
    let o = solve(&mixed);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("rareflow did not write (notes.txt)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(names(&mixed), ["notes.txt"]);
    assert_eq!(names(tmp.path()), ["a", "file", "mixed", "plain"]);
}

/// `--out MODEL/results` and `--out MODEL/scenarios` were accepted (only
/// `--out MODEL` itself was refused), although results are never to be
/// written into the model's directory.
#[test]
fn out_inside_the_model_is_refused() {
    let m = tiny_with_scenarios();
    let model = m.path();
    let before = names(model);
    let link = tempfile::tempdir().unwrap();
    let alias = link.path().join("alias");
    #[cfg(unix)]
    std::os::unix::fs::symlink(model, &alias).unwrap();
    let mut outs: Vec<PathBuf> = vec![
        model.to_path_buf(),
        model.join("results"),
        model.join("scenarios"),
        model.join("new/deeper"),
        model.join("x/../results"),
        model.join("."),
    ];
    if alias.exists() {
        outs.push(alias.join("results"));
    }
    for out in outs {
        for command in ["solve", "compare"] {
            let o = rareflow(&[command, path(model), "--out", path(&out)]);
            let what = format!("{command} --out {}: {}", out.display(), stderr(&o));
            assert_eq!(o.status.code(), Some(5), "{what}");
            assert!(stderr(&o).contains("model's directory"), "{what}");
            assert!(stdout(&o).is_empty());
        }
    }
    assert_eq!(names(model), before);
    assert_eq!(names(&model.join("scenarios")).len(), 4);
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

/// models/tiny with two content rules: at most half of US magnets mined in
/// a FEOC country, at most a fifth of Japan's mined in Myanmar.
fn two_content_rules() -> tempfile::TempDir {
    let m = copy_tiny();
    std::fs::write(
        m.path().join("content_rules.csv"),
        "id,market,origin,stages,max_share\n\
         us-feoc-half,US,feoc,mined,0.5\n\
         jp-mm-fifth,JP,MM,mined,0.2\n",
    )
    .unwrap();
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
        two_content_rules,
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
                let got = got.get(name).map(|b| without_run(name, b));
                assert!(
                    got == Some(without_run(name, bytes)),
                    "{name} depends on row order"
                );
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
/// never be built, and `min_builds = 1` (refused before the solve, exit 3).
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
        assert_eq!(o.status.code(), Some(3), "{command}: {err}");
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

/// A full or closed stderr was a panic (`eprintln!`): now nothing can be
/// reported there, so the exit code alone tells the outcome.
#[test]
fn a_full_stderr_never_panics() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("skipped: this machine has no /dev/full");
        return;
    };
    for (args, code) in [
        (vec!["solve", path(&tiny_dir())], 0),
        (vec!["solve", "/no/such/model"], 4),
    ] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_rareflow"))
            .args(&args)
            .stderr(full.try_clone().unwrap())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(code), "{args:?}");
    }
}
