//! The terminal tables of a sweep: `compare`'s matrices (portfolios down,
//! futures across) with each portfolio's standing, and `invest`'s build
//! plan chosen before the future is known.

use std::fmt::Write;

use super::terminal::{money, right_align, table, tonnes};
use crate::compare::{Cell, Comparison, Measure};
use crate::measure::Spend;

/// A comparison's portfolios and scenarios, in the order of its cells.
fn axes(c: &Comparison) -> (Vec<&str>, Vec<&str>) {
    let mut portfolios: Vec<&str> = Vec::new();
    let mut scenarios: Vec<&str> = Vec::new();
    for cell in &c.cells {
        if !portfolios.contains(&cell.portfolio.as_str()) {
            portfolios.push(&cell.portfolio);
        }
        if !scenarios.contains(&cell.scenario.as_str()) {
            scenarios.push(&cell.scenario);
        }
    }
    (portfolios, scenarios)
}

/// One matrix of the comparison: `value` of each cell (its status when it
/// has none), portfolios down, scenarios across.
fn matrix(o: &mut String, c: &Comparison, title: &str, value: &dyn Fn(&Cell) -> Option<String>) {
    let (portfolios, scenarios) = axes(c);
    let _ = writeln!(o, "\n{title}:");
    let mut header = vec!["portfolio"];
    header.extend(scenarios.iter().copied());
    let mut t = table(&header);
    for p in &portfolios {
        let mut row = vec![p.to_string()];
        for s in &scenarios {
            let cell = c
                .cells
                .iter()
                .find(|x| x.portfolio == *p && x.scenario == *s);
            row.push(cell.map_or("-".into(), |x| value(x).unwrap_or_else(|| x.status.clone())));
        }
        t.add_row(row);
    }
    right_align(&mut t, 1);
    let _ = writeln!(o, "{t}");
}

/// The comparison: one matrix per measure (portfolios down, scenarios
/// across), the regret matrix, and each portfolio's standing.
pub fn render_comparison(
    c: &Comparison,
    measure: &Measure,
    currency: &str,
    mip_gap: Option<f64>,
) -> String {
    let mut o = String::new();
    let billions = |v: f64| format!("{:.2}", v / 1e9);
    let matrix = |o: &mut String, title: &str, value: &dyn Fn(&Cell) -> Option<String>| {
        matrix(o, c, title, value);
    };
    matrix(
        &mut o,
        &format!(
            "objective, {currency} bn (present value), as `solve`'s total cost: every cost, plus \
             the value of demand given up, less the value of demand taken beyond the reference. \
             Portfolios are ranked by it, as by system cost net of the value of demand served \
             (the two differ by the value of the reference demand, the same in every plan of a \
             future)"
        ),
        &|x| x.result.as_ref().map(|r| billions(r.cost)),
    );
    let (within, buyers) = match &measure.scope_key {
        Some(k) => (format!("in {k}"), k.as_str()),
        None => ("over the horizon".to_string(), measure.market.as_str()),
    };
    matrix(
        &mut o,
        &format!("demand given up as prices rose, t {within}"),
        &|x| x.result.as_ref().map(|r| tonnes(r.given_up_t)),
    );
    matrix(
        &mut o,
        &format!("critical demand unserved, t {within}"),
        &|x| x.result.as_ref().map(|r| tonnes(r.shortage_t)),
    );
    matrix(
        &mut o,
        &format!("spend of {buyers} buyers, {currency} bn (undiscounted)"),
        &|x| x.result.as_ref().map(|r| billions(r.market_spend)),
    );
    matrix(
        &mut o,
        &format!("investment, {currency} bn (present value)"),
        &|x| x.result.as_ref().map(|r| billions(r.investment)),
    );
    let stage = crate::trace::STAGE_PHRASES[measure.stage];
    let title = if measure.source == crate::trace::RECYCLED {
        format!("share of {} supply that is recycled", measure.market)
    } else {
        format!(
            "share of {} supply {stage} in {}",
            measure.market, measure.source
        )
    };
    matrix(&mut o, &title, &|x| {
        x.result.as_ref().map(|r| {
            r.dependency
                .map_or("-".into(), |d| format!("{:.1}%", d * 100.0))
        })
    });
    matrix(
        &mut o,
        &format!("regret, {currency} bn (cost minus the best portfolio's in that scenario)"),
        &|x| x.regret.map(billions),
    );
    render_standings(&mut o, c, currency);
    let largest = c
        .cells
        .iter()
        .filter_map(|x| x.result.as_ref().map(|r| r.cost.abs()))
        .fold(0.0, f64::max);
    gap_note(&mut o, mip_gap, largest, &format!(" {currency}"));
    o
}

