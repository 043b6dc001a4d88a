//! End-of-life scrap: magnets sold in one year come back as scrap a
//! lifetime later, and a collector gathers no more than came back.

use serde::Serialize;

use super::{CommodityId, CountryId, FacilityId};

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
