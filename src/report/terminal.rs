//! The summary a strategist reads in ten seconds: status, cost and its
//! breakdown, shortages, the largest flows, what binds and what it is worth.

use std::fmt::Write;

use comfy_table::presets::ASCII_BORDERS_ONLY_CONDENSED;
use comfy_table::{CellAlignment, Table};

use super::Summary;

/// Money with thousands separators, no decimals: `42,281,218`.
pub fn money(v: f64) -> String {
    let neg = v < -0.5;
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if neg {
        format!("-{out}")
    } else {
        out
    }
}

/// Tonnes: one decimal below 100, none above.
pub fn tonnes(v: f64) -> String {
    if v.abs() < 100.0 {
        format!("{v:.1}")
    } else {
        money(v)
    }
}

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(ASCII_BORDERS_ONLY_CONDENSED);
    t.set_header(header.iter().copied());
    t
}

fn right_align(t: &mut Table, from: usize) {
    let n = t.column_count();
    for i in from..n {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
}

/// Renders the summary as text.
pub fn render(s: &Summary, source: &str) -> String {
    let mut o = String::new();
    render_header(&mut o, s, source);
    render_costs(&mut o, s);
    render_focus(&mut o, s);
    render_markets(&mut o, s);
    render_shortages(&mut o, s);
    render_flows(&mut o, s);
    render_constrained(&mut o, s);
    render_caps(&mut o, s);
    render_builds(&mut o, s);
    render_dependency(&mut o, s);
    render_lp_size(&mut o, s);
    o
}

/// The model and its source, the solver status with the verification, and
/// the total cost.
fn render_header(o: &mut String, s: &Summary, source: &str) {
    let v = &s.verification;
    let _ = writeln!(o, "rareflow: model '{}' ({source})", s.model);
    let _ = writeln!(
        o,
        "status: {}{}; plan verified ({} checks, largest relative residual {:.1e})",
        s.status,
        s.mip_gap
            .map_or(String::new(), |g| format!(", MIP gap {:.2}%", g * 100.0)),
        v.checks,
        v.max_relative_residual
    );
    let _ = writeln!(
        o,
        "total cost: {} {} (present value in {} at {}% a year)",
        money(s.objective),
        s.currency,
        s.base_year,
        s.discount_rate * 100.0
    );
}

/// The cost by kind, with each kind's share of the total.
fn render_costs(o: &mut String, s: &Summary) {
    let k = &s.costs;
    let mut t = table(&["cost", &s.currency, "share"]);
    for (name, val) in [
        ("production", k.production),
        ("fixed", k.fixed),
        ("transport", k.transport),
        ("tariffs", k.tariffs),
        ("disposal", k.disposal),
        ("value of demand given up", k.given_up),
        ("shortage penalty", k.shortage),
        ("value of demand beyond the reference", k.beyond),
        ("credits paid by contracts", k.credits),
        ("offtake penalties", k.offtake_penalties),
        ("investment", k.investment),
    ] {
        let share = if s.objective.abs() > 0.0 {
            val / s.objective * 100.0
        } else {
            0.0
        };
        t.add_row(vec![name.to_string(), money(val), format!("{share:.1}%")]);
    }
    right_align(&mut t, 1);
    let _ = writeln!(o, "{t}");
}

/// The market a user follows (`--market`), year by year.
fn render_focus(o: &mut String, s: &Summary) {
    let Some(m) = &s.market else {
        return;
    };
    let _ = writeln!(
        o,
        "\nmarket {} (t/yr; spend in {} a year, money of the year; prices /kg):",
        m.country, s.currency
    );
    let mut header = vec![
        "period",
        "demand",
        "delivered",
        "given up",
        "unserved",
        "spend",
    ];
    let mut commodities: Vec<&str> = m
        .periods
        .iter()
        .flat_map(|p| p.prices.iter().map(|(c, _)| c.as_str()))
        .collect();
    commodities.sort_unstable();
    commodities.dedup();
    header.extend(&commodities);
    let mut t = table(&header);
    for p in &m.periods {
        let mut row = vec![
            p.period.clone(),
            tonnes(p.demand_t),
            tonnes(p.delivered_t),
            tonnes(p.given_up_t),
            tonnes(p.unserved_t),
            money(p.spend),
        ];
        row.extend(commodities.iter().map(|c| {
            p.prices
                .iter()
                .find(|(id, _)| id == c)
                .map_or(String::new(), |(_, v)| format!("{:.2}", v / 1000.0))
        }));
        t.add_row(row);
    }
    right_align(&mut t, 1);
    let _ = writeln!(o, "{t}");
}

/// The largest markets by what buyers spend: what they received, gave up
/// and went without over the horizon, and at what mean price.
fn render_markets(o: &mut String, s: &Summary) {
    if s.markets.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "\nlargest markets (over the horizon; spend undiscounted, {}):",
        s.currency
    );
    let mut t = table(&[
        "country",
        "sector",
        "delivered t",
        "given up t",
        "unserved t",
        "spend",
        "mean price /kg",
    ]);
    for r in s.markets.iter().take(super::TOP) {
        t.add_row(vec![
            r.country.clone(),
            r.sector.clone(),
            tonnes(r.delivered_t),
            tonnes(r.given_up_t),
            tonnes(r.unserved_t),
            money(r.spend),
            format!("{:.2}", r.mean_price / 1000.0),
        ]);
    }
    right_align(&mut t, 2);
    let _ = writeln!(o, "{t}");
    if s.markets.len() > super::TOP {
        let _ = writeln!(
            o,
            "... and {} more (every segment and period in markets.csv with --out)",
            s.markets.len() - super::TOP
        );
    }
}

