//! A summary narrowed to a scope (`solve --market --sector --periods`):
//! the scope's headline, and only its markets, shortages, import reliance,
//! dependency, caps, rules and flows. World totals (the cost, its kinds,
//! the builds, the most constrained facilities) stay, labelled as the
//! world's.

use crate::model::{Model, PeriodId};
use crate::network::Network;
use crate::plan::Plan;

use super::markets::{market_rows, segment_results};
use super::scope::{headline, Scope};
use super::{FlowRow, Summary, TOP};

impl Summary {
    /// This summary narrowed to `scope` (unchanged for the world).
    pub fn scoped(
        mut self,
        model: &Model,
        network: &Network,
        plan: &Plan,
        scope: &Scope,
    ) -> Summary {
        if scope.is_world() {
            return self;
        }
        let segments: Vec<_> = (segment_results(model, plan).into_iter())
            .filter(|r| scope.has_segment(model, r.segment))
            .collect();
        self.scope = Some(headline(model, scope, &segments));
        self.markets = market_rows(model, &segments);
        let keep = |country: &str, sector: Option<&str>, period: &str| {
            scope.has_names(model, Some(country), sector, Some(period))
        };
        (self.shortages).retain(|r| keep(&r.country, Some(&r.sector), &r.period));
        (self.import_reliance).retain(|r| keep(&r.country, None, &r.period));
        (self.dependency).retain(|r| {
            let sector = r.sector.as_deref().filter(|s| *s != "(rest)");
            keep(&r.country, sector, &r.period)
        });
        (self.rules).retain(|r| keep(&r.country, None, &r.period));
        self.caps.retain(|r| {
            let control = model.export_controls.iter().find(|c| c.id == r.id);
            let to_market = match (scope.market, control) {
                (Some(m), Some(c)) => c.destination.contains(m),
                _ => true,
            };
            to_market && scope.has_names(model, None, None, Some(&r.period))
        });
        (self.stage_shares).retain(|r| scope.has_names(model, None, None, Some(&r.period)));
        self.market = super::markets::focus(model, plan, scope);
        self.largest_flows = largest_flows(model, network, plan, scope);
        self
    }
}

/// The [`TOP`] lanes into or out of the scope's country (any, without
/// one) by tonnes over the scope's periods.
fn largest_flows(model: &Model, network: &Network, plan: &Plan, scope: &Scope) -> Vec<FlowRow> {
    let mut rows: Vec<FlowRow> = (network.lanes().iter().enumerate())
        .filter(|(_, lane)| {
            let from = model.facilities[lane.from.0].country;
            let to = model.endpoint_country(lane.to);
            scope.has_country(from) || scope.has_country(to)
        })
        .map(|(l, lane)| FlowRow {
            commodity: model.commodities[lane.commodity.0].id.clone(),
            from: model.facilities[lane.from.0].id.clone(),
            to: model.endpoint_name(lane.to),
            tonnes: (plan.flows[l].iter().enumerate())
                .filter(|(t, _)| scope.has_period(PeriodId(*t)))
                .map(|(t, q)| q * f64::from(model.periods[t].years))
                .sum(),
        })
        .filter(|r| r.tonnes > 0.0)
        .collect();
    rows.sort_by(|a, b| b.tonnes.total_cmp(&a.tonnes));
    rows.truncate(TOP);
    rows
}
