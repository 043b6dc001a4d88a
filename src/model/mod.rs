//! The validated model: plain data, every reference resolved to an index.
//!
//! Nothing here reads files (that is [`crate::io`]) or knows about the LP
//! (that is [`crate::formulation`]). Every table is sorted by its id, so any
//! loop over it is in a fixed order and reruns build the same LP.

pub mod schema;

use serde::Serialize;

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub struct $name(pub usize);

        impl Index for $name {
            fn index(self) -> usize {
                self.0
            }
        }
    };
}

index_type!(
    /// Index into [`Model::countries`].
    CountryId
);
index_type!(
    /// Index into [`Model::commodities`].
    CommodityId
);
index_type!(
    /// Index into [`Model::processes`].
    ProcessId
);
index_type!(
    /// Index into [`Model::facilities`].
    FacilityId
);
index_type!(
    /// Index into [`Model::periods`].
    PeriodId
);

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

/// A country (or economy).
#[derive(Debug, Clone, Serialize)]
pub struct Country {
    /// ISO code, e.g. `CN`.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Transport region, used by `transport.csv`.
    pub region: String,
    /// Groups it belongs to, e.g. `feoc`.
    pub groups: Vec<String>,
}

/// Stage of a commodity in the chain, upstream first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Run-of-mine ore.
    Ore,
    /// Mineral concentrate.
    Concentrate,
    /// Mixed rare-earth compound (carbonate, chloride...).
    MixedCompound,
    /// Separated oxide.
    Oxide,
    /// Metal.
    Metal,
    /// Alloy.
    Alloy,
    /// Permanent magnet.
    Magnet,
    /// Scrap for recycling.
    Scrap,
}

impl Stage {
    /// Parses the word used in `commodities.csv`.
    pub fn parse(s: &str) -> Option<Stage> {
        Some(match s {
            "ore" => Stage::Ore,
            "concentrate" => Stage::Concentrate,
            "mixed-compound" => Stage::MixedCompound,
            "oxide" => Stage::Oxide,
            "metal" => Stage::Metal,
            "alloy" => Stage::Alloy,
            "magnet" => Stage::Magnet,
            "scrap" => Stage::Scrap,
            _ => return None,
        })
    }

    /// The word used in the data files.
    pub fn as_str(self) -> &'static str {
        schema::STAGES[self as usize]
    }
}

/// A material.
#[derive(Debug, Clone, Serialize)]
pub struct Commodity {
    /// Id used in the data files.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Stage.
    pub stage: Stage,
    /// Unit of quantity (default `t`).
    pub unit: String,
    /// Customs value, $/t, used for ad-valorem tariffs.
    pub ref_value: f64,
    /// Cost of disposing of one unit of surplus, $/t (may be negative for a
    /// by-product that sells outside the model).
    pub disposal_cost: f64,
}

/// A recipe: coefficients per unit of activity (negative = input).
#[derive(Debug, Clone, Serialize)]
pub struct Process {
    /// Id used in the data files.
    pub id: String,
    /// (commodity, coefficient), sorted by commodity; never two for one commodity.
    pub terms: Vec<(CommodityId, f64)>,
}

impl Process {
    /// The coefficient of `c`, 0 when the recipe does not mention it.
    pub fn coef(&self, c: CommodityId) -> f64 {
        self.terms
            .iter()
            .find(|(k, _)| *k == c)
            .map_or(0.0, |(_, v)| *v)
    }

    /// Commodities the recipe produces.
    pub fn outputs(&self) -> impl Iterator<Item = CommodityId> + '_ {
        self.terms.iter().filter(|t| t.1 > 0.0).map(|t| t.0)
    }

    /// Commodities the recipe consumes.
    pub fn inputs(&self) -> impl Iterator<Item = CommodityId> + '_ {
        self.terms.iter().filter(|t| t.1 < 0.0).map(|t| t.0)
    }
}

/// Lifecycle status of a facility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Running.
    Operating,
    /// Being built; available from its online year.
    Construction,
    /// Announced; available from its online year.
    Planned,
    /// Could be built; not available unless a build decision is taken.
    Candidate,
    /// Shut; never available.
    Closed,
}

impl Status {
    /// Parses the word used in `facilities.csv`.
    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "operating" => Status::Operating,
            "construction" => Status::Construction,
            "planned" => Status::Planned,
            "candidate" => Status::Candidate,
            "closed" => Status::Closed,
            _ => return None,
        })
    }
}

/// A site that runs one process.
#[derive(Debug, Clone, Serialize)]
pub struct Facility {
    /// Id used in the data files.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Owner or operator.
    pub operator: String,
    /// Where it is.
    pub country: CountryId,
    /// What it does.
    pub process: ProcessId,
    /// Activity units per year at full availability.
    pub capacity: f64,
    /// Lifecycle status.
    pub status: Status,
    /// First year of operation (none: available from the start).
    pub online_year: Option<i32>,
    /// First year it no longer operates.
    pub closure_year: Option<i32>,
    /// Availability in the first years after `online_year`; 1 afterwards.
    pub ramp_up: Vec<f64>,
    /// $ per unit of activity.
    pub variable_cost: f64,
    /// $ per year while available.
    pub fixed_cost: f64,
    /// Capital cost of building a candidate, $ (charged in its start year).
    pub build_cost: f64,
    /// Years from the start of the horizon before a candidate can operate.
    pub lead_years: u32,
    /// Years a built candidate operates (none: to the end of the horizon).
    pub lifetime: Option<u32>,
    /// Line in `facilities.csv`.
    pub line: u64,
}

