//! The HTML report of a solved plan: one self-contained page that opens
//! offline in any browser, plotly.js inlined. It shows the Sankey of the
//! plan ([`super::sankey`]) for each period and market (chosen in the
//! page), coloured by where the material was mined; the cost by kind; the
//! dependency of each market; each market's deliveries, given-up and
//! unserved demand and prices.
//!
//! The page is built from result files only (`summary.json`, `markets.csv`,
//! `flow_origins.csv`), whether `solve --html` holds them in memory or
//! `report DIR` reads them from a results directory, so both give the same
//! bytes. The page holds no timestamp and no random id.

use std::collections::BTreeMap;
use std::path::Path;

use askama::Template;
use serde::Deserialize;

use super::results_dir::invalid;
use super::sankey::{self, FlowOrigin, NodeKind, Origin, Sankey};
use super::terminal::{money, tonnes};
use crate::error::{Error, Result};
use crate::plan::Costs;

/// The result files the report is built from.
pub const REPORT_FILES: [&str; 3] = ["summary.json", "markets.csv", "flow_origins.csv"];

/// The result files of one plan, each with the name messages give it.
#[derive(Debug, Clone)]
pub struct ReportFiles {
    /// `summary.json`: its name and text.
    pub summary: (String, String),
    /// `markets.csv`.
    pub markets: (String, String),
    /// `flow_origins.csv`.
    pub flow_origins: (String, String),
}

impl ReportFiles {
    /// The files of the results directory `dir` (what `solve --out` wrote).
    ///
    /// # Errors
    /// [`Error::Read`] naming the first file missing or unreadable (exit 4).
    pub fn read(dir: &Path) -> Result<ReportFiles> {
        let read = |name: &str| super::results_dir::read_file(dir, name);
        Ok(ReportFiles {
            summary: read(REPORT_FILES[0])?,
            markets: read(REPORT_FILES[1])?,
            flow_origins: read(REPORT_FILES[2])?,
        })
    }

    /// The files among `files`, as [`super::files::result_files`] gives
    /// them.
    pub fn of(files: &[(&str, String)]) -> Option<ReportFiles> {
        let find = |name: &str| {
            let text = files.iter().find(|f| f.0 == name)?.1.clone();
            Some((name.to_string(), text))
        };
        Some(ReportFiles {
            summary: find(REPORT_FILES[0])?,
            markets: find(REPORT_FILES[1])?,
            flow_origins: find(REPORT_FILES[2])?,
        })
    }
}

/// What the report reads of `summary.json`.
#[derive(Debug, Deserialize)]
struct Summary {
    model: String,
    status: String,
    mip_gap: Option<f64>,
    currency: String,
    base_year: i32,
    discount_rate: f64,
    objective: f64,
    costs: Costs,
    dependency: Vec<Dependency>,
    verification: Verification,
}

#[derive(Debug, Deserialize)]
struct Verification {
    checks: usize,
    max_relative_residual: f64,
}

/// One market's origins in one period, as `summary.json` gives them.
#[derive(Debug, Deserialize)]
struct Dependency {
    country: String,
    commodity: String,
    sector: Option<String>,
    period: String,
    delivered_t: f64,
    mined: Vec<Share>,
    separated: Vec<Share>,
    metal: Vec<Share>,
    magnet: Vec<Share>,
}

#[derive(Debug, Deserialize)]
struct Share {
    country: String,
    share: f64,
}

/// One row of `markets.csv`.
#[derive(Debug, Deserialize)]
struct Segment {
    period: String,
    country: String,
    sector: String,
    commodity: String,
    demand: f64,
    delivered: f64,
    given_up: f64,
    unserved: f64,
    price: f64,
}

/// The HTML report of the plan in `files`, its Sankey's nodes grouped as
/// `kind` says.
///
/// # Errors
/// [`Error::Invalid`] naming the file (and line) that is not what `solve
/// --out` writes (exit 3).
pub fn render(files: &ReportFiles, kind: NodeKind) -> Result<String> {
    let summary: Summary = serde_json::from_str(&files.summary.1).map_err(|e| {
        let why = format!("not a summary.json that solve --out writes: {e}");
        invalid(&files.summary.0, Some(e.line() as u64), why)
    })?;
    let segments = read_segments(&files.markets)?;
    let flows = sankey::read_flow_origins(&files.flow_origins.0, &files.flow_origins.1)?;
    let periods = periods(&segments, &flows);
    let mut markets: Vec<String> = sankey::markets(&flows);
    markets.extend(segments.iter().map(|s| s.country.clone()));
    markets.sort();
    markets.dedup();
    let data = PageData {
        periods: periods.clone(),
        markets: markets.clone(),
        origins: Origin::ALL.iter().map(|o| o.label()).collect(),
        views: views(&flows, &periods, &markets, kind),
    };
    let page = Page {
        header: header(&summary),
        costs: cost_rows(&summary),
        currency: summary.currency.clone(),
        legend: (Origin::ALL.iter())
            .map(|&o| (o.label(), colour(o, "")))
            .collect(),
        periods,
        markets,
        nodes: match kind {
            NodeKind::Country => "country and step",
            NodeKind::Facility => "facility",
        },
        dependency: summary.dependency.iter().map(dependency_row).collect(),
        segments: segments.iter().map(segment_row).collect(),
        data,
        plotly_js: plotly_js(),
    };
    page.render()
        .map_err(|e| Error::Internal(format!("HTML report: {e}")))
}

