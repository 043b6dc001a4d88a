//! Charts for planners, each a self-contained page with plotly.js inlined
//! (it opens offline): `compare --html` draws portfolio × future heat maps
//! of the objective, the demand given up and unserved and the regret;
//! `sweep --html` draws each case's objective and unserved demand against
//! each swept parameter.

use askama::Template;
use serde_json::{json, Value};

use crate::compare::{Cell, Comparison, Measure};
use crate::error::{Error, Result};
use crate::sweep::params::Param;
use crate::sweep::Case;

/// One chart: its div id, title, a note under the title, its plotly
/// traces and layout.
#[derive(Debug, serde::Serialize)]
struct Chart {
    id: String,
    #[serde(skip)]
    title: String,
    #[serde(skip)]
    note: String,
    traces: Value,
    layout: Value,
}

#[derive(Template)]
#[template(path = "charts.html")]
struct Page<'a> {
    title: &'a str,
    meta: Vec<String>,
    charts: &'a [Chart],
    data: &'a [Chart],
    plotly_js: String,
}

fn page(title: &str, meta: Vec<String>, charts: &[Chart]) -> Result<String> {
    let p = Page {
        title,
        meta,
        charts,
        data: charts,
        plotly_js: super::html::plotly_js(),
    };
    p.render()
        .map_err(|e| Error::Internal(format!("HTML charts: {e}")))
}

/// A heat map of `value` over the comparison's portfolios (rows) and
/// futures (columns); a failed cell is blank.
fn heat_map(
    c: &Comparison,
    id: &str,
    title: &str,
    note: &str,
    value: &dyn Fn(&Cell) -> Option<f64>,
) -> Chart {
    let mut portfolios: Vec<&str> = Vec::new();
    let mut futures: Vec<&str> = Vec::new();
    for cell in &c.cells {
        if !portfolios.contains(&cell.portfolio.as_str()) {
            portfolios.push(&cell.portfolio);
        }
        if !futures.contains(&cell.scenario.as_str()) {
            futures.push(&cell.scenario);
        }
    }
    let z: Vec<Vec<Option<f64>>> = (portfolios.iter())
        .map(|p| {
            (futures.iter())
                .map(|f| {
                    let cell = c
                        .cells
                        .iter()
                        .find(|x| x.portfolio == *p && x.scenario == *f)?;
                    value(cell).map(|v| (v * 1e3).round() / 1e3)
                })
                .collect()
        })
        .collect();
    Chart {
        id: id.to_string(),
        title: title.to_string(),
        note: note.to_string(),
        traces: json!([{
            "type": "heatmap",
            "z": z,
            "x": futures,
            "y": portfolios,
            "colorscale": "YlOrRd",
            "hoverongaps": false,
            "texttemplate": "%{z}",
        }]),
        layout: json!({
            "margin": { "l": 160, "r": 20, "t": 10, "b": 140 },
            "xaxis": { "title": { "text": "future" }, "tickangle": -35 },
            "yaxis": { "title": { "text": "portfolio" }, "autorange": "reversed" },
        }),
    }
}

/// `compare --html`: the comparison's heat maps.
///
/// # Errors
/// [`Error::Internal`] when the page cannot be formatted.
pub fn comparison(c: &Comparison, measure: &Measure, currency: &str) -> Result<String> {
    let bn = |v: f64| v / 1e9;
    let within = measure
        .scope_key
        .as_deref()
        .map_or("over the horizon".to_string(), |k| format!("in {k}"));
    let charts = [
        heat_map(c, "objective", &format!("Objective, {currency} bn (present value)"),
            "System cost plus the value of demand given up or unserved, less the value of what buyers took beyond their reference demand: what portfolios are ranked by.",
            &|x| x.result.as_ref().map(|r| bn(r.cost))),
        heat_map(c, "unserved", &format!("Critical demand unserved, t {within}"),
            "Tonnes of critical demand no supply met.",
            &|x| x.result.as_ref().map(|r| r.shortage_t)),
        heat_map(c, "given_up", &format!("Demand given up as prices rose, t {within}"),
            "Tonnes buyers gave up along their demand curves.",
            &|x| x.result.as_ref().map(|r| r.given_up_t)),
        heat_map(c, "regret", &format!("Regret, {currency} bn"),
            "A cell's objective minus the best portfolio's in the same future.",
            &|x| x.regret.map(bn)),
    ];
    let picks = |what: &str, v: &[String]| {
        format!(
            "{what}: {}",
            if v.is_empty() {
                "none".to_string()
            } else {
                v.join(", ")
            }
        )
    };
    let meta = vec![
        picks("minimax-regret portfolio", &c.minimax_regret),
        picks("least-expected-cost portfolio", &c.least_expected_cost),
    ];
    page("Portfolios across futures", meta, &charts)
}

/// `sweep --html`: each case's objective and unserved demand against each
/// swept parameter (cases without a plan left out).
///
/// # Errors
/// [`Error::Internal`] when the page cannot be formatted.
pub fn sweep(
    params: &[Param],
    cases: &[Case],
    measure: &Measure,
    currency: &str,
) -> Result<String> {
    let solved: Vec<&Case> = cases.iter().filter(|c| c.result.is_some()).collect();
    let unserved = measure.scoped_column("unserved t");
    let mut charts = Vec::new();
    for (k, p) in params.iter().enumerate() {
        let x: Vec<f64> = solved.iter().map(|c| c.values[k]).collect();
        let labels: Vec<String> = solved.iter().map(|c| format!("case {}", c.case)).collect();
        let series = |what: &dyn Fn(&crate::compare::CellResult) -> f64| -> Vec<f64> {
            solved
                .iter()
                .filter_map(|c| c.result.as_ref().map(what))
                .collect()
        };
        for (id, title, y) in [
            (
                "objective",
                format!("Objective, {currency} bn, against {}", p.label),
                series(&|r| r.cost / 1e9),
            ),
            (
                "unserved",
                format!("{unserved} against {}", p.label),
                series(&|r| r.shortage_t),
            ),
        ] {
            charts.push(Chart {
                id: format!("{id}-{k}"),
                title,
                note: "One point per case; where several parameters are swept, the others vary across the points at each value.".to_string(),
                traces: json!([{ "type": "scatter", "mode": "markers", "x": x, "y": y, "text": labels }]),
                layout: json!({
                    "margin": { "l": 80, "r": 20, "t": 10, "b": 60 },
                    "xaxis": { "title": { "text": p.label } },
                }),
            });
        }
    }
    let meta = vec![format!(
        "{} cases, {} with a verified plan",
        cases.len(),
        solved.len()
    )];
    page("Sweep", meta, &charts)
}
