//! One function per subcommand (`run` in each file), and what they share:
//! where the model comes from, checking the scenario and portfolio names
//! given on the command line against the model before anything is solved,
//! weights, solver options, and printing JSON.
//!
//! The library paths that may move (solver options, scenario files, model
//! sources) are imported here only, so a move is a one-line change.

pub mod compare;
pub mod diff;
pub mod explain;
pub mod export;
pub mod generate;
pub mod graph;
pub mod init;
pub mod invest;
pub mod merge;
pub mod report;
pub mod scenarios;
pub mod shell;
pub mod solve;
pub mod stdout;
pub mod stress;
pub mod sweep;
pub mod validate;

use stdout::{chatter, verbosity, Verbosity};

use std::path::Path;

use rareflow::compare::BASELINE;
use rareflow::error::{Diagnostic, Diagnostics, Error, Result};
use rareflow::io::source::DEFAULT_MODEL_NAME;
use rareflow::model::{Model, PORTFOLIO_ALL, PORTFOLIO_NONE};
use rareflow::report::results_dir::{self, Target};
use rareflow::report::run::Run;

pub use rareflow::io::scenario;
pub use rareflow::io::source::ModelSource;
pub use rareflow::solver::SolveOptions;

use crate::cli::{ModelArg, ScopeArgs, SolverArgs};

/// The word that stands for every scenario (or every portfolio).
pub const ALL: &str = "all";

/// The model named on the command line, or the embedded one.
pub fn source(arg: &ModelArg) -> Result<ModelSource> {
    match &arg.model {
        Some(p) => ModelSource::dir(p),
        None => Ok(ModelSource::Embedded),
    }
}

/// How the model is named in reports.
pub fn source_name(s: &ModelSource) -> String {
    match s {
        ModelSource::Dir(p) => p.display().to_string(),
        ModelSource::Embedded => format!("{DEFAULT_MODEL_NAME}, embedded"),
        ModelSource::Memory(_) => "in memory".to_string(),
    }
}

/// Names as given (repeated flags and comma-separated lists), trimmed,
/// empty ones dropped.
fn cleaned(names: &[String]) -> Vec<String> {
    names
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Fails with [`Error::UnknownName`] (exit 4, with a did-you-mean) on the
/// first name that is not in `known`, and with a usage error on a name
/// given twice when `once` is set.
pub(super) fn check_names(
    what: &'static str,
    names: &[String],
    known: &[String],
    once: bool,
) -> Result<()> {
    for (i, name) in names.iter().enumerate() {
        // A scenario file given by its path is read, and reported, by the
        // loader.
        let path = what == "scenario" && scenario::is_file(name);
        if !known.contains(name) && !path {
            return Err(Error::UnknownName {
                what,
                name: name.clone(),
                known: known.to_vec(),
            });
        }
        if once && names[..i].contains(name) {
            return Err(Error::Usage(format!("{what} \"{name}\" is listed twice")));
        }
    }
    Ok(())
}

/// `all` mixed with other names.
fn all_alone(flag: &str, names: &[String]) -> Result<()> {
    if names.len() > 1 && names.iter().any(|n| n == ALL) {
        return Err(Error::Usage(format!(
            "{flag}: `all` already lists every one; give it alone"
        )));
    }
    Ok(())
}

/// Runs `work` with a progress bar of `n` `what` ("cells", "cases") on
/// stderr, `threads` at once when given (else one per core); `work` ticks
/// the bar as each finishes.
pub(super) fn in_parallel<T: Send>(
    n: usize,
    what: &str,
    threads: Option<u32>,
    work: impl FnOnce(&(dyn Fn(&str) + Sync)) -> T + Send,
) -> Result<T> {
    let bar = match verbosity() {
        Verbosity::Quiet => indicatif::ProgressBar::hidden(),
        _ => indicatif::ProgressBar::new(n as u64),
    };
    let template = format!(
        "{{bar:40}} {{pos}}/{{len}} {what} solved, {{elapsed}}, ETA {{eta}}; last: {{msg}}"
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let tick = |case: &str| {
        bar.set_message(case.to_string());
        bar.inc(1);
    };
    let run = || work(&tick);
    let done = match threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n as usize)
            .build()
            .map_err(|e| Error::Internal(format!("cannot start {n} threads: {e}")))?
            .install(run),
        None => run(),
    };
    bar.finish_and_clear();
    Ok(done)
}

