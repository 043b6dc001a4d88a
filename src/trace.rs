//! Dependency: where the material reaching each market was mined,
//! separated, made into metal and made into magnets, traced through the
//! solved flows.
//!
//! Sites mix proportionally: what leaves a site carries the origin mix of
//! everything that arrived there in that period, weighted by tonnes, and a
//! site at a traced stage stamps that stage with its own country. A site's
//! stage is the most downstream stage among its outputs: concentrate or ore
//! is *mined*, oxide is *separated*, metal and alloy are *metal*, magnets
//! are *magnet*; mixed compounds, and sites whose outputs are no further down
//! the chain than their inputs, pass their inputs' origins through. A site
//! with no inputs is a source: it stamps every stage up to its own (an
//! integrated mine-to-oxide site is both mined and separated there). A source
//! of scrap is secondary supply: its material was not mined anywhere in the
//! plan, and the *mined* stage shows it as [`RECYCLED`].

use serde::Serialize;

use crate::formulation::origins::{Layout, PartsView};
use crate::model::{CommodityId, CountryId, FacilityId, Model, PeriodId, Stage};
use crate::network::{LaneId, Network};
use crate::plan::Plan;

/// The traced stages, upstream first.
pub const STAGES: [&str; 4] = crate::model::RULE_STAGES;

/// How reports say that material went through each stage somewhere.
pub const STAGE_PHRASES: [&str; 4] = ["mined", "separated", "made into metal", "made into magnets"];

/// How the *mined* stage names material from scrap sources.
pub const RECYCLED: &str = "recycled";

/// The traced stage a facility performs, as an index into [`STAGES`]. A
/// site whose outputs are no further down the chain than its inputs (using
/// a higher magnet grade for a lower one, say) performs none. Scrap is no
/// stage of the chain: a recycler that makes oxide of scrap separates, one
/// that makes magnets of it makes magnets, and a magnet maker whose swarf
/// is a by-product makes magnets.
pub fn facility_stage(model: &Model, f: FacilityId) -> Option<usize> {
    let process = &model.processes[model.facilities[f.0].process.0];
    if !advances(model, process) {
        return None;
    }
    let stage = |c: CommodityId| model.commodities[c.0].stage;
    let top = process
        .outputs()
        .map(stage)
        .filter(|s| *s != Stage::Scrap)
        .max()?;
    match top {
        Stage::Ore | Stage::Concentrate => Some(0),
        Stage::Oxide => Some(1),
        Stage::Metal | Stage::Alloy => Some(2),
        Stage::Magnet => Some(3),
        Stage::MixedCompound | Stage::Scrap => None,
    }
}

/// Does `process` take material to a later stage of the chain than any of
/// its inputs (scrap aside)? A source (a mine, a scrap collector) does; a
/// process that turns a good into another of the same stage (finishing an
/// oxide, swapping one metal for another) does not.
pub fn advances(model: &Model, process: &crate::model::Process) -> bool {
    let stage = |c: CommodityId| model.commodities[c.0].stage;
    let chain = |s: &Stage| *s != Stage::Scrap;
    let top_in = process.inputs().map(stage).filter(chain).max();
    let top_out = process.outputs().map(stage).filter(chain).max();
    top_out > top_in
}

/// The last traced stage a commodity has been through, as an index into
/// [`STAGES`]: ores and concentrates 0, oxides 1, metals and alloys 2,
/// magnets 3; mixed compounds 0 (mined, not yet separated); scrap none.
pub fn commodity_stage(stage: Stage) -> Option<usize> {
    match stage {
        Stage::Ore | Stage::Concentrate | Stage::MixedCompound => Some(0),
        Stage::Oxide => Some(1),
        Stage::Metal | Stage::Alloy => Some(2),
        Stage::Magnet => Some(3),
        Stage::Scrap => None,
    }
}

/// What a site stamps on the material it ships.
#[derive(Debug, Clone, Copy)]
enum Stamp {
    /// Nothing: origins pass through.
    None,
    /// Its country at this stage.
    Stage(usize),
    /// A source: its country at every stage up to this one (none: only mined).
    Source(Option<usize>),
    /// A source of scrap: recycled at the mined stage.
    Scrap,
}

