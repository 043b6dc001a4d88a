//! The constraints that bind on a market's supply paths, kind by kind:
//! export licences, content rules, capacities, full lanes and tariffs.

use super::paths::Paths;
use super::{adds, tariffs, Binding, Context, Kind, EPS};
use crate::model::{CommodityId, CountryId, Endpoint, FacilityId, PeriodId, Scope as ControlScope};
use crate::network::LaneId;

impl Context<'_> {
    /// Everything binding on `paths` for the market of `country` (its
    /// demand of `sectors`) in period `t`, most valuable first.
    pub(super) fn binding(
        &self,
        paths: &Paths,
        country: CountryId,
        sectors: &[&str],
        t: PeriodId,
    ) -> Vec<Binding> {
        let pv = crate::report::per_year_pv(self.model, t);
        let mut out = self.licences(paths, country, sectors, t);
        out.extend(self.rules(paths.market.1, country, sectors, t));
        out.extend(self.capacities(paths, t));
        out.extend(self.scrap(paths, t));
        out.extend(self.full_lanes(paths, t));
        out.extend(tariffs::tariffs(
            self.model,
            self.network,
            self.plan,
            paths,
            t,
            |place, c| self.price(place, c, t),
            |l| self.licence_wedge(l, t, None),
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

    /// What the direct export licences covering lane `l` in period `t`
    /// (but `except`) add to a tonne on it: the sum of their shadow prices;
    /// none when one of them is a ban (nothing may cross).
    pub(super) fn licence_wedge(
        &self,
        l: LaneId,
        t: PeriodId,
        except: Option<usize>,
    ) -> Option<f64> {
        let mut wedge = 0.0;
        for u in self.plan.caps.iter().filter(|u| u.period == t) {
            let ec = &self.model.export_controls[u.control];
            let direct = ec.scope == ControlScope::Direct && ec.end_use.is_none();
            if !direct || Some(u.control) == except || !self.covered[u.control][l.0] {
                continue;
            }
            if u.cap <= EPS {
                return None;
            }
            wedge += u.shadow_price;
        }
        Some(wedge)
    }

    /// Export licences that bind on the paths: of the market's country and
    /// (for an end-use control) one of its sectors; a direct control when
    /// it covers a lane that carried tonnes for the market, or a lane into
    /// the market that no other ban closes; an origin-wide control whenever
    /// its destinations include the market's country.
    fn licences(
        &self,
        paths: &Paths,
        country: CountryId,
        sectors: &[&str],
        t: PeriodId,
    ) -> Vec<Binding> {
        let model = self.model;
        let market = Endpoint::Market(paths.market.0);
        let mut out = Vec::new();
        let binding = (self.plan.caps.iter()).filter(|u| u.period == t && u.shadow_price > EPS);
        for u in binding {
            let ec = &model.export_controls[u.control];
            let sector_ok = ec
                .end_use
                .as_ref()
                .is_none_or(|e| sectors.contains(&e.as_str()));
            let covered = |l: &&LaneId| self.covered[u.control][l.0];
            let on_paths = match ec.scope {
                ControlScope::Origin => true,
                ControlScope::Direct => paths.feeding.iter().filter(covered).any(|&l| {
                    paths.carried(l) > EPS
                        || (self.network.lane(l).to == market
                            && self.licence_wedge(l, t, Some(u.control)).is_some())
                }),
            };
            if !ec.destination.contains(country) || !sector_ok || !on_paths {
                continue;
            }
            // Tonnes of one end use, or of one origin, cannot be told apart
            // on a lane's total: those controls add nothing measured.
            let measured = ec.scope == ControlScope::Direct && ec.end_use.is_none();
            let carried: f64 = (paths.feeding.iter().filter(covered))
                .map(|&l| paths.carried(l))
                .sum();
            let end_use = (ec.end_use.as_ref()).map_or(String::new(), |e| format!(" for {e} use"));
            out.push(Binding {
                kind: Kind::ExportLicence,
                id: ec.id.clone(),
                what: format!(
                    "{}>{} {} export limit{end_use}",
                    ec.exporter.label, ec.destination.label, ec.goods.label
                ),
                limit: u.cap,
                used: u.used,
                unit: format!("t/yr of {}", ec.goods.label),
                value_per_t: u.shadow_price,
                value_per_t_pv: 0.0,
                adds_per_t: adds(u.shadow_price, carried, paths.delivered).filter(|_| measured),
                on_market_good: ec.goods.contains(paths.market.1),
            });
        }
        out
    }

    /// Content rules on the market's good (and one of its sectors) in its
    /// country that bind.
    fn rules(
        &self,
        good: CommodityId,
        country: CountryId,
        sectors: &[&str],
        t: PeriodId,
    ) -> Vec<Binding> {
        let layers = &self.plan.layers;
        (layers.rules.iter())
            .filter(|u| u.country == country && u.period == t && u.shadow_price > EPS)
            .filter_map(|u| {
                let rule = &self.model.content_rules[(*self.rule_ids.get(u.rule)?)?];
                let covers = sectors.iter().any(|s| rule.covers(country, Some(s), good));
                let (kind, what, used) = match rule.premium {
                    None => (
                        Kind::ContentRule,
                        format!(
                            "content rule: at most {:.0}% from {}",
                            rule.max_share * 100.0,
                            rule.origin.label
                        ),
                        u.tainted,
                    ),
                    Some(premium) => (
                        Kind::OriginPreference,
                        format!(
                            "origin preference: buyers pay up to {} more a tonne for \
                             material not from {} beyond {:.0}% of their supply",
                            crate::report::tables::money(premium),
                            rule.origin.label,
                            rule.max_share * 100.0
                        ),
                        u.beyond,
                    ),
                };
                covers.then(|| Binding {
                    kind,
                    id: rule.id.clone(),
                    what,
                    limit: rule.max_share * u.received,
                    used,
                    unit: "t/yr tainted".to_string(),
                    value_per_t: u.shadow_price,
                    value_per_t_pv: 0.0,
                    adds_per_t: None,
                    on_market_good: true,
                })
            })
            .collect()
    }

    /// Facilities on the paths whose capacity binds.
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

    /// Collectors on the paths that gather all the scrap there is (the
    /// swarf their makers cut, the end-of-life scrap returning to them),
    /// valued at what one more tonne of it would save.
    fn scrap(&self, paths: &Paths, t: PeriodId) -> Vec<Binding> {
        let (model, plan) = (self.model, self.plan);
        (0..model.facilities.len())
            .filter(|&f| paths.share[f] > 0.0)
            .filter_map(|f| {
                let &(value, swarf) = self.scrap.get(&(FacilityId(f), t))?;
                let fac = &model.facilities[f];
                let country = &model.countries[fac.country.0].code;
                let scrap = if swarf {
                    "swarf the makers cut"
                } else {
                    "end-of-life scrap that came back"
                };
                let what = format!("{scrap}, all collected at {} in {country}", fac.name);
                let x = plan.activity[f][t.0];
                Some(Binding {
                    kind: Kind::Scrap,
                    id: fac.id.clone(),
                    what,
                    limit: x,
                    used: x,
                    unit: "t/yr of scrap".to_string(),
                    value_per_t: value,
                    value_per_t_pv: 0.0,
                    adds_per_t: adds(value, paths.share[f] * x, paths.delivered),
                    on_market_good: false,
                })
            })
            .collect()
    }

    /// Lanes feeding the paths that run at their capacity, valued at the
    /// price difference across them less transport, tariffs and the
    /// licences on them.
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
            let (Some(to), Some(from), Some(wedge)) = (
                self.price(lane.to, lane.commodity, t),
                self.price(Endpoint::Facility(lane.from), lane.commodity, t),
                self.licence_wedge(l, t, None),
            ) else {
                continue;
            };
            let tariff = crate::formulation::lanes::tariff(model, lane, t);
            let rent = to - from - lane.transport_cost - tariff - wedge;
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
