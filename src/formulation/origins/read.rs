//! Reading origin layers back into the plan, and a view of a solved plan's
//! parts that verification, export controls and reports share.

use std::collections::BTreeMap;

use super::{Group, Layout, OriginIndex, Parts};
use crate::formulation::lanes::FlowIndex;
use crate::model::{CommodityId, CountryId, Endpoint, FacilityId, Limit, Model, PeriodId};
use crate::network::{LaneId, Network};
use crate::plan::{ClassPart, Disposal, FlowPart, Plan, Price, RuleUse};
use crate::solver::Session;

/// Reads every part, the disposal of split facilities, the prices of split
/// facilities and markets (the least restricted class's, and each sector
/// group's for its segments) and each rule's use.
pub fn read(
    ix: &OriginIndex,
    flows: &FlowIndex,
    model: &Model,
    network: &Network,
    s: &Session,
    plan: &mut Plan,
) {
    let layers = &mut plan.layers;
    for (&lane, periods) in flows.split_lanes() {
        for (t, parts) in periods.iter().enumerate() {
            layers.flows.extend(parts.iter().map(|p| FlowPart {
                lane,
                period: PeriodId(t),
                group: p.group,
                class: p.class,
                tonnes: s.value(p.col),
            }));
        }
    }
    let class_part = |c: &super::ClassCol| ClassPart {
        facility: c.facility,
        commodity: c.commodity,
        period: c.period,
        class: c.class,
        to: c.to,
        value: s.value(c.col),
    };
    layers.activity = ix.activity.iter().map(class_part).collect();
    layers.disposal = ix.disposal.iter().map(class_part).collect();
    layers.downgrades = ix.downgrades.iter().map(class_part).collect();
    let mut disposal: BTreeMap<(FacilityId, CommodityId, PeriodId), f64> = BTreeMap::new();
    for d in &layers.disposal {
        *disposal
            .entry((d.facility, d.commodity, d.period))
            .or_default() += d.value;
    }
    plan.disposal.extend(
        disposal
            .into_iter()
            .map(|((facility, commodity, period), tonnes)| Disposal {
                facility,
                commodity,
                period,
                tonnes,
            }),
    );
    plan.disposal
        .sort_by_key(|d| (d.facility, d.commodity, d.period));
    // The price of a commodity at a split facility: its most tainted
    // class's, which anyone may use.
    let mut top: BTreeMap<(FacilityId, CommodityId, PeriodId), (u8, f64)> = BTreeMap::new();
    for b in &ix.balances {
        let v = s.dual(b.row) / model.period_weight(b.period);
        let e = top
            .entry((b.facility, b.commodity, b.period))
            .or_insert((b.class, v));
        if b.class >= e.0 {
            *e = (b.class, v);
        }
    }
    plan.prices.extend(
        top.into_iter()
            .map(|((f, commodity, period), (_, value))| Price {
                place: Endpoint::Facility(f),
                commodity,
                period,
                value,
            }),
    );
    read_markets(ix, model, s, plan);
    read_rules(ix, model, network, s, plan);
}

/// Each split market's price (its rest group's, or its first group's when
/// every sector is named) and each of its segments' group price.
fn read_markets(ix: &OriginIndex, model: &Model, s: &Session, plan: &mut Plan) {
    let by_market = model.demand_by_market();
    let mut market: BTreeMap<(CountryId, CommodityId, PeriodId), f64> = BTreeMap::new();
    for r in &ix.markets {
        let Some(c) = r.commodity else { continue };
        let m = &ix.layout.markets[&(r.country, c)];
        let v = s.dual(r.row) / model.period_weight(r.period);
        if r.group == 0 || m.groups[r.group].sector.is_none() {
            market.insert((r.country, c, r.period), v);
        }
        for &d in by_market
            .get(&(r.country, c, r.period))
            .map_or(&[][..], Vec::as_slice)
        {
            if m.group_of(&model.demand[d].sector) == r.group {
                plan.layers.segment_prices.insert(d, v);
            }
        }
    }
    plan.prices.extend(
        market
            .into_iter()
            .map(|((country, commodity, period), value)| Price {
                place: Endpoint::Market(country),
                commodity,
                period,
                value,
            }),
    );
}

