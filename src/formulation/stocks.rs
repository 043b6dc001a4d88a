//! Stockpiles: a stock of one commodity held at a facility or by a
//! country, carried from period to period.
//!
//! Per stockpile and period: the level at the end of the period `L_t`
//! (tonnes, at most the capacity), what is put in `B_t` and taken out
//! `R_t` (tonnes per year, within their limits; `R_t = 0` outside the
//! release periods). The carry-over is in tonnes: a period of `y_t` years
//! moves the stock by `y_t·(B_t − R_t)`:
//!
//! `L_t = L_{t−1} + y_t·(B_t − R_t)`, with `L_{−1}` the initial stock.
//!
//! `R_t − B_t` enters the holder's balance of the commodity, as material
//! arriving there: a facility's balance (at a facility split by origin
//! class, the balance of one class: by default its most tainted, so that
//! stocked material counts as tainted in every way that matters there,
//! which never helps break a rule; for a stock marked clean, the class of
//! what the facility makes from clean inputs, which only clean material
//! can be put into), or a country's market row (a stock a country holds is
//! released only to its own demand). Holding costs `holding_cost` per
//! tonne per year on the level at the end of each period, for each of its
//! years. What is left at the end of the last period earns `final_value`
//! per tonne, in the last year's money and discounted as that year's
//! costs (a stock left at the end is otherwise worth nothing, and a plan
//! would empty it in the last period whatever the price). The dual of
//! period t's carry row is the value, in base-year
//! money, of one more tonne in stock at the start of period t.

use std::collections::BTreeMap;

use super::keys::{ColKey, RowKey, StockPart};
use super::lp::{Lp, Sense};
use super::{lookup, LpIndex};
use crate::model::{Endpoint, Model, PeriodId};
use crate::plan::{Checker, Costs, Plan, StockUse};
use crate::solver::{Col, Row, Session};

/// A stockpile's columns and carry row in one period.
#[derive(Debug, Clone, Copy)]
pub struct StockCols {
    /// Index into `model.stockpiles`.
    pub stockpile: usize,
    /// The period.
    pub period: PeriodId,
    /// Level at the end of the period.
    pub level: Col,
    /// Put in, t/yr.
    pub build: Col,
    /// Taken out, t/yr.
    pub release: Col,
    /// The carry row.
    pub carry: Row,
}

/// Every stockpile's columns, by (stockpile, period).
#[derive(Debug, Clone, Default)]
pub struct StockIndex {
    /// Sorted by (stockpile, period).
    pub cols: Vec<StockCols>,
}

impl StockIndex {
    /// The column of a [`ColKey::Stock`].
    pub fn col(&self, key: ColKey) -> Option<Col> {
        let ColKey::Stock {
            stockpile,
            period,
            part,
        } = key
        else {
            return None;
        };
        let c = lookup(&self.cols, (stockpile, period), |c| (c.stockpile, c.period))?;
        Some(match part {
            StockPart::Level => c.level,
            StockPart::Build => c.build,
            StockPart::Release => c.release,
        })
    }
}

/// The columns and carry rows of every stockpile, and their terms in the
/// holders' balances (already built in `ix`).
pub(super) fn add(lp: &mut Lp, model: &Model, ix: &LpIndex) -> StockIndex {
    let mut out = StockIndex::default();
    for (s, sp) in model.stockpiles.iter().enumerate() {
        let mut before: Option<Col> = None;
        for t in model.period_ids() {
            let years = f64::from(model.periods[t.0].years);
            let key = |part| ColKey::Stock {
                stockpile: s,
                period: t,
                part,
            };
            let holding = model.period_weight(t) * sp.holding_cost;
            let left = final_credit(model, sp, t);
            let level = lp.column(key(StockPart::Level), sp.capacity, holding - left);
            let build = lp.column(key(StockPart::Build), sp.max_build, 0.0);
            let release = lp.column(key(StockPart::Release), sp.most_out(t), 0.0);
            let mut terms = vec![(level, 1.0), (build, -years), (release, years)];
            terms.extend(before.map(|b| (b, -1.0)));
            let rhs = if t.0 == 0 { sp.initial } else { 0.0 };
            let carry = lp.row(
                RowKey::StockCarry {
                    stockpile: s,
                    period: t,
                },
                &terms,
                Sense::Eq,
                rhs,
            );
            if let Some(row) = access(model, ix, s, t) {
                lp.add_term(row, release, 1.0);
                lp.add_term(row, build, -1.0);
            }
            out.cols.push(StockCols {
                stockpile: s,
                period: t,
                level,
                build,
                release,
                carry,
            });
            before = Some(level);
        }
    }
    out
}

/// The row stockpile `s` gives to and takes from in period `t`: its
/// facility's balance of the commodity (its most tainted class's, at a
/// facility split by class), or its country's market row. None only for a
/// market split by sector, which the checks refuse before a build.
fn access(model: &Model, ix: &LpIndex, s: usize, t: PeriodId) -> Option<Row> {
    let sp = &model.stockpiles[s];
    let c = sp.commodity;
    match sp.holder {
        Endpoint::Facility(f) if ix.origins.layout.is_split(f) => {
            let key = RowKey::ClassBalance {
                facility: f,
                commodity: c,
                period: t,
                class: class_of(&ix.origins.layout, sp)?,
            };
            ix.row(key)
        }
        Endpoint::Facility(f) => ix.row(RowKey::Balance {
            facility: f,
            commodity: c,
            period: t,
        }),
        Endpoint::Market(k) => ix.row(RowKey::Market {
            country: k,
            commodity: c,
            period: t,
        }),
    }
}

