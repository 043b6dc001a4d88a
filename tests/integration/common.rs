//! Shared helpers: copies of models/tiny to break, and running the binary.

use std::path::{Path, PathBuf};
use std::process::Output;

use rareflow::io::source::ModelSource;
use rareflow::solver::SolveOptions;
use rareflow::{Checked, Solution};

pub fn tiny_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/tiny")
}

/// A fresh copy of models/tiny in a temporary directory.
pub fn copy_tiny() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(tiny_dir()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    dir
}

/// Rewrites one file of a model directory.
pub fn edit(dir: &Path, file: &str, f: impl FnOnce(String) -> String) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    std::fs::write(path, f(text)).unwrap();
}

/// Replaces the first occurrence of `from` (which must exist) in a file.
pub fn replace(dir: &Path, file: &str, from: &str, to: &str) {
    edit(dir, file, |t| {
        assert!(t.contains(from), "{file} has no {from:?}");
        t.replacen(from, to, 1)
    });
}

/// Runs the rareflow binary.
pub fn rareflow(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_rareflow"))
        .args(args)
        .output()
        .expect("the rareflow binary runs")
}

/// `rareflow solve ARGS --against baseline --format json`, which must
/// succeed: its JSON (`summary` and `against`).
pub fn solve_against_baseline(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["solve"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--against", "baseline", "--format", "json"]);
    let o = rareflow(&all);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Solves models/tiny from disk.
pub fn solve_tiny() -> Solution {
    rareflow::solve(
        &ModelSource::dir(tiny_dir()).unwrap(),
        &[],
        &SolveOptions::default(),
    )
    .unwrap()
}

/// Solves models/tiny after changing it in memory.
pub fn solve_tiny_with(change: impl FnOnce(&mut rareflow::model::Model)) -> Solution {
    let checked = rareflow::check(&ModelSource::dir(tiny_dir()).unwrap(), &[]).unwrap();
    let mut model = checked.model;
    change(&mut model);
    rareflow::solve_checked(Checked::from_model(model), &SolveOptions::default()).unwrap()
}

pub fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

#[macro_export]
macro_rules! assert_close {
    ($a:expr, $b:expr) => {{
        let (a, b) = ($a as f64, $b as f64);
        assert!(
            $crate::common::close(a, b, 1e-7),
            "{} = {a}, expected {b}",
            stringify!($a)
        );
    }};
}

/// Verification checks a plan against the model, not the LP: the solved
/// plan passes against its own model, and is refused with `want` in the
/// message against the model as `edit` changes it.
pub fn assert_refused_after(
    s: &mut Solution,
    edit: impl FnOnce(&mut rareflow::model::Model),
    want: &str,
) {
    assert!(rareflow::formulation::verify(&s.model, &s.network, &s.plan).is_ok());
    edit(&mut s.model);
    let err = rareflow::formulation::verify(&s.model, &s.network, &s.plan).unwrap_err();
    assert!(err.to_string().contains(want), "{err}");
}

/// Every column and row key of a solved LP is found again by lookup, at
/// its own position.
pub fn assert_keys_round_trip(s: &Solution) {
    for (j, (_, key)) in s.keys.cols.iter().enumerate() {
        let label = key.label(&s.model, &s.network);
        assert_eq!(s.index.col(*key).map(|c| c.0), Some(j), "{label}");
    }
    for (i, (_, key)) in s.keys.rows.iter().enumerate() {
        let label = key.label(&s.model);
        assert_eq!(s.index.row(*key).map(|r| r.0), Some(i), "{label}");
    }
}

/// Runs `validate` on `dir`: it must exit with `code` and print every line
/// of `expected` (after the model directory's prefix), without a panic.
/// Returns stderr.
pub fn validate_reports(dir: &Path, code: i32, expected: &[&str]) -> String {
    let o = rareflow(&["validate", dir.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(code), "validate: {err}");
    let prefix = format!("{}/", dir.display());
    for e in expected {
        assert!(
            err.contains(&format!("{prefix}{e}")),
            "expected {e:?} in:\n{err}"
        );
    }
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// A model's files: name (`scenarios/x.toml` for a scenario) → bytes.
pub type Files = std::collections::BTreeMap<String, Vec<u8>>;

/// The CSV and TOML files of `models/NAME` and its scenarios.
pub fn model_files(name: &str) -> Files {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("models")
        .join(name);
    let mut files = Files::new();
    for (dir, prefix) in [(root.clone(), ""), (root.join("scenarios"), "scenarios/")] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|x| x == "csv" || x == "toml") {
                let file = path.file_name().unwrap().to_string_lossy();
                files.insert(format!("{prefix}{file}"), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// Where `files` are read from: in memory when every file is UTF-8 text
/// (all `ModelSource::Memory` can hold), else written into `dir` and read
/// from disk, as a user's would be.
pub fn files_source(files: &Files, dir: &Path) -> ModelSource {
    let utf8: Option<std::collections::BTreeMap<String, String>> = files
        .iter()
        .map(|(k, v)| String::from_utf8(v.clone()).ok().map(|s| (k.clone(), s)))
        .collect();
    match utf8 {
        Some(files) => ModelSource::Memory(files),
        None => {
            std::fs::create_dir_all(dir.join("scenarios")).unwrap();
            for (name, bytes) in files {
                std::fs::write(dir.join(name), bytes).unwrap();
            }
            ModelSource::dir(dir).unwrap()
        }
    }
}

/// The diagnostics `check` reports on a model that must be refused as bad
/// data, as printed; `what` names the case in a failure.
pub fn refusals(source: &ModelSource, what: &str) -> Vec<String> {
    match rareflow::check(source, &[]) {
        Err(rareflow::error::Error::Invalid(d)) => d.iter().map(ToString::to_string).collect(),
        Err(e) => panic!("{what}: {e}"),
        Ok(_) => panic!("{what}: accepted"),
    }
}

/// `rareflow sweep MODEL SET... --out OUT EXTRA...`, which must succeed;
/// what it said on stderr.
pub fn sweep_into(model: &Path, set: &[&str], out: &Path, extra: &[&str]) -> String {
    let text = |p: &Path| p.to_str().unwrap().to_string();
    let (model, out) = (text(model), text(out));
    let mut args = vec!["sweep", model.as_str(), "--out", out.as_str()];
    args.extend_from_slice(set);
    args.extend_from_slice(extra);
    let o = rareflow(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    stderr(&o)
}

/// `rareflow merge SLICES... --out OUT`.
pub fn merge_into(slices: &[PathBuf], out: &Path) -> Output {
    let mut args: Vec<&str> = vec!["merge"];
    args.extend(slices.iter().map(|s| s.to_str().unwrap()));
    args.extend_from_slice(&["--out", out.to_str().unwrap()]);
    rareflow(&args)
}

/// `rareflow solve MODEL --out OUT ARGS...` with OUT in a fresh directory:
/// its output, and whether it wrote OUT.
pub fn solve_fresh_out(model: &Path, args: &[&str]) -> (Output, bool) {
    let results = tempfile::tempdir().unwrap();
    let out = results.path().join("results");
    let mut all = vec![
        "solve",
        model.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    let o = rareflow(&all);
    (o, out.exists())
}

/// A result file's bytes without summary.json's `run` (which names the
/// model's directory and hashes its files, so two copies of a model differ
/// there and nowhere else); other files as they are.
pub fn without_run(name: &str, bytes: &[u8]) -> Vec<u8> {
    if name != "summary.json" {
        return bytes.to_vec();
    }
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.split_inclusive('\n') {
        if line == "  \"run\": {\n" {
            inside = true;
        } else if inside {
            inside = line != "  },\n";
        } else {
            out.extend_from_slice(line.as_bytes());
        }
    }
    assert!(!inside, "summary.json's run is not closed");
    out
}

/// Solves `source` with no builds (an LP), which must succeed.
pub fn solve_without_builds(source: &ModelSource) -> Solution {
    let opts = SolveOptions {
        portfolio: Some("none".into()),
        ..SolveOptions::default()
    };
    rareflow::solve(source, &[], &opts).unwrap()
}

/// The price of the one market of a one-market model in each of its
/// first `periods` periods.
pub fn market_prices(s: &Solution, periods: usize) -> Vec<f64> {
    (0..periods)
        .map(|t| {
            (s.plan.prices.iter())
                .find(|p| {
                    p.period.0 == t && matches!(p.place, rareflow::model::Endpoint::Market(_))
                })
                .unwrap()
                .value
        })
        .collect()
}

/// The index of facility `id`.
pub fn facility_index(s: &Solution, id: &str) -> usize {
    s.model.facilities.iter().position(|f| f.id == id).unwrap()
}

/// The default model (models/global, as embedded), checked but not solved.
pub fn global_model() -> rareflow::model::Model {
    rareflow::check(&ModelSource::Embedded, &[]).unwrap().model
}

/// The commodity `id` of `m`.
pub fn commodity(m: &rareflow::model::Model, id: &str) -> rareflow::model::CommodityId {
    rareflow::model::CommodityId(m.commodities.iter().position(|c| c.id == id).unwrap())
}
