//! The `rareflow` binary: parses arguments, calls the library, prints, and
//! maps errors to the documented exit codes.

mod cli;

use std::process::ExitCode;

use clap::Parser;
use rareflow::error::{exit, Error};
use rareflow::io::source::{ModelSource, DEFAULT_MODEL_NAME};
use rareflow::model::{PORTFOLIO_ALL, PORTFOLIO_NONE};
use rareflow::report::{files, terminal, Summary};
use rareflow::solve::SolveOptions;
use rareflow::{compare, invest};

use cli::{Cli, Command, Format, InvestObjective};

fn source(model: Option<std::path::PathBuf>) -> Result<ModelSource, Error> {
    match model {
        Some(p) => ModelSource::dir(p),
        None => Ok(ModelSource::Embedded),
    }
}

fn source_name(s: &ModelSource) -> String {
    match s {
        ModelSource::Dir(p) => p.display().to_string(),
        ModelSource::Embedded => format!("{DEFAULT_MODEL_NAME}, embedded"),
        ModelSource::Memory(_) => "in memory".to_string(),
    }
}

/// A comma-separated list, or `all`.
fn names(list: &str, all: impl FnOnce() -> Vec<String>) -> Vec<String> {
    if list.trim() == "all" {
        all()
    } else {
        list.split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

fn usage(msg: String) -> Error {
    Error::Usage(msg)
}

/// `s=w,...` with finite weights >= 0.
fn parse_weights(text: Option<&str>) -> Result<Vec<(String, f64)>, Error> {
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    text.split(',')
        .map(|pair| {
            let (s, w) = pair.split_once('=').ok_or_else(|| {
                usage(format!(
                    "--weights: expected SCENARIO=WEIGHT, found \"{pair}\""
                ))
            })?;
            match w.trim().parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Ok((s.trim().to_string(), v)),
                _ => Err(usage(format!(
                    "--weights: expected a weight >= 0, found \"{w}\""
                ))),
            }
        })
        .collect()
}

fn report_error(e: &Error) {
    if let Error::Invalid(diags) = e {
        for d in diags {
            eprintln!("{d}");
        }
    }
    eprintln!("error: {e}");
}

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Scenarios { model } => {
            let src = source(model)?;
            let names = src.scenario_names();
            if names.is_empty() {
                println!("{}: no scenarios", source_name(&src));
            }
            let width = names.iter().map(String::len).max().unwrap_or(0);
            for name in names {
                let file = format!("{}/{name}.toml", rareflow::scenario::FOLDER);
                let text = src
                    .read(&file)?
                    .map(|b| String::from_utf8_lossy(&b).into_owned());
                let description = text
                    .as_deref()
                    .and_then(rareflow::scenario::description)
                    .unwrap_or_else(|| "(no description)".to_string());
                println!("{name:width$}  {description}");
            }
            Ok(())
        }
        Command::Validate { model, scenarios } => {
            let src = source(model)?;
            let checked = rareflow::check(&src, &scenarios)?;
            for w in checked.warnings.items() {
                eprintln!("{w}");
            }
            let m = &checked.model;
            println!(
                "{}: ok ({} countries, {} commodities, {} processes, {} facilities, {} lanes, {} demand segments, {} periods; {} warning(s))",
                source_name(&src),
                m.countries.len(),
                m.commodities.len(),
                m.processes.len(),
                m.facilities.len(),
                checked.network.lanes().len(),
                m.demand.len(),
                m.periods.len(),
                checked.warnings.items().len()
            );
            Ok(())
        }
        Command::Compare {
            model,
            portfolios,
            scenarios,
            weights,
            dependency,
            out,
            format,
            relax,
            time_limit,
            mip_gap,
        } => {
            let src = source(model)?;
            let checked = rareflow::check(&src, &[])?;
            let portfolios = names(&portfolios, || {
                let mut all = vec![PORTFOLIO_NONE.to_string()];
                all.extend(checked.model.portfolios.iter().map(|p| p.name.clone()));
                all.push(PORTFOLIO_ALL.to_string());
                all
            });
            let scenarios = names(&scenarios, || {
                let mut all = vec![compare::BASELINE.to_string()];
                all.extend(src.scenario_names());
                all
            });
            let weights = parse_weights(weights.as_deref())?;
            let measure = compare::DependencyMeasure::parse(&dependency, &checked.model)?;
            let opts = SolveOptions {
                time_limit,
                mip_gap,
                relax,
                ..SolveOptions::default()
            };
            let bar = indicatif::ProgressBar::new((portfolios.len() * scenarios.len()) as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} cells solved, {elapsed}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let c = compare::compare(
                &src,
                &portfolios,
                &scenarios,
                &weights,
                &opts,
                &measure,
                &|| bar.inc(1),
            );
            bar.finish_and_clear();
            if let Some(dir) = &out {
                files::write_atomically(
                    dir,
                    &files::comparison_files(&c).map_err(|e| Error::Write {
                        path: dir.clone(),
                        reason: e,
                    })?,
                )?;
            }
            match format {
                Format::Table => print!(
                    "{}",
                    terminal::render_comparison(&c, &measure, &checked.model.settings.currency)
                ),
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&c).map_err(|e| Error::Solver(e.to_string()))?
                ),
            }
            Ok(())
        }
        Command::Invest {
            model,
            scenarios,
            weights,
            objective,
            risk,
            alpha,
            portfolio,
            relax,
            format,
            time_limit,
            mip_gap,
        } => {
            let src = source(model)?;
            let scenarios = names(&scenarios, || {
                let mut all = vec![compare::BASELINE.to_string()];
                all.extend(src.scenario_names());
                all
            });
            let weights = parse_weights(weights.as_deref())?;
            let futures: Vec<(String, f64)> = scenarios
                .iter()
                .map(|s| {
                    (
                        s.clone(),
                        weights.iter().find(|w| &w.0 == s).map_or(1.0, |w| w.1),
                    )
                })
                .collect();
            let objective = match objective {
                InvestObjective::Expected => invest::Objective::Expected,
                InvestObjective::Regret => invest::Objective::Regret,
                InvestObjective::Cvar => invest::Objective::Cvar {
                    lambda: risk,
                    alpha,
                },
            };
            let opts = SolveOptions {
                time_limit,
                mip_gap,
                relax,
                portfolio,
                ..SolveOptions::default()
            };
            let r = invest::invest(&src, &futures, objective, &opts)?;
            match format {
                Format::Table => print!("{}", terminal::render_investment(&r)),
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&r).map_err(|e| Error::Solver(e.to_string()))?
                ),
            }
            Ok(())
        }
        Command::Generate { scale, years, out } => {
            let files = rareflow::synth::generate(scale as usize, years as usize);
            files::write_atomically(&out, &files)?;
            println!(
                "wrote synthetic model (scale {scale}, {years} years) to {}",
                out.display()
            );
            Ok(())
        }
        Command::Solve {
            model,
            scenarios,
            out,
            format,
            threads,
            time_limit,
            mip_gap,
            portfolio,
            relax,
        } => {
            let src = source(model)?;
            let opts = SolveOptions {
                threads,
                time_limit,
                mip_gap,
                portfolio,
                relax,
            };
            let sol = rareflow::solve(&src, &scenarios, &opts)?;
            for w in sol.warnings.items() {
                eprintln!("{w}");
            }
            let dependency = rareflow::trace::trace(&sol.model, &sol.network, &sol.plan);
            let summary = Summary::new(&sol.model, &sol.network, &sol.plan, &dependency, sol.size);
            if let Some(dir) = &out {
                files::write_results(
                    dir,
                    src.path(),
                    &sol.model,
                    &sol.network,
                    &sol.plan,
                    &dependency,
                    &summary,
                )?;
            }
            match format {
                Format::Table => print!("{}", terminal::render(&summary, &source_name(&src))),
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&summary)
                        .map_err(|e| Error::Solver(e.to_string()))?
                ),
            }
            let t = sol.timings;
            eprintln!(
                "times: load {:.3}s, checks {:.3}s, build {:.3}s, solve {:.3}s, verify {:.3}s{}",
                t.load,
                t.validate,
                t.build,
                t.solve,
                t.verify,
                out.map_or(String::new(), |d| format!(
                    "; results written to {}",
                    d.display()
                ))
            );
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE as u8
            } else {
                exit::OK as u8
            });
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::from(exit::OK as u8),
        Err(e) => {
            report_error(&e);
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
