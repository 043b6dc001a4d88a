//! The contents of the result files: `flows.csv`, `production.csv`,
//! `markets.csv`, `prices.csv`, `caps.csv`, `rules.csv`, `dependency.csv`,
//! `flow_origins.csv`, `builds.csv`, `stocks.csv` and `summary.json` for a solve, `compare.csv` and
//! `compare_portfolios.csv` for a comparison. Every file lists its rows in
//! the order of their keys (periods in time order, then ids), never in the
//! order of the model's files. Putting them on disk, as one set, is
//! [`super::results_dir`]'s job.

use std::path::Path;

use super::{num, place, Summary};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::network::Network;
use crate::plan::Plan;
use crate::trace::{Dependency, STAGES};

/// The files a solve writes, in order.
pub const RESULT_FILES: &[&str] = &[
    "flows.csv",
    "production.csv",
    "markets.csv",
    "prices.csv",
    "caps.csv",
    "rules.csv",
    "dependency.csv",
    "flow_origins.csv",
    "builds.csv",
    "stocks.csv",
    "summary.json",
];

/// The files a comparison writes.
pub const COMPARISON_FILES: &[&str] = &["compare.csv", "compare_portfolios.csv"];

/// The contents of every result file of a solve, named as in
/// [`RESULT_FILES`].
///
/// # Errors
/// [`Error::Internal`] when a document cannot be formatted.
pub fn result_files(
    model: &Model,
    network: &Network,
    plan: &Plan,
    dependency: &Dependency,
    summary: &Summary,
) -> Result<Vec<(&'static str, String)>> {
    let contents = [
        flows_csv(model, network, plan),
        production_csv(model, plan),
        markets_csv(model, plan),
        prices_csv(model, plan),
        caps_csv(model, plan),
        rules_csv(summary),
        dependency_csv(model, plan, dependency),
        super::sankey::flow_origins_csv(&super::sankey::flow_origins(model, network, plan)),
        builds_csv(model, plan),
        super::stocks::stocks_csv(&summary.stocks),
        serde_json::to_string_pretty(summary)
            .map(|s| s + "\n")
            .map_err(|e| Error::Internal(format!("summary.json: {e}"))),
    ];
    let mut files = Vec::new();
    for (name, text) in RESULT_FILES.iter().zip(contents) {
        files.push((*name, text?));
    }
    Ok(files)
}

/// Replaces the files in `dir` (created when missing) with `files` (name,
/// contents) as one set: see [`super::results_dir`].
///
/// # Errors
/// [`Error::Write`] naming the file or directory that failed; the previous
/// set is then left as it was.
pub fn write_atomically<S: AsRef<str>>(dir: &Path, files: &[(&str, S)]) -> Result<()> {
    super::results_dir::replace(dir, files)
}

