//! `rareflow completions SHELL` and `rareflow man`: what a shell and `man`
//! need, made from the command line's own definition, so they never fall
//! behind it.

use clap::CommandFactory;
use rareflow::error::Error;

use super::stdout::{Outcome, Stdout};
use crate::cli::Cli;

/// Prints `shell`'s completion script.
pub fn completions(shell: clap_complete::Shell, out: &mut Stdout) -> Outcome {
    out.print(&completion_script(shell))
}

/// Prints the man page, roff, for `man -l -`.
pub fn man(out: &mut Stdout) -> Outcome {
    out.print(&man_page()?)
}

/// `shell`'s completion script for every subcommand and flag.
fn completion_script(shell: clap_complete::Shell) -> String {
    let mut cmd = Cli::command();
    let mut bytes = Vec::new();
    clap_complete::generate(shell, &mut cmd, "rareflow", &mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The man page of rareflow, with its subcommands.
fn man_page() -> Result<String, Error> {
    let mut bytes = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut bytes)
        .map_err(|e| Error::Internal(format!("cannot render the man page: {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every subcommand's name, from the command line's definition.
    fn subcommands() -> Vec<String> {
        Cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect()
    }

    #[test]
    fn bash_completes_every_subcommand_and_global_flag() {
        let script = completion_script(clap_complete::Shell::Bash);
        let names = subcommands();
        assert!(names.len() >= 17, "{names:?}");
        for name in names {
            assert!(
                script.contains(&format!("rareflow__subcmd__{name})")),
                "{name}"
            );
        }
        for flag in ["--quiet", "--verbose", "--scenario", "--html"] {
            assert!(script.contains(flag), "{flag}");
        }
    }

    #[test]
    fn the_man_page_is_roff_and_lists_every_subcommand() {
        let page = man_page().unwrap();
        // clap_mangen defines a string for groff before the title.
        let title = page
            .lines()
            .find(|l| !l.starts_with(".ie") && !l.starts_with(".el"));
        assert!(
            title.is_some_and(|l| l.starts_with(".TH rareflow 1 ")),
            "{title:?}"
        );
        assert!(page.contains("\n.SH SYNOPSIS\n") && page.contains("\n.SH SUBCOMMANDS\n"));
        for name in subcommands() {
            assert!(
                page.contains(&format!("\n\\fBrareflow\\-{name}(1)\\fR\n"))
                    || page.contains(&format!("rareflow\\-{name}(1)")),
                "{name}"
            );
        }
    }
}
