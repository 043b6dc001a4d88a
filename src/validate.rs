//! Checks that need the whole model and its network: what the loader could
//! not see row by row. Each `check_*` function run by [`check`] adds
//! warnings; a model with warnings still solves, but its author should look.
//!
//! Two checks need the settings or the portfolio, which the loader does not
//! combine with the rows: the weight of each period ([`check_weights`]) and
//! what the build rules make impossible ([`check_builds`]). They return
//! errors, which refuse a solve before it starts (see
//! [`crate::resolve_portfolio`]); [`check`] reports them as warnings, for
//! every portfolio of the model, so that `rareflow validate` shows them.

use crate::error::{Diagnostic, Diagnostics, Severity};
use crate::model::schema::limits::{self, show};
use crate::model::{Endpoint, FacilityId, Model, Portfolio, Status};
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
    check_buyers(model, network, name, diags);
    check_coefficient_range(model, name, diags);
    let mut refused = check_weights(model, name);
    refused.extend(check_builds(model, None, name));
    for p in &model.portfolios {
        refused.extend(check_builds(model, Some(p), name));
    }
    for d in refused {
        diags.push_diagnostic(Diagnostic {
            severity: Severity::Warning,
            message: format!("{} (a solve refuses this)", d.message),
            ..d
        });
    }
    for d in check_stockpiles(model, network, name) {
        diags.push_diagnostic(d);
    }
}

