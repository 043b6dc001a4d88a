//! Rules that follow the material: which demand may not take material that
//! went through which countries at which stages (`content_rules.csv`), and
//! the end use an export control applies to (`export_controls.csv`).

use serde::Serialize;

use super::{CommoditySet, CountryId, CountrySet, Model, PeriodSet};

/// The stages a rule can name, upstream first: where material was mined,
/// separated, made into metal (refined, melted) and made into magnets
/// (produced). The same stages as the dependency report.
pub const RULE_STAGES: [&str; 4] = ["mined", "separated", "metal", "magnet"];

/// The most distinct origin signatures a model may name: the (origin, stages)
/// of its content rules and the exporters of its export controls with scope
/// `origin`. The LP tracks material in one class per subset of signatures
/// it is tainted under, so at most 2^4 = 16 origin classes.
pub const MAX_SIGNATURES: usize = 4;

/// A set of [`RULE_STAGES`], one bit per stage (bit 0: mined).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct StageSet(pub u8);

impl StageSet {
    /// Every stage.
    pub const ALL: StageSet = StageSet(0b1111);

    /// Does the set hold stage `s` (an index into [`RULE_STAGES`])?
    pub fn contains(self, s: usize) -> bool {
        self.0 & (1 << s) != 0
    }

    /// The stages' names, separated by spaces.
    pub fn label(self) -> String {
        let names: Vec<&str> = (0..RULE_STAGES.len())
            .filter(|&s| self.contains(s))
            .map(|s| RULE_STAGES[s])
            .collect();
        names.join(" ")
    }
}

/// How much tainted material a rule lets through.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Limit {
    /// At most this share of what the demand receives (0: none at all).
    Share(f64),
    /// At most these tonnes per year, summed over every demand the rule
    /// covers (an export control that follows its material).
    Tonnes(f64),
}

/// A row of `content_rules.csv`: demand in `market` (of `sector`, for
/// `goods`) may take at most `max_share` of material that was handled in a
/// country of `origin` at one of `stages`.
#[derive(Debug, Clone, Serialize)]
pub struct ContentRule {
    /// Id used in reports.
    pub id: String,
    /// Demand countries it protects.
    pub market: CountrySet,
    /// The sector it protects (`None`: every sector).
    pub sector: Option<String>,
    /// Demand commodities it covers.
    pub goods: CommoditySet,
    /// Countries whose handling taints material.
    pub origin: CountrySet,
    /// The stages at which they taint it.
    pub stages: StageSet,
    /// Share of tainted material allowed, in [0, 1] (0: a ban).
    pub max_share: f64,
    /// With a premium, $/t, the rule is the covered buyers' preference
    /// rather than a limit: they may take tainted material beyond
    /// `max_share`, each tonne beyond it costing them `premium` (what they
    /// would pay more for material of another origin).
    pub premium: Option<f64>,
    /// When it applies.
    pub periods: PeriodSet,
    /// Line in `content_rules.csv`.
    pub line: u64,
}

/// Where an export control applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Shipments leaving the exporters for the destinations.
    Direct,
    /// Every tonne reaching the destinations' demand that was mined,
    /// separated, made into metal or made into magnets in an exporting
    /// country, through whatever third countries it went (an end-use
    /// control that follows its material, such as a ban on military use of
    /// Chinese rare earths abroad).
    Origin,
}

impl ContentRule {
    /// Does the rule cover demand of `sector` for `good` in `country`?
    /// (`None`: sectors the rule does not name, together; only a rule on
    /// every sector covers them.)
    pub fn covers(
        &self,
        country: CountryId,
        sector: Option<&str>,
        good: super::CommodityId,
    ) -> bool {
        self.market.contains(country)
            && self.goods.contains(good)
            && self.sector.as_deref().is_none_or(|s| Some(s) == sector)
    }
}

impl Model {
    /// The sectors named in `demand.csv`, sorted.
    pub fn sectors(&self) -> Vec<&str> {
        let mut s: Vec<&str> = self.demand.iter().map(|d| d.sector.as_str()).collect();
        s.sort_unstable();
        s.dedup();
        s
    }
}
