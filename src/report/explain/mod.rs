//! Why a market went without: for every demand segment in a scope that gave
//! up or went unserved, and every market priced far above the cheapest
//! market of the same good, the constraints that bind on its supply paths,
//! each with what relaxing it by one tonne is worth.
//!
//! # Method
//! A market's *supply paths* are found backwards through the solved plan:
//! the lanes that delivered to it in the period, the facilities they came
//! from, the lanes that fed those facilities' inputs, and so on up to the
//! mines. On and around those paths:
//! - an **export limit** (a licence, ban or contract limit: a cap of
//!   `export_controls.csv`) binds when its shadow price is positive,
//!   its destinations include the market's country, its end use (if any)
//!   is the segment's sector, and (for a direct control) it covers a lane
//!   into the market or into a facility on the paths: one more tonne of
//!   quota is worth its shadow price;
//! - a **content rule** of the market's country binds when its shadow price
//!   is positive: one more tainted tonne allowed is worth that much;
//! - a **capacity** binds at a facility on the paths whose capacity value
//!   is positive: one more tonne a year of its product is worth that value
//!   divided by the tonnes of product a unit of its activity makes;
//! - a **lane** into the paths that runs full is worth the difference
//!   between the prices at its two ends, less its transport and tariffs;
//! - a **tariff** is a wedge: on a lane used it adds its rate to every
//!   tonne; on a lane left unused whose destination price exceeds its
//!   origin price plus transport, the tariff is what keeps it out, and the
//!   value is that margin. Tariffs are aggregated per border and good.
//!
//! Values are in the period's money, per year, and in present value.
//!
//! # Limits
//! Duals are marginal: they hold for one tonne, not for large changes, and
//! a degenerate LP has several valid duals (HiGHS reports one). Constraints
//! that bind in another period (build decisions, contracts over several
//! years) are not followed across periods. An upstream facility's capacity
//! value prices every market it supplies, not this one alone; the list says
//! what binds on the paths, not how much of each market's gap it causes.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::formulation::export_controls::matching_lanes;
use crate::formulation::origins::{Layout, RuleSource};
use crate::model::{CommodityId, CountryId, Endpoint, FacilityId, Limit, Model, PeriodId};
use crate::network::Network;
use crate::plan::Plan;

mod bindings;
mod paths;
mod tariffs;
pub mod text;

use super::markets::{segment_results, SegmentResult};
use super::scope::{headline, Headline, Scope};
use paths::Paths;

/// Quantities and values below this count as zero.
const EPS: f64 = 1e-6;

/// A market price at least this many times the cheapest market's price of
/// the same good in the same period is explained.
pub const PREMIUM: f64 = 1.25;

/// The explanation of a scope of a plan.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The scope's headline numbers.
    pub headline: Headline,
    /// Segments that gave up or went unserved, most unserved first.
    pub shortfalls: Vec<Shortfall>,
    /// Markets priced far above the cheapest market of the same good.
    pub premiums: Vec<Premium>,
}

/// A demand segment in one period that did not get all it asked for.
#[derive(Debug, Clone, Serialize)]
pub struct Shortfall {
    /// Country code.
    pub country: String,
    /// Sector.
    pub sector: String,
    /// Commodity id.
    pub commodity: String,
    /// Period label.
    pub period: String,
    /// Demand, t/yr.
    pub demand_t: f64,
    /// Delivered, t/yr.
    pub delivered_t: f64,
    /// Given up (priced out), t/yr.
    pub given_up_t: f64,
    /// Critical demand unserved, t/yr.
    pub unserved_t: f64,
    /// The market price it faced, $/t (money of the period).
    pub price: f64,
    /// What binds on its supply paths, most valuable first.
    pub binding: Vec<Binding>,
    /// The explanation in one paragraph.
    pub sentence: String,
}

/// A market priced far above the cheapest market of the same good.
#[derive(Debug, Clone, Serialize)]
pub struct Premium {
    /// Country code.
    pub country: String,
    /// Commodity id.
    pub commodity: String,
    /// Period label.
    pub period: String,
    /// Its price, $/t.
    pub price: f64,
    /// The cheapest market's price, $/t.
    pub cheapest_price: f64,
    /// The cheapest market.
    pub cheapest_country: String,
    /// What binds on its supply paths, most valuable first.
    pub binding: Vec<Binding>,
    /// The explanation in one paragraph.
    pub sentence: String,
}

