//! What a solve reports: the summary (printed as a table or JSON, and
//! written as `summary.json`) and the result files.

pub mod charts;
pub mod diff;
pub mod explain;
pub mod files;
pub mod html;
pub mod markets;
pub mod reliance;
pub mod results_dir;
pub mod rules;
pub mod run;
pub mod sankey;
pub mod scope;
mod scoped;
pub mod stocks;
pub mod sweeps;
mod tables;
pub mod terminal;

use serde::Serialize;

use crate::formulation::lp::LpSize;
use crate::model::{Endpoint, Model};
use crate::network::Network;
use crate::plan::{CapUse, Costs, Plan, Verification};
use crate::trace::{shares, Dependency, Share, STAGES};

/// How many rows the "largest" and "most constrained" lists keep.
pub const TOP: usize = 10;

/// The headline numbers of a plan. Holds no timings, so the same inputs give
/// a byte-identical summary.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// What produced the plan (set by the command that solved it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<run::Run>,
    /// Model name.
    pub model: String,
    /// Solver status, e.g. `optimal`.
    pub status: String,
    /// MIP gap, when the model has integers.
    pub mip_gap: Option<f64>,
    /// Currency of every money figure.
    pub currency: String,
    /// Year costs are discounted to.
    pub base_year: i32,
    /// Annual discount rate.
    pub discount_rate: f64,
    /// Total cost, present value.
    pub objective: f64,
    /// Cost by kind, present value.
    pub costs: Costs,
    /// Unserved tonnes of critical demand over the whole horizon
    /// (per-year shortage × years).
    pub shortage_t: f64,
    /// Tonnes given up (priced out) over the whole horizon.
    pub given_up_t: f64,
    /// Each country's sector over the horizon, largest spend first.
    pub markets: Vec<markets::MarketRow>,
    /// Demand segments not fully delivered: given up or unserved.
    pub shortages: Vec<ShortageRow>,
    /// Net import reliance for compounds and metals of every country with
    /// demand, per period (USGS's definition).
    pub import_reliance: Vec<reliance::Reliance>,
    /// The scope a user asked for (`--market`, `--sector`, `--periods`):
    /// its headline numbers. The lists below are narrowed to it; the cost
    /// and its kinds, the builds and the constrained facilities stay the
    /// world's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<scope::Headline>,
    /// The market a user follows (`--market`), year by year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market: Option<markets::MarketFocus>,
    /// The largest flows over the horizon.
    pub largest_flows: Vec<FlowRow>,
    /// Facilities whose capacity binds, most valuable first.
    pub constrained_facilities: Vec<ConstrainedRow>,
    /// Export caps by period, with use and shadow price.
    pub caps: Vec<CapRow>,
    /// Each content rule in each country and period it applies to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<rules::RuleRow>,
    /// Candidates built (or, relaxed, built in part), with their start.
    pub builds: Vec<BuildRow>,
    /// Each stockpile in each period.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stocks: Vec<stocks::StockRow>,
    /// Per period and traced stage, each country's share of world output.
    pub stage_shares: Vec<StageShares>,
    /// Per market (demand country and commodity) and period, where its
    /// supply was mined, separated, made into metal and into magnets.
    pub dependency: Vec<MarketDependency>,
    /// The check of the plan against the model.
    pub verification: Verification,
    /// Size of the LP.
    pub lp: LpSize,
}

/// A demand segment that was not fully delivered.
#[derive(Debug, Clone, Serialize)]
pub struct ShortageRow {
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
    /// Given up along the demand curve (priced out), t/yr.
    pub given_up_t: f64,
    /// Critical demand unserved, t/yr.
    pub shortage_t: f64,
    /// The market price, $/t.
    pub price: f64,
}

/// A lane's total over the horizon.
#[derive(Debug, Clone, Serialize)]
pub struct FlowRow {
    /// Commodity id.
    pub commodity: String,
    /// Facility id.
    pub from: String,
    /// Facility id or `market:CC`.
    pub to: String,
    /// Tonnes over the whole horizon.
    pub tonnes: f64,
}

