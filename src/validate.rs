//! Checks that need the whole model and its network: what the loader could
//! not see row by row. Each `check_*` function adds warnings; a model with
//! warnings still solves, but its author should look.

use crate::error::Diagnostics;
use crate::model::{Endpoint, FacilityId, Model, Status};
use crate::network::Network;

/// Coefficient spread beyond which HiGHS's numerics become unreliable
/// (Gurobi's numerics guide gives ~1e9).
pub const MAX_COEFFICIENT_RANGE: f64 = 1e9;

/// Runs every structural check, adding warnings to `diags`.
pub fn check(
    model: &Model,
    network: &Network,
    name: &dyn Fn(&str) -> String,
    diags: &mut Diagnostics,
) {
    let live = network.live_facilities(model);
    check_unreachable_demand(model, network, &live, name, diags);
    check_cut_off_facilities(model, network, &live, name, diags);
    check_candidates(model, name, diags);
    check_coefficient_range(model, name, diags);
}

fn check_unreachable_demand(
    model: &Model,
    network: &Network,
    live: &[bool],
    name: &dyn Fn(&str) -> String,
    diags: &mut Diagnostics,
) {
    let file = name("demand.csv");
    let mut reported = std::collections::BTreeSet::new();
    for d in &model.demand {
        if d.tonnes > 0.0
            && !network.market_reachable(live, d.country, d.commodity)
            && reported.insert((d.country, d.commodity))
        {
            diags.warning(
                &file,
                Some(d.line),
                Some("commodity"),
                format!(
                    "no facility can ever deliver \"{}\" to {}: all of this demand will go unserved",
                    model.commodities[d.commodity.0].id, model.countries[d.country.0].code
                ),
            );
        }
    }
}

fn check_cut_off_facilities(
    model: &Model,
    network: &Network,
    live: &[bool],
    name: &dyn Fn(&str) -> String,
    diags: &mut Diagnostics,
) {
    let file = name("facilities.csv");
    for (i, fac) in model.facilities.iter().enumerate() {
        let f = FacilityId(i);
        if fac.status == Status::Closed || fac.capacity == 0.0 {
            continue;
        }
        let process = &model.processes[fac.process.0];
        let unfed: Vec<&str> = process
            .inputs()
            .filter(|&c| {
                !network
                    .lanes_into(f, c)
                    .iter()
                    .any(|l| live[network.lane(*l).from.0])
            })
            .map(|c| model.commodities[c.0].id.as_str())
            .collect();
        let sends = process.outputs().any(|c| {
            network
                .lanes_out_of(f, c)
                .iter()
                .any(|l| match network.lane(*l).to {
                    Endpoint::Facility(g) => model.facilities[g.0].capacity > 0.0,
                    Endpoint::Market(_) => true,
                })
        });
        if !unfed.is_empty() {
            diags.warning(
                &file,
                Some(fac.line),
                Some("process"),
                format!(
                    "facility \"{}\" is cut off: nothing that can run delivers {} to it, so it never operates",
                    fac.id,
                    unfed.join(", ")
                ),
            );
        } else if !sends {
            diags.warning(
                &file,
                Some(fac.line),
                Some("process"),
                format!(
                    "facility \"{}\" is cut off: no lane takes its output anywhere, so it never operates",
                    fac.id
                ),
            );
        }
    }
}

fn check_candidates(model: &Model, name: &dyn Fn(&str) -> String, diags: &mut Diagnostics) {
    let file = name("facilities.csv");
    for (f, fac) in model.facilities.iter().enumerate() {
        if fac.status == Status::Candidate && model.start_periods(FacilityId(f)).is_empty() {
            diags.warning(
                &file,
                Some(fac.line),
                Some("lead_years"),
                format!(
                    "candidate \"{}\" cannot start within the horizon (lead time {} years): it can never be built",
                    fac.id, fac.lead_years
                ),
            );
        }
    }
}

/// Spread of the non-zero magnitudes fed to `see`: (smallest, largest).
fn spread(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .map(f64::abs)
        .filter(|&a| a > 0.0)
        .fold(None, |acc, a| match acc {
            None => Some((a, a)),
            Some((lo, hi)) => Some((lo.min(a), hi.max(a))),
        })
}

/// Warns when the recipe coefficients (the LP's matrix) or the costs (its
/// objective) each span more than [`MAX_COEFFICIENT_RANGE`].
fn check_coefficient_range(model: &Model, name: &dyn Fn(&str) -> String, diags: &mut Diagnostics) {
    let matrix = spread(
        model
            .processes
            .iter()
            .flat_map(|p| p.terms.iter().map(|t| t.1)),
    );
    let costs = spread(
        model
            .facilities
            .iter()
            .map(|f| f.variable_cost)
            .chain(model.commodities.iter().map(|c| c.disposal_cost))
            .chain(model.demand.iter().map(|d| d.shortage_penalty)),
    );
    for (what, file, range) in [
        ("recipe coefficients", "processes.csv", matrix),
        ("costs", "facilities.csv", costs),
    ] {
        if let Some((lo, hi)) = range {
            if hi / lo > MAX_COEFFICIENT_RANGE {
                diags.warning(
                    &name(file),
                    None,
                    None,
                    format!(
                        "{what} range from {lo:e} to {hi:e} (more than {MAX_COEFFICIENT_RANGE:e} apart): the solver may lose accuracy; rescale units"
                    ),
                );
            }
        }
    }
}
