//! Where the LP needs origin layers and deliveries by sector: computed from
//! the model and its network alone, before any column exists, so that the
//! formulation, verification and the trace agree on one layout.

use std::collections::BTreeMap;

use crate::model::{
    CommodityId, CountryId, CountrySet, Endpoint, FacilityId, Limit, Model, PeriodSet, Scope,
    StageSet,
};
use crate::network::{LaneId, Network};

/// A way material gets tainted: handled in a country of `origin` at one of
/// `stages`. Each signature is one bit of an origin class.
#[derive(Debug, Clone)]
pub struct Signature {
    /// The countries.
    pub origin: CountrySet,
    /// The stages.
    pub stages: StageSet,
}

impl Signature {
    /// `feoc@mined separated`, or `CN@all stages`.
    pub fn label(&self) -> String {
        let stages = if self.stages == StageSet::ALL {
            "all stages".to_string()
        } else {
            self.stages.label()
        };
        format!("{}@{stages}", self.origin.label)
    }
}

/// Where a rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RuleSource {
    /// A row of `content_rules.csv` (index into `model.content_rules`).
    Content(usize),
    /// An export control with scope `origin` (index into
    /// `model.export_controls`).
    Control(usize),
}

/// An origin rule: demand it covers may take limited material of one
/// signature.
#[derive(Debug, Clone)]
pub struct OriginRule {
    /// Where it comes from.
    pub source: RuleSource,
    /// Its signature's bit.
    pub bit: u8,
    /// How much it lets through.
    pub limit: Limit,
}

/// One group of a market's demand: the segments of one sector a rule names,
/// or the rest.
#[derive(Debug, Clone)]
pub struct Group {
    /// The sector (`None`: every sector no rule names).
    pub sector: Option<String>,
    /// The signature bits some rule on this group looks at (0: the group
    /// takes material of any class alike).
    pub relevant: u8,
}

/// How one (country, commodity) market receives its deliveries.
#[derive(Debug, Clone, Default)]
pub struct MarketLayout {
    /// Groups delivered to separately: the named sectors, sorted, then the
    /// rest (when the market has other sectors). One group: not split.
    pub groups: Vec<Group>,
}

impl MarketLayout {
    /// The signature bits some rule on this market looks at (on any of its
    /// groups).
    pub fn relevant(&self) -> u8 {
        self.groups.iter().fold(0, |acc, g| acc | g.relevant)
    }

    /// The group a segment of `sector` belongs to.
    pub fn group_of(&self, sector: &str) -> usize {
        let named = self
            .groups
            .iter()
            .position(|g| g.sector.as_deref() == Some(sector));
        named.unwrap_or(self.groups.len() - 1)
    }

    /// Does the market deliver to more than one group?
    pub fn is_split(&self) -> bool {
        self.groups.len() > 1
    }
}

/// The origin layers and sector groups of a model.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// One per bit, sorted by (countries, stages).
    pub signatures: Vec<Signature>,
    /// Content rules, then export controls with scope `origin`, each by id.
    pub rules: Vec<OriginRule>,
    /// Bits each facility sets on everything it makes.
    pub taint: Vec<u8>,
    /// Bits that matter downstream of each facility's outputs.
    pub relevant_out: Vec<u8>,
    /// Bits that matter in each facility's inputs and that they may carry:
    /// the facility's input classes are the subsets of this mask.
    pub possible_in: Vec<u8>,
    /// Markets that rules or end-use controls touch.
    pub markets: BTreeMap<(CountryId, CommodityId), MarketLayout>,
}

impl Layout {
    /// The layout of `model`: empty when it has no content rules, no
    /// origin-scope controls and no end-use controls.
    pub fn of(model: &Model, network: &Network) -> Layout {
        let mut l = Layout::default();
        l.rules_and_signatures(model);
        l.markets = market_layouts(model, &l);
        let n = model.facilities.len();
        l.taint = (0..n)
            .map(|f| taint(model, &l.signatures, FacilityId(f)))
            .collect();
        l.relevant_out = relevance(network, &l, n);
        l.possible_in = possible_bits(network, &l, n);
        l
    }

    /// The signatures and rules of `model` only: enough to name classes and
    /// rules, in time independent of the model's size.
    pub fn rules_of(model: &Model) -> Layout {
        let mut l = Layout::default();
        l.rules_and_signatures(model);
        l
    }

