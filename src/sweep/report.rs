//! What a sweep writes: `sweep.csv` (one row per case) and the terminal
//! table.

use std::fmt::Write;

use super::params::Param;
use super::Case;
use crate::compare::Measure;
use crate::engine::How;
use crate::error::{Error, Result};

/// The files a sweep writes.
pub const SWEEP_FILES: &[&str] = &["sweep.csv"];

/// A number in a CSV cell: shortest round-trip text.
fn num(v: f64) -> String {
    crate::report::num(v)
}

/// The columns every case shares beyond the parameters: the base model's
/// `COUNTRY:SECTOR` markets, and the commodities the dependency market buys.
pub struct Columns {
    /// `COUNTRY:SECTOR`, sorted.
    pub markets: Vec<String>,
    /// Commodity ids, sorted.
    pub prices: Vec<String>,
    /// The country whose prices they are.
    pub price_market: String,
}

/// `sweep.csv`: the case, each parameter's value, the status, what the plan
/// measures, its cost by kind, the tonnes given up and unserved by each
/// market, and the dependency market's mean price of each commodity it buys
/// (empty without a plan, or where nothing was delivered).
pub fn csv(
    params: &[Param],
    cases: &[Case],
    total: usize,
    measure: &Measure,
    columns: &Columns,
) -> Result<String> {
    let markets = &columns.markets;
    let internal = |e: &dyn std::fmt::Display| Error::Internal(format!("sweep.csv: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["case".to_string(), "cases".to_string()];
    header.extend(params.iter().map(|p| p.label.clone()));
    header.extend(
        [
            "status",
            "start",
            "objective",
            &measure.scoped_column("unserved_t"),
            &measure.scoped_column("given_up_t"),
            &measure.spend_column(),
            "investment",
            &format!("dependency_{}", measure.label()),
        ]
        .map(str::to_string),
    );
    let kinds = crate::plan::Costs::default().kinds();
    header.extend(kinds.iter().map(|k| format!("cost_{}", k.0)));
    for m in markets {
        header.push(format!("given_up_t[{m}]"));
        header.push(format!("unserved_t[{m}]"));
    }
    for c in &columns.prices {
        header.push(format!("price[{}:{c}]", columns.price_market));
    }
    w.write_record(&header).map_err(|e| internal(&e))?;
    for c in cases {
        let mut row = vec![c.case.to_string(), total.to_string()];
        row.extend(c.values.iter().map(|&v| num(v)));
        row.push(c.status.clone());
        row.push(c.start.label().to_string());
        let r = c.result.as_ref();
        let opt = |f: fn(&crate::compare::CellResult) -> Option<f64>| {
            r.and_then(f).map_or(String::new(), num)
        };
        row.push(opt(|r| Some(r.cost)));
        row.push(opt(|r| Some(r.shortage_t)));
        row.push(opt(|r| Some(r.given_up_t)));
        row.push(opt(|r| Some(r.market_spend)));
        row.push(opt(|r| Some(r.investment)));
        row.push(opt(|r| r.dependency));
        match &c.costs {
            Some(k) => row.extend(k.kinds().map(|k| num(k.2))),
            None => row.extend(std::iter::repeat_n(String::new(), kinds.len())),
        }
        for m in markets {
            match (c.result.is_some(), c.markets.get(m)) {
                (true, Some(&(given_up, unserved))) => row.extend([num(given_up), num(unserved)]),
                (true, None) => row.extend([num(0.0), num(0.0)]),
                (false, _) => row.extend([String::new(), String::new()]),
            }
        }
        for commodity in &columns.prices {
            row.push(c.prices.get(commodity).map_or(String::new(), |&p| num(p)));
        }
        w.write_record(&row).map_err(|e| internal(&e))?;
    }
    let bytes = w.into_inner().map_err(|e| internal(&e))?;
    String::from_utf8(bytes).map_err(|e| internal(&e))
}

/// The terminal table: one row per case.
pub fn render(params: &[Param], cases: &[Case], measure: &Measure, currency: &str) -> String {
    let mut header: Vec<String> = vec!["case".into()];
    header.extend(params.iter().map(|p| p.label.clone()));
    header.extend([
        "status".to_string(),
        format!("objective {currency} bn"),
        measure.scoped_column("unserved t"),
        measure.scoped_column("given up t"),
        match &measure.scope_key {
            Some(k) => format!("spend[scope={k}] {currency} bn"),
            None => format!("{} spend {currency} bn", measure.market),
        },
        format!("share {}", measure.label()),
    ]);
    let mut t =
        crate::report::terminal::table(&header.iter().map(String::as_str).collect::<Vec<_>>());
    for c in cases {
        let mut row = vec![c.case.to_string()];
        // Sampled values to 4 decimals; grid values as written.
        row.extend(
            c.values
                .iter()
                .map(|&v| format!("{}", (v * 1e4).round() / 1e4)),
        );
        row.push(c.status.clone());
        match &c.result {
            Some(r) => {
                row.push(format!("{:.3}", r.cost / 1e9));
                row.push(crate::report::terminal::tonnes(r.shortage_t));
                row.push(crate::report::terminal::tonnes(r.given_up_t));
                row.push(format!("{:.3}", r.market_spend / 1e9));
                row.push(
                    r.dependency
                        .map_or("—".into(), |d| format!("{:.1}%", 100.0 * d)),
                );
            }
            None => row.extend(std::iter::repeat_n("—".to_string(), 5)),
        }
        t.add_row(row);
    }
    crate::report::terminal::right_align(&mut t, 1);
    let mut o = String::new();
    let solved = cases.iter().filter(|c| c.result.is_some()).count();
    let warm = cases.iter().filter(|c| c.start == How::Warm).count();
    let _ = writeln!(
        o,
        "sweep: {} cases, {solved} with a verified plan ({warm} re-solved warm)",
        cases.len()
    );
    let _ = writeln!(o, "{t}");
    o
}
