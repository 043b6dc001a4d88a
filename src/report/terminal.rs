//! The summary a strategist reads in ten seconds: status, cost and its
//! breakdown, the market followed and the largest markets, demand not
//! delivered, the largest flows, what binds and what it is worth.

use std::fmt::Write;

pub use super::tables::{money, set_width, tonnes};
pub(crate) use super::tables::{right_align, table};
use super::Summary;

/// Renders the summary as text.
pub fn render(s: &Summary, source: &str) -> String {
    let mut o = String::new();
    render_header(&mut o, s, source);
    render_scope(&mut o, s);
    // What the plan means for buyers comes first: the market followed,
    // the largest markets, then the world's cost by kind.
    render_focus(&mut o, s);
    render_markets(&mut o, s);
    render_costs(&mut o, s);
    render_shortages(&mut o, s);
    render_flows(&mut o, s);
    render_constrained(&mut o, s);
    render_caps(&mut o, s);
    render_rules(&mut o, s);
    render_builds(&mut o, s);
    super::stocks::render(&mut o, &s.stocks, &s.currency);
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

/// The scope's headline, when the summary is narrowed to one: what its
/// buyers asked for, received, gave up and went without over its years,
/// what they paid and at what mean prices.
fn render_scope(o: &mut String, s: &Summary) {
    let Some(h) = &s.scope else {
        return;
    };
    let prices: Vec<String> = (h.prices.iter())
        .map(|p| format!("{} {:.2}", p.commodity, p.price / 1000.0))
        .collect();
    let prices = if prices.is_empty() {
        "-".to_string()
    } else {
        prices.join(", ")
    };
    let _ = writeln!(
        o,
        "scope {}; mean price /kg: {prices}\n(the cost, the most constrained facilities and the \
         builds are the world's; the other tables are the scope's)",
        h.sentence(&s.currency)
    );
}

/// The cost by kind, with each kind's share of the total.
fn render_costs(o: &mut String, s: &Summary) {
    let k = &s.costs;
    let _ = writeln!(
        o,
        "\nthe total cost by kind (the world's, present value in {}):",
        s.base_year
    );
    let mut t = table(&["cost", &s.currency, "share"]);
    for (name, val) in k.by_kind() {
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

/// The market a user follows (`--market`), year by year and commodity by
/// commodity, with its net import reliance for compounds and metals.
fn render_focus(o: &mut String, s: &Summary) {
    let Some(m) = &s.market else {
        return;
    };
    let _ = writeln!(
        o,
        "\nmarket {} (t/yr; spend in {} a year, money of the year; price /kg; import reliance for \
         compounds and metals):",
        m.country, s.currency
    );
    let mut t = table(&[
        "period",
        "commodity",
        "demand",
        "delivered",
        "given up",
        "unserved",
        "spend",
        "price",
        "import reliance",
    ]);
    let mut last = "";
    for p in &m.periods {
        let reliance = s
            .import_reliance
            .iter()
            .find(|r| r.country == m.country && r.period == p.period)
            .and_then(|r| r.reliance)
            .map_or("-".into(), |x| {
                if x < 0.0 {
                    "net exporter".to_string()
                } else {
                    format!("{:.0}%", x * 100.0)
                }
            });
        let first = p.period != last;
        last = &p.period;
        t.add_row(vec![
            if first {
                p.period.clone()
            } else {
                String::new()
            },
            p.commodity.clone(),
            tonnes(p.demand_t),
            tonnes(p.delivered_t),
            tonnes(p.given_up_t),
            tonnes(p.unserved_t),
            money(p.spend),
            format!("{:.2}", p.price / 1000.0),
            if first { reliance } else { String::new() },
        ]);
    }
    right_align(&mut t, 2);
    let _ = writeln!(o, "{t}");
}

/// The largest markets by what buyers spend: what they received, gave up
/// and went without over the horizon, and at what mean price.
fn render_markets(o: &mut String, s: &Summary) {
    if s.markets.is_empty() {
        return;
    }
    let over = if s.scope.is_some() {
        "over the scope"
    } else {
        "over the horizon"
    };
    let _ = writeln!(
        o,
        "\nlargest markets ({over}; spend undiscounted, {}):",
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
    let (given_up, unserved, over) = match &s.scope {
        Some(h) => (h.given_up_t, h.unserved_t, "over the scope"),
        None => (s.given_up_t, s.shortage_t, "over the horizon"),
    };
    let _ = writeln!(
        o,
        "\ndemand not delivered ({} t given up as prices rose, {} t of critical demand unserved, \
         {over}):",
        tonnes(given_up),
        tonnes(unserved)
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
    let _ = writeln!(
        o,
        "\nmost constrained facilities (what one more tonne a year of capacity would save over \
         every binding period: present value, and undiscounted in each year's money):"
    );
    let (pv, money_of) = (
        format!("{} per t/yr PV", s.currency),
        format!("{} per t/yr", s.currency),
    );
    let mut t = table(&[
        "facility",
        "country",
        "of",
        "periods binding",
        &pv,
        &money_of,
    ]);
    for r in &s.constrained_facilities {
        t.add_row(vec![
            r.facility.clone(),
            r.country.clone(),
            short_product(&r.product),
            r.periods_binding.to_string(),
            money(r.value_pv_per_t),
            money(r.value_per_t),
        ]);
    }
    right_align(&mut t, 3);
    let _ = writeln!(o, "{t}");
}

/// A product for a table: joint products as the first two and how many
/// more.
fn short_product(product: &str) -> String {
    let names: Vec<&str> = product.split('+').collect();
    match names.len() {
        0..=2 => product.to_string(),
        n => format!("{}+{}+{} more", names[0], names[1], n - 2),
    }
}

/// Every export cap by period: use, cap and shadow price.
fn render_caps(o: &mut String, s: &Summary) {
    if s.caps.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "\nexport caps (shadow price: saving from one more tonne of quota, in the year's money \
         and in present value):"
    );
    let (per_t, per_t_pv) = (format!("{}/t", s.currency), format!("{}/t PV", s.currency));
    let mut t = table(&["cap", "period", "used t/yr", "cap t/yr", &per_t, &per_t_pv]);
    for r in &s.caps {
        t.add_row(vec![
            r.id.clone(),
            r.period.clone(),
            tonnes(r.used),
            tonnes(r.cap),
            money(r.shadow_price),
            money(r.shadow_price_pv),
        ]);
    }
    right_align(&mut t, 2);
    let _ = writeln!(o, "{t}");
}

/// Every content rule by period and country: tainted tonnes received,
/// out of how many (and, when a rule is a preference, how many beyond its
/// share at its premium), and the saving from one more tainted tonne
/// allowed.
fn render_rules(o: &mut String, s: &Summary) {
    if s.rules.is_empty() {
        return;
    }
    let preferences = s.rules.iter().any(|r| r.premium.is_some());
    let _ = writeln!(
        o,
        "\ncontent rules (tainted: material handled in the origin countries at the stages named; \
         shadow price: saving from one more tainted tonne allowed, in the year's money and in \
         present value):"
    );
    let (currency, currency_pv) = (format!("{}/t", s.currency), format!("{}/t PV", s.currency));
    let mut head = vec!["rule", "market", "period", "origin", "max share"];
    head.extend(["tainted t/yr", "received t/yr"]);
    if preferences {
        head.extend(["beyond t/yr", "premium/t"]);
    }
    head.extend([currency.as_str(), currency_pv.as_str()]);
    let mut t = table(&head);
    for r in &s.rules {
        let mut row = vec![
            r.id.clone(),
            r.country.clone(),
            r.period.clone(),
            r.origin.clone(),
            format!("{:.0}%", 100.0 * r.max_share),
            tonnes(r.tainted_t),
            tonnes(r.received_t),
        ];
        if preferences {
            row.push(tonnes(r.beyond_t));
            row.push(r.premium.map_or_else(|| "limit".to_string(), money));
        }
        row.extend([money(r.shadow_price), money(r.shadow_price_pv)]);
        t.add_row(row);
    }
    right_align(&mut t, 4);
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
    // Magnets when the model has magnet demand: tonnes of magnets and of
    // La/Ce for glass do not add up to one supply chain.
    let magnets = s.dependency.iter().any(|d| d.stage == "magnet");
    let rows: Vec<&super::MarketDependency> = s
        .dependency
        .iter()
        .filter(|d| !magnets || d.stage == "magnet")
        .collect();
    let mut countries: Vec<(&str, f64)> = Vec::new();
    for d in rows.iter().filter(|d| d.period == first.period) {
        match countries.iter_mut().find(|c| c.0 == d.country) {
            Some(c) => c.1 += d.delivered_t,
            None => countries.push((&d.country, d.delivered_t)),
        }
    }
    countries.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    countries.truncate(MARKETS_SHOWN);
    let _ = writeln!(
        o,
        "\nwhere supply comes from ({}largest demand countries; two largest sources at each stage):",
        if magnets { "magnets; " } else { "" }
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
            let rows: Vec<&super::MarketDependency> = rows
                .iter()
                .filter(|d| d.country == country && &d.period == period)
                .copied()
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