fn read_rules(ix: &OriginIndex, model: &Model, network: &Network, s: &Session, plan: &mut Plan) {
    let view = PartsView::new(&ix.layout, network, plan);
    let uses: Vec<RuleUse> = (ix.rules.iter())
        .map(|r| {
            let (tainted, received) = view.rule_use(model, r.group, r.country, r.period);
            RuleUse {
                rule: r.group,
                country: r.country,
                period: r.period,
                tainted,
                received,
                beyond: r.beyond.map_or(0.0, |c| s.value(c)),
                shadow_price: (-s.dual(r.row) / model.period_weight(r.period)).max(0.0),
            }
        })
        .collect();
    let discounts = origin_discounts(&view, model, &uses);
    plan.layers.rules = uses;
    plan.layers.origin_discounts = discounts;
}

/// What buyers under a preference pay in money, below their price. With
/// the rule's dual λ and share s, a tainted tonne delivered to demand it
/// covers sells at the group's price p less λ × (1 − s) and a clean one at
/// p plus λ × s, so a covered group pays p less λ × (tainted − s ×
/// received) / received a tonne: the premium its buyers gave up on the
/// tonnes beyond the share, spread over what they received. By segment,
/// $/t in the period's money.
fn origin_discounts(view: &PartsView, model: &Model, rules: &[RuleUse]) -> BTreeMap<usize, f64> {
    let layout = view.layout;
    let by_market = model.demand_by_market();
    let mut out: BTreeMap<usize, f64> = BTreeMap::new();
    for u in rules.iter().filter(|u| u.shadow_price > 0.0) {
        let rule = &layout.rules[u.rule];
        let (Some(_), Limit::Share(share)) = (layout.premium(model, rule), rule.limit) else {
            continue;
        };
        let bit = 1u8 << rule.bit;
        let markets = (layout.markets.iter()).filter(|((k, _), _)| *k == u.country);
        for (&(k, c), m) in markets {
            for (g, group) in m.groups.iter().enumerate() {
                if !layout.covers(model, rule, k, group.sector.as_deref(), c) {
                    continue;
                }
                let this = |x: &Group| std::ptr::eq(x, group);
                let tainted = view.delivered((k, c), u.period, this, |class| {
                    f64::from(u8::from(class & bit != 0))
                });
                let received = view.delivered((k, c), u.period, this, |_| 1.0);
                if received <= 0.0 {
                    continue;
                }
                let per_t = u.shadow_price * (tainted - share * received) / received;
                let segments = by_market
                    .get(&(k, c, u.period))
                    .map_or(&[][..], Vec::as_slice);
                for &d in segments {
                    if m.group_of(&model.demand[d].sector) == g {
                        *out.entry(d).or_default() += per_t;
                    }
                }
            }
        }
    }
    out
}

/// (sector group, origin class, tonnes per year) of one part of a lane.
pub type PartValue = (u8, u8, f64);

/// Each split lane's parts, per period: the parts of every (lane, period)
/// in one list, and where each one's run starts in it (a lane the plan does
/// not split has an empty run), so that finding them is an index.
struct SplitParts {
    periods: usize,
    /// One more entry than (lane, period) pairs.
    start: Vec<u32>,
    parts: Vec<PartValue>,
}

impl SplitParts {
    fn of(plan: &Plan, lanes: usize, periods: usize) -> SplitParts {
        let slot = |p: &crate::plan::FlowPart| p.lane.0 * periods + p.period.0;
        let mut start = vec![0u32; lanes * periods + 1];
        for p in &plan.layers.flows {
            start[slot(p) + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let mut next = start.clone();
        let mut parts = vec![(0, 0, 0.0); plan.layers.flows.len()];
        for p in &plan.layers.flows {
            let at = &mut next[slot(p)];
            parts[*at as usize] = (p.group, p.class, p.tonnes);
            *at += 1;
        }
        SplitParts {
            periods,
            start,
            parts,
        }
    }

    fn get(&self, lane: LaneId, t: PeriodId) -> Option<&[PartValue]> {
        let i = lane.0 * self.periods + t.0;
        let (a, b) = (*self.start.get(i)? as usize, self.start[i + 1] as usize);
        (b > a).then(|| &self.parts[a..b])
    }
}

/// The parts of a solved plan's lanes: split lanes' parts, and every other
/// lane as one part of its source's only class.
pub struct PartsView<'a> {
    /// The layout the parts follow.
    pub layout: &'a Layout,
    /// The network.
    pub network: &'a Network,
    /// The plan.
    pub plan: &'a Plan,
    split: SplitParts,
}

impl<'a> PartsView<'a> {
    /// The view of `plan`'s parts under `layout`.
    pub fn new(layout: &'a Layout, network: &'a Network, plan: &'a Plan) -> Self {
        let periods = plan.flows.first().map_or(0, Vec::len);
        let split = SplitParts::of(plan, network.lanes().len(), periods);
        PartsView {
            layout,
            network,
            plan,
            split,
        }
    }