/// The segments furthest from their demand, or a line saying every
/// segment is served, and how many more fall short than the table shows.
fn render_shortages(o: &mut String, s: &Summary) {
    if s.shortages.is_empty() {
        let _ = writeln!(
            o,
            "\ndemand not delivered: none; every demand segment is served"
        );
        return;
    }
    let _ = writeln!(
        o,
        "\ndemand not delivered ({} t given up as prices rose, {} t of critical demand unserved, \
         over the horizon):",
        tonnes(s.given_up_t),
        tonnes(s.shortage_t)
    );
    let mut t = table(&[
        "country",
        "sector",
        "commodity",
        "period",
        "demand t/yr",
        "given up t/yr",
        "unserved t/yr",
        "short %",
        "price /kg",
    ]);
    let short = |r: &super::ShortageRow| r.given_up_t + r.shortage_t;
    let mut rows: Vec<&super::ShortageRow> = s.shortages.iter().collect();
    rows.sort_by(|a, b| short(b).total_cmp(&short(a)));
    for r in rows.iter().take(super::TOP) {
        t.add_row(vec![
            r.country.clone(),
            r.sector.clone(),
            r.commodity.clone(),
            r.period.clone(),
            tonnes(r.demand_t),
            tonnes(r.given_up_t),
            tonnes(r.shortage_t),
            format!("{:.0}%", short(r) / r.demand_t * 100.0),
            format!("{:.2}", r.price / 1000.0),
        ]);
    }
    right_align(&mut t, 4);
    let _ = writeln!(o, "{t}");
    if rows.len() > super::TOP {
        let _ = writeln!(
            o,
            "... and {} more segments short (all in markets.csv with --out)",
            rows.len() - super::TOP
        );
    }
}

/// The largest flows over the horizon, when any material moves.
fn render_flows(o: &mut String, s: &Summary) {
    if s.largest_flows.is_empty() {
        return;
    }
    let _ = writeln!(o, "\nlargest flows (t over the horizon):");
    let mut t = table(&["commodity", "from", "to", "t"]);
    for r in &s.largest_flows {
        t.add_row(vec![
            r.commodity.clone(),
            r.from.clone(),
            r.to.clone(),
            tonnes(r.tonnes),
        ]);
    }
    right_align(&mut t, 3);
    let _ = writeln!(o, "{t}");
}

/// The facilities whose capacity binds, most valuable first.
fn render_constrained(o: &mut String, s: &Summary) {
    if s.constrained_facilities.is_empty() {
        return;
    }
    let _ = writeln!(o, "\nmost constrained facilities (value of one more unit of capacity a year, every binding period, PV):");
    let mut t = table(&[
        "facility",
        "country",
        "periods binding",
        &format!("value {}", s.currency),
    ]);
    for r in &s.constrained_facilities {
        t.add_row(vec![
            r.facility.clone(),
            r.country.clone(),
            r.periods_binding.to_string(),
            money(r.value_pv),
        ]);
    }
    right_align(&mut t, 2);
    let _ = writeln!(o, "{t}");
}

/// Every export cap by period: use, cap and shadow price.
fn render_caps(o: &mut String, s: &Summary) {
    if s.caps.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "\nexport caps (shadow price: saving from one more tonne of quota):"
    );
    let mut t = table(&[
        "cap",
        "period",
        "used t/yr",
        "cap t/yr",
        &format!("{}/t", s.currency),
    ]);
    for r in &s.caps {
        t.add_row(vec![
            r.id.clone(),
            r.period.clone(),
            tonnes(r.used),
            tonnes(r.cap),
            money(r.shadow_price),
        ]);
    }
    right_align(&mut t, 2);
    let _ = writeln!(o, "{t}");
}

/// The candidates built, with their start, share, capacity and capex.
fn render_builds(o: &mut String, s: &Summary) {
    if s.builds.is_empty() {
        return;
    }
    let _ = writeln!(o, "\nbuilds:");
    let mut t = table(&[
        "facility",
        "country",
        "start",
        "share",
        "capacity/yr",
        &format!("capex {}", s.currency),
    ]);
    for b in &s.builds {
        t.add_row(vec![
            b.facility.clone(),
            b.country.clone(),
            b.start.clone(),
            format!("{:.2}", b.share),
            tonnes(b.capacity),
            money(b.build_cost),
        ]);
    }
    right_align(&mut t, 3);
    let _ = writeln!(o, "{t}");
}