/// What kind of constraint binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An export control's cap.
    ExportLicence,
    /// A content rule's share.
    ContentRule,
    /// Buyers' origin preference (a content rule with a premium): `limit`
    /// is the share they take without minding origin, `used` the tainted
    /// tonnes they took beyond it at the premium.
    OriginPreference,
    /// A facility's capacity.
    Capacity,
    /// A lane's capacity.
    Lane,
    /// A tariff on a border crossing used.
    Tariff,
    /// A tariff that keeps a cheaper source out.
    TariffBlocks,
    /// A collector gathers all the scrap there is: the swarf its makers
    /// cut, or the end-of-life scrap returning to it.
    Scrap,
}

/// One constraint binding on a market's supply paths.
#[derive(Debug, Clone, Serialize)]
pub struct Binding {
    /// What kind.
    pub kind: Kind,
    /// Its id in the model: control, rule or facility id; a lane
    /// `from>to`; a tariff `EXPORTER>IMPORTER`.
    pub id: String,
    /// What it limits, in words.
    pub what: String,
    /// The limit, in `unit` (for a tariff, its rate in $/t).
    pub limit: f64,
    /// Used, in `unit` (the tonnes crossing, for a tariff).
    pub used: f64,
    /// Unit of `limit` and `used`, e.g. `t/yr of magnet`.
    pub unit: String,
    /// What one tonne more (or, for a tariff, its removal per tonne) is
    /// worth, $/t in the period's money.
    pub value_per_t: f64,
    /// The same in present value in the base year.
    pub value_per_t_pv: f64,
    /// What it adds to each tonne the market received, $/t in the period's
    /// money: its value times the tonnes of it in the market's deliveries
    /// (shares followed up the paths), over the tonnes delivered. None when
    /// it does not act through tonnes the market received (a ban, a
    /// content rule, a tariff that keeps a source out).
    pub adds_per_t: Option<f64>,
    /// Whether `value_per_t` is per tonne of the market's own good (a
    /// control or rule on it, a tariff or lane into the market), so that it
    /// ranks beside `adds_per_t` when that is none.
    #[serde(skip)]
    pub on_market_good: bool,
}

impl Binding {
    /// How it ranks: what it adds to a delivered tonne, else its value when
    /// that is per tonne of the market's good, else nothing (after the
    /// rest, by value).
    fn weight(&self) -> (f64, f64) {
        let w = match self.adds_per_t {
            Some(a) => a,
            None if self.on_market_good => self.value_per_t,
            None => 0.0,
        };
        (w, self.value_per_t)
    }
}

/// Explains the shortfalls and premiums of `plan` within `scope`.
pub fn explain(model: &Model, network: &Network, plan: &Plan, scope: &Scope) -> Explanation {
    let segments = segment_results(model, plan);
    let ctx = Context::new(model, network, plan);
    let mut paths: BTreeMap<(usize, usize, usize), Paths> = BTreeMap::new();
    let mut shortfalls = Vec::new();
    for r in segments
        .iter()
        .filter(|r| scope.has_segment(model, r.segment))
    {
        if r.given_up + r.unserved <= EPS {
            continue;
        }
        let seg = &model.demand[r.segment];
        let key = (seg.country.0, seg.commodity.0, seg.period.0);
        let p = paths
            .entry(key)
            .or_insert_with(|| ctx.paths(seg.country, seg.commodity, seg.period));
        let binding = ctx.binding(p, seg.country, &[seg.sector.as_str()], seg.period);
        shortfalls.push(shortfall(model, r, binding));
    }
    shortfalls.sort_by(|a, b| {
        (b.unserved_t.total_cmp(&a.unserved_t)).then(b.given_up_t.total_cmp(&a.given_up_t))
    });
    let short_markets: Vec<(usize, usize, usize)> = paths.keys().copied().collect();
    let premiums = premiums(&ctx, scope, &segments, &short_markets);
    Explanation {
        headline: headline(model, scope, &segments),
        shortfalls,
        premiums,
    }
}

