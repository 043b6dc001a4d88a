//! The part of the world a user asks about: one country's market, one
//! sector, a range of years (`--market`, `--sector`, `--periods`). Each is
//! optional; with none, the scope is the world. Results filtered by a scope
//! show only its demand segments, and their headline numbers (what its
//! buyers spend, what they were given and what they went without, the
//! prices they paid) are computed over the scope alone.

use serde::Serialize;

use super::markets::SegmentResult;
use crate::error::{Error, Result};
use crate::model::{CountryId, Model, PeriodId};

/// A market, sector and years, each optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    /// The demand country.
    pub market: Option<CountryId>,
    /// The sector (e.g. `defence`).
    pub sector: Option<String>,
    /// First and last period, inclusive.
    pub periods: Option<(PeriodId, PeriodId)>,
}

impl Scope {
    /// The scope named by a country code, a sector and a year range
    /// (`2030` or `2028..2031`: every period overlapping those calendar
    /// years), each checked against the model.
    ///
    /// # Errors
    /// [`Error::UnknownName`] for a country without demand or an unknown
    /// sector; [`Error::Usage`] for a malformed range or one outside the
    /// model's horizon.
    pub fn parse(
        model: &Model,
        market: Option<&str>,
        sector: Option<&str>,
        periods: Option<&str>,
    ) -> Result<Scope> {
        let market = match market {
            None => None,
            Some(code) => {
                let known = model.demand_countries();
                if !known.iter().any(|k| k == code) {
                    return Err(Error::UnknownName {
                        what: "market",
                        name: code.to_string(),
                        known,
                    });
                }
                model
                    .countries
                    .iter()
                    .position(|c| c.code == code)
                    .map(CountryId)
            }
        };
        if let Some(s) = sector {
            let known: Vec<String> = model.sectors().iter().map(|s| s.to_string()).collect();
            if !known.iter().any(|k| k == s) {
                return Err(Error::UnknownName {
                    what: "sector",
                    name: s.to_string(),
                    known,
                });
            }
        }
        let periods = periods.map(|p| period_range(model, p)).transpose()?;
        Ok(Scope {
            market,
            sector: sector.map(str::to_string),
            periods,
        })
    }

    /// No filter at all.
    pub fn is_world(&self) -> bool {
        self.market.is_none() && self.sector.is_none() && self.periods.is_none()
    }

    /// Whether period `t` is in scope.
    pub fn has_period(&self, t: PeriodId) -> bool {
        self.periods.is_none_or(|(a, b)| a <= t && t <= b)
    }

    /// Whether country `c`'s market is in scope.
    pub fn has_country(&self, c: CountryId) -> bool {
        self.market.is_none_or(|m| m == c)
    }

    /// Whether demand segment `d` is in scope.
    pub fn has_segment(&self, model: &Model, d: usize) -> bool {
        let seg = &model.demand[d];
        self.has_country(seg.country)
            && self.has_period(seg.period)
            && self.sector.as_ref().is_none_or(|s| *s == seg.sector)
    }

    /// Whether a row naming a country code, a sector and a period label is
    /// in scope (`None`: the row does not say, and is kept).
    pub fn has_names(
        &self,
        model: &Model,
        country: Option<&str>,
        sector: Option<&str>,
        period: Option<&str>,
    ) -> bool {
        let country_ok = match (self.market, country) {
            (Some(m), Some(code)) => model.countries[m.0].code == code,
            _ => true,
        };
        let sector_ok = match (&self.sector, sector) {
            (Some(s), Some(name)) => s == name,
            _ => true,
        };
        let period_ok = match period {
            Some(label) => (model.periods.iter())
                .position(|p| p.label == label)
                .is_none_or(|t| self.has_period(PeriodId(t))),
            None => true,
        };
        country_ok && sector_ok && period_ok
    }

    /// The scope as column names write it: `US:defence:2028..2030`, or
    /// `US:2030` for one year (the parts given, in that order).
    pub fn key(&self, model: &Model) -> String {
        self.parts(model, "..").join(":")
    }

    /// The market, sector and years given, years as `A{dash}B` or one year.
    fn parts(&self, model: &Model, dash: &str) -> Vec<String> {
        let mut parts = Vec::new();
        if let Some(m) = self.market {
            parts.push(model.countries[m.0].code.clone());
        }
        if let Some(s) = &self.sector {
            parts.push(s.clone());
        }
        if let Some((a, b)) = self.periods {
            let (a, b) = (&model.periods[a.0], &model.periods[b.0]);
            let last = b.start + b.years as i32 - 1;
            parts.push(if a.start == last {
                a.start.to_string()
            } else {
                format!("{}{dash}{last}", a.start)
            });
        }
        parts
    }

    /// How the scope reads in a heading: `US defence 2028–2031`, or
    /// `world`.
    pub fn label(&self, model: &Model) -> String {
        let parts = self.parts(model, "–");
        if parts.is_empty() {
            "world".to_string()
        } else {
            parts.join(" ")
        }
    }
}

