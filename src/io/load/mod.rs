//! Loading a model directory: every file parsed, every reference resolved,
//! every problem collected (never just the first), then one sorted [`Model`].
//!
//! This file holds the entry point ([`load`]), reading the files' text
//! (`model.toml`, every table, and the scenarios applied to them, named or
//! given by path) and the `Builder` that the tables are parsed into, with
//! the lookups every table shares. Each group of tables is parsed in its own
//! file: the catalog (countries, commodities, processes), facilities and
//! portfolios, lanes and transport rates, demand, trade policies, and the
//! rules that follow the material (content rules, and the end use and scope
//! of export controls).

mod catalog;
mod contracts;
mod demand;
mod end_of_life;
mod facilities;
mod lanes;
mod policies;
mod rules;
mod stocks;
mod swarf;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::error::{suggestion, Diagnostic, Diagnostics, Error, Result, Severity};
use crate::io::scenario;
use crate::io::settings::parse_settings;
use crate::io::source::ModelSource;
use crate::io::table::{parse_table, RawTable, Row};
use crate::model::schema::{self, Table};
use crate::model::{
    Commodity, CommodityId, ContentRule, Contract, Country, CountryId, Demand, ExportControl,
    Facility, LaneSpec, Model, Period, PeriodId, Portfolio, Process, Settings, StageSet, Tariff,
    TransportRate,
};

/// The raw tables of a model, keyed by file name.
type Tables = BTreeMap<&'static str, RawTable>;

/// Reads and checks the model in `source` with the scenarios applied in
/// order. Each scenario is the name of one of the model's own, or the path
/// of a scenario file (see [`scenario::is_file`]). Warnings come back with
/// the model; any error fails the load with every diagnostic found.
///
/// # Errors
/// [`Error::Invalid`] listing every problem (and warning) when the model has
/// errors, including a scenario that does not exist (a missing input);
/// [`Error::Read`] when a file exists but cannot be read.
pub fn load(source: &ModelSource, scenarios: &[String]) -> Result<(Model, Diagnostics)> {
    Parsed::read(source, scenarios)?.build()
}

/// A model's files read and parsed, its scenarios applied, not yet built
/// into a [`Model`]: what many variants of one model share (a sweep's
/// cases parse the files once, then each applies its own scenario).
#[derive(Clone)]
pub struct Parsed {
    settings: Option<(Settings, Vec<Period>)>,
    tables: Tables,
    diags: Diagnostics,
}

impl Parsed {
    /// Reads `source` and applies `scenarios` in order, keeping every
    /// diagnostic for [`Parsed::build`].
    ///
    /// # Errors
    /// [`Error::Read`] when a file exists but cannot be read; a scenario
    /// that cannot be found.
    pub fn read(source: &ModelSource, scenarios: &[String]) -> Result<Parsed> {
        let mut diags = Diagnostics::default();
        let settings = read_settings(source, &mut diags)?;
        let mut tables = read_tables(source, &mut diags)?;
        apply_scenarios(source, scenarios, &mut tables, &mut diags)?;
        Ok(Parsed {
            settings,
            tables,
            diags,
        })
    }

    /// This model, with one more scenario when given (its text and the name
    /// messages call it by) applied after its own, built and checked like
    /// [`load`] (`self` is left as it was).
    ///
    /// # Errors
    /// As [`load`].
    pub fn with(&self, more: Option<(&str, &str)>) -> Result<(Model, Diagnostics)> {
        let mut parsed = self.clone();
        if let Some((name, text)) = more {
            scenario::apply(name, text, &mut parsed.tables, &mut parsed.diags);
        }
        parsed.build()
    }

    /// Builds and checks the model.
    ///
    /// # Errors
    /// [`Error::Invalid`] listing every problem (and warning) when the model
    /// has errors.
    pub fn build(self) -> Result<(Model, Diagnostics)> {
        let Parsed {
            settings,
            tables,
            diags,
        } = self;
        // Without usable settings, keep checking the tables against an
        // empty horizon so every problem is reported in one run.
        let (settings, periods) = settings.unwrap_or_else(|| (empty_settings(), Vec::new()));
        let period_ix = periods
            .iter()
            .enumerate()
            .map(|(t, p)| (p.label.clone(), t))
            .collect();
        let mut b = Builder {
            diags,
            periods,
            period_ix,
            ..Default::default()
        };
        b.tables(&tables, settings.shortage_penalty);
        let (model, mut diags) = b.finish(settings);
        diags.sort_by_location();
        if diags.has_errors() {
            return Err(Error::Invalid(diags.into_vec()));
        }
        Ok((model, diags))
    }
}

