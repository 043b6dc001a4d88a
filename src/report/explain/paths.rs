//! A market's supply paths in one period, and how much of each facility
//! and lane on them went into the market's deliveries.
//!
//! Shares are followed proportionally, downstream first: a lane into the
//! market carries all its tonnes for the market; a facility works for the
//! market in the share, by value at its own prices, of its outputs that the
//! market's paths take (a separation plant whose NdPr all goes to the
//! market works for it in NdPr's share of the value of everything it
//! separates; by tonnes when its outputs have no price); that share of each
//! lane into it is the market's, and so on up to the mines. What a
//! facility earns besides its outputs counts among them: a magnet maker's
//! swarf (`swarf.csv`) at what it earns on it, a contract's credit or an
//! offtake's support at what it pays; the market pays for the rest.

use std::collections::BTreeMap;

use crate::model::{CommodityId, CountryId, Endpoint, FacilityId, Model, PeriodId};
use crate::network::{LaneId, Network};
use crate::plan::Plan;

use super::EPS;

/// A market's supply paths in one period.
pub(super) struct Paths {
    /// Share of each facility's activity that went into the market's
    /// deliveries (0: not on the paths).
    pub share: Vec<f64>,
    /// Every lane into the market or into a facility on the paths (used or
    /// not).
    pub feeding: Vec<LaneId>,
    /// Tonnes per year on each lane that went into the market's deliveries.
    pub carried: BTreeMap<LaneId, f64>,
    /// Tonnes per year delivered to the market.
    pub delivered: f64,
    /// The market: its country and good.
    pub market: (CountryId, CommodityId),
}

impl Paths {
    /// Tonnes per year on `l` that went into the market's deliveries.
    pub fn carried(&self, l: LaneId) -> f64 {
        self.carried.get(&l).copied().unwrap_or(0.0)
    }
}

/// Facilities downstream first: the reverse of the upstream-first order of
/// [`Network::upstream_groups`] (exact but within a cycle of lanes, which
/// is taken in one pass).
pub(super) fn downstream_first(network: &Network) -> Vec<FacilityId> {
    let groups = network.upstream_groups().into_iter();
    let mut order: Vec<FacilityId> = groups.flat_map(|(group, _)| group).collect();
    order.reverse();
    order
}

/// Per (facility, output): the tonnes the paths take, and what contracts
/// pay on them.
type Taken = BTreeMap<(FacilityId, CommodityId), (f64, f64)>;

/// What the paths read of a period's values: a good's price at a place,
/// what a facility earns per unit of activity besides its outputs, and
/// what a contract pays on a tonne on a lane (an offtake with a buyer),
/// which the price at the lane's origin holds but its buyer does not pay.
pub(super) struct Values<'v> {
    /// A good's price at a place.
    pub price: &'v dyn Fn(Endpoint, CommodityId) -> Option<f64>,
    /// What a facility earns per unit of activity besides its outputs.
    pub earns: &'v dyn Fn(FacilityId) -> f64,
    /// What a contract pays on a tonne on a lane.
    pub pays: &'v dyn Fn(LaneId) -> f64,
}

/// The supply paths of the market of `c` in `country` in period `t`, at
/// the values of period `t`.
pub(super) fn paths(
    model: &Model,
    network: &Network,
    plan: &Plan,
    order: &[FacilityId],
    (country, c, t): (CountryId, CommodityId, PeriodId),
    Values { price, earns, pays }: Values<'_>,
) -> Paths {
    let mut share = vec![0.0; model.facilities.len()];
    let mut feeding: Vec<LaneId> = network.lanes_to_market(country, c).to_vec();
    let mut carried: BTreeMap<LaneId, f64> = BTreeMap::new();
    // (facility, commodity) -> tonnes of its output the market's paths
    // take, and what contracts pay on them
    let mut taken: Taken = BTreeMap::new();
    let take = |taken: &mut Taken, l: LaneId, good: CommodityId, q: f64| {
        let e = taken.entry((network.lane(l).from, good)).or_default();
        e.0 += q;
        e.1 += q * pays(l);
    };
    let mut delivered = 0.0;
    for &l in network.lanes_to_market(country, c) {
        let q = plan.flows[l.0][t.0];
        if q > EPS {
            delivered += q;
            carried.insert(l, q);
            take(&mut taken, l, c, q);
        }
    }
    for &f in order {
        let process = &model.processes[model.facilities[f.0].process.0];
        let s = share_taken(process, plan.activity[f.0][t.0], earns(f), |out| {
            let (q, paid) = taken.get(&(f, out)).copied().unwrap_or((0.0, 0.0));
            let p = price(Endpoint::Facility(f), out).unwrap_or(0.0).max(0.0);
            (q, p, paid)
        });
        if s <= EPS {
            continue;
        }
        share[f.0] = s;
        for &(input, coef) in &process.terms {
            if coef >= 0.0 {
                continue;
            }
            let lanes = network.lanes_into(f, input);
            feeding.extend_from_slice(lanes);
            for &l in lanes {
                let q = plan.flows[l.0][t.0] * s;
                if q > EPS {
                    *carried.entry(l).or_default() += q;
                    take(&mut taken, l, input, q);
                }
            }
        }
    }
    feeding.sort_unstable();
    feeding.dedup();
    Paths {
        share,
        feeding,
        carried,
        delivered,
        market: (country, c),
    }
}

