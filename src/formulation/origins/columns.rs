//! The columns of facilities that run in several origin classes: activity
//! per class (tied to the facility's activity by one row), disposal from the
//! most tainted class, and downgrades of inputs and outputs.

use super::{subsets, ClassCol, OriginIndex};
use crate::formulation::activity::ActivityIndex;
use crate::formulation::keys::{ColKey, RowKey};
use crate::formulation::lp::{Lp, Sense};
use crate::model::{CommodityId, FacilityId, Model, PeriodId};

use super::Layout;

/// Columns of every split facility (activity, disposal and downgrades per
/// class), its activity tied to its classes' by one row. Split lanes' parts
/// are the flow family's ([`super::lanes`]).
pub(in crate::formulation) fn add_columns(
    lp: &mut Lp,
    layout: Layout,
    model: &Model,
    activity: &ActivityIndex,
) -> OriginIndex {
    let mut ix = OriginIndex {
        layout,
        ..OriginIndex::default()
    };
    for f in (0..model.facilities.len()).map(FacilityId) {
        if ix.layout.is_split(f) {
            add_facility_columns(lp, &mut ix, model, activity, f);
        }
    }
    ix
}

/// Activity per class of split facility `f` in every period, tied to its
/// activity, and the class columns of each commodity of its recipe.
fn add_facility_columns(
    lp: &mut Lp,
    ix: &mut OriginIndex,
    model: &Model,
    activity: &ActivityIndex,
    f: FacilityId,
) {
    let classes = ix.layout.classes(f);
    let process = &model.processes[model.facilities[f.0].process.0];
    let first_output = process.outputs().next().unwrap_or(CommodityId(0));
    for period in model.period_ids() {
        let mut terms = vec![(activity.col(f, period), 1.0)];
        for &class in &classes {
            let key = ColKey::ActivityPart {
                facility: f,
                period,
                class,
            };
            let col = lp.column(key, None, 0.0);
            terms.push((col, -1.0));
            ix.activity.push(ClassCol {
                facility: f,
                commodity: first_output,
                period,
                class,
                to: class,
                col,
            });
        }
        let key = RowKey::ActivityParts {
            facility: f,
            period,
        };
        let row = lp.row(key, &terms, Sense::Eq, 0.0);
        ix.links.insert(key, row);
        for &(commodity, coef) in &process.terms {
            let at = (f, commodity, period);
            add_commodity_columns(lp, ix, model, at, coef > 0.0);
        }
    }
}

/// Disposal of an output (from the most tainted class: disposal takes any
/// material), and downgrades: material of a class may be counted in any
/// more tainted class, inputs among the input classes and outputs among the
/// output classes.
fn add_commodity_columns(
    lp: &mut Lp,
    ix: &mut OriginIndex,
    model: &Model,
    (f, commodity, period): (FacilityId, CommodityId, PeriodId),
    output: bool,
) {
    let possible = ix.layout.possible_in[f.0];
    let top = ix.layout.top(f);
    let push = |lp: &mut Lp, list: &mut Vec<ClassCol>, key, cost, class, to| {
        let col = lp.column(key, None, cost);
        list.push(ClassCol {
            facility: f,
            commodity,
            period,
            class,
            to,
            col,
        });
    };
    if output {
        let cost = model.period_weight(period) * model.commodities[commodity.0].disposal_cost;
        let key = ColKey::DisposalPart {
            facility: f,
            commodity,
            period,
            class: top,
        };
        push(lp, &mut ix.disposal, key, cost, top, top);
    }
    let base = if output { top & !possible } else { 0 };
    for from in subsets(possible) {
        let bits = (0..8).map(|b| 1u8 << b);
        for bit in bits.filter(|b| possible & b != 0 && from & b == 0) {
            let (from, to) = (from | base, from | bit | base);
            let key = ColKey::Downgrade {
                facility: f,
                commodity,
                period,
                from,
                to,
            };
            push(lp, &mut ix.downgrades, key, 0.0, from, to);
        }
    }
}
