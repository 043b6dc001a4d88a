//! The catalog: `countries.csv` (with their groups and regions),
//! `commodities.csv` and `processes.csv`, and the lookups that resolve a
//! country code or a commodity id written in any other table.

use std::collections::BTreeMap;

use super::{unique_by_id, Builder};
use crate::error::Diagnostics;
use crate::io::table::{RawTable, Row};
use crate::model::schema::limits::{self, show};
use crate::model::schema::Kind;
use crate::model::{Commodity, CommodityId, Country, CountryId, Process, Stage, ALL};

impl Builder {
    /// `countries.csv`, sorted by code, with the groups and regions they name.
    pub(super) fn countries(&mut self, t: &RawTable) {
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
                        format!("expected group names separated by spaces, found {g:?}"),
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

    /// `commodities.csv`, sorted by id.
    pub(super) fn commodities(&mut self, t: &RawTable) {
        for (i, (id, row)) in unique_by_id(t, "id", &mut self.diags)
            .into_iter()
            .enumerate()
        {
            self.commodity_ix.insert(id.clone(), i);
            let stage = row
                .text("stage", &mut self.diags)
                .and_then(|s| Stage::parse(&s))
                .unwrap_or(Stage::Ore);
            let ref_value = limited_or(&row, "ref_value", 0.0, &mut self.diags).unwrap_or(0.0);
            let disposal_cost =
                limited_or(&row, "disposal_cost", 0.0, &mut self.diags).unwrap_or(0.0);
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

    /// `processes.csv`: one recipe per process id, sorted by id.
    pub(super) fn processes(&mut self, t: &RawTable) {
        // process id -> (first line, terms)
        let mut recipes: BTreeMap<String, (u64, Vec<(CommodityId, f64)>)> = BTreeMap::new();
        for row in t.rows() {
            let Some(p) = row.text("process", &mut self.diags) else {
                continue;
            };
            let c = self.commodity(&row, "commodity");
            let coef = limited(&row, "coef", &mut self.diags).ok().flatten();
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
            } else if coef.abs() <= limits::COEF_MIN {
                let msg = format!(
                    "expected a coefficient of magnitude above {:e}, up to {:e} (the solver \
                     drops {0:e} and less as zeros; rescale the unit of the commodity or of \
                     the activity), found \"{}\"",
                    limits::COEF_MIN,
                    limits::COEF,
                    row.str("coef")
                );
                row.error(&mut self.diags, "coef", msg);
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

    /// A commodity id from `commodities.csv`, written in column `col`.
    pub(super) fn commodity(&mut self, row: &Row, col: &str) -> Option<CommodityId> {
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

    /// A country code from `countries.csv`, written in column `col`.
    pub(super) fn country(&mut self, row: &Row, col: &str) -> Option<CountryId> {
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
}

/// A number cell, `Ok(None)` when an optional cell is empty, held to its
/// column's documented limit ([`crate::model::schema::Column::limit`]): a
/// value beyond it is reported at the cell, like any bad number, and gives
/// `Err(())`.
pub(super) fn limited(row: &Row, col: &str, diags: &mut Diagnostics) -> Result<Option<f64>, ()> {
    let value = row.number(col, diags)?;
    let column = row.spec.column(col);
    match (value, column.and_then(|c| c.limit)) {
        (Some(v), Some(limit)) if v.abs() > limit => {
            let range = if column.is_some_and(|c| c.kind == Kind::NonNegative) {
                format!("0 to {}", show(limit))
            } else {
                format!("{} to {}", show(-limit), show(limit))
            };
            let found = row.str(col);
            row.error(
                diags,
                col,
                format!("expected a number from {range}, found \"{found}\""),
            );
            Err(())
        }
        _ => Ok(value),
    }
}

/// [`limited`], with `default` for an empty optional cell.
pub(super) fn limited_or(
    row: &Row,
    col: &str,
    default: f64,
    diags: &mut Diagnostics,
) -> Result<f64, ()> {
    limited(row, col, diags).map(|v| v.unwrap_or(default))
}
