//! Which cut-offs break a market's supply (`rareflow stress`): every set of
//! up to K suppliers (countries, or facilities) cut off from the market, or
//! from every buyer with `--global`, from a period on, each solved warm on
//! the model ([`crate::engine`]) and measured by what the market's buyers
//! went without and what it cost them.
//!
//! The suppliers tried are those on the market's supply paths in the
//! reference plan (the model as given, nothing cut off): every facility
//! outside the market's country with a share of its activity in the
//! market's deliveries in a period from `from` on
//! ([`crate::report::explain`]), or their countries. A cut-off stops direct
//! shipments only ([`crate::model::Cutoff`]): it is a bound of 0 on lanes,
//! so every case keeps the reference's LP structure and is re-solved warm.
//!
//! *Cost to the market* is what its buyers paid for what they received plus
//! the value they placed on what they went without (given up along their
//! demand curves, and critical demand at its shortage penalty), present
//! value over the market's sector (if given) and the periods from `from`.

pub mod report;

use serde::Serialize;

use crate::engine::{self, How, Jobs, Solved};
use crate::error::Result;
use crate::model::{CommodityId, CountryId, Cutoff, Model, PeriodId, Supplier};
use crate::network::Network;
use crate::plan::Plan;
use crate::report::markets::segment_results;
use crate::report::scope::{headline, Scope};
use crate::solver::SolveOptions;
use crate::sweep::merge::{Chains, Shard};
use crate::Checked;

/// Cut off suppliers of what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// Countries: every facility of each.
    Country,
    /// Single facilities.
    Facility,
}

/// What to stress: the market, its sector, from when, how many suppliers
/// at once, of what kind, and from whom they are cut off.
#[derive(Debug, Clone)]
pub struct Request {
    /// The market's country.
    pub market: CountryId,
    /// Only this sector's demand is measured (none: every sector).
    pub sector: Option<String>,
    /// The first period of the cut-offs, and of what is measured.
    pub from: PeriodId,
    /// Up to this many suppliers at once.
    pub k: usize,
    /// Countries or facilities.
    pub by: By,
    /// Cut off from every buyer, not only the market's country.
    pub global: bool,
    /// Only goods of these traced stages are cut off (ore and concentrate
    /// are `mined`, oxide `separated`, metal and alloy `metal`, magnets
    /// `magnet`; scrap is of none).
    pub stages: crate::model::StageSet,
}

impl Request {
    /// What is measured: the market (and sector) from `from` to the end.
    pub fn scope(&self, model: &Model) -> Scope {
        let last = PeriodId(model.periods.len().saturating_sub(1));
        Scope {
            market: Some(self.market),
            sector: self.sector.clone(),
            periods: Some((self.from, last)),
        }
    }

    /// The request in words, the same in every slice of one stress test
    /// (`stress.csv`'s `request` column, which `merge` holds to one value):
    /// `US; all sectors; from 2026; countries; up to 2; from it`.
    pub fn words(&self, model: &Model) -> String {
        let stages = if self.stages == crate::model::StageSet::ALL {
            String::new()
        } else {
            format!("; {} goods only", self.stages.label())
        };
        format!(
            "{}; {}; from {}; {}; up to {}; {}{stages}",
            model.countries[self.market.0].code,
            self.sector.as_deref().unwrap_or("all sectors"),
            model.periods[self.from.0].label,
            match self.by {
                By::Country => "countries",
                By::Facility => "facilities",
            },
            self.k,
            if self.global {
                "from every buyer"
            } else {
                "from it"
            }
        )
    }

    /// The goods the cut-offs stop: none for every stage (every good, scrap
    /// included).
    pub fn goods(&self, model: &Model) -> Option<crate::model::CommoditySet> {
        if self.stages == crate::model::StageSet::ALL {
            return None;
        }
        let members = (model.commodities.iter())
            .map(|c| {
                crate::trace::commodity_stage(c.stage).is_some_and(|s| self.stages.contains(s))
            })
            .collect();
        Some(crate::model::CommoditySet::new(
            self.stages.label(),
            members,
        ))
    }

    /// The cut-offs of one set of suppliers.
    pub fn cutoffs(&self, model: &Model, set: &[Supplier]) -> Vec<Cutoff> {
        let goods = self.goods(model);
        (set.iter())
            .map(|&supplier| Cutoff {
                supplier,
                importer: (!self.global).then_some(self.market),
                from: self.from,
                goods: goods.clone(),
            })
            .collect()
    }
}

