//! `rareflow solve`: one plan, with the scenarios given applied together.

use rareflow::error::Error;
use rareflow::report::diff;
use rareflow::report::files::{self, RESULT_FILES};
use rareflow::report::{terminal, Summary};

use rareflow::report::html;

use super::node_kind;
use super::stdout::{chatter, note, print_then_commit, Outcome, Stdout};
use super::{out_target, print_warnings, solve_options, source, source_name, stacked_scenarios};
use crate::cli::{Format, SolveArgs};

/// Checks the model (its warnings go to stderr at once), `--out` and
/// `--html`, solves, verifies, stages the result files and the report,
/// prints the summary and only then swaps the files in and puts the report
/// in place; stage times go to stderr.
pub fn run(args: SolveArgs, out: &mut Stdout) -> Outcome {
    let src = source(&args.model)?;
    if super::is_all(&args.scenarios.names) {
        return Err(Error::Usage(
            "--scenarios all: solve applies its scenarios together, in order; to solve \
             each future on its own, use `rareflow compare` or `rareflow invest`"
                .into(),
        )
        .into());
    }
    let scenarios = stacked_scenarios(&src, &args.scenarios.names)?;
    if let Some(name) = args
        .against
        .as_ref()
        .filter(|n| *n != rareflow::compare::BASELINE)
    {
        stacked_scenarios(&src, std::slice::from_ref(name))?;
    }
    let checked = rareflow::check(&src, &scenarios)?;
    let scope = super::scope_of(&checked.model, &args.scope)?;
    print_warnings(&checked.warnings);
    let dir = args.output.out.as_deref();
    let target = out_target(dir, &src, RESULT_FILES)?;
    super::check_html(args.html.as_deref(), &src, dir)?;
    let run = super::run_info(
        "solve",
        &src,
        &checked.model.settings.name,
        &args.solver,
        Some(&args.scope),
    )?
    .scenarios(&scenarios)
    .portfolios(&super::one_portfolio(args.portfolio.portfolio.as_deref()))
    .option("against", &args.against);
    let opts = solve_options(&args.solver, args.portfolio.portfolio);
    let sol = rareflow::solve_checked(checked, &opts)?;
    let dependency = rareflow::trace::trace(&sol.model, &sol.network, &sol.plan);
    let mut world = Summary::new(&sol.model, &sol.network, &sol.plan, &dependency, sol.size);
    world.run = Some(run.clone());
    // What is printed is narrowed to the scope; the result files hold the
    // whole plan, with the scope's headline and market beside it.
    let summary = (world.clone()).scoped(&sol.model, &sol.network, &sol.plan, &scope);
    world.scope = summary.scope.clone();
    world.market = summary.market.clone();
    let written = match (&target, &args.against, &args.html) {
        (None, None, None) => Vec::new(),
        _ => files::result_files(&sol.model, &sol.network, &sol.plan, &dependency, &world)?,
    };
    let html = match &args.html {
        Some(file) => {
            let files = html::ReportFiles::of(&written)
                .ok_or_else(|| Error::Internal("no files for the HTML report".into()))?;
            let page = html::render(&files, node_kind(args.nodes.nodes))?;
            Some(html::stage(file, &page)?)
        }
        None => None,
    };
    // The plan is reported whatever becomes of the one it is compared with.
    let against = match &args.against {
        Some(name) => {
            let this = diff::PlanFiles::of(&label(&scenarios), &written)
                .ok_or_else(|| Error::Internal("no summary.json or flows.csv".into()))?;
            let builds = rareflow::BuildSet::of(&sol.model, &sol.plan);
            let compared = reference(&src, name, &opts, &builds).and_then(|(other, same)| {
                let d = diff::diff(&other, &this, args.scope.market.as_deref(), 10)?;
                Ok((d, same))
            });
            match compared {
                Ok(d) => Some(d),
                Err(e) => {
                    let why = rareflow::error::printable(&e.to_string());
                    note(format_args!(
                        "warning: --against {name}: no comparison: {why}"
                    ));
                    None
                }
            }
        }
        None => None,
    };
    let staged = match &target {
        Some(t) => Some(t.stage(&written)?),
        None => None,
    };
    let printed = print_then_commit(out, staged, |out| {
        match (args.output.format.format, &against) {
            (Format::Table, _) => {
                out.print(&terminal::render(&summary, &source_name(&src)))?;
                match &against {
                    Some((d, same)) => out.print(&format!(
                        "\nagainst {}:\n{}\n{}",
                        d.dirs[0],
                        builds_line(*same),
                        diff::render(d)
                    )),
                    None => Ok(()),
                }
            }
            (Format::Json, None) => out.json(&summary),
            (Format::Json, Some((d, same))) => out.json(&Against {
                run: &run,
                summary: &Summary {
                    run: None,
                    ..summary.clone()
                },
                against: d,
                same_builds: *same,
            }),
        }
    });
    // The report goes in last, once the plan is printed and --out's files
    // are in place (a reader that left stdout still gets both).
    super::commit_html(printed, html)?;
    let t = sol.timings;
    chatter(format_args!(
        "times: load {:.3}s, checks {:.3}s, build {:.3}s, solve {:.3}s, verify {:.3}s{}",
        t.load,
        t.validate,
        t.build,
        t.solve,
        t.verify,
        dir.map_or(String::new(), |d| format!(
            "; results written to {}",
            d.display()
        ))
    ));
    Ok(())
}