fn shortfall(model: &Model, r: &SegmentResult, binding: Vec<Binding>) -> Shortfall {
    let seg = &model.demand[r.segment];
    let mut s = Shortfall {
        country: model.countries[seg.country.0].code.clone(),
        sector: seg.sector.clone(),
        commodity: model.commodities[seg.commodity.0].id.clone(),
        period: model.periods[seg.period.0].label.clone(),
        demand_t: seg.tonnes,
        delivered_t: r.delivered,
        given_up_t: r.given_up,
        unserved_t: r.unserved,
        price: r.price,
        binding,
        sentence: String::new(),
    };
    s.sentence = text::shortfall_sentence(&s, &model.settings.currency);
    s
}

/// Markets in scope (with demand, and no shortfall explained already)
/// priced at least [`PREMIUM`] times the cheapest market of the same good
/// in the same period.
fn premiums(
    ctx: &Context,
    scope: &Scope,
    segments: &[SegmentResult],
    explained: &[(usize, usize, usize)],
) -> Vec<Premium> {
    let model = ctx.model;
    // (commodity, period) -> country -> price, over markets with demand.
    let mut prices: BTreeMap<(usize, usize), BTreeMap<usize, f64>> = BTreeMap::new();
    // (country, commodity, period) -> the scope's sectors there, and the
    // highest price they pay (a market split by sector prices each apart).
    let mut in_scope: BTreeMap<(usize, usize, usize), (Vec<&str>, f64)> = BTreeMap::new();
    for r in segments {
        let seg = &model.demand[r.segment];
        let price = ctx.market_price(seg.country, seg.commodity, seg.period);
        (prices.entry((seg.commodity.0, seg.period.0)).or_default()).insert(seg.country.0, price);
        if scope.has_segment(model, r.segment) {
            let key = (seg.country.0, seg.commodity.0, seg.period.0);
            let e = in_scope.entry(key).or_insert((Vec::new(), 0.0));
            e.0.push(seg.sector.as_str());
            e.1 = e.1.max(r.price);
        }
    }
    let mut out = Vec::new();
    for ((c, t), by_country) in &prices {
        let Some((&low_country, &low)) = by_country.iter().min_by(|a, b| a.1.total_cmp(b.1)) else {
            continue;
        };
        for &country in by_country.keys() {
            let (cid, tid) = (CountryId(country), PeriodId(*t));
            let Some((sectors, price)) = in_scope.get(&(country, *c, *t)) else {
                continue;
            };
            let price = *price;
            if explained.contains(&(country, *c, *t)) || low <= EPS || price < PREMIUM * low {
                continue;
            }
            let p = ctx.paths(cid, CommodityId(*c), tid);
            let binding = ctx.binding(&p, cid, sectors, tid);
            let mut premium = Premium {
                country: model.countries[country].code.clone(),
                commodity: model.commodities[*c].id.clone(),
                period: model.periods[*t].label.clone(),
                price,
                cheapest_price: low,
                cheapest_country: model.countries[low_country].code.clone(),
                binding,
                sentence: String::new(),
            };
            premium.sentence = text::premium_sentence(&premium, &model.settings.currency);
            out.push(premium);
        }
    }
    out.sort_by(|a, b| (b.price / b.cheapest_price).total_cmp(&(a.price / a.cheapest_price)));
    out
}

/// What the explanation reads from a plan, indexed once.
struct Context<'a> {
    model: &'a Model,
    network: &'a Network,
    plan: &'a Plan,
    /// Price of each commodity at each place and period.
    prices: BTreeMap<(Endpoint, CommodityId, PeriodId), f64>,
    /// The lanes each export control covers, as a membership per lane.
    covered: Vec<Vec<bool>>,
    /// Content rules' ids by layout index (share rules only).
    rule_ids: Vec<Option<usize>>,
    /// Facilities downstream first.
    order: Vec<FacilityId>,
    /// What each facility earns per unit of activity besides its outputs
    /// (on its swarf, from contracts), by (facility, period).
    earns: BTreeMap<(FacilityId, PeriodId), f64>,
    /// What offtakes with a buyer pay on a tonne delivered to it, by (lane,
    /// period).
    pays: BTreeMap<(crate::network::LaneId, PeriodId), f64>,
    /// What one more tonne of scrap is worth to each collector whose swarf
    /// or end-of-life row binds, by (collector, period), with the row's kind
    /// (true: swarf).
    scrap: BTreeMap<(FacilityId, PeriodId), (f64, bool)>,
}