/// `model.toml`: the settings and the horizon, or `None` (with diagnostics)
/// when it is missing or unusable.
fn read_settings(
    source: &ModelSource,
    diags: &mut Diagnostics,
) -> Result<Option<(Settings, Vec<Period>)>> {
    let file = source.display("model.toml");
    Ok(match text(source, "model.toml", diags)? {
        Contents::Text(text) => parse_settings(&file, &text, diags),
        Contents::NotText => None,
        Contents::Absent => {
            diags.missing_file(&file);
            None
        }
    })
}

/// Every table of the schema, empty when an optional file is absent.
fn read_tables(source: &ModelSource, diags: &mut Diagnostics) -> Result<Tables> {
    let mut tables = BTreeMap::new();
    for spec in schema::TABLES {
        let file = source.display(spec.file);
        let table = match text(source, spec.file, diags)? {
            Contents::Text(text) => parse_table(file, spec, &text, diags),
            Contents::NotText => RawTable::empty(file, spec),
            Contents::Absent => {
                if spec.required {
                    diags.missing_file(&file);
                }
                RawTable::empty(file, spec)
            }
        };
        tables.insert(spec.file, table);
    }
    Ok(tables)
}

/// Applies the scenarios to the raw tables, in order.
fn apply_scenarios(
    source: &ModelSource,
    scenarios: &[String],
    tables: &mut Tables,
    diags: &mut Diagnostics,
) -> Result<()> {
    for arg in scenarios {
        if let Some((file, text)) = scenario_text(source, arg, diags)? {
            scenario::apply(&file, &text, tables, diags);
        }
    }
    Ok(())
}

/// A scenario's file as named in messages, and its text. `arg` is a path
/// to a file on disk (relative to the working directory, whatever the
/// model's source) or the name of one of the model's own scenarios. A
/// scenario that does not exist, or a path that is not a `.toml` file, is
/// reported as missing input.
fn scenario_text(
    source: &ModelSource,
    arg: &str,
    diags: &mut Diagnostics,
) -> Result<Option<(String, String)>> {
    if scenario::is_file(arg) {
        let path = Path::new(arg);
        if let Some(problem) = not_a_scenario_file(source, arg, path) {
            missing(diags, arg, problem);
            return Ok(None);
        }
        let bytes = std::fs::read(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        return Ok(decode(arg, bytes, diags).map(|text| (arg.to_string(), text)));
    }
    let file = format!("{}/{arg}.toml", scenario::FOLDER);
    match text(source, &file, diags)? {
        Contents::Text(text) => return Ok(Some((source.display(&file), text))),
        Contents::NotText => return Ok(None),
        Contents::Absent => {}
    }
    let known = source.scenario_names();
    let message = format!(
        "no scenario named \"{arg}\" (the model has: {}){}",
        if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        },
        suggestion(arg, &known)
    );
    missing(diags, &source.display(&file), message);
    Ok(None)
}

/// Why the path `arg` given to `--scenario` is not a scenario file, if it
/// is not: it does not exist, it is a directory, or it does not end in
/// `.toml`.
fn not_a_scenario_file(source: &ModelSource, arg: &str, path: &Path) -> Option<String> {
    let expected = "--scenario takes a scenario file ending in .toml \
                    or the name of one of the model's scenarios";
    if path.is_dir() {
        return Some(format!("a directory, not a scenario file; {expected}"));
    }
    if !path.exists() {
        let hint = match arg.strip_suffix(".toml") {
            Some(name) if source.scenario_names().iter().any(|n| n == name) => {
                format!(" (the model's own scenario \"{name}\" is given by its name)")
            }
            _ => String::new(),
        };
        return Some(format!("scenario file not found{hint}"));
    }
    if !arg.ends_with(".toml") {
        return Some(format!("not a scenario file; {expected}"));
    }
    None
}

