//! Verification of origin layers and rules on a solved plan, against the
//! model: parts add up to their lanes' flows and facilities' activity,
//! every class balances, every sector group of a split market balances,
//! and every content rule holds.

use std::collections::BTreeMap;

use super::read::PartsView;
use super::Layout;
use crate::model::{CommodityId, CountryId, FacilityId, Limit, Model, PeriodId};
use crate::network::Network;
use crate::plan::{Checker, Plan};

/// Checks the plan's layers and rules (nothing to check without rules).
pub fn check(model: &Model, network: &Network, plan: &Plan, ck: &mut Checker) {
    let layout = Layout::of(model, network);
    if layout.is_empty() {
        return;
    }
    let view = PartsView::new(&layout, network, plan);
    check_lanes(model, network, plan, &view, ck);
    check_facilities(model, network, plan, &layout, &view, ck);
    check_markets(model, plan, &layout, &view, ck);
    check_rules(model, &layout, &view, ck);
}

fn period(model: &Model, t: PeriodId) -> &str {
    &model.periods[t.0].label
}

/// Parts are never negative and add up to their lane's flow.
fn check_lanes(model: &Model, network: &Network, plan: &Plan, view: &PartsView, ck: &mut Checker) {
    for (&(l, t), parts) in view.split_lanes() {
        let lane = network.lane(l);
        let name = || {
            format!(
                "origin layers of lane {} -> {} ({}) in {}",
                model.facilities[lane.from.0].id,
                model.endpoint_name(lane.to),
                model.commodities[lane.commodity.0].id,
                period(model, t)
            )
        };
        let sum: f64 = parts.iter().map(|p| p.2).sum();
        let flow = plan.flows[l.0][t.0];
        ck.check(sum - flow, sum.abs() + flow.abs(), name);
        for p in parts {
            ck.bounds(p.2, 0.0, None, name);
        }
    }
}

/// Activity by class adds up to activity, and every class of every
/// commodity of every split facility balances.
fn check_facilities(
    model: &Model,
    network: &Network,
    plan: &Plan,
    layout: &Layout,
    view: &PartsView,
    ck: &mut Checker,
) {
    let key = |f: FacilityId, c: CommodityId, t: PeriodId, class: u8| (f, c, t, class);
    let mut act: BTreeMap<(FacilityId, PeriodId, u8), f64> = BTreeMap::new();
    for a in &plan.layers.activity {
        *act.entry((a.facility, a.period, a.class)).or_default() += a.value;
    }
    let disp: BTreeMap<_, f64> = (plan.layers.disposal.iter())
        .map(|d| (key(d.facility, d.commodity, d.period, d.class), d.value))
        .collect();
    let mut down: BTreeMap<_, f64> = BTreeMap::new();
    for d in &plan.layers.downgrades {
        *down
            .entry(key(d.facility, d.commodity, d.period, d.to))
            .or_default() += d.value;
        *down
            .entry(key(d.facility, d.commodity, d.period, d.class))
            .or_default() -= d.value;
        ck.bounds(d.value, 0.0, None, || {
            format!("downgrade at {}", model.facilities[d.facility.0].id)
        });
    }
    for f in (0..model.facilities.len()).map(FacilityId) {
        if !layout.is_split(f) {
            continue;
        }
        let fac = &model.facilities[f.0];
        let classes = layout.classes(f);
        let possible = layout.possible_in[f.0];
        for t in model.period_ids() {
            let total: f64 = classes
                .iter()
                .map(|&m| act.get(&(f, t, m)).copied().unwrap_or(0.0))
                .sum();
            let a = plan.activity[f.0][t.0];
            ck.check(total - a, total.abs() + a.abs(), || {
                format!(
                    "activity by origin class of {} in {}",
                    fac.id,
                    period(model, t)
                )
            });
            for &(c, coef) in &model.processes[fac.process.0].terms {
                for &m in &classes {
                    let made = coef * act.get(&(f, t, m)).copied().unwrap_or(0.0);
                    let (mut moved, mut scale) = (0.0, made.abs());
                    if coef > 0.0 {
                        for &l in network.lanes_out_of(f, c) {
                            for p in view.parts(l, t).iter().filter(|p| p.1 == m) {
                                moved -= p.2;
                                scale += p.2.abs();
                            }
                        }
                        let d = disp.get(&key(f, c, t, m)).copied().unwrap_or(0.0);
                        let g = down.get(&key(f, c, t, m)).copied().unwrap_or(0.0);
                        moved += g - d;
                        scale += d.abs() + g.abs();
                    } else {
                        let j = m & possible;
                        for &l in network.lanes_into(f, c) {
                            for p in view.parts(l, t).iter().filter(|p| p.1 & possible == j) {
                                moved += p.2;
                                scale += p.2.abs();
                            }
                        }
                        let d = down.get(&key(f, c, t, j)).copied().unwrap_or(0.0);
                        moved += d;
                        scale += d.abs();
                    }
                    ck.check(made + moved, scale, || {
                        format!(
                            "balance of {} material of {} at {} in {}",
                            layout.class_label(m),
                            model.commodities[c.0].id,
                            fac.id,
                            period(model, t)
                        )
                    });
                }
            }
        }
    }
}

/// Each sector group of a split market receives its segments' demand less
/// what they did not take.
fn check_markets(model: &Model, plan: &Plan, layout: &Layout, view: &PartsView, ck: &mut Checker) {
    let by_market = model.demand_by_market();
    for (&(country, c), m) in layout.markets.iter().filter(|(_, m)| m.is_split()) {
        for t in model.period_ids() {
            let segments = by_market
                .get(&(country, c, t))
                .map_or(&[][..], Vec::as_slice);
            for (g, group) in m.groups.iter().enumerate() {
                let delivered =
                    view.delivered((country, c), t, |x| x.sector == group.sector, |_| 1.0);
                let mine = segments
                    .iter()
                    .filter(|&&d| m.group_of(&model.demand[d].sector) == g);
                let (mut tonnes, mut short) = (0.0, 0.0);
                for &d in mine {
                    tonnes += model.demand[d].tonnes;
                    short += plan.not_served(d) - plan.beyond(d);
                }
                ck.check(
                    delivered + short - tonnes,
                    delivered + short.abs() + tonnes,
                    || {
                        format!(
                            "market for {} in {}, {}, in {}",
                            model.commodities[c.0].id,
                            model.countries[country.0].code,
                            group.sector.as_deref().unwrap_or("other sectors"),
                            period(model, t)
                        )
                    },
                );
            }
        }
    }
}

/// No demand a content rule covers takes more tainted material than its
/// share allows.
fn check_rules(model: &Model, layout: &Layout, view: &PartsView, ck: &mut Checker) {
    for (r, rule) in layout.rules.iter().enumerate() {
        let Limit::Share(share) = rule.limit else {
            continue;
        };
        for country in (0..model.countries.len()).map(CountryId) {
            for t in model
                .period_ids()
                .filter(|&t| layout.periods(model, rule).contains(t))
            {
                let (tainted, received) = view.rule_use(model, r, country, t);
                let over = (tainted - share * received).max(0.0);
                ck.check(over, tainted.abs().max(received.abs()), || {
                    format!(
                        "{} in {} in {}: {} t/yr tainted of {} t/yr received",
                        layout.rule_name(model, rule),
                        model.countries[country.0].code,
                        period(model, t),
                        tainted,
                        received
                    )
                });
            }
        }
    }
}