/// A facility whose capacity binds.
#[derive(Debug, Clone, Serialize)]
pub struct ConstrainedRow {
    /// Facility id.
    pub facility: String,
    /// Country code.
    pub country: String,
    /// Periods in which capacity binds.
    pub periods_binding: usize,
    /// Present value of one more unit of usable capacity in every period.
    pub value_pv: f64,
    /// What a unit of its capacity makes a year: tonnes of `product`.
    pub product_t: f64,
    /// Its outputs (`+` between joint products).
    pub product: String,
    /// `value_pv` per tonne of product a year.
    pub value_pv_per_t: f64,
    /// One more unit of usable capacity in every binding period, each
    /// period's value a year in its own money times its years
    /// (undiscounted).
    pub value: f64,
    /// `value` per tonne of product a year.
    pub value_per_t: f64,
}

/// What one unit of a facility's activity makes: tonnes of product (every
/// output of its process together) and their names.
pub fn product_of(model: &Model, f: usize) -> (f64, String) {
    let process = &model.processes[model.facilities[f].process.0];
    let names: Vec<&str> = (process.outputs())
        .map(|c| model.commodities[c.0].id.as_str())
        .collect();
    (process.product_tonnes(), names.join("+"))
}

/// One export cap in one period.
#[derive(Debug, Clone, Serialize)]
pub struct CapRow {
    /// Control id.
    pub id: String,
    /// Period label.
    pub period: String,
    /// t/yr shipped under it.
    pub used: f64,
    /// The cap, t/yr.
    pub cap: f64,
    /// $/t saved by one more tonne of quota (money of the period).
    pub shadow_price: f64,
    /// The same in base-year money (present value).
    pub shadow_price_pv: f64,
}

/// A build decision taken.
#[derive(Debug, Clone, Serialize)]
pub struct BuildRow {
    /// Facility id.
    pub facility: String,
    /// Country code.
    pub country: String,
    /// First period of operation.
    pub start: String,
    /// 1 when built; a share when build decisions are relaxed.
    pub share: f64,
    /// Capacity, activity units per year at full availability.
    pub capacity: f64,
    /// Capital cost, $ (undiscounted), times the share.
    pub build_cost: f64,
}

/// World output of one traced stage in one period.
#[derive(Debug, Clone, Serialize)]
pub struct StageShares {
    /// Period label.
    pub period: String,
    /// `mined`, `separated`, `metal` or `magnet`.
    pub stage: String,
    /// World output of the stage, t/yr.
    pub total_t: f64,
    /// Shares by country, largest first.
    pub shares: Vec<Share>,
}

/// Origins of one market's supply in one period.
#[derive(Debug, Clone, Serialize)]
pub struct MarketDependency {
    /// Demand country.
    pub country: String,
    /// Commodity.
    pub commodity: String,
    /// The sector group, where a rule splits the market by sector
    /// (`(rest)`: the sectors no rule names); absent for a whole market.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
    /// Its stage (`magnet`, `oxide`, ...).
    pub stage: String,
    /// Period label.
    pub period: String,
    /// Delivered, t/yr.
    pub delivered_t: f64,
    /// Where it was mined.
    pub mined: Vec<Share>,
    /// Where it was separated.
    pub separated: Vec<Share>,
    /// Where it was made into metal.
    pub metal: Vec<Share>,
    /// Where it was made into magnets.
    pub magnet: Vec<Share>,
}

impl MarketDependency {
    /// The shares of stage `s` (an index into [`crate::trace::STAGES`]).
    pub fn stage(&self, s: usize) -> &[Share] {
        match s {
            0 => &self.mined,
            1 => &self.separated,
            2 => &self.metal,
            _ => &self.magnet,
        }
    }
}

