//! The habits users of command-line tools expect, through the real binary:
//! `-q` and `-v`, `init`, shell completions and the man page, and the run
//! metadata under `run` in every JSON document and in summary.json.

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

#[test]
fn quiet_drops_times_and_warnings_but_never_results_or_errors() {
    let tiny = tiny();
    let normal = run(&["solve", &tiny], 0);
    assert!(
        stderr(&normal).contains("times: load"),
        "{}",
        stderr(&normal)
    );
    let quiet = run(&["-q", "solve", &tiny], 0);
    assert_eq!(stderr(&quiet), "");
    assert_eq!(quiet.stdout, normal.stdout);
    // After the subcommand too (a global flag), and for sweeps' counts.
    let o = run(
        &[
            "sweep",
            &tiny,
            "--set",
            "capacity[cn_magnet]=600,800",
            "--quiet",
        ],
        0,
    );
    assert_eq!(stderr(&o), "");
    // A model with a warning: shown by default, not with -q.
    let dir = copy_tiny();
    edit(dir.path(), "countries.csv", |t| {
        t + "GL,Greenland,arctic,\n"
    });
    edit(dir.path(), "facilities.csv", |t| {
        t + "gl_mine,Kvanefjeld,gm,GL,mine,100,operating,,,,900,0\n"
    });
    let model = dir.path().to_str().unwrap();
    let warned = run(&["solve", model], 0);
    let quiet = run(&["-q", "solve", model], 0);
    assert!(stderr(&warned).contains("warning"), "{}", stderr(&warned));
    assert_eq!(stderr(&quiet), "");
    // Errors always.
    let o = run(&["-q", "solve", &tiny, "--scenario", "nope"], 4);
    assert!(stderr(&o).contains("error: "), "{}", stderr(&o));
    run(&["-q", "-v", "solve", &tiny], 2);
}

#[test]
fn verbose_shows_the_highs_log_on_stderr_and_leaves_stdout_alone() {
    let tiny = tiny();
    let normal = run(&["solve", &tiny, "--format", "json"], 0);
    let verbose = run(&["-v", "solve", &tiny, "--format", "json"], 0);
    assert_eq!(verbose.stdout, normal.stdout);
    let err = stderr(&verbose);
    assert!(err.contains("26 rows; 44 cols; 68 nonzeros"), "{err}");
    assert!(err.contains("Objective value"), "{err}");
    assert!(!stderr(&normal).contains("Objective value"));
}

#[test]
fn init_writes_the_built_in_model_which_then_solves_alike() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mine");
    let d = dir.to_str().unwrap();
    let o = run(&["init", d], 0);
    assert!(
        stdout(&o).contains(&format!("rareflow solve {d}")),
        "{}",
        stdout(&o)
    );
    assert!(dir.join("model.toml").is_file());
    assert!(dir.join("scenarios/china-halt-us.toml").is_file());
    let embedded = json(&run(
        &["solve", "--portfolio", "none", "--format", "json"],
        0,
    ));
    let written = json(&run(
        &["solve", d, "--portfolio", "none", "--format", "json"],
        0,
    ));
    assert_eq!(embedded["objective"], written["objective"]);
    let hash = |v: &serde_json::Value| v["run"]["model"]["sha256"].clone();
    assert_eq!(hash(&embedded), hash(&written));
    assert_eq!(written["run"]["model"]["source"], d);
    // A directory that holds anything is refused, and left as it was.
    let o = run(&["init", d], 5);
    assert!(stderr(&o).contains("not empty"), "{}", stderr(&o));
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    run(&["init", other.to_str().unwrap()], 5);
    let names: Vec<_> = std::fs::read_dir(&other).unwrap().collect();
    assert_eq!(names.len(), 1);
    // An empty directory is fine; nothing is left beside it.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    run(&["init", empty.to_str().unwrap()], 0);
    let beside: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}