fn read_segments((file, text): &(String, String)) -> Result<Vec<Segment>> {
    let mut rows = Vec::new();
    for row in csv::Reader::from_reader(text.as_bytes()).deserialize() {
        rows.push(row.map_err(|e: csv::Error| {
            let line = e.position().map(csv::Position::line);
            invalid(
                file,
                line,
                format!("not a markets.csv that solve --out writes: {e}"),
            )
        })?);
    }
    Ok(rows)
}

/// The plan's periods in time order: those of its markets (every segment
/// has a row in every period it has demand), then any only flows have.
fn periods(segments: &[Segment], flows: &[FlowOrigin]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let from_segments = segments.iter().map(|s| s.period.clone());
    for p in from_segments.chain(sankey::periods(flows)) {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// Plotly.js, as the `plotly` crate embeds it: the first of the scripts it
/// inlines (the second, MathJax, typesets formulas this report has none of).
pub(crate) fn plotly_js() -> String {
    let scripts = plotly::Plot::offline_js_sources();
    match scripts.find("</script>") {
        Some(end) => scripts[..end + "</script>".len()].to_string(),
        None => scripts,
    }
}

/// The JSON the page's script reads.
#[derive(Debug, serde::Serialize)]
struct PageData {
    periods: Vec<String>,
    markets: Vec<String>,
    origins: Vec<&'static str>,
    /// Per period, per market (`""`: all), the Sankey trace.
    views: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
}

/// The Sankey trace of every period, for all markets and for each one.
fn views(
    flows: &[FlowOrigin],
    periods: &[String],
    markets: &[String],
    kind: NodeKind,
) -> BTreeMap<String, BTreeMap<String, serde_json::Value>> {
    let mut out = BTreeMap::new();
    for p in periods {
        let mut per_market = BTreeMap::new();
        let all = std::iter::once(None).chain(markets.iter().map(|m| Some(m.as_str())));
        for m in all {
            let s = sankey::sankey(flows, p, m, kind);
            per_market.insert(m.unwrap_or("").to_string(), trace(&s));
        }
        out.insert(p.clone(), per_market);
    }
    out
}

/// One Sankey as a plotly trace: links coloured by origin, tonnes rounded
/// to a kilogram.
fn trace(s: &Sankey) -> serde_json::Value {
    use plotly::sankey::{Link, Node};
    let labels: Vec<&str> = s.nodes.iter().map(|n| n.label.as_str()).collect();
    let node = Node::new()
        .label(labels)
        .pad(12)
        .thickness(14)
        .color("#8a8f98");
    let value: Vec<f64> = (s.links.iter())
        .map(|l| (l.tonnes * 1000.0).round() / 1000.0)
        .collect();
    let link = Link::new()
        .source(s.links.iter().map(|l| l.source).collect())
        .target(s.links.iter().map(|l| l.target).collect())
        .value(value)
        .color_array(s.links.iter().map(|l| colour(l.origin, "99")).collect())
        .hover_template_array(
            (s.links.iter())
                .map(|l| {
                    format!(
                        "%{{source.label}} → %{{target.label}}<br>{}: %{{value:,.1f}} t/yr<extra></extra>",
                        l.origin.label()
                    )
                })
                .collect(),
        );
    let trace = plotly::Sankey::new()
        .node(node)
        .link(link)
        .value_format(",.1f")
        .value_suffix(" t/yr");
    serde_json::to_value(trace).unwrap_or(serde_json::Value::Null)
}

/// The colour of an origin class (`alpha`: two hex digits of opacity, or
/// none).
fn colour(o: Origin, alpha: &str) -> String {
    let rgb = match o {
        Origin::China => "#d62728",
        Origin::OtherFeoc => "#ff7f0e",
        Origin::Allied => "#1f77b4",
        Origin::Other => "#7f7f7f",
        Origin::Recycled => "#2ca02c",
    };
    format!("{rgb}{alpha}")
}

/// The page's template and what fills it.
#[derive(Template)]
#[template(path = "report.html")]
struct Page {
    header: Header,
    costs: Vec<[String; 3]>,
    currency: String,
    legend: Vec<(&'static str, String)>,
    periods: Vec<String>,
    markets: Vec<String>,
    nodes: &'static str,
    dependency: Vec<DependencyRow>,
    segments: Vec<SegmentRow>,
    data: PageData,
    plotly_js: String,
}

/// The page's title block.
struct Header {
    model: String,
    status: String,
    verified: String,
    total: String,
    discounting: String,
}

fn header(s: &Summary) -> Header {
    let gap = s
        .mip_gap
        .map_or(String::new(), |g| format!(", MIP gap {:.2}%", g * 100.0));
    Header {
        model: s.model.clone(),
        status: format!("{}{gap}", s.status),
        verified: format!(
            "plan verified ({} checks, largest relative residual {:.1e})",
            s.verification.checks, s.verification.max_relative_residual
        ),
        total: format!("{} {}", money(s.objective), s.currency),
        discounting: format!(
            "present value in {} at {}% a year",
            s.base_year,
            s.discount_rate * 100.0
        ),
    }
}

fn cost_rows(s: &Summary) -> Vec<[String; 3]> {
    (s.costs.by_kind().iter())
        .map(|(name, v)| {
            let share = if s.objective.abs() > 0.0 {
                v / s.objective * 100.0
            } else {
                0.0
            };
            [name.to_string(), money(*v), format!("{share:.1}%")]
        })
        .collect()
}

/// A row of the dependency table.
struct DependencyRow {
    period: String,
    market: String,
    commodity: String,
    delivered: String,
    stages: [String; 4],
}

fn dependency_row(d: &Dependency) -> DependencyRow {
    let shares = |v: &[Share]| -> String {
        let mut parts: Vec<String> = (v.iter().take(3))
            .map(|s| format!("{} {:.0}%", s.country, s.share * 100.0))
            .collect();
        if v.len() > 3 {
            parts.push(format!("+{} more", v.len() - 3));
        }
        parts.join(", ")
    };
    DependencyRow {
        period: d.period.clone(),
        market: d.country.clone(),
        commodity: match &d.sector {
            Some(s) => format!("{} ({s})", d.commodity),
            None => d.commodity.clone(),
        },
        delivered: tonnes(d.delivered_t),
        stages: [
            shares(&d.mined),
            shares(&d.separated),
            shares(&d.metal),
            shares(&d.magnet),
        ],
    }
}

/// A row of the markets table.
struct SegmentRow {
    period: String,
    market: String,
    sector: String,
    commodity: String,
    figures: [String; 5],
    short: bool,
}

fn segment_row(s: &Segment) -> SegmentRow {
    SegmentRow {
        period: s.period.clone(),
        market: s.country.clone(),
        sector: s.sector.clone(),
        commodity: s.commodity.clone(),
        figures: [
            tonnes(s.demand),
            tonnes(s.delivered),
            tonnes(s.given_up),
            tonnes(s.unserved),
            money(s.price),
        ],
        short: s.given_up > 0.0 || s.unserved > 0.0,
    }
}

/// Writes `text` to `path` whole or not at all: into a temporary file
/// beside it, synced, then renamed over it.
///
/// # Errors
/// [`Error::Write`] naming `path` (exit 5); nothing is left behind.
pub fn write(path: &Path, text: &str) -> Result<()> {
    stage(path, text)?.commit()
}

/// An HTML file written beside its destination, not yet in place.
#[derive(Debug)]
pub struct StagedFile {
    file: tempfile::NamedTempFile,
    path: std::path::PathBuf,
}

/// Writes `text` into a temporary file beside `path`: [`StagedFile::commit`]
/// puts it in place; dropped, it is removed.
///
/// # Errors
/// [`Error::Write`] naming `path` when its directory cannot take the file.
pub fn stage(path: &Path, text: &str) -> Result<StagedFile> {
    use std::io::Write;
    let werr = |e: std::io::Error| Error::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(werr(std::io::Error::other("is a directory")));
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".rareflow-report-").suffix(".html");
    // Like any file the user writes: the umask decides its mode.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut file = builder.tempfile_in(dir).map_err(werr)?;
    file.write_all(text.as_bytes()).map_err(werr)?;
    file.as_file().sync_all().map_err(werr)?;
    Ok(StagedFile {
        file,
        path: path.to_path_buf(),
    })
}

impl StagedFile {
    /// Renames the staged file to its destination.
    ///
    /// # Errors
    /// [`Error::Write`] naming the destination.
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        self.file.persist(&path).map_err(|e| Error::Write {
            path: path.clone(),
            reason: e.error.to_string(),
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plotly_js_is_inlined() {
        let js = plotly_js();
        assert!(js.starts_with("<script"), "{}", &js[..40]);
        assert!(js.ends_with("</script>"));
        assert_eq!(js.matches("</script>").count(), 1);
        assert!(js.contains("plotly.js v"), "not plotly.js");
        assert!(js.len() > 1_000_000, "plotly.js is several megabytes");
    }
}
