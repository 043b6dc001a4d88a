//! Where material goes: the lanes it moves on (written or costed by region)
//! and the demand segments it serves.

use serde::Serialize;

use super::{CommodityId, CountryId, FacilityId, PeriodId};

/// Where a lane ends: a facility, or a country's market for demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Endpoint {
    /// A facility that uses the commodity.
    Facility(FacilityId),
    /// The demand of a country.
    Market(CountryId),
}

/// A lane written in `lanes.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct LaneSpec {
    /// Producing facility.
    pub from: FacilityId,
    /// Consuming facility or market.
    pub to: Endpoint,
    /// What it carries.
    pub commodity: CommodityId,
    /// Transport cost, $/t.
    pub cost: f64,
    /// Most tonnes per year, none = unlimited.
    pub capacity: Option<f64>,
    /// Line in `lanes.csv`.
    pub line: u64,
}

/// A row of `transport.csv`: the cost of moving goods between two regions.
#[derive(Debug, Clone, Serialize)]
pub struct TransportRate {
    /// Origin region.
    pub from_region: String,
    /// Destination region.
    pub to_region: String,
    /// A commodity id, a stage, or `all`.
    pub applies_to: String,
    /// $/t.
    pub cost: f64,
}

/// A demand segment: one country's sector needing a commodity in a period.
#[derive(Debug, Clone, Serialize)]
pub struct Demand {
    /// Where.
    pub country: CountryId,
    /// Which sector (ev, wind, defence...).
    pub sector: String,
    /// What.
    pub commodity: CommodityId,
    /// When.
    pub period: PeriodId,
    /// Tonnes per year.
    pub tonnes: f64,
    /// $/t for each tonne not delivered.
    pub shortage_penalty: f64,
    /// Line in `demand.csv`.
    pub line: u64,
}