/// A stock a country holds is released into its market row for the
/// commodity, where no origin is tracked: in a market that a content rule
/// or an end-use or origin-wide control covers, it would deliver material
/// the rule cannot see (bought before the rule starts, or of any origin),
/// so such a stock is refused; held at a facility, stocked material keeps
/// a class.
fn check_stockpiles(
    model: &Model,
    network: &Network,
    name: &dyn Fn(&str) -> String,
) -> Vec<Diagnostic> {
    if model.stockpiles.is_empty() {
        return Vec::new();
    }
    let layout = crate::formulation::origins::Layout::of(model, network);
    let mut out = Vec::new();
    for sp in &model.stockpiles {
        let crate::model::Endpoint::Market(k) = sp.holder else {
            continue;
        };
        if !layout.markets.contains_key(&(k, sp.commodity)) {
            continue;
        }
        out.push(error(
            name("stockpiles.csv"),
            Some(sp.line),
            "holder",
            format!(
                "{}'s market for {} is covered by a content rule or an end-use or origin-wide \
                 export control, which a country's stock would deliver around (its material has \
                 no origin class there): hold it at a facility that uses or makes the commodity \
                 instead",
                model.countries[k.0].code, model.commodities[sp.commodity.0].id,
            ),
        ));
    }
    out
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

/// An offtake whose buyer no lane from its facility reaches can only be
/// broken: every unit it takes pays the penalty.
fn check_buyers(
    model: &Model,
    network: &Network,
    name: &dyn Fn(&str) -> String,
    diags: &mut Diagnostics,
) {
    let file = name("contracts.csv");
    for c in model.contracts.iter().filter(|c| c.buyer.is_some()) {
        if crate::formulation::contracts::buyer_lanes(model, network, c).is_empty() {
            diags.warning(
                &file,
                Some(c.line),
                Some("buyer"),
                format!(
                    "offtake \"{}\": no lane takes \"{}\"'s output to its buyer, so the plan pays \
                     its penalty on all it takes",
                    c.id, model.facilities[c.facility.0].id
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

/// A model-level error: in `file` (as named by the caller), at `line`
/// when it has one, about `column` (a CSV column or a `model.toml` key).
fn error(file: String, line: Option<u64>, column: &str, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        file,
        line,
        col: None,
        column: Some(column.to_string()),
        message,
        missing_file: false,
    }
}

/// Every period weighs at most [`limits::PERIOD_WEIGHT`] (the sum of the
/// discount factors of its years), so that no cost in the objective comes
/// near the solver's infinity. Only a `base_year` after the start of the
/// horizon, at a high `discount_rate`, weighs a period that much. Returns
/// the error, naming the heaviest period.
pub fn check_weights(model: &Model, name: &dyn Fn(&str) -> String) -> Vec<Diagnostic> {
    let heaviest = model
        .period_ids()
        .map(|t| (t, model.period_weight(t)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    let Some((t, w)) = heaviest else {
        return Vec::new();
    };
    if w <= limits::PERIOD_WEIGHT {
        return Vec::new();
    }
    let s = &model.settings;
    let p = &model.periods[t.0];
    let message = format!(
        "period \"{}\" weighs {w:.3e} (its years discounted at discount_rate {} to base_year {}, \
         {} years after it starts); expected at most {}: move base_year to the start of the \
         horizon or lower discount_rate",
        p.label,
        s.discount_rate,
        s.base_year,
        s.base_year - p.start,
        show(limits::PERIOD_WEIGHT)
    );
    vec![error(name("model.toml"), None, "base_year", message)]
}

/// What the build rules make impossible for the candidates `portfolio`
/// lets the plan build (`None`: every candidate), named in the model's
/// terms rather than left for the solver to call infeasible: a forced
/// candidate that can never start, or whose `build_cost` exceeds a budget
/// on its own; forced candidates whose capital together exceeds
/// `build_budget`; fewer candidates that can be built than `min_builds`,
/// or more forced ones than `max_builds`; and `min_builds` builds that
/// cost more than `build_budget` even at their cheapest. Returns the errors.
pub fn check_builds(
    model: &Model,
    portfolio: Option<&Portfolio>,
    name: &dyn Fn(&str) -> String,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(p) = portfolio {
        out.extend(forced_builds(model, p, name));
    }
    out.extend(build_counts(model, portfolio, name));
    out
}

/// Each candidate `p` forces can start and fits each budget, and together
/// they fit `build_budget`; each problem at the member's line.
fn forced_builds(model: &Model, p: &Portfolio, name: &dyn Fn(&str) -> String) -> Vec<Diagnostic> {
    let file = name("portfolios.csv");
    let at = |line: u64, message: String| error(file.clone(), Some(line), "facility", message);
    let mut out: Vec<Diagnostic> = p
        .forced()
        .flat_map(|(f, line)| {
            forced_alone(model, p, f)
                .into_iter()
                .map(move |m| (line, m))
        })
        .map(|(line, m)| at(line, m))
        .collect();
    let forced: Vec<(FacilityId, u64)> = p.forced().collect();
    let capital: f64 = forced.iter().map(|(f, _)| capex(model, *f)).sum();
    let budget = model.settings.build_budget;
    if let (true, Some(b), [(_, line), ..]) = (out.is_empty(), budget, &forced[..]) {
        if capital > b {
            let ids: Vec<String> = forced
                .iter()
                .map(|(f, _)| format!("\"{}\"", model.facilities[f.0].id))
                .collect();
            let message = format!(
                "portfolio \"{}\" forces {}, whose build_cost adds up to {}, more than \
                 build_budget {} in model.toml",
                p.name,
                ids.join(", "),
                show(capital),
                show(b)
            );
            out.push(at(*line, message));
        }
    }
    out
}

/// Why candidate `f`, forced by `p`, cannot be built on its own: it can
/// never start, or its `build_cost` exceeds a budget.
fn forced_alone(model: &Model, p: &Portfolio, f: FacilityId) -> Vec<String> {
    let (s, fac) = (&model.settings, &model.facilities[f.0]);
    let forces = format!("portfolio \"{}\" forces \"{}\"", p.name, fac.id);
    if model.start_periods(f).is_empty() {
        return vec![format!(
            "{forces}, which can never start within the horizon (its lead_years or \
             online_year put its first start after the last period)"
        )];
    }
    let budgets = [
        ("build_budget", s.build_budget),
        ("build_budget_per_period", s.build_budget_per_period),
    ];
    budgets
        .into_iter()
        .filter_map(|(key, b)| Some((key, b?)))
        .filter(|&(_, b)| fac.build_cost > b)
        .map(|(key, b)| {
            format!(
                "{forces}, whose build_cost {} exceeds {key} {} in model.toml (in whichever \
                 period it starts)",
                show(fac.build_cost),
                show(b)
            )
        })
        .collect()
}

/// `min_builds` and `max_builds` against the candidates that can be built
/// and the forced ones, and the capital `min_builds` builds need at least.
fn build_counts(
    model: &Model,
    portfolio: Option<&Portfolio>,
    name: &dyn Fn(&str) -> String,
) -> Vec<Diagnostic> {
    let s = &model.settings;
    let file = name("model.toml");
    let forced: Vec<FacilityId> =
        portfolio.map_or(Vec::new(), |p| p.forced().map(|m| m.0).collect());
    let whose = portfolio.map_or("the model".to_string(), |p| {
        format!("portfolio \"{}\"", p.name)
    });
    let mut out = Vec::new();
    if let Some(max) = s.max_builds.filter(|&m| forced.len() > m as usize) {
        out.push(error(
            file.clone(),
            None,
            "max_builds",
            format!(
                "max_builds is {max}, but {whose} forces {} to be built",
                candidates(forced.len())
            ),
        ));
    }
    let Some(min) = s.min_builds else {
        return out;
    };
    let mut optional: Vec<f64> = buildable(model, portfolio)
        .filter(|f| !forced.contains(f))
        .map(|f| capex(model, f))
        .collect();
    let can = forced.len() + optional.len();
    if min as usize > can {
        out.push(error(
            file,
            None,
            "min_builds",
            format!(
                "min_builds is {min}, but {whose} has only {} that can be built \
             (a candidate can be built when it can start within the horizon and its build_cost \
             fits build_budget and build_budget_per_period)",
                candidates(can)
            ),
        ));
        return out;
    }
    // With no more than the forced builds, forced_builds has said it.
    let extra = (min as usize).saturating_sub(forced.len());
    optional.sort_by(f64::total_cmp);
    let least: f64 = forced.iter().map(|&f| capex(model, f)).sum::<f64>()
        + optional[..extra].iter().sum::<f64>();
    if extra > 0 {
        out.extend(min_builds_budgets(model, portfolio, &file, &whose, least));
    }
    out
}

/// The capital the cheapest `min_builds` builds need (`least`) against
/// `build_budget`, and against `build_budget_per_period` times the periods
/// in which a build may start (each of them spends at most that).
fn min_builds_budgets(
    model: &Model,
    portfolio: Option<&Portfolio>,
    file: &str,
    whose: &str,
    least: f64,
) -> Vec<Diagnostic> {
    let s = &model.settings;
    let min = s.min_builds.unwrap_or(0);
    let periods = start_periods(model, portfolio);
    let over = |what: String| {
        error(
            file.to_string(),
            None,
            "min_builds",
            format!(
                "min_builds is {min}, but the cheapest {min} builds {whose} allows cost {} \
                 together, more than {what}",
                show(least)
            ),
        )
    };
    let mut out = Vec::new();
    if let Some(b) = s.build_budget.filter(|&b| least > b) {
        out.push(over(format!("build_budget {}", show(b))));
    }
    if let Some(b) = s
        .build_budget_per_period
        .filter(|&b| least > b * periods as f64)
    {
        out.push(over(format!(
            "build_budget_per_period {} in each of the {} in which they can start ({} in all)",
            show(b),
            plural(periods, "period"),
            show(b * periods as f64)
        )));
    }
    out
}

/// How many periods of the horizon some candidate that can be built may
/// start in.
fn start_periods(model: &Model, portfolio: Option<&Portfolio>) -> usize {
    let mut periods: Vec<usize> = buildable(model, portfolio)
        .flat_map(|f| model.start_periods(f).into_iter().map(|t| t.0))
        .collect();
    periods.sort_unstable();
    periods.dedup();
    periods.len()
}

/// The candidates `portfolio` lets the plan build (`None`: every one) that
/// can start within the horizon and whose `build_cost` fits each budget.
fn buildable<'a>(
    model: &'a Model,
    portfolio: Option<&'a Portfolio>,
) -> impl Iterator<Item = FacilityId> + 'a {
    let s = &model.settings;
    let fits = |b: Option<f64>, cost: f64| b.is_none_or(|b| cost <= b);
    (0..model.facilities.len())
        .map(FacilityId)
        .filter(move |&f| {
            let fac = &model.facilities[f.0];
            let allowed = match portfolio {
                None => true,
                Some(p) => p.members.iter().any(|m| m.0 == f),
            };
            fac.status == Status::Candidate
                && allowed
                && !model.start_periods(f).is_empty()
                && fits(s.build_budget, fac.build_cost)
                && fits(s.build_budget_per_period, fac.build_cost)
        })
}

/// The capital (undiscounted) of building candidate `f`.
fn capex(model: &Model, f: FacilityId) -> f64 {
    model.facilities[f.0].build_cost
}

/// `n` candidates, in words.
fn candidates(n: usize) -> String {
    plural(n, "candidate")
}

/// `n` `thing`s, in words.
fn plural(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}
