//! `rareflow diff A B`: what changed between two solved plans, read from
//! their result directories (`solve --out`): the cost and each of its
//! kinds, each market's deliveries, given-up and unserved tonnes, spend and
//! mean price, and the trade flows that moved most.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::results_dir::invalid;
use crate::error::Result;

/// What `diff` reads of a plan's `summary.json`.
#[derive(Debug, Deserialize)]
struct Summary {
    model: String,
    currency: String,
    objective: f64,
    costs: BTreeMap<String, f64>,
    markets: Vec<Market>,
}

/// One market (country and sector) over the horizon, as `summary.json`
/// gives it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct Market {
    /// Country code.
    pub country: String,
    /// Sector.
    pub sector: String,
    /// Tonnes delivered.
    pub delivered_t: f64,
    /// Tonnes given up as prices rose.
    pub given_up_t: f64,
    /// Tonnes unserved.
    pub unserved_t: f64,
    /// What buyers spent, undiscounted.
    pub spend: f64,
    /// Spend per tonne delivered.
    pub mean_price: f64,
}

/// One row of `flows.csv`.
#[derive(Debug, Deserialize)]
struct Flow {
    commodity: String,
    from_country: String,
    to_country: String,
    tonnes: f64,
}

/// A quantity in A and in B.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Pair {
    /// In A.
    pub a: f64,
    /// In B.
    pub b: f64,
}

impl Pair {
    /// B − A.
    pub fn change(&self) -> f64 {
        self.b - self.a
    }
}

/// A market in A and B.
#[derive(Debug, Clone, Serialize)]
pub struct MarketChange {
    /// Country code.
    pub country: String,
    /// Sector.
    pub sector: String,
    /// Tonnes delivered over the horizon.
    pub delivered_t: Pair,
    /// Tonnes given up.
    pub given_up_t: Pair,
    /// Tonnes unserved.
    pub unserved_t: Pair,
    /// Spend, undiscounted.
    pub spend: Pair,
    /// Mean price per tonne delivered.
    pub mean_price: Pair,
}

/// A trade flow (exporting country → importing country, commodity), summed
/// over the periods' rows of `flows.csv` (tonnes per year of each period).
#[derive(Debug, Clone, Serialize)]
pub struct FlowChange {
    /// Exporting country.
    pub from: String,
    /// Importing country.
    pub to: String,
    /// Commodity.
    pub commodity: String,
    /// Tonnes per year, summed over the periods.
    pub tonnes: Pair,
}

/// Two plans compared.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// The two plans' labels (directories, or scenarios).
    pub dirs: [String; 2],
    /// The two models' names.
    pub models: [String; 2],
    /// Currency.
    pub currency: String,
    /// The objective, present value.
    pub objective: Pair,
    /// Cost by kind, present value.
    pub costs: BTreeMap<String, Pair>,
    /// Every market of either plan (those `market` keeps), by country and
    /// sector.
    pub markets: Vec<MarketChange>,
    /// The `top` flows that moved most, largest first.
    pub flows: Vec<FlowChange>,
}

/// A plan's `summary.json` and `flows.csv`, each with the name messages
/// give it: read from a result directory, or as `solve` writes them.
pub struct PlanFiles {
    /// What the plan is called in the comparison (its directory, or its
    /// scenarios).
    pub label: String,
    /// `summary.json`: its name and text.
    pub summary: (String, String),
    /// `flows.csv`: its name and text.
    pub flows: (String, String),
}

impl PlanFiles {
    /// The files of the result directory `dir`.
    ///
    /// # Errors
    /// [`Error::Read`] when a file is missing or unreadable (exit 4).
    pub fn read(dir: &Path) -> Result<PlanFiles> {
        let read = |name: &str| super::results_dir::read_file(dir, name);
        Ok(PlanFiles {
            label: dir.display().to_string(),
            summary: read("summary.json")?,
            flows: read("flows.csv")?,
        })
    }

