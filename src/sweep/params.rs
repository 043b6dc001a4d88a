//! What a sweep varies: `--set 'PARAM=RANGE'`, parsed and checked against
//! the model's own ids.
//!
//! | parameter | what it sets |
//! |---|---|
//! | `cap[ID]` | the cap (t/yr) of export control `ID` |
//! | `tariff[NAME]` | the ad-valorem rate (0.25 = 25%) of tariff measure `NAME` |
//! | `tariff[IMPORTER<EXPORTER,GOODS]` | the rate of a duty added on top of the model's, on `GOODS` (ids or stages) from `EXPORTER` into `IMPORTER` (countries or groups) |
//! | `capacity[ID]` | the capacity of facility `ID` |
//! | `online[ID]` | the online year of facility `ID` |
//! | `demand[COUNTRY,SECTOR]` | a factor on the tonnes of every matching demand segment (`*` matches any) |
//! | `penalty[COUNTRY,SECTOR]` | the value ($/t) of every matching segment's critical demand left unserved (`shortage_penalty`) |
//! | `credit[CONTRACT]` | the payment per unit of activity of a credit contract: a production credit, or a price floor paid as a top-up |
//! | `premium[RULE]` | the premium ($/t) of a content rule that is a buyers' origin preference |
//!
//! A range is `FROM..TO:STEP` (both ends included), a list `A,B,C`, or one
//! value; demand factors may be written `x0.8..x1.25:0.05`.

use crate::error::{Error, Result};
use crate::model::{ContractKind, Model};

/// One parameter of a sweep and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// As written before `=`, e.g. `cap[cn-licence-magnets-us]`.
    pub label: String,
    /// What it changes.
    pub kind: Kind,
    /// Its values, in order (a grid's; a sample spans their range).
    pub values: Vec<f64>,
}

/// What a parameter changes.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// An export control's cap.
    Cap(String),
    /// A tariff measure's ad-valorem rate.
    Tariff(String),
    /// A duty added on top of the model's: importer, exporter, goods.
    Duty(String, String, String),
    /// A facility's capacity.
    Capacity(String),
    /// A facility's online year (whole years).
    Online(String),
    /// A factor on demand: country and sector (`None`: any).
    Demand(Option<String>, Option<String>),
    /// The shortage penalty of demand: country and sector (`None`: any).
    Penalty(Option<String>, Option<String>),
    /// A credit contract's payment per unit of activity.
    Credit(String),
    /// The premium of a content rule that is a preference.
    Premium(String),
}

impl Kind {
    /// True when values must be whole numbers.
    pub fn integer(&self) -> bool {
        matches!(self, Kind::Online(_))
    }
}

/// Parses `--set` text against `model`.
///
/// # Errors
/// [`Error::Usage`] for bad syntax or values; [`Error::UnknownName`] (exit
/// 4, with a did-you-mean) for an id the model does not have.
pub fn parse(text: &str, model: &Model) -> Result<Param> {
    let usage = |why: &str| Error::Usage(format!("--set {text:?}: {why}"));
    let (lhs, rhs) = text
        .split_once('=')
        .ok_or_else(|| usage("expected PARAM=RANGE"))?;
    let (name, arg) = lhs
        .trim()
        .strip_suffix(']')
        .and_then(|l| l.split_once('['))
        .ok_or_else(|| {
            usage("expected a parameter such as cap[ID], tariff[NAME] or demand[US,ev]")
        })?;
    let kind = kind(name.trim(), arg.trim(), model, &usage)?;
    let values = range(rhs.trim(), matches!(kind, Kind::Demand(..)), &usage)?;
    if kind.integer() && values.iter().any(|v| v.fract() != 0.0) {
        return Err(usage("an online year is a whole year"));
    }
    if !matches!(kind, Kind::Online(_)) && values.iter().any(|&v| v < 0.0) {
        return Err(usage("values must be >= 0"));
    }
    Ok(Param {
        label: lhs.trim().to_string(),
        kind,
        values,
    })
}

