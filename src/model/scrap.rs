//! Scrap that grows with the plan: magnets sold in one year come back as
//! scrap a lifetime later (end of life), and making magnets cuts swarf off
//! the blanks (production scrap); a collector gathers no more than came
//! back or was cut.

use serde::Serialize;

use super::{CommodityId, CountryId, CountrySet, Facility, FacilityId, ProcessId};

/// A row of `end_of_life.csv`: a share of what `country`'s buyers in
/// `sector` received of `commodity` returns as scrap to `facility`
/// `lifetime` years later.
#[derive(Debug, Clone, Serialize)]
pub struct EndOfLife {
    /// The collector: its activity in a year is at most the scrap that
    /// returns to it that year.
    pub facility: FacilityId,
    /// The market whose deliveries return.
    pub country: CountryId,
    /// The sector whose deliveries return (none: every sector).
    pub sector: Option<String>,
    /// What was delivered.
    pub commodity: CommodityId,
    /// Years from delivery to return (>= 1).
    pub lifetime: u32,
    /// Tonnes of scrap collected per tonne delivered.
    pub share: f64,
    /// Line in `end_of_life.csv`.
    pub line: u64,
}

/// A row of `swarf.csv`: every facility running `process` in `countries`
/// cuts `share` t of swarf per unit of its activity, gathered by the
/// collector `facility` in the same year.
#[derive(Debug, Clone, Serialize)]
pub struct Swarf {
    /// The collector: its activity in a year is at most the swarf cut that
    /// year by the makers its rows name.
    pub facility: FacilityId,
    /// Where the makers are.
    pub countries: CountrySet,
    /// What the makers run.
    pub process: ProcessId,
    /// Tonnes of swarf per unit of the makers' activity.
    pub share: f64,
    /// Line in `swarf.csv`.
    pub line: u64,
}

impl Swarf {
    /// Does `facility` cut swarf for this row (it runs the row's process in
    /// one of its countries)?
    pub fn cuts(&self, facility: &Facility) -> bool {
        facility.process == self.process && self.countries.contains(facility.country)
    }
}