/// The size of the LP, last.
fn render_lp_size(o: &mut String, s: &Summary) {
    let _ = writeln!(
        o,
        "\nLP: {} columns ({} yes/no build decisions), {} rows, {} non-zeros",
        s.lp.columns, s.lp.integers, s.lp.rows, s.lp.nonzeros
    );
}

/// How many markets the dependency table shows.
const MARKETS_SHOWN: usize = 6;

/// For the largest demand countries (by deliveries in the first period),
/// the two largest sources at each stage in the first and last periods, all
/// commodities together (weighted by tonnes delivered).
fn render_dependency(o: &mut String, s: &Summary) {
    // stage_shares lists every period in order.
    let (Some(first), Some(last)) = (s.stage_shares.first(), s.stage_shares.last()) else {
        return;
    };
    let periods: Vec<&String> = if first.period == last.period {
        vec![&first.period]
    } else {
        vec![&first.period, &last.period]
    };
    let mut countries: Vec<(&str, f64)> = Vec::new();
    for d in s.dependency.iter().filter(|d| d.period == first.period) {
        match countries.iter_mut().find(|c| c.0 == d.country) {
            Some(c) => c.1 += d.delivered_t,
            None => countries.push((&d.country, d.delivered_t)),
        }
    }
    countries.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    countries.truncate(MARKETS_SHOWN);
    let _ = writeln!(
        o,
        "\nwhere supply comes from (largest demand countries; two largest sources at each stage):"
    );
    let mut t = table(&[
        "market",
        "period",
        "delivered t/yr",
        "mined",
        "separated",
        "metal",
        "magnet",
    ]);
    for (country, _) in countries {
        for &period in &periods {
            let rows: Vec<&super::MarketDependency> = s
                .dependency
                .iter()
                .filter(|d| d.country == country && &d.period == period)
                .collect();
            let delivered: f64 = rows.iter().map(|d| d.delivered_t).sum();
            let mut row = vec![country.to_string(), period.clone(), tonnes(delivered)];
            for st in 0..4 {
                let mut by_source: Vec<(&str, f64)> = Vec::new();
                for d in &rows {
                    for x in d.stage(st) {
                        let w = x.share * d.delivered_t / delivered;
                        match by_source.iter_mut().find(|b| b.0 == x.country) {
                            Some(b) => b.1 += w,
                            None => by_source.push((&x.country, w)),
                        }
                    }
                }
                by_source.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
                let cell: Vec<String> = by_source
                    .iter()
                    .take(2)
                    .filter(|(_, w)| *w >= 0.005)
                    .map(|(c, w)| format!("{c} {:.0}%", w * 100.0))
                    .collect();
                row.push(if cell.is_empty() {
                    "-".into()
                } else {
                    cell.join(" ")
                });
            }
            t.add_row(row);
        }
    }
    right_align(&mut t, 2);
    let _ = writeln!(o, "{t}");
}

/// The comparison: one matrix per measure (portfolios down, scenarios
/// across), the regret matrix, and each portfolio's standing.
pub fn render_comparison(
    c: &crate::compare::Comparison,
    measure: &crate::compare::DependencyMeasure,
    currency: &str,
) -> String {
    let mut o = String::new();
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
    let billions = |v: f64| format!("{:.2}", v / 1e9);
    let matrix = |o: &mut String,
                  title: &str,
                  value: &dyn Fn(&crate::compare::Cell) -> Option<String>| {
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
    };
    let _ = writeln!(
        o,
        "Portfolios are ranked by the plan's objective: system cost plus the value of the demand \
         given up or unserved, less the value of what buyers took beyond their reference demand \
         (system cost net of the value of demand served, less the value of all reference demand, \
         the same in every cell of a future)."
    );
    matrix(
        &mut o,
        &format!("objective, {currency} bn (present value)"),
        &|x| x.result.as_ref().map(|r| billions(r.cost)),
    );
    matrix(
        &mut o,
        "demand given up as prices rose, t over the horizon",
        &|x| x.result.as_ref().map(|r| tonnes(r.given_up_t)),
    );
    matrix(
        &mut o,
        "critical demand unserved, t over the horizon",
        &|x| x.result.as_ref().map(|r| tonnes(r.shortage_t)),
    );
    matrix(
        &mut o,
        &format!(
            "spend of {} buyers, {currency} bn (undiscounted, over the horizon)",
            measure.market
        ),
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
    o
}

/// Each portfolio's standing, the picks flagged (every portfolio tied for
/// a pick is flagged), the weights, and the picks in words.
fn render_standings(o: &mut String, c: &crate::compare::Comparison, currency: &str) {
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

/// The chosen build plan, how each scenario fares under it against its own
/// best plan, and the value of information and of the stochastic solution.
pub fn render_investment(r: &crate::invest::Investment) -> String {
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
    o
}

#[cfg(test)]
mod tests {
    use super::money;

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(42_281_218.18), "42,281,218");
        assert_eq!(money(999.0), "999");
        assert_eq!(money(-1500.0), "-1,500");
        assert_eq!(money(0.2), "0");
    }
}
