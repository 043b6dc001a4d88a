//! Origin rules in a plan: for every content rule, country and period it
//! applies to, what the demand it covers took of tainted material, out of
//! how much, and what the rule costs (`rules.csv`, the summary and the
//! terminal).

use serde::Serialize;

use crate::formulation::origins::Layout;
use crate::model::{Limit, Model};
use crate::plan::Plan;

/// One content rule in one demand country and period.
#[derive(Debug, Clone, Serialize)]
pub struct RuleRow {
    /// The rule's id.
    pub id: String,
    /// Demand country.
    pub country: String,
    /// Period label.
    pub period: String,
    /// The countries and stages whose material it limits.
    pub origin: String,
    /// Share of tainted material allowed.
    pub max_share: f64,
    /// Tainted tonnes per year received.
    pub tainted_t: f64,
    /// All tonnes per year received by the demand it covers.
    pub received_t: f64,
    /// Tainted tonnes per year taken beyond the share at the rule's
    /// premium (a preference; 0 for a limit).
    pub beyond_t: f64,
    /// A preference's premium, $/t (none for a limit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub premium: Option<f64>,
    /// Cost saved if one more tainted tonne a year were allowed, $/t
    /// (money of the period).
    pub shadow_price: f64,
    /// The same in base-year money (present value).
    pub shadow_price_pv: f64,
}

/// Every content rule's use, by period, then id, then country.
pub fn rule_rows(model: &Model, plan: &Plan) -> Vec<RuleRow> {
    if plan.layers.rules.is_empty() {
        return Vec::new();
    }
    // Only the rules and their signatures are needed: no network.
    let layout = Layout::rules_of(model);
    let mut rows: Vec<(usize, RuleRow)> = plan
        .layers
        .rules
        .iter()
        .filter_map(|u| {
            let rule = &layout.rules[u.rule];
            // Only share rules have rows here; origin-scope export controls
            // are caps, in caps.csv.
            let Limit::Share(max_share) = rule.limit else {
                return None;
            };
            let id = match rule.source {
                crate::formulation::origins::RuleSource::Content(i) => {
                    model.content_rules[i].id.clone()
                }
                crate::formulation::origins::RuleSource::Control(i) => {
                    model.export_controls[i].id.clone()
                }
            };
            let row = RuleRow {
                id,
                country: model.countries[u.country.0].code.clone(),
                period: model.periods[u.period.0].label.clone(),
                origin: layout.signatures[rule.bit as usize].label(),
                max_share,
                tainted_t: u.tainted,
                received_t: u.received,
                beyond_t: u.beyond,
                premium: layout.premium(model, rule),
                shadow_price: u.shadow_price,
                shadow_price_pv: u.shadow_price * super::per_year_pv(model, u.period),
            };
            Some((u.period.0, row))
        })
        .collect();
    rows.sort_by(|a, b| (a.0, &a.1.id, &a.1.country).cmp(&(b.0, &b.1.id, &b.1.country)));
    rows.into_iter().map(|(_, r)| r).collect()
}
