//! Scenarios: named futures that override a model's tables.
//!
//! A scenario is `scenarios/NAME.toml` in a model directory, applied by
//! name, or a TOML file anywhere, applied by its path:
//!
//! ```toml
//! description = "US 145% / China 125% (April 2025)"
//!
//! [[remove]]                       # drop rows
//! file = "facilities.csv"
//! match = { id = "seadrift" }
//!
//! [[set]]                          # change cells of matching rows
//! file = "tariffs.csv"
//! match = { name = "US reciprocal tariff" }
//! values = { ad_valorem = 1.25 }
//!
//! [[scale]]                        # multiply a numeric column
//! file = "demand.csv"
//! match = { sector = "ev" }        # no match: every row
//! column = "tonnes"
//! factor = 1.2
//!
//! [[add]]                          # new rows
//! file = "export_controls.csv"
//! rows = [{ id = "cn-halt", exporter = "CN", commodity = "magnet", destination = "US", cap = 0 }]
//! ```
//!
//! Within a scenario, removals apply first, then sets, scales and additions;
//! scenarios apply in the order given. They change the raw tables before
//! the model is validated, so a scenario's rows are checked like any other,
//! and rows it adds are reported at the scenario's own file and line.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::error::Diagnostics;
use crate::io::settings::Located;
use crate::io::table::{parse_number, RawRow, RawTable};
use crate::model::schema::{Kind, SETTINGS_KEYS};

/// Where scenario files live inside a model directory.
pub const FOLDER: &str = "scenarios";