/// One output of a facility, as the paths see it.
struct Output {
    /// Tonnes the paths take.
    taken: f64,
    /// Tonnes the facility made.
    made: f64,
    /// Its price at the facility.
    price: f64,
    /// What contracts pay on the tonnes taken (in the price, not paid by
    /// the paths' market).
    paid: f64,
}

impl Output {
    /// What the paths' market pays for the tonnes it takes of those made.
    fn bought(&self) -> f64 {
        let q = self.taken.min(self.made);
        let paid = if self.taken > 0.0 {
            self.paid * q / self.taken
        } else {
            0.0
        };
        (q * self.price - paid).max(0.0)
    }
}

/// The share of a facility's activity `x` that its taken outputs stand
/// for: by value when its outputs have prices, else by tonnes; `taken`
/// gives the tonnes taken of an output, its price there and what contracts
/// pay on the tonnes taken, `earns` what the facility earns per unit of
/// activity besides its outputs, as from an output none of the paths take.
fn share_taken(
    process: &crate::model::Process,
    x: f64,
    earns: f64,
    taken: impl Fn(CommodityId) -> (f64, f64, f64),
) -> f64 {
    let outputs: Vec<Output> = (process.terms.iter())
        .filter(|(_, coef)| *coef > 0.0)
        .map(|&(out, coef)| {
            let (taken, price, paid) = taken(out);
            Output {
                taken,
                made: x * coef,
                price,
                paid,
            }
        })
        .collect();
    if outputs.iter().all(|o| o.taken <= EPS) {
        return 0.0;
    }
    let made: f64 = outputs.iter().map(|o| o.made).sum();
    if made <= EPS {
        return 1.0;
    }
    let value: f64 = outputs.iter().map(|o| o.made * o.price).sum::<f64>() + x * earns;
    let share = if value > EPS {
        outputs.iter().map(Output::bought).sum::<f64>() / value
    } else {
        outputs.iter().map(|o| o.taken.min(o.made)).sum::<f64>() / made
    };
    share.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::share_taken;
    use crate::model::{CommodityId, Process};

    /// A maker that cuts each magnet from 1.5 t of feed: the magnet's id
    /// and the process.
    fn maker() -> (CommodityId, Process) {
        let (feed, magnet) = (CommodityId(0), CommodityId(1));
        let make = Process {
            id: "make".into(),
            terms: vec![(feed, -1.5), (magnet, 1.0)],
        };
        (magnet, make)
    }

    /// A maker cuts each magnet (sold at $11,400) from 1.5 t of feed and
    /// earns $3,600 on the swarf: a market that takes all its magnets pays
    /// for 11,400 / 15,000 of its inputs, the swarf for the rest; with
    /// nothing earned besides, the market pays for all of them.
    #[test]
    fn what_a_maker_earns_besides_its_outputs_pays_for_its_share() {
        let (magnet, make) = maker();
        // `q` t of magnets taken, at $11,400.
        let taken = |q: f64| {
            move |c: CommodityId| {
                if c == magnet {
                    (q, 11_400.0, 0.0)
                } else {
                    (0.0, 0.0, 0.0)
                }
            }
        };
        let s = share_taken(&make, 100.0, 3_600.0, taken(100.0));
        assert!((s - 11_400.0 / 15_000.0).abs() < 1e-12, "{s}");
        assert_eq!(share_taken(&make, 100.0, 0.0, taken(100.0)), 1.0);
        // Half the magnets taken: half of the magnets' part.
        let s = share_taken(&make, 100.0, 3_600.0, taken(50.0));
        assert!((s - 0.5 * 11_400.0 / 15_000.0).abs() < 1e-12, "{s}");
    }

    /// A maker whose magnets are worth $12,000 at the plant, $600 of it
    /// paid by a buyer's offtake on every tonne delivered to the buyer: the
    /// buyer's market, taking all 100 t, pays for 11,400 / 12,000 of the
    /// maker's inputs; the contract pays for the rest.
    #[test]
    fn what_a_contract_pays_on_the_tonnes_taken_is_not_the_markets() {
        let (magnet, make) = maker();
        let taken = |c: CommodityId| {
            if c == magnet {
                (100.0, 12_000.0, 100.0 * 600.0)
            } else {
                (0.0, 0.0, 0.0)
            }
        };
        let s = share_taken(&make, 100.0, 0.0, taken);
        assert!((s - 11_400.0 / 12_000.0).abs() < 1e-12, "{s}");
    }
}
