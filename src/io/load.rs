//! Loading a model directory: every file parsed, every reference resolved,
//! every problem collected (never just the first), then one sorted [`Model`].

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Diagnostics, Error, Result};
use crate::io::settings::parse_settings;
use crate::io::source::ModelSource;
use crate::io::table::{parse_table, RawTable, Row};
use crate::model::schema::{self, Table};
use crate::model::{
    Commodity, CommodityId, CommoditySet, Country, CountryId, CountrySet, Demand, Endpoint,
    ExportControl, Facility, FacilityId, LaneSpec, Model, Period, PeriodId, PeriodSet, Portfolio,
    PortfolioMode, Process, ProcessId, Stage, Status, Tariff, TransportRate, ALL,
};

/// Reads and checks the model in `source` with the named scenarios applied
/// in order. Warnings come back with the model; any error fails the load
/// with every diagnostic found.
///
/// # Errors
/// [`Error::Invalid`] listing every problem (and warning) when the model has
/// errors; [`Error::Read`] when a file exists but cannot be read.
pub fn load(source: &ModelSource, scenarios: &[String]) -> Result<(Model, Diagnostics)> {
    let mut diags = Diagnostics::default();
    let settings_file = source.display("model.toml");
    let settings = match text(source, "model.toml", &mut diags)? {
        Some(text) => parse_settings(&settings_file, &text, &mut diags),
        None => {
            diags.missing_file(&settings_file);
            None
        }
    };
    let mut tables = BTreeMap::new();
    for spec in schema::TABLES {
        let file = source.display(spec.file);
        let table = match text(source, spec.file, &mut diags)? {
            Some(text) => parse_table(file, spec, &text, &mut diags),
            None => {
                if spec.required {
                    diags.missing_file(&file);
                }
                RawTable::empty(file, spec)
            }
        };
        tables.insert(spec.file, table);
    }
    for name in scenarios {
        let file = format!("{}/{name}.toml", crate::io::scenario::FOLDER);
        match text(source, &file, &mut diags)? {
            Some(text) => {
                crate::io::scenario::apply(&source.display(&file), &text, &mut tables, &mut diags)
            }
            None => {
                let known = source.scenario_names();
                diags.push_diagnostic(crate::error::Diagnostic {
                    severity: crate::error::Severity::Error,
                    file: source.display(&file),
                    line: None,
                    col: None,
                    column: None,
                    message: format!(
                        "no scenario named \"{name}\" (the model has: {})",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                    missing_file: true,
                });
            }
        }
    }
    let table = |spec: &Table| &tables[spec.file];
    let (settings, periods) = match settings {
        Some(s) => s,
        None => {
            // Keep checking the tables against an empty horizon so every
            // problem is reported in one run.
            (
                crate::model::Settings {
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
                },
                Vec::new(),
            )
        }
    };
    let mut b = Builder {
        diags: std::mem::take(&mut diags),
        periods,
        ..Default::default()
    };
    b.countries(table(&schema::COUNTRIES));
    b.commodities(table(&schema::COMMODITIES));
    b.processes(table(&schema::PROCESSES));
    b.facilities(table(&schema::FACILITIES));
    b.lanes(table(&schema::LANES));
    b.transport(table(&schema::TRANSPORT));
    b.demand(table(&schema::DEMAND), settings.shortage_penalty);
    b.tariffs(table(&schema::TARIFFS));
    b.export_controls(table(&schema::EXPORT_CONTROLS));
    b.portfolios(table(&schema::PORTFOLIOS));
    let mut diags = b.diags;
    let model = Model {
        settings,
        periods: b.periods,
        countries: b.countries,
        commodities: b.commodities,
        processes: b.processes,
        facilities: b.facilities,
        lanes: b.lanes,
        transport: b.transport,
        demand: b.demand,
        tariffs: b.tariffs,
        export_controls: b.export_controls,
        portfolios: b.portfolios,
    };
    diags.sort_by_location();
    if diags.has_errors() {
        return Err(Error::Invalid(diags.into_vec()));
    }
    Ok((model, diags))
}

/// The text of a model file. Invalid UTF-8 is an error located at the line
/// of the first bad byte; the rest of the file is still checked, read with
/// the bad bytes replaced.
fn text(source: &ModelSource, file: &str, diags: &mut Diagnostics) -> Result<Option<String>> {
    let Some(bytes) = source.read(file)? else {
        return Ok(None);
    };
    match String::from_utf8(bytes) {
        Ok(s) => Ok(Some(s)),
        Err(e) => {
            let bad = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let line = bytes[..bad].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            diags.error(
                &source.display(file),
                Some(line),
                None,
                "expected UTF-8 text, found invalid bytes (save the file as UTF-8)",
            );
            Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
        }
    }
}

#[derive(Default)]
struct Builder {
    diags: Diagnostics,
    periods: Vec<Period>,
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
    transport: Vec<TransportRate>,
    demand: Vec<Demand>,
    tariffs: Vec<Tariff>,
    export_controls: Vec<ExportControl>,
    portfolios: Vec<Portfolio>,
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

impl Builder {
    fn countries(&mut self, t: &RawTable) {
        let rows = unique_by_id(t, "code", &mut self.diags);
        for (i, (code, row)) in rows.iter().enumerate() {
            self.country_ix.insert(code.clone(), i);
            let groups: Vec<String> = row
                .str("groups")
                .split_whitespace()
                .map(str::to_string)
                .collect();
            for g in &groups {
                if !crate::io::table::is_id(g) || g == ALL {
                    row.error(
                        &mut self.diags,
                        "groups",
                        format!("expected group names separated by spaces, found \"{g}\""),
                    );
                }
                self.groups.entry(g.clone()).or_default().push(i);
            }
            let region = row.text("region", &mut self.diags).unwrap_or_default();
            self.regions.insert(region.clone());
            self.countries.push(Country {
                code: code.clone(),
                name: row.text("name", &mut self.diags).unwrap_or_default(),
                region,
                groups,
            });
        }
        for (_, row) in &rows {
            for g in row.str("groups").split_whitespace() {
                if self.country_ix.contains_key(g) {
                    row.error(
                        &mut self.diags,
                        "groups",
                        format!("group \"{g}\" has the same name as a country code"),
                    );
                }
            }
        }
    }

    fn commodities(&mut self, t: &RawTable) {
        for (i, (id, row)) in unique_by_id(t, "id", &mut self.diags)
            .into_iter()
            .enumerate()
        {
            self.commodity_ix.insert(id.clone(), i);
            let stage = row
                .text("stage", &mut self.diags)
                .and_then(|s| Stage::parse(&s))
                .unwrap_or(Stage::Ore);
            let ref_value = row
                .number_or("ref_value", 0.0, &mut self.diags)
                .unwrap_or(0.0);
            let disposal_cost = row
                .number_or("disposal_cost", 0.0, &mut self.diags)
                .unwrap_or(0.0);
            let name = row.text("name", &mut self.diags).unwrap_or_default();
            let unit = row.text("unit", &mut self.diags).unwrap_or_default();
            self.commodities.push(Commodity {
                name: if name.is_empty() { id.clone() } else { name },
                id,
                stage,
                unit: if unit.is_empty() { "t".into() } else { unit },
                ref_value,
                disposal_cost,
            });
        }
    }

    fn commodity(&mut self, row: &Row, col: &str) -> Option<CommodityId> {
        let id = row.text(col, &mut self.diags)?;
        match self.commodity_ix.get(&id) {
            Some(&i) => Some(CommodityId(i)),
            None => {
                row.error(
                    &mut self.diags,
                    col,
                    format!("expected a commodity id from commodities.csv, found \"{id}\""),
                );
                None
            }
        }
    }

    fn processes(&mut self, t: &RawTable) {
        // process id -> (first line, terms)
        let mut recipes: BTreeMap<String, (u64, Vec<(CommodityId, f64)>)> = BTreeMap::new();
        for row in t.rows() {
            let Some(p) = row.text("process", &mut self.diags) else {
                continue;
            };
            let c = self.commodity(&row, "commodity");
            let coef = row.number("coef", &mut self.diags).ok().flatten();
            let entry = recipes.entry(p).or_insert((row.line, Vec::new()));
            let (Some(c), Some(coef)) = (c, coef) else {
                continue;
            };
            if coef == 0.0 {
                row.error(
                    &mut self.diags,
                    "coef",
                    "expected a non-zero coefficient (leave the row out instead), found 0",
                );
            } else if entry.1.iter().any(|(k, _)| *k == c) {
                row.error(
                    &mut self.diags,
                    "commodity",
                    format!(
                        "commodity \"{}\" appears twice in this recipe",
                        self.commodities[c.0].id
                    ),
                );
            } else {
                entry.1.push((c, coef));
            }
        }
        let file = t.file.clone();
        for (i, (id, (line, mut terms))) in recipes.into_iter().enumerate() {
            if !terms.is_empty() && terms.iter().all(|(_, v)| *v < 0.0) {
                self.diags.error(
                    &file,
                    Some(line),
                    Some("coef"),
                    format!(
                        "recipe \"{id}\" has no output: expected at least one positive coefficient"
                    ),
                );
            }
            terms.sort_by_key(|t| t.0);
            self.process_ix.insert(id.clone(), i);
            self.processes.push(Process { id, terms });
        }
    }

    fn facilities(&mut self, t: &RawTable) {
        for (i, (id, row)) in unique_by_id(t, "id", &mut self.diags)
            .into_iter()
            .enumerate()
        {
            self.facility_ix.insert(id.clone(), i);
            let country = self.country(&row, "country").unwrap_or(CountryId(0));
            let process = match row.text("process", &mut self.diags) {
                Some(p) => match self.process_ix.get(&p) {
                    Some(&k) => ProcessId(k),
                    None => {
                        row.error(
                            &mut self.diags,
                            "process",
                            format!("expected a process from processes.csv, found \"{p}\""),
                        );
                        ProcessId(0)
                    }
                },
                None => ProcessId(0),
            };
            let capacity = row
                .number_or("capacity", 0.0, &mut self.diags)
                .unwrap_or(0.0);
            let status = row
                .text("status", &mut self.diags)
                .and_then(|s| Status::parse(&s))
                .unwrap_or(Status::Closed);
            let online_year = row.year("online_year", &mut self.diags).ok().flatten();
            let closure_year = row.year("closure_year", &mut self.diags).ok().flatten();
            if matches!(status, Status::Construction | Status::Planned)
                && online_year.is_none()
                && row.str("online_year").is_empty()
            {
                row.error(&mut self.diags, "online_year", "expected the year a facility under construction or planned comes online, found an empty cell");
            }
            if let (Some(on), Some(off)) = (online_year, closure_year) {
                if off <= on {
                    row.error(
                        &mut self.diags,
                        "closure_year",
                        format!("expected a year after online_year {on}, found {off}"),
                    );
                }
            }
            let mut ramp_up = Vec::new();
            for w in row.str("ramp_up").split_whitespace() {
                match crate::io::table::parse_number(w, schema::Kind::Fraction) {
                    Ok(v) => ramp_up.push(v),
                    Err(_) => row.error(&mut self.diags, "ramp_up", format!("expected availabilities between 0 and 1 separated by spaces, found \"{w}\"")),
                }
            }
            if !ramp_up.is_empty() && online_year.is_none() && status != Status::Candidate {
                row.error(
                    &mut self.diags,
                    "ramp_up",
                    "a ramp-up needs an online_year to start from (or status candidate, which ramps up from its start)",
                );
            }
            let whole = |row: &Row, col: &str, diags: &mut Diagnostics| -> Option<u32> {
                match row.number(col, diags) {
                    Ok(Some(v)) if v.fract() == 0.0 && v <= 1000.0 => Some(v as u32),
                    Ok(Some(v)) => {
                        row.error(
                            diags,
                            col,
                            format!("expected a whole number of years, found {v}"),
                        );
                        None
                    }
                    _ => None,
                }
            };
            let lead_years = whole(&row, "lead_years", &mut self.diags).unwrap_or(0);
            let lifetime = whole(&row, "lifetime", &mut self.diags);
            if lifetime == Some(0) {
                row.error(
                    &mut self.diags,
                    "lifetime",
                    "expected a lifetime of at least 1 year, found 0",
                );
            }
            let build_cost = row
                .number_or("build_cost", 0.0, &mut self.diags)
                .unwrap_or(0.0);
            self.facilities.push(Facility {
                name: row.text("name", &mut self.diags).unwrap_or_default(),
                operator: row.text("operator", &mut self.diags).unwrap_or_default(),
                id,
                country,
                process,
                capacity,
                status,
                online_year,
                closure_year,
                ramp_up,
                variable_cost: row
                    .number_or("variable_cost", 0.0, &mut self.diags)
                    .unwrap_or(0.0),
                fixed_cost: row
                    .number_or("fixed_cost", 0.0, &mut self.diags)
                    .unwrap_or(0.0),
                build_cost,
                lead_years,
                lifetime,
                line: row.line,
            });
        }
    }

    fn country(&mut self, row: &Row, col: &str) -> Option<CountryId> {
        let code = row.text(col, &mut self.diags)?;
        match self.country_ix.get(&code) {
            Some(&i) => Some(CountryId(i)),
            None => {
                row.error(
                    &mut self.diags,
                    col,
                    format!("expected a country code from countries.csv, found \"{code}\""),
                );
                None
            }
        }
    }

    fn facility_process(&self, f: usize) -> Option<&Process> {
        self.processes.get(self.facilities[f].process.0)
    }

    fn lanes(&mut self, t: &RawTable) {
        let mut seen: BTreeMap<(usize, Endpoint, CommodityId), u64> = BTreeMap::new();
        for row in t.rows() {
            let from =
                row.text("from", &mut self.diags)
                    .and_then(|id| match self.facility_ix.get(&id) {
                        Some(&f) => Some(f),
                        None => {
                            row.error(
                                &mut self.diags,
                                "from",
                                format!(
                                    "expected a facility id from facilities.csv, found \"{id}\""
                                ),
                            );
                            None
                        }
                    });
            let to = row.text("to", &mut self.diags).and_then(|id| {
                match (self.facility_ix.get(&id), self.country_ix.get(&id)) {
                    (Some(&f), None) => Some(Endpoint::Facility(FacilityId(f))),
                    (None, Some(&c)) => Some(Endpoint::Market(CountryId(c))),
                    (Some(_), Some(_)) => {
                        row.error(&mut self.diags, "to", format!("\"{id}\" is both a facility id and a country code; rename the facility"));
                        None
                    }
                    (None, None) => {
                        row.error(&mut self.diags, "to", format!("expected a facility id or a country code (for its market), found \"{id}\""));
                        None
                    }
                }
            });
            let commodity = self.commodity(&row, "commodity");
            let cost = row.number_or("cost", 0.0, &mut self.diags);
            let capacity = row.number("capacity", &mut self.diags);
            let (Some(from), Some(to), Some(c), Ok(cost), Ok(capacity)) =
                (from, to, commodity, cost, capacity)
            else {
                continue;
            };
            let cid = &self.commodities[c.0].id;
            if self
                .facility_process(from)
                .is_some_and(|p| p.coef(c) <= 0.0)
            {
                row.error(
                    &mut self.diags,
                    "from",
                    format!(
                        "facility \"{}\" does not produce \"{cid}\"",
                        self.facilities[from].id
                    ),
                );
                continue;
            }
            if let Endpoint::Facility(g) = to {
                if self.facility_process(g.0).is_some_and(|p| p.coef(c) >= 0.0) {
                    row.error(
                        &mut self.diags,
                        "to",
                        format!(
                            "facility \"{}\" does not use \"{cid}\"",
                            self.facilities[g.0].id
                        ),
                    );
                    continue;
                }
                if g.0 == from {
                    row.error(
                        &mut self.diags,
                        "to",
                        "a lane must join two different places",
                    );
                    continue;
                }
            }
            if let Some(first) = seen.insert((from, to, c), row.line) {
                row.error(
                    &mut self.diags,
                    "to",
                    format!("duplicate lane (first defined on line {first})"),
                );
                continue;
            }
            self.lanes.push(LaneSpec {
                from: FacilityId(from),
                to,
                commodity: c,
                cost,
                capacity,
                line: row.line,
            });
        }
    }

    /// A commodity id, a stage word, or `all`.
    fn applies_to_known(&self, s: &str) -> bool {
        s == ALL || Stage::parse(s).is_some() || self.commodity_ix.contains_key(s)
    }

    fn transport(&mut self, t: &RawTable) {
        let mut seen: BTreeMap<(String, String, String), u64> = BTreeMap::new();
        for row in t.rows() {
            let mut ok = true;
            for col in ["from_region", "to_region"] {
                match row.text(col, &mut self.diags) {
                    Some(r) if !self.regions.contains(&r) => {
                        row.error(
                            &mut self.diags,
                            col,
                            format!("expected a region used in countries.csv, found \"{r}\""),
                        );
                        ok = false;
                    }
                    None => ok = false,
                    _ => {}
                }
            }
            let applies = row.text("commodity", &mut self.diags).unwrap_or_default();
            if !applies.is_empty() && !self.applies_to_known(&applies) {
                row.error(
                    &mut self.diags,
                    "commodity",
                    format!("expected a commodity id, a stage or \"all\", found \"{applies}\""),
                );
                ok = false;
            }
            let cost = row.number("cost", &mut self.diags);
            let (true, Ok(Some(cost))) = (ok, cost) else {
                continue;
            };
            let key = (
                row.str("from_region").to_string(),
                row.str("to_region").to_string(),
                applies.clone(),
            );
            if let Some(first) = seen.insert(key, row.line) {
                row.error(
                    &mut self.diags,
                    "commodity",
                    format!("duplicate rate (first defined on line {first})"),
                );
                continue;
            }
            self.transport.push(TransportRate {
                from_region: row.str("from_region").to_string(),
                to_region: row.str("to_region").to_string(),
                applies_to: applies,
                cost,
            });
        }
    }

    fn period(&mut self, row: &Row, col: &str) -> Option<PeriodId> {
        let label = row.text(col, &mut self.diags)?;
        if self.periods.is_empty() {
            return None; // model.toml is unusable and already reported
        }
        match self.periods.iter().position(|p| p.label == label) {
            Some(t) => Some(PeriodId(t)),
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

    fn period_labels(&self) -> String {
        match self.periods.as_slice() {
            [] => "none defined".to_string(),
            [p] => p.label.clone(),
            [first, .., last] => format!("{} to {}", first.label, last.label),
        }
    }

    fn demand(&mut self, t: &RawTable, default_penalty: f64) {
        let mut seen: BTreeMap<(CountryId, String, CommodityId, PeriodId), u64> = BTreeMap::new();
        for row in t.rows() {
            let country = self.country(&row, "country");
            let sector = row.text("sector", &mut self.diags);
            let commodity = self.commodity(&row, "commodity");
            let period = self.period(&row, "period");
            let tonnes = row.number_or("tonnes", 0.0, &mut self.diags);
            let penalty = row.number_or("shortage_penalty", default_penalty, &mut self.diags);
            let (Some(country), Some(sector), Some(c), Some(period), Ok(tonnes), Ok(penalty)) =
                (country, sector, commodity, period, tonnes, penalty)
            else {
                continue;
            };
            if !self.processes.iter().any(|p| p.coef(c) > 0.0) {
                row.error(
                    &mut self.diags,
                    "commodity",
                    format!(
                        "no process in processes.csv makes \"{}\"",
                        self.commodities[c.0].id
                    ),
                );
                continue;
            }
            if let Some(first) = seen.insert((country, sector.clone(), c, period), row.line) {
                row.error(
                    &mut self.diags,
                    "period",
                    format!("duplicate demand segment (first defined on line {first})"),
                );
                continue;
            }
            self.demand.push(Demand {
                country,
                sector,
                commodity: c,
                period,
                tonnes,
                shortage_penalty: penalty,
                line: row.line,
            });
        }
        self.demand.sort_by(|a, b| {
            (a.country, &a.sector, a.commodity, a.period).cmp(&(
                b.country,
                &b.sector,
                b.commodity,
                b.period,
            ))
        });
    }

    /// A country code, a group name, or `all`.
    fn country_set(&mut self, row: &Row, col: &str) -> Option<CountrySet> {
        let label = row.text(col, &mut self.diags)?;
        let n = self.countries.len();
        let members = if label == ALL {
            vec![true; n]
        } else if let Some(&c) = self.country_ix.get(&label) {
            (0..n).map(|i| i == c).collect()
        } else if let Some(ms) = self.groups.get(&label) {
            (0..n).map(|i| ms.contains(&i)).collect()
        } else {
            row.error(&mut self.diags, col, format!("expected a country code, a group from countries.csv or \"all\", found \"{label}\""));
            return None;
        };
        Some(CountrySet::new(label, members))
    }

    /// Commodity ids, stages or `all`, separated by spaces.
    fn commodity_set(&mut self, row: &Row, col: &str) -> Option<CommoditySet> {
        let label = row.text(col, &mut self.diags)?;
        let mut members = vec![false; self.commodities.len()];
        let mut ok = true;
        for w in label.split_whitespace() {
            if w == ALL {
                members.iter_mut().for_each(|m| *m = true);
            } else if let Some(&c) = self.commodity_ix.get(w) {
                members[c] = true;
            } else if let Some(s) = Stage::parse(w) {
                for (m, c) in members.iter_mut().zip(&self.commodities) {
                    *m |= c.stage == s;
                }
            } else {
                row.error(
                    &mut self.diags,
                    col,
                    format!("expected commodity ids, stages or \"all\", found \"{w}\""),
                );
                ok = false;
            }
        }
        ok.then(|| CommoditySet::new(label, members))
    }

    /// Empty (all), labels, and `A..B` ranges, separated by spaces.
    fn period_set(&mut self, row: &Row, col: &str) -> Option<PeriodSet> {
        let label = row.str(col).to_string();
        let n = self.periods.len();
        if n == 0 {
            return None; // model.toml is unusable and already reported
        }
        if label.is_empty() || label == ALL {
            return Some(PeriodSet::new(label, vec![true; n]));
        }
        let mut members = vec![false; n];
        let find = |l: &str| self.periods.iter().position(|p| p.label == l);
        let mut bad = Vec::new();
        for w in label.split_whitespace() {
            if let Some((a, b)) = w.split_once("..") {
                match (find(a), find(b)) {
                    (Some(i), Some(j)) if i <= j => {
                        members[i..=j].iter_mut().for_each(|m| *m = true)
                    }
                    _ => bad.push(w.to_string()),
                }
            } else if let Some(i) = find(w) {
                members[i] = true;
            } else {
                bad.push(w.to_string());
            }
        }
        if !bad.is_empty() {
            let expected = format!(
                "expected periods of the horizon ({}) or ranges FROM..TO, found \"{}\"",
                self.period_labels(),
                bad.join(" ")
            );
            row.error(&mut self.diags, col, expected);
            return None;
        }
        Some(PeriodSet::new(label, members))
    }

    fn tariffs(&mut self, t: &RawTable) {
        for row in t.rows() {
            let importer = self.country_set(&row, "importer");
            let exporter = self.country_set(&row, "exporter");
            let goods = self.commodity_set(&row, "commodity");
            let ad_valorem = row.number_or("ad_valorem", 0.0, &mut self.diags);
            let specific = row.number_or("specific", 0.0, &mut self.diags);
            let periods = self.period_set(&row, "periods");
            let name = row.text("name", &mut self.diags).unwrap_or_default();
            if let (
                Some(importer),
                Some(exporter),
                Some(goods),
                Ok(ad_valorem),
                Ok(specific),
                Some(periods),
            ) = (importer, exporter, goods, ad_valorem, specific, periods)
            {
                let name = if name.is_empty() {
                    format!("tariffs.csv:{}", row.line)
                } else {
                    name
                };
                self.tariffs.push(Tariff {
                    name,
                    importer,
                    exporter,
                    goods,
                    ad_valorem,
                    specific,
                    periods,
                });
            }
        }
    }

    fn export_controls(&mut self, t: &RawTable) {
        let mut seen = BTreeMap::new();
        for row in t.rows() {
            let id = row.text("id", &mut self.diags);
            let exporter = self.country_set(&row, "exporter");
            let goods = self.commodity_set(&row, "commodity");
            let destination = self.country_set(&row, "destination");
            let cap = row.number("cap", &mut self.diags);
            let periods = self.period_set(&row, "periods");
            let (
                Some(id),
                Some(exporter),
                Some(goods),
                Some(destination),
                Ok(Some(cap)),
                Some(periods),
            ) = (id, exporter, goods, destination, cap, periods)
            else {
                continue;
            };
            if let Some(first) = seen.insert(id.clone(), row.line) {
                row.error(
                    &mut self.diags,
                    "id",
                    format!("duplicate id \"{id}\" (first defined on line {first})"),
                );
                continue;
            }
            self.export_controls.push(ExportControl {
                id,
                exporter,
                goods,
                destination,
                cap,
                periods,
            });
        }
    }

    fn portfolios(&mut self, t: &RawTable) {
        let mut sets: BTreeMap<String, (u64, Vec<(FacilityId, PortfolioMode)>)> = BTreeMap::new();
        for row in t.rows() {
            let Some(name) = row.text("portfolio", &mut self.diags) else {
                continue;
            };
            if name == crate::model::PORTFOLIO_NONE || name == crate::model::PORTFOLIO_ALL {
                row.error(&mut self.diags, "portfolio", format!("\"{name}\" is built in (no candidate / every candidate); choose another name"));
                continue;
            }
            let facility = row.text("facility", &mut self.diags).and_then(|id| {
                match self.facility_ix.get(&id) {
                    Some(&f) if self.facilities[f].status == Status::Candidate => {
                        Some(FacilityId(f))
                    }
                    Some(_) => {
                        row.error(
                            &mut self.diags,
                            "facility",
                            format!("facility \"{id}\" is not a candidate (status candidate)"),
                        );
                        None
                    }
                    None => {
                        row.error(
                            &mut self.diags,
                            "facility",
                            format!("expected a facility id from facilities.csv, found \"{id}\""),
                        );
                        None
                    }
                }
            });
            let mode = row.text("mode", &mut self.diags).map(|m| {
                if m == "force" {
                    PortfolioMode::Force
                } else {
                    PortfolioMode::Allow
                }
            });
            let entry = sets.entry(name).or_insert((row.line, Vec::new()));
            let (Some(f), Some(mode)) = (facility, mode) else {
                continue;
            };
            if entry.1.iter().any(|(g, _)| *g == f) {
                row.error(
                    &mut self.diags,
                    "facility",
                    "facility listed twice in this portfolio",
                );
                continue;
            }
            entry.1.push((f, mode));
        }
        for (name, (_, mut members)) in sets {
            members.sort_by_key(|m| m.0);
            self.portfolios.push(Portfolio { name, members });
        }
    }
}
