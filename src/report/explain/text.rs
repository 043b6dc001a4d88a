//! An explanation in sentences a strategist can forward, and as tables.

use std::fmt::Write;

use super::{Binding, Explanation, Kind, Premium, Shortfall};
use crate::report::terminal::{money, right_align, table, tonnes};

/// How many binding constraints a sentence names before "and N more".
const NAMED: usize = 4;

/// `US ev magnet 2025: 100 t/yr unserved of 300 t/yr demanded (price
/// 100,000 USD/t). Binding on its supply: …`
pub fn shortfall_sentence(s: &Shortfall, currency: &str) -> String {
    let mut what = Vec::new();
    if s.unserved_t > 0.0 {
        what.push(format!("{} t/yr unserved", tonnes(s.unserved_t)));
    }
    if s.given_up_t > 0.0 {
        what.push(format!("{} t/yr given up", tonnes(s.given_up_t)));
    }
    format!(
        "{} {} {} {}: {} of {} t/yr demanded (price {} {currency}/t). {}",
        s.country,
        s.sector,
        s.commodity,
        s.period,
        what.join(" and "),
        tonnes(s.demand_t),
        money(s.price),
        binding_clause(&s.binding, currency)
    )
}

/// `JP magnet 2026: 41,000 USD/t, 1.6× the cheapest market (CN, 25,000
/// USD/t). Binding on its supply: …`
pub fn premium_sentence(p: &Premium, currency: &str) -> String {
    format!(
        "{} {} {}: {} {currency}/t, {:.1}× the cheapest market ({}, {} {currency}/t). {}",
        p.country,
        p.commodity,
        p.period,
        money(p.price),
        p.price / p.cheapest_price,
        p.cheapest_country,
        money(p.cheapest_price),
        binding_clause(&p.binding, currency)
    )
}

fn binding_clause(binding: &[Binding], currency: &str) -> String {
    if binding.is_empty() {
        return "Nothing binds on its supply paths: its price is the cost of its marginal \
                supplier, and buyers gave up what they valued below it."
            .to_string();
    }
    let named: Vec<String> = (binding.iter().take(NAMED))
        .map(|b| part(b, currency))
        .collect();
    let more = binding.len().saturating_sub(NAMED);
    let tail = if more > 0 {
        format!("; and {more} more")
    } else {
        String::new()
    };
    format!("Binding on its supply: {}{tail}.", named.join("; "))
}

fn part(b: &Binding, currency: &str) -> String {
    let value = money(b.value_per_t);
    let (used, limit) = (tonnes(b.used), tonnes(b.limit));
    let (what, id, unit) = (&b.what, &b.id, &b.unit);
    let adds = b.adds_per_t.map_or(String::new(), |a| {
        format!("; {} {currency} of every tonne delivered", money(a))
    });
    match b.kind {
        Kind::ExportLicence if b.limit <= 0.0 => format!(
            "{what} ({id}: a ban on {}; one tonne allowed would save {value} {currency})",
            unit.trim_start_matches("t/yr of ")
        ),
        Kind::ExportLicence => format!(
            "{what} ({id}: {used} of {limit} {unit}, full; one more tonne saves {value} {currency}{adds})"
        ),
        Kind::ContentRule if b.limit <= 0.0 => format!(
            "{what} ({id}: none allowed; one tainted tonne allowed would save {value} {currency})"
        ),
        Kind::ContentRule => format!(
            "{what} ({id}: {used} of {limit} {unit}; one more tainted tonne saves {value} {currency})"
        ),
        Kind::OriginPreference => format!(
            "{what} ({id}: {limit} {unit} within the share, {used} beyond it; a clean tonne is \
             worth {value} {currency} more to its buyers)"
        ),
        Kind::Capacity => format!(
            "{what} ({id}: {limit} {unit}, full; one more tonne a year saves {value} {currency}{adds})"
        ),
        Kind::Scrap => format!(
            "{what} ({id}: {limit} {unit}; one more tonne saves {value} {currency}{adds})"
        ),
        Kind::Lane => format!(
            "{what} ({limit} {unit}, full; one more tonne saves {value} {currency}{adds})"
        ),
        Kind::Tariff => format!("{what} ({} {currency}/t on {used} {unit}{adds})", money(b.limit)),
        Kind::TariffBlocks => format!(
            "{what} ({} {currency}/t; without it a tonne would save {value} {currency})",
            money(b.limit)
        ),
    }
}