impl Facility {
    /// Share of capacity usable in calendar year `year`.
    pub fn availability_in_year(&self, year: i32) -> f64 {
        match self.status {
            Status::Candidate | Status::Closed => return 0.0,
            _ => {}
        }
        if self.closure_year.is_some_and(|c| year >= c) {
            return 0.0;
        }
        match self.online_year {
            None => 1.0,
            Some(on) if year < on => 0.0,
            Some(on) => self
                .ramp_up
                .get((year - on) as usize)
                .copied()
                .unwrap_or(1.0),
        }
    }

    /// Share of capacity usable in `year` by a candidate that starts
    /// operating in `start`: its ramp-up from the start, to the end of its
    /// lifetime or its closure year.
    pub fn availability_if_started(&self, start: i32, year: i32) -> f64 {
        if year < start
            || self.closure_year.is_some_and(|c| year >= c)
            || self.lifetime.is_some_and(|l| year >= start + l as i32)
        {
            return 0.0;
        }
        self.ramp_up
            .get((year - start) as usize)
            .copied()
            .unwrap_or(1.0)
    }

    /// Mean availability over the years of `period`.
    pub fn availability(&self, period: &Period) -> f64 {
        let sum: f64 = period
            .calendar_years()
            .map(|y| self.availability_in_year(y))
            .sum();
        sum / f64::from(period.years)
    }
}

/// The built-in portfolio that builds no candidate.
pub const PORTFOLIO_NONE: &str = "none";
/// The built-in portfolio that lets the plan build any candidate (the default).
pub const PORTFOLIO_ALL: &str = "all";

/// How a portfolio treats a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PortfolioMode {
    /// Must be built.
    Force,
    /// May be built.
    Allow,
}

/// A named set of candidates to build (forced) or consider (allowed).
#[derive(Debug, Clone, Serialize)]
pub struct Portfolio {
    /// Name used with `--portfolio`.
    pub name: String,
    /// Candidates and how each is treated, sorted by facility.
    pub members: Vec<(FacilityId, PortfolioMode)>,
}

/// The word that stands for every country, commodity or period.
pub const ALL: &str = "all";

/// An index type: a position in one of the model's tables.
pub trait Index: Copy {
    /// The position.
    fn index(self) -> usize;
}

/// A set of ids of one kind, as written in the data: countries (a country,
/// a group, or `all`), commodities (ids, stages, or `all`) or periods.
#[derive(Debug, Clone, Serialize)]
pub struct IdSet<I> {
    /// As written in the data.
    pub label: String,
    /// Membership per index.
    #[serde(skip)]
    members: Vec<bool>,
    #[serde(skip)]
    kind: std::marker::PhantomData<I>,
}

impl<I: Index> IdSet<I> {
    /// A set from its label and its membership per index.
    pub fn new(label: String, members: Vec<bool>) -> Self {
        IdSet {
            label,
            members,
            kind: std::marker::PhantomData,
        }
    }

    /// Does the set hold `id`?
    pub fn contains(&self, id: I) -> bool {
        self.members[id.index()]
    }
}

/// A set of countries.
pub type CountrySet = IdSet<CountryId>;
/// A set of commodities.
pub type CommoditySet = IdSet<CommodityId>;
/// A set of periods.
pub type PeriodSet = IdSet<PeriodId>;

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
    /// Sorted by name.
    pub portfolios: Vec<Portfolio>,
}

impl Model {
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
        if exporter == importer {
            return 0.0;
        }
        let ref_value = self.commodities[c.0].ref_value;
        self.tariffs
            .iter()
            .filter(|m| {
                m.importer.contains(importer)
                    && m.exporter.contains(exporter)
                    && m.goods.contains(c)
                    && m.periods.contains(t)
            })
            .map(|m| m.ad_valorem * ref_value + m.specific)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facility(status: Status, online: Option<i32>, ramp: Vec<f64>) -> Facility {
        Facility {
            id: "f".into(),
            name: String::new(),
            operator: String::new(),
            country: CountryId(0),
            process: ProcessId(0),
            capacity: 100.0,
            status,
            online_year: online,
            closure_year: Some(2031),
            ramp_up: ramp,
            variable_cost: 0.0,
            fixed_cost: 0.0,
            build_cost: 0.0,
            lead_years: 0,
            lifetime: None,
            line: 0,
        }
    }

    #[test]
    fn availability_follows_online_year_ramp_and_closure() {
        let f = facility(Status::Construction, Some(2027), vec![0.25, 0.5]);
        let got: Vec<f64> = (2026..=2031).map(|y| f.availability_in_year(y)).collect();
        assert_eq!(got, vec![0.0, 0.25, 0.5, 1.0, 1.0, 0.0]);
        let p = Period {
            label: "2026-29".into(),
            start: 2026,
            years: 4,
        };
        assert!((f.availability(&p) - (0.0 + 0.25 + 0.5 + 1.0) / 4.0).abs() < 1e-12);
    }

    #[test]
    fn a_candidate_ramps_up_from_its_start_and_retires_after_its_lifetime() {
        let mut f = facility(Status::Candidate, None, vec![0.5]);
        f.lifetime = Some(3);
        f.closure_year = None;
        let got: Vec<f64> = (2027..=2032)
            .map(|y| f.availability_if_started(2028, y))
            .collect();
        assert_eq!(got, vec![0.0, 0.5, 1.0, 1.0, 0.0, 0.0]);
    }

    #[test]
    fn candidates_and_closed_sites_are_never_available() {
        for s in [Status::Candidate, Status::Closed] {
            assert_eq!(facility(s, None, vec![]).availability_in_year(2026), 0.0);
        }
    }

    #[test]
    fn stage_words_round_trip() {
        for w in schema::STAGES {
            assert_eq!(Stage::parse(w).unwrap().as_str(), *w);
        }
    }
}