    /// The signatures, rules and sector groups of `model` only (no
    /// network, no layers): enough to name classes, rules and groups.
    pub fn naming(model: &Model) -> Layout {
        let mut l = Layout::default();
        l.rules_and_signatures(model);
        l.markets = market_layouts(model, &l);
        l
    }

    /// Signatures sorted by (countries, stages) and rules by (kind, id), so
    /// that the LP does not depend on the order of the files' rows.
    fn rules_and_signatures(&mut self, model: &Model) {
        let mut rules: Vec<(RuleSource, &CountrySet, StageSet, Limit, &str)> = Vec::new();
        for (i, r) in model.content_rules.iter().enumerate() {
            let limit = Limit::Share(r.max_share);
            rules.push((RuleSource::Content(i), &r.origin, r.stages, limit, &r.id));
        }
        for (i, ec) in model.export_controls.iter().enumerate() {
            if ec.scope == Scope::Origin {
                let limit = Limit::Tonnes(ec.cap);
                let source = RuleSource::Control(i);
                rules.push((source, &ec.exporter, StageSet::ALL, limit, &ec.id));
            }
        }
        let kind = |s: RuleSource| matches!(s, RuleSource::Control(_));
        rules.sort_by(|a, b| (kind(a.0), a.4).cmp(&(kind(b.0), b.4)));
        let mut signatures: Vec<(&str, StageSet, &CountrySet)> = rules
            .iter()
            .map(|r| (r.1.label.as_str(), r.2, r.1))
            .collect();
        signatures.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        signatures.dedup_by(|a, b| (a.0, a.1) == (b.0, b.1));
        self.signatures = (signatures.iter())
            .map(|s| Signature {
                origin: s.2.clone(),
                stages: s.1,
            })
            .collect();
        for (source, origin, stages, limit, _) in rules {
            let bit = (signatures.iter())
                .position(|s| (s.0, s.1) == (origin.label.as_str(), stages))
                .unwrap_or(0) as u8;
            self.rules.push(OriginRule { source, bit, limit });
        }
    }

    /// True when the model needs no layers and no sector groups: the LP is
    /// exactly the one without rules.
    pub fn is_empty(&self) -> bool {
        self.signatures.is_empty() && self.markets.values().all(|m| !m.is_split())
    }

    /// The output classes of facility `f`, ascending: its taint (where it
    /// matters) with every subset of its possible input bits.
    pub fn classes(&self, f: FacilityId) -> Vec<u8> {
        let base = self.taint[f.0] & self.relevant_out[f.0];
        subsets(self.possible_in[f.0]).map(|j| j | base).collect()
    }

    /// The most tainted output class of `f`: material counted in it may go
    /// anywhere.
    pub fn top(&self, f: FacilityId) -> u8 {
        self.possible_in[f.0] | (self.taint[f.0] & self.relevant_out[f.0])
    }

    /// Does the class of material on `lane` into sector group `group` of
    /// its market (0 into a facility) matter there?
    pub fn lane_cares(&self, network: &Network, lane: LaneId, group: usize) -> bool {
        let l = network.lane(lane);
        match l.to {
            Endpoint::Facility(g) => self.is_split(g),
            Endpoint::Market(c) => self
                .markets
                .get(&(c, l.commodity))
                .is_some_and(|m| m.groups[group].relevant != 0),
        }
    }

    /// The classes `lane` carries into group `group`: every output class of
    /// its source where the class matters, else only the source's most
    /// tainted class (what it counts there).
    pub fn lane_classes(&self, network: &Network, lane: LaneId, group: usize) -> Vec<u8> {
        let from = network.lane(lane).from;
        if self.lane_cares(network, lane, group) {
            self.classes(from)
        } else {
            vec![self.top(from)]
        }
    }

    /// The input class that feeds output class `m` of `f`.
    pub fn input_class(&self, f: FacilityId, m: u8) -> u8 {
        m & self.possible_in[f.0]
    }

    /// The class of what `f` makes from clean inputs (its own taint only).
    pub fn bottom(&self, f: FacilityId) -> u8 {
        self.taint[f.0] & self.relevant_out[f.0]
    }

    /// Does facility `f` run in more than one class?
    pub fn is_split(&self, f: FacilityId) -> bool {
        self.possible_in[f.0] != 0
    }

