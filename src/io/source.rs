//! Where a model's files come from: a directory on disk, or the copy built
//! into the binary (so `rareflow solve` works from any working directory).

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

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
