//! Stockpiles: stocks of one commodity held at a facility or by a country,
//! carried from period to period.

use serde::Serialize;

use super::{CommodityId, Endpoint, PeriodSet};

/// A row of `stockpiles.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct Stockpile {
    /// Id used in reports.
    pub id: String,
    /// Where it is held: at a facility (it takes from and gives back to
    /// the facility's balance of the commodity), or by a country (in its
    /// market for the commodity: released only to that country's demand).
    pub holder: Endpoint,
    /// What it holds.
    pub commodity: CommodityId,
    /// Tonnes in stock before the first period.
    pub initial: f64,
    /// Most tonnes in stock (none: no limit).
    pub capacity: Option<f64>,
    /// $ per tonne in stock per year.
    pub holding_cost: f64,
    /// Most tonnes per year put into stock (none: no limit).
    pub max_build: Option<f64>,
    /// Most tonnes per year taken out (none: no limit).
    pub max_release: Option<f64>,
    /// Periods in which it may be released (a strategic stock released
    /// only in named futures: none here, and a scenario opens them).
    pub release_periods: PeriodSet,
    /// At a facility split by origin class: whether its material is clean
    /// (the class of what the facility makes from clean inputs) rather than
    /// tainted in every way that matters there.
    pub clean: bool,
    /// $ per tonne left in stock at the end of the last period, counted as
    /// a credit in the last year's money (what the holder would pay to buy
    /// it back; 0: stock left at the end is worth nothing).
    pub final_value: f64,
    /// Line in `stockpiles.csv`.
    pub line: u64,
}

impl Stockpile {
    /// Most tonnes a year taken out in period `t` (none: no limit): none
    /// outside its release periods.
    pub fn most_out(&self, t: super::PeriodId) -> Option<f64> {
        if self.release_periods.contains(t) {
            self.max_release
        } else {
            Some(0.0)
        }
    }
}
