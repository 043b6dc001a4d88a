//! The mine-to-magnet network: facilities and country markets joined by
//! lanes, one lane per (from, to, commodity), held as a petgraph graph that
//! is built once and never changed.
//!
//! Lanes come from `lanes.csv` and, for every producer/consumer pair of a
//! commodity that has no written lane, from the region-to-region costs in
//! `transport.csv`. petgraph types stay inside this module; the rest of the
//! crate sees [`LaneId`]s and slices.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::Direction;

use crate::model::{CommodityId, CountryId, Endpoint, FacilityId, Model, ALL};

/// Index into [`Network::lanes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LaneId(pub usize);

/// A way to ship one commodity from a producing facility to a consumer.
#[derive(Debug, Clone)]
pub struct Lane {
    /// Producing facility.
    pub from: FacilityId,
    /// Consuming facility or market.
    pub to: Endpoint,
    /// What it carries.
    pub commodity: CommodityId,
    /// Transport cost, $/t.
    pub transport_cost: f64,
    /// Most tonnes per year (none: unlimited).
    pub capacity: Option<f64>,
    /// Line in `lanes.csv` for a written lane; none for a generated one.
    pub line: Option<u64>,
}

/// The network of a model.
#[derive(Debug, Clone)]
pub struct Network {
    graph: DiGraph<Endpoint, LaneId>,
    facility_node: Vec<NodeIndex>,
    market_node: Vec<NodeIndex>,
    lanes: Vec<Lane>,
    /// Lanes into / out of each facility, per commodity, sorted by lane id.
    lanes_in: Vec<BTreeMap<CommodityId, Vec<LaneId>>>,
    lanes_out: Vec<BTreeMap<CommodityId, Vec<LaneId>>>,
    /// Lanes into each (country market, commodity).
    market_in: BTreeMap<(CountryId, CommodityId), Vec<LaneId>>,
}

impl Network {
    /// Builds the network of `model`: written lanes, then generated ones,
    /// sorted by (commodity, from, to) so the LP is built in a fixed order.
    ///
    /// # Complexity
    /// O(Σ_c producers(c) × consumers(c)) for the generated lanes.
    pub fn build(model: &Model) -> Network {
        let mut lanes = written_lanes(model);
        let generated = generated_lanes(model, &lanes);
        lanes.extend(generated);
        lanes.sort_by_key(|l| (l.commodity, l.from, l.to));
        Network::from_lanes(model, lanes)
    }

    /// The graph of `lanes` (one node per facility and per country market)
    /// and the lanes indexed by facility, market and commodity.
    fn from_lanes(model: &Model, lanes: Vec<Lane>) -> Network {
        let mut graph = DiGraph::new();
        let facility_node: Vec<NodeIndex> = (0..model.facilities.len())
            .map(|f| graph.add_node(Endpoint::Facility(FacilityId(f))))
            .collect();
        let market_node: Vec<NodeIndex> = (0..model.countries.len())
            .map(|c| graph.add_node(Endpoint::Market(CountryId(c))))
            .collect();
        let mut lanes_in = vec![BTreeMap::<CommodityId, Vec<LaneId>>::new(); facility_node.len()];
        let mut lanes_out = lanes_in.clone();
        let mut market_in: BTreeMap<(CountryId, CommodityId), Vec<LaneId>> = BTreeMap::new();
        for (i, l) in lanes.iter().enumerate() {
            let id = LaneId(i);
            let to_node = match l.to {
                Endpoint::Facility(g) => {
                    lanes_in[g.0].entry(l.commodity).or_default().push(id);
                    facility_node[g.0]
                }
                Endpoint::Market(c) => {
                    market_in.entry((c, l.commodity)).or_default().push(id);
                    market_node[c.0]
                }
            };
            lanes_out[l.from.0].entry(l.commodity).or_default().push(id);
            graph.add_edge(facility_node[l.from.0], to_node, id);
        }
        Network {
            graph,
            facility_node,
            market_node,
            lanes,
            lanes_in,
            lanes_out,
            market_in,
        }
    }

