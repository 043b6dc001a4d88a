//! Demand: each country's market for a commodity receives its deliveries;
//! what is not delivered is given up along a segment's demand curve, or is
//! a shortage of its critical remainder.
//!
//! Each segment's curve is a staircase: tier k holds tonnes that buyers
//! value at `v_k` $/t, and the critical remainder is valued at the floor
//! (the shortage penalty). Not delivering a tonne of tier k costs `v_k`;
//! minimising cost plus the value of what is not delivered is maximising
//! the value buyers place on what they receive minus every cost (the two
//! differ by the value of all demand, a constant): the spatial price
//! equilibrium of Samuelson (1952) and Takayama and Judge (1971). The dual
//! of a market row is then the market price: the value of the marginal
//! tier, or the cost of the marginal supplier, whichever binds.
//!
//! Only markets with demand exist; verification also checks that nothing
//! flows into a market that has none (such material would leave the system
//! unaccounted for).

use std::collections::BTreeSet;

use super::keys::{ColKey, RowKey};
use super::lanes::FlowIndex;
use super::lp::{Lp, Sense};
use super::origins::Layout;
use crate::model::{CommodityId, CountryId, Endpoint, Model, PeriodId};
use crate::network::Network;
use crate::plan::{Checker, Costs, Plan, Price};
use crate::solver::{Col, Row, Session};

/// A market row.
#[derive(Debug, Clone, Copy)]
pub struct MarketRow {
    /// The country.
    pub country: CountryId,
    /// The commodity.
    pub commodity: CommodityId,
    /// The period.
    pub period: PeriodId,
    /// The row.
    pub row: Row,
}

/// Give-up and shortage columns and market rows.
#[derive(Debug, Clone, Default)]
pub struct DemandIndex {
    /// Shortage column of each demand segment (same order as `model.demand`).
    pub shortage: Vec<Col>,
    /// Give-up column of each tier of each demand segment.
    pub given_up: Vec<Vec<Col>>,
    /// Column of each step of each segment's curve below its reference
    /// price: tonnes taken beyond the reference quantity.
    pub beyond: Vec<Vec<Col>>,
    /// One per market with demand and period, sorted.
    pub markets: Vec<MarketRow>,
}

/// Per demand segment: tonnes given up in each tier of its curve, `0 <=
/// g_k <= tier tonnes` at the tier's value; the shortage of its critical
/// remainder, `0 <= s <= critical` at its penalty; and tonnes taken beyond
/// the reference quantity in each step below the reference price, `0 <=
/// e_k <= step tonnes`, each earning its value.
pub(super) fn add_shortage(lp: &mut Lp, model: &Model) -> DemandIndex {
    let mut ix = DemandIndex::default();
    for (segment, d) in model.demand.iter().enumerate() {
        let weight = model.period_weight(d.period);
        let tiers = d.tiers.iter().enumerate().map(|(tier, t)| {
            lp.column(
                ColKey::GiveUp { segment, tier },
                Some(t.tonnes),
                weight * t.value,
            )
        });
        ix.given_up.push(tiers.collect());
        let beyond = d.beyond.iter().enumerate().map(|(tier, t)| {
            lp.column(
                ColKey::Beyond { segment, tier },
                Some(t.tonnes),
                -weight * t.value,
            )
        });
        ix.beyond.push(beyond.collect());
        let cost = weight * d.shortage_penalty;
        ix.shortage
            .push(lp.column(ColKey::Shortage { segment }, Some(d.critical()), cost));
    }
    ix
}

/// Deliveries plus shortages equal demand, per market and period (per
/// sector group in markets split by sector: see [`super::origins`]).
pub(super) fn add_market_rows(
    lp: &mut Lp,
    ix: &mut DemandIndex,
    flows: &FlowIndex,
    model: &Model,
    network: &Network,
    layout: &Layout,
) {
    let by_market = model.demand_by_market();
    for (country, commodity) in Network::markets(model) {
        if layout
            .markets
            .get(&(country, commodity))
            .is_some_and(|m| m.is_split())
        {
            continue;
        }
        for period in model.period_ids() {
            let segments = by_market
                .get(&(country, commodity, period))
                .map_or(&[][..], Vec::as_slice);
            let mut terms: Vec<(Col, f64)> = network
                .lanes_to_market(country, commodity)
                .iter()
                .flat_map(|&l| flows.cols(l, period))
                .map(|&c| (c, 1.0))
                .collect();
            for &d in segments {
                terms.extend(ix.given_up[d].iter().map(|&c| (c, 1.0)));
                terms.push((ix.shortage[d], 1.0));
                terms.extend(ix.beyond[d].iter().map(|&c| (c, -1.0)));
            }
            let tonnes: f64 = segments.iter().map(|&d| model.demand[d].tonnes).sum();
            let key = RowKey::Market {
                country,
                commodity,
                period,
            };
            let row = lp.row(key, &terms, Sense::Eq, tonnes);
            ix.markets.push(MarketRow {
                country,
                commodity,
                period,
                row,
            });
        }
    }
}

