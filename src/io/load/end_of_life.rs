//! `end_of_life.csv`: collectors of end-of-life scrap, each bounded by a
//! share of what a market received a lifetime before.

use super::facilities::whole_years;
use super::Builder;
use crate::io::table::{RawTable, Row};
use crate::model::{EndOfLife, FacilityId, Status};

impl Builder {
    /// `end_of_life.csv`, in file order.
    pub(super) fn end_of_life(&mut self, t: &RawTable) {
        for row in t.rows() {
            let facility = self.collector(&row);
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

    /// The collector: a facility of facilities.csv that is not a candidate
    /// (the rows bound its activity, and a candidate's activity is bounded
    /// by its build).
    fn collector(&mut self, row: &Row) -> Option<FacilityId> {
        let id = row.text("facility", &mut self.diags)?;
        let msg = match self.facility_ix.get(&id) {
            Some(&f) if self.facilities[f].status != Status::Candidate => {
                return Some(FacilityId(f));
            }
            Some(_) => format!(
                "facility \"{id}\" is a candidate; end-of-life scrap returns to a facility that \
                 exists (status operating, construction, planned or closed)"
            ),
            None => format!("expected a facility id from facilities.csv, found \"{id}\""),
        };
        row.error(&mut self.diags, "facility", msg);
        None
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
