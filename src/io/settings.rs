//! Reading `model.toml`: the model's settings and its horizon.
//!
//! The file is read as a TOML document that keeps where every key and
//! value is, and each key is checked on its own, so every problem (syntax,
//! duplicate, unknown, missing and mistyped keys, values out of range) is
//! reported in one run, at its line:column, in the user's words.

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::error::{suggestion, Diagnostic, Diagnostics, Severity};
use crate::model::schema::{PERIOD_KEYS, SETTINGS_KEYS};
use crate::model::{Period, Settings};

type Span = std::ops::Range<usize>;

const YEAR: &str = "a whole number (year)";

/// The keys of `model.toml` as read: each `None` when absent or bad
/// (reported).
struct RawSettings {
    name: Option<Spanned<String>>,
    description: Option<Spanned<String>>,
    currency: Option<Spanned<String>>,
    base_year: Option<Spanned<i64>>,
    discount_rate: Option<Spanned<f64>>,
    shortage_penalty: Option<Spanned<f64>>,
    first_year: Option<Spanned<i64>>,
    last_year: Option<Spanned<i64>>,
    periods: Option<Spanned<Vec<RawPeriod>>>,
    build_budget: Option<Spanned<f64>>,
    build_budget_per_period: Option<Spanned<f64>>,
    min_builds: Option<Spanned<i64>>,
    max_builds: Option<Spanned<i64>>,
    /// Where `first_year`, `last_year` and `periods` are written, whatever
    /// their values.
    horizon: [Option<Span>; 3],
}

/// A `[[periods]]` entry with its label and start (entries without them
/// are reported and left out).
struct RawPeriod {
    label: Spanned<String>,
    start: Spanned<i64>,
    years: Option<Spanned<i64>>,
}

/// Where in a TOML file: turns byte spans into line:column diagnostics.
pub(crate) struct Located<'a> {
    /// File name as shown in messages.
    pub file: &'a str,
    /// Its text.
    pub text: &'a str,
    /// The byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'a> Located<'a> {
    /// The file `file` (as named in messages) holding `text`.
    pub fn new(file: &'a str, text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Located { file, text, starts }
    }

    /// 1-based (line, column) of a byte offset; the column counts
    /// characters.
    pub fn line_col(&self, offset: usize) -> (u64, u64) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let col = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count());
        (line as u64, col as u64 + 1)
    }

    /// Records an error at `span` about `key`.
    pub fn error(&self, diags: &mut Diagnostics, span: Span, key: &str, msg: String) {
        self.push(diags, span.start, Some(key), msg);
    }

    fn push(&self, diags: &mut Diagnostics, offset: usize, key: Option<&str>, message: String) {
        let (line, col) = self.line_col(offset);
        diags.push_diagnostic(Diagnostic {
            severity: Severity::Error,
            file: self.file.to_string(),
            line: Some(line),
            col: Some(col),
            column: key.map(str::to_string),
            message,
            missing_file: false,
        });
    }

    /// Deserializes the whole file, recording a located error on failure.
    pub fn parse<T: serde::de::DeserializeOwned>(&self, diags: &mut Diagnostics) -> Option<T> {
        match toml::from_str(self.text) {
            Ok(r) => Some(r),
            Err(e) => {
                let offset = e.span().map_or(0, |s| s.start);
                self.push(diags, offset, None, e.message().trim().to_string());
                None
            }
        }
    }

    /// Records every syntax error of the document, naming a duplicated key
    /// and the line it was first set on.
    fn syntax_errors(&self, doc: &DeTable, errors: &[toml::de::Error], diags: &mut Diagnostics) {
        for e in errors {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim();
            if message != "duplicate key" {
                self.push(diags, span.start, None, message.to_string());
                continue;
            }
            let key = self.text.get(span.clone()).unwrap_or_default();
            let key = key.trim_matches(|c| c == '"' || c == '\'');
            let first = first_set(doc, key, span.start).map_or(String::new(), |s| {
                format!(" (first set on line {})", self.line_col(s).0)
            });
            let msg = format!("duplicate key \"{key}\"{first}");
            self.push(diags, span.start, Some(key), msg);
        }
    }
}

