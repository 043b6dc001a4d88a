//! Rules that follow the material (DESIGN §2, origin classes): content
//! rules, export controls with an end use or an origin scope, and the
//! origin layers and deliveries by sector they need.
//!
//! Each distinct *signature* (a group of countries and the stages at which
//! they taint material) is one bit of an origin class. A facility in a
//! signature's countries that handles material at one of its stages sets
//! the bit on everything it makes; elsewhere a facility's output carries
//! exactly the bits of the inputs it ran on. So a facility whose inputs may
//! carry bits runs in one column per *input class* (`ActivityPart`), each
//! class has its own balance (`ClassBalance`), and lanes out of it carry one
//! column per class (`FlowPart`). Clean material may always be counted as
//! tainted (`Downgrade`): that never helps break a rule. Markets where a
//! rule or an end-use control names a sector deliver to each named sector
//! and to the rest separately (`SectorMarket`), so rules and caps can apply
//! to one sector's demand.
//!
//! Everything is created only where the [`Layout`] says a rule can see it:
//! bits matter only upstream of demand some rule covers, and only where
//! tainted material can arrive. A model without rules builds exactly the
//! LP it built before. Split lanes have one column per part, each at the
//! lane's cost (their capacity, when they have one, is a row over the
//! parts: see [`super::lanes`]); split facilities keep their activity
//! column (with its cost and bounds) and tie it to its classes' with one
//! row, so every other family reads them unchanged.
//!
//! A content rule is one row per country and period: tainted tonnes minus
//! `max_share` × all tonnes received by the demand it covers ≤ 0 (a ban at
//! share 0). Its dual is what one more tainted tonne would save. A rule
//! with a premium is the buyers' preference instead: a column of tainted
//! tonnes beyond the share, each costing the premium, enters the row, so
//! the dual is at most the premium, and clean material sells at the
//! tainted price plus the dual. Origin
//! export controls are rows of the export-control family, over the same
//! parts.

mod check;
mod columns;
mod layout;
mod read;
mod rows;

pub use check::{check, cost};
pub(super) use columns::add_columns;
pub use layout::{subsets, Group, Layout, MarketLayout, OriginRule, RuleSource, Signature};
pub use read::{read, PartsView};
pub use rows::control_terms;
pub(super) use rows::{add_balance_rows, add_market_rows, add_rule_rows};

use std::collections::BTreeMap;

use super::keys::{ColKey, RowKey};
use super::lanes::FlowIndex;
use crate::model::{CommodityId, CountryId, FacilityId, Model, PeriodId};
use crate::network::{LaneId, Network};
use crate::solver::{Col, Row};

/// The parts of a lane: a split lane's, or an unsplit lane's one part
/// (without allocating).
pub enum Parts<'a, T> {
    /// A split lane's parts.
    Many(&'a [T]),
    /// An unsplit lane's one part.
    One([T; 1]),
}

impl<T> std::ops::Deref for Parts<'_, T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match self {
            Parts::Many(p) => p,
            Parts::One(p) => p,
        }
    }
}

/// One column of a lane: its sector group, origin class and column.
#[derive(Debug, Clone, Copy)]
pub struct Part {
    /// The market's sector group (0 into a facility).
    pub group: u8,
    /// The origin class.
    pub class: u8,
    /// The column.
    pub col: Col,
}

/// A column of one class of a quantity at a facility.
#[derive(Debug, Clone, Copy)]
pub struct ClassCol {
    /// The facility.
    pub facility: FacilityId,
    /// The commodity (activity: the process's first output).
    pub commodity: CommodityId,
    /// The period.
    pub period: PeriodId,
    /// The class (a downgrade: the class it leaves).
    pub class: u8,
    /// A downgrade: the class it joins; otherwise `class`.
    pub to: u8,
    /// The column.
    pub col: Col,
}

/// A row of one sector group of a market, or of a content rule.
#[derive(Debug, Clone, Copy)]
pub struct GroupRow {
    /// The country.
    pub country: CountryId,
    /// The commodity (a rule: none).
    pub commodity: Option<CommodityId>,
    /// The period.
    pub period: PeriodId,
    /// The group (a rule: index into the layout's rules).
    pub group: usize,
    /// A demand segment of the group, naming it (a rule: 0).
    pub segment: usize,
    /// The row.
    pub row: Row,
    /// A rule with a premium: the column of tainted tonnes its buyers take
    /// beyond its share (none for a limit or a market).
    pub beyond: Option<Col>,
}

