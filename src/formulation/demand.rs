//! Demand and shortage: each country's market for a commodity receives its
//! deliveries; what is not delivered is a shortage of one of its demand
//! segments, at that segment's penalty.
//!
//! The dual of a market row is the marginal cost of one more tonne of
//! demand: the commodity's price in that market. Only markets with demand
//! exist; verification also checks that nothing flows into a market that
//! has none (such material would leave the system unaccounted for).

use std::collections::BTreeSet;

use super::keys::{ColKey, RowKey};
use super::lanes::FlowIndex;
use super::lp::{Lp, Sense};
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

/// Shortage columns and market rows.
#[derive(Debug, Clone, Default)]
pub struct DemandIndex {
    /// Shortage column of each demand segment (same order as `model.demand`).
    pub shortage: Vec<Col>,
    /// One per market with demand and period, sorted.
    pub markets: Vec<MarketRow>,
}

/// Shortage per demand segment, `0 <= s <= tonnes`, at its penalty.
pub(super) fn add_shortage(lp: &mut Lp, model: &Model) -> DemandIndex {
    let shortage = model
        .demand
        .iter()
        .enumerate()
        .map(|(segment, d)| {
            let cost = model.period_weight(d.period) * d.shortage_penalty;
            lp.column(ColKey::Shortage { segment }, Some(d.tonnes), cost)
        })
        .collect();
    DemandIndex {
        shortage,
        markets: Vec::new(),
    }
}

/// Deliveries plus shortages equal demand, per market and period.
pub(super) fn add_market_rows(
    lp: &mut Lp,
    ix: &mut DemandIndex,
    flows: &FlowIndex,
    model: &Model,
    network: &Network,
) {
    let by_market = model.demand_by_market();
    for (country, commodity) in Network::markets(model) {
        for period in model.period_ids() {
            let segments = by_market
                .get(&(country, commodity, period))
                .map_or(&[][..], Vec::as_slice);
            let mut terms: Vec<(Col, f64)> = network
                .lanes_to_market(country, commodity)
                .iter()
                .map(|&l| (flows.col(l, period), 1.0))
                .collect();
            terms.extend(segments.iter().map(|&d| (ix.shortage[d], 1.0)));
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

/// Reads shortages and the price of each commodity in each market.
pub(super) fn read(ix: &DemandIndex, model: &Model, s: &Session, plan: &mut Plan) {
    plan.shortage = ix.shortage.iter().map(|&c| s.value(c)).collect();
    plan.prices.extend(ix.markets.iter().map(|m| Price {
        place: Endpoint::Market(m.country),
        commodity: m.commodity,
        period: m.period,
        value: s.dual(m.row) / model.period_weight(m.period),
    }));
}

/// Shortages lie within demand, every market balances, and nothing flows
/// into a market without demand for it.
pub(super) fn check(model: &Model, network: &Network, plan: &Plan, ck: &mut Checker) {
    for (d, seg) in model.demand.iter().enumerate() {
        ck.bounds(plan.shortage[d], 0.0, Some(seg.tonnes), || {
            format!("shortage of demand.csv line {}", seg.line)
        });
    }
    let by_market = model.demand_by_market();
    let markets = Network::markets(model);
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
            let short: f64 = segments.iter().map(|&d| plan.shortage[d]).sum();
            ck.check(
                delivered + short - tonnes,
                delivered + short + tonnes,
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

/// Penalties for unserved demand.
pub(super) fn cost(model: &Model, plan: &Plan, k: &mut Costs) {
    for (d, seg) in model.demand.iter().enumerate() {
        k.shortage += model.period_weight(seg.period) * seg.shortage_penalty * plan.shortage[d];
    }
}
