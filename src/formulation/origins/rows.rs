//! The rows of origin layers: a balance per class at split facilities, a
//! market row per sector group of split markets, content rules' limits, and
//! the terms of export controls with an end use or an origin scope.

use std::collections::BTreeMap;

use super::{
    ClassCol, ClassRow, Group, GroupRow, MarketLayout, OriginIndex, OriginRule, Part, RuleSource,
};
use crate::formulation::demand::DemandIndex;
use crate::formulation::keys::{ColKey, RowKey};
use crate::formulation::lanes::FlowIndex;
use crate::formulation::lp::{Lp, Sense};
use crate::model::{CommodityId, CountryId, Endpoint, FacilityId, Limit, Model, PeriodId};
use crate::network::{LaneId, Network};
use crate::solver::Col;

/// One balance row per class of every commodity of every split facility:
/// `coef·activity[class] + inflows of the class + downgrades into it −
/// downgrades out of it − outflows of the class − disposal of it = 0`.
pub(in crate::formulation) fn add_balance_rows(
    lp: &mut Lp,
    ix: &mut OriginIndex,
    model: &Model,
    network: &Network,
    flows: &FlowIndex,
) {
    let cols = ClassCols::of(ix);
    let mut rows = Vec::new();
    for f in (0..model.facilities.len()).map(FacilityId) {
        if !ix.layout.is_split(f) {
            continue;
        }
        let process = &model.processes[model.facilities[f.0].process.0];
        for &(commodity, coef) in &process.terms {
            for period in model.period_ids() {
                for class in ix.layout.classes(f) {
                    let at = (f, commodity, period);
                    let terms = balance_terms(ix, &cols, network, flows, at, coef, class);
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

/// The class columns of split facilities, by key.
struct ClassCols {
    activity: BTreeMap<(FacilityId, PeriodId, u8), Col>,
    disposal: BTreeMap<(FacilityId, CommodityId, PeriodId, u8), Col>,
    downgrades: BTreeMap<(FacilityId, CommodityId, PeriodId), Vec<ClassCol>>,
}

impl ClassCols {
    fn of(ix: &OriginIndex) -> ClassCols {
        let mut downgrades: BTreeMap<_, Vec<ClassCol>> = BTreeMap::new();
        for d in &ix.downgrades {
            let at = (d.facility, d.commodity, d.period);
            downgrades.entry(at).or_default().push(*d);
        }
        ClassCols {
            activity: (ix.activity.iter())
                .map(|a| ((a.facility, a.period, a.class), a.col))
                .collect(),
            disposal: (ix.disposal.iter())
                .map(|d| ((d.facility, d.commodity, d.period, d.class), d.col))
                .collect(),
            downgrades,
        }
    }
}

/// The terms of the balance of output class `class` of `commodity` at `f`
/// (`coef` > 0: an output, whose row is that class's), or of the input class
/// feeding it (`coef` < 0).
fn balance_terms(
    ix: &OriginIndex,
    cols: &ClassCols,
    network: &Network,
    flows: &FlowIndex,
    (f, commodity, period): (FacilityId, CommodityId, PeriodId),
    coef: f64,
    class: u8,
) -> Vec<(Col, f64)> {
    let possible = ix.layout.possible_in[f.0];
    let mut terms = vec![(cols.activity[&(f, period, class)], coef)];
    // The row's class: an output class, or an input class.
    let output = coef > 0.0;
    let own = if output { class } else { class & possible };
    let (lanes, sign) = if output {
        (network.lanes_out_of(f, commodity), -1.0)
    } else {
        (network.lanes_into(f, commodity), 1.0)
    };
    for &l in lanes {
        let parts = ix.parts(flows, network, l, period);
        let seen = |p: &&Part| if output { p.class } else { p.class & possible };
        let mine = parts.iter().filter(|p| seen(p) == own);
        terms.extend(mine.map(|p| (p.col, sign)));
    }
    if let Some(&d) = cols.disposal.get(&(f, commodity, period, class)) {
        terms.push((d, -1.0));
    }
    let down = cols.downgrades.get(&(f, commodity, period));
    for d in down.map_or(&[][..], Vec::as_slice) {
        if d.to == own {
            terms.push((d.col, 1.0));
        } else if d.class == own {
            terms.push((d.col, -1.0));
        }
    }
    terms
}

/// One market row per sector group of every market split by sector:
/// deliveries to the group plus what its segments give up, go short of or
/// take beyond equal their demand.
pub(in crate::formulation) fn add_market_rows(
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
    // A segment of each group (its first in any period), to name it.
    let mut namer: BTreeMap<(CountryId, CommodityId, usize), usize> = BTreeMap::new();
    for (d, seg) in model.demand.iter().enumerate() {
        if let Some(m) = ix.layout.markets.get(&(seg.country, seg.commodity)) {
            let g = m.group_of(&seg.sector);
            namer.entry((seg.country, seg.commodity, g)).or_insert(d);
        }
    }
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
                let segment = namer.get(&(country, commodity, g)).copied().unwrap_or(0);
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
                    beyond: None,
                });
            }
        }
    }
}

/// One row per content rule, demand country and period it applies to:
/// tainted tonnes − max_share × all tonnes received ≤ 0; for a rule with a
/// premium, − the tainted tonnes beyond the share, a column at the premium.
pub(in crate::formulation) fn add_rule_rows(
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
        let premium = ix.layout.premium(model, rule);
        let periods = ix.layout.periods(model, rule);
        // A row wherever the rule covers demand, even one no tainted
        // material can reach: the rule is in force there, and reported.
        for (country, markets) in ix.layout.covered_markets(model, rule) {
            for period in model.period_ids().filter(|&t| periods.contains(t)) {
                let at = (country, markets.as_slice(), period);
                let mut terms = rule_terms(ix, model, network, flows, rule, at, share);
                let over = premium.map(|premium| {
                    let key = ColKey::RuleBeyond {
                        rule: r,
                        country,
                        period,
                    };
                    lp.column(key, None, model.period_weight(period) * premium)
                });
                terms.extend(over.map(|col| (col, -1.0)));
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
                    beyond: over,
                });
            }
        }
    }
    ix.rules = rows;
}

/// The terms of one rule in one country's `markets` and period: every part
/// delivered to demand the rule covers, at `1 − share` when tainted and
/// `−share` when not (at share 0: the tainted parts).
fn rule_terms(
    ix: &OriginIndex,
    model: &Model,
    network: &Network,
    flows: &FlowIndex,
    rule: &OriginRule,
    (country, markets, period): (CountryId, &[CommodityId], PeriodId),
    share: f64,
) -> Vec<(Col, f64)> {
    let mut terms = Vec::new();
    let bit = 1u8 << rule.bit;
    for &c in markets {
        let covered = |g: &Group| {
            ix.layout
                .covers(model, rule, country, g.sector.as_deref(), c)
        };
        let coef = |class: u8| {
            if class & bit != 0 {
                1.0 - share
            } else {
                -share
            }
        };
        terms.extend(ix.market_terms(flows, network, (country, c), period, covered, coef));
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
