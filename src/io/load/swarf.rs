//! `swarf.csv`: collectors of production scrap, each bounded by a share of
//! what the makers it names made in the same year.

use std::collections::BTreeMap;

use super::Builder;
use crate::io::table::RawTable;
use crate::model::Swarf;

impl Builder {
    /// `swarf.csv`, in file order. Each maker's swarf goes to one row: a
    /// row that names a maker an earlier row named is refused, so no tonne
    /// of swarf is counted twice.
    pub(super) fn swarf(&mut self, t: &RawTable) {
        // The line of the row that named each maker.
        let mut named: BTreeMap<usize, u64> = BTreeMap::new();
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
            let swarf = Swarf {
                facility,
                countries,
                process,
                share,
                line: row.line,
            };
            let makers: Vec<usize> = (self.facilities.iter().enumerate())
                .filter(|(_, g)| swarf.cuts(g))
                .map(|(g, _)| g)
                .collect();
            if let Some((g, line)) = makers.iter().find_map(|g| Some((*g, *named.get(g)?))) {
                let id = &self.facilities[g].id;
                let msg = format!(
                    "facility \"{id}\" cuts swarf that line {line} already counts; each \
                     maker's swarf goes to one row"
                );
                row.error(&mut self.diags, "country", msg);
                continue;
            }
            named.extend(makers.into_iter().map(|g| (g, row.line)));
            self.swarf.push(swarf);
        }
    }
}
