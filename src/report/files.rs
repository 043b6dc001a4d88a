//! The contents of the result files: `flows.csv`, `production.csv`,
//! `markets.csv`, `prices.csv`, `caps.csv`, `rules.csv`, `dependency.csv`,
//! `flow_origins.csv`, `builds.csv`, `stocks.csv` and `summary.json` for a solve, `compare.csv` and
//! `compare_portfolios.csv` for a comparison. Every file lists its rows in
//! the order of their keys (periods in time order, then ids), never in the
//! order of the model's files. Putting them on disk, as one set, is
//! [`super::results_dir`]'s job.

use std::path::Path;

use serde::Serialize;

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

/// Rows written through serde: the header is the struct's field names (a
/// file with no rows still gets it), each row its fields in order.
pub(crate) fn csv_rows<T: Serialize + Default>(
    rows: impl IntoIterator<Item = T>,
) -> Result<String> {
    let internal = |e: &dyn std::fmt::Display| Error::Internal(format!("CSV text: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut any = false;
    for r in rows {
        w.serialize(r).map_err(|e| internal(&e))?;
        any = true;
    }
    let mut bytes = w.into_inner().map_err(|e| internal(&e))?;
    if !any {
        // serde gives the header only with a row: write a blank one and
        // keep its header line alone.
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(T::default()).map_err(|e| internal(&e))?;
        let blank = w.into_inner().map_err(|e| internal(&e))?;
        let end = blank.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
        bytes = blank[..end].to_vec();
    }
    String::from_utf8(bytes).map_err(|e| internal(&e))
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
            rows.push(FlowCsv {
                period: model.periods[t.0].label.clone(),
                commodity: model.commodities[lane.commodity.0].id.clone(),
                from: model.facilities[lane.from.0].id.clone(),
                to: place(model, lane.to),
                from_country: model.countries[exporter.0].code.clone(),
                to_country: model.countries[importer.0].code.clone(),
                tonnes: num(q),
                transport_cost: num(lane.transport_cost),
                tariff: num(model.tariff_per_tonne(exporter, importer, lane.commodity, t)),
            });
        }
    }
    csv_rows(rows)
}

/// A row of `flows.csv`.
#[derive(Serialize, Default)]
struct FlowCsv {
    period: String,
    commodity: String,
    from: String,
    to: String,
    from_country: String,
    to_country: String,
    tonnes: String,
    transport_cost: String,
    tariff: String,
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
            let discount = super::per_year_pv(model, t);
            rows.push(ProductionCsv {
                period: period.label.clone(),
                facility: fac.id.clone(),
                country: model.countries[fac.country.0].code.clone(),
                process: model.processes[fac.process.0].id.clone(),
                activity: num(x),
                capacity: num(cap),
                utilisation: num(if cap > 0.0 { x / cap } else { 0.0 }),
                capacity_value: num(value),
                product,
                capacity_value_per_t: num(per_t),
                capacity_value_per_t_pv: num(per_t * discount),
            });
        }
    }
    csv_rows(rows)
}

/// A row of `production.csv`.
#[derive(Serialize, Default)]
struct ProductionCsv {
    period: String,
    facility: String,
    country: String,
    process: String,
    activity: String,
    capacity: String,
    utilisation: String,
    capacity_value: String,
    product: String,
    capacity_value_per_t: String,
    capacity_value_per_t_pv: String,
}

/// Per demand segment and period: demand, what was delivered at what
/// price and spend, what was given up and what went unserved.
fn markets_csv(model: &Model, plan: &Plan) -> Result<String> {
    let results = super::markets::segment_results(model, plan);
    let rows = results.iter().map(|r| {
        let seg = &model.demand[r.segment];
        MarketCsv {
            period: model.periods[seg.period.0].label.clone(),
            country: model.countries[seg.country.0].code.clone(),
            sector: seg.sector.clone(),
            commodity: model.commodities[seg.commodity.0].id.clone(),
            demand: num(seg.tonnes),
            delivered: num(r.delivered),
            given_up: num(r.given_up),
            unserved: num(r.unserved),
            beyond: num(r.beyond),
            price: num(r.price),
            spend: num(r.spend),
            shortage_penalty: num(seg.shortage_penalty),
        }
    });
    csv_rows(rows)
}