/// Scenarios applied together, in order (solve, validate): each must be
/// one of the model's; `all` is handled by the caller.
pub fn stacked_scenarios(src: &ModelSource, names: &[String]) -> Result<Vec<String>> {
    let names = cleaned(names);
    all_alone("--scenarios", &names)?;
    check_names("scenario", &names, &src.scenario_names(), false)?;
    Ok(names)
}

/// The scope named on the command line, checked against the model.
pub fn scope_of(
    model: &rareflow::model::Model,
    args: &crate::cli::ScopeArgs,
) -> Result<rareflow::report::scope::Scope> {
    rareflow::report::scope::Scope::parse(
        model,
        args.market.as_deref(),
        args.sector.as_deref(),
        args.periods.as_deref(),
    )
}

/// What compare's cells and sweep's cases measure: the dependency column
/// (`--dependency`, by default China's share of the magnets of `--market`'s
/// country, or of the US's), and the scope of the given-up, unserved and
/// spend columns.
pub fn measure_of(
    model: &rareflow::model::Model,
    dependency: &crate::cli::DependencyArg,
    scope: &crate::cli::ScopeArgs,
) -> Result<rareflow::compare::Measure> {
    let scope = scope_of(model, scope)?;
    let text = match &dependency.dependency {
        Some(text) => text.clone(),
        None => {
            let market = scope
                .market
                .map_or("US", |m| model.countries[m.0].code.as_str());
            format!("CN:{market}:magnet")
        }
    };
    Ok(rareflow::compare::Measure::parse(&text, model)?.scoped(scope, model))
}

/// True when the scenarios given are `all`.
pub fn is_all(names: &[String]) -> bool {
    cleaned(names) == [ALL]
}

/// Futures solved one by one (compare, invest): [`BASELINE`] and each of
/// the model's scenarios when none or `all` is given, else the names given,
/// each known and listed once.
pub fn futures(src: &ModelSource, names: &[String]) -> Result<Vec<String>> {
    let mut known = vec![BASELINE.to_string()];
    known.extend(src.scenario_names());
    let names = cleaned(names);
    if names.is_empty() || names == [ALL] {
        return Ok(known);
    }
    all_alone("--scenarios", &names)?;
    check_names("scenario", &names, &known, true)?;
    Ok(names)
}

/// The portfolios a model knows: the built-in `all` and `none`, then its own.
fn known_portfolios(model: &Model) -> Vec<String> {
    [PORTFOLIO_ALL, PORTFOLIO_NONE]
        .iter()
        .map(|s| s.to_string())
        .chain(model.portfolios.iter().map(|p| p.name.clone()))
        .collect()
}

/// One portfolio (solve, invest), checked against the model.
pub fn portfolio(model: &Model, name: Option<&str>) -> Result<()> {
    match name {
        Some(n) => check_names(
            "portfolio",
            &[n.to_string()],
            &known_portfolios(model),
            false,
        ),
        None => Ok(()),
    }
}

/// The portfolios compare solves: none, each of the model's and all when
/// none or `all` is given, else the names given, each known and listed once.
pub fn portfolios(model: &Model, names: &[String]) -> Result<Vec<String>> {
    let names = cleaned(names);
    if names.is_empty() || names == [ALL] {
        let mut all = vec![PORTFOLIO_NONE.to_string()];
        all.extend(model.portfolios.iter().map(|p| p.name.clone()));
        all.push(PORTFOLIO_ALL.to_string());
        return Ok(all);
    }
    check_names("portfolio", &names, &known_portfolios(model), true)?;
    Ok(names)
}

