//! `stockpiles.csv`: stocks held at a facility whose recipe uses or makes
//! the commodity, or by a country with demand for it.

use std::collections::BTreeMap;

use super::catalog::limited;
use super::Builder;
use crate::io::table::{RawTable, Row};
use crate::model::{CommodityId, CountryId, Endpoint, FacilityId, Stockpile};

impl Builder {
    /// `stockpiles.csv`, in file order.
    pub(super) fn stockpiles(&mut self, t: &RawTable) {
        let mut seen = BTreeMap::new();
        for row in t.rows() {
            let id = row.text("id", &mut self.diags);
            let commodity = self.commodity(&row, "commodity");
            let holder = commodity.and_then(|c| self.holder(&row, c));
            let numbers = self.stock_numbers(&row);
            let release_periods = self.period_set(&row, "release_periods");
            let (Some(id), Some(commodity), Some(holder), Some(n), Some(release_periods)) =
                (id, commodity, holder, numbers, release_periods)
            else {
                continue;
            };
            if !self.first_use_of_id(&mut seen, &id, &row) {
                continue;
            }
            self.stockpiles.push(Stockpile {
                id,
                holder,
                commodity,
                initial: n.initial,
                capacity: n.capacity,
                holding_cost: n.holding_cost,
                max_build: n.max_build,
                max_release: n.max_release,
                release_periods,
                clean: row.str("origin") == "clean",
                final_value: n.final_value,
                line: row.line,
            });
        }
    }

    /// The holder: a facility whose recipe uses or makes `c`, or a country
    /// with demand for `c`.
    fn holder(&mut self, row: &Row, c: CommodityId) -> Option<Endpoint> {
        let name = row.text("holder", &mut self.diags)?;
        let commodity = &self.commodities[c.0].id;
        let msg = if let Some(&f) = self.facility_ix.get(&name) {
            let process = &self.processes[self.facilities[f].process.0];
            if process.terms.iter().any(|t| t.0 == c) {
                return Some(Endpoint::Facility(FacilityId(f)));
            }
            format!(
                "facility \"{name}\" neither uses nor makes {commodity} (process {}): a stock \
                 held at a facility takes from and gives back to its balance of the commodity",
                process.id
            )
        } else if let Some(&k) = self.country_ix.get(&name) {
            if self.demanded.contains(&(CountryId(k), c)) {
                return Some(Endpoint::Market(CountryId(k)));
            }
            format!(
                "country {name} has no demand for {commodity} in demand.csv: a stock held by a \
                 country is released to its demand (hold it at a facility that uses it instead)"
            )
        } else {
            format!(
                "expected a facility id from facilities.csv or a country code from \
                 countries.csv, found \"{name}\""
            )
        };
        row.error(&mut self.diags, "holder", msg);
        None
    }

    /// Initial stock, capacity, holding cost, most built and most released
    /// a year, and the value of a tonne left at the end; the initial stock
    /// within the capacity.
    fn stock_numbers(&mut self, row: &Row) -> Option<StockNumbers> {
        let mut get = |col: &str| limited(row, col, &mut self.diags).ok();
        let initial = get("initial")?;
        let capacity = get("capacity")?;
        let holding = get("holding_cost")?;
        let build = get("max_build")?;
        let release = get("max_release")?;
        let final_value = get("final_value")?;
        let initial = initial.unwrap_or(0.0);
        if let Some(cap) = capacity.filter(|&cap| initial > cap) {
            let msg = format!("the initial stock {initial} is above the capacity {cap}");
            row.error(&mut self.diags, "initial", msg);
            return None;
        }
        Some(StockNumbers {
            initial,
            capacity,
            holding_cost: holding.unwrap_or(0.0),
            max_build: build,
            max_release: release,
            final_value: final_value.unwrap_or(0.0),
        })
    }
}

/// The numbers of a row of `stockpiles.csv` (see [`Stockpile`]).
struct StockNumbers {
    initial: f64,
    capacity: Option<f64>,
    holding_cost: f64,
    max_build: Option<f64>,
    max_release: Option<f64>,
    final_value: f64,
}
