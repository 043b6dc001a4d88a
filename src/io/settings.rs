//! Reading `model.toml`: the model's settings and its horizon.

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Diagnostic, Diagnostics, Severity};
use crate::model::{Period, Settings};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    name: Spanned<String>,
    #[serde(default)]
    description: String,
    currency: Option<String>,
    base_year: Option<Spanned<i64>>,
    discount_rate: Option<Spanned<f64>>,
    shortage_penalty: Spanned<f64>,
    first_year: Option<Spanned<i64>>,
    last_year: Option<Spanned<i64>>,
    periods: Option<Spanned<Vec<RawPeriod>>>,
    build_budget: Option<Spanned<f64>>,
    build_budget_per_period: Option<Spanned<f64>>,
    min_builds: Option<Spanned<i64>>,
    max_builds: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
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
}

impl Located<'_> {
    /// 1-based (line, column) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (u64, u64) {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() as u64 + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
        (line, col)
    }

    /// Records an error at `span` about `key`.
    pub fn error(
        &self,
        diags: &mut Diagnostics,
        span: std::ops::Range<usize>,
        key: &str,
        msg: String,
    ) {
        let (line, col) = self.line_col(span.start);
        diags.push_diagnostic(Diagnostic {
            severity: Severity::Error,
            file: self.file.to_string(),
            line: Some(line),
            col: Some(col),
            column: Some(key.to_string()),
            message: msg,
            missing_file: false,
        });
    }
}

impl Located<'_> {
    /// Deserializes the whole file, recording a located error on failure.
    pub fn parse<T: serde::de::DeserializeOwned>(&self, diags: &mut Diagnostics) -> Option<T> {
        match toml::from_str(self.text) {
            Ok(r) => Some(r),
            Err(e) => {
                let (line, col) = e.span().map_or((None, None), |s| {
                    let (l, c) = self.line_col(s.start);
                    (Some(l), Some(c))
                });
                diags.push_diagnostic(Diagnostic {
                    severity: Severity::Error,
                    file: self.file.to_string(),
                    line,
                    col,
                    column: None,
                    message: e.message().trim().to_string(),
                    missing_file: false,
                });
                None
            }
        }
    }
}