/// What a plan means for the stressed market.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Effect {
    /// The plan's objective (the whole system's), present value.
    pub objective: f64,
    /// Critical demand unserved, t over the periods measured.
    pub unserved_t: f64,
    /// Demand given up as prices rose, t.
    pub given_up_t: f64,
    /// What the buyers paid, present value.
    pub spend_pv: f64,
    /// The value buyers placed on what they went without, present value.
    pub loss_pv: f64,
    /// Cost to the market: `spend_pv + loss_pv`.
    pub cost_pv: f64,
}

/// The effect of `plan` on `scope`'s buyers.
pub fn effect(model: &Model, plan: &Plan, scope: &Scope) -> Effect {
    let segments = segment_results(model, plan);
    let h = headline(model, scope, &segments);
    let loss_pv: f64 = (0..model.demand.len())
        .filter(|&d| scope.has_segment(model, d))
        .map(|d| {
            let seg = &model.demand[d];
            let tiers: f64 = (seg.tiers.iter().zip(&plan.given_up[d]))
                .map(|(tier, g)| tier.value * g)
                .sum();
            model.period_weight(seg.period) * (tiers + seg.shortage_penalty * plan.shortage[d])
        })
        .sum();
    Effect {
        objective: plan.objective,
        unserved_t: h.unserved_t,
        given_up_t: h.given_up_t,
        spend_pv: h.spend_pv,
        loss_pv,
        cost_pv: h.spend_pv + loss_pv,
    }
}

/// The suppliers to try, in a fixed order: the facilities outside the
/// market's country on its supply paths from `from` on in the reference
/// plan (in the order of their ids), or their countries (by code). A
/// facility that shipped nothing across the border the cut-off closes (into
/// the market's country, or with `global` into any other) from `from` on
/// is left out: the reference plan stays possible without it, and so stays
/// the best, whatever else is cut off with it.
pub fn suppliers(model: &Model, network: &Network, plan: &Plan, req: &Request) -> Vec<Supplier> {
    let scope = req.scope(model);
    let mut goods: Vec<CommodityId> = (0..model.demand.len())
        .filter(|&d| scope.has_segment(model, d))
        .map(|d| model.demand[d].commodity)
        .collect();
    goods.sort();
    goods.dedup();
    let periods: Vec<PeriodId> = (req.from.0..model.periods.len()).map(PeriodId).collect();
    let on =
        crate::report::explain::on_supply_paths(model, network, plan, req.market, &goods, &periods);
    let mut ships = vec![false; model.facilities.len()];
    let cut_goods = req.goods(model);
    for (l, lane) in network.lanes().iter().enumerate() {
        let (from, to) = (lane.from, model.endpoint_country(lane.to));
        let border = if req.global {
            to != model.facilities[from.0].country
        } else {
            to == req.market
        };
        let closed = border
            && cut_goods
                .as_ref()
                .is_none_or(|g| g.contains(lane.commodity));
        let carried = plan.flows[l][req.from.0..].iter().any(|&q| q > 1e-6);
        ships[from.0] |= closed && carried;
    }
    let outside = (0..model.facilities.len())
        .filter(|&f| on[f] && model.facilities[f].country != req.market && ships[f]);
    let mut out: Vec<Supplier> = match req.by {
        By::Facility => outside
            .map(|f| Supplier::Facility(crate::model::FacilityId(f)))
            .collect(),
        By::Country => outside
            .map(|f| Supplier::Country(model.facilities[f].country))
            .collect(),
    };
    out.sort();
    out.dedup();
    out
}

/// A supplier's name: its country code or facility id.
pub fn name(model: &Model, s: Supplier) -> String {
    match s {
        Supplier::Country(c) => model.countries[c.0].code.clone(),
        Supplier::Facility(f) => model.facilities[f.0].id.clone(),
    }
}

/// Every set of 1 to `k` of `n` suppliers (as indices), smaller sets
/// first, each size in lexicographic order.
pub fn sets(n: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut level: Vec<Vec<usize>> = vec![Vec::new()];
    for _ in 0..k.min(n) {
        let next: Vec<Vec<usize>> = (level.iter())
            .flat_map(|s| {
                let from = s.last().map_or(0, |l| l + 1);
                (from..n).map(move |i| {
                    let mut t = s.clone();
                    t.push(i);
                    t
                })
            })
            .collect();
        out.extend(next.iter().cloned());
        level = next;
    }
    out
}

