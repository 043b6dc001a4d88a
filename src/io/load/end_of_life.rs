//! `end_of_life.csv`: collectors of end-of-life scrap, each bounded by a
//! share of what a market received a lifetime before.

use super::facilities::whole_years;
use super::Builder;
use crate::io::table::{RawTable, Row};
use crate::model::EndOfLife;

impl Builder {
    /// `end_of_life.csv`, in file order.
    pub(super) fn end_of_life(&mut self, t: &RawTable) {
        for row in t.rows() {
            let facility = self.existing_facility(&row, "end-of-life scrap returns to");
            let country = self.country(&row, "country");
            let sector = self.sector(&row, "sector");
            let commodity = self.commodity(&row, "commodity");
            let lifetime = self.lifetime(&row);
            let share = row.number("share", &mut self.diags);
            let (Some(facility), Some(country), Some(sector), Some(commodity), Some(lifetime)) =
                (facility, country, sector, commodity, lifetime)
            else {
                continue;
            };
            let Ok(Some(share)) = share else {
                continue;
            };
            self.end_of_life.push(EndOfLife {
                facility,
                country,
                sector,
                commodity,
                lifetime,
                share,
                line: row.line,
            });
        }
    }

    /// A lifetime of at least one whole year.
    fn lifetime(&mut self, row: &Row) -> Option<u32> {
        match whole_years(row, "lifetime", &mut self.diags) {
            Some(0) => {
                let msg = "expected a lifetime of at least 1 year, found 0";
                row.error(&mut self.diags, "lifetime", msg);
                None
            }
            years => years,
        }
    }
}
