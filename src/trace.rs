//! Dependency: where the material reaching each market was mined,
//! separated, made into metal and made into magnets, traced through the
//! solved flows.
//!
//! Sites mix proportionally: what leaves a site carries the origin mix of
//! everything that arrived there in that period, weighted by tonnes, and a
//! site at a traced stage stamps that stage with its own country. A site's
//! stage is the most downstream stage among its outputs: concentrate or ore
//! (or scrap from a site with no inputs) is *mined*, oxide is *separated*,
//! metal and alloy are *metal*, magnets are *magnet*. Mixed compounds pass
//! their inputs' origins through unchanged.

use serde::Serialize;

use crate::model::{CommodityId, CountryId, FacilityId, Model, PeriodId, Stage};
use crate::network::Network;
use crate::plan::Plan;

/// The traced stages, upstream first.
pub const STAGES: [&str; 4] = ["mined", "separated", "metal", "magnet"];

/// The traced stage a facility performs, as an index into [`STAGES`].
pub fn facility_stage(model: &Model, f: FacilityId) -> Option<usize> {
    let process = &model.processes[model.facilities[f.0].process.0];
    let top = process
        .outputs()
        .map(|c| model.commodities[c.0].stage)
        .max()?;
    match top {
        Stage::Ore | Stage::Concentrate => Some(0),
        Stage::Scrap if process.inputs().next().is_none() => Some(0),
        Stage::Oxide => Some(1),
        Stage::Metal | Stage::Alloy => Some(2),
        Stage::Magnet => Some(3),
        Stage::MixedCompound | Stage::Scrap => None,
    }
}

/// Shares by country for each traced stage (each vector sums to 1, or is
/// all zero when no stage of that kind lies upstream).
pub type Mix = [Vec<f64>; 4];

fn empty_mix(n: usize) -> Mix {
    std::array::from_fn(|_| vec![0.0; n])
}

/// The origin mix of the supply of one market in one period.
#[derive(Debug, Clone)]
pub struct MarketOrigin {
    /// Demand country.
    pub country: CountryId,
    /// Commodity.
    pub commodity: CommodityId,
    /// Period.
    pub period: PeriodId,
    /// Tonnes per year delivered.
    pub delivered: f64,
    /// Shares by stage and country.
    pub mix: Mix,
}

/// The traced plan.
#[derive(Debug, Clone)]
pub struct Dependency {
    /// One entry per market and period with deliveries, sorted by
    /// (country, commodity, period).
    pub markets: Vec<MarketOrigin>,
    /// World output per period, stage and country, t/yr of the stage's
    /// products (all outputs of the sites at that stage).
    pub stage_output: Vec<[Vec<f64>; 4]>,
}

/// Traces `plan` through the network.
pub fn trace(model: &Model, network: &Network, plan: &Plan) -> Dependency {
    let n = model.countries.len();
    let stage: Vec<Option<usize>> = (0..model.facilities.len())
        .map(|f| facility_stage(model, FacilityId(f)))
        .collect();
    // With a cycle (material coming back upstream), sweeping several times
    // in file order converges to the same proportional mix.
    let (order, sweeps) = match network.upstream_first() {
        Some(o) => (o, 1),
        None => ((0..model.facilities.len()).map(FacilityId).collect(), 8),
    };
    let mut markets = Vec::new();
    let mut stage_output = Vec::new();
    for t in model.period_ids() {
        let mut mix: Vec<Mix> = vec![empty_mix(n); model.facilities.len()];
        for _ in 0..sweeps {
            for &f in &order {
                let fac = &model.facilities[f.0];
                let mut acc = empty_mix(n);
                let mut total = 0.0;
                for c in model.processes[fac.process.0].inputs() {
                    for l in network.lanes_into(f, c) {
                        let q = plan.flows[l.0][t.0];
                        if q > 0.0 {
                            add(&mut acc, &mix[network.lane(*l).from.0], q);
                            total += q;
                        }
                    }
                }
                if total > 0.0 {
                    scale(&mut acc, 1.0 / total);
                }
                if let Some(s) = stage[f.0] {
                    acc[s] = vec![0.0; n];
                    acc[s][fac.country.0] = 1.0;
                }
                mix[f.0] = acc;
            }
        }
        for (country, c) in Network::markets(model) {
            let mut acc = empty_mix(n);
            let mut total = 0.0;
            for l in network.lanes_to_market(country, c) {
                let q = plan.flows[l.0][t.0];
                if q > 0.0 {
                    let from = network.lane(*l).from;
                    add(&mut acc, &mix[from.0], q);
                    total += q;
                }
            }
            if total > 0.0 {
                scale(&mut acc, 1.0 / total);
                markets.push(MarketOrigin {
                    country,
                    commodity: c,
                    period: t,
                    delivered: total,
                    mix: acc,
                });
            }
        }
        let mut out: [Vec<f64>; 4] = empty_mix(n);
        for (f, fac) in model.facilities.iter().enumerate() {
            if let Some(s) = stage[f] {
                let made = output_tonnes(model, FacilityId(f), plan.activity[f][t.0]);
                out[s][fac.country.0] += made;
            }
        }
        stage_output.push(out);
    }
    Dependency {
        markets,
        stage_output,
    }
}

/// Tonnes of output (all positive recipe terms) at `activity`.
fn output_tonnes(model: &Model, f: FacilityId, activity: f64) -> f64 {
    model.processes[model.facilities[f.0].process.0]
        .terms
        .iter()
        .filter(|t| t.1 > 0.0)
        .map(|t| t.1 * activity)
        .sum()
}

fn add(acc: &mut Mix, mix: &Mix, weight: f64) {
    for (a, m) in acc.iter_mut().zip(mix) {
        for (x, y) in a.iter_mut().zip(m) {
            *x += weight * y;
        }
    }
}

fn scale(acc: &mut Mix, k: f64) {
    for v in acc.iter_mut().flat_map(|a| a.iter_mut()) {
        *v *= k;
    }
}

/// One source country's share of a stage.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Share {
    /// Country code.
    pub country: String,
    /// Share, 0–1.
    pub share: f64,
}

/// Non-zero shares of `v`, largest first (ties by country code).
pub fn shares(model: &Model, v: &[f64]) -> Vec<Share> {
    let total: f64 = v.iter().sum();
    if total <= 0.0 {
        return Vec::new();
    }
    let mut out: Vec<Share> = v
        .iter()
        .enumerate()
        .filter(|(_, &x)| x / total > 1e-9)
        .map(|(k, &x)| Share {
            country: model.countries[k].code.clone(),
            share: x / total,
        })
        .collect();
    out.sort_by(|a, b| {
        b.share
            .total_cmp(&a.share)
            .then_with(|| a.country.cmp(&b.country))
    });
    out
}