/// Where `key` is set last before `before`, in `table` or in the tables
/// of its lists (`[[periods]]`).
fn first_set(table: &DeTable, key: &str, before: usize) -> Option<usize> {
    let mut found = None;
    for (k, v) in table {
        if k.get_ref() == key && k.span().start < before {
            found = found.max(Some(k.span().start));
        }
        for t in v.get_ref().as_array().into_iter().flat_map(|a| a.iter()) {
            if let Some(t) = t.get_ref().as_table() {
                found = found.max(first_set(t, key, before));
            }
        }
    }
    found
}

/// One table of `model.toml`, read key by key. Unknown keys are reported
/// when it is opened; a required key it lacks and a value of the wrong
/// type, when asked for.
struct Keys<'a, 'd> {
    at: &'a Located<'a>,
    table: &'a DeTable<'a>,
    /// Where the table starts: missing keys are reported there.
    start: usize,
    known: &'static [(&'static str, bool)],
    /// The file has syntax errors: a required key that is written is not
    /// reported as missing, the parser may have lost it.
    damaged: bool,
    diags: &'d mut Diagnostics,
}

impl<'a, 'd> Keys<'a, 'd> {
    fn open(
        at: &'a Located<'a>,
        table: &'a DeTable<'a>,
        start: usize,
        known: &'static [(&'static str, bool)],
        damaged: bool,
        diags: &'d mut Diagnostics,
    ) -> Self {
        let names: Vec<String> = known.iter().map(|k| k.0.to_string()).collect();
        for key in table.keys() {
            let name: &str = key.get_ref();
            if !names.iter().any(|n| n == name) {
                let hint = suggestion(name, &names);
                let msg = format!("unknown key{hint} (expected one of: {})", names.join(", "));
                at.error(diags, key.span(), name, msg);
            }
        }
        Keys {
            at,
            table,
            start,
            known,
            damaged,
            diags,
        }
    }

    /// The value of `key`, if written; a required key that is not is
    /// reported.
    fn value(&mut self, key: &str) -> Option<&'a Spanned<DeValue<'a>>> {
        let v = self.table.get(key);
        let required = self.known.iter().any(|k| k.0 == key && k.1);
        let written = || {
            self.at.text.lines().any(|l| {
                l.trim_start()
                    .strip_prefix(key)
                    .is_some_and(|r| r.trim_start().starts_with('='))
            })
        };
        if v.is_none() && required && !(self.damaged && written()) {
            let msg = "required key is missing".to_string();
            self.at.error(self.diags, self.start..self.start, key, msg);
        }
        v
    }

    /// Reports that `key` holds `v` where `expected` was expected.
    fn wrong<T>(&mut self, key: &str, v: &Spanned<DeValue>, expected: &str) -> Option<T> {
        let found = match v.get_ref() {
            DeValue::String(s) => format!("the text \"{s}\""),
            DeValue::Array(_) => "a list".to_string(),
            DeValue::Table(_) => "a table".to_string(),
            _ => format!("\"{}\"", self.at.text.get(v.span()).unwrap_or_default()),
        };
        let msg = format!("expected {expected}, found {found}");
        self.at.error(self.diags, v.span(), key, msg);
        None
    }

    fn text(&mut self, key: &str) -> Option<Spanned<String>> {
        let v = self.value(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some(Spanned::new(v.span(), s.to_string())),
            _ => self.wrong(key, v, "a text in quotes"),
        }
    }

    /// A number (NaN and infinities included: their range check says why
    /// they are refused).
    fn number(&mut self, key: &str) -> Option<Spanned<f64>> {
        let v = self.value(key)?;
        match as_number(v.get_ref()) {
            Some(x) => Some(Spanned::new(v.span(), x)),
            None => self.wrong(key, v, "a number"),
        }
    }

    /// A whole number (`2025` or `2025.0`), described as `what`.
    fn whole(&mut self, key: &str, what: &str) -> Option<Spanned<i64>> {
        let v = self.value(key)?;
        match as_number(v.get_ref()).filter(|x| x.fract() == 0.0 && x.abs() < 1e15) {
            Some(n) => Some(Spanned::new(v.span(), n as i64)),
            None => self.wrong(key, v, what),
        }
    }

    /// The `[[periods]]` list, each entry read as a table of its own.
    fn periods(&mut self) -> Option<Spanned<Vec<RawPeriod>>> {
        let v = self.value("periods")?;
        let tables: Option<Vec<_>> = v
            .get_ref()
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| Some((e.get_ref().as_table()?, e.span())))
                    .collect()
            })
            .and_then(|t: Vec<Option<_>>| t.into_iter().collect());
        let Some(tables) = tables else {
            return self.wrong("periods", v, "a list of [[periods]] tables");
        };
        let mut out = Vec::new();
        for (table, span) in tables {
            let diags = &mut *self.diags;
            let mut k = Keys::open(self.at, table, span.start, PERIOD_KEYS, self.damaged, diags);
            let (label, start) = (k.text("label"), k.whole("start", YEAR));
            let years = k.whole("years", "a whole number (years)");
            if let (Some(label), Some(start)) = (label, start) {
                out.push(RawPeriod {
                    label,
                    start,
                    years,
                });
            }
        }
        Some(Spanned::new(v.span(), out))
    }
}

