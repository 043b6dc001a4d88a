//! Run metadata: what produced a JSON document or a results directory
//! (`run` in every JSON output and in `summary.json`), so a file found later
//! says which rareflow, model, scenarios, portfolios and options made it.
//!
//! Everything in it follows from the command line and the model's files,
//! never from the clock or the machine, so two identical runs still write
//! identical files.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::Result;
use crate::io::source::ModelSource;

/// The version of the layout of rareflow's JSON documents and result
/// files: raised when a key is renamed or removed, or changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

/// What produced a document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    /// `rareflow`.
    pub tool: &'static str,
    /// rareflow's version.
    pub version: &'static str,
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// The subcommand, e.g. `solve`.
    pub command: String,
    /// The model solved (none for `diff`, which reads two results).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<RunModel>,
    /// The scenarios: applied together (`solve`, `sweep`, `stress`,
    /// `explain`), or each solved as a future of its own (`compare`,
    /// `invest`; `baseline` is none).
    pub scenarios: Vec<String>,
    /// The portfolios solved (`all` when none is named).
    pub portfolios: Vec<String>,
    /// The options given on the command line that change the results, by
    /// flag name (without `--`); unset ones are `null`.
    pub options: BTreeMap<String, serde_json::Value>,
}

/// The model of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunModel {
    /// Its name (`name` in model.toml).
    pub name: String,
    /// Where it was read: its directory as given, or
    /// `models/global, embedded`.
    pub source: String,
    /// SHA-256 of its files as read (see [`ModelSource::sha256`]).
    pub sha256: String,
}

impl Run {
    /// A run of `command`, with no model, scenarios, portfolios or options
    /// yet.
    pub fn new(command: &str) -> Run {
        Run {
            tool: "rareflow",
            version: env!("CARGO_PKG_VERSION"),
            schema: SCHEMA_VERSION,
            command: command.to_string(),
            model: None,
            scenarios: Vec::new(),
            portfolios: Vec::new(),
            options: BTreeMap::new(),
        }
    }

    /// With the model named `name` read from `src` (shown as `shown`).
    ///
    /// # Errors
    /// [`crate::error::Error::Read`] when a model file cannot be read.
    pub fn model(mut self, src: &ModelSource, name: &str, shown: &str) -> Result<Run> {
        self.model = Some(RunModel {
            name: name.to_string(),
            source: shown.to_string(),
            sha256: src.sha256()?,
        });
        Ok(self)
    }

    /// With these scenarios.
    pub fn scenarios(mut self, names: &[String]) -> Run {
        self.scenarios = names.to_vec();
        self
    }

    /// With these portfolios.
    pub fn portfolios(mut self, names: &[String]) -> Run {
        self.portfolios = names.to_vec();
        self
    }

    /// With option `flag` set to `value` (`None`: not given).
    pub fn option(mut self, flag: &str, value: impl Serialize) -> Run {
        let value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
        self.options.insert(flag.to_string(), value);
        self
    }
}

/// A JSON document with the run that produced it first, under `run`, and
/// the document's own keys after it.
#[derive(Serialize)]
pub struct WithRun<'a, T: Serialize> {
    /// What produced the document.
    pub run: &'a Run,
    /// The document.
    #[serde(flatten)]
    pub doc: &'a T,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Doc {
        objective: f64,
        cells: Vec<u32>,
    }

    #[test]
    fn the_run_comes_first_and_the_document_keeps_its_keys() {
        let run = Run::new("compare")
            .scenarios(&["baseline".into()])
            .portfolios(&["none".into(), "all".into()])
            .option("threads", None::<u32>)
            .option("mip-gap", 0.001);
        let doc = Doc {
            objective: 2.5,
            cells: vec![1, 2],
        };
        let text = serde_json::to_string(&WithRun {
            run: &run,
            doc: &doc,
        })
        .unwrap();
        let version = env!("CARGO_PKG_VERSION");
        assert_eq!(
            text,
            format!(
                "{{\"run\":{{\"tool\":\"rareflow\",\"version\":\"{version}\",\"schema\":1,\
                 \"command\":\"compare\",\"scenarios\":[\"baseline\"],\
                 \"portfolios\":[\"none\",\"all\"],\
                 \"options\":{{\"mip-gap\":0.001,\"threads\":null}}}},\
                 \"objective\":2.5,\"cells\":[1,2]}}"
            )
        );
    }

    #[test]
    fn the_hash_follows_the_files_not_where_they_are() {
        let files: std::collections::BTreeMap<String, String> = [
            ("model.toml", "name = \"x\"\n"),
            ("demand.csv", "a\n"),
            ("scenarios/high.toml", "description = \"high\"\n"),
            ("notes.md", "not read"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("scenarios")).unwrap();
        for (file, text) in &files {
            std::fs::write(dir.path().join(file), text).unwrap();
        }
        let hash = |src: &ModelSource| {
            let run = Run::new("solve").model(src, "x", "here").unwrap();
            run.model.unwrap().sha256
        };
        let on_disk = ModelSource::dir(dir.path()).unwrap();
        let in_memory = ModelSource::Memory(files.clone());
        let a = hash(&on_disk);
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(a, hash(&in_memory));
        // One byte changed, on disk or in memory, changes the hash.
        std::fs::write(dir.path().join("demand.csv"), "b\n").unwrap();
        let b = hash(&on_disk);
        assert_ne!(a, b);
        let mut changed = files.clone();
        changed.insert("demand.csv".to_string(), "b\n".to_string());
        assert_eq!(hash(&ModelSource::Memory(changed)), b);
        let mut scenario = files.clone();
        scenario.insert(
            "scenarios/high.toml".into(),
            "description = \"higH\"\n".into(),
        );
        assert_ne!(hash(&ModelSource::Memory(scenario)), a);
        // A file the loader never reads does not count.
        let mut unread = files;
        unread.remove("notes.md");
        assert_eq!(hash(&ModelSource::Memory(unread)), a);
    }
}