/// The periods overlapping `2030` or `2028..2031` (calendar years,
/// inclusive).
fn period_range(model: &Model, text: &str) -> Result<(PeriodId, PeriodId)> {
    let bad = |why: &str| Error::Usage(format!("--periods {text}: {why}"));
    let year = |s: &str| {
        s.trim()
            .parse::<i32>()
            .map_err(|_| bad("give a year (2030) or a range of years (2028..2031)"))
    };
    let (from, to) = match text.split_once("..") {
        Some((a, b)) => (year(a)?, year(b)?),
        None => (year(text)?, year(text)?),
    };
    if from > to {
        return Err(bad("the range runs backwards"));
    }
    let inside: Vec<usize> = (model.periods.iter().enumerate())
        .filter(|(_, p)| p.start <= to && from < p.start + p.years as i32)
        .map(|(t, _)| t)
        .collect();
    match (inside.first(), inside.last()) {
        (Some(&a), Some(&b)) => Ok((PeriodId(a), PeriodId(b))),
        _ => {
            let (first, last) = (model.periods.first(), model.periods.last());
            let horizon = match (first, last) {
                (Some(f), Some(l)) => format!("{}..{}", f.start, l.start + l.years as i32 - 1),
                _ => "empty".to_string(),
            };
            Err(bad(&format!(
                "no period of the model falls in it (horizon {horizon})"
            )))
        }
    }
}

/// The headline numbers of a scope: what its buyers spent and received,
/// what they gave up and went without, and what they paid per tonne.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Headline {
    /// `US defence 2028–2031`, or `world`.
    pub scope: String,
    /// Demand over the scope's years, t.
    pub demand_t: f64,
    /// Delivered, t (each period's t/yr times its years), including what
    /// was taken beyond the reference demand as prices fell.
    pub delivered_t: f64,
    /// Of it, taken beyond the reference demand, t.
    pub beyond_t: f64,
    /// Given up (priced out), t.
    pub given_up_t: f64,
    /// Critical demand unserved, t.
    pub unserved_t: f64,
    /// What its buyers paid, undiscounted, in the model's currency.
    pub spend: f64,
    /// What its buyers paid, present value in the base year.
    pub spend_pv: f64,
    /// Per commodity, the delivered-weighted mean price, $/t.
    pub prices: Vec<MeanPrice>,
}

impl Headline {
    /// The headline in one sentence, as the summary and `explain` open
    /// with it: `US 2026: demand 400 t (every good), delivered 200 t, given
    /// up 0.0 t, unserved 200 t; its buyers paid 20,000,000 USD (18,181,818
    /// present value)`, with what was taken beyond the reference demand
    /// when there was any.
    pub fn sentence(&self, currency: &str) -> String {
        use super::tables::{money, tonnes};
        let beyond = if self.beyond_t > 0.0 {
            let t = tonnes(self.beyond_t);
            format!(" ({t} t of it beyond the reference demand)")
        } else {
            String::new()
        };
        format!(
            "{}: demand {} t (every good), delivered {} t{beyond}, given up {} t, unserved {} t; \
             its buyers paid {} {currency} ({} present value)",
            self.scope,
            tonnes(self.demand_t),
            tonnes(self.delivered_t),
            tonnes(self.given_up_t),
            tonnes(self.unserved_t),
            money(self.spend),
            money(self.spend_pv)
        )
    }
}

/// A commodity's mean price over a scope.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MeanPrice {
    /// Commodity id.
    pub commodity: String,
    /// Delivered-weighted mean price, $/t (money of each period).
    pub price: f64,
}

/// The headline of `scope`, from the plan's segment results.
pub fn headline(model: &Model, scope: &Scope, segments: &[SegmentResult]) -> Headline {
    let mut h = Headline {
        scope: scope.label(model),
        demand_t: 0.0,
        delivered_t: 0.0,
        beyond_t: 0.0,
        given_up_t: 0.0,
        unserved_t: 0.0,
        spend: 0.0,
        spend_pv: 0.0,
        prices: Vec::new(),
    };
    // (commodity) -> (Σ delivered × price, Σ delivered)
    let mut by_commodity = std::collections::BTreeMap::<usize, (f64, f64)>::new();
    for r in segments
        .iter()
        .filter(|r| scope.has_segment(model, r.segment))
    {
        let seg = &model.demand[r.segment];
        let years = f64::from(model.periods[seg.period.0].years);
        h.demand_t += seg.tonnes * years;
        h.delivered_t += r.delivered * years;
        h.beyond_t += r.beyond * years;
        h.given_up_t += r.given_up * years;
        h.unserved_t += r.unserved * years;
        h.spend += r.spend * years;
        h.spend_pv += r.spend * model.period_weight(seg.period);
        let e = by_commodity.entry(seg.commodity.0).or_default();
        e.0 += r.delivered * years * r.price;
        e.1 += r.delivered * years;
    }
    h.prices = by_commodity
        .into_iter()
        .filter(|(_, (_, t))| *t > 0.0)
        .map(|(c, (v, t))| MeanPrice {
            commodity: model.commodities[c].id.clone(),
            price: v / t,
        })
        .collect();
    h
}