/// A balance row of one class.
#[derive(Debug, Clone, Copy)]
pub struct ClassRow {
    /// The facility.
    pub facility: FacilityId,
    /// The commodity.
    pub commodity: CommodityId,
    /// The period.
    pub period: PeriodId,
    /// The class.
    pub class: u8,
    /// The row.
    pub row: Row,
}

/// Where the origin layers live in the LP.
#[derive(Debug, Clone, Default)]
pub struct OriginIndex {
    /// The layout they follow.
    pub layout: Layout,
    /// Activity columns per class of each split facility, per period.
    pub activity: Vec<ClassCol>,
    /// Disposal per class at split facilities.
    pub disposal: Vec<ClassCol>,
    /// Downgrades of inputs and outputs at split facilities.
    pub downgrades: Vec<ClassCol>,
    /// Balance rows per class at split facilities.
    pub balances: Vec<ClassRow>,
    /// Rows of each sector group of split markets.
    pub markets: Vec<GroupRow>,
    /// Rows of content rules, per country and period.
    pub rules: Vec<GroupRow>,
    /// Rows tying split facilities' activity to their classes.
    pub links: BTreeMap<RowKey, Row>,
}

impl OriginIndex {
    /// The column of `key`, a column of origin layers, when the LP has it.
    pub fn col(&self, key: ColKey, flows: &FlowIndex) -> Option<Col> {
        match key {
            ColKey::FlowPart {
                lane,
                period,
                group,
                class,
            } => (flows.split_parts(lane, period))?
                .iter()
                .find(|x| x.group == group && x.class == class)
                .map(|x| x.col),
            ColKey::ActivityPart {
                facility,
                period,
                class,
            } => (self.activity.iter())
                .find(|a| (a.facility, a.period, a.class) == (facility, period, class))
                .map(|a| a.col),
            ColKey::DisposalPart {
                facility,
                commodity,
                period,
                class,
            } => (self.disposal.iter())
                .find(|a| {
                    (a.facility, a.commodity, a.period, a.class)
                        == (facility, commodity, period, class)
                })
                .map(|a| a.col),
            ColKey::Downgrade {
                facility,
                commodity,
                period,
                from,
                to,
            } => (self.downgrades.iter())
                .find(|a| {
                    (a.facility, a.commodity, a.period, a.class, a.to)
                        == (facility, commodity, period, from, to)
                })
                .map(|a| a.col),
            ColKey::RuleBeyond {
                rule,
                country,
                period,
            } => (self.rules.iter())
                .find(|r| (r.group, r.country, r.period) == (rule, country, period))
                .and_then(|r| r.beyond),
            _ => None,
        }
    }

    /// The columns of `lane` in `period`: its parts when split, else its
    /// flow column as the one part of its source's only class.
    pub fn parts<'f>(
        &self,
        flows: &'f FlowIndex,
        network: &Network,
        lane: LaneId,
        period: PeriodId,
    ) -> Parts<'f, Part> {
        match flows.split_parts(lane, period) {
            Some(p) => Parts::Many(p),
            None => Parts::One([Part {
                group: 0,
                class: self.layout.top(network.lane(lane).from),
                col: flows.cols(lane, period)[0],
            }]),
        }
    }

    /// The parts delivered to the sector groups of market `(country, c)`
    /// that `keep` accepts, with their coefficient from `coef`.
    pub fn market_terms(
        &self,
        flows: &FlowIndex,
        network: &Network,
        (country, c): (CountryId, CommodityId),
        period: PeriodId,
        keep: impl Fn(&Group) -> bool,
        coef: impl Fn(u8) -> f64,
    ) -> Vec<(Col, f64)> {
        let groups: Vec<bool> = match self.layout.markets.get(&(country, c)) {
            Some(m) => m.groups.iter().map(&keep).collect(),
            None => vec![keep(&Group {
                sector: None,
                relevant: 0,
            })],
        };
        let mut terms = Vec::new();
        for &l in network.lanes_to_market(country, c) {
            for p in self.parts(flows, network, l, period).iter() {
                let k = coef(p.class);
                if groups[p.group as usize] && k != 0.0 {
                    terms.push((p.col, k));
                }
            }
        }
        terms
    }
}

/// The id of rule `rule` of the model's layout, for labels.
pub fn rule_id(model: &Model, rule: usize) -> String {
    let l = Layout::rules_of(model);
    l.rules
        .get(rule)
        .map_or_else(|| format!("#{rule}"), |r| l.rule_name(model, r))
}