impl<'a> Context<'a> {
    fn new(model: &'a Model, network: &'a Network, plan: &'a Plan) -> Context<'a> {
        let prices = (plan.prices.iter())
            .map(|p| ((p.place, p.commodity, p.period), p.value))
            .collect();
        let covered = (model.export_controls.iter())
            .map(|ec| {
                let mut on = vec![false; network.lanes().len()];
                for l in matching_lanes(model, network, ec) {
                    on[l.0] = true;
                }
                on
            })
            .collect();
        let rule_ids = if plan.layers.rules.is_empty() {
            Vec::new()
        } else {
            (Layout::rules_of(model).rules.iter())
                .map(|rule| match (rule.source, rule.limit) {
                    (RuleSource::Content(i), Limit::Share(_)) => Some(i),
                    _ => None,
                })
                .collect()
        };
        Context {
            model,
            network,
            plan,
            prices,
            covered,
            rule_ids,
            order: paths::downstream_first(network),
            earns: earnings(model, plan),
            pays: crate::formulation::contracts::lane_payments(model, network, plan),
            scrap: (plan.swarf.iter().map(|v| (v, true)))
                .chain(plan.end_of_life.iter().map(|v| (v, false)))
                .filter(|(v, _)| v.value > EPS)
                .map(|(v, swarf)| ((v.facility, v.period), (v.value, swarf)))
                .collect(),
        }
    }

    fn price(&self, place: Endpoint, c: CommodityId, t: PeriodId) -> Option<f64> {
        self.prices.get(&(place, c, t)).copied()
    }

    fn market_price(&self, country: CountryId, c: CommodityId, t: PeriodId) -> f64 {
        self.price(Endpoint::Market(country), c, t).unwrap_or(0.0)
    }

    fn paths(&self, country: CountryId, c: CommodityId, t: PeriodId) -> Paths {
        let price = |place, good| self.price(place, good, t);
        let earns = |f| self.earns.get(&(f, t)).copied().unwrap_or(0.0);
        let pays = |l| self.pays.get(&(l, t)).copied().unwrap_or(0.0);
        paths::paths(
            self.model,
            self.network,
            self.plan,
            &self.order,
            (country, c, t),
            paths::Values {
                price: &price,
                earns: &earns,
                pays: &pays,
            },
        )
    }
}

/// What each facility earns per unit of activity besides its outputs, by
/// (facility, period): on the swarf it cuts, and from contracts.
fn earnings(model: &Model, plan: &Plan) -> BTreeMap<(FacilityId, PeriodId), f64> {
    let mut out = crate::formulation::swarf::credits(model, plan);
    for (k, v) in crate::formulation::contracts::earnings(model, plan) {
        *out.entry(k).or_default() += v;
    }
    out
}

/// `value` on each of `carried` tonnes, spread over `delivered` tonnes;
/// none when the market received none of them.
fn adds(value: f64, carried: f64, delivered: f64) -> Option<f64> {
    (carried > EPS && delivered > EPS).then(|| value * carried / delivered)
}

/// The facilities on the supply paths of `country`'s markets of the goods
/// `goods` in the periods `periods`: each with some share of its activity
/// in their deliveries ([`paths`]).
pub(crate) fn on_supply_paths(
    model: &Model,
    network: &Network,
    plan: &Plan,
    country: CountryId,
    goods: &[CommodityId],
    periods: &[PeriodId],
) -> Vec<bool> {
    let ctx = Context::new(model, network, plan);
    let mut on = vec![false; model.facilities.len()];
    for &c in goods {
        for &t in periods {
            let p = ctx.paths(country, c, t);
            for (f, s) in p.share.iter().enumerate() {
                on[f] |= *s > EPS;
            }
        }
    }
    on
}