/// Records that an input named on the command line does not exist.
fn missing(diags: &mut Diagnostics, file: &str, message: String) {
    diags.push_diagnostic(Diagnostic {
        severity: Severity::Error,
        file: file.to_string(),
        line: None,
        col: None,
        column: None,
        message,
        missing_file: true,
    });
}

/// What a model file holds.
enum Contents {
    /// The model has no such file.
    Absent,
    /// Not text (an image, a workbook …): reported.
    NotText,
    /// Its text.
    Text(String),
}

/// The contents of a model file.
fn text(source: &ModelSource, file: &str, diags: &mut Diagnostics) -> Result<Contents> {
    let Some(bytes) = source.read(file)? else {
        return Ok(Contents::Absent);
    };
    Ok(match decode(&source.display(file), bytes, diags) {
        Some(text) => Contents::Text(text),
        None => Contents::NotText,
    })
}

/// The bytes of `file` (as named in messages) as text, or `None` (reported
/// at line 1) when they are not text at all. Invalid UTF-8 is an error
/// located at the line of the first bad byte; the rest of the file is still
/// checked, read with the bad bytes replaced.
fn decode(file: &str, bytes: Vec<u8>, diags: &mut Diagnostics) -> Option<String> {
    if let Some(kind) = binary_kind(&bytes) {
        let msg = format!("expected a text file (UTF-8), found {kind}; is this the right file?");
        diags.error(file, Some(1), None, msg);
        return None;
    }
    Some(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let bad = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let line = bytes[..bad].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            diags.error(
                file,
                Some(line),
                None,
                "expected UTF-8 text, found invalid bytes (save the file as UTF-8)",
            );
            String::from_utf8_lossy(&bytes).into_owned()
        }
    })
}

/// What a file that is not text holds, told by its first bytes (a known
/// format) or by a NUL byte among them (which text never has).
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (
            b"PK\x03\x04",
            "a ZIP archive (an .xlsx workbook? export the sheet as CSV)",
        ),
        (
            b"\xd0\xcf\x11\xe0",
            "an Office document (an .xls workbook? export the sheet as CSV)",
        ),
        (b"\x1f\x8b", "a gzip archive"),
        (b"\xff\xfe", "UTF-16 text (save it as UTF-8)"),
        (b"\xfe\xff", "UTF-16 text (save it as UTF-8)"),
    ];
    let head = &bytes[..bytes.len().min(8192)];
    MAGIC
        .iter()
        .find(|(magic, _)| head.starts_with(magic))
        .map(|(_, kind)| *kind)
        .or_else(|| head.contains(&0).then_some("binary data (a NUL byte)"))
}

/// Settings that stand in for an unusable `model.toml`.
fn empty_settings() -> Settings {
    Settings {
        name: String::new(),
        description: String::new(),
        currency: String::new(),
        base_year: 2025,
        discount_rate: 0.0,
        shortage_penalty: 0.0,
        build_budget: None,
        build_budget_per_period: None,
        min_builds: None,
        max_builds: None,
    }
}

/// The model as it is parsed, table by table, with the indices that later
/// tables resolve their references through.
#[derive(Default)]
struct Builder {
    diags: Diagnostics,
    periods: Vec<Period>,
    /// Period label -> position in `periods`.
    period_ix: BTreeMap<String, usize>,
    countries: Vec<Country>,
    country_ix: BTreeMap<String, usize>,
    groups: BTreeMap<String, Vec<usize>>,
    regions: BTreeSet<String>,
    commodities: Vec<Commodity>,
    commodity_ix: BTreeMap<String, usize>,
    processes: Vec<Process>,
    process_ix: BTreeMap<String, usize>,
    facilities: Vec<Facility>,
    facility_ix: BTreeMap<String, usize>,
    lanes: Vec<LaneSpec>,
    /// Markets with demand for a commodity: where a lane may end.
    demanded: BTreeSet<(CountryId, CommodityId)>,
    /// The sectors `demand.csv` names: what an end use or a rule may name.
    sectors: BTreeSet<String>,
    transport: Vec<TransportRate>,
    demand: Vec<Demand>,
    tariffs: Vec<Tariff>,
    export_controls: Vec<ExportControl>,
    contracts: Vec<Contract>,
    end_of_life: Vec<crate::model::EndOfLife>,
    swarf: Vec<crate::model::Swarf>,
    content_rules: Vec<ContentRule>,
    /// The origin signatures (origin label, stages) named so far, in the
    /// order they were met: export controls with scope `origin`, then
    /// content rules.
    signatures: Vec<(String, StageSet)>,
    portfolios: Vec<Portfolio>,
    stockpiles: Vec<crate::model::Stockpile>,
}

