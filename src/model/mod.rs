//! The validated model: plain data, every reference resolved to an index.
//!
//! Nothing here reads files (that is the `io` module) or knows about the
//! network or the LP (the `network` and `formulation` modules). Every table
//! is sorted by its id, so any loop over it is in a fixed order and reruns
//! build the same LP.
//!
//! This file holds [`Model`] and what it computes from its tables
//! (discounting, availability of candidates, tariffs). The tables' rows live
//! beside it, all re-exported here: index types and id sets (`ids`),
//! settings and periods (`settings`), countries, commodities and processes
//! (`catalog`), facilities and portfolios (`facilities`), lanes and demand
//! (`markets`), tariffs and export controls (`policies`), end-of-life scrap
//! and swarf (`scrap`); the columns of
//! every file are in [`schema`].

pub mod schema;

mod catalog;
mod facilities;
mod ids;
mod markets;
mod policies;
mod rules;
mod scrap;
mod settings;
mod stocks;

use serde::Serialize;

pub use catalog::{Commodity, Country, Process, Stage};
pub use facilities::{Facility, Portfolio, PortfolioMode, Status, PORTFOLIO_ALL, PORTFOLIO_NONE};
pub use ids::{
    CommodityId, CommoditySet, CountryId, CountrySet, FacilityId, IdSet, Index, PeriodId,
    PeriodSet, ProcessId, ALL,
};
pub use markets::{
    curve_tiers, Curve, Demand, Endpoint, LaneSpec, Tier, TransportRate, CURVE_STEPS,
    CURVE_STEPS_BELOW,
};
pub use policies::{Contract, ContractKind, Cutoff, ExportControl, Supplier, Tariff};
pub use rules::{ContentRule, Limit, Scope, StageSet, MAX_SIGNATURES, RULE_STAGES};
pub use scrap::{EndOfLife, Swarf};
pub use settings::{Period, Settings};
pub use stocks::Stockpile;

/// A whole model, validated.
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    /// `model.toml`.
    pub settings: Settings,
    /// The horizon, in order.
    pub periods: Vec<Period>,
    /// Sorted by code.
    pub countries: Vec<Country>,
    /// Sorted by id.
    pub commodities: Vec<Commodity>,
    /// Sorted by id.
    pub processes: Vec<Process>,
    /// Sorted by id.
    pub facilities: Vec<Facility>,
    /// Explicit lanes, in file order.
    pub lanes: Vec<LaneSpec>,
    /// Region-to-region transport costs.
    pub transport: Vec<TransportRate>,
    /// Sorted by (country, sector, commodity, period).
    pub demand: Vec<Demand>,
    /// In file order.
    pub tariffs: Vec<Tariff>,
    /// In file order.
    pub export_controls: Vec<ExportControl>,
    /// In file order.
    pub contracts: Vec<Contract>,
    /// In file order.
    pub end_of_life: Vec<EndOfLife>,
    /// In file order.
    pub swarf: Vec<Swarf>,
    /// In file order.
    pub content_rules: Vec<ContentRule>,
    /// Sorted by name.
    pub portfolios: Vec<Portfolio>,
    /// In file order.
    pub stockpiles: Vec<Stockpile>,
    /// Suppliers cut off from buyers (none in a model's files: `rareflow
    /// stress` sets them, one set per case).
    pub cutoffs: Vec<Cutoff>,
}

impl Model {
    /// Whether a shipment of `good` from facility `from` into `to` in
    /// period `t` is cut off ([`Cutoff`]); never within a country.
    pub fn is_cut_off(
        &self,
        from: FacilityId,
        to: CountryId,
        good: CommodityId,
        t: PeriodId,
    ) -> bool {
        let exporter = self.facilities[from.0].country;
        exporter != to
            && self.cutoffs.iter().any(|c| {
                let who = match c.supplier {
                    Supplier::Country(k) => k == exporter,
                    Supplier::Facility(f) => f == from,
                };
                who && c.importer.is_none_or(|m| m == to)
                    && t >= c.from
                    && c.goods.as_ref().is_none_or(|g| g.contains(good))
            })
    }

    /// Present-value weight of one year at the rate of period `t`: the sum of
    /// the discount factors of its years.
    pub fn period_weight(&self, t: PeriodId) -> f64 {
        self.periods[t.0]
            .calendar_years()
            .map(|y| self.discount_factor(y))
            .sum()
    }

    /// Discount factor of calendar year `year`.
    pub fn discount_factor(&self, year: i32) -> f64 {
        (1.0 + self.settings.discount_rate).powi(-(year - self.settings.base_year))
    }