/// Each portfolio's standing, the picks flagged (every portfolio tied for
/// a pick is flagged), the weights, and the picks in words.
fn render_standings(o: &mut String, c: &Comparison, currency: &str) {
    let billions = |v: f64| format!("{:.2}", v / 1e9);
    let _ = writeln!(o, "\nportfolios:");
    let mut t = table(&[
        "portfolio",
        &format!("expected cost {currency} bn"),
        &format!("max regret {currency} bn"),
        "minimax regret",
        "least expected cost",
    ]);
    let mark = |b: bool| if b { "yes" } else { "" }.to_string();
    for s in &c.standings {
        t.add_row(vec![
            s.portfolio.clone(),
            s.expected_cost.map_or("-".into(), billions),
            s.max_regret.map_or("-".into(), billions),
            mark(s.minimax_regret),
            mark(s.least_expected_cost),
        ]);
    }
    right_align(&mut t, 1);
    let _ = writeln!(o, "{t}");
    render_market_spend(o, c, currency);
    let weights: Vec<String> = c
        .weights
        .iter()
        .map(|(s, w)| format!("{s} {:.0}%", w * 100.0))
        .collect();
    let _ = writeln!(o, "weights: {}", weights.join(", "));
    for (what, picked) in [
        ("minimax-regret", &c.minimax_regret),
        ("least-expected-cost", &c.least_expected_cost),
    ] {
        let _ = match picked.len() {
            0 => writeln!(
                o,
                "{what} portfolio: none (every portfolio has a failed cell)"
            ),
            1 => writeln!(o, "{what} portfolio: {}", picked[0]),
            _ => writeln!(o, "{what} portfolios (tied): {}", picked.join(", ")),
        };
    }
}

/// Beside the standings, what each market's buyers spend under each
/// portfolio, weighted as the futures are (undiscounted).
fn render_market_spend(o: &mut String, c: &Comparison, currency: &str) {
    let rows: Vec<(String, Option<&Spend>)> = (c.standings.iter())
        .map(|s| (s.portfolio.clone(), s.expected_spend.as_ref()))
        .collect();
    let title = format!(
        "spend of each market's buyers, {currency} bn (undiscounted, weighted as the futures are)"
    );
    spend_table(o, &title, "portfolio", &rows, None);
}

/// A table of what each market's buyers spend, a row per `rows` label (a
/// row without spend shows dashes), and a last row `total` when given (its
/// label and the weights of the rows above, summed with them).
fn spend_table(
    o: &mut String,
    title: &str,
    label: &str,
    rows: &[(String, Option<&Spend>)],
    total: Option<(&str, &[f64])>,
) {
    let Some(codes) = (rows.iter())
        .find_map(|r| r.1)
        .map(|v| v.keys().cloned().collect::<Vec<_>>())
    else {
        return;
    };
    let _ = writeln!(o, "\n{title}:");
    let mut header = vec![label];
    header.extend(codes.iter().map(String::as_str));
    let mut t = table(&header);
    let spend = |v: Option<&Spend>, code: &str| v.and_then(|v| v.get(code)).copied();
    let billions = |v: f64| format!("{:.2}", v / 1e9);
    for (name, v) in rows {
        let mut row = vec![name.clone()];
        row.extend((codes.iter()).map(|k| spend(*v, k).map_or("-".into(), billions)));
        t.add_row(row);
    }
    if let Some((name, weights)) = total {
        let mut row = vec![name.to_string()];
        for k in &codes {
            let sum = (rows.iter().zip(weights))
                .map(|((_, v), w)| w * spend(*v, k).unwrap_or(0.0))
                .sum();
            row.push(billions(sum));
        }
        t.add_row(row);
    }
    right_align(&mut t, 1);
    let _ = writeln!(o, "{t}");
}