/// `S=W,...`: finite weights >= 0, each named future one of `futures`
/// and named once, not all zero.
pub fn weights(pairs: &[(String, f64)], futures: &[String]) -> Result<Vec<(String, f64)>> {
    let usage = |m: String| Error::Usage(format!("--weights: {m}"));
    let mut out: Vec<(String, f64)> = Vec::new();
    for (s, w) in pairs {
        if !futures.contains(s) {
            return Err(usage(format!(
                "\"{s}\" is not one of the scenarios compared ({}){}",
                futures.join(", "),
                rareflow::error::suggestion(s, futures)
            )));
        }
        if out.iter().any(|o| &o.0 == s) {
            return Err(usage(format!("\"{s}\" is weighted twice")));
        }
        out.push((s.clone(), *w));
    }
    let weight_of = |f: &String| out.iter().find(|o| &o.0 == f).map_or(1.0, |o| o.1);
    if futures.iter().map(weight_of).sum::<f64>() <= 0.0 {
        return Err(usage(
            "the weights of the scenarios compared sum to 0".into(),
        ));
    }
    Ok(out)
}

/// The run metadata of `command` on the model read from `src`, named
/// `name` (its model.toml's), with the scenarios, portfolios, the solver
/// flags and `scope`'s, when given.
pub fn run_info(
    command: &str,
    src: &ModelSource,
    name: &str,
    solver: &SolverArgs,
    scope: Option<&ScopeArgs>,
) -> Result<Run> {
    let mut run = Run::new(command)
        .model(src, name, &source_name(src))?
        .option("threads", solver.threads)
        .option("time-limit", solver.time_limit)
        .option(
            "mip-gap",
            solver.mip_gap.unwrap_or(rareflow::solver::DEFAULT_MIP_GAP),
        )
        .option("relax", solver.relax);
    if let Some(s) = scope {
        run = run
            .option("market", &s.market)
            .option("sector", &s.sector)
            .option("periods", &s.periods);
    }
    Ok(run)
}

/// The portfolio solved when one or none (`all`) is named.
pub fn one_portfolio(name: Option<&str>) -> Vec<String> {
    vec![name.unwrap_or(PORTFOLIO_ALL).to_string()]
}

/// A spinner on stderr for a step-by-step command (hidden with `-q`).
pub fn spinner() -> indicatif::ProgressBar {
    match verbosity() {
        Verbosity::Quiet => indicatif::ProgressBar::hidden(),
        _ => {
            let s = indicatif::ProgressBar::new_spinner();
            s.enable_steady_tick(std::time::Duration::from_millis(200));
            s
        }
    }
}

/// Solver options from the shared flags (HiGHS threads default to 1).
pub fn solve_options(args: &SolverArgs, portfolio: Option<String>) -> SolveOptions {
    SolveOptions {
        threads: args.threads.unwrap_or(1),
        time_limit: args.time_limit,
        mip_gap: Some(args.mip_gap.unwrap_or(rareflow::solver::DEFAULT_MIP_GAP)),
        relax: args.relax,
        portfolio,
        log: verbosity() == Verbosity::Verbose,
    }
}

/// `--out`, checked before anything is solved: not the model's directory
/// nor inside it, not a file, holding nothing but result files.
pub fn out_target(out: Option<&Path>, src: &ModelSource, names: &[&str]) -> Result<Option<Target>> {
    out.map(|dir| results_dir::target(dir, src.path(), names))
        .transpose()
}

/// Refuses an HTML report written inside any of `dirs` (the model's
/// directory, a results directory: never written over, or swapped whole).
pub fn check_html_target(file: &Path, dirs: &[&Path]) -> Result<()> {
    let parent = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let Ok(parent) = std::fs::canonicalize(parent) else {
        return Err(Error::Write {
            path: file.to_path_buf(),
            reason: "its directory does not exist".into(),
        });
    };
    for dir in dirs {
        if std::fs::canonicalize(dir).is_ok_and(|d| parent.starts_with(&d)) {
            return Err(Error::Write {
                path: file.to_path_buf(),
                reason: format!("not inside {}", dir.display()),
            });
        }
    }
    Ok(())
}