    /// The files among `files` (as [`crate::report::files::result_files`]
    /// gives them), the plan called `label`.
    pub fn of(label: &str, files: &[(&str, String)]) -> Option<PlanFiles> {
        let find = |name: &str| {
            let text = files.iter().find(|f| f.0 == name)?.1.clone();
            Some((name.to_string(), text))
        };
        Some(PlanFiles {
            label: label.to_string(),
            summary: find("summary.json")?,
            flows: find("flows.csv")?,
        })
    }
}

/// Compares the plans `a` and `b`, keeping the markets of country `market`
/// when given and the `top` flows that moved most (into or out of `market`
/// when given).
///
/// # Errors
/// [`Error::Invalid`] naming the file (and line) when it is not what
/// `solve --out` writes (exit 3).
pub fn diff(a: &PlanFiles, b: &PlanFiles, market: Option<&str>, top: usize) -> Result<Diff> {
    let (sa, sb) = (summary(&a.summary)?, summary(&b.summary)?);
    let (fa, fb) = (flows(&a.flows)?, flows(&b.flows)?);
    let mut costs: BTreeMap<String, Pair> = BTreeMap::new();
    for (k, v) in &sa.costs {
        costs.entry(k.clone()).or_default().a = *v;
    }
    for (k, v) in &sb.costs {
        costs.entry(k.clone()).or_default().b = *v;
    }
    let keep = |country: &str| market.is_none_or(|m| m == country);
    let mut markets: BTreeMap<(String, String), [Market; 2]> = BTreeMap::new();
    for (side, s) in [&sa, &sb].into_iter().enumerate() {
        for m in s.markets.iter().filter(|m| keep(&m.country)) {
            let key = (m.country.clone(), m.sector.clone());
            markets.entry(key).or_default()[side] = m.clone();
        }
    }
    let pair = |m: &[Market; 2], f: fn(&Market) -> f64| Pair {
        a: f(&m[0]),
        b: f(&m[1]),
    };
    let markets = markets
        .into_iter()
        .map(|((country, sector), m)| MarketChange {
            delivered_t: pair(&m, |x| x.delivered_t),
            given_up_t: pair(&m, |x| x.given_up_t),
            unserved_t: pair(&m, |x| x.unserved_t),
            spend: pair(&m, |x| x.spend),
            mean_price: pair(&m, |x| x.mean_price),
            country,
            sector,
        })
        .collect();
    let mut moved: BTreeMap<(String, String, String), Pair> = BTreeMap::new();
    for (side, flows) in [fa, fb].into_iter().enumerate() {
        for f in flows {
            if f.from_country == f.to_country || !(keep(&f.from_country) || keep(&f.to_country)) {
                continue;
            }
            let e = moved
                .entry((f.from_country, f.to_country, f.commodity))
                .or_default();
            if side == 0 {
                e.a += f.tonnes;
            } else {
                e.b += f.tonnes;
            }
        }
    }
    let mut flows: Vec<FlowChange> = moved
        .into_iter()
        .filter(|(_, p)| p.change() != 0.0)
        .map(|((from, to, commodity), tonnes)| FlowChange {
            from,
            to,
            commodity,
            tonnes,
        })
        .collect();
    // Largest moves first; ties in key order (the sort is stable).
    flows.sort_by(|x, y| y.tonnes.change().abs().total_cmp(&x.tonnes.change().abs()));
    flows.truncate(top);
    Ok(Diff {
        dirs: [a.label.clone(), b.label.clone()],
        models: [sa.model, sb.model],
        currency: sa.currency,
        objective: Pair {
            a: sa.objective,
            b: sb.objective,
        },
        costs,
        markets,
        flows,
    })
}

/// An error at `file` (and `line`, when known): not what `solve --out`
/// writes.
fn summary((file, text): &(String, String)) -> Result<Summary> {
    serde_json::from_str(text).map_err(|e| {
        let why = format!("not a summary.json that solve --out writes: {e}");
        invalid(file, Some(e.line() as u64), why)
    })
}

fn flows((file, text): &(String, String)) -> Result<Vec<Flow>> {
    let mut rows = Vec::new();
    for row in csv::Reader::from_reader(text.as_bytes()).deserialize() {
        rows.push(row.map_err(|e: csv::Error| {
            let line = e.position().map(csv::Position::line);
            invalid(
                file,
                line,
                format!("not a flows.csv that solve --out writes: {e}"),
            )
        })?);
    }
    Ok(rows)
}

