//! The model's settings and its horizon, as read from `model.toml`.

use serde::Serialize;

/// Settings from `model.toml`.
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    /// Short name of the model.
    pub name: String,
    /// One-paragraph description.
    pub description: String,
    /// Currency of every money figure (default `USD`).
    pub currency: String,
    /// Year that costs are discounted to.
    pub base_year: i32,
    /// Annual discount rate (0.05 = 5%).
    pub discount_rate: f64,
    /// Default shortage penalty, $/t, for demand rows without their own.
    pub shortage_penalty: f64,
    /// Most capital (undiscounted $) all builds may spend over the horizon.
    pub build_budget: Option<f64>,
    /// Most capital (undiscounted $) the builds starting in one period may spend.
    pub build_budget_per_period: Option<f64>,
    /// Fewest candidates to build.
    pub min_builds: Option<u32>,
    /// Most candidates to build.
    pub max_builds: Option<u32>,
}

/// One planning period: `years` identical years starting at `start`.
#[derive(Debug, Clone, Serialize)]
pub struct Period {
    /// Label used in the data files and outputs.
    pub label: String,
    /// First calendar year.
    pub start: i32,
    /// Length in years (>= 1).
    pub years: u32,
}

impl Period {
    /// The calendar years the period covers.
    pub fn calendar_years(&self) -> impl Iterator<Item = i32> {
        self.start..self.start + self.years as i32
    }
}
