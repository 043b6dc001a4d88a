//! One criterion group per pipeline stage — load, build, solve, warm
//! re-solve — over models/tiny and synthetic models from the shared
//! deterministic generator (`rareflow::synth`). Add a model to `models()` and
//! every stage measures it.

use std::hint::black_box;
use std::path::PathBuf;

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
    for scale in [5, 20] {
        let dir = tmp.path().join(format!("synthetic-{scale}"));
        write_atomically(&dir, &rareflow::synth::generate(scale, 5)).unwrap();
        out.push((format!("synthetic-{scale}"), dir));
    }
    out
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
                black_box(
                    formulation::build(
                        &ch.model,
                        &ch.network,
                        &formulation::BuildOptions::default(),
                    )
                    .unwrap(),
                )
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
                    .unwrap()
                    .problem
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
        )
        .unwrap();
        let caps = f.index.caps.rows.clone();
        let mut session = Session::solve(f.problem, &opts).unwrap();
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

criterion_group!(benches, pipeline);
criterion_main!(benches);
