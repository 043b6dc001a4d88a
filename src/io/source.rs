//! Where a model's files come from: a directory on disk, or the copy built
//! into the binary (so `rareflow solve` works from any working directory);
//! the content hash of a model's files; and writing the built-in model out
//! (`rareflow init`).

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir, DirEntry};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

static DEFAULT_MODEL: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/models/global");

/// Name shown for the embedded default model.
pub const DEFAULT_MODEL_NAME: &str = "models/global";

/// A model directory, on disk or embedded.
#[derive(Debug, Clone)]
pub enum ModelSource {
    /// A directory on disk.
    Dir(PathBuf),
    /// The default model built into the binary.
    Embedded,
    /// Files held in memory (file name → contents), e.g. a model produced
    /// by another program or a test.
    Memory(std::collections::BTreeMap<String, String>),
}

impl ModelSource {
    /// A directory on disk; fails when it does not exist.
    ///
    /// # Errors
    /// [`Error::ModelIsAFile`] when `path` is a file (a model is a
    /// directory), [`Error::ModelNotFound`] when it is nothing at all.
    pub fn dir(path: impl Into<PathBuf>) -> Result<Self> {
        let path = path.into();
        if path.is_dir() {
            Ok(ModelSource::Dir(path))
        } else if path.exists() {
            Err(Error::ModelIsAFile(path))
        } else {
            Err(Error::ModelNotFound(path))
        }
    }

    /// The directory on disk, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            ModelSource::Dir(p) => Some(p),
            ModelSource::Embedded | ModelSource::Memory(_) => None,
        }
    }

    /// How a file of this model is named in messages.
    pub fn display(&self, file: &str) -> String {
        match self {
            ModelSource::Dir(p) => p.join(file).display().to_string(),
            ModelSource::Embedded => format!("{DEFAULT_MODEL_NAME}/{file} (embedded)"),
            ModelSource::Memory(_) => file.to_string(),
        }
    }

    /// Names (without extension) of the `*.toml` files in the model's
    /// `scenarios/` folder, sorted.
    pub fn scenario_names(&self) -> Vec<String> {
        let mut names: Vec<String> = match self {
            ModelSource::Dir(dir) => std::fs::read_dir(dir.join("scenarios"))
                .map(|entries| {
                    entries
                        .filter_map(|e| e.ok())
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default(),
            ModelSource::Embedded => DEFAULT_MODEL
                .get_dir("scenarios")
                .map(|d| {
                    d.files()
                        .filter_map(|f| f.path().file_name())
                        .map(|n| n.to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default(),
            ModelSource::Memory(files) => files
                .keys()
                .filter_map(|k| k.strip_prefix("scenarios/").map(str::to_string))
                .collect(),
        };
        names.retain(|n| n.ends_with(".toml"));
        names
            .iter_mut()
            .for_each(|n| n.truncate(n.len() - ".toml".len()));
        names.sort();
        names
    }

    /// The files the loader reads, as named in the model: `model.toml`,
    /// every table of the schema and each of the model's scenarios, sorted
    /// (some may be absent).
    pub fn model_files(&self) -> Vec<String> {
        let mut files: Vec<String> = std::iter::once("model.toml".to_string())
            .chain(
                crate::model::schema::TABLES
                    .iter()
                    .map(|t| t.file.to_string()),
            )
            .chain(
                self.scenario_names()
                    .iter()
                    .map(|n| format!("scenarios/{n}.toml")),
            )
            .collect();
        files.sort();
        files
    }

    /// SHA-256, in hex, of the model's files as read (each present one of
    /// [`ModelSource::model_files`], in order: its name, a NUL, its length
    /// as 8 bytes little-endian, its bytes). The same files give the same
    /// hash wherever they come from: the embedded model and the directory
    /// `rareflow init` writes hash alike.
    ///
    /// # Errors
    /// [`Error::Read`] when a file exists but cannot be read.
    pub fn sha256(&self) -> Result<String> {
        let mut hash = Sha256::new();
        for file in self.model_files() {
            if let Some(bytes) = self.read(&file)? {
                hash.update(file.as_bytes());
                hash.update([0u8]);
                hash.update((bytes.len() as u64).to_le_bytes());
                hash.update(&bytes);
            }
        }
        Ok(hash.finalize().iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The bytes of `file`, or `None` when the model has no such file.
    ///
    /// # Errors
    /// [`Error::Read`] when the file exists but cannot be read.
    pub fn read(&self, file: &str) -> Result<Option<Vec<u8>>> {
        match self {
            ModelSource::Dir(dir) => {
                let path = dir.join(file);
                if !path.exists() {
                    return Ok(None);
                }
                std::fs::read(&path)
                    .map(Some)
                    .map_err(|source| Error::Read { path, source })
            }
            ModelSource::Embedded => {
                Ok(DEFAULT_MODEL.get_file(file).map(|f| f.contents().to_vec()))
            }
            ModelSource::Memory(files) => Ok(files.get(file).map(|s| s.as_bytes().to_vec())),
        }
    }
}

/// Every file of the built-in model (its tables, `model.toml`, scenarios
/// and notes) with its path inside the model, sorted by path.
pub fn embedded_files() -> Vec<(&'static Path, &'static [u8])> {
    fn walk(dir: &'static Dir<'static>, out: &mut Vec<(&'static Path, &'static [u8])>) {
        for entry in dir.entries() {
            match entry {
                DirEntry::Dir(d) => walk(d, out),
                DirEntry::File(f) => out.push((f.path(), f.contents())),
            }
        }
    }
    let mut out = Vec::new();
    walk(&DEFAULT_MODEL, &mut out);
    out.sort();
    out
}

/// Writes the built-in model into `dir`, a directory that must be new or
/// empty, and returns how many files were written. The files are written
/// into a temporary directory beside `dir`, which is then renamed to `dir`:
/// a run that fails leaves nothing behind.
///
/// # Errors
/// [`Error::Write`] (exit 5) when `dir` is a file or holds anything, or
/// cannot be written; nothing is written then.
pub fn write_default_model(dir: &Path) -> Result<usize> {
    let fail = |reason: String| Error::Write {
        path: dir.to_path_buf(),
        reason,
    };
    if dir.is_file() {
        return Err(fail("it is a file; give a new or empty directory".into()));
    }
    if let Ok(mut entries) = std::fs::read_dir(dir) {
        if entries.next().is_some() {
            return Err(fail(
                "the directory is not empty; give a new or empty one".into(),
            ));
        }
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent).map_err(|e| fail(e.to_string()))?;
    let staging = tempfile::Builder::new()
        .prefix(".rareflow-init-")
        .tempdir_in(parent)
        .map_err(|e| fail(e.to_string()))?;
    let files = embedded_files();
    for (path, bytes) in &files {
        let to = staging.path().join(path);
        if let Some(folder) = to.parent() {
            std::fs::create_dir_all(folder).map_err(|e| fail(e.to_string()))?;
        }
        std::fs::write(&to, bytes).map_err(|e| fail(format!("{}: {e}", path.display())))?;
    }
    // Renaming onto an empty directory replaces it.
    std::fs::rename(staging.path(), dir).map_err(|e| fail(e.to_string()))?;
    // The staging directory is `dir` now: not to be removed.
    let _ = staging.keep();
    Ok(files.len())
}
