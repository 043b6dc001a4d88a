//! One criterion group per pipeline stage — load, build, solve, warm
//! re-solve — over models/tiny and synthetic models from the shared
//! deterministic generator (`rareflow::synth`). Add a model to `models()` and
//! every stage measures it. `load_rows` loads and validates models/tiny with
//! 10 k to 1 M demand rows, to show that loading grows linearly with a file.

use std::fmt::Write;
use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use rareflow::formulation;
use rareflow::io::source::ModelSource;
use rareflow::report::files::write_atomically;
use rareflow::solver::{Change, Session, SolveOptions};

/// (name, directory) of every benchmarked model. Synthetic models are
/// written once into a temporary directory kept for the whole run.
fn models(tmp: &tempfile::TempDir) -> Vec<(String, PathBuf)> {
    let models = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models");
    let mut out = vec![
        ("tiny".to_string(), models.join("tiny")),
        ("global".to_string(), models.join("global")),
    ];
    // models/global without its rules (no content rules, no end-use
    // control): what the rules cost, side by side.
    let dir = tmp.path().join("global-no-rules");
    let files = without_rules(&models.join("global"));
    let files: Vec<(&str, &String)> = files.iter().map(|(n, t)| (n.as_str(), t)).collect();
    write_atomically(&dir, &files).unwrap();
    out.push(("global-no-rules".to_string(), dir));
    for scale in [5, 20] {
        let files = rareflow::synth::generate(scale, 5);
        let dir = tmp.path().join(format!("synthetic-{scale}"));
        write_atomically(&dir, &files).unwrap();
        out.push((format!("synthetic-{scale}"), dir));
        // One rule: no wind demand anywhere may take material handled by
        // the first country group at any stage.
        let mut ruled = files;
        let rule = "id,market,sector,origin\nno-bloc-wind,all,wind,bloc\n".to_string();
        ruled.push(("content_rules.csv", rule));
        let dir = tmp.path().join(format!("synthetic-{scale}-rule"));
        write_atomically(&dir, &ruled).unwrap();
        out.push((format!("synthetic-{scale}-rule"), dir));
    }
    out
}

/// The files of the model in `dir` without content rules and without
/// export controls that name an end use or an origin scope.
fn without_rules(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".csv") && !name.ends_with(".toml") || name == "content_rules.csv" {
            continue;
        }
        let mut text = std::fs::read_to_string(&path).unwrap();
        if name == "export_controls.csv" {
            text = text
                .lines()
                .filter(|l| !l.ends_with(",direct") && !l.ends_with(",origin"))
                .fold(String::new(), |acc, l| acc + l + "\n");
        }
        files.push((name, text));
    }
    files
}

/// models/tiny over 10 yearly periods with `rows` demand rows, written
/// into `dir`. A demand row is unique per (country, sector, commodity,
/// period), so the rows spread over 2 countries, 10 periods and as many
/// sectors as it takes; tonnes follow a fixed sequence.
fn tiny_with_rows(dir: &Path, rows: usize) {
    let tiny = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/tiny");
    let mut files: Vec<(&str, String)> = ["countries.csv", "commodities.csv", "processes.csv"]
        .into_iter()
        .chain(["facilities.csv", "transport.csv", "tariffs.csv"])
        .chain(["export_controls.csv"])
        .map(|f| (f, std::fs::read_to_string(tiny.join(f)).unwrap()))
        .collect();
    let toml = "name = \"rows\"\nfirst_year = 2025\nlast_year = 2034\n\
                discount_rate = 0.1\nshortage_penalty = 100000\n";
    files.push(("model.toml", toml.to_string()));
    let mut demand = String::from("country,sector,commodity,period,tonnes,shortage_penalty\n");
    for k in 0..rows {
        let (sector, country, year) = (k / 20, ["JP", "US"][k / 10 % 2], 2025 + k % 10);
        let tonnes = 1 + k * 7919 % 500;
        writeln!(demand, "{country},s{sector:07},magnet,{year},{tonnes},").unwrap();
    }
    files.push(("demand.csv", demand));
    write_atomically(dir, &files).unwrap();
}

/// Loading and validating (`rareflow validate`) a model whose demand.csv
/// has 10 k, 100 k and 1 M rows: the time per row stays flat.
fn load_rows(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let mut g = c.benchmark_group("load_rows");
    g.sample_size(10);
    for rows in [10_000, 100_000, 1_000_000] {
        let dir = tmp.path().join(format!("rows-{rows}"));
        tiny_with_rows(&dir, rows);
        let src = ModelSource::dir(&dir).unwrap();
        g.throughput(criterion::Throughput::Elements(rows as u64));
        g.bench_with_input(BenchmarkId::from_parameter(rows), &src, |b, src| {
            b.iter(|| black_box(rareflow::check(src, &[]).unwrap()))
        });
    }
    g.finish();
}

fn pipeline(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let models = models(&tmp);
    let opts = SolveOptions::default();

    let mut g = c.benchmark_group("load");
    for (name, dir) in &models {
        let src = ModelSource::dir(dir).unwrap();
        g.bench_with_input(BenchmarkId::from_parameter(name), &src, |b, src| {
            b.iter(|| black_box(rareflow::io::load::load(src, &[]).unwrap()))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("validate");
    for (name, dir) in &models {
        let src = ModelSource::dir(dir).unwrap();
        g.bench_with_input(BenchmarkId::from_parameter(name), &src, |b, src| {
            b.iter(|| black_box(rareflow::check(src, &[]).unwrap()))
        });
    }
    g.finish();

    let checked: Vec<(String, rareflow::Checked)> = models
        .iter()
        .map(|(n, d)| {
            (
                n.clone(),
                rareflow::check(&ModelSource::dir(d).unwrap(), &[]).unwrap(),
            )
        })
        .collect();

    let mut g = c.benchmark_group("build");
    for (name, ch) in &checked {
        g.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| {
                black_box(formulation::build(
                    &ch.model,
                    &ch.network,
                    &formulation::BuildOptions::default(),
                ))
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("solve");
    g.sample_size(10);
    for (name, ch) in &checked {
        g.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter_batched(
                || {
                    formulation::build(
                        &ch.model,
                        &ch.network,
                        &formulation::BuildOptions::default(),
                    )
                    .problem()
                    .unwrap()
                },
                |problem| black_box(Session::solve(problem, &opts).unwrap()),
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();

    // Re-solving the kept HiGHS model after a right-hand-side change (every
    // export cap tightened by 10%) against solving from scratch.
    let mut g = c.benchmark_group("warm_resolve");
    g.sample_size(10);
    for (name, ch) in &checked {
        let f = formulation::build(
            &ch.model,
            &ch.network,
            &formulation::BuildOptions::default(),
        );
        let caps = f.index.caps.rows.clone();
        let mut session = Session::solve(f.problem().unwrap(), &opts).unwrap();
        let mut tighter = Change::default();
        let mut looser = Change::default();
        for r in &caps {
            let cap = ch.model.export_controls[r.control].cap;
            tighter = tighter.rhs_le(r.row, cap * 0.9);
            looser = looser.rhs_le(r.row, cap);
        }
        g.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| {
                session.resolve(&tighter).unwrap();
                session.resolve(&looser).unwrap();
                black_box(session.objective)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, pipeline, load_rows);
criterion_main!(benches);
