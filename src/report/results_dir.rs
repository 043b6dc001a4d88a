//! Replacing a results directory (`--out DIR`) as one set of files.
//!
//! A run writes its whole set into a staging directory beside DIR (same
//! parent, so the same file system), named `.DIR.rareflow-staging-<pid>`,
//! syncs every file and the directory, and only then swaps it in:
//!
//! 1. DIR, when it exists, is renamed aside to `.DIR.rareflow-old-<pid>`;
//! 2. the staging directory is renamed to DIR, and the parent synced;
//! 3. the old set is removed.
//!
//! Each rename is atomic, so DIR holds either the complete previous set or
//! the complete new one, with one exception: between steps 1 and 2 (two
//! renames in a row) DIR does not exist, and the previous set is complete
//! under its `-old-` name. The next run that writes DIR renames it back
//! before anything else, and removes the staging and old directories that
//! killed runs left behind (those whose process no longer runs: on systems
//! without `/proc`, every one not of the current process). When DIR did not
//! exist, step 2 alone is the swap and there is no window.
//!
//! Files get the umask's default mode; a replaced DIR keeps its own mode.
//!
//! Because the swap replaces the directory, DIR must hold nothing but
//! rareflow's own result files (or leftovers of earlier versions' temporary
//! files, `.tmp*`): anything else would be lost, so such a DIR is refused.
//! So is the model's own directory and anything inside it.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// Every file name rareflow writes into a results directory, by any
/// command: a directory holding only these can be replaced.
const KNOWN_FILES: &[&[&str]] = &[
    super::files::RESULT_FILES,
    super::files::COMPARISON_FILES,
    crate::sweep::report::SWEEP_FILES,
];

const STAGING: &str = ".rareflow-staging-";
const OLD: &str = ".rareflow-old-";

/// Where a set of files is going: `--out`, checked and resolved.
#[derive(Debug, Clone)]
pub struct Target {
    /// As given, for messages.
    shown: PathBuf,
    /// Absolute, with symbolic links resolved.
    dir: PathBuf,
    parent: PathBuf,
    name: OsString,
    /// File names that may already be in `dir`.
    allowed: Vec<String>,
}

/// A complete set written and synced beside its target, not yet swapped
/// in. Dropped without [`Staged::commit`], it is removed (with any parent
/// directories it created).
#[derive(Debug)]
pub struct Staged {
    target: Target,
    staging: PathBuf,
    created: Vec<PathBuf>,
    done: bool,
}

fn werr(path: &Path, reason: impl ToString) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// Checks `out` as the home of a set of files named `names`: not the model
/// directory `model_dir` nor inside it, not a file, and holding nothing but
/// rareflow's result files. Changes nothing on disk.
///
/// # Errors
/// [`Error::Write`] saying why `out` cannot take the set.
pub fn target(out: &Path, model_dir: Option<&Path>, names: &[&str]) -> Result<Target> {
    let dir = resolve(out).map_err(|e| werr(out, e))?;
    if let Some(model) = model_dir.and_then(|m| m.canonicalize().ok()) {
        if dir == model {
            return Err(werr(
                out,
                "this is the model's directory; choose another --out",
            ));
        }
        if dir.starts_with(&model) {
            return Err(werr(
                out,
                format!(
                    "it is inside the model's directory {}; choose another --out",
                    model_dir.unwrap_or(&model).display()
                ),
            ));
        }
    }
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return Err(werr(out, "a results directory needs a parent directory"));
    };
    let mut allowed: Vec<String> = KNOWN_FILES.concat().iter().map(|s| s.to_string()).collect();
    allowed.extend(names.iter().map(|s| s.to_string()));
    let t = Target {
        shown: out.to_path_buf(),
        parent: parent.to_path_buf(),
        name: name.to_os_string(),
        dir,
        allowed,
    };
    t.check_contents()?;
    Ok(t)
}

/// `out` made absolute: the longest part of it that exists with symbolic
/// links resolved, then the rest (which does not exist yet) with `.` and
/// `..` applied to the names.
fn resolve(out: &Path) -> io::Result<PathBuf> {
    let abs = std::env::current_dir()?.join(out);
    let parts: Vec<Component> = abs.components().collect();
    for k in (0..=parts.len()).rev() {
        let head: PathBuf = parts[..k].iter().collect();
        let Ok(mut real) = head.canonicalize() else {
            continue;
        };
        for c in &parts[k..] {
            match c {
                Component::ParentDir => {
                    real.pop();
                }
                Component::Normal(n) => real.push(n),
                _ => {}
            }
        }
        return Ok(real);
    }
    Err(io::Error::new(
        io::ErrorKind::NotFound,
        "no part of the path exists",
    ))
}

