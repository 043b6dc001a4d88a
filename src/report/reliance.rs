//! Net import reliance for rare-earth compounds and metals, as the USGS
//! Mineral Commodity Summaries define it: (imports − exports) / apparent
//! consumption, where apparent consumption = production + imports −
//! exports. Compounds and metals are the commodities at the stages
//! `mixed-compound`, `oxide` and `metal`; ores, concentrates, alloys,
//! magnets and scrap are not counted. Production is what the country's
//! facilities make of them, less what they dispose of (surplus joint
//! products that never reach a buyer); a process that turns a good into
//! another of the same or an earlier stage (finishing an oxide, swapping
//! one metal for another) makes nothing new and is not counted again.
//! Imports and exports are the flows that cross its border.

use serde::Serialize;

use crate::model::{CountryId, Model, PeriodId, Stage};
use crate::network::Network;
use crate::plan::Plan;

/// The stages USGS counts as compounds and metals.
const STAGES: [Stage; 3] = [Stage::MixedCompound, Stage::Oxide, Stage::Metal];

/// One country's trade in compounds and metals in one period.
#[derive(Debug, Clone, Serialize)]
pub struct Reliance {
    /// Country code.
    pub country: String,
    /// Period label.
    pub period: String,
    /// Made at home, t/yr.
    pub production_t: f64,
    /// Brought in, t/yr.
    pub imports_t: f64,
    /// Sent out, t/yr.
    pub exports_t: f64,
    /// (imports − exports) / apparent consumption; none when nothing is
    /// consumed. Negative for a net exporter.
    pub reliance: Option<f64>,
}

/// The net import reliance of `country` in period `t`.
pub fn import_reliance(
    model: &Model,
    network: &Network,
    plan: &Plan,
    country: CountryId,
    t: PeriodId,
) -> Reliance {
    let counted = |c: crate::model::CommodityId| STAGES.contains(&model.commodities[c.0].stage);
    let mut production = 0.0;
    for (f, fac) in model.facilities.iter().enumerate() {
        if fac.country != country {
            continue;
        }
        let process = &model.processes[fac.process.0];
        if !crate::trace::advances(model, process) {
            continue;
        }
        for (c, coef) in &process.terms {
            if *coef > 0.0 && counted(*c) {
                production += coef * plan.activity[f][t.0];
            }
        }
    }
    let disposed: f64 = plan
        .disposal
        .iter()
        .filter(|d| d.period == t && counted(d.commodity))
        .filter(|d| model.facilities[d.facility.0].country == country)
        .map(|d| d.tonnes)
        .sum();
    let (mut imports, mut exports) = (0.0, 0.0);
    for (l, lane) in network.lanes().iter().enumerate() {
        if !counted(lane.commodity) {
            continue;
        }
        let from = model.facilities[lane.from.0].country;
        let to = model.endpoint_country(lane.to);
        let q = plan.flows[l][t.0];
        if to == country && from != country {
            imports += q;
        } else if from == country && to != country {
            exports += q;
        }
    }
    let production = production - disposed;
    let consumption = production + imports - exports;
    Reliance {
        country: model.countries[country.0].code.clone(),
        period: model.periods[t.0].label.clone(),
        production_t: production,
        imports_t: imports,
        exports_t: exports,
        reliance: (consumption > 1e-9).then(|| (imports - exports) / consumption),
    }
}

/// The net import reliance of every country with demand, in every period,
/// by country code then period.
pub fn all(model: &Model, network: &Network, plan: &Plan) -> Vec<Reliance> {
    let mut countries: Vec<CountryId> = model.demand.iter().map(|d| d.country).collect();
    countries.sort_by_key(|c| model.countries[c.0].code.clone());
    countries.dedup();
    countries
        .into_iter()
        .flat_map(|c| {
            model
                .period_ids()
                .map(move |t| import_reliance(model, network, plan, c, t))
        })
        .collect()
}
