//! What a plan means for each market: per demand segment and period, what
//! was delivered, at what price and spend, what buyers gave up (priced out),
//! what critical demand went unserved and what they took beyond their
//! reference demand as prices fell (`markets.csv`); and per country
//! and sector over the horizon, the same totals (`markets` of the summary,
//! led by the largest markets in the terminal).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{CommodityId, CountryId, Endpoint, Model, PeriodId};
use crate::plan::Plan;

/// The price of each commodity in each country's market in each period,
/// $/t (money of the period): the dual of its market row.
pub fn market_prices(plan: &Plan) -> BTreeMap<(CountryId, CommodityId, PeriodId), f64> {
    plan.prices
        .iter()
        .filter_map(|p| match p.place {
            Endpoint::Market(c) => Some(((c, p.commodity, p.period), p.value)),
            Endpoint::Facility(_) => None,
        })
        .collect()
}

/// One demand segment in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentResult {
    /// Index into `model.demand`.
    pub segment: usize,
    /// Delivered, t/yr.
    pub delivered: f64,
    /// Priced out along the demand curve, t/yr.
    pub given_up: f64,
    /// Critical demand not met, t/yr.
    pub unserved: f64,
    /// Taken beyond the reference demand as the price fell below the
    /// reference, t/yr.
    pub beyond: f64,
    /// The market price, $/t.
    pub price: f64,
    /// What buyers pay for what is delivered, $/yr: delivered × price,
    /// less, under an origin preference, the premium they gave up on the
    /// tainted tonnes beyond its share (the price holds it; they paid it
    /// in origin, not in money).
    pub spend: f64,
}

/// Every demand segment's result, in the order of `model.demand`.
pub fn segment_results(model: &Model, plan: &Plan) -> Vec<SegmentResult> {
    let prices = market_prices(plan);
    model
        .demand
        .iter()
        .enumerate()
        .map(|(d, seg)| {
            // A market split by sector prices each sector group apart.
            let price = (plan.layers.segment_prices.get(&d))
                .or_else(|| prices.get(&(seg.country, seg.commodity, seg.period)))
                .copied()
                .unwrap_or(0.0);
            let delivered = plan.served(model, d).max(0.0);
            SegmentResult {
                segment: d,
                delivered,
                given_up: plan.given_up(d),
                unserved: plan.shortage[d],
                beyond: plan.beyond(d),
                price,
                spend: delivered * (price - plan.layers.origin_discounts.get(&d).unwrap_or(&0.0)),
            }
        })
        .collect()
}

/// One country's sector over the whole horizon (each period's tonnes and
/// money times its years; money undiscounted).
#[derive(Debug, Clone, Serialize)]
pub struct MarketRow {
    /// Country code.
    pub country: String,
    /// Sector.
    pub sector: String,
    /// Demand, t over the horizon.
    pub demand_t: f64,
    /// Delivered, t over the horizon.
    pub delivered_t: f64,
    /// Given up (priced out), t over the horizon.
    pub given_up_t: f64,
    /// Critical demand unserved, t over the horizon.
    pub unserved_t: f64,
    /// Taken beyond the reference demand, t over the horizon.
    pub beyond_t: f64,
    /// What buyers pay, over the horizon, undiscounted.
    pub spend: f64,
    /// Spend per tonne delivered, $/t.
    pub mean_price: f64,
}

/// Each (country, sector) over the horizon, largest spend first (ties by
/// country and sector).
pub fn market_rows(model: &Model, results: &[SegmentResult]) -> Vec<MarketRow> {
    let mut rows: BTreeMap<(String, String), MarketRow> = BTreeMap::new();
    for r in results {
        let seg = &model.demand[r.segment];
        let years = f64::from(model.periods[seg.period.0].years);
        let country = model.countries[seg.country.0].code.clone();
        let row = rows
            .entry((country.clone(), seg.sector.clone()))
            .or_insert_with(|| MarketRow {
                country,
                sector: seg.sector.clone(),
                demand_t: 0.0,
                delivered_t: 0.0,
                given_up_t: 0.0,
                unserved_t: 0.0,
                beyond_t: 0.0,
                spend: 0.0,
                mean_price: 0.0,
            });
        row.demand_t += seg.tonnes * years;
        row.delivered_t += r.delivered * years;
        row.given_up_t += r.given_up * years;
        row.unserved_t += r.unserved * years;
        row.beyond_t += r.beyond * years;
        row.spend += r.spend * years;
    }
    let mut rows: Vec<MarketRow> = rows.into_values().collect();
    for r in &mut rows {
        if r.delivered_t > 0.0 {
            r.mean_price = r.spend / r.delivered_t;
        }
    }
    rows.sort_by(|a, b| {
        b.spend
            .total_cmp(&a.spend)
            .then_with(|| (&a.country, &a.sector).cmp(&(&b.country, &b.sector)))
    });
    rows
}

/// One country's market, year by year: what a strategist asks of a future
/// ("what do we get, at what price, what goes unserved?").
#[derive(Debug, Clone, Serialize)]
pub struct MarketFocus {
    /// Country code.
    pub country: String,
    /// One row per period and commodity with demand.
    pub periods: Vec<FocusRow>,
}

/// One commodity of a followed market in one period, over its sectors (a
/// sector a rule names, in a market split by sector, has its own row:
/// `magnet_hc (defence)`).
#[derive(Debug, Clone, Serialize)]
pub struct FocusRow {
    /// Period label.
    pub period: String,
    /// Commodity id.
    pub commodity: String,
    /// Demand, t/yr.
    pub demand_t: f64,
    /// Delivered, t/yr.
    pub delivered_t: f64,
    /// Given up, t/yr.
    pub given_up_t: f64,
    /// Critical demand unserved, t/yr.
    pub unserved_t: f64,
    /// What buyers pay, $/yr (money of the period).
    pub spend: f64,
    /// The market price, $/t.
    pub price: f64,
}

/// The market of `scope`'s country: per period in scope, each commodity
/// it has demand for (in the scope's sector, when it has one), in the
/// order of the commodities' ids. None when the scope names no country.
pub fn focus(model: &Model, plan: &Plan, scope: &super::scope::Scope) -> Option<MarketFocus> {
    let country = scope.market?;
    let groups = crate::formulation::origins::Layout::naming(model).markets;
    let mut rows: BTreeMap<(PeriodId, String), FocusRow> = BTreeMap::new();
    for r in segment_results(model, plan) {
        if !scope.has_segment(model, r.segment) {
            continue;
        }
        let seg = &model.demand[r.segment];
        let mut commodity = model.commodities[seg.commodity.0].id.clone();
        // A market split by sector has one price per sector a rule names.
        if let Some(m) = groups.get(&(seg.country, seg.commodity)) {
            if let Some(sector) = &m.groups[m.group_of(&seg.sector)].sector {
                if m.is_split() {
                    commodity = format!("{commodity} ({sector})");
                }
            }
        }
        let row = rows
            .entry((seg.period, commodity.clone()))
            .or_insert_with(|| FocusRow {
                period: model.periods[seg.period.0].label.clone(),
                commodity,
                demand_t: 0.0,
                delivered_t: 0.0,
                given_up_t: 0.0,
                unserved_t: 0.0,
                spend: 0.0,
                price: r.price,
            });
        row.demand_t += seg.tonnes;
        row.delivered_t += r.delivered;
        row.given_up_t += r.given_up;
        row.unserved_t += r.unserved;
        row.spend += r.spend;
    }
    Some(MarketFocus {
        country: model.countries[country.0].code.clone(),
        periods: rows.into_values().collect(),
    })
}