#[test]
fn completions_and_man_page_come_from_the_command_line() {
    let bash = stdout(&run(&["completions", "bash"], 0));
    for name in ["solve", "compare", "init", "completions", "man", "graph"] {
        assert!(
            bash.contains(&format!("rareflow__subcmd__{name})")),
            "{name}"
        );
    }
    let zsh = stdout(&run(&["completions", "zsh"], 0));
    assert!(zsh.starts_with("#compdef rareflow"), "{}", &zsh[..40]);
    run(&["completions", "tcsh"], 2);
    let man = run(&["man"], 0);
    assert!(stdout(&man).contains("\n.TH rareflow 1 "));
    // groff reads it without a warning, where groff is installed.
    if std::path::Path::new("/usr/bin/groff").exists() {
        use std::io::Write;
        let mut groff = std::process::Command::new("/usr/bin/groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        groff.stdin.take().unwrap().write_all(&man.stdout).unwrap();
        let o = groff.wait_with_output().unwrap();
        assert!(o.status.success() && o.stderr.is_empty(), "{}", stderr(&o));
    }
}

#[test]
fn every_json_document_and_summary_json_says_what_produced_it() {
    let tiny = tiny();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let solve = json(&run(
        &[
            "solve",
            &tiny,
            "--scenario",
            "tariff-180",
            "--out",
            out.to_str().unwrap(),
            "--format",
            "json",
        ],
        0,
    ));
    let run_of = |v: &serde_json::Value| v["run"].clone();
    let r = run_of(&solve);
    assert_eq!(r["tool"], "rareflow");
    assert_eq!(r["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(r["schema"], 1);
    assert_eq!(r["command"], "solve");
    assert_eq!(r["model"]["name"], "tiny");
    assert_eq!(r["scenarios"], serde_json::json!(["tariff-180"]));
    assert_eq!(r["portfolios"], serde_json::json!(["all"]));
    assert_eq!(r["options"]["mip-gap"], 0.001);
    assert_eq!(r["model"]["sha256"].as_str().unwrap().len(), 64);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(run_of(&summary), r);
    // The same run twice gives the same bytes: nothing from the clock.
    let again = run(
        &[
            "solve",
            &tiny,
            "--scenario",
            "tariff-180",
            "--format",
            "json",
        ],
        0,
    );
    assert_eq!(json(&again), solve);
    // A different model file, a different hash.
    let dir = copy_tiny();
    replace(
        dir.path(),
        "model.toml",
        "discount_rate = 0.10",
        "discount_rate = 0.09",
    );
    let other = json(&run(
        &["solve", dir.path().to_str().unwrap(), "--format", "json"],
        0,
    ));
    assert_ne!(other["run"]["model"]["sha256"], r["model"]["sha256"]);
    let commands: [&[&str]; 5] = [
        &[
            "compare",
            &tiny,
            "--scenarios",
            "baseline,tariff-180",
            "--format",
            "json",
        ],
        &[
            "invest",
            &tiny,
            "--scenarios",
            "baseline,tariff-180",
            "--format",
            "json",
        ],
        &[
            "sweep",
            &tiny,
            "--set",
            "capacity[cn_magnet]=600,800",
            "--format",
            "json",
        ],
        &[
            "stress", &tiny, "--market", "US", "--k", "1", "--format", "json",
        ],
        &["explain", &tiny, "--market", "US", "--format", "json"],
    ];
    for args in commands {
        let v = json(&run(args, 0));
        assert_eq!(v["run"]["command"], args[0], "{args:?}");
        assert_eq!(
            v["run"]["model"]["sha256"], r["model"]["sha256"],
            "{args:?}"
        );
    }
    let d = json(&run(
        &[
            "diff",
            out.to_str().unwrap(),
            out.to_str().unwrap(),
            "--format",
            "json",
        ],
        0,
    ));
    assert_eq!(d["run"]["command"], "diff");
}
