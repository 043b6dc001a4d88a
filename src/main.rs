//! The `rareflow` binary: parses arguments, calls the library, prints, and
//! maps errors to the documented exit codes.

mod cli;

use std::process::ExitCode;

use clap::Parser;
use rareflow::error::{exit, Error};
use rareflow::io::source::{ModelSource, DEFAULT_MODEL_NAME};
use rareflow::report::{files, terminal, Summary};
use rareflow::solve::SolveOptions;

use cli::{Cli, Command, Format};

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
