//! What a solved plan measures beyond its cost, for the cells of a
//! comparison and the cases of a sweep: unserved and given-up tonnes and
//! buyers' spend (the world's, or a scope's), capital spent, and the
//! dependency column (the share of a market's supply made at a stage in a
//! source).

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::Model;
use crate::report::scope::Scope;
use crate::trace::{trace, RECYCLED, STAGES};

/// What a solved cell measures.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CellResult {
    /// The plan's objective, present value: system cost plus the value of
    /// the demand given up or unserved, less the value of what was bought
    /// beyond the reference demand. Within a future it differs from system
    /// cost net of the value of demand served by a constant (the value of
    /// the reference demand), so it ranks portfolios the same way.
    pub cost: f64,
    /// Unserved (critical) tonnes over the horizon (in the measure's
    /// scope, when it has one).
    pub shortage_t: f64,
    /// Tonnes given up as prices rose, over the horizon (or the scope).
    pub given_up_t: f64,
    /// What the dependency market's buyers (or the scope's) spent over the
    /// horizon (or the scope's years), undiscounted.
    pub market_spend: f64,
    /// What each demand country's buyers spent, undiscounted, over the
    /// whole horizon and every sector, whatever the measure's scope.
    pub spend_by_market: Spend,
    /// Capital spent on builds, present value.
    pub investment: f64,
    /// Share of `market`'s supply whose last traced stage (magnets, or the
    /// stage asked for) happened in `source`, over the horizon; none when
    /// the market gets nothing.
    pub dependency: Option<f64>,
}

/// What a cell measures beyond its cost. The dependency column: the share
/// of `market`'s supply made at `stage` (index into [`STAGES`]) in
/// `source`. The given-up, unserved and spend columns: the world's (spend:
/// `market`'s buyers'), or, with a scope, the scope's.
#[derive(Debug, Clone)]
pub struct Measure {
    /// Where: a country code (`CN`), a country group of `countries.csv`
    /// (`feoc`: the sum over its member countries), or [`RECYCLED`]
    /// (secondary supply, at the mined stage only).
    pub source: String,
    /// Market country code, e.g. `US`.
    pub market: String,
    /// Traced stage index (3 = magnet).
    pub stage: usize,
    /// The scope of the given-up, unserved and spend columns.
    pub scope: Scope,
    /// The scope as column names write it (`US:defence:2028..2030`); none
    /// for the world.
    pub scope_key: Option<String>,
}

impl Measure {
    /// This measure with its given-up, unserved and spend columns narrowed
    /// to `scope`.
    pub fn scoped(mut self, scope: Scope, model: &Model) -> Self {
        self.scope_key = (!scope.is_world()).then(|| scope.key(model));
        self.scope = scope;
        self
    }

    /// The name of a column that the scope narrows: `unserved_t`, or
    /// `unserved_t[scope=US:defence]` with a scope.
    pub fn scoped_column(&self, name: &str) -> String {
        match &self.scope_key {
            Some(k) => format!("{name}[scope={k}]"),
            None => name.to_string(),
        }
    }

    /// The spend column: `US_spend` (the dependency market's buyers), or
    /// `spend[scope=US:defence]` with a scope.
    pub fn spend_column(&self) -> String {
        match &self.scope_key {
            Some(_) => self.scoped_column("spend"),
            None => format!("{}_spend", self.market),
        }
    }

    /// The country whose prices a sweep reports: the scope's, else the
    /// dependency market.
    pub fn price_market(&self, model: &Model) -> String {
        (self.scope.market).map_or(self.market.clone(), |m| model.countries[m.0].code.clone())
    }

    /// The scope whose mean prices a sweep reports: the measure's, in the
    /// dependency market's country when the scope names none.
    pub fn price_scope(&self, model: &Model) -> Scope {
        let dependency = model.countries.iter().position(|c| c.code == self.market);
        Scope {
            market: self
                .scope
                .market
                .or(dependency.map(crate::model::CountryId)),
            ..self.scope.clone()
        }
    }

    /// As written: `CN:US:magnet`.
    pub fn label(&self) -> String {
        format!("{}:{}:{}", self.source, self.market, STAGES[self.stage])
    }

    /// Reads `SOURCE:MARKET:STAGE` and checks each word against `model`.
    ///
    /// # Errors
    /// [`Error::Usage`] naming the first word that is not a known source,
    /// country or stage, with the words it could be.
    pub fn parse(text: &str, model: &Model) -> Result<Self> {
        let usage = |m: String| Error::Usage(format!("--dependency {text}: {m}"));
        let [source, market, stage] = text.split(':').collect::<Vec<_>>()[..] else {
            return Err(usage(
                "expected SOURCE:MARKET:STAGE, e.g. CN:US:magnet".into(),
            ));
        };
        let codes: Vec<String> = model.countries.iter().map(|c| c.code.clone()).collect();
        let mut sources = codes.clone();
        for c in &model.countries {
            for g in &c.groups {
                if !sources.contains(g) {
                    sources.push(g.clone());
                }
            }
        }
        sources.push(RECYCLED.to_string());
        let stages: Vec<String> = STAGES.iter().map(|s| s.to_string()).collect();
        let unknown = |word: &str, what: &str, known: &[String]| {
            let close = known
                .iter()
                .find(|k| k.eq_ignore_ascii_case(word))
                .map_or_else(
                    || crate::error::suggestion(word, known),
                    |k| format!("; did you mean \"{k}\"?"),
                );
            usage(format!(
                "\"{word}\" is not {what}{close} (expected one of: {})",
                known.join(", ")
            ))
        };
        if !sources.iter().any(|s| s == source) {
            let what = "a country code, a country group or \"recycled\"";
            return Err(unknown(source, what, &sources));
        }
        if !codes.iter().any(|c| c == market) {
            return Err(unknown(market, "a country code", &codes));
        }
        let Some(stage) = STAGES.iter().position(|s| *s == stage) else {
            return Err(unknown(stage, "a traced stage", &stages));
        };
        if source == RECYCLED && stage != 0 {
            return Err(usage(format!(
                "recycled supply is traced at the {} stage only",
                STAGES[0]
            )));
        }
        Ok(Measure {
            source: source.to_string(),
            market: market.to_string(),
            stage,
            scope: Scope::default(),
            scope_key: None,
        })
    }