/// A row of `markets.csv`.
#[derive(Serialize, Default)]
struct MarketCsv {
    period: String,
    country: String,
    sector: String,
    commodity: String,
    demand: String,
    delivered: String,
    given_up: String,
    unserved: String,
    beyond: String,
    price: String,
    spend: String,
    shortage_penalty: String,
}

fn prices_csv(model: &Model, plan: &Plan) -> Result<String> {
    let rows = plan.prices.iter().map(|p| PriceCsv {
        period: model.periods[p.period.0].label.clone(),
        place: place(model, p.place),
        country: model.countries[model.endpoint_country(p.place).0]
            .code
            .clone(),
        commodity: model.commodities[p.commodity.0].id.clone(),
        price: num(p.value),
    });
    csv_rows(rows)
}

/// A row of `prices.csv`.
#[derive(Serialize, Default)]
struct PriceCsv {
    period: String,
    place: String,
    country: String,
    commodity: String,
    price: String,
}

fn caps_csv(model: &Model, plan: &Plan) -> Result<String> {
    let rows = super::caps_by_key(model, plan).into_iter().map(|c| CapCsv {
        period: model.periods[c.period.0].label.clone(),
        id: model.export_controls[c.control].id.clone(),
        used: num(c.used),
        cap: num(c.cap),
        shadow_price: num(c.shadow_price),
        shadow_price_pv: num(c.shadow_price * super::per_year_pv(model, c.period)),
    });
    csv_rows(rows)
}

/// A row of `caps.csv`.
#[derive(Serialize, Default)]
struct CapCsv {
    period: String,
    id: String,
    used: String,
    cap: String,
    shadow_price: String,
    shadow_price_pv: String,
}

/// Every content rule in every country and period it applies to.
fn rules_csv(summary: &Summary) -> Result<String> {
    let rows = summary.rules.iter().map(|r| RuleCsv {
        period: r.period.clone(),
        id: r.id.clone(),
        country: r.country.clone(),
        origin: r.origin.clone(),
        max_share: num(r.max_share),
        tainted: num(r.tainted_t),
        received: num(r.received_t),
        beyond: num(r.beyond_t),
        shadow_price: num(r.shadow_price),
        shadow_price_pv: num(r.shadow_price_pv),
    });
    csv_rows(rows)
}

/// A row of `rules.csv`.
#[derive(Serialize, Default)]
struct RuleCsv {
    period: String,
    id: String,
    country: String,
    origin: String,
    max_share: String,
    tainted: String,
    received: String,
    beyond: String,
    shadow_price: String,
    shadow_price_pv: String,
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
                    rows.push(DependencyCsv {
                        period: model.periods[seg.period.0].label.clone(),
                        country: model.countries[seg.country.0].code.clone(),
                        sector: seg.sector.clone(),
                        commodity: model.commodities[seg.commodity.0].id.clone(),
                        stage: stage.to_string(),
                        source_country: share.country,
                        share: num(share.share),
                        tonnes: num(share.share * served),
                    });
                }
            }
        }
    }
    csv_rows(rows)
}

/// A row of `dependency.csv`.
#[derive(Serialize, Default)]
struct DependencyCsv {
    period: String,
    country: String,
    sector: String,
    commodity: String,
    stage: String,
    source_country: String,
    share: String,
    tonnes: String,
}

/// Every build decision with a non-zero value: the candidate, its start and
/// the share built (1 unless relaxed).
fn builds_csv(model: &Model, plan: &Plan) -> Result<String> {
    let rows = plan.built().map(|b| {
        let fac = &model.facilities[b.candidate.0];
        BuildCsv {
            start: model.periods[b.start.0].label.clone(),
            facility: fac.id.clone(),
            country: model.countries[fac.country.0].code.clone(),
            process: model.processes[fac.process.0].id.clone(),
            share: num(b.share),
            capacity: num(fac.capacity),
            build_cost: num(fac.build_cost),
        }
    });
    csv_rows(rows)
}