/// After the results are printed (or their reader left), puts a staged
/// HTML page in place; an error printing them is returned as it was.
pub fn commit_html(
    printed: stdout::Outcome,
    html: Option<rareflow::report::html::StagedFile>,
) -> stdout::Outcome {
    match printed {
        Ok(()) | Err(stdout::Failure::BrokenPipe) => {
            if let Some(h) = html {
                h.commit()?;
            }
            printed
        }
        Err(e) => Err(e),
    }
}

/// Checks `--html FILE` before anything is solved: its directory exists
/// and it is not inside the model's directory or `--out`.
pub fn check_html(file: Option<&Path>, src: &ModelSource, out: Option<&Path>) -> Result<()> {
    match file {
        Some(f) => check_html_target(f, &src.path().into_iter().chain(out).collect::<Vec<_>>()),
        None => Ok(()),
    }
}

/// Stages the page `make` builds at `--html FILE` (checked by
/// [`check_html`]), when FILE is given.
pub fn stage_html(
    file: Option<&Path>,
    make: impl FnOnce() -> Result<String>,
) -> Result<Option<rareflow::report::html::StagedFile>> {
    let Some(file) = file else { return Ok(None) };
    Ok(Some(rareflow::report::html::stage(file, &make()?)?))
}

/// The library's Sankey grouping for the command line's.
pub fn node_kind(nodes: crate::cli::SankeyNodes) -> rareflow::report::sankey::NodeKind {
    match nodes {
        crate::cli::SankeyNodes::Country => rareflow::report::sankey::NodeKind::Country,
        crate::cli::SankeyNodes::Facility => rareflow::report::sankey::NodeKind::Facility,
    }
}

/// Prints the warnings of a checked model on stderr, before anything is
/// solved, so that a failed solve still shows what explains it (not with
/// `-q`).
pub fn print_warnings(warnings: &Diagnostics) {
    for w in warnings.items() {
        chatter(w);
    }
}

/// Checks the model under each future (a scenario name, or [`BASELINE`])
/// and prints every distinct warning once, before anything is solved (not
/// with `-q`). A future with errors is left to the solve, which reports it.
pub fn print_futures_warnings(src: &ModelSource, futures: &[String]) {
    if verbosity() == Verbosity::Quiet {
        return;
    }
    let mut seen: Vec<Diagnostic> = Vec::new();
    for name in futures {
        let scenarios = if name == BASELINE {
            Vec::new()
        } else {
            vec![name.clone()]
        };
        let Ok(checked) = rareflow::check(src, &scenarios) else {
            continue;
        };
        for w in checked.warnings.items() {
            if !seen.contains(w) {
                chatter(w);
                seen.push(w.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn weights_must_name_futures_once() {
        let f = strings(&["baseline", "tariff-40"]);
        let w = |pairs: &[(&str, f64)]| -> Vec<(String, f64)> {
            pairs.iter().map(|(s, v)| (s.to_string(), *v)).collect()
        };
        let both = w(&[("baseline", 0.5), ("tariff-40", 0.5)]);
        assert_eq!(weights(&both, &f).unwrap(), both);
        let e = weights(&w(&[("baseline", 0.5), ("tarif-40", 0.5)]), &f).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert_eq!(
            e.to_string(),
            "--weights: \"tarif-40\" is not one of the scenarios compared \
             (baseline, tariff-40); did you mean \"tariff-40\"?"
        );
        assert!(weights(&w(&[("baseline", 1.0), ("baseline", 2.0)]), &f).is_err());
        assert!(weights(&w(&[("baseline", 0.0), ("tariff-40", 0.0)]), &f).is_err());
    }

    #[test]
    fn names_are_checked_against_the_model() {
        let known = strings(&["a", "b"]);
        assert!(check_names("scenario", &strings(&["b", "a"]), &known, true).is_ok());
        let e = check_names("scenario", &strings(&["c"]), &known, true).unwrap_err();
        assert_eq!(e.exit_code(), 4);
        let e = check_names("scenario", &strings(&["a", "a"]), &known, true).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(all_alone("--scenarios", &strings(&["all", "a"])).is_err());
        assert!(is_all(&strings(&[" all "])));
    }
}