/// The chosen build plan, how each scenario fares under it against its own
/// best plan, and the value of information and of the stochastic solution.
pub fn render_investment(
    r: &crate::invest::Investment,
    currency: &str,
    mip_gap: Option<f64>,
) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "status: {}; {} columns in the extensive form",
        r.status, r.columns
    );
    let _ = writeln!(
        o,
        "cost: the plan's objective, system cost plus the value of demand given up or unserved, \
         less the value of what buyers took beyond their reference demand (present value)"
    );
    let _ = writeln!(
        o,
        "builds chosen before the future is known: {}",
        if r.builds.is_empty() {
            "none".to_string()
        } else {
            r.builds.join(", ")
        }
    );
    let mut t = table(&[
        "scenario",
        "probability",
        "cost",
        "own best",
        "regret",
        "short t",
        "own builds",
    ]);
    for x in &r.outcomes {
        t.add_row(vec![
            x.scenario.clone(),
            format!("{:.0}%", x.probability * 100.0),
            money(x.cost),
            money(x.own_best),
            money(x.regret),
            tonnes(x.shortage_t),
            if x.own_builds.is_empty() {
                "none".into()
            } else {
                x.own_builds.join(" ")
            },
        ]);
    }
    right_align(&mut t, 1);
    let _ = writeln!(o, "{t}");
    render_outcome_spend(&mut o, r, currency);
    let _ = writeln!(
        o,
        "expected cost {}; max regret {}",
        money(r.expected_cost),
        money(r.max_regret)
    );
    let _ = writeln!(
        o,
        "wait-and-see (each future's own best, averaged) {}; EVPI {}",
        money(r.wait_and_see),
        money(r.evpi)
    );
    let _ = writeln!(
        o,
        "with the baseline plan's builds {}; value of the stochastic solution {}",
        money(r.expected_with_baseline_builds),
        money(r.vss)
    );
    let largest = r.outcomes.iter().map(|x| x.cost.abs()).fold(0.0, f64::max);
    gap_note(&mut o, mip_gap, largest, "");
    o
}

/// What each market's buyers spend in each future with the chosen builds,
/// and weighted by the futures' probabilities (undiscounted).
fn render_outcome_spend(o: &mut String, r: &crate::invest::Investment, currency: &str) {
    let rows: Vec<(String, Option<&Spend>)> = (r.outcomes.iter())
        .map(|x| (x.scenario.clone(), x.spend_by_market.as_ref()))
        .collect();
    let weights: Vec<f64> = r.outcomes.iter().map(|x| x.probability).collect();
    let title =
        format!("spend of each market's buyers with these builds, {currency} bn (undiscounted)");
    spend_table(o, &title, "scenario", &rows, Some(("expected", &weights)));
}

/// What the MIP gap means in money: builds are chosen within `gap` of the
/// best plan, so differences of costs smaller than `gap` × the largest cost
/// may be the solver's tolerance rather than a difference between plans.
fn gap_note(o: &mut String, gap: Option<f64>, largest: f64, currency: &str) {
    let Some(gap) = gap.filter(|&g| g > 0.0) else {
        return;
    };
    let _ = writeln!(
        o,
        "\nBuild plans are solved to within {}% of the best (--mip-gap {gap}): up to {:.2} bn{currency} \
         here. Regrets and values of information smaller than that may be the solver's tolerance, \
         not a difference between plans; --mip-gap 0 proves the best.",
        gap * 100.0,
        gap * largest / 1e9
    );
}