/// What `solve --against --format json` prints: the plan's summary, and
/// what differs from the plan it was solved against.
#[derive(serde::Serialize)]
struct Against<'a> {
    run: &'a rareflow::report::run::Run,
    summary: &'a Summary,
    against: &'a diff::Diff,
    /// Whether the future compared with builds what this plan builds.
    same_builds: bool,
}

/// What `--against` says of the two plans' builds.
fn builds_line(same: bool) -> &'static str {
    if same {
        "builds: the same as this plan's (kept, within the gap of that future's best)"
    } else {
        "builds: not the same (this plan's are not within the gap of that future's best, \
         or it cannot build them): part of the difference is the builds'"
    }
}

/// A plan's name in a comparison: its scenarios, or `baseline`.
fn label(scenarios: &[String]) -> String {
    if scenarios.is_empty() {
        rareflow::compare::BASELINE.to_string()
    } else {
        scenarios.join("+")
    }
}

/// The plan of `name` (a scenario, or `baseline`) with the same options,
/// as the files `solve --out` would write: with the plan's `builds` when
/// they are within the gap of its best (so the two differ by their
/// futures, not by the solver's pick among build plans within the gap),
/// else solved on its own.
fn reference(
    src: &rareflow::io::source::ModelSource,
    name: &str,
    opts: &rareflow::solver::SolveOptions,
    builds: &rareflow::BuildSet,
) -> Result<(diff::PlanFiles, bool), Error> {
    let scenarios = if name == rareflow::compare::BASELINE {
        Vec::new()
    } else {
        stacked_scenarios(src, &[name.to_string()])?
    };
    let checked = rareflow::check(src, &scenarios)?;
    let sol = rareflow::solve_near(checked, opts, Some(builds))?;
    let same = rareflow::BuildSet::of(&sol.model, &sol.plan) == *builds;
    let dependency = rareflow::trace::trace(&sol.model, &sol.network, &sol.plan);
    let summary = Summary::new(&sol.model, &sol.network, &sol.plan, &dependency, sol.size);
    let written = files::result_files(&sol.model, &sol.network, &sol.plan, &dependency, &summary)?;
    let files = diff::PlanFiles::of(&label(&scenarios), &written)
        .ok_or_else(|| Error::Internal("no summary.json or flows.csv".into()))?;
    Ok((files, same))
}