/// Reads each stockpile's level, builds and releases, and the value of a
/// tonne in stock. Putting in and taking out in one period only count by
/// their difference (in the carry-over and in the balance), and a solver
/// may return both at once: they are netted, which changes neither.
pub(super) fn read(ix: &StockIndex, s: &Session, plan: &mut Plan) {
    plan.stocks = (ix.cols.iter())
        .map(|c| {
            let net = s.value(c.release) - s.value(c.build);
            (c, net)
        })
        .map(|(c, net)| StockUse {
            stockpile: c.stockpile,
            period: c.period,
            level: s.value(c.level),
            build: (-net).max(0.0),
            release: net.max(0.0),
            // One more tonne on the right-hand side lowers the cost.
            value_pv: -s.dual(c.carry),
        })
        .collect();
}

/// The origin class stockpile `sp` gives to and takes from at its facility
/// when that is split by class (none otherwise).
pub fn class_of(layout: &super::origins::Layout, sp: &crate::model::Stockpile) -> Option<u8> {
    match sp.holder {
        Endpoint::Facility(f) if layout.is_split(f) => Some(if sp.clean {
            layout.bottom(f)
        } else {
            layout.top(f)
        }),
        _ => None,
    }
}

/// Release less build, t/yr, of every stockpile, summed by where it is
/// held, commodity and period: what the stocks give to (positive) or take
/// from each balance, gathered once for the checks to look up.
pub fn nets(
    model: &Model,
    plan: &Plan,
) -> BTreeMap<(Endpoint, crate::model::CommodityId, PeriodId), f64> {
    let mut out = BTreeMap::new();
    for u in &plan.stocks {
        let sp = &model.stockpiles[u.stockpile];
        *out.entry((sp.holder, sp.commodity, u.period)).or_default() += u.release - u.build;
    }
    out
}

/// The same at facilities split by origin class, by the class each stock
/// gives to and takes from there.
pub fn class_nets(
    model: &Model,
    plan: &Plan,
    layout: &super::origins::Layout,
) -> BTreeMap<
    (
        crate::model::FacilityId,
        crate::model::CommodityId,
        PeriodId,
        u8,
    ),
    f64,
> {
    let mut out = BTreeMap::new();
    for u in &plan.stocks {
        let sp = &model.stockpiles[u.stockpile];
        if let (Endpoint::Facility(f), Some(class)) = (sp.holder, class_of(layout, sp)) {
            *out.entry((f, sp.commodity, u.period, class)).or_default() += u.release - u.build;
        }
    }
    out
}

/// Every level carries over from the period before, and every quantity is
/// within its limits.
pub(super) fn check(model: &Model, plan: &Plan, ck: &mut Checker) {
    let levels: BTreeMap<(usize, usize), f64> = (plan.stocks.iter())
        .map(|u| ((u.stockpile, u.period.0), u.level))
        .collect();
    for u in &plan.stocks {
        let sp = &model.stockpiles[u.stockpile];
        let t = u.period;
        let label = |what: &str| {
            format!(
                "stockpiles.csv:{} {} of {} in {}",
                sp.line, what, sp.id, model.periods[t.0].label
            )
        };
        let before = if t.0 == 0 {
            sp.initial
        } else {
            let last = levels.get(&(u.stockpile, t.0 - 1));
            last.copied().unwrap_or(0.0)
        };
        let years = f64::from(model.periods[t.0].years);
        let moved = years * (u.build - u.release);
        ck.check(
            u.level - before - moved,
            u.level.abs() + before.abs() + moved.abs(),
            || label("carry-over"),
        );
        ck.bounds(u.level, 0.0, sp.capacity, || label("level"));
        ck.bounds(u.build, 0.0, sp.max_build, || label("build"));
        ck.bounds(u.release, 0.0, sp.most_out(t), || label("release"));
    }
}

/// Holding costs: each period's end level, for each of its years; and
/// the credit for what is left at the end.
pub(super) fn cost(model: &Model, plan: &Plan, k: &mut Costs) {
    for u in &plan.stocks {
        let sp = &model.stockpiles[u.stockpile];
        k.holding += model.period_weight(u.period) * sp.holding_cost * u.level;
        k.stock_left -= final_credit(model, sp, u.period) * u.level;
    }
}

/// Present value of a tonne of `sp` at the end of period `t`: its final
/// value in the last year's money, discounted as that year's costs, in the
/// last period; nothing before.
fn final_credit(model: &Model, sp: &crate::model::Stockpile, t: PeriodId) -> f64 {
    if t.0 + 1 < model.periods.len() || sp.final_value == 0.0 {
        return 0.0;
    }
    let last = &model.periods[t.0];
    model.discount_factor(last.start + last.years as i32 - 1) * sp.final_value
}