fn stamp(model: &Model, f: FacilityId) -> Stamp {
    let process = &model.processes[model.facilities[f.0].process.0];
    let is_source = process.inputs().next().is_none();
    let scrap_only = process
        .outputs()
        .all(|c| model.commodities[c.0].stage == Stage::Scrap);
    match (is_source, scrap_only, facility_stage(model, f)) {
        (true, true, _) => Stamp::Scrap,
        (true, false, top) => Stamp::Source(top),
        (false, _, Some(s)) => Stamp::Stage(s),
        (false, _, None) => Stamp::None,
    }
}

/// The stages at which a site handles material in its own country, as the
/// trace stamps them: its own stage, every stage up to its own for a
/// source; none for a source of scrap or a site that passes material
/// through. This is what an origin rule's stages match.
pub fn stamped_stages(model: &Model, f: FacilityId) -> crate::model::StageSet {
    let bits = match stamp(model, f) {
        Stamp::None | Stamp::Scrap => 0,
        Stamp::Stage(s) => 1 << s,
        Stamp::Source(top) => (1u8 << (top.unwrap_or(0) + 1)) - 1,
    };
    crate::model::StageSet(bits)
}

/// Shares by country for each traced stage (each vector sums to 1, or is
/// all zero when no stage of that kind lies upstream). Vectors have one
/// slot per country and a last slot for [`RECYCLED`].
pub type Mix = [Vec<f64>; 4];

fn empty_mix(n: usize) -> Mix {
    std::array::from_fn(|_| vec![0.0; n + 1])
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
    /// The sector group, in a market split by sector (`None`: the whole
    /// market, or its sectors no rule names).
    pub sector: Option<String>,
    /// Is the market split by sector?
    pub split: bool,
    /// The demand segments it supplies (indices into `model.demand`).
    pub segments: Vec<usize>,
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
    /// products (all outputs of the sites at that stage). Scrap sources are
    /// not mine output and are left out.
    pub stage_output: Vec<[Vec<f64>; 4]>,
}

/// Traces `plan` through the network. Where the model has origin layers,
/// each class is traced apart (material mixes proportionally within a
/// class, never across classes), so the trace agrees with the layers: a
/// segment that took only clean material shows none of a rule's countries
/// at its stages.
pub fn trace(model: &Model, network: &Network, plan: &Plan) -> Dependency {
    let layout = Layout::of(model, network);
    let view = PartsView::new(&layout, network, plan);
    let tracer = Tracer::new(model, network, plan, &layout, &view);
    let mut markets = Vec::new();
    let mut stage_output = Vec::new();
    for t in model.period_ids() {
        let mix = tracer.site_mixes(t);
        tracer.market_origins(&mix, t, &mut markets);
        stage_output.push(tracer.stage_output(t));
    }
    Dependency {
        markets,
        stage_output,
    }
}

/// Tonnes per year on one lane in one period, by where they were mined.
#[derive(Debug, Clone, PartialEq)]
pub struct LaneMined {
    /// The lane.
    pub lane: LaneId,
    /// The period.
    pub period: PeriodId,
    /// Tonnes per year by mining country: one slot per country, a last one
    /// for [`RECYCLED`]. They sum to the lane's flow.
    pub tonnes: Vec<f64>,
}

/// Where the material on every lane with a flow was mined, traced as
/// [`trace`] traces the markets' supply (each origin class apart), per
/// period, then in lane order.
pub fn lanes_mined(model: &Model, network: &Network, plan: &Plan) -> Vec<LaneMined> {
    let layout = Layout::of(model, network);
    let view = PartsView::new(&layout, network, plan);
    let tracer = Tracer::new(model, network, plan, &layout, &view);
    let mut out = Vec::new();
    for t in model.period_ids() {
        let mix = tracer.site_mixes(t);
        for (l, lane) in network.lanes().iter().enumerate() {
            let mut tonnes = vec![0.0; tracer.n + 1];
            let mut carried = false;
            for &(_, class, q) in view.parts(LaneId(l), t).iter().filter(|p| p.2 > 0.0) {
                carried = true;
                let mined = &tracer.part_mix(&mix, lane.from, class)[0];
                for (x, share) in tonnes.iter_mut().zip(mined) {
                    *x += q * share;
                }
            }
            if carried {
                out.push(LaneMined {
                    lane: LaneId(l),
                    period: t,
                    tonnes,
                });
            }
        }
    }
    out
}

