//! Stockpiles in a plan: per stockpile and period, the level, what was put
//! in and taken out, and what one more tonne in stock is worth
//! (`stocks.csv`, the summary and the terminal).

use std::fmt::Write;

use serde::Serialize;

use super::terminal::{money, right_align, table, tonnes};
use crate::model::Model;
use crate::plan::Plan;

/// One stockpile in one period.
#[derive(Debug, Clone, Serialize)]
pub struct StockRow {
    /// Period label.
    pub period: String,
    /// Stockpile id.
    pub id: String,
    /// Facility id or `market:CC`.
    pub holder: String,
    /// Commodity id.
    pub commodity: String,
    /// Tonnes in stock at the end of the period.
    pub level_t: f64,
    /// Tonnes per year put in.
    pub build_t: f64,
    /// Tonnes per year taken out.
    pub release_t: f64,
    /// What one more tonne in stock at the start of the period is worth, $
    /// in base-year money.
    pub value_pv: f64,
}

/// Every stockpile in every period, by period then id.
pub fn stock_rows(model: &Model, plan: &Plan) -> Vec<StockRow> {
    let mut rows: Vec<(usize, StockRow)> = (plan.stocks.iter())
        .map(|u| {
            let sp = &model.stockpiles[u.stockpile];
            let row = StockRow {
                period: model.periods[u.period.0].label.clone(),
                id: sp.id.clone(),
                holder: model.endpoint_name(sp.holder),
                commodity: model.commodities[sp.commodity.0].id.clone(),
                level_t: u.level,
                build_t: u.build,
                release_t: u.release,
                value_pv: u.value_pv,
            };
            (u.period.0, row)
        })
        .collect();
    rows.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
    rows.into_iter().map(|(_, r)| r).collect()
}

/// `stocks.csv`, from the summary's rows.
pub fn stocks_csv(rows: &[StockRow]) -> crate::error::Result<String> {
    super::files::csv_rows(rows.iter().map(|r| StockCsv {
        period: r.period.clone(),
        id: r.id.clone(),
        holder: r.holder.clone(),
        commodity: r.commodity.clone(),
        level: super::num(r.level_t),
        build: super::num(r.build_t),
        release: super::num(r.release_t),
        value_pv: super::num(r.value_pv),
    }))
}

/// A row of `stocks.csv`.
#[derive(Serialize, Default)]
struct StockCsv {
    period: String,
    id: String,
    holder: String,
    commodity: String,
    level: String,
    build: String,
    release: String,
    value_pv: String,
}

/// The stockpiles' table, when the model has any: each stock that moved,
/// period by period; the stocks that never moved in one line each.
pub fn render(o: &mut String, rows: &[StockRow], currency: &str) {
    if rows.is_empty() {
        return;
    }
    let moved = |id: &str| {
        (rows.iter())
            .filter(|r| r.id == id)
            .any(|r| r.build_t != 0.0 || r.release_t != 0.0)
    };
    let mut ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let (active, still): (Vec<&str>, Vec<&str>) = ids.into_iter().partition(|id| moved(id));
    let value = format!("{currency}/t PV");
    if !active.is_empty() {
        let _ = writeln!(
            o,
            "\nstockpiles (level at the end of each period; in and out t/yr; value of one more \
             tonne in stock, present value):"
        );
        let mut t = table(&[
            "stockpile",
            "period",
            "level t",
            "in t/yr",
            "out t/yr",
            &value,
        ]);
        for id in &active {
            for (k, r) in rows.iter().filter(|r| r.id == *id).enumerate() {
                let name = if k == 0 { r.id.clone() } else { String::new() };
                t.add_row(vec![
                    name,
                    r.period.clone(),
                    tonnes(r.level_t),
                    tonnes(r.build_t),
                    tonnes(r.release_t),
                    money(r.value_pv),
                ]);
            }
        }
        right_align(&mut t, 2);
        let _ = writeln!(o, "{t}");
    }
    if !still.is_empty() {
        let _ = writeln!(
            o,
            "\nstockpiles held unchanged over the horizon (level t; value of one more tonne in \
             stock at the start, {value}):"
        );
        let mut t = table(&["stockpile", "commodity", "level t", &value]);
        for id in &still {
            let r = rows.iter().find(|r| r.id == *id).expect("listed from rows");
            t.add_row(vec![
                r.id.clone(),
                r.commodity.clone(),
                tonnes(r.level_t),
                money(r.value_pv),
            ]);
        }
        right_align(&mut t, 2);
        let _ = writeln!(o, "{t}");
    }
}
