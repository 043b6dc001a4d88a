//! Trade policies and contracts: tariff measures, export controls, and the
//! offtakes and credits that bind or pay one facility.

use serde::Serialize;

use super::{CommoditySet, CountryId, CountrySet, FacilityId, PeriodId, PeriodSet, Scope};

/// A tariff measure. Measures matching the same flow add up.
#[derive(Debug, Clone, Serialize)]
pub struct Tariff {
    /// Name shown in reports.
    pub name: String,
    /// Importing countries.
    pub importer: CountrySet,
    /// Exporting countries.
    pub exporter: CountrySet,
    /// Goods covered.
    pub goods: CommoditySet,
    /// Rate on the reference value (0.25 = 25%).
    pub ad_valorem: f64,
    /// $/t on top.
    pub specific: f64,
    /// When it applies.
    pub periods: PeriodSet,
}

/// An export control: the most tonnes per year that may leave the exporters
/// for the destinations (0 = ban).
#[derive(Debug, Clone, Serialize)]
pub struct ExportControl {
    /// Id used in reports.
    pub id: String,
    /// Exporting countries.
    pub exporter: CountrySet,
    /// Goods covered.
    pub goods: CommoditySet,
    /// Destination countries.
    pub destination: CountrySet,
    /// Tonnes per year.
    pub cap: f64,
    /// When it applies.
    pub periods: PeriodSet,
    /// The sector whose supply it limits (`None`: every use). A direct
    /// control with an end use caps what the exporters ship straight to
    /// that sector's demand in the destinations.
    pub end_use: Option<String>,
    /// Direct shipments, or every tonne of the exporters' origin.
    pub scope: Scope,
    /// Line in `export_controls.csv`.
    pub line: u64,
}

/// What a contract or policy instrument does to a facility.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ContractKind {
    /// A buyer takes `share` of the facility's usable capacity each year it
    /// is in force (a guaranteed purchase, a take-or-pay offtake): the
    /// facility runs at least that much, or pays `penalty` per unit short.
    Offtake {
        /// Share of usable capacity, in [0, 1].
        share: f64,
        /// $ per unit of activity not run.
        penalty: f64,
    },
    /// A payment per unit of activity (a production credit, or a price
    /// floor paid as a per-tonne top-up).
    Credit {
        /// $ per unit of activity.
        per_unit: f64,
    },
}

/// A row of `contracts.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct Contract {
    /// Id used in reports.
    pub id: String,
    /// The facility it binds or pays.
    pub facility: FacilityId,
    /// What it does.
    pub kind: ContractKind,
    /// When it applies.
    pub periods: PeriodSet,
    /// For an offtake whose buyer is in given countries: those countries.
    /// The taken share must then be delivered there (to their markets or
    /// facilities), not only made.
    pub buyer: Option<CountrySet>,
    /// Line in `contracts.csv`.
    pub line: u64,
}

/// A supplier cut off from its buyers (what `rareflow stress` tries): from
/// period `from` on, nothing ships from it across a border into `importer`
/// (into any other country when none). Only direct shipments are cut:
/// material the supplier sold to a third country may still reach the
/// importer from there.
#[derive(Debug, Clone, Serialize)]
pub struct Cutoff {
    /// Who is cut off.
    pub supplier: Supplier,
    /// From whom (none: every other country).
    pub importer: Option<CountryId>,
    /// The first period it holds in.
    pub from: PeriodId,
    /// Only these goods (none: every good).
    pub goods: Option<CommoditySet>,
}

/// A supplier: a country (every facility in it) or one facility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Supplier {
    /// Every facility of a country.
    Country(CountryId),
    /// One facility.
    Facility(FacilityId),
}
