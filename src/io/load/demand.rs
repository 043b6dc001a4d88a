//! `demand.csv`: demand segments, one per country, sector, commodity and
//! period, and the markets they open to lanes.

use std::collections::BTreeMap;

use super::Builder;
use crate::io::table::RawTable;
use crate::model::{CommodityId, CountryId, Demand, PeriodId};

impl Builder {
    /// The (country, commodity) markets that `demand.csv` gives demand to,
    /// read ahead of the lanes that may end there. Rows whose country and
    /// commodity resolve count even when other cells are bad: those are
    /// reported once, by [`Builder::demand`], not again at every lane.
    pub(super) fn demanded_markets(&mut self, t: &RawTable) {
        for row in t.rows() {
            let country = self.country_ix.get(row.str("country"));
            let commodity = self.commodity_ix.get(row.str("commodity"));
            if let (Some(&country), Some(&c)) = (country, commodity) {
                self.demanded.insert((CountryId(country), CommodityId(c)));
            }
        }
    }

    /// `demand.csv`, sorted by (country, sector, commodity, period).
    pub(super) fn demand(&mut self, t: &RawTable, default_penalty: f64) {
        let mut seen: BTreeMap<(CountryId, String, CommodityId, PeriodId), u64> = BTreeMap::new();
        for row in t.rows() {
            let country = self.country(&row, "country");
            let sector = row.text("sector", &mut self.diags);
            let commodity = self.commodity(&row, "commodity");
            let period = self.period(&row, "period");
            let tonnes = row.number_or("tonnes", 0.0, &mut self.diags);
            let penalty = row.number_or("shortage_penalty", default_penalty, &mut self.diags);
            let (Some(country), Some(sector), Some(c), Some(period), Ok(tonnes), Ok(penalty)) =
                (country, sector, commodity, period, tonnes, penalty)
            else {
                continue;
            };
            if !self.processes.iter().any(|p| p.coef(c) > 0.0) {
                row.error(
                    &mut self.diags,
                    "commodity",
                    format!(
                        "no process in processes.csv makes \"{}\"",
                        self.commodities[c.0].id
                    ),
                );
                continue;
            }
            if let Some(first) = seen.insert((country, sector.clone(), c, period), row.line) {
                row.error(
                    &mut self.diags,
                    "period",
                    format!("duplicate demand segment (first defined on line {first})"),
                );
                continue;
            }
            self.demand.push(Demand {
                country,
                sector,
                commodity: c,
                period,
                tonnes,
                shortage_penalty: penalty,
                line: row.line,
            });
        }
        self.demand.sort_by(|a, b| {
            (a.country, &a.sector, a.commodity, a.period).cmp(&(
                b.country,
                &b.sector,
                b.commodity,
                b.period,
            ))
        });
    }
}