impl Summary {
    /// Builds the summary of `plan`.
    pub fn new(
        model: &Model,
        network: &Network,
        plan: &Plan,
        dependency: &Dependency,
        lp: LpSize,
    ) -> Summary {
        let segments = markets::segment_results(model, plan);
        Summary {
            run: None,
            model: model.settings.name.clone(),
            status: plan.status.label(),
            mip_gap: plan.mip_gap,
            currency: model.settings.currency.clone(),
            base_year: model.settings.base_year,
            discount_rate: model.settings.discount_rate,
            objective: plan.objective,
            costs: plan.costs.clone(),
            shortage_t: plan.shortage_tonnes(model),
            given_up_t: plan.given_up_tonnes(model),
            markets: markets::market_rows(model, &segments),
            shortages: shortage_rows(model, &segments),
            import_reliance: reliance::all(model, network, plan),
            scope: None,
            market: None,
            largest_flows: largest_flows(model, network, plan),
            constrained_facilities: constrained_facilities(model, plan),
            caps: cap_rows(model, plan),
            rules: rules::rule_rows(model, plan),
            builds: build_rows(model, plan),
            stocks: stocks::stock_rows(model, plan),
            stage_shares: stage_shares(model, dependency),
            dependency: market_dependency(model, dependency),
            verification: plan.verification.clone(),
            lp,
        }
    }
}

/// Every demand segment not fully delivered, in the order of `demand.csv`.
fn shortage_rows(model: &Model, segments: &[markets::SegmentResult]) -> Vec<ShortageRow> {
    segments
        .iter()
        .filter(|r| r.given_up > 0.0 || r.unserved > 0.0)
        .map(|r| {
            let seg = &model.demand[r.segment];
            ShortageRow {
                country: model.countries[seg.country.0].code.clone(),
                sector: seg.sector.clone(),
                commodity: model.commodities[seg.commodity.0].id.clone(),
                period: model.periods[seg.period.0].label.clone(),
                demand_t: seg.tonnes,
                given_up_t: r.given_up,
                shortage_t: r.unserved,
                price: r.price,
            }
        })
        .collect()
}

/// The [`TOP`] lanes by tonnes over the horizon (each period's flow times
/// its years), largest first; lanes that carry nothing are left out.
fn largest_flows(model: &Model, network: &Network, plan: &Plan) -> Vec<FlowRow> {
    let years = |t: usize| f64::from(model.periods[t].years);
    let mut largest_flows: Vec<FlowRow> = network
        .lanes()
        .iter()
        .enumerate()
        .map(|(l, lane)| FlowRow {
            commodity: model.commodities[lane.commodity.0].id.clone(),
            from: model.facilities[lane.from.0].id.clone(),
            to: model.endpoint_name(lane.to),
            tonnes: plan.flows[l]
                .iter()
                .enumerate()
                .map(|(t, q)| q * years(t))
                .sum(),
        })
        .filter(|r| r.tonnes > 0.0)
        .collect();
    largest_flows.sort_by(|a, b| b.tonnes.total_cmp(&a.tonnes));
    largest_flows.truncate(TOP);
    largest_flows
}

/// The [`TOP`] facilities whose capacity binds in some period, by the
/// present value of one more unit of capacity in every binding period. A
/// period in which a facility has no capacity (a candidate not built, a
/// plant not yet open) is not one: nothing reaches it, so the prices of
/// its inputs and outputs there, and with them its first unit's value, are
/// bounds the solver picks, not prices.
fn constrained_facilities(model: &Model, plan: &Plan) -> Vec<ConstrainedRow> {
    let mut constrained: Vec<ConstrainedRow> = model
        .facilities
        .iter()
        .enumerate()
        .filter_map(|(f, fac)| {
            let binding: Vec<usize> = (0..model.periods.len())
                .filter(|&t| plan.capacity[f][t] > 0.0 && plan.capacity_value[f][t] > 0.0)
                .collect();
            (!binding.is_empty()).then(|| {
                let value_pv: f64 = (binding.iter())
                    .map(|&t| {
                        plan.capacity_value[f][t] * model.period_weight(crate::model::PeriodId(t))
                    })
                    .sum();
                let value: f64 = (binding.iter())
                    .map(|&t| plan.capacity_value[f][t] * f64::from(model.periods[t].years))
                    .sum();
                let (product_t, product) = product_of(model, f);
                let per_t = |v: f64| if product_t > 0.0 { v / product_t } else { 0.0 };
                ConstrainedRow {
                    facility: fac.id.clone(),
                    country: model.countries[fac.country.0].code.clone(),
                    periods_binding: binding.len(),
                    value_pv,
                    value_pv_per_t: per_t(value_pv),
                    value,
                    value_per_t: per_t(value),
                    product_t,
                    product,
                }
            })
        })
        .collect();
    constrained.sort_by(|a, b| b.value_pv.total_cmp(&a.value_pv));
    constrained.truncate(TOP);
    constrained
}

