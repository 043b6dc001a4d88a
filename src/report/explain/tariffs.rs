//! Tariffs on a market's supply paths, one entry per border and good, named
//! by the measures that make it up: the wedge on the tonnes that crossed it,
//! or, where nothing crossed, the saving a tariff keeps out.

use std::collections::BTreeMap;

use crate::formulation::lanes::tariff;
use crate::model::{CommodityId, CountryId, Endpoint, Model, PeriodId};
use crate::network::Network;
use crate::plan::Plan;

use super::paths::Paths;
use super::{adds, Binding, Kind, EPS};

/// One border and good on a market's paths in one period.
#[derive(Default)]
struct Border {
    /// The tariff, $/t (the highest on any lane across it).
    rate: f64,
    /// Tonnes per year that crossed.
    crossed: f64,
    /// Where none crossed: the largest saving per tonne the tariff keeps out.
    margin: f64,
    /// Tariffs paid on the tonnes that crossed for the market, $/yr.
    paid: f64,
}

/// What the tariffs on the lanes feeding `paths` do in period `t`: per (exporter,
/// importer, good), a [`Kind::Tariff`] entry with the tonnes that paid it,
/// or a [`Kind::TariffBlocks`] entry when no tonne crossed but some lane
/// would pay without it (its destination price above its origin price plus
/// transport and the licences on it, by no more than the tariff; never a
/// lane an export ban closes); `price` gives the price of a good at a
/// place in `t`, `wedge` what the licences on a lane add to a tonne on it
/// (none for a ban).
pub(super) fn tariffs(
    model: &Model,
    network: &Network,
    plan: &Plan,
    paths: &Paths,
    t: PeriodId,
    price: impl Fn(Endpoint, CommodityId) -> Option<f64>,
    wedge: impl Fn(crate::network::LaneId) -> Option<f64>,
) -> Vec<Binding> {
    let mut borders: BTreeMap<(usize, usize, usize), Border> = BTreeMap::new();
    for &l in &paths.feeding {
        let lane = network.lane(l);
        let rate = tariff(model, lane, t);
        if rate <= EPS {
            continue;
        }
        let exporter = model.facilities[lane.from.0].country;
        let importer = model.endpoint_country(lane.to);
        let e = (borders.entry((exporter.0, importer.0, lane.commodity.0))).or_default();
        e.rate = e.rate.max(rate);
        let q = plan.flows[l.0][t.0];
        if q > EPS {
            e.crossed += q;
            e.paid += paths.carried(l) * rate;
            continue;
        }
        let (Some(to), Some(from), Some(licences)) = (
            price(lane.to, lane.commodity),
            price(Endpoint::Facility(lane.from), lane.commodity),
            wedge(l),
        ) else {
            continue;
        };
        let margin = to - from - lane.transport_cost - licences;
        if margin > EPS && margin <= rate + EPS * rate.max(1.0) {
            e.margin = e.margin.max(margin);
        }
    }
    borders
        .into_iter()
        .filter(|(_, b)| b.crossed > EPS || b.margin > EPS)
        .map(|((x, m, c), b)| {
            let Border {
                rate,
                crossed: q,
                margin,
                paid,
            } = b;
            let (exporter, importer) = (&model.countries[x].code, &model.countries[m].code);
            let good = &model.commodities[c].id;
            let crossed = q > EPS;
            let ref_value = model.commodities[c].ref_value;
            let measures = (model.tariffs_on(CountryId(x), CountryId(m), CommodityId(c), t))
                .filter(|tariff| tariff.ad_valorem * ref_value + tariff.specific > 0.0)
                .map(|tariff| tariff.name.as_str())
                .collect::<Vec<_>>()
                .join(" + ");
            Binding {
                kind: if crossed {
                    Kind::Tariff
                } else {
                    Kind::TariffBlocks
                },
                id: format!("{exporter}>{importer}:{good}"),
                what: if crossed {
                    format!("tariff on {exporter} {good} into {importer}, {measures}")
                } else {
                    format!("tariff keeping {exporter} {good} out of {importer}, {measures}")
                },
                limit: rate,
                used: q,
                unit: format!("t/yr of {good}"),
                value_per_t: if crossed { rate } else { margin },
                value_per_t_pv: 0.0,
                adds_per_t: if crossed {
                    adds(1.0, paid, paths.delivered)
                } else {
                    None
                },
                on_market_good: (CountryId(m), CommodityId(c)) == paths.market,
            }
        })
        .collect()
}
