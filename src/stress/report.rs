//! What a stress test writes: `stress.csv` (one row per set cut off, the
//! reference first) and the terminal's two rankings.

use std::fmt::Write;

use super::{Case, Effect};
use crate::engine::How;
use crate::error::Result;
use crate::report::num;
use crate::report::terminal::{money, right_align, table, tonnes};

/// The files a stress test writes.
pub const STRESS_FILES: &[&str] = &["stress.csv"];

/// The reference: nothing cut off, as case 1.
pub fn reference(effect: Effect) -> Case {
    Case {
        case: 1,
        cut: "none".to_string(),
        size: 0,
        status: "optimal".to_string(),
        start: How::Cold,
        effect: Some(effect),
    }
}

/// `stress.csv`: per case, its number and the number of cases (so that
/// `rareflow merge` can join slices), the request in words (the same in
/// every row: `merge` refuses slices of different requests), the suppliers
/// cut off, the status,
/// how it was solved, the plan's objective, what the market went without
/// and paid, and the extra unserved tonnes and cost against the reference.
pub fn csv(cases: &[Case], total: usize, reference: &Effect, request: &str) -> Result<String> {
    let opt = |v: Option<f64>| v.map_or(String::new(), num);
    crate::report::files::csv_rows(cases.iter().map(|c| {
        let e = c.effect.as_ref();
        StressCsv {
            case: c.case,
            cases: total,
            request: request.to_string(),
            cut: c.cut.clone(),
            size: c.size,
            status: c.status.clone(),
            start: c.start.label().to_string(),
            objective: opt(e.map(|e| e.objective)),
            unserved_t: opt(e.map(|e| e.unserved_t)),
            given_up_t: opt(e.map(|e| e.given_up_t)),
            spend_pv: opt(e.map(|e| e.spend_pv)),
            loss_pv: opt(e.map(|e| e.loss_pv)),
            cost_pv: opt(e.map(|e| e.cost_pv)),
            extra_unserved_t: opt(e.map(|e| e.unserved_t - reference.unserved_t)),
            extra_cost_pv: opt(e.map(|e| e.cost_pv - reference.cost_pv)),
        }
    }))
}

/// A row of `stress.csv`.
#[derive(serde::Serialize, Default)]
struct StressCsv {
    case: usize,
    cases: usize,
    request: String,
    cut: String,
    size: usize,
    status: String,
    start: String,
    objective: String,
    unserved_t: String,
    given_up_t: String,
    spend_pv: String,
    loss_pv: String,
    cost_pv: String,
    extra_unserved_t: String,
    extra_cost_pv: String,
}

/// The cases ranked two ways, `top` of each: by unserved demand (then
/// cost), and by cost to the market; then how many failed.
pub fn render(
    cases: &[Case],
    reference: &Effect,
    what: &str,
    currency: &str,
    top: usize,
) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{what}, nothing cut off: {} t unserved, {} t given up, cost to the market {} {currency} \
         (present value: what its buyers paid, {}, plus the value of what they went without, {})",
        tonnes(reference.unserved_t),
        tonnes(reference.given_up_t),
        money(reference.cost_pv),
        money(reference.spend_pv),
        money(reference.loss_pv)
    );
    let solved: Vec<(&Case, &Effect)> = (cases.iter())
        .filter(|c| c.size > 0)
        .filter_map(|c| c.effect.as_ref().map(|e| (c, e)))
        .collect();
    let mut by_unserved = solved.clone();
    by_unserved.sort_by(|a, b| {
        (b.1.unserved_t.total_cmp(&a.1.unserved_t))
            .then(b.1.cost_pv.total_cmp(&a.1.cost_pv))
            .then(a.0.case.cmp(&b.0.case))
    });
    let mut by_cost = solved;
    by_cost.sort_by(|a, b| (b.1.cost_pv.total_cmp(&a.1.cost_pv)).then(a.0.case.cmp(&b.0.case)));
    for (title, list) in [
        ("most unserved", &by_unserved),
        ("costliest to the market", &by_cost),
    ] {
        let _ = writeln!(
            o,
            "\n{title} (the first {} of {}):",
            top.min(list.len()),
            list.len()
        );
        let mut t = table(&[
            "cut off",
            "unserved t",
            "given up t",
            &format!("extra cost {currency}"),
            &format!("cost {currency}"),
        ]);
        for (c, e) in list.iter().take(top) {
            t.add_row(vec![
                c.cut.clone(),
                tonnes(e.unserved_t),
                tonnes(e.given_up_t),
                money(e.cost_pv - reference.cost_pv),
                money(e.cost_pv),
            ]);
        }
        right_align(&mut t, 1);
        let _ = writeln!(o, "{t}");
    }
    let failed = cases.iter().filter(|c| c.effect.is_none()).count();
    if failed > 0 {
        let _ = writeln!(
            o,
            "{failed} cases have no plan (their status is in stress.csv)"
        );
    }
    o
}