/// Every export cap of the plan, by period, then control id.
fn cap_rows(model: &Model, plan: &Plan) -> Vec<CapRow> {
    caps_by_key(model, plan)
        .into_iter()
        .map(|c| CapRow {
            id: model.export_controls[c.control].id.clone(),
            period: model.periods[c.period.0].label.clone(),
            used: c.used,
            cap: c.cap,
            shadow_price: c.shadow_price,
            shadow_price_pv: c.shadow_price * per_year_pv(model, c.period),
        })
        .collect()
}

/// The plan's export caps by period, then control id: never in the order
/// of `export_controls.csv`.
fn caps_by_key<'p>(model: &Model, plan: &'p Plan) -> Vec<&'p CapUse> {
    let mut caps: Vec<&CapUse> = plan.caps.iter().collect();
    caps.sort_by(|a, b| {
        let id = |c: &CapUse| &model.export_controls[c.control].id;
        (a.period, id(a)).cmp(&(b.period, id(b)))
    });
    caps
}

/// The candidates built (or, relaxed, built in part), with their start.
fn build_rows(model: &Model, plan: &Plan) -> Vec<BuildRow> {
    plan.built()
        .map(|b| {
            let (f, t, y) = (b.candidate, b.start, b.share);
            let fac = &model.facilities[f.0];
            BuildRow {
                facility: fac.id.clone(),
                country: model.countries[fac.country.0].code.clone(),
                start: model.periods[t.0].label.clone(),
                share: y,
                capacity: fac.capacity,
                build_cost: y * fac.build_cost,
            }
        })
        .collect()
}

/// Each traced stage's world output and country shares, per period in
/// order and stage upstream first.
fn stage_shares(model: &Model, dependency: &Dependency) -> Vec<StageShares> {
    dependency
        .stage_output
        .iter()
        .enumerate()
        .flat_map(|(t, out)| {
            out.iter().enumerate().map(move |(s, v)| StageShares {
                period: model.periods[t].label.clone(),
                stage: STAGES[s].to_string(),
                total_t: v.iter().sum(),
                shares: shares(model, v),
            })
        })
        .collect()
}

/// Where each market's supply in each period was mined, separated, made
/// into metal and into magnets.
fn market_dependency(model: &Model, dependency: &Dependency) -> Vec<MarketDependency> {
    dependency
        .markets
        .iter()
        .map(|m| MarketDependency {
            country: model.countries[m.country.0].code.clone(),
            commodity: model.commodities[m.commodity.0].id.clone(),
            sector: m
                .split
                .then(|| m.sector.clone().unwrap_or_else(|| "(rest)".to_string())),
            stage: model.commodities[m.commodity.0].stage.as_str().to_string(),
            period: model.periods[m.period.0].label.clone(),
            delivered_t: m.delivered,
            mined: shares(model, &m.mix[0]),
            separated: shares(model, &m.mix[1]),
            metal: shares(model, &m.mix[2]),
            magnet: shares(model, &m.mix[3]),
        })
        .collect()
}

/// A period's discount factor per year: money of the period times this is
/// base-year money (its weight over its years).
pub fn per_year_pv(model: &Model, t: crate::model::PeriodId) -> f64 {
    model.period_weight(t) / f64::from(model.periods[t.0].years)
}

/// Name of a place in prices.csv and flows.csv.
pub fn place(model: &Model, e: Endpoint) -> String {
    model.endpoint_name(e)
}

/// Formats a number for files: integers without a fraction, others with at
/// most 6 decimals, never `-0`.
pub fn num(v: f64) -> String {
    let v = if v == 0.0 { 0.0 } else { v };
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{v:.0}");
    }
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn numbers_print_stably() {
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(1500.0), "1500");
        assert_eq!(num(0.1 + 0.2), "0.3");
        assert_eq!(num(-1e-9), "0");
        assert_eq!(num(2.5), "2.5");
    }
}