    /// The slots of a traced stage's vector (see [`crate::trace::Mix`])
    /// that `source` covers in `model`: the country, every member of the
    /// group, or the recycled slot.
    pub fn source_slots(&self, model: &Model) -> Vec<usize> {
        if self.source == RECYCLED {
            return vec![model.countries.len()];
        }
        model
            .countries
            .iter()
            .enumerate()
            .filter(|(_, c)| c.code == self.source || c.groups.contains(&self.source))
            .map(|(k, _)| k)
            .collect()
    }
}

/// What a solved plan measures: its cost, what went unserved and given up,
/// the dependency market's spend and the dependency share `measure` asks
/// for.
pub fn measure_plan(s: &crate::engine::Solved, measure: &Measure) -> CellResult {
    let segments = crate::report::markets::segment_results(&s.model, &s.plan);
    measure_segments(s, measure, &segments)
}

/// [`measure_plan`], given the plan's segment results.
pub fn measure_segments(
    s: &crate::engine::Solved,
    measure: &Measure,
    segments: &[crate::report::markets::SegmentResult],
) -> CellResult {
    let years = |t: usize| f64::from(s.model.periods[t].years);
    let by_market = spend_by_market(&s.model, segments);
    let (shortage_t, given_up_t, market_spend) = if measure.scope.is_world() {
        let spend = by_market.get(&measure.market).copied().unwrap_or(0.0);
        let m = &s.model;
        (s.plan.shortage_tonnes(m), s.plan.given_up_tonnes(m), spend)
    } else {
        let h = crate::report::scope::headline(&s.model, &measure.scope, segments);
        (h.unserved_t, h.given_up_t, h.spend)
    };
    let dep = trace(&s.model, &s.network, &s.plan);
    let slots = measure.source_slots(&s.model);
    let (mut from_source, mut total) = (0.0, 0.0);
    // Only what has been through the stage asked for: La/Ce oxide for
    // glass was never made into magnets, and would dilute the share.
    let reached = |c: crate::model::CommodityId| {
        crate::trace::commodity_stage(s.model.commodities[c.0].stage)
            .is_some_and(|k| k >= measure.stage)
    };
    for m in dep
        .markets
        .iter()
        .filter(|m| s.model.countries[m.country.0].code == measure.market && reached(m.commodity))
    {
        let v = &m.mix[measure.stage];
        let all: f64 = v.iter().sum();
        let share = if all > 0.0 {
            slots.iter().map(|&k| v[k]).sum::<f64>() / all
        } else {
            0.0
        };
        let t = m.delivered * years(m.period.0);
        from_source += share * t;
        total += t;
    }
    CellResult {
        cost: s.plan.objective,
        shortage_t,
        given_up_t,
        market_spend,
        spend_by_market: by_market,
        investment: s.plan.costs.investment,
        dependency: (total > 0.0).then(|| from_source / total),
    }
}

/// Money by demand country code.
pub type Spend = std::collections::BTreeMap<String, f64>;

/// What each demand country's buyers spent over the horizon, every
/// sector, undiscounted.
pub fn spend_by_market(model: &Model, segments: &[crate::report::markets::SegmentResult]) -> Spend {
    let mut by = Spend::new();
    for r in segments {
        let seg = &model.demand[r.segment];
        let code = model.countries[seg.country.0].code.clone();
        *by.entry(code).or_default() += r.spend * f64::from(model.periods[seg.period.0].years);
    }
    by
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::source::ModelSource;

    fn tiny() -> Model {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/tiny");
        crate::check(&ModelSource::dir(dir).unwrap(), &[])
            .unwrap()
            .model
    }

    #[test]
    fn a_dependency_source_is_a_country_a_group_or_recycled() {
        let m = tiny();
        let slots = |t: &str| Measure::parse(t, &m).unwrap().source_slots(&m);
        // Countries in file order: AU CN JP MM US; feoc is CN alone.
        assert_eq!(slots("JP:US:magnet"), vec![2]);
        assert_eq!(slots("feoc:US:metal"), vec![1]);
        assert_eq!(slots("recycled:JP:mined"), vec![5]);
        for (bad, word) in [
            (
                "XX:US:magnet",
                "\"XX\" is not a country code, a country group",
            ),
            ("cn:US:magnet", "did you mean \"CN\"?"),
            ("CN:ZZ:magnet", "\"ZZ\""),
            ("CN:US:magnets", "did you mean \"magnet\"?"),
            ("recycled:US:magnet", "mined stage only"),
            ("CN:US", "expected SOURCE:MARKET:STAGE"),
        ] {
            let e = Measure::parse(bad, &m).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            assert!(e.to_string().contains(word), "{bad}: {e}");
        }
    }
}
