//! Verification of origin layers and rules on a solved plan, against the
//! model: parts add up to their lanes' flows and facilities' activity,
//! every class balances, every sector group of a split market balances,
//! and every content rule holds.

use std::collections::BTreeMap;

use super::read::PartsView;
use crate::model::{CommodityId, CountryId, FacilityId, Limit, Model, PeriodId};
use crate::network::LaneId;
use crate::plan::{Checker, Costs, Plan};

/// Checks the plan's layers and rules, as `view` shows them (nothing to
/// check without rules).
pub fn check(model: &Model, view: &PartsView, ck: &mut Checker) {
    if view.layout.is_empty() {
        return;
    }
    check_lanes(model, view, ck);
    check_facilities(model, view, ck);
    check_markets(model, view, ck);
    check_rules(model, view, ck);
}

fn period(model: &Model, t: PeriodId) -> &str {
    &model.periods[t.0].label
}

/// Parts are never negative and add up to their lane's flow; the plan
/// splits exactly the lanes the model's rules split, and each part is of a
/// sector group and origin class its lane can carry (a class is never taken
/// on trust: a lane from a site with one class carries that class).
fn check_lanes(model: &Model, view: &PartsView, ck: &mut Checker) {
    let (layout, network, plan) = (view.layout, view.network, view.plan);
    for (l, lane) in network.lanes().iter().enumerate() {
        let l = LaneId(l);
        let split = layout.lane_is_split(network, l);
        let groups = layout.market_of(network, l).map_or(1, |m| m.groups.len());
        for t in model.period_ids() {
            let name = || {
                format!(
                    "origin layers of lane {} -> {} ({}) in {}",
                    model.facilities[lane.from.0].id,
                    model.endpoint_name(lane.to),
                    model.commodities[lane.commodity.0].id,
                    period(model, t)
                )
            };
            let flow = plan.flows[l.0][t.0];
            let Some(parts) = view.split_parts(l, t) else {
                if split {
                    ck.check(flow.abs(), flow.abs(), || format!("{}: no parts", name()));
                }
                continue;
            };
            if !split {
                ck.check(1.0, 1.0, || {
                    format!("{}: parts on a lane no rule splits", name())
                });
            }
            let sum: f64 = parts.iter().map(|p| p.2).sum();
            ck.check(sum - flow, sum.abs() + flow.abs(), name);
            for &(g, class, q) in parts {
                ck.bounds(q, 0.0, None, name);
                let carried =
                    usize::from(g) < groups && layout.carries(network, l, usize::from(g), class);
                if !carried {
                    let what = layout.class_label(class);
                    ck.check(1.0, 1.0, || {
                        format!("{}: a part of group {g}, {what}", name())
                    });
                }
            }
        }
    }
}

/// The class quantities of a plan's split facilities, netted by key:
/// activity, disposal, and downgrades (into a class minus out of it).
struct ClassValues {
    activity: BTreeMap<(FacilityId, PeriodId, u8), f64>,
    disposal: BTreeMap<(FacilityId, CommodityId, PeriodId, u8), f64>,
    downgrades: BTreeMap<(FacilityId, CommodityId, PeriodId, u8), f64>,
    /// What stockpiles give to (positive) or take from each class.
    stocks: BTreeMap<(FacilityId, CommodityId, PeriodId, u8), f64>,
}

impl ClassValues {
    /// Netted from `plan`, with every class quantity checked non-negative.
    fn of(model: &Model, view: &PartsView, ck: &mut Checker) -> ClassValues {
        let plan = view.plan;
        let mut v = ClassValues {
            activity: BTreeMap::new(),
            disposal: BTreeMap::new(),
            downgrades: BTreeMap::new(),
            stocks: crate::formulation::stocks::class_nets(model, plan, view.layout),
        };
        let layers = &plan.layers;
        for (what, list) in [
            ("activity", &layers.activity),
            ("disposal", &layers.disposal),
            ("downgrade", &layers.downgrades),
        ] {
            for x in list {
                ck.bounds(x.value, 0.0, None, || {
                    let fac = &model.facilities[x.facility.0].id;
                    format!("{what} by origin class at {fac}")
                });
            }
        }
        for a in &layers.activity {
            *v.activity
                .entry((a.facility, a.period, a.class))
                .or_default() += a.value;
        }
        for d in &layers.disposal {
            let k = (d.facility, d.commodity, d.period, d.class);
            *v.disposal.entry(k).or_default() += d.value;
        }
        for d in &layers.downgrades {
            let k = (d.facility, d.commodity, d.period, d.to);
            *v.downgrades.entry(k).or_default() += d.value;
            let k = (d.facility, d.commodity, d.period, d.class);
            *v.downgrades.entry(k).or_default() -= d.value;
        }
        v
    }

