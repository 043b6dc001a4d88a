//! `swarf.csv`: collectors of production scrap, each bounded by a share of
//! what the makers it names made in the same year.

use super::Builder;
use crate::io::table::RawTable;
use crate::model::Swarf;

impl Builder {
    /// `swarf.csv`, in file order.
    pub(super) fn swarf(&mut self, t: &RawTable) {
        for row in t.rows() {
            let facility = self.existing_facility(&row, "swarf goes to");
            let countries = self.country_set(&row, "country");
            let process = self.process_of(&row);
            let share = row.number("share", &mut self.diags);
            let (Some(facility), Some(countries), Some(process), Ok(Some(share))) =
                (facility, countries, process, share)
            else {
                continue;
            };
            if self.facilities[facility.0].process == process {
                let id = &self.facilities[facility.0].id;
                let msg = format!(
                    "facility \"{id}\" runs this process itself; a collector gathers \
                     the swarf of other facilities"
                );
                row.error(&mut self.diags, "process", msg);
                continue;
            }
            self.swarf.push(Swarf {
                facility,
                countries,
                process,
                share,
                line: row.line,
            });
        }
    }
}
