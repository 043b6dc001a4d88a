//! Warm against cold, side by side in one run, on models/global (as an LP,
//! `--portfolio none`, but for the cells):
//! - `case`: one sweep case (China→US magnet duty +50%, China's US magnet
//!   licence at 3,000 t/yr) re-solved warm from the base's basis on the
//!   kept HiGHS instance, against the same case's LP solved from scratch;
//! - `sweep`: 16 cases (the duty 0 to 75% × the licence 0 to 9,000 t/yr)
//!   on the engine `rareflow sweep` uses, against the same cases loaded,
//!   solved and measured cold one after the other;
//! - `cells`: four compare cells with build decisions (a MIP each) on the
//!   engine (two workers, each solving the base first), against the same
//!   cells solved cold by branch and bound one after the other.
//!
//! `cargo bench --bench sweep`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use rareflow::compare::{measure_plan, Measure};
use rareflow::engine::Solved;
use rareflow::io::source::ModelSource;
use rareflow::solver::{Session, SolveOptions, Start};
use rareflow::sweep::{self, params, Sweep};

const SET: [&str; 2] = [
    "tariff[US<CN,magnet]=0..0.75:0.25",
    "cap[cn-licence-magnets-us]=0..9000:3000",
];

fn lp() -> SolveOptions {
    SolveOptions {
        portfolio: Some("none".into()),
        ..SolveOptions::default()
    }
}

/// The formulation of `scenarios` on the built-in model, as `solve` builds it.
fn formulate(scenarios: &[String]) -> rareflow::formulation::Formulation {
    let mut ch = rareflow::check(&ModelSource::Embedded, scenarios).unwrap();
    rareflow::apply_portfolio_limits(&mut ch.model, Some("none"));
    rareflow::formulate(&ch.model, &ch.network, &lp())
        .unwrap()
        .0
}

/// The built-in model and the parameters of [`SET`] on it.
fn model_and_params() -> (rareflow::model::Model, Vec<params::Param>) {
    let model = rareflow::check(&ModelSource::Embedded, &[]).unwrap().model;
    let params = SET
        .iter()
        .map(|s| params::parse(s, &model).unwrap())
        .collect();
    (model, params)
}

fn case(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (_, params) = model_and_params();
    let file = dir.path().join("case.toml");
    std::fs::write(&file, sweep::scenario(&params, &[0.5, 3000.0], 1)).unwrap();
    let base = formulate(&[]);
    let case = formulate(&[file.to_string_lossy().to_string()]);
    let change = base.arrays.change_to(&case.arrays).unwrap();
    let mut session = Session::solve(base.problem().unwrap(), &lp()).unwrap();
    let basis = session.basis().unwrap();

    let mut g = c.benchmark_group("case");
    g.sample_size(10);
    g.bench_function("cold", |b| {
        b.iter(|| black_box(Session::solve(case.problem().unwrap(), &lp()).unwrap()))
    });
    g.bench_function("warm", |b| {
        b.iter(|| {
            assert!(session.warm(&change, Start::Basis(&basis)).unwrap());
            black_box(session.objective)
        })
    });
    g.finish();
}

fn sweep(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (model, params) = model_and_params();
    let cases = sweep::grid(&params);
    let measure = Measure::parse("CN:US:magnet", &model).unwrap();
    let opts = lp();
    let work = Sweep {
        source: &ModelSource::Embedded,
        scenarios: &[],
        params: &params,
        cases: &cases,
        opts: &opts,
        measure: &measure,
        shard: None,
    };
    let files: Vec<String> = (cases.iter().enumerate())
        .map(|(i, v)| {
            let file = dir.path().join(format!("case-{}.toml", i + 1));
            std::fs::write(&file, sweep::scenario(&params, v, i + 1)).unwrap();
            file.to_string_lossy().to_string()
        })
        .collect();

    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    g.bench_function("engine_16", |b| b.iter(|| black_box(work.run(&|_| {}))));
    g.bench_function("cold_16", |b| {
        b.iter(|| {
            for f in &files {
                let s = rareflow::solve(&ModelSource::Embedded, std::slice::from_ref(f), &opts)
                    .unwrap();
                let solved = Solved {
                    model: s.model,
                    network: s.network,
                    plan: s.plan,
                };
                black_box(measure_plan(&solved, &measure));
            }
        })
    });
    g.finish();
}

/// Four compare cells of the portfolio `all` (build plans: MIPs) whose
/// futures keep the base's structure, on the engine `compare` uses (warm,
/// each rounded from its relaxation when proven within the gap), against
/// the same cells solved cold by HiGHS's branch and bound.
fn cells(c: &mut Criterion) {
    let model = rareflow::check(&ModelSource::Embedded, &[]).unwrap().model;
    let measure = Measure::parse("CN:US:magnet", &model).unwrap();
    let portfolios = ["all".to_string()];
    let futures: Vec<String> = ["baseline", "mp-10x-delay", "demand-low", "geneva-truce"]
        .map(String::from)
        .to_vec();
    let opts = SolveOptions::default();
    let mut g = c.benchmark_group("cells");
    g.sample_size(10);
    g.bench_function("engine_4", |b| {
        b.iter(|| {
            let source = ModelSource::Embedded;
            let c = rareflow::compare::compare(
                &source,
                &portfolios,
                &futures,
                &[],
                &opts,
                &measure,
                &|_| {},
            );
            black_box(c)
        })
    });
    g.bench_function("cold_4", |b| {
        b.iter(|| {
            for f in &futures {
                let names: Vec<String> = (f != "baseline").then(|| f.clone()).into_iter().collect();
                black_box(rareflow::solve(&ModelSource::Embedded, &names, &opts).unwrap());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, case, sweep, cells);
criterion_main!(benches);