/// A row of `builds.csv`.
#[derive(Serialize, Default)]
struct BuildCsv {
    start: String,
    facility: String,
    country: String,
    process: String,
    share: String,
    capacity: String,
    build_cost: String,
}

/// The result files of a comparison: `compare.csv` (one row per cell) and
/// `compare_portfolios.csv` (one row per portfolio, flagging every
/// portfolio tied for each pick).
pub fn comparison_files(
    c: &crate::compare::Comparison,
    measure: &crate::compare::Measure,
) -> Result<Vec<(&'static str, String)>> {
    let opt = |v: Option<f64>| v.map_or(String::new(), num);
    // Every market's spend, by country code, after the named columns.
    let codes: Vec<String> = (c.cells.iter())
        .find_map(|cell| cell.result.as_ref())
        .map(|r| r.spend_by_market.keys().cloned().collect())
        .unwrap_or_default();
    let spend_of =
        |v: Option<&crate::measure::Spend>, code: &str| opt(v.and_then(|v| v.get(code)).copied());
    let cells = c.cells.iter().map(|cell| {
        let r = cell.result.as_ref();
        let mut row = vec![
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
        ];
        row.extend(
            codes
                .iter()
                .map(|k| spend_of(r.map(|r| &r.spend_by_market), k)),
        );
        row
    });
    let standings = c.standings.iter().map(|s| {
        let mut row = vec![
            s.portfolio.clone(),
            opt(s.expected_cost),
            opt(s.max_regret),
            s.minimax_regret.to_string(),
            s.least_expected_cost.to_string(),
        ];
        row.extend(codes.iter().map(|k| spend_of(s.expected_spend.as_ref(), k)));
        row
    });
    // The named columns, then a spend column per market (`prefix` + code),
    // over the horizon and every sector whatever the scope.
    let with_spend = |named: &[&str], prefix: &str| -> Vec<String> {
        let spend = (codes.iter()).map(|k| format!("{prefix}{k}_spend"));
        named.iter().map(|n| n.to_string()).chain(spend).collect()
    };
    let header = with_spend(
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
        "",
    );
    let standing_header = with_spend(
        &[
            "portfolio",
            "expected_cost",
            "max_regret",
            "minimax_regret",
            "least_expected_cost",
        ],
        "expected_",
    );
    Ok(vec![
        ("compare.csv", csv_text(&names(&header), cells)?),
        (
            "compare_portfolios.csv",
            csv_text(&names(&standing_header), standings)?,
        ),
    ])
}

/// The column names of a header built at run time.
fn names(header: &[String]) -> Vec<&str> {
    header.iter().map(String::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_rows_write_the_fields_as_columns_and_the_header_alone_when_empty() {
        let row = |id: &str| CapCsv {
            period: "2025".into(),
            id: id.into(),
            used: num(200.0),
            cap: num(200.0),
            shadow_price: num(74499.5),
            shadow_price_pv: num(0.0),
        };
        let header = "period,id,used,cap,shadow_price,shadow_price_pv\n";
        let text = csv_rows([row("cn-magnets-us"), row("a,b")]).unwrap();
        let by_hand = csv_text(
            &header.trim_end().split(',').collect::<Vec<_>>(),
            [row("cn-magnets-us"), row("a,b")].map(|r| {
                vec![
                    r.period,
                    r.id,
                    r.used,
                    r.cap,
                    r.shadow_price,
                    r.shadow_price_pv,
                ]
            }),
        )
        .unwrap();
        assert_eq!(text, by_hand);
        assert!(text.starts_with(header), "{text}");
        assert!(text.contains("\"a,b\""), "{text}");
        assert_eq!(csv_rows(Vec::<CapCsv>::new()).unwrap(), header);
    }
}
