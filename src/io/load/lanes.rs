//! Ways to ship goods: lanes written in `lanes.csv`, and the
//! region-to-region rates of `transport.csv` that the network turns into
//! lanes for every pair without a written one.

use std::collections::BTreeMap;

use super::catalog::{limited, limited_or};
use super::Builder;
use crate::io::table::{RawTable, Row};
use crate::model::schema::limits::{self, show};
use crate::model::{
    CommodityId, CountryId, Endpoint, FacilityId, LaneSpec, Process, Stage, TransportRate, ALL,
};

impl Builder {
    /// `lanes.csv`, in file order.
    pub(super) fn lanes(&mut self, t: &RawTable) {
        let mut seen: BTreeMap<(usize, Endpoint, CommodityId), u64> = BTreeMap::new();
        for row in t.rows() {
            let from = self.lane_from(&row);
            let to = self.lane_to(&row);
            let commodity = self.commodity(&row, "commodity");
            let cost = limited_or(&row, "cost", 0.0, &mut self.diags);
            let capacity = limited(&row, "capacity", &mut self.diags);
            let (Some(from), Some(to), Some(c), Ok(cost), Ok(capacity)) =
                (from, to, commodity, cost, capacity)
            else {
                continue;
            };
            if let Some(q) = capacity.filter(|q| q * cost > limits::COST_PER_YEAR) {
                let msg = format!(
                    "used to its capacity it would cost {} a year (capacity {} × cost {}); \
                     expected at most {}",
                    show(q * cost),
                    show(q),
                    show(cost),
                    show(limits::COST_PER_YEAR)
                );
                row.error(&mut self.diags, "capacity", msg);
                continue;
            }
            if !self.lane_joins(&row, from, to, c) {
                continue;
            }
            if let Some(first) = seen.insert((from, to, c), row.line) {
                row.error(
                    &mut self.diags,
                    "to",
                    format!("duplicate lane (first defined on line {first})"),
                );
                continue;
            }
            self.lanes.push(LaneSpec {
                from: FacilityId(from),
                to,
                commodity: c,
                cost,
                capacity,
                line: row.line,
            });
        }
    }

    /// Where a lane starts: a facility.
    fn lane_from(&mut self, row: &Row) -> Option<usize> {
        let id = row.text("from", &mut self.diags)?;
        match self.facility_ix.get(&id) {
            Some(&f) => Some(f),
            None => {
                row.error(
                    &mut self.diags,
                    "from",
                    format!("expected a facility id from facilities.csv, found \"{id}\""),
                );
                None
            }
        }
    }

    /// Where a lane ends: a facility, or a country code for its market.
    fn lane_to(&mut self, row: &Row) -> Option<Endpoint> {
        let id = row.text("to", &mut self.diags)?;
        match (self.facility_ix.get(&id), self.country_ix.get(&id)) {
            (Some(&f), None) => Some(Endpoint::Facility(FacilityId(f))),
            (None, Some(&c)) => Some(Endpoint::Market(CountryId(c))),
            // A facility may not be named like a country: reported at
            // facilities.csv, where the fix is.
            (Some(_), Some(_)) => None,
            (None, None) => {
                row.error(
                    &mut self.diags,
                    "to",
                    format!(
                        "expected a facility id or a country code (for its market), found \"{id}\""
                    ),
                );
                None
            }
        }
    }

    /// True when facility `from` makes `c` and `to` uses it (a facility
    /// whose process takes it in, or a market with demand for it);
    /// otherwise reports why not.
    fn lane_joins(&mut self, row: &Row, from: usize, to: Endpoint, c: CommodityId) -> bool {
        let cid = &self.commodities[c.0].id;
        if self
            .facility_process(from)
            .is_some_and(|p| p.coef(c) <= 0.0)
        {
            row.error(
                &mut self.diags,
                "from",
                format!(
                    "facility \"{}\" does not produce \"{cid}\"",
                    self.facilities[from].id
                ),
            );
            return false;
        }
        if let Endpoint::Market(m) = to {
            if !self.demanded.contains(&(m, c)) {
                row.error(
                    &mut self.diags,
                    "to",
                    format!(
                        "market \"{}\" has no demand for \"{cid}\" in demand.csv, so a lane into it would lead nowhere",
                        self.countries[m.0].code
                    ),
                );
                return false;
            }
        }
        if let Endpoint::Facility(g) = to {
            if self.facility_process(g.0).is_some_and(|p| p.coef(c) >= 0.0) {
                row.error(
                    &mut self.diags,
                    "to",
                    format!(
                        "facility \"{}\" does not use \"{cid}\"",
                        self.facilities[g.0].id
                    ),
                );
                return false;
            }
            if g.0 == from {
                row.error(
                    &mut self.diags,
                    "to",
                    "a lane must join two different places",
                );
                return false;
            }
        }
        true
    }

    /// The process of facility `f`.
    fn facility_process(&self, f: usize) -> Option<&Process> {
        self.processes.get(self.facilities[f].process.0)
    }

    /// `transport.csv`, in file order.
    pub(super) fn transport(&mut self, t: &RawTable) {
        let mut seen: BTreeMap<(String, String, String), u64> = BTreeMap::new();
        for row in t.rows() {
            let mut ok = true;
            for col in ["from_region", "to_region"] {
                match row.text(col, &mut self.diags) {
                    Some(r) if !self.regions.contains(&r) => {
                        row.error(
                            &mut self.diags,
                            col,
                            format!("expected a region used in countries.csv, found \"{r}\""),
                        );
                        ok = false;
                    }
                    None => ok = false,
                    _ => {}
                }
            }
            let applies = row.text("commodity", &mut self.diags).unwrap_or_default();
            if !applies.is_empty() && !self.applies_to_known(&applies) {
                row.error(
                    &mut self.diags,
                    "commodity",
                    format!("expected a commodity id, a stage or \"all\", found \"{applies}\""),
                );
                ok = false;
            }
            let cost = limited(&row, "cost", &mut self.diags);
            let (true, Ok(Some(cost))) = (ok, cost) else {
                continue;
            };
            let key = (
                row.str("from_region").to_string(),
                row.str("to_region").to_string(),
                applies.clone(),
            );
            if let Some(first) = seen.insert(key, row.line) {
                row.error(
                    &mut self.diags,
                    "commodity",
                    format!("duplicate rate (first defined on line {first})"),
                );
                continue;
            }
            self.transport.push(TransportRate {
                from_region: row.str("from_region").to_string(),
                to_region: row.str("to_region").to_string(),
                applies_to: applies,
                cost,
            });
        }
    }

    /// A commodity id, a stage word, or `all`.
    fn applies_to_known(&self, s: &str) -> bool {
        s == ALL || Stage::parse(s).is_some() || self.commodity_ix.contains_key(s)
    }
}