/// The explanation as text: the scope's headline, then up to `top`
/// shortfalls and premiums in sentences, then the constraints that bind
/// most often across them.
pub fn render(e: &Explanation, currency: &str, top: usize) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}", e.headline.sentence(currency));
    if e.shortfalls.is_empty() && e.premiums.is_empty() {
        let _ = writeln!(
            o,
            "\nEvery segment in scope got all it asked for, and no market in it is priced \
             {:.0}% or more above the cheapest market of the same good.",
            (super::PREMIUM - 1.0) * 100.0
        );
        return o;
    }
    section(
        &mut o,
        "given up or unserved",
        e.shortfalls.iter().map(|s| &s.sentence),
        e.shortfalls.len(),
        top,
    );
    section(
        &mut o,
        "priced far above the cheapest market",
        e.premiums.iter().map(|p| &p.sentence),
        e.premiums.len(),
        top,
    );
    render_frequent(&mut o, e, currency, top);
    o
}

fn section<'a>(
    o: &mut String,
    title: &str,
    sentences: impl Iterator<Item = &'a String>,
    n: usize,
    top: usize,
) {
    if n == 0 {
        return;
    }
    let shown = if n > top {
        format!(" (the first {top} of {n}; --top N for more, --format json for all)")
    } else {
        String::new()
    };
    let _ = writeln!(o, "\n{title}{shown}:");
    for s in sentences.take(top) {
        let _ = writeln!(o, "- {s}");
    }
}

/// A constraint as named across an explanation.
struct Named<'a> {
    binding: &'a Binding,
    times: usize,
    value: f64,
    adds: Option<f64>,
}

/// The constraints named most often across the shortfalls and premiums,
/// with their largest values.
fn render_frequent(o: &mut String, e: &Explanation, currency: &str, top: usize) {
    let mut seen: Vec<Named> = Vec::new();
    let all =
        (e.shortfalls.iter().map(|s| &s.binding)).chain(e.premiums.iter().map(|p| &p.binding));
    for b in all.flatten() {
        let adds = b.adds_per_t;
        let same = |n: &&mut Named| {
            n.binding.kind == b.kind && n.binding.id == b.id && n.binding.what == b.what
        };
        match seen.iter_mut().find(same) {
            Some(n) => {
                n.times += 1;
                n.value = n.value.max(b.value_per_t);
                n.adds = match (n.adds, adds) {
                    (Some(x), Some(y)) => Some(x.max(y)),
                    (x, y) => x.or(y),
                };
            }
            None => seen.push(Named {
                binding: b,
                times: 1,
                value: b.value_per_t,
                adds,
            }),
        }
    }
    if seen.is_empty() || top == 0 {
        return;
    }
    let adds = |n: &Named| n.adds.unwrap_or(0.0);
    seen.sort_by(|a, b| {
        (b.times.cmp(&a.times))
            .then(adds(b).total_cmp(&adds(a)))
            .then(a.binding.id.cmp(&b.binding.id))
            .then(a.binding.what.cmp(&b.binding.what))
    });
    let mut t = table(&[
        "binding",
        "id",
        "named in",
        &format!("one more t, {currency}"),
        &format!("of a delivered t, {currency}"),
    ]);
    for n in seen.iter().take(top) {
        t.add_row(vec![
            n.binding.what.clone(),
            n.binding.id.clone(),
            n.times.to_string(),
            money(n.value),
            n.adds.map_or("-".to_string(), money),
        ]);
    }
    right_align(&mut t, 2);
    let _ = writeln!(o, "\nwhat binds most often:\n{t}");
}