/// Parses `model.toml`. Returns `None` (with diagnostics) when it is unusable.
pub fn parse_settings(
    file: &str,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<(Settings, Vec<Period>)> {
    let at = Located { file, text };
    let raw: RawSettings = at.parse(diags)?;
    let before = diags.error_count();
    let mut settings = settings(&at, &raw, diags);
    let periods = match (&raw.first_year, &raw.last_year, &raw.periods) {
        (Some(first), Some(last), None) => yearly(&at, first, last, diags),
        (None, None, Some(list)) => listed(&at, list, before, diags),
        _ => {
            diags.error(
                file,
                None,
                None,
                "expected the horizon as either first_year and last_year (yearly periods) \
                 or a [[periods]] list, not both and not neither",
            );
            Vec::new()
        }
    };
    let base_year = match &raw.base_year {
        Some(b) => year(&at, b, "base_year", diags),
        None => periods.first().map(|p| p.start),
    };
    settings.base_year = base_year.unwrap_or(2025);
    if settings.name.is_empty() {
        at.error(
            diags,
            raw.name.span(),
            "name",
            "expected a model name, found an empty string".into(),
        );
    }
    if diags.error_count() > before {
        return None;
    }
    Some((settings, periods))
}

/// Every setting but the horizon, each number checked against its range
/// (the base year is filled in once the horizon is known).
fn settings(at: &Located, raw: &RawSettings, diags: &mut Diagnostics) -> Settings {
    let mut number = |v: &Spanned<f64>, key: &str, lo: f64, hi: f64| -> f64 {
        let x = *v.get_ref();
        if !x.is_finite() || x < lo || x > hi {
            at.error(
                diags,
                v.span(),
                key,
                format!("expected a finite number between {lo} and {hi}, found {x}"),
            );
        }
        x
    };
    let shortage_penalty = number(&raw.shortage_penalty, "shortage_penalty", 0.0, 1e9);
    let discount_rate = raw
        .discount_rate
        .as_ref()
        .map_or(0.0, |v| number(v, "discount_rate", 0.0, 1.0));
    let build_budget = raw
        .build_budget
        .as_ref()
        .map(|v| number(v, "build_budget", 0.0, 1e15));
    let build_budget_per_period = raw
        .build_budget_per_period
        .as_ref()
        .map(|v| number(v, "build_budget_per_period", 0.0, 1e15));
    let mut count = |v: &Option<Spanned<i64>>, key: &str| -> Option<u32> {
        let v = v.as_ref()?;
        let n = *v.get_ref();
        if !(0..=100_000).contains(&n) {
            at.error(
                diags,
                v.span(),
                key,
                format!("expected a whole number >= 0, found {n}"),
            );
        }
        Some(n.clamp(0, 100_000) as u32)
    };
    let min_builds = count(&raw.min_builds, "min_builds");
    let max_builds = count(&raw.max_builds, "max_builds");
    if let (Some(lo), Some(hi), Some(v)) = (min_builds, max_builds, &raw.max_builds) {
        if lo > hi {
            at.error(
                diags,
                v.span(),
                "max_builds",
                format!("expected at least min_builds ({lo}), found {hi}"),
            );
        }
    }
    Settings {
        name: raw.name.get_ref().trim().to_string(),
        description: raw.description.trim().to_string(),
        currency: raw.currency.clone().unwrap_or_else(|| "USD".to_string()),
        base_year: 2025,
        discount_rate,
        shortage_penalty,
        build_budget,
        build_budget_per_period,
        min_builds,
        max_builds,
    }
}

/// A calendar year, or `None` (reported) when out of range.
fn year(at: &Located, v: &Spanned<i64>, key: &str, diags: &mut Diagnostics) -> Option<i32> {
    let y = *v.get_ref();
    if (1900..=2300).contains(&y) {
        Some(y as i32)
    } else {
        at.error(
            diags,
            v.span(),
            key,
            format!("expected a calendar year, found {y}"),
        );
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
            at.error(
                diags,
                last.span(),
                "last_year",
                format!("expected a year >= first_year, found {b}"),
            );
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
            at.error(
                diags,
                p.label.span(),
                "label",
                format!(
                    "expected a period label (letters, digits, '_', '-', '.'), found \"{label}\""
                ),
            );
        }
        if out.iter().any(|q| q.label == label) {
            at.error(
                diags,
                p.label.span(),
                "label",
                format!("period \"{label}\" is defined twice"),
            );
        }
        let Some(start) = year(at, &p.start, "start", diags) else {
            continue;
        };
        let years = p.years.as_ref().map_or(1, |y| *y.get_ref());
        if !(1..=100).contains(&years) {
            let span = p.years.as_ref().map_or(p.start.span(), |y| y.span());
            at.error(
                diags,
                span,
                "years",
                format!("expected a length of 1 to 100 years, found {years}"),
            );
            continue;
        }
        if let Some(prev) = out.last() {
            let end = prev.start + prev.years as i32;
            if start != end {
                at.error(
                    diags,
                    p.start.span(),
                    "start",
                    format!(
                        "expected {end} (the year after period \"{}\" ends), found {start}",
                        prev.label
                    ),
                );
            }
        }
        out.push(Period {
            label,
            start,
            years: years as u32,
        });
    }
    if out.is_empty() && diags.error_count() == before {
        at.error(
            diags,
            list.span(),
            "periods",
            "expected at least one period, found none".into(),
        );
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
        let mut d = Diagnostics::default();
        let text = "name='x'\nshortage_penalty=1\n[[periods]]\nlabel='a'\nstart=2025\nyears=5\n[[periods]]\nlabel='b'\nstart=2031\n";
        assert!(parse_settings("model.toml", text, &mut d).is_none());
        assert_eq!(
            d.items()[0].to_string(),
            "model.toml:9:7: column 'start': expected 2030 (the year after period \"a\" ends), found 2031"
        );
    }

    #[test]
    fn non_finite_and_unknown_keys_are_located() {
        let mut d = Diagnostics::default();
        let text = "name='x'\nshortage_penalty=nan\nfirst_year=2025\nlast_year=2025\n";
        assert!(parse_settings("model.toml", text, &mut d).is_none());
        assert!(
            d.items()[0]
                .to_string()
                .starts_with("model.toml:2:18: column 'shortage_penalty'"),
            "{}",
            d.items()[0]
        );
        let mut d = Diagnostics::default();
        assert!(parse_settings("model.toml", "name='x'\ncolour=1\n", &mut d).is_none());
        assert!(
            d.items()[0]
                .to_string()
                .starts_with("model.toml:2:1: unknown field `colour`"),
            "{}",
            d.items()[0]
        );
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