    /// The network in Graphviz's DOT language: facilities (ellipses) and
    /// markets (boxes) labelled by id (`market:US`), lanes labelled by
    /// commodity, left to right from the mines.
    pub fn to_dot(&self, model: &Model) -> String {
        use petgraph::dot::{Config, Dot, RankDir};
        let quoted = |s: &str| {
            let escaped = s
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            format!("\"{escaped}\"")
        };
        let edge = |_, e: petgraph::graph::EdgeReference<'_, LaneId>| {
            let lane = &self.lanes[e.weight().0];
            format!(
                "label = {}",
                quoted(&model.commodities[lane.commodity.0].id)
            )
        };
        let node = |_, (_, end): (NodeIndex, &Endpoint)| {
            let shape = match end {
                Endpoint::Facility(_) => "ellipse",
                Endpoint::Market(_) => "box",
            };
            format!(
                "label = {}, shape = {shape}",
                quoted(&model.endpoint_name(*end))
            )
        };
        let config = [
            Config::NodeNoLabel,
            Config::EdgeNoLabel,
            Config::RankDir(RankDir::LR),
        ];
        format!(
            "{:?}",
            Dot::with_attr_getters(&self.graph, &config, &edge, &node)
        )
    }

    /// Every lane, in build order.
    pub fn lanes(&self) -> &[Lane] {
        &self.lanes
    }

    /// One lane.
    pub fn lane(&self, id: LaneId) -> &Lane {
        &self.lanes[id.0]
    }

    /// Lanes bringing `c` into facility `f`.
    pub fn lanes_into(&self, f: FacilityId, c: CommodityId) -> &[LaneId] {
        self.lanes_in[f.0].get(&c).map_or(&[], Vec::as_slice)
    }

    /// Lanes taking `c` out of facility `f`.
    pub fn lanes_out_of(&self, f: FacilityId, c: CommodityId) -> &[LaneId] {
        self.lanes_out[f.0].get(&c).map_or(&[], Vec::as_slice)
    }

    /// Lanes delivering `c` to the market of `country`.
    pub fn lanes_to_market(&self, country: CountryId, c: CommodityId) -> &[LaneId] {
        self.market_in.get(&(country, c)).map_or(&[], Vec::as_slice)
    }

    /// The (country, commodity) markets that demand something, sorted.
    pub fn markets(model: &Model) -> Vec<(CountryId, CommodityId)> {
        let set: BTreeSet<_> = model
            .demand
            .iter()
            .map(|d| (d.country, d.commodity))
            .collect();
        set.into_iter().collect()
    }

    /// Facilities that can run at some point of the horizon *and* receive
    /// every input they need from facilities that can run, found by a
    /// fixpoint over the graph (mines first, then whatever they can feed).
    pub fn live_facilities(&self, model: &Model) -> Vec<bool> {
        let can_run: Vec<bool> = model
            .facilities
            .iter()
            .enumerate()
            .map(|(i, f)| {
                f.capacity > 0.0
                    && (model.periods.iter().any(|p| f.availability(p) > 0.0)
                        || (f.status == crate::model::Status::Candidate
                            && !model.start_periods(FacilityId(i)).is_empty()))
            })
            .collect();
        let mut live = vec![false; model.facilities.len()];
        loop {
            let mut changed = false;
            for (f, fac) in model.facilities.iter().enumerate() {
                if live[f] || !can_run[f] {
                    continue;
                }
                let fed = model.processes[fac.process.0].inputs().all(|c| {
                    self.graph
                        .edges_directed(self.facility_node[f], Direction::Incoming)
                        .any(|e| {
                            let lane = &self.lanes[e.weight().0];
                            lane.commodity == c && live[lane.from.0]
                        })
                });
                if fed {
                    live[f] = true;
                    changed = true;
                }
            }
            if !changed {
                return live;
            }
        }
    }

    /// Facilities in groups, upstream groups first: a group is a set of
    /// facilities lanes connect in a cycle (material can come back to where
    /// it was made), or one facility on no cycle; every facility comes after
    /// all that can ship to it from other groups. Within a group facilities
    /// are in file order; the flag says whether the group is a cycle.
    pub fn upstream_groups(&self) -> Vec<(Vec<FacilityId>, bool)> {
        let mut sccs = petgraph::algo::tarjan_scc(&self.graph);
        sccs.reverse();
        sccs.into_iter()
            .filter_map(|nodes| {
                let cycle = nodes.len() > 1 || self.graph.contains_edge(nodes[0], nodes[0]);
                let mut group: Vec<FacilityId> = (nodes.iter())
                    .filter_map(|&n| match self.graph[n] {
                        Endpoint::Facility(f) => Some(f),
                        Endpoint::Market(_) => None,
                    })
                    .collect();
                group.sort();
                (!group.is_empty()).then_some((group, cycle))
            })
            .collect()
    }

    /// Can some live facility deliver `c` to the market of `country`?
    pub fn market_reachable(&self, live: &[bool], country: CountryId, c: CommodityId) -> bool {
        self.graph
            .edges_directed(self.market_node[country.0], Direction::Incoming)
            .any(|e| {
                let lane = &self.lanes[e.weight().0];
                lane.commodity == c && live[lane.from.0]
            })
    }
}

/// The lanes of `lanes.csv`, in file order.
fn written_lanes(model: &Model) -> Vec<Lane> {
    model
        .lanes
        .iter()
        .map(|l| Lane {
            from: l.from,
            to: l.to,
            commodity: l.commodity,
            transport_cost: l.cost,
            capacity: l.capacity,
            line: Some(l.line),
        })
        .collect()
}