impl Builder {
    /// Parses every table, each after the ones it refers to.
    fn tables(&mut self, tables: &Tables, default_penalty: f64) {
        let table = |spec: &Table| &tables[spec.file];
        self.countries(table(&schema::COUNTRIES));
        self.commodities(table(&schema::COMMODITIES));
        self.processes(table(&schema::PROCESSES));
        self.facilities(table(&schema::FACILITIES));
        // A lane into a market needs its demand; demand.csv is read ahead
        // for that, and parsed in full (and reported) in its own turn.
        self.demanded_markets(table(&schema::DEMAND));
        self.demand_sectors(table(&schema::DEMAND));
        self.lanes(table(&schema::LANES));
        self.transport(table(&schema::TRANSPORT));
        self.demand(table(&schema::DEMAND), default_penalty);
        self.tariffs(table(&schema::TARIFFS));
        self.export_controls(table(&schema::EXPORT_CONTROLS));
        self.content_rules(table(&schema::CONTENT_RULES));
        self.contracts(table(&schema::CONTRACTS), default_penalty);
        self.end_of_life(table(&schema::END_OF_LIFE));
        self.swarf(table(&schema::SWARF));
        self.portfolios(table(&schema::PORTFOLIOS));
        self.stockpiles(table(&schema::STOCKPILES));
    }

    /// The model built, and every diagnostic found on the way.
    fn finish(self, settings: Settings) -> (Model, Diagnostics) {
        let model = Model {
            settings,
            periods: self.periods,
            countries: self.countries,
            commodities: self.commodities,
            processes: self.processes,
            facilities: self.facilities,
            lanes: self.lanes,
            transport: self.transport,
            demand: self.demand,
            tariffs: self.tariffs,
            export_controls: self.export_controls,
            contracts: self.contracts,
            end_of_life: self.end_of_life,
            swarf: self.swarf,
            content_rules: self.content_rules,
            portfolios: self.portfolios,
            stockpiles: self.stockpiles,
            cutoffs: Vec::new(),
        };
        (model, self.diags)
    }

    /// A period label of the horizon.
    fn period(&mut self, row: &Row, col: &str) -> Option<PeriodId> {
        let label = row.text(col, &mut self.diags)?;
        if self.periods.is_empty() {
            return None; // model.toml is unusable and already reported
        }
        match self.period_ix.get(&label) {
            Some(&t) => Some(PeriodId(t)),
            None => {
                let msg = format!(
                    "expected a period of the horizon ({}), found \"{label}\"",
                    self.period_labels()
                );
                row.error(&mut self.diags, col, msg);
                None
            }
        }
    }

    /// The horizon in a message: its first and last labels.
    fn period_labels(&self) -> String {
        match self.periods.as_slice() {
            [] => "none defined".to_string(),
            [p] => p.label.clone(),
            [first, .., last] => format!("{} to {}", first.label, last.label),
        }
    }
}

/// Collects rows keyed by id, reporting duplicates; returns them sorted by id.
fn unique_by_id<'a>(
    table: &'a RawTable,
    col: &str,
    diags: &mut Diagnostics,
) -> Vec<(String, Row<'a>)> {
    let mut seen: BTreeMap<String, (u64, Row<'a>)> = BTreeMap::new();
    for row in table.rows() {
        let Some(id) = row.text(col, diags) else {
            continue;
        };
        if let Some((first, _)) = seen.get(&id) {
            row.error(
                diags,
                col,
                format!("duplicate id \"{id}\" (first defined on line {first})"),
            );
            continue;
        }
        seen.insert(id, (row.line, row));
    }
    seen.into_iter().map(|(id, (_, row))| (id, row)).collect()
}