/// The value of a TOML integer or float.
fn as_number(v: &DeValue) -> Option<f64> {
    match v {
        DeValue::Integer(i) if i.radix() == 10 => i.as_str().parse().ok(),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|n| n as f64),
        DeValue::Float(f) => f.as_str().parse().ok(),
        _ => None,
    }
}

/// Every key of `model.toml`, each checked on its own.
fn read_keys(at: &Located, diags: &mut Diagnostics) -> RawSettings {
    let (doc, errors) = DeTable::parse_recoverable(at.text);
    let doc = doc.get_ref();
    at.syntax_errors(doc, &errors, diags);
    let horizon = ["first_year", "last_year", "periods"]
        .map(|key| doc.get_key_value(key).map(|(k, _)| k.span()));
    let mut k = Keys::open(at, doc, 0, SETTINGS_KEYS, !errors.is_empty(), diags);
    RawSettings {
        name: k.text("name"),
        description: k.text("description"),
        currency: k.text("currency"),
        base_year: k.whole("base_year", YEAR),
        discount_rate: k.number("discount_rate"),
        shortage_penalty: k.number("shortage_penalty"),
        first_year: k.whole("first_year", YEAR),
        last_year: k.whole("last_year", YEAR),
        periods: k.periods(),
        build_budget: k.number("build_budget"),
        build_budget_per_period: k.number("build_budget_per_period"),
        min_builds: k.whole("min_builds", "a whole number"),
        max_builds: k.whole("max_builds", "a whole number"),
        horizon,
    }
}