/// A lane from every producer of each commodity to every consumer of it
/// (another facility, or a market that demands it) that has no written lane
/// and a rate in `transport.csv`, by commodity, then producer, then consumer.
fn generated_lanes(model: &Model, written: &[Lane]) -> Vec<Lane> {
    let written: BTreeSet<(FacilityId, Endpoint, CommodityId)> = written
        .iter()
        .map(|l| (l.from, l.to, l.commodity))
        .collect();
    let rates = RateTable::new(model);
    let markets: BTreeSet<(CountryId, CommodityId)> = model
        .demand
        .iter()
        .map(|d| (d.country, d.commodity))
        .collect();
    let mut lanes = Vec::new();
    for (ci, _) in model.commodities.iter().enumerate() {
        let c = CommodityId(ci);
        let producers: Vec<FacilityId> = facilities_where(model, |coef| coef > 0.0, c);
        if producers.is_empty() {
            continue;
        }
        let consumers = consumers(model, &markets, c);
        for &p in &producers {
            for &q in &consumers {
                if q == Endpoint::Facility(p) || written.contains(&(p, q, c)) {
                    continue;
                }
                let from = &model.countries[model.facilities[p.0].country.0].region;
                let to = &model.countries[model.endpoint_country(q).0].region;
                if let Some(cost) = rates.cost(model, from, to, c) {
                    lanes.push(Lane {
                        from: p,
                        to: q,
                        commodity: c,
                        transport_cost: cost,
                        capacity: None,
                        line: None,
                    });
                }
            }
        }
    }
    lanes
}

/// Where `c` can go: the facilities whose recipe takes it in, then the
/// markets of `markets` that demand it.
fn consumers(
    model: &Model,
    markets: &BTreeSet<(CountryId, CommodityId)>,
    c: CommodityId,
) -> Vec<Endpoint> {
    let mut consumers: Vec<Endpoint> = facilities_where(model, |coef| coef < 0.0, c)
        .into_iter()
        .map(Endpoint::Facility)
        .collect();
    consumers.extend(
        markets
            .iter()
            .filter(|(_, k)| *k == c)
            .map(|(country, _)| Endpoint::Market(*country)),
    );
    consumers
}

fn facilities_where(model: &Model, keep: impl Fn(f64) -> bool, c: CommodityId) -> Vec<FacilityId> {
    model
        .facilities
        .iter()
        .enumerate()
        .filter(|(_, f)| keep(model.processes[f.process.0].coef(c)))
        .map(|(i, _)| FacilityId(i))
        .collect()
}

/// `transport.csv` indexed for lookups.
struct RateTable<'a> {
    rates: BTreeMap<(&'a str, &'a str, &'a str), f64>,
}

impl<'a> RateTable<'a> {
    fn new(model: &'a Model) -> Self {
        RateTable {
            rates: model
                .transport
                .iter()
                .map(|r| {
                    (
                        (
                            r.from_region.as_str(),
                            r.to_region.as_str(),
                            r.applies_to.as_str(),
                        ),
                        r.cost,
                    )
                })
                .collect(),
        }
    }

    /// Most specific rate first (commodity id, then stage, then `all`); a
    /// row serves both directions unless the reverse direction has its own
    /// row at the same specificity.
    fn cost(&self, model: &Model, from: &str, to: &str, c: CommodityId) -> Option<f64> {
        let com = &model.commodities[c.0];
        for applies in [com.id.as_str(), com.stage.as_str(), ALL] {
            for (a, b) in [(from, to), (to, from)] {
                if let Some(&cost) = self.rates.get(&(a, b, applies)) {
                    return Some(cost);
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use crate::io::source::ModelSource;
    use crate::model::Endpoint;

    /// The default model's one cycle of lanes is its Dy/Tb swap pair (each
    /// makes the other's input); every lane between groups runs from an
    /// earlier group to a later one, and every facility is in one group.
    #[test]
    fn groups_put_every_lane_downstream_but_those_of_a_cycle() {
        let c = crate::check(&ModelSource::Embedded, &[]).unwrap();
        let (model, network) = (&c.model, &c.network);
        let groups = network.upstream_groups();
        let mut at = vec![usize::MAX; model.facilities.len()];
        for (g, (group, _)) in groups.iter().enumerate() {
            for f in group {
                assert_eq!(at[f.0], usize::MAX, "{} twice", model.facilities[f.0].id);
                at[f.0] = g;
            }
        }
        assert!(at.iter().all(|&g| g != usize::MAX));
        let cycles: Vec<Vec<&str>> = (groups.iter())
            .filter(|(_, cycle)| *cycle)
            .map(|(group, _)| {
                let mut ids: Vec<&str> = (group.iter())
                    .map(|f| model.facilities[f.0].id.as_str())
                    .collect();
                ids.sort_unstable();
                ids
            })
            .collect();
        assert_eq!(cycles, [["cn_dy_for_tb", "cn_tb_for_dy"]]);
        for lane in network.lanes() {
            if let Endpoint::Facility(to) = lane.to {
                let (from, to) = (at[lane.from.0], at[to.0]);
                assert!(from < to || (from == to && groups[from].1));
            }
        }
    }
}
