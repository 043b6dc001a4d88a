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
//! - an **export licence** (cap) binds when its shadow price is positive,
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
    /// A facility's capacity.
    Capacity,
    /// A lane's capacity.
    Lane,
    /// A tariff on a border crossing used.
    Tariff,
    /// A tariff that keeps a cheaper source out.
    TariffBlocks,
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
        let binding = ctx.binding(p, seg.country, Some(&seg.sector), seg.period);
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
    for r in segments {
        let seg = &model.demand[r.segment];
        let price = ctx.market_price(seg.country, seg.commodity, seg.period);
        (prices.entry((seg.commodity.0, seg.period.0)).or_default()).insert(seg.country.0, price);
    }
    let mut out = Vec::new();
    for ((c, t), by_country) in &prices {
        let Some((&low_country, &low)) = by_country.iter().min_by(|a, b| a.1.total_cmp(b.1)) else {
            continue;
        };
        for (&country, &price) in by_country {
            let (cid, tid) = (CountryId(country), PeriodId(*t));
            if !scope.has_country(cid)
                || !scope.has_period(tid)
                || explained.contains(&(country, *c, *t))
            {
                continue;
            }
            if low <= EPS || price < PREMIUM * low {
                continue;
            }
            let p = ctx.paths(cid, CommodityId(*c), tid);
            let binding = ctx.binding(&p, cid, scope.sector.as_deref(), tid);
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
            order: paths::downstream_first(model, network),
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
        paths::paths(
            self.model,
            self.network,
            self.plan,
            &self.order,
            (country, c, t),
            &price,
        )
    }

    /// Everything binding on `paths` for the market of `country` (and
    /// `sector`, when given) in period `t`, most valuable first.
    fn binding(
        &self,
        paths: &Paths,
        country: CountryId,
        sector: Option<&str>,
        t: PeriodId,
    ) -> Vec<Binding> {
        let pv = self.model.period_weight(t) / f64::from(self.model.periods[t.0].years);
        let mut out = self.licences(paths, country, sector, t);
        out.extend(self.rules(paths.market.1, country, sector, t));
        out.extend(self.capacities(paths, t));
        out.extend(self.full_lanes(paths, t));
        out.extend(tariffs::tariffs(
            self.model,
            self.network,
            self.plan,
            paths,
            t,
            |place, c| self.price(place, c, t),
        ));
        for b in &mut out {
            b.value_per_t_pv = b.value_per_t * pv;
        }
        out.sort_by(|a, b| {
            let (wa, wb) = (a.weight(), b.weight());
            (wb.0.total_cmp(&wa.0))
                .then(wb.1.total_cmp(&wa.1))
                .then(a.id.cmp(&b.id))
        });
        out
    }

    fn licences(
        &self,
        paths: &Paths,
        country: CountryId,
        sector: Option<&str>,
        t: PeriodId,
    ) -> Vec<Binding> {
        let model = self.model;
        let mut out = Vec::new();
        for u in self
            .plan
            .caps
            .iter()
            .filter(|u| u.period == t && u.shadow_price > EPS)
        {
            let ec = &model.export_controls[u.control];
            let sector_ok = match (&ec.end_use, sector) {
                (Some(e), Some(s)) => e == s,
                _ => true,
            };
            let on_paths = match ec.scope {
                crate::model::Scope::Origin => true,
                crate::model::Scope::Direct => {
                    paths.feeding.iter().any(|l| self.covered[u.control][l.0])
                }
            };
            if !ec.destination.contains(country) || !sector_ok || !on_paths {
                continue;
            }
            let carried: f64 = (paths.feeding.iter())
                .filter(|l| self.covered[u.control][l.0])
                .map(|&l| paths.carried(l))
                .sum();
            let end_use = ec
                .end_use
                .as_ref()
                .map_or(String::new(), |e| format!(" for {e} use"));
            out.push(Binding {
                kind: Kind::ExportLicence,
                id: ec.id.clone(),
                what: format!(
                    "{}>{} {} export licence{end_use}",
                    ec.exporter.label, ec.destination.label, ec.goods.label
                ),
                limit: u.cap,
                used: u.used,
                unit: format!("t/yr of {}", ec.goods.label),
                value_per_t: u.shadow_price,
                value_per_t_pv: 0.0,
                adds_per_t: adds(u.shadow_price, carried, paths.delivered),
                on_market_good: ec.goods.contains(paths.market.1),
            });
        }
        out
    }

    /// Content rules on the market's good (and sector, when given) in its
    /// country that bind.
    fn rules(
        &self,
        good: CommodityId,
        country: CountryId,
        sector: Option<&str>,
        t: PeriodId,
    ) -> Vec<Binding> {
        let layers = &self.plan.layers;
        (layers.rules.iter())
            .filter(|u| u.country == country && u.period == t && u.shadow_price > EPS)
            .filter_map(|u| {
                let rule = &self.model.content_rules[(*self.rule_ids.get(u.rule)?)?];
                let covers = rule.goods.contains(good)
                    && (sector.is_none() || rule.covers(country, sector, good));
                covers.then(|| Binding {
                    kind: Kind::ContentRule,
                    id: rule.id.clone(),
                    what: format!(
                        "content rule: at most {:.0}% from {}",
                        rule.max_share * 100.0,
                        rule.origin.label
                    ),
                    limit: rule.max_share * u.received,
                    used: u.tainted,
                    unit: "t/yr tainted".to_string(),
                    value_per_t: u.shadow_price,
                    value_per_t_pv: 0.0,
                    adds_per_t: None,
                    on_market_good: true,
                })
            })
            .collect()
    }

    fn capacities(&self, paths: &Paths, t: PeriodId) -> Vec<Binding> {
        let (model, plan) = (self.model, self.plan);
        (0..model.facilities.len())
            .filter(|&f| paths.share[f] > 0.0 && plan.capacity_value[f][t.0] > EPS)
            .filter_map(|f| {
                let (product_t, product) = crate::report::product_of(model, f);
                (product_t > 0.0).then(|| {
                    let fac = &model.facilities[f];
                    Binding {
                        kind: Kind::Capacity,
                        id: fac.id.clone(),
                        what: format!(
                            "capacity of {} in {}",
                            fac.name, model.countries[fac.country.0].code
                        ),
                        limit: plan.capacity[f][t.0] * product_t,
                        used: plan.activity[f][t.0] * product_t,
                        unit: format!("t/yr of {product}"),
                        value_per_t: plan.capacity_value[f][t.0] / product_t,
                        value_per_t_pv: 0.0,
                        adds_per_t: adds(
                            plan.capacity_value[f][t.0],
                            paths.share[f] * plan.activity[f][t.0],
                            paths.delivered,
                        ),
                        on_market_good: false,
                    }
                })
            })
            .collect()
    }

    /// Lanes feeding the paths that run at their capacity, valued at the
    /// price difference across them less transport and tariffs.
    fn full_lanes(&self, paths: &Paths, t: PeriodId) -> Vec<Binding> {
        let (model, network, plan) = (self.model, self.network, self.plan);
        let mut out = Vec::new();
        for &l in &paths.feeding {
            let lane = network.lane(l);
            let Some(cap) = lane.capacity else { continue };
            let q = plan.flows[l.0][t.0];
            if q < cap * (1.0 - 1e-6) || cap <= 0.0 {
                continue;
            }
            let (Some(to), Some(from)) = (
                self.price(lane.to, lane.commodity, t),
                self.price(Endpoint::Facility(lane.from), lane.commodity, t),
            ) else {
                continue;
            };
            let rent =
                to - from - lane.transport_cost - crate::formulation::lanes::tariff(model, lane, t);
            if rent <= EPS {
                continue;
            }
            let name = format!(
                "{}>{}",
                model.facilities[lane.from.0].id,
                model.endpoint_name(lane.to)
            );
            out.push(Binding {
                kind: Kind::Lane,
                id: name.clone(),
                what: format!("lane {name}"),
                limit: cap,
                used: q,
                unit: format!("t/yr of {}", model.commodities[lane.commodity.0].id),
                value_per_t: rent,
                value_per_t_pv: 0.0,
                adds_per_t: adds(rent, paths.carried(l), paths.delivered),
                on_market_good: lane.to == Endpoint::Market(paths.market.0),
            });
        }
        out
    }
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
                on[f] |= *s > 0.0;
            }
        }
    }
    on
}