/// Parses `model.toml`. Returns `None` (with diagnostics) when it is unusable.
pub fn parse_settings(
    file: &str,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<(Settings, Vec<Period>)> {
    let at = Located::new(file, text);
    let before = diags.error_count();
    let raw = read_keys(&at, diags);
    let mut settings = settings(&at, &raw, diags);
    let periods = horizon(&at, &raw, before, diags);
    let base_year = match &raw.base_year {
        Some(b) => year(&at, b, "base_year", diags),
        None => periods.first().map(|p| p.start),
    };
    settings.base_year = base_year.unwrap_or(2025);
    if let Some(name) = raw.name.as_ref().filter(|n| n.get_ref().trim().is_empty()) {
        let msg = "expected a model name, found an empty string".into();
        at.error(diags, name.span(), "name", msg);
    }
    if diags.error_count() > before {
        return None;
    }
    Some((settings, periods))
}

/// The periods, from `first_year`/`last_year` or from `[[periods]]`.
fn horizon(at: &Located, raw: &RawSettings, before: usize, diags: &mut Diagnostics) -> Vec<Period> {
    match (&raw.horizon, &raw.first_year, &raw.last_year, &raw.periods) {
        ([Some(_), Some(_), None], Some(first), Some(last), _) => yearly(at, first, last, diags),
        ([None, None, Some(_)], _, _, Some(list)) => listed(at, list, before, diags),
        ([Some(_), Some(_), None] | [None, None, Some(_)], ..) => Vec::new(), // reported
        (written, ..) => {
            let msg = "expected the horizon as either first_year and last_year (yearly \
                       periods) or a [[periods]] list, not both and not neither";
            let keys = ["first_year", "last_year", "periods"];
            match keys
                .iter()
                .zip(written)
                .find_map(|(k, s)| Some((k, s.clone()?)))
            {
                Some((key, span)) => at.error(diags, span, key, msg.into()),
                None => at.push(diags, 0, None, msg.into()),
            }
            Vec::new()
        }
    }
}

/// Every setting but the horizon, each number checked against its range
/// (the base year is filled in once the horizon is known).
fn settings(at: &Located, raw: &RawSettings, diags: &mut Diagnostics) -> Settings {
    let mut number = |v: &Option<Spanned<f64>>, key: &str, hi: f64| -> Option<f64> {
        let (x, span) = (*v.as_ref()?.get_ref(), v.as_ref()?.span());
        if !x.is_finite() || !(0.0..=hi).contains(&x) {
            let msg = format!("expected a finite number between 0 and {hi}, found {x}");
            at.error(diags, span, key, msg);
        }
        Some(x)
    };
    let shortage_penalty = number(&raw.shortage_penalty, "shortage_penalty", 1e9);
    let discount_rate = number(&raw.discount_rate, "discount_rate", 1.0);
    let build_budget = number(&raw.build_budget, "build_budget", 1e15);
    let per_period = number(
        &raw.build_budget_per_period,
        "build_budget_per_period",
        1e15,
    );
    let mut count = |v: &Option<Spanned<i64>>, key: &str| -> Option<u32> {
        let v = v.as_ref()?;
        let n = *v.get_ref();
        if !(0..=100_000).contains(&n) {
            let msg = format!("expected a whole number >= 0, found {n}");
            at.error(diags, v.span(), key, msg);
        }
        Some(n.clamp(0, 100_000) as u32)
    };
    let min_builds = count(&raw.min_builds, "min_builds");
    let max_builds = count(&raw.max_builds, "max_builds");
    if let (Some(lo), Some(hi), Some(v)) = (min_builds, max_builds, &raw.max_builds) {
        if lo > hi {
            let msg = format!("expected at least min_builds ({lo}), found {hi}");
            at.error(diags, v.span(), "max_builds", msg);
        }
    }
    Settings {
        name: text(&raw.name).unwrap_or_default(),
        description: text(&raw.description).unwrap_or_default(),
        currency: text(&raw.currency).unwrap_or_else(|| "USD".to_string()),
        base_year: 2025,
        discount_rate: discount_rate.unwrap_or(0.0),
        shortage_penalty: shortage_penalty.unwrap_or(0.0),
        build_budget,
        build_budget_per_period: per_period,
        min_builds,
        max_builds,
    }
}

/// A text value, trimmed.
fn text(v: &Option<Spanned<String>>) -> Option<String> {
    v.as_ref().map(|s| s.get_ref().trim().to_string())
}

/// A calendar year, or `None` (reported) when out of range.
fn year(at: &Located, v: &Spanned<i64>, key: &str, diags: &mut Diagnostics) -> Option<i32> {
    let y = *v.get_ref();
    if (1900..=2300).contains(&y) {
        Some(y as i32)
    } else {
        let msg = format!("expected a calendar year, found {y}");
        at.error(diags, v.span(), key, msg);
        None
    }
}

/// One period per calendar year from `first` to `last`.
fn yearly(
    at: &Located,
    first: &Spanned<i64>,
    last: &Spanned<i64>,
    diags: &mut Diagnostics,
) -> Vec<Period> {
    match (
        year(at, first, "first_year", diags),
        year(at, last, "last_year", diags),
    ) {
        (Some(a), Some(b)) if a <= b => (a..=b)
            .map(|y| Period {
                label: y.to_string(),
                start: y,
                years: 1,
            })
            .collect(),
        (Some(_), Some(b)) => {
            let msg = format!("expected a year >= first_year, found {b}");
            at.error(diags, last.span(), "last_year", msg);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// A `[[periods]]` list: labelled periods that follow each other. `before`
/// is the error count before the settings were checked: an empty list is
/// only reported when nothing else was.
fn listed(
    at: &Located,
    list: &Spanned<Vec<RawPeriod>>,
    before: usize,
    diags: &mut Diagnostics,
) -> Vec<Period> {
    let mut out: Vec<Period> = Vec::new();
    for p in list.get_ref() {
        let label = p.label.get_ref().trim().to_string();
        if !crate::io::table::is_id(&label) {
            let msg = format!(
                "expected a period label (letters, digits, '_', '-', '.'), found \"{label}\""
            );
            at.error(diags, p.label.span(), "label", msg);
        }
        if out.iter().any(|q| q.label == label) {
            let msg = format!("period \"{label}\" is defined twice");
            at.error(diags, p.label.span(), "label", msg);
        }
        let Some(start) = year(at, &p.start, "start", diags) else {
            continue;
        };
        let years = p.years.as_ref().map_or(1, |y| *y.get_ref());
        if !(1..=100).contains(&years) {
            let span = p.years.as_ref().map_or(p.start.span(), |y| y.span());
            let msg = format!("expected a length of 1 to 100 years, found {years}");
            at.error(diags, span, "years", msg);
            continue;
        }
        if let Some(prev) = out.last() {
            let end = prev.start + prev.years as i32;
            if start != end {
                let msg = format!(
                    "expected {end} (the year after period \"{}\" ends), found {start}",
                    prev.label
                );
                at.error(diags, p.start.span(), "start", msg);
            }
        }
        out.push(Period {
            label,
            start,
            years: years as u32,
        });
    }
    if out.is_empty() && diags.error_count() == before {
        let msg = "expected at least one period, found none".into();
        at.error(diags, list.span(), "periods", msg);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yearly_horizon() {
        let mut d = Diagnostics::default();
        let (s, p) = parse_settings(
            "model.toml",
            "name='x'\nshortage_penalty=1e5\nfirst_year=2025\nlast_year=2027\ndiscount_rate=0.08\n",
            &mut d,
        )
        .unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(p[2].label, "2027");
        assert_eq!(s.base_year, 2025);
        assert_eq!(s.currency, "USD");
    }

    #[test]
    fn labelled_periods_must_follow_each_other() {
        let text = "name='x'\nshortage_penalty=1\n[[periods]]\nlabel='a'\nstart=2025\nyears=5\n[[periods]]\nlabel='b'\nstart=2031\n";
        assert_eq!(problems(text), ["model.toml:9:7: column 'start': expected 2030 (the year after period \"a\" ends), found 2031"]);
    }

    fn problems(text: &str) -> Vec<String> {
        let mut d = Diagnostics::default();
        assert!(parse_settings("model.toml", text, &mut d).is_none());
        d.items().iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn non_finite_and_unknown_keys_are_located() {
        let p = problems("name='x'\nshortage_penalty=nan\nfirst_year=2025\nlast_year=2025\n");
        assert!(
            p[0].starts_with("model.toml:2:18: column 'shortage_penalty'"),
            "{p:?}"
        );
        let p = problems("name='x'\ncolour=1\nshortage_penalty=1\nfirst_year=2025\nlast_year=2025\nlast_yaer=2026\n");
        let unknown = "unknown key (expected one of: name, description,";
        assert!(p[0].starts_with(&format!("model.toml:2:1: column 'colour': {unknown}")));
        let typo = "unknown key; did you mean \"last_year\"?";
        assert!(p[1].starts_with(&format!("model.toml:6:1: column 'last_yaer': {typo}")));
    }

    #[test]
    fn every_problem_is_reported_at_its_place_in_the_users_words() {
        let p = problems(
            "description = 1\nfirst_year = 2025.5\nlast_year = '2030'\ndiscount_rate = 2\n\
             base_year = 2025\nbase_year = 2026\n[[periods]]\nstart = 2025\nyears = true\n",
        );
        let expected = [
            "model.toml:6:1: column 'base_year': duplicate key \"base_year\" (first set on line 5)",
            "model.toml:1:1: column 'name': required key is missing",
            "model.toml:1:15: column 'description': expected a text in quotes, found \"1\"",
            "model.toml:1:1: column 'shortage_penalty': required key is missing",
            "model.toml:2:14: column 'first_year': expected a whole number (year), found \"2025.5\"",
            "model.toml:3:13: column 'last_year': expected a whole number (year), found the text \"2030\"",
            "model.toml:7:1: column 'label': required key is missing",
            "model.toml:9:9: column 'years': expected a whole number (years), found \"true\"",
            "model.toml:4:17: column 'discount_rate': expected a finite number between 0 and 1, found 2",
            "model.toml:2:1: column 'first_year': expected the horizon as either first_year and \
             last_year (yearly periods) or a [[periods]] list, not both and not neither",
        ];
        assert_eq!(p, expected);
    }

    #[test]
    fn every_documented_key_is_accepted() {
        let mut d = Diagnostics::default();
        let text = "name='x'\ndescription='d'\ncurrency='USD'\nbase_year=2024\ndiscount_rate=0.1\nshortage_penalty=1\n[[periods]]\nlabel='p'\nstart=2025\nyears=2\n";
        assert!(
            parse_settings("model.toml", text, &mut d).is_some(),
            "{d:?}"
        );
        let keys: Vec<&str> = crate::model::schema::SETTINGS_KEYS
            .iter()
            .map(|k| k.0)
            .collect();
        for k in ["first_year", "last_year"] {
            assert!(keys.contains(&k));
        }
    }
}
