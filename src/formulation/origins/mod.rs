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
//! LP it built before. Split lanes and facilities keep their total column
//! (with its cost and bounds) and tie it to their parts with one row, so
//! every other family reads them unchanged.
//!
//! A content rule is one row per country and period: tainted tonnes minus
//! `max_share` × all tonnes received by the demand it covers ≤ 0 (a ban at
//! share 0). Its dual is what one more tainted tonne would save. Origin
//! export controls are rows of the export-control family, over the same
//! parts.

mod check;
mod layout;
mod read;

pub use check::check;
pub use layout::{subsets, Group, Layout, MarketLayout, OriginRule, RuleSource, Signature};
pub use read::{read, PartsView};

use std::collections::BTreeMap;

use super::activity::ActivityIndex;
use super::demand::DemandIndex;
use super::keys::{ColKey, RowKey};
use super::lanes::FlowIndex;
use super::lp::{Lp, Sense};
use crate::model::{CommodityId, CountryId, Endpoint, FacilityId, Limit, Model, PeriodId};
use crate::network::{LaneId, Network};
use crate::solver::{Col, Row};

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
    /// Downgrades of inputs at split facilities.
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
    /// The columns of `lane` in `period`: its parts when split, else its
    /// flow column as the one part of its source's only class.
    pub fn parts(
        &self,
        flows: &FlowIndex,
        network: &Network,
        lane: LaneId,
        period: PeriodId,
    ) -> Vec<Part> {
        match flows.split_parts(lane, period) {
            Some(p) => p.to_vec(),
            None => vec![Part {
                group: 0,
                class: self.layout.lane_classes(network, lane, 0)[0],
                col: flows.cols(lane, period)[0],
            }],
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
            for p in self.parts(flows, network, l, period) {
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
    let l = Layout::naming(model);
    l.rules
        .get(rule)
        .map_or_else(|| format!("#{rule}"), |r| l.rule_name(model, r))
}

/// Columns of every split facility (activity, disposal and downgrades per
/// class), its activity tied to its classes' by one row. Split lanes' parts
/// are the flow family's ([`super::lanes`]).
pub(super) fn add_columns(
    lp: &mut Lp,
    layout: Layout,
    model: &Model,
    activity: &ActivityIndex,
) -> OriginIndex {
    let mut ix = OriginIndex {
        layout,
        ..OriginIndex::default()
    };
    for f in (0..model.facilities.len()).map(FacilityId) {
        if ix.layout.is_split(f) {
            add_facility_columns(lp, &mut ix, model, activity, f);
        }
    }
    ix
}

fn add_facility_columns(
    lp: &mut Lp,
    ix: &mut OriginIndex,
    model: &Model,
    activity: &ActivityIndex,
    f: FacilityId,
) {
    let classes = ix.layout.classes(f);
    let possible = ix.layout.possible_in[f.0];
    let process = &model.processes[model.facilities[f.0].process.0];
    let first_output = process.outputs().next();
    for period in model.period_ids() {
        let mut terms = vec![(activity.col(f, period), 1.0)];
        for &class in &classes {
            let key = ColKey::ActivityPart {
                facility: f,
                period,
                class,
            };
            let col = lp.column(key, None, 0.0);
            terms.push((col, -1.0));
            ix.activity.push(ClassCol {
                facility: f,
                commodity: first_output.unwrap_or(CommodityId(0)),
                period,
                class,
                to: class,
                col,
            });
        }
        let key = RowKey::ActivityParts {
            facility: f,
            period,
        };
        let row = lp.row(key, &terms, Sense::Eq, 0.0);
        ix.links.insert(key, row);
        for &(commodity, coef) in &process.terms {
            if coef > 0.0 {
                // Disposal takes any material: from the most tainted class.
                let cost =
                    model.period_weight(period) * model.commodities[commodity.0].disposal_cost;
                let class = ix.layout.top(f);
                let key = ColKey::DisposalPart {
                    facility: f,
                    commodity,
                    period,
                    class,
                };
                let col = lp.column(key, None, cost);
                ix.disposal.push(ClassCol {
                    facility: f,
                    commodity,
                    period,
                    class,
                    to: class,
                    col,
                });
            }
            // Material of a class may be counted in any more tainted class:
            // inputs in the input classes, outputs in the output classes.
            let base = if coef > 0.0 {
                ix.layout.top(f) & !possible
            } else {
                0
            };
            for from in subsets(possible) {
                let bits = (0..8).map(|b| 1u8 << b);
                for bit in bits.filter(|b| possible & b != 0 && from & b == 0) {
                    let (from, to) = (from | base, from | bit | base);
                    let key = ColKey::Downgrade {
                        facility: f,
                        commodity,
                        period,
                        from,
                        to,
                    };
                    let col = lp.column(key, None, 0.0);
                    ix.downgrades.push(ClassCol {
                        facility: f,
                        commodity,
                        period,
                        class: from,
                        to,
                        col,
                    });
                }
            }
        }
    }
}

/// One balance row per class of every commodity of every split facility:
/// `coef·activity[class] + inflows of the class + downgrades into it −
/// downgrades out of it − outflows of the class − disposal of it = 0`.
pub(super) fn add_balance_rows(
    lp: &mut Lp,
    ix: &mut OriginIndex,
    model: &Model,
    network: &Network,
    flows: &FlowIndex,
) {
    let act: BTreeMap<(FacilityId, PeriodId, u8), Col> = ix
        .activity
        .iter()
        .map(|a| ((a.facility, a.period, a.class), a.col))
        .collect();
    let disp: BTreeMap<(FacilityId, CommodityId, PeriodId, u8), Col> = ix
        .disposal
        .iter()
        .map(|d| ((d.facility, d.commodity, d.period, d.class), d.col))
        .collect();
    let mut down: BTreeMap<(FacilityId, CommodityId, PeriodId), Vec<ClassCol>> = BTreeMap::new();
    for d in &ix.downgrades {
        down.entry((d.facility, d.commodity, d.period))
            .or_default()
            .push(*d);
    }
    let mut rows = Vec::new();
    for f in (0..model.facilities.len()).map(FacilityId) {
        if !ix.layout.is_split(f) {
            continue;
        }
        let classes = ix.layout.classes(f);
        let possible = ix.layout.possible_in[f.0];
        let process = &model.processes[model.facilities[f.0].process.0];
        for &(commodity, coef) in &process.terms {
            for period in model.period_ids() {
                for &class in &classes {
                    let mut terms = vec![(act[&(f, period, class)], coef)];
                    // The row's class: an output class, or an input class.
                    let own = if coef > 0.0 { class } else { class & possible };
                    let (lanes, sign) = if coef > 0.0 {
                        (network.lanes_out_of(f, commodity), -1.0)
                    } else {
                        (network.lanes_into(f, commodity), 1.0)
                    };
                    for &l in lanes {
                        let parts = ix.parts(flows, network, l, period);
                        let mine = parts.iter().filter(|p| {
                            if coef > 0.0 {
                                p.class == own
                            } else {
                                p.class & possible == own
                            }
                        });
                        terms.extend(mine.map(|p| (p.col, sign)));
                    }
                    if let Some(&d) = disp.get(&(f, commodity, period, class)) {
                        terms.push((d, -1.0));
                    }
                    for d in down
                        .get(&(f, commodity, period))
                        .map_or(&[][..], Vec::as_slice)
                    {
                        if d.to == own {
                            terms.push((d.col, 1.0));
                        } else if d.class == own {
                            terms.push((d.col, -1.0));
                        }
                    }
                    let key = RowKey::ClassBalance {
                        facility: f,
                        commodity,
                        period,
                        class,
                    };
                    let row = lp.row(key, &terms, Sense::Eq, 0.0);
                    rows.push(ClassRow {
                        facility: f,
                        commodity,
                        period,
                        class,
                        row,
                    });
                }
            }
        }
    }
    ix.balances = rows;
}

/// One market row per sector group of every market split by sector:
/// deliveries to the group plus what its segments give up, go short of or
/// take beyond equal their demand.
pub(super) fn add_market_rows(
    lp: &mut Lp,
    ix: &mut OriginIndex,
    demand: &DemandIndex,
    model: &Model,
    network: &Network,
    flows: &FlowIndex,
) {
    let by_market = model.demand_by_market();
    let split: Vec<((CountryId, CommodityId), MarketLayout)> = ix
        .layout
        .markets
        .iter()
        .filter(|(_, m)| m.is_split())
        .map(|(k, m)| (*k, m.clone()))
        .collect();
    for ((country, commodity), m) in split {
        for period in model.period_ids() {
            let segments = by_market
                .get(&(country, commodity, period))
                .map_or(&[][..], Vec::as_slice);
            for (g, group) in m.groups.iter().enumerate() {
                let mine: Vec<usize> = segments
                    .iter()
                    .copied()
                    .filter(|&d| m.group_of(&model.demand[d].sector) == g)
                    .collect();
                let mut terms = ix.market_terms(
                    flows,
                    network,
                    (country, commodity),
                    period,
                    |x| x.sector == group.sector,
                    |_| 1.0,
                );
                for &d in &mine {
                    terms.extend(demand.given_up[d].iter().map(|&c| (c, 1.0)));
                    terms.push((demand.shortage[d], 1.0));
                    terms.extend(demand.beyond[d].iter().map(|&c| (c, -1.0)));
                }
                let tonnes: f64 = mine.iter().map(|&d| model.demand[d].tonnes).sum();
                let segment = mine
                    .first()
                    .copied()
                    .or_else(|| {
                        model.demand.iter().position(|d| {
                            d.country == country
                                && d.commodity == commodity
                                && m.group_of(&d.sector) == g
                        })
                    })
                    .unwrap_or(0);
                let key = RowKey::SectorMarket {
                    country,
                    commodity,
                    period,
                    segment,
                    rest: group.sector.is_none(),
                };
                let row = lp.row(key, &terms, Sense::Eq, tonnes);
                ix.markets.push(GroupRow {
                    country,
                    commodity: Some(commodity),
                    period,
                    group: g,
                    segment,
                    row,
                });
            }
        }
    }
}

/// One row per content rule, demand country and period it applies to:
/// tainted tonnes − max_share × all tonnes received ≤ 0.
pub(super) fn add_rule_rows(
    lp: &mut Lp,
    ix: &mut OriginIndex,
    model: &Model,
    network: &Network,
    flows: &FlowIndex,
) {
    let mut rows = Vec::new();
    for (r, rule) in ix.layout.rules.iter().enumerate() {
        let Limit::Share(share) = rule.limit else {
            continue;
        };
        for country in (0..model.countries.len()).map(CountryId) {
            for period in model
                .period_ids()
                .filter(|&t| ix.layout.periods(model, rule).contains(t))
            {
                let terms = rule_terms(ix, model, network, flows, rule, country, period, share);
                if terms.is_empty() {
                    continue;
                }
                let key = RowKey::OriginRule {
                    rule: r,
                    country,
                    period,
                };
                let row = lp.row(key, &terms, Sense::Le, 0.0);
                rows.push(GroupRow {
                    country,
                    commodity: None,
                    period,
                    group: r,
                    segment: 0,
                    row,
                });
            }
        }
    }
    ix.rules = rows;
}

/// The terms of one rule in one country and period: every part delivered
/// to demand the rule covers, at `1 − share` when tainted and `−share` when
/// not (at share 0: the tainted parts).
#[allow(clippy::too_many_arguments)]
fn rule_terms(
    ix: &OriginIndex,
    model: &Model,
    network: &Network,
    flows: &FlowIndex,
    rule: &OriginRule,
    country: CountryId,
    period: PeriodId,
    share: f64,
) -> Vec<(Col, f64)> {
    let mut terms = Vec::new();
    let bit = 1u8 << rule.bit;
    for &(k, c) in ix.layout.markets.keys().filter(|(k, _)| *k == country) {
        let covered = |g: &Group| ix.layout.covers(model, rule, k, g.sector.as_deref(), c);
        let coef = |class: u8| {
            if class & bit != 0 {
                1.0 - share
            } else {
                -share
            }
        };
        terms.extend(ix.market_terms(flows, network, (k, c), period, covered, coef));
    }
    terms
}

/// The parts an export control covers in one period: with scope `origin`,
/// every tainted part delivered to the demand it covers; with an end use,
/// the parts of its lanes delivered to that sector.
pub fn control_terms(
    ix: &OriginIndex,
    model: &Model,
    network: &Network,
    flows: &FlowIndex,
    control: usize,
    lanes: &[LaneId],
    period: PeriodId,
) -> Option<Vec<(Col, f64)>> {
    let ec = &model.export_controls[control];
    if let Some(rule) = ix
        .layout
        .rules
        .iter()
        .find(|r| r.source == RuleSource::Control(control))
    {
        let bit = 1u8 << rule.bit;
        let mut terms = Vec::new();
        for &(country, c) in ix.layout.markets.keys() {
            let covered = |g: &Group| {
                ix.layout
                    .covers(model, rule, country, g.sector.as_deref(), c)
            };
            terms.extend(
                ix.market_terms(flows, network, (country, c), period, covered, |class| {
                    f64::from(u8::from(class & bit != 0))
                }),
            );
        }
        return Some(terms);
    }
    let sector = ec.end_use.as_deref()?;
    let mut terms = Vec::new();
    for &l in lanes {
        let Endpoint::Market(country) = network.lane(l).to else {
            continue;
        };
        let Some(m) = ix.layout.markets.get(&(country, network.lane(l).commodity)) else {
            continue;
        };
        let g = m
            .groups
            .iter()
            .position(|g| g.sector.as_deref() == Some(sector));
        let Some(g) = g else { continue };
        terms.extend(
            ix.parts(flows, network, l, period)
                .iter()
                .filter(|p| p.group as usize == g)
                .map(|p| (p.col, 1.0)),
        );
    }
    Some(terms)
}