    fn get<K: Ord>(map: &BTreeMap<K, f64>, k: K) -> f64 {
        map.get(&k).copied().unwrap_or(0.0)
    }
}

/// Activity by class adds up to activity, and every class of every
/// commodity of every split facility balances.
fn check_facilities(model: &Model, view: &PartsView, ck: &mut Checker) {
    let (layout, plan) = (view.layout, view.plan);
    let v = ClassValues::of(model, view, ck);
    for f in (0..model.facilities.len()).map(FacilityId) {
        if !layout.is_split(f) {
            continue;
        }
        let fac = &model.facilities[f.0];
        let classes = layout.classes(f);
        for t in model.period_ids() {
            let by_class = classes
                .iter()
                .map(|&m| ClassValues::get(&v.activity, (f, t, m)));
            let total: f64 = by_class.sum();
            let a = plan.activity[f.0][t.0];
            ck.check(total - a, total.abs() + a.abs(), || {
                let p = period(model, t);
                format!("activity by origin class of {} in {p}", fac.id)
            });
            for &(c, coef) in &model.processes[fac.process.0].terms {
                for &m in &classes {
                    let (residual, scale) = class_balance(view, &v, (f, c, t), coef, m);
                    ck.check(residual, scale, || {
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

/// The residual and scale of the balance of class `m` of `c` at `f` in `t`
/// (an output class's, or the input class feeding it).
fn class_balance(
    view: &PartsView,
    v: &ClassValues,
    (f, c, t): (FacilityId, CommodityId, PeriodId),
    coef: f64,
    m: u8,
) -> (f64, f64) {
    let (layout, network) = (view.layout, view.network);
    let possible = layout.possible_in[f.0];
    let made = coef * ClassValues::get(&v.activity, (f, t, m));
    let (mut moved, mut scale) = (0.0, made.abs());
    let output = coef > 0.0;
    let own = if output { m } else { m & possible };
    let (lanes, sign) = if output {
        (network.lanes_out_of(f, c), -1.0)
    } else {
        (network.lanes_into(f, c), 1.0)
    };
    for &l in lanes {
        for p in view.parts(l, t).iter() {
            let seen = if output { p.1 } else { p.1 & possible };
            if seen == own {
                moved += sign * p.2;
                scale += p.2.abs();
            }
        }
    }
    let d = ClassValues::get(&v.disposal, (f, c, t, m));
    let g = ClassValues::get(&v.downgrades, (f, c, t, own));
    moved += g - d;
    scale += d.abs() + g.abs();
    // Stockpiles give to and take from their class.
    let stock = ClassValues::get(&v.stocks, (f, c, t, m));
    moved += stock;
    scale += stock.abs();
    (made + moved, scale)
}

/// Each sector group of a split market receives its segments' demand less
/// what they did not take.
fn check_markets(model: &Model, view: &PartsView, ck: &mut Checker) {
    let (layout, plan) = (view.layout, view.plan);
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
/// share allows, beyond what a rule with a premium lets its buyers take at
/// the premium (never negative; a missing one counts as none).
fn check_rules(model: &Model, view: &PartsView, ck: &mut Checker) {
    let layout = view.layout;
    for (r, rule) in layout.rules.iter().enumerate() {
        let Limit::Share(share) = rule.limit else {
            continue;
        };
        let soft = layout.premium(model, rule).is_some();
        for country in layout.covered_markets(model, rule).into_keys() {
            for t in model
                .period_ids()
                .filter(|&t| layout.periods(model, rule).contains(t))
            {
                let (tainted, received) = view.rule_use(model, r, country, t);
                let beyond = beyond(view, (r, country, t)).filter(|_| soft);
                if let Some(beyond) = beyond {
                    ck.bounds(beyond, 0.0, None, || {
                        format!(
                            "{} in {} in {}: tonnes beyond its share",
                            layout.rule_name(model, rule),
                            model.countries[country.0].code,
                            period(model, t)
                        )
                    });
                }
                let over = (tainted - share * received - beyond.unwrap_or(0.0)).max(0.0);
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

/// The tainted tonnes a rule's buyers took beyond its share in one country
/// and period, as the plan reports them.
fn beyond(view: &PartsView, at: (usize, CountryId, PeriodId)) -> Option<f64> {
    (view.plan.layers.rules.iter())
        .find(|u| (u.rule, u.country, u.period) == at)
        .map(|u| u.beyond)
}

/// What buyers with an origin preference gave up: each rule's premium on
/// the tainted tonnes its buyers took beyond its share.
pub fn cost(model: &Model, plan: &Plan, k: &mut Costs) {
    if plan.layers.rules.is_empty() {
        return;
    }
    let layout = super::Layout::rules_of(model);
    for u in &plan.layers.rules {
        if let Some(premium) = layout.premium(model, &layout.rules[u.rule]) {
            k.origin += model.period_weight(u.period) * premium * u.beyond;
        }
    }
}