/// A plan being traced, with what every period's trace shares.
struct Tracer<'a> {
    model: &'a Model,
    network: &'a Network,
    plan: &'a Plan,
    layout: &'a Layout,
    view: &'a PartsView<'a>,
    /// Countries in the model (a mix has one more slot, for [`RECYCLED`]).
    n: usize,
    /// What each facility stamps.
    stamps: Vec<Stamp>,
    /// Each facility's output classes, ascending.
    classes: Vec<Vec<u8>>,
    /// Activity of split facilities by (facility, period, class).
    activity: std::collections::BTreeMap<(FacilityId, PeriodId, u8), f64>,
    /// Tonnes of output per unit of each facility's activity.
    output_per_unit: Vec<f64>,
    /// Downgrades at split facilities, by (facility, period).
    downgrades: std::collections::BTreeMap<(FacilityId, PeriodId), Vec<Downgrade>>,
    /// The sites in groups, upstream groups first, each visited once or,
    /// when its lanes form a cycle, [`CYCLE_SWEEPS`] times
    /// ([`Network::upstream_groups`]).
    groups: Vec<(Vec<FacilityId>, bool)>,
    /// Demand segments by market and period ([`Model::demand_by_market`]).
    by_market: std::collections::BTreeMap<(CountryId, CommodityId, PeriodId), Vec<usize>>,
}

/// Sweeps over the sites of a cycle, per period.
const CYCLE_SWEEPS: usize = 8;

/// The mix of each output class of each site.
type SiteMixes = Vec<Vec<Mix>>;

/// Material counted in a more tainted class at a split facility.
#[derive(Debug, Clone, Copy)]
struct Downgrade {
    /// An output (else an input).
    output: bool,
    /// The class it leaves.
    class: u8,
    /// The class it joins.
    to: u8,
    /// Tonnes per year, summed over commodities.
    value: f64,
}

impl<'a> Tracer<'a> {
    /// Works out the stamps and the order sites are visited in: upstream
    /// first, once; the sites of a cycle together, several times.
    fn new(
        model: &'a Model,
        network: &'a Network,
        plan: &'a Plan,
        layout: &'a Layout,
        view: &'a PartsView<'a>,
    ) -> Self {
        let stamps: Vec<Stamp> = (0..model.facilities.len())
            .map(|f| stamp(model, FacilityId(f)))
            .collect();
        let classes = (0..model.facilities.len())
            .map(|f| layout.classes(FacilityId(f)))
            .collect();
        let groups = network.upstream_groups();
        let activity = (plan.layers.activity.iter())
            .map(|a| ((a.facility, a.period, a.class), a.value))
            .collect();
        let output_per_unit = (0..model.facilities.len())
            .map(|f| output_tonnes(model, FacilityId(f), 1.0))
            .collect();
        let mut downgrades: std::collections::BTreeMap<_, Vec<Downgrade>> = Default::default();
        for d in plan.layers.downgrades.iter().filter(|d| d.value > 0.0) {
            let process = &model.processes[model.facilities[d.facility.0].process.0];
            let output = process.coef(d.commodity) > 0.0;
            let list = downgrades.entry((d.facility, d.period)).or_default();
            match list
                .iter_mut()
                .find(|x: &&mut Downgrade| (x.output, x.class, x.to) == (output, d.class, d.to))
            {
                Some(x) => x.value += d.value,
                None => list.push(Downgrade {
                    output,
                    class: d.class,
                    to: d.to,
                    value: d.value,
                }),
            }
        }
        Tracer {
            model,
            network,
            plan,
            layout,
            view,
            n: model.countries.len(),
            stamps,
            classes,
            activity,
            output_per_unit,
            downgrades,
            groups,
            by_market: model.demand_by_market(),
        }
    }