    /// Present value of a facility's fixed costs over the horizon (a constant
    /// of the plan: paid in every year the facility is available).
    pub fn fixed_cost_pv(&self, f: FacilityId) -> f64 {
        let fac = &self.facilities[f.0];
        if fac.fixed_cost == 0.0 {
            return 0.0;
        }
        self.periods
            .iter()
            .flat_map(Period::calendar_years)
            .filter(|&y| fac.availability_in_year(y) > 0.0)
            .map(|y| fac.fixed_cost * self.discount_factor(y))
            .sum()
    }

    /// The codes of the countries with demand, sorted.
    pub fn demand_countries(&self) -> Vec<String> {
        let mut codes: Vec<String> = self
            .demand
            .iter()
            .map(|d| self.countries[d.country.0].code.clone())
            .collect();
        codes.sort();
        codes.dedup();
        codes
    }

    /// Demand segments grouped by market and period, sorted by
    /// (country, commodity, period). Only markets with demand appear.
    pub fn demand_by_market(
        &self,
    ) -> std::collections::BTreeMap<(CountryId, CommodityId, PeriodId), Vec<usize>> {
        let mut m: std::collections::BTreeMap<_, Vec<usize>> = Default::default();
        for (d, seg) in self.demand.iter().enumerate() {
            m.entry((seg.country, seg.commodity, seg.period))
                .or_default()
                .push(d);
        }
        m
    }

    /// Periods in which candidate `f` may start operating: from the first
    /// year of the horizon plus its lead time (and not before its online
    /// year, when it has one) to the end of the horizon.
    pub fn start_periods(&self, f: FacilityId) -> Vec<PeriodId> {
        let fac = &self.facilities[f.0];
        let Some(first) = self.periods.first() else {
            return Vec::new();
        };
        let earliest =
            (first.start + fac.lead_years as i32).max(fac.online_year.unwrap_or(i32::MIN));
        self.period_ids()
            .filter(|t| self.periods[t.0].start >= earliest)
            .collect()
    }

    /// Mean availability in period `t` of candidate `f` started in `start`.
    pub fn availability_if_started(&self, f: FacilityId, start: PeriodId, t: PeriodId) -> f64 {
        let fac = &self.facilities[f.0];
        let s = self.periods[start.0].start;
        let p = &self.periods[t.0];
        let sum: f64 = p
            .calendar_years()
            .map(|y| fac.availability_if_started(s, y))
            .sum();
        sum / f64::from(p.years)
    }

    /// Present value of building candidate `f` to start in `start`: its
    /// capital cost discounted from the start year (a lump sum), plus its
    /// fixed costs in every year it is available.
    pub fn build_cost_pv(&self, f: FacilityId, start: PeriodId) -> f64 {
        let fac = &self.facilities[f.0];
        let s = self.periods[start.0].start;
        let fixed: f64 = self
            .periods
            .iter()
            .flat_map(Period::calendar_years)
            .filter(|&y| fac.availability_if_started(s, y) > 0.0)
            .map(|y| fac.fixed_cost * self.discount_factor(y))
            .sum();
        fac.build_cost * self.discount_factor(s) + fixed
    }

    /// Period ids in order.
    pub fn period_ids(&self) -> impl Iterator<Item = PeriodId> {
        (0..self.periods.len()).map(PeriodId)
    }

    /// Country of an endpoint.
    pub fn endpoint_country(&self, e: Endpoint) -> CountryId {
        match e {
            Endpoint::Facility(f) => self.facilities[f.0].country,
            Endpoint::Market(c) => c,
        }
    }

    /// Display name of an endpoint: a facility id, or `market:CC`.
    pub fn endpoint_name(&self, e: Endpoint) -> String {
        match e {
            Endpoint::Facility(f) => self.facilities[f.0].id.clone(),
            Endpoint::Market(c) => format!("market:{}", self.countries[c.0].code),
        }
    }

    /// Sum of the tariffs on one tonne of `c` shipped from `exporter` to
    /// `importer` in period `t`, $/t. Zero within a country; matching measures
    /// add up.
    pub fn tariff_per_tonne(
        &self,
        exporter: CountryId,
        importer: CountryId,
        c: CommodityId,
        t: PeriodId,
    ) -> f64 {
        let ref_value = self.commodities[c.0].ref_value;
        (self.tariffs_on(exporter, importer, c, t))
            .map(|m| m.ad_valorem * ref_value + m.specific)
            .sum()
    }

    /// The tariff measures on `c` shipped from `exporter` to `importer` in
    /// period `t`, in file order; none within a country.
    pub fn tariffs_on(
        &self,
        exporter: CountryId,
        importer: CountryId,
        c: CommodityId,
        t: PeriodId,
    ) -> impl Iterator<Item = &Tariff> {
        (self.tariffs.iter()).filter(move |m| {
            exporter != importer
                && m.importer.contains(importer)
                && m.exporter.contains(exporter)
                && m.goods.contains(c)
                && m.periods.contains(t)
        })
    }
}