    /// (group, class, tonnes per year) of each part of `lane` in `t`.
    pub fn parts(&self, lane: LaneId, t: PeriodId) -> Parts<'_, PartValue> {
        match self.split.get(lane, t) {
            Some(p) => Parts::Many(p),
            None => {
                let class = self.layout.top(self.network.lane(lane).from);
                Parts::One([(0, class, self.plan.flows[lane.0][t.0])])
            }
        }
    }

    /// The parts of `lane` in `t`, when the plan splits it.
    pub fn split_parts(&self, lane: LaneId, t: PeriodId) -> Option<&[PartValue]> {
        self.split.get(lane, t)
    }

    /// Tonnes per year delivered to the groups of market `(country, c)` that
    /// `keep` accepts, each part weighed by `coef(class)`.
    pub fn delivered(
        &self,
        (country, c): (CountryId, CommodityId),
        t: PeriodId,
        keep: impl Fn(&Group) -> bool,
        coef: impl Fn(u8) -> f64,
    ) -> f64 {
        let groups: Vec<bool> = match self.layout.markets.get(&(country, c)) {
            Some(m) => m.groups.iter().map(&keep).collect(),
            None => vec![keep(&Group {
                sector: None,
                relevant: 0,
            })],
        };
        let mut sum = 0.0;
        for &l in self.network.lanes_to_market(country, c) {
            for &(g, class, q) in self.parts(l, t).iter() {
                if groups.get(usize::from(g)).copied().unwrap_or(false) {
                    sum += coef(class) * q;
                }
            }
        }
        sum
    }

    /// Tainted and total tonnes per year received by the demand rule `r`
    /// covers in `country`, or everywhere it applies (`None`).
    pub fn rule_use(&self, model: &Model, r: usize, country: CountryId, t: PeriodId) -> (f64, f64) {
        self.rule_use_in(model, r, Some(country), t)
    }

    /// As [`Self::rule_use`], over one country or every country.
    pub fn rule_use_in(
        &self,
        model: &Model,
        r: usize,
        country: Option<CountryId>,
        t: PeriodId,
    ) -> (f64, f64) {
        let rule = &self.layout.rules[r];
        let bit = 1u8 << rule.bit;
        let (mut tainted, mut received) = (0.0, 0.0);
        let markets: Vec<(CountryId, CommodityId)> = match country {
            Some(k) => (self.layout.markets)
                .range((k, CommodityId(0))..=(k, CommodityId(usize::MAX)))
                .map(|(key, _)| *key)
                .collect(),
            None => self.layout.markets.keys().copied().collect(),
        };
        for (k, c) in markets {
            let covered = |g: &Group| self.layout.covers(model, rule, k, g.sector.as_deref(), c);
            tainted += self.delivered((k, c), t, covered, |class| {
                f64::from(u8::from(class & bit != 0))
            });
            received += self.delivered((k, c), t, covered, |_| 1.0);
        }
        (tainted, received)
    }

    /// The tonnes an export control counts in `t`: tainted tonnes reaching
    /// the demand it covers (scope `origin`), what its lanes deliver to its
    /// end use's sector (an end use), or everything on its lanes.
    pub fn control_use(&self, model: &Model, control: usize, lanes: &[LaneId], t: PeriodId) -> f64 {
        let rule = self
            .layout
            .rules
            .iter()
            .position(|r| r.source == super::RuleSource::Control(control));
        if let Some(r) = rule {
            debug_assert!(matches!(self.layout.rules[r].limit, Limit::Tonnes(_)));
            return self.rule_use_in(model, r, None, t).0;
        }
        let Some(sector) = model.export_controls[control].end_use.as_deref() else {
            return lanes.iter().map(|l| self.plan.flows[l.0][t.0]).sum();
        };
        let mut used = 0.0;
        for &l in lanes {
            let lane = self.network.lane(l);
            let Endpoint::Market(country) = lane.to else {
                continue;
            };
            let Some(m) = self.layout.markets.get(&(country, lane.commodity)) else {
                continue;
            };
            let Some(g) = m
                .groups
                .iter()
                .position(|g| g.sector.as_deref() == Some(sector))
            else {
                continue;
            };
            used += self
                .parts(l, t)
                .iter()
                .filter(|p| p.0 as usize == g)
                .map(|p| p.2)
                .sum::<f64>();
        }
        used
    }
}