/// True when a `--scenario` argument is a path to a scenario file (it
/// contains `/` or ends with `.toml`), read from disk relative to the
/// working directory; otherwise it names `FOLDER/NAME.toml` in the model.
pub fn is_file(arg: &str) -> bool {
    arg.contains('/') || arg.ends_with(".toml")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    #[allow(dead_code)]
    description: String,
    #[serde(default)]
    remove: Vec<Spanned<Remove>>,
    #[serde(default)]
    set: Vec<Spanned<Set>>,
    #[serde(default)]
    scale: Vec<Spanned<Scale>>,
    #[serde(default)]
    add: Vec<Spanned<Add>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Remove {
    file: Spanned<String>,
    #[serde(rename = "match")]
    matching: Spanned<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Set {
    file: Spanned<String>,
    #[serde(rename = "match", default)]
    matching: Option<Spanned<toml::Table>>,
    values: Spanned<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scale {
    file: Spanned<String>,
    #[serde(rename = "match", default)]
    matching: Option<Spanned<toml::Table>>,
    column: Spanned<String>,
    factor: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Add {
    file: Spanned<String>,
    rows: Vec<Spanned<toml::Table>>,
}

#[derive(Deserialize)]
struct DescriptionOnly {
    description: String,
}

/// The one-line description of a scenario file, if it has one.
pub fn description(text: &str) -> Option<String> {
    toml::from_str::<toml::Table>(text)
        .ok()
        .and_then(|t| toml::Value::Table(t).try_into::<DescriptionOnly>().ok())
        .map(|d| d.description.trim().to_string())
}

/// A TOML value as the text of a CSV cell.
fn cell_text(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::String(s) => Some(s.trim().to_string()),
        toml::Value::Integer(i) => Some(i.to_string()),
        toml::Value::Float(f) => Some(f.to_string()),
        toml::Value::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

struct Applier<'a, 'd> {
    at: Located<'a>,
    diags: &'d mut Diagnostics,
}

impl Applier<'_, '_> {
    fn err(&mut self, span: std::ops::Range<usize>, key: &str, msg: String) {
        self.at.error(self.diags, span, key, msg);
    }

    fn table<'t>(
        &mut self,
        tables: &'t mut BTreeMap<&'static str, RawTable>,
        file: &Spanned<String>,
    ) -> Option<&'t mut RawTable> {
        let name = file.get_ref().as_str();
        if !tables.contains_key(name) {
            let known: Vec<&str> = tables.keys().copied().collect();
            self.err(
                file.span(),
                "file",
                format!("expected one of {}, found \"{name}\"", known.join(", ")),
            );
            return None;
        }
        tables.get_mut(name)
    }

    /// Checks a cell value against its column; returns its text.
    fn value(
        &mut self,
        table: &RawTable,
        col: &str,
        v: &toml::Value,
        span: std::ops::Range<usize>,
    ) -> Option<String> {
        let Some(spec) = table.spec.column(col) else {
            let names: Vec<&str> = table.spec.columns.iter().map(|c| c.name).collect();
            self.err(
                span,
                col,
                format!(
                    "not a column of {}; expected one of: {}",
                    table.spec.file,
                    names.join(", ")
                ),
            );
            return None;
        };
        let Some(text) = cell_text(v) else {
            self.err(
                span,
                col,
                format!("expected a string or a number, found {v}"),
            );
            return None;
        };
        if matches!(spec.kind, Kind::Number | Kind::NonNegative | Kind::Fraction)
            && !text.is_empty()
        {
            if let Err(expected) = parse_number(&text, spec.kind) {
                self.err(span, col, format!("expected {expected}, found {text}"));
                return None;
            }
        }
        Some(text)
    }

    /// Indices of the rows matching every (column, value) of `m` (all rows
    /// when `m` is none). Records an error when nothing matches.
    fn matching(
        &mut self,
        table: &RawTable,
        m: Option<&Spanned<toml::Table>>,
        span: std::ops::Range<usize>,
    ) -> Option<Vec<usize>> {
        let mut keys: Vec<(usize, String)> = Vec::new();
        if let Some(m) = m {
            for (col, v) in m.get_ref() {
                let text = self.value(table, col, v, m.span())?;
                keys.push((table.column_index(col)?, text));
            }
        }
        let same = |cell: &str, want: &str| {
            cell == want
                || matches!((cell.parse::<f64>(), want.parse::<f64>()), (Ok(a), Ok(b)) if a == b)
        };
        let rows: Vec<usize> = table
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| keys.iter().all(|(i, want)| same(&r.cells[*i], want)))
            .map(|(i, _)| i)
            .collect();
        if rows.is_empty() {
            self.err(
                span,
                "match",
                format!("matches no row of {}", table.spec.file),
            );
            return None;
        }
        Some(rows)
    }
}

/// The keys a scenario file may have at its top level.
pub const KEYS: [&str; 5] = ["description", "remove", "set", "scale", "add"];

/// Reports every top-level key that is not a scenario key (as when a
/// `model.toml` is given as a scenario); true when there is none. A file
/// that does not parse is left for serde to report.
fn only_scenario_keys(at: &Located, diags: &mut Diagnostics) -> bool {
    let (doc, errors) = toml::de::DeTable::parse_recoverable(at.text);
    if !errors.is_empty() {
        return true;
    }
    let unknown: Vec<_> = doc
        .get_ref()
        .keys()
        .filter(|k| !KEYS.contains(&k.get_ref().as_ref()))
        .collect();
    let settings = unknown
        .iter()
        .any(|k| SETTINGS_KEYS.iter().any(|s| s.0 == k.get_ref().as_ref()));
    let hint = if settings {
        " (this looks like a model.toml, not a scenario)"
    } else {
        ""
    };
    for key in &unknown {
        let msg = format!(
            "not a scenario key: a scenario file's top-level keys are {}{hint}",
            KEYS.join(", ")
        );
        at.error(diags, key.span(), key.get_ref(), msg);
    }
    unknown.is_empty()
}

/// Applies the scenario in `text` (shown as `file`) to `tables`.
pub fn apply(
    file: &str,
    text: &str,
    tables: &mut BTreeMap<&'static str, RawTable>,
    diags: &mut Diagnostics,
) {
    let at = Located::new(file, text);
    if !only_scenario_keys(&at, diags) {
        return;
    }
    let Some(raw) = at.parse::<RawScenario>(diags) else {
        return;
    };
    let mut a = Applier { at, diags };
    for op in &raw.remove {
        a.remove(tables, op);
    }
    for op in &raw.set {
        a.set(tables, op);
    }
    for op in &raw.scale {
        a.scale(tables, op);
    }
    for op in &raw.add {
        a.add(tables, op);
    }
}

impl Applier<'_, '_> {
    /// `[[remove]]`: drops every matching row.
    fn remove(&mut self, tables: &mut BTreeMap<&'static str, RawTable>, op: &Spanned<Remove>) {
        let Some(t) = self.table(tables, &op.get_ref().file) else {
            return;
        };
        if let Some(rows) = self.matching(t, Some(&op.get_ref().matching), op.span()) {
            // `rows` is in ascending order: a binary search keeps this
            // O(n log n) when a removal matches much of a large table.
            let mut i = 0;
            t.rows.retain(|_| {
                i += 1;
                rows.binary_search(&(i - 1)).is_err()
            });
        }
    }

    /// `[[set]]`: changes cells of every matching row.
    fn set(&mut self, tables: &mut BTreeMap<&'static str, RawTable>, op: &Spanned<Set>) {
        let s = op.get_ref();
        let Some(t) = self.table(tables, &s.file) else {
            return;
        };
        let Some(rows) = self.matching(t, s.matching.as_ref(), op.span()) else {
            return;
        };
        for (col, v) in s.values.get_ref() {
            let (Some(text), Some(i)) =
                (self.value(t, col, v, s.values.span()), t.column_index(col))
            else {
                continue;
            };
            for &r in &rows {
                t.rows[r].cells[i] = text.clone();
            }
        }
    }

    /// `[[scale]]`: multiplies a numeric column of every matching row.
    fn scale(&mut self, tables: &mut BTreeMap<&'static str, RawTable>, op: &Spanned<Scale>) {
        let s = op.get_ref();
        let Some(t) = self.table(tables, &s.file) else {
            return;
        };
        let col = s.column.get_ref();
        let kind = t.spec.column(col).map(|c| c.kind);
        if !matches!(kind, Some(Kind::Number | Kind::NonNegative)) {
            self.err(
                s.column.span(),
                "column",
                format!(
                    "expected a numeric column of {}, found \"{col}\"",
                    t.spec.file
                ),
            );
            return;
        }
        let factor = *s.factor.get_ref();
        if !factor.is_finite() || factor < 0.0 {
            self.err(
                s.factor.span(),
                "factor",
                format!("expected a finite number >= 0, found {factor}"),
            );
            return;
        }
        let Some(rows) = self.matching(t, s.matching.as_ref(), op.span()) else {
            return;
        };
        let i = t.column_index(col).unwrap_or(0);
        for r in rows {
            // Cells that do not parse are left for the loader to report.
            if let Ok(v) = t.rows[r].cells[i].parse::<f64>() {
                t.rows[r].cells[i] = (v * factor).to_string();
            }
        }
    }

    /// `[[add]]`: appends rows, located at the scenario's own file and line.
    fn add(&mut self, tables: &mut BTreeMap<&'static str, RawTable>, op: &Spanned<Add>) {
        let s = op.get_ref();
        let Some(t) = self.table(tables, &s.file) else {
            return;
        };
        for row in &s.rows {
            let mut cells = vec![String::new(); t.spec.columns.len()];
            let mut ok = true;
            for (col, v) in row.get_ref() {
                match (self.value(t, col, v, row.span()), t.column_index(col)) {
                    (Some(text), Some(i)) => cells[i] = text,
                    _ => ok = false,
                }
            }
            if ok {
                let (line, _) = self.at.line_col(row.span().start);
                t.rows.push(RawRow {
                    file: self.at.file.into(),
                    line,
                    cells,
                });
            }
        }
    }
}