    /// The origin mix of what each site ships in period `t`, per class.
    fn site_mixes(&self, t: PeriodId) -> SiteMixes {
        let mut mix: SiteMixes = (self.classes.iter())
            .map(|c| vec![empty_mix(self.n); c.len()])
            .collect();
        for (group, cycle) in &self.groups {
            // Around a cycle (material coming back upstream), sweeping
            // several times converges to the same proportional mix.
            for _ in 0..if *cycle { CYCLE_SWEEPS } else { 1 } {
                for &f in group {
                    mix[f.0] = self.site_mix(f, &mix, t);
                }
            }
        }
        mix
    }

    /// The mix of a lane's part of class `class`, from its source's mixes.
    fn part_mix<'m>(&self, mix: &'m SiteMixes, from: FacilityId, class: u8) -> &'m Mix {
        let i = self.classes[from.0].binary_search(&class).unwrap_or(0);
        &mix[from.0][i]
    }

    /// The mix of each class site `f` ships in period `t`: the inputs of
    /// its input class (from `mix`, weighted by tonnes, with what was
    /// downgraded into the class from cleaner ones), with its own stamp.
    fn site_mix(&self, f: FacilityId, mix: &SiteMixes, t: PeriodId) -> Vec<Mix> {
        let (model, network, n) = (self.model, self.network, self.n);
        let fac = &model.facilities[f.0];
        let possible = self.layout.possible_in[f.0];
        // What is available to each input class, by input class.
        let mut pools: std::collections::BTreeMap<u8, (Mix, f64)> = Default::default();
        for j in crate::formulation::origins::subsets(possible) {
            let mut acc = empty_mix(n);
            let mut total = 0.0;
            for c in model.processes[fac.process.0].inputs() {
                for l in network.lanes_into(f, c) {
                    let from = network.lane(*l).from;
                    for &(_, class, q) in self.view.parts(*l, t).iter() {
                        if q > 0.0 && class & possible == j {
                            add(&mut acc, self.part_mix(mix, from, class), q);
                            total += q;
                        }
                    }
                }
            }
            let downgraded = self.downgrades.get(&(f, t)).map_or(&[][..], Vec::as_slice);
            for d in downgraded.iter().filter(|d| !d.output && d.to == j) {
                if let Some((m, tot)) = pools.get(&d.class) {
                    if *tot > 0.0 {
                        add(&mut acc, m, d.value);
                        total += d.value;
                    }
                }
            }
            if total > 0.0 {
                scale(&mut acc, 1.0 / total);
            }
            pools.insert(j, (acc, total));
        }
        let made: Vec<Mix> = (self.classes[f.0].iter())
            .map(|&m| {
                let mut acc = pools
                    .remove(&(m & possible))
                    .map_or_else(|| empty_mix(n), |p| p.0);
                self.apply_stamp(f, &mut acc);
                acc
            })
            .collect();
        self.counted_as(f, made, t)
    }

    /// What each output class of `f` ships: what it made, with the output
    /// of cleaner classes counted in it (most tainted classes last).
    fn counted_as(&self, f: FacilityId, made: Vec<Mix>, t: PeriodId) -> Vec<Mix> {
        let Some(downgraded) = self.downgrades.get(&(f, t)) else {
            return made;
        };
        let classes = &self.classes[f.0];
        let units: Vec<f64> = (classes.iter())
            .map(|&m| {
                self.activity.get(&(f, t, m)).copied().unwrap_or(0.0) * self.output_per_unit[f.0]
            })
            .collect();
        let mut pools: Vec<(Mix, f64)> = Vec::with_capacity(classes.len());
        for (i, mix) in made.into_iter().enumerate() {
            let mut acc = empty_mix(self.n);
            add(&mut acc, &mix, units[i]);
            let mut total = units[i];
            for d in downgraded.iter().filter(|d| d.output && d.to == classes[i]) {
                let from = classes.binary_search(&d.class).ok().filter(|&k| k < i);
                if let Some((m, tot)) = from.and_then(|k| pools.get(k)) {
                    if *tot > 0.0 {
                        add(&mut acc, m, d.value);
                        total += d.value;
                    }
                }
            }
            if total > 0.0 {
                scale(&mut acc, 1.0 / total);
            }
            pools.push((acc, total));
        }
        pools.into_iter().map(|p| p.0).collect()
    }

    /// Stamps site `f`'s country on the stages it handles.
    fn apply_stamp(&self, f: FacilityId, acc: &mut Mix) {
        let n = self.n;
        let country = self.model.facilities[f.0].country.0;
        let mut set = |s: usize, slot: usize| {
            acc[s] = vec![0.0; n + 1];
            acc[s][slot] = 1.0;
        };
        match self.stamps[f.0] {
            Stamp::None => {}
            Stamp::Stage(s) => set(s, country),
            Stamp::Source(top) => (0..=top.unwrap_or(0)).for_each(|s| set(s, country)),
            Stamp::Scrap => set(0, n),
        }
    }

    /// Appends to `markets` the origin mix of every market (of every sector
    /// group of a market split by sector) served in period `t`, given the
    /// sites' mixes.
    fn market_origins(&self, mix: &SiteMixes, t: PeriodId, markets: &mut Vec<MarketOrigin>) {
        let (model, network, by_market) = (self.model, self.network, &self.by_market);
        for (country, c) in Network::markets(model) {
            let layout = self.layout.markets.get(&(country, c));
            let groups = layout.map_or(1, |m| m.groups.len());
            let segments = by_market
                .get(&(country, c, t))
                .map_or(&[][..], Vec::as_slice);
            for g in 0..groups {
                let mut acc = empty_mix(self.n);
                let mut total = 0.0;
                for l in network.lanes_to_market(country, c) {
                    let from = network.lane(*l).from;
                    for &(group, class, q) in self.view.parts(*l, t).iter() {
                        if q > 0.0 && usize::from(group) == g {
                            add(&mut acc, self.part_mix(mix, from, class), q);
                            total += q;
                        }
                    }
                }
                if total > 0.0 {
                    scale(&mut acc, 1.0 / total);
                    let mine = segments.iter().copied().filter(|&d| {
                        layout.is_none_or(|m| m.group_of(&model.demand[d].sector) == g)
                    });
                    markets.push(MarketOrigin {
                        country,
                        commodity: c,
                        period: t,
                        sector: layout.and_then(|m| m.groups[g].sector.clone()),
                        split: groups > 1,
                        segments: mine.collect(),
                        delivered: total,
                        mix: acc,
                    });
                }
            }
        }
    }

    /// World output in period `t` by traced stage and country (scrap
    /// sources left out).
    fn stage_output(&self, t: PeriodId) -> [Vec<f64>; 4] {
        let model = self.model;
        let mut out: [Vec<f64>; 4] = empty_mix(self.n);
        for (f, fac) in model.facilities.iter().enumerate() {
            let made = stage_tonnes(model, FacilityId(f), self.plan.activity[f][t.0]);
            let stages = match self.stamps[f] {
                Stamp::Stage(s) => s..s + 1,
                Stamp::Source(top) => 0..top.unwrap_or(0) + 1,
                Stamp::None | Stamp::Scrap => 0..0,
            };
            for s in stages {
                out[s][fac.country.0] += made;
            }
        }
        out
    }
}

/// Tonnes of output (all positive recipe terms) at `activity`.
fn output_tonnes(model: &Model, f: FacilityId, activity: f64) -> f64 {
    outputs_where(model, f, activity, |_| true)
}

/// Tonnes of output a stage of the chain made at `activity`: scrap made on
/// the way (a magnet maker's swarf) is no stage's output.
fn stage_tonnes(model: &Model, f: FacilityId, activity: f64) -> f64 {
    outputs_where(model, f, activity, |c| {
        model.commodities[c.0].stage != Stage::Scrap
    })
}

/// Tonnes of the outputs `keep` keeps at `activity`.
fn outputs_where(
    model: &Model,
    f: FacilityId,
    activity: f64,
    keep: impl Fn(CommodityId) -> bool,
) -> f64 {
    model.processes[model.facilities[f.0].process.0]
        .terms
        .iter()
        .filter(|t| t.1 > 0.0 && keep(t.0))
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
            country: model
                .countries
                .get(k)
                .map_or_else(|| RECYCLED.to_string(), |c| c.code.clone()),
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