/// The comparison as tables for people: markets whose figures changed
/// (every market when `all`).
pub fn render(d: &Diff) -> String {
    use crate::report::terminal::{money, table, tonnes};
    // Billions for a plan of billions, else whole units.
    let large = d.objective.a.abs().max(d.objective.b.abs()) >= 1e9;
    let bn = |v: f64| {
        if large {
            format!("{:.3}", v / 1e9)
        } else {
            money(v)
        }
    };
    let signed = |v: f64, f: &dyn Fn(f64) -> String| {
        if v > 0.0 {
            format!("+{}", f(v))
        } else {
            f(v)
        }
    };
    let mut o = String::new();
    let (a, b) = (&d.objective.a, &d.objective.b);
    let _ = writeln!(
        o,
        "A: {} ({}), B: {} ({})\ncost: {} → {} {}{} ({}, {:+.2}%)",
        d.dirs[0],
        d.models[0],
        d.dirs[1],
        d.models[1],
        bn(*a),
        bn(*b),
        d.currency,
        if large { " bn" } else { "" },
        signed(b - a, &bn),
        100.0 * (b - a) / a.abs().max(1.0)
    );
    let heads = ["A", "B", "change"]
        .map(|h| format!("{h} {}", d.currency) + if large { " bn" } else { "" });
    let mut t = table(&["cost by kind", &heads[0], &heads[1], &heads[2]]);
    for (k, p) in d.costs.iter().filter(|(_, p)| p.change() != 0.0) {
        t.add_row(vec![k.clone(), bn(p.a), bn(p.b), signed(p.change(), &bn)]);
    }
    crate::report::terminal::right_align(&mut t, 1);
    let _ = writeln!(o, "{t}");
    let spend = format!("spend {}{}", d.currency, if large { " bn" } else { "" });
    let price_head = format!("mean price {}/t", d.currency);
    let mut t = table(&[
        "market",
        "delivered t",
        "given up t",
        "unserved t",
        &spend,
        &price_head,
    ]);
    let arrow = |p: &Pair, f: &dyn Fn(f64) -> String| {
        if p.change() == 0.0 {
            f(p.a)
        } else {
            format!("{} → {}", f(p.a), f(p.b))
        }
    };
    let t_ = |v: f64| tonnes(v);
    let money_ = |v: f64| money(v);
    for m in &d.markets {
        let moved = [m.delivered_t, m.given_up_t, m.unserved_t, m.spend]
            .iter()
            .any(|p| (p.change()).abs() > 1e-6 * p.a.abs().max(1.0));
        if !moved {
            continue;
        }
        t.add_row(vec![
            format!("{} {}", m.country, m.sector),
            arrow(&m.delivered_t, &t_),
            arrow(&m.given_up_t, &t_),
            arrow(&m.unserved_t, &t_),
            arrow(&m.spend, &bn),
            arrow(&price(m), &|v: f64| {
                if v.is_nan() {
                    "—".into()
                } else {
                    money_(v)
                }
            }),
        ]);
    }
    crate::report::terminal::right_align(&mut t, 1);
    let _ = writeln!(o, "markets that changed (over the horizon)\n{t}");
    let mut t = table(&["flow", "commodity", "A t/yr", "B t/yr", "change t/yr"]);
    for f in &d.flows {
        t.add_row(vec![
            format!("{} → {}", f.from, f.to),
            f.commodity.clone(),
            tonnes(f.tonnes.a),
            tonnes(f.tonnes.b),
            signed(f.tonnes.change(), &t_),
        ]);
    }
    crate::report::terminal::right_align(&mut t, 2);
    let _ = writeln!(
        o,
        "trade flows that moved most (t/yr, summed over the periods)\n{t}"
    );
    o
}

/// A market's mean price in A and B, not a number where it got nothing.
fn price(m: &MarketChange) -> Pair {
    let p = |price: f64, delivered: f64| if delivered > 0.0 { price } else { f64::NAN };
    Pair {
        a: p(m.mean_price.a, m.delivered_t.a),
        b: p(m.mean_price.b, m.delivered_t.b),
    }
}