/// The parameter's kind, its ids checked against the model.
fn kind(name: &str, arg: &str, model: &Model, usage: &dyn Fn(&str) -> Error) -> Result<Kind> {
    let known = |what: &'static str, id: &str, ids: Vec<String>| -> Result<String> {
        if ids.iter().any(|i| i == id) {
            Ok(id.to_string())
        } else {
            Err(Error::UnknownName {
                what,
                name: id.to_string(),
                known: ids,
            })
        }
    };
    let facilities = || model.facilities.iter().map(|f| f.id.clone()).collect();
    Ok(match name {
        "cap" => {
            let ids = model.export_controls.iter().map(|c| c.id.clone()).collect();
            Kind::Cap(known("export control", arg, ids)?)
        }
        "tariff" => match arg.split_once('<') {
            Some((importer, rest)) => {
                let (exporter, goods) = rest
                    .split_once(',')
                    .ok_or_else(|| usage("expected tariff[IMPORTER<EXPORTER,GOODS]"))?;
                let t = |s: &str| s.trim().to_string();
                Kind::Duty(t(importer), t(exporter), t(goods))
            }
            None => {
                let names = model.tariffs.iter().map(|t| t.name.clone()).collect();
                Kind::Tariff(known("tariff measure", arg, names)?)
            }
        },
        "capacity" => Kind::Capacity(known("facility", arg, facilities())?),
        "online" => Kind::Online(known("facility", arg, facilities())?),
        "demand" | "penalty" => {
            let (country, sector) = arg
                .split_once(',')
                .ok_or_else(|| usage(&format!("expected {name}[COUNTRY,SECTOR] (* for any)")))?;
            let any = |s: &str| (s.trim() != "*").then(|| s.trim().to_string());
            let (country, sector) = (any(country), any(sector));
            if let Some(c) = &country {
                known("demand country", c, model.demand_countries())?;
            }
            if let Some(s) = &sector {
                let sectors = model.sectors().into_iter().map(str::to_string).collect();
                known("sector", s, sectors)?;
            }
            if name == "demand" {
                Kind::Demand(country, sector)
            } else {
                Kind::Penalty(country, sector)
            }
        }
        "credit" => {
            let ids = (model.contracts.iter())
                .filter(|c| matches!(c.kind, ContractKind::Credit { .. }))
                .map(|c| c.id.clone())
                .collect();
            Kind::Credit(known("credit contract", arg, ids)?)
        }
        "premium" => {
            let ids = (model.content_rules.iter())
                .filter(|r| r.premium.is_some())
                .map(|r| r.id.clone())
                .collect();
            Kind::Premium(known("content rule with a premium", arg, ids)?)
        }
        _ => return Err(usage(
            "the parameters are cap, tariff, capacity, online, demand, penalty, credit and premium",
        )),
    })
}

/// The values of a range: `FROM..TO:STEP`, `A,B,C` or one value (`x`
/// before each number when `factor`).
fn range(text: &str, factor: bool, usage: &dyn Fn(&str) -> Error) -> Result<Vec<f64>> {
    let num = |s: &str| -> Result<f64> {
        let s = s.trim();
        let s = if factor {
            s.strip_prefix('x').unwrap_or(s)
        } else {
            s
        };
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(usage(&format!("expected a number, found {s:?}"))),
        }
    };
    if let Some((from, rest)) = text.split_once("..") {
        let (to, step) = rest
            .split_once(':')
            .ok_or_else(|| usage("a range is FROM..TO:STEP"))?;
        let (from, to, step) = (num(from)?, num(to)?, num(step)?);
        if step <= 0.0 || to < from {
            return Err(usage("a range needs FROM <= TO and STEP > 0"));
        }
        let n = ((to - from) / step + 1e-9).floor() as usize;
        if n >= 10_000 {
            return Err(usage("more than 10,000 values"));
        }
        // Whole steps from FROM, then TO itself when the steps miss it.
        let mut v: Vec<f64> = (0..=n).map(|k| from + k as f64 * step).collect();
        if (v[n] - to).abs() > 1e-9 * to.abs().max(1.0) {
            v.push(to);
        }
        return Ok(v);
    }
    text.split(',').map(num).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<f64> {
        range(text, true, &|w| Error::Usage(w.to_string())).unwrap()
    }

    #[test]
    fn ranges_include_both_ends() {
        assert_eq!(values("0..1:0.5"), vec![0.0, 0.5, 1.0]);
        assert_eq!(values("0..1:0.4"), vec![0.0, 0.4, 0.8, 1.0]);
        assert_eq!(values("x0.8..x1.2:0.2").len(), 3);
        assert_eq!(values("1,2,5"), vec![1.0, 2.0, 5.0]);
        assert_eq!(values("7"), vec![7.0]);
        assert_eq!(values("0..2.25:0.25").len(), 10);
    }
}