/// How many sets [`sets`] makes: Σ C(n, i) for i in 1..=k (saturating).
pub fn count_sets(n: usize, k: usize) -> usize {
    let mut total: usize = 0;
    let mut c: usize = 1;
    for i in 1..=k.min(n) {
        c = c.saturating_mul(n + 1 - i) / i;
        total = total.saturating_add(c);
    }
    total
}

/// One set cut off, as solved.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    /// Its number, from 1 (case 1 is the reference: nothing cut off).
    pub case: usize,
    /// The suppliers cut off, `+` between them (`none` for the reference).
    pub cut: String,
    /// How many.
    pub size: usize,
    /// The solver's status, or why the case has no plan.
    pub status: String,
    /// How it was solved.
    pub start: How,
    /// What it means for the market (none without a plan).
    pub effect: Option<Effect>,
}

/// A stress test to run: the model (checked, with its scenarios), the
/// request, the suppliers and their sets, how to solve, and the slice.
pub struct Stress<'a> {
    /// The model as given (no cut-offs).
    pub model: &'a Model,
    /// Its network (cut-offs leave it as it is).
    pub network: &'a Network,
    /// The request.
    pub request: &'a Request,
    /// The suppliers tried.
    pub suppliers: &'a [Supplier],
    /// The sets cut off, as indices into `suppliers`.
    pub sets: &'a [Vec<usize>],
    /// How to solve (one HiGHS thread per case).
    pub opts: &'a SolveOptions,
    /// Only this slice, when given.
    pub shard: Option<Shard>,
}

impl Stress<'_> {
    /// The sets in chains, and the slice's.
    fn chains(&self) -> Chains {
        Chains {
            total: self.sets.len(),
            shard: self.shard,
        }
    }

    /// How many sets this run solves.
    pub fn len(&self) -> usize {
        self.chains().len()
    }

    /// True when the slice holds no set.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cut of set `i`, `+` between names.
    fn cut(&self, i: usize) -> String {
        let names: Vec<String> = (self.sets[i].iter())
            .map(|&s| name(self.model, self.suppliers[s]))
            .collect();
        names.join("+")
    }

    /// Solves the slice's sets in parallel, warm on the model; case numbers
    /// are the set's index + 2 (1 is the reference). Also returns how many
    /// bases the workers solved.
    pub fn run(&self, tick: &(dyn Fn(&str) + Sync)) -> (Vec<Case>, usize) {
        let scope = self.request.scope(self.model);
        let mine: Vec<usize> = self.chains().cases().collect();
        let finish = |&i: &usize, solved: Result<Solved>, how: How| {
            let (status, effect) = match solved {
                Ok(s) => (
                    s.plan.status.label(),
                    Some(effect(&s.model, &s.plan, &scope)),
                ),
                Err(e) => (crate::compare::reason(&e), None),
            };
            Case {
                case: i + 2,
                cut: self.cut(i),
                size: self.sets[i].len(),
                status,
                start: how,
                effect,
            }
        };
        engine::run(self, &mine, &finish, tick)
    }
}

impl Jobs for Stress<'_> {
    /// The set's index.
    type Case = usize;

    fn base_of(&self, _case: &usize) -> usize {
        0
    }

    fn chain_of(&self, &case: &usize) -> usize {
        self.chains().chain(case)
    }

    fn load_base(&self, _base: usize) -> Result<Checked> {
        Ok(Checked::unchanged_network(
            self.model.clone(),
            self.network.clone(),
        ))
    }

    fn load(&self, &i: &usize) -> Result<Checked> {
        let mut model = self.model.clone();
        let set: Vec<Supplier> = self.sets[i].iter().map(|&s| self.suppliers[s]).collect();
        model.cutoffs = self.request.cutoffs(self.model, &set);
        Ok(Checked::unchanged_network(model, self.network.clone()))
    }

    fn label(&self, &i: &usize) -> String {
        self.cut(i)
    }

    fn options(&self, _base: usize) -> SolveOptions {
        SolveOptions {
            threads: 1,
            ..self.opts.clone()
        }
    }
}
