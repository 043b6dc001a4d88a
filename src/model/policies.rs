//! Trade policies: tariff measures and export controls.

use serde::Serialize;

use super::{CommoditySet, CountrySet, PeriodSet};

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
}