    /// The market a lane delivers to, when a rule or control touches it.
    pub fn market_of(&self, network: &Network, lane: LaneId) -> Option<&MarketLayout> {
        let l = network.lane(lane);
        match l.to {
            Endpoint::Market(c) => self.markets.get(&(c, l.commodity)),
            Endpoint::Facility(_) => None,
        }
    }

    /// Does a lane need columns per group and class?
    pub fn lane_is_split(&self, network: &Network, lane: LaneId) -> bool {
        self.market_of(network, lane)
            .is_some_and(MarketLayout::is_split)
            || (self.lane_cares(network, lane, 0)
                && self.possible_in[network.lane(lane).from.0] != 0)
    }

    /// Can `lane` carry material of `class` into group `group`? (The same
    /// as [`Self::lane_classes`] holding it, without building the list.)
    pub fn carries(&self, network: &Network, lane: LaneId, group: usize, class: u8) -> bool {
        let from = network.lane(lane).from;
        if self.lane_cares(network, lane, group) {
            let possible = self.possible_in[from.0];
            class & !possible == self.top(from) & !possible
        } else {
            class == self.top(from)
        }
    }

    /// The rule's periods and whether it covers demand of `sector` for
    /// `commodity` in `country`.
    pub fn covers(
        &self,
        model: &Model,
        rule: &OriginRule,
        country: CountryId,
        sector: Option<&str>,
        commodity: CommodityId,
    ) -> bool {
        match rule.source {
            RuleSource::Content(i) => model.content_rules[i].covers(country, sector, commodity),
            RuleSource::Control(i) => {
                let ec = &model.export_controls[i];
                ec.destination.contains(country)
                    && !ec.exporter.contains(country)
                    && ec.goods.contains(commodity)
                    && ec.end_use.as_deref().is_none_or(|s| Some(s) == sector)
            }
        }
    }

    /// The markets, by country, with a sector group `rule` covers.
    pub fn covered_markets(
        &self,
        model: &Model,
        rule: &OriginRule,
    ) -> BTreeMap<CountryId, Vec<CommodityId>> {
        let mut out: BTreeMap<CountryId, Vec<CommodityId>> = BTreeMap::new();
        for (&(country, c), m) in &self.markets {
            let covered = |g: &Group| self.covers(model, rule, country, g.sector.as_deref(), c);
            if m.groups.iter().any(covered) {
                out.entry(country).or_default().push(c);
            }
        }
        out
    }

    /// When a rule applies.
    pub fn periods<'m>(&self, model: &'m Model, rule: &OriginRule) -> &'m PeriodSet {
        match rule.source {
            RuleSource::Content(i) => &model.content_rules[i].periods,
            RuleSource::Control(i) => &model.export_controls[i].periods,
        }
    }

    /// What the rule's buyers pay per tainted tonne beyond its share, $/t,
    /// when it is a preference rather than a limit.
    pub fn premium(&self, model: &Model, rule: &OriginRule) -> Option<f64> {
        match rule.source {
            RuleSource::Content(i) => model.content_rules[i].premium,
            RuleSource::Control(_) => None,
        }
    }

    /// The rule's id and where it is written.
    pub fn rule_name(&self, model: &Model, rule: &OriginRule) -> String {
        match rule.source {
            RuleSource::Content(i) => {
                let r = &model.content_rules[i];
                format!("content rule {} (content_rules.csv:{})", r.id, r.line)
            }
            RuleSource::Control(i) => {
                let ec = &model.export_controls[i];
                format!("export control {} (export_controls.csv:{})", ec.id, ec.line)
            }
        }
    }

    /// A class in words: `clean`, or the signatures it carries.
    pub fn class_label(&self, class: u8) -> String {
        if self.signatures.is_empty() {
            return "all".to_string();
        }
        let tainted: Vec<String> = (0..self.signatures.len())
            .filter(|&b| class & (1 << b) != 0)
            .map(|b| self.signatures[b].label())
            .collect();
        if tainted.is_empty() {
            "clean".to_string()
        } else {
            tainted.join("+")
        }
    }
}

/// Every subset of `mask`, ascending.
pub fn subsets(mask: u8) -> impl Iterator<Item = u8> {
    (0..=mask).filter(move |j| j & !mask == 0)
}