impl Target {
    /// Refuses a `dir` that is not a directory, or that holds anything
    /// the swap would lose.
    fn check_contents(&self) -> Result<()> {
        let meta = match fs::metadata(&self.dir) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(werr(&self.shown, e)),
        };
        if !meta.is_dir() {
            return Err(werr(&self.shown, "it exists and is not a directory"));
        }
        let mut foreign = Vec::new();
        for entry in fs::read_dir(&self.dir).map_err(|e| werr(&self.shown, e))? {
            let entry = entry.map_err(|e| werr(&self.shown, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let file = entry.file_type().is_ok_and(|t| t.is_file());
            if !(file && (self.allowed.contains(&name) || name.starts_with(".tmp"))) {
                foreign.push(name);
            }
        }
        if foreign.is_empty() {
            return Ok(());
        }
        foreign.sort();
        Err(werr(
            &self.shown,
            format!(
                "it holds {} that rareflow did not write ({}); the results replace the whole \
                 directory, so choose a new or empty one",
                if foreign.len() == 1 {
                    "an entry"
                } else {
                    "entries"
                },
                foreign.join(", ")
            ),
        ))
    }

    /// A sibling of `dir`: `.DIR<kind><pid>`.
    fn sibling(&self, kind: &str, pid: u32) -> PathBuf {
        let mut n = OsString::from(".");
        n.push(&self.name);
        n.push(kind);
        n.push(pid.to_string());
        self.parent.join(n)
    }

    /// The kind and process id of a sibling left by a run, if `name` is one.
    fn leftover(&self, name: &OsStr) -> Option<(&'static str, u32)> {
        let mut prefix = OsString::from(".");
        prefix.push(&self.name);
        let rest = name
            .as_encoded_bytes()
            .strip_prefix(prefix.as_encoded_bytes())?;
        [STAGING, OLD].into_iter().find_map(|kind| {
            let pid = std::str::from_utf8(rest.strip_prefix(kind.as_bytes())?).ok()?;
            Some((kind, pid.parse().ok()?))
        })
    }

    /// Puts back a set that a killed run had renamed aside, then removes
    /// every staging and old directory of runs that no longer run (as far
    /// as it can: one that cannot be removed is only clutter).
    fn recover(&self) -> io::Result<()> {
        let mut stale: Vec<(&str, PathBuf)> = Vec::new();
        for entry in fs::read_dir(&self.parent)? {
            let entry = entry?;
            if let Some((kind, pid)) = self.leftover(&entry.file_name()) {
                if !running(pid) {
                    stale.push((kind, entry.path()));
                }
            }
        }
        stale.sort();
        if fs::symlink_metadata(&self.dir).is_err() {
            if let Some((_, old)) = stale.iter().find(|s| s.0 == OLD) {
                fs::rename(old, &self.dir)?;
            }
        }
        for (_, path) in &stale {
            let _ = fs::remove_dir_all(path);
        }
        Ok(())
    }

    /// Writes `files` (name, contents) into a new staging directory beside
    /// `dir`, after cleaning up what killed runs left, and syncs them.
    ///
    /// # Errors
    /// [`Error::Write`] naming what failed; nothing is left behind.
    pub fn stage<S: AsRef<str>>(&self, files: &[(&str, S)]) -> Result<Staged> {
        let created = create_parents(&self.parent).map_err(|e| werr(&self.shown, e))?;
        let staged = Staged {
            target: self.clone(),
            staging: self.sibling(STAGING, std::process::id()),
            created,
            done: false,
        };
        self.recover().map_err(|e| werr(&self.shown, e))?;
        self.check_contents()?;
        let staging = &staged.staging;
        fs::create_dir(staging).map_err(|e| werr(staging, e))?;
        for (name, text) in files {
            write_synced(&staging.join(name), text.as_ref().as_bytes())
                .map_err(|e| werr(&self.shown.join(name), e))?;
        }
        if let Ok(meta) = fs::metadata(&self.dir) {
            fs::set_permissions(staging, meta.permissions()).map_err(|e| werr(staging, e))?;
        }
        sync_dir(staging).map_err(|e| werr(staging, e))?;
        Ok(staged)
    }
}

/// True when process `pid` still runs (and is not this one).
fn running(pid: u32) -> bool {
    pid != std::process::id()
        && Path::new("/proc/self").exists()
        && Path::new("/proc").join(pid.to_string()).exists()
}

/// Creates `dir` and its missing parents; returns those it created,
/// deepest first.
fn create_parents(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let missing: Vec<PathBuf> = dir
        .ancestors()
        .take_while(|a| fs::symlink_metadata(a).is_err())
        .map(Path::to_path_buf)
        .collect();
    fs::create_dir_all(dir)?;
    Ok(missing)
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = fs::File::create_new(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Makes a directory's entries (creations, renames) durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    if cfg!(unix) {
        fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

impl Staged {
    /// Swaps the staged set in for the target directory's (see the module
    /// documentation for the guarantee).
    ///
    /// # Errors
    /// [`Error::Write`] when a rename fails; the previous set is then put
    /// back and the staged one removed.
    pub fn commit(mut self) -> Result<()> {
        let t = &self.target;
        let old = t.sibling(OLD, std::process::id());
        let had_old = fs::symlink_metadata(&t.dir).is_ok();
        if had_old {
            fs::rename(&t.dir, &old).map_err(|e| werr(&t.shown, e))?;
        }
        if let Err(e) = fs::rename(&self.staging, &t.dir) {
            if had_old {
                let _ = fs::rename(&old, &t.dir);
            }
            return Err(werr(&t.shown, e));
        }
        self.done = true;
        // The new set is in place: what follows cannot undo it, so its
        // failures are not the run's (an old set left behind is removed by
        // the next run).
        let _ = sync_dir(&t.parent);
        if had_old {
            let _ = fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let _ = fs::remove_dir_all(&self.staging);
        for dir in &self.created {
            let _ = fs::remove_dir(dir);
        }
    }
}

/// Replaces the set of files in `out` with `files`, in one step.
///
/// # Errors
/// [`Error::Write`] as [`target`], [`Target::stage`] and [`Staged::commit`].
pub fn replace<S: AsRef<str>>(out: &Path, files: &[(&str, S)]) -> Result<()> {
    let names: Vec<&str> = files.iter().map(|f| f.0).collect();
    target(out, None, &names)?.stage(files)?.commit()
}

/// The file `name` of the results directory `dir`: the name messages give
/// it, and its text.
///
/// # Errors
/// [`Error::Read`] naming it when it is missing or unreadable (exit 4).
pub fn read_file(dir: &Path, name: &str) -> Result<(String, String)> {
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    Ok((path.display().to_string(), text))
}

/// A result file that is not what the command that writes it writes: bad
/// data named at its file and line (exit 3).
pub fn invalid(file: &str, line: Option<u64>, why: String) -> Error {
    let mut d = crate::error::Diagnostics::default();
    d.error(file, line, None, why);
    Error::Invalid(d.into_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_set_replaces_the_previous_one_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("a/b/out");
        replace(&out, &[("flows.csv", "1"), ("caps.csv", "2")]).unwrap();
        replace(&out, &[("compare.csv", "3")]).unwrap();
        assert_eq!(names(&out), ["compare.csv"]);
        assert_eq!(names(&tmp.path().join("a/b")), ["out"]);
    }

    #[test]
    fn the_path_not_yet_made_is_resolved_by_name() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().canonicalize().unwrap();
        let r = resolve(&tmp.path().join("x/./y/../z")).unwrap();
        assert_eq!(r, real.join("x/z"));
    }

    #[test]
    fn a_swap_cut_short_is_put_back_and_leftovers_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let t = target(&out, None, &[]).unwrap();
        // Process ids above any pid_max: runs that are gone.
        let old = t.sibling(OLD, 4_000_000_001);
        let staging = t.sibling(STAGING, 4_000_000_002);
        for d in [&old, &staging] {
            fs::create_dir(d).unwrap();
            fs::write(d.join("flows.csv"), "old").unwrap();
        }
        t.recover().unwrap();
        assert_eq!(fs::read_to_string(out.join("flows.csv")).unwrap(), "old");
        assert_eq!(names(tmp.path()), ["out"]);
    }

    #[test]
    fn a_failed_stage_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("new/out");
        let t = target(&out, None, &[]).unwrap();
        assert!(t.stage(&[("flows.csv", "1"), ("flows.csv", "2")]).is_err());
        assert!(names(tmp.path()).is_empty());
    }
}