fn csv_text(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Result<String> {
    let internal = |e: &dyn std::fmt::Display| Error::Internal(format!("CSV text: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(|e| internal(&e))?;
    for r in rows {
        w.write_record(&r).map_err(|e| internal(&e))?;
    }
    let bytes = w.into_inner().map_err(|e| internal(&e))?;
    String::from_utf8(bytes).map_err(|e| internal(&e))
}

/// Every lane and period with a flow, in the shape of `lanes.csv`.
fn flows_csv(model: &Model, network: &Network, plan: &Plan) -> Result<String> {
    let mut rows = Vec::new();
    for t in model.period_ids() {
        for (l, lane) in network.lanes().iter().enumerate() {
            let q = plan.flows[l][t.0];
            if q <= 0.0 {
                continue;
            }
            let exporter = model.facilities[lane.from.0].country;
            let importer = model.endpoint_country(lane.to);
            rows.push(vec![
                model.periods[t.0].label.clone(),
                model.commodities[lane.commodity.0].id.clone(),
                model.facilities[lane.from.0].id.clone(),
                place(model, lane.to),
                model.countries[exporter.0].code.clone(),
                model.countries[importer.0].code.clone(),
                num(q),
                num(lane.transport_cost),
                num(model.tariff_per_tonne(exporter, importer, lane.commodity, t)),
            ]);
        }
    }
    csv_text(
        &[
            "period",
            "commodity",
            "from",
            "to",
            "from_country",
            "to_country",
            "tonnes",
            "transport_cost",
            "tariff",
        ],
        rows,
    )
}

fn production_csv(model: &Model, plan: &Plan) -> Result<String> {
    let mut rows = Vec::new();
    for t in model.period_ids() {
        for (f, fac) in model.facilities.iter().enumerate() {
            let cap = plan.capacity[f][t.0];
            let x = plan.activity[f][t.0];
            // Candidates show in every period, built or not: their
            // capacity value is what one more unit would save.
            if cap <= 0.0 && x <= 0.0 && fac.status != crate::model::Status::Candidate {
                continue;
            }
            let (product_t, product) = super::product_of(model, f);
            let value = plan.capacity_value[f][t.0];
            let per_t = if product_t > 0.0 {
                value / product_t
            } else {
                0.0
            };
            let period = &model.periods[t.0];
            let discount = model.period_weight(t) / f64::from(period.years);
            rows.push(vec![
                period.label.clone(),
                fac.id.clone(),
                model.countries[fac.country.0].code.clone(),
                model.processes[fac.process.0].id.clone(),
                num(x),
                num(cap),
                num(if cap > 0.0 { x / cap } else { 0.0 }),
                num(value),
                product,
                num(per_t),
                num(per_t * discount),
            ]);
        }
    }
    csv_text(
        &[
            "period",
            "facility",
            "country",
            "process",
            "activity",
            "capacity",
            "utilisation",
            "capacity_value",
            "product",
            "capacity_value_per_t",
            "capacity_value_per_t_pv",
        ],
        rows,
    )
}

/// Per demand segment and period: demand, what was delivered at what
/// price and spend, what was given up and what went unserved.
fn markets_csv(model: &Model, plan: &Plan) -> Result<String> {
    let results = super::markets::segment_results(model, plan);
    let rows = results.iter().map(|r| {
        let seg = &model.demand[r.segment];
        vec![
            model.periods[seg.period.0].label.clone(),
            model.countries[seg.country.0].code.clone(),
            seg.sector.clone(),
            model.commodities[seg.commodity.0].id.clone(),
            num(seg.tonnes),
            num(r.delivered),
            num(r.given_up),
            num(r.unserved),
            num(r.beyond),
            num(r.price),
            num(r.spend),
            num(seg.shortage_penalty),
        ]
    });
    csv_text(
        &[
            "period",
            "country",
            "sector",
            "commodity",
            "demand",
            "delivered",
            "given_up",
            "unserved",
            "beyond",
            "price",
            "spend",
            "shortage_penalty",
        ],
        rows,
    )
}

fn prices_csv(model: &Model, plan: &Plan) -> Result<String> {
    let rows = plan.prices.iter().map(|p| {
        vec![
            model.periods[p.period.0].label.clone(),
            place(model, p.place),
            model.countries[model.endpoint_country(p.place).0]
                .code
                .clone(),
            model.commodities[p.commodity.0].id.clone(),
            num(p.value),
        ]
    });
    csv_text(&["period", "place", "country", "commodity", "price"], rows)
}

fn caps_csv(model: &Model, plan: &Plan) -> Result<String> {
    let rows = super::caps_by_key(model, plan).into_iter().map(|c| {
        vec![
            model.periods[c.period.0].label.clone(),
            model.export_controls[c.control].id.clone(),
            num(c.used),
            num(c.cap),
            num(c.shadow_price),
            num(c.shadow_price * super::per_year_pv(model, c.period)),
        ]
    });
    let header = [
        "period",
        "id",
        "used",
        "cap",
        "shadow_price",
        "shadow_price_pv",
    ];
    csv_text(&header, rows)
}

/// Every content rule in every country and period it applies to.
fn rules_csv(summary: &Summary) -> Result<String> {
    let rows = summary.rules.iter().map(|r| {
        vec![
            r.period.clone(),
            r.id.clone(),
            r.country.clone(),
            r.origin.clone(),
            num(r.max_share),
            num(r.tainted_t),
            num(r.received_t),
            num(r.shadow_price),
            num(r.shadow_price_pv),
        ]
    });
    csv_text(
        &[
            "period",
            "id",
            "country",
            "origin",
            "max_share",
            "tainted",
            "received",
            "shadow_price",
            "shadow_price_pv",
        ],
        rows,
    )
}

/// For every demand segment served and traced stage, each source country's
/// share (segments of one market share its proportional mix).
fn dependency_csv(model: &Model, plan: &Plan, dep: &Dependency) -> Result<String> {
    let mut rows = Vec::new();
    for m in &dep.markets {
        for &d in &m.segments {
            let seg = &model.demand[d];
            let served = plan.served(model, d);
            if served <= 0.0 {
                continue;
            }
            for (s, stage) in STAGES.iter().enumerate() {
                for share in crate::trace::shares(model, &m.mix[s]) {
                    rows.push(vec![
                        model.periods[seg.period.0].label.clone(),
                        model.countries[seg.country.0].code.clone(),
                        seg.sector.clone(),
                        model.commodities[seg.commodity.0].id.clone(),
                        stage.to_string(),
                        share.country,
                        num(share.share),
                        num(share.share * served),
                    ]);
                }
            }
        }
    }
    csv_text(
        &[
            "period",
            "country",
            "sector",
            "commodity",
            "stage",
            "source_country",
            "share",
            "tonnes",
        ],
        rows,
    )
}

/// Every build decision with a non-zero value: the candidate, its start and
/// the share built (1 unless relaxed).
fn builds_csv(model: &Model, plan: &Plan) -> Result<String> {
    let rows = plan.built().map(|b| {
        let fac = &model.facilities[b.candidate.0];
        vec![
            model.periods[b.start.0].label.clone(),
            fac.id.clone(),
            model.countries[fac.country.0].code.clone(),
            model.processes[fac.process.0].id.clone(),
            num(b.share),
            num(fac.capacity),
            num(fac.build_cost),
        ]
    });
    csv_text(
        &[
            "start",
            "facility",
            "country",
            "process",
            "share",
            "capacity",
            "build_cost",
        ],
        rows,
    )
}

/// The result files of a comparison: `compare.csv` (one row per cell) and
/// `compare_portfolios.csv` (one row per portfolio, flagging every
/// portfolio tied for each pick).
pub fn comparison_files(
    c: &crate::compare::Comparison,
    measure: &crate::compare::Measure,
) -> Result<Vec<(&'static str, String)>> {
    let opt = |v: Option<f64>| v.map_or(String::new(), num);
    let cells = c.cells.iter().map(|cell| {
        let r = cell.result.as_ref();
        vec![
            cell.portfolio.clone(),
            cell.scenario.clone(),
            cell.status.clone(),
            opt(r.map(|r| r.cost)),
            opt(r.map(|r| r.shortage_t)),
            opt(r.map(|r| r.given_up_t)),
            opt(r.map(|r| r.market_spend)),
            opt(r.map(|r| r.investment)),
            opt(r.and_then(|r| r.dependency)),
            opt(cell.regret),
        ]
    });
    let standings = c.standings.iter().map(|s| {
        vec![
            s.portfolio.clone(),
            opt(s.expected_cost),
            opt(s.max_regret),
            s.minimax_regret.to_string(),
            s.least_expected_cost.to_string(),
        ]
    });
    Ok(vec![
        (
            "compare.csv",
            csv_text(
                &[
                    "portfolio",
                    "scenario",
                    "status",
                    "cost",
                    &measure.scoped_column("shortage_t"),
                    &measure.scoped_column("given_up_t"),
                    &measure.scoped_column("market_spend"),
                    "investment",
                    "dependency",
                    "regret",
                ],
                cells,
            )?,
        ),
        (
            "compare_portfolios.csv",
            csv_text(
                &[
                    "portfolio",
                    "expected_cost",
                    "max_regret",
                    "minimax_regret",
                    "least_expected_cost",
                ],
                standings,
            )?,
        ),
    ])
}