/// The bits `f` sets: one per signature whose countries hold `f`'s country
/// and whose stages meet the stages `f` handles.
fn taint(model: &Model, signatures: &[Signature], f: FacilityId) -> u8 {
    let country = model.facilities[f.0].country;
    let handled = crate::trace::stamped_stages(model, f);
    signatures
        .iter()
        .enumerate()
        .filter(|(_, s)| s.origin.contains(country) && s.stages.0 & handled.0 != 0)
        .fold(0, |acc, (b, _)| acc | (1 << b))
}

/// The groups of each market that a rule or an end-use control touches:
/// the sectors they name that the market has, then the rest.
fn market_layouts(model: &Model, l: &Layout) -> BTreeMap<(CountryId, CommodityId), MarketLayout> {
    let mut sectors: BTreeMap<(CountryId, CommodityId), std::collections::BTreeSet<&str>> =
        BTreeMap::new();
    for d in &model.demand {
        sectors
            .entry((d.country, d.commodity))
            .or_default()
            .insert(&d.sector);
    }
    let mut out = BTreeMap::new();
    for (&(country, commodity), present) in &sectors {
        let mut named: std::collections::BTreeSet<&str> = Default::default();
        for r in &l.rules {
            let covered = |s: &&str| l.covers(model, r, country, Some(s), commodity);
            if let Some(sec) = rule_sector(model, r).filter(|_| present.iter().any(covered)) {
                named.insert(sec);
            }
        }
        for ec in model
            .export_controls
            .iter()
            .filter(|ec| ec.scope == Scope::Direct)
        {
            if let Some(sec) = ec.end_use.as_deref() {
                let touches = ec.destination.contains(country) && ec.goods.contains(commodity);
                if touches && present.contains(sec) {
                    named.insert(sec);
                }
            }
        }
        let mut groups: Vec<Group> = named
            .iter()
            .map(|s| Group {
                sector: Some((*s).to_string()),
                relevant: 0,
            })
            .collect();
        if present.iter().any(|s| !named.contains(s)) || groups.is_empty() {
            groups.push(Group {
                sector: None,
                relevant: 0,
            });
        }
        for g in &mut groups {
            for r in &l.rules {
                if l.covers(model, r, country, g.sector.as_deref(), commodity) {
                    g.relevant |= 1 << r.bit;
                }
            }
        }
        let m = MarketLayout { groups };
        // No sector named and no rule looking: as if there were no rule.
        if !named.is_empty() || m.relevant() != 0 {
            out.insert((country, commodity), m);
        }
    }
    out
}

fn rule_sector<'m>(model: &'m Model, r: &OriginRule) -> Option<&'m str> {
    match r.source {
        RuleSource::Content(i) => model.content_rules[i].sector.as_deref(),
        RuleSource::Control(i) => model.export_controls[i].end_use.as_deref(),
    }
}

/// Bits that matter downstream of each facility's outputs: a fixpoint from
/// the markets upstream (bits only grow, so it ends).
fn relevance(network: &Network, l: &Layout, n: usize) -> Vec<u8> {
    let mut out = vec![0u8; n];
    if l.signatures.is_empty() {
        return out;
    }
    loop {
        let mut changed = false;
        for lane in network.lanes() {
            let seen = match lane.to {
                Endpoint::Market(c) => l
                    .markets
                    .get(&(c, lane.commodity))
                    .map_or(0, MarketLayout::relevant),
                Endpoint::Facility(g) => out[g.0] & !l.taint[g.0],
            };
            let before = out[lane.from.0];
            out[lane.from.0] |= seen;
            changed |= out[lane.from.0] != before;
        }
        if !changed {
            return out;
        }
    }
}

/// Bits each facility's inputs may carry that matter there: a fixpoint
/// from the sources downstream.
fn possible_bits(network: &Network, l: &Layout, n: usize) -> Vec<u8> {
    let mut carried = l.taint.clone();
    if l.signatures.is_empty() {
        return vec![0; n];
    }
    let mut inputs = vec![0u8; n];
    loop {
        let mut changed = false;
        for lane in network.lanes() {
            if let Endpoint::Facility(g) = lane.to {
                let before = inputs[g.0];
                inputs[g.0] |= carried[lane.from.0];
                carried[g.0] |= inputs[g.0];
                changed |= inputs[g.0] != before;
            }
        }
        if !changed {
            break;
        }
    }
    (0..n)
        .map(|f| inputs[f] & l.relevant_out[f] & !l.taint[f])
        .collect()
}