/// Reads what was given up and unserved, and the price of each commodity
/// in each market.
pub(super) fn read(ix: &DemandIndex, model: &Model, s: &Session, plan: &mut Plan) {
    plan.shortage = ix.shortage.iter().map(|&c| s.value(c)).collect();
    plan.given_up = ix
        .given_up
        .iter()
        .map(|tiers| tiers.iter().map(|&c| s.value(c)).collect())
        .collect();
    plan.beyond = ix
        .beyond
        .iter()
        .map(|tiers| tiers.iter().map(|&c| s.value(c)).collect())
        .collect();
    plan.prices.extend(ix.markets.iter().map(|m| Price {
        place: Endpoint::Market(m.country),
        commodity: m.commodity,
        period: m.period,
        value: s.dual(m.row) / model.period_weight(m.period),
    }));
}

/// What is given up lies within each tier and what is unserved within the
/// critical remainder, every market balances, and nothing flows into a
/// market without demand for it.
pub(super) fn check(model: &Model, network: &Network, plan: &Plan, ck: &mut Checker) {
    for (d, seg) in model.demand.iter().enumerate() {
        for (k, tier) in seg.tiers.iter().enumerate() {
            ck.bounds(plan.given_up[d][k], 0.0, Some(tier.tonnes), || {
                format!("tier {} given up of demand.csv line {}", k + 1, seg.line)
            });
        }
        ck.bounds(plan.shortage[d], 0.0, Some(seg.critical()), || {
            format!("shortage of demand.csv line {}", seg.line)
        });
        for (k, tier) in seg.beyond.iter().enumerate() {
            ck.bounds(plan.beyond[d][k], 0.0, Some(tier.tonnes), || {
                format!(
                    "step {} beyond the demand of demand.csv line {}",
                    k + 1,
                    seg.line
                )
            });
        }
    }
    let by_market = model.demand_by_market();
    let markets = Network::markets(model);
    let stocks = super::stocks::nets(model, plan);
    for &(country, c) in &markets {
        for t in model.period_ids() {
            let segments = by_market
                .get(&(country, c, t))
                .map_or(&[][..], Vec::as_slice);
            let delivered: f64 = network
                .lanes_to_market(country, c)
                .iter()
                .map(|l| plan.flows[l.0][t.0])
                .sum();
            let tonnes: f64 = segments.iter().map(|&d| model.demand[d].tonnes).sum();
            let short: f64 = segments
                .iter()
                .map(|&d| plan.not_served(d) - plan.beyond(d))
                .sum();
            let released = stocks.get(&(Endpoint::Market(country), c, t));
            let delivered = delivered + released.copied().unwrap_or(0.0);
            ck.check(
                delivered + short - tonnes,
                delivered.abs() + short + tonnes,
                || {
                    format!(
                        "market for {} in {} in {}",
                        model.commodities[c.0].id,
                        model.countries[country.0].code,
                        model.periods[t.0].label
                    )
                },
            );
        }
    }
    let with_demand: BTreeSet<(CountryId, CommodityId)> = markets.into_iter().collect();
    for (l, lane) in network.lanes().iter().enumerate() {
        let Endpoint::Market(country) = lane.to else {
            continue;
        };
        if with_demand.contains(&(country, lane.commodity)) {
            continue;
        }
        for t in model.period_ids() {
            ck.bounds(plan.flows[l][t.0], 0.0, Some(0.0), || {
                format!(
                    "delivery of {} to market:{}, which has no demand for it, in {}",
                    model.commodities[lane.commodity.0].id,
                    model.countries[country.0].code,
                    model.periods[t.0].label
                )
            });
        }
    }
}

/// The value of demand given up, penalties for unserved demand, and (a
/// credit) the value of demand taken beyond the reference.
pub(super) fn cost(model: &Model, plan: &Plan, k: &mut Costs) {
    for (d, seg) in model.demand.iter().enumerate() {
        let weight = model.period_weight(seg.period);
        k.shortage += weight * seg.shortage_penalty * plan.shortage[d];
        for (tier, given_up) in seg.tiers.iter().zip(&plan.given_up[d]) {
            k.given_up += weight * tier.value * given_up;
        }
        for (tier, more) in seg.beyond.iter().zip(&plan.beyond[d]) {
            k.beyond -= weight * tier.value * more;
        }
    }
}
