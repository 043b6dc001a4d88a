//! `facilities.csv` (sites, their lifecycle and costs) and `portfolios.csv`
//! (named sets of candidates to build).

use std::collections::BTreeMap;

use super::catalog::limited_or;
use super::{unique_by_id, Builder};
use crate::error::Diagnostics;
use crate::io::table::{parse_number, RawTable, Row};
use crate::model::schema::limits::{self, show};
use crate::model::schema::Kind;
use crate::model::{CountryId, Facility, FacilityId, Portfolio, PortfolioMode, ProcessId, Status};

impl Builder {
    /// `facilities.csv`, sorted by id.
    pub(super) fn facilities(&mut self, t: &RawTable) {
        for (i, (id, row)) in unique_by_id(t, "id", &mut self.diags)
            .into_iter()
            .enumerate()
        {
            self.facility_ix.insert(id.clone(), i);
            if self.country_ix.contains_key(&id) {
                let msg = format!(
                    "facility id \"{id}\" is a country code, which names that country's market \
                     in lanes.csv; expected an id that differs from every country code"
                );
                row.error(&mut self.diags, "id", msg);
            }
            let facility = self.facility(id, &row);
            self.facilities.push(facility);
        }
    }

    /// One row of `facilities.csv`; bad cells are reported and replaced by
    /// defaults so the rest of the model can still be checked.
    fn facility(&mut self, id: String, row: &Row) -> Facility {
        let country = self.country(row, "country").unwrap_or(CountryId(0));
        let process = self.process_of(row);
        let capacity = limited_or(row, "capacity", 0.0, &mut self.diags);
        let variable_cost = limited_or(row, "variable_cost", 0.0, &mut self.diags);
        if let (Some(p), Ok(capacity)) = (process, capacity) {
            self.check_full_capacity(row, p, capacity, variable_cost.ok());
        }
        let (status, online_year, closure_year) = self.lifecycle(row);
        let ramp_up = self.ramp_up(row, status, online_year);
        let lead_years = whole_years(row, "lead_years", &mut self.diags).unwrap_or(0);
        let lifetime = whole_years(row, "lifetime", &mut self.diags);
        if lifetime == Some(0) {
            row.error(
                &mut self.diags,
                "lifetime",
                "expected a lifetime of at least 1 year, found 0",
            );
        }
        let build_cost = limited_or(row, "build_cost", 0.0, &mut self.diags).unwrap_or(0.0);
        Facility {
            name: row.text("name", &mut self.diags).unwrap_or_default(),
            operator: row.text("operator", &mut self.diags).unwrap_or_default(),
            id,
            country,
            process: process.unwrap_or(ProcessId(0)),
            capacity: capacity.unwrap_or(0.0),
            status,
            online_year,
            closure_year,
            ramp_up,
            variable_cost: variable_cost.unwrap_or(0.0),
            fixed_cost: limited_or(row, "fixed_cost", 0.0, &mut self.diags).unwrap_or(0.0),
            build_cost,
            lead_years,
            lifetime,
            line: row.line,
        }
    }

    /// The process a facility runs, or `None` (reported) when it is not one
    /// of `processes.csv`.
    pub(super) fn process_of(&mut self, row: &Row) -> Option<ProcessId> {
        let p = row.text("process", &mut self.diags)?;
        match self.process_ix.get(&p) {
            Some(&k) => Some(ProcessId(k)),
            None => {
                row.error(
                    &mut self.diags,
                    "process",
                    format!("expected a process from processes.csv, found \"{p}\""),
                );
                None
            }
        }
    }

    /// A facility at full capacity stays within the model's limits: the
    /// tonnes it takes in or puts out of each commodity of its recipe, what
    /// disposing of all of one output costs (or earns) in a year, and its
    /// variable cost in a year. Each breach is reported at the row.
    fn check_full_capacity(
        &mut self,
        row: &Row,
        process: ProcessId,
        capacity: f64,
        variable_cost: Option<f64>,
    ) {
        let Some(recipe) = self.processes.get(process.0) else {
            return;
        };
        let mut errors = Vec::new();
        for &(c, coef) in &recipe.terms {
            let commodity = &self.commodities[c.0];
            let (tonnes, disposal) = (capacity * coef.abs(), commodity.disposal_cost);
            let way = if coef < 0.0 { "take in" } else { "put out" };
            let scale = format!("capacity {} × coef {}", show(capacity), show(coef));
            if tonnes > limits::QUANTITY {
                errors.push((
                    "capacity",
                    format!(
                        "at full capacity it would {way} {} t/yr of \"{}\" ({scale} in \
                         processes.csv); expected at most {}",
                        show(tonnes),
                        commodity.id,
                        show(limits::QUANTITY)
                    ),
                ));
            } else if coef > 0.0 && tonnes * disposal.abs() > limits::COST_PER_YEAR {
                errors.push((
                    "capacity",
                    format!(
                        "disposing of all its \"{}\" would cost or earn {} a year ({scale} × \
                         disposal_cost {} in commodities.csv); expected at most {}",
                        commodity.id,
                        show(tonnes * disposal.abs()),
                        show(disposal),
                        show(limits::COST_PER_YEAR)
                    ),
                ));
            }
        }
        if let Some(cost) = variable_cost.filter(|v| capacity * v > limits::COST_PER_YEAR) {
            let msg = format!(
                "at full capacity it would cost {} a year (capacity {} × variable_cost {}); \
                 expected at most {}",
                show(capacity * cost),
                show(capacity),
                show(cost),
                show(limits::COST_PER_YEAR)
            );
            errors.push(("variable_cost", msg));
        }
        for (col, msg) in errors {
            row.error(&mut self.diags, col, msg);
        }
    }

    /// Status, online year and closure year, checked against each other.
    fn lifecycle(&mut self, row: &Row) -> (Status, Option<i32>, Option<i32>) {
        let status = row
            .text("status", &mut self.diags)
            .and_then(|s| Status::parse(&s))
            .unwrap_or(Status::Closed);
        let online_year = row.year("online_year", &mut self.diags).ok().flatten();
        let closure_year = row.year("closure_year", &mut self.diags).ok().flatten();
        if matches!(status, Status::Construction | Status::Planned)
            && online_year.is_none()
            && row.str("online_year").is_empty()
        {
            row.error(&mut self.diags, "online_year", "expected the year a facility under construction or planned comes online, found an empty cell");
        }
        if let (Some(on), Some(off)) = (online_year, closure_year) {
            if off <= on {
                row.error(
                    &mut self.diags,
                    "closure_year",
                    format!("expected a year after online_year {on}, found {off}"),
                );
            }
        }
        (status, online_year, closure_year)
    }

    /// Availabilities in the first years of operation.
    fn ramp_up(&mut self, row: &Row, status: Status, online_year: Option<i32>) -> Vec<f64> {
        let mut ramp_up = Vec::new();
        for w in row.str("ramp_up").split_whitespace() {
            match parse_number(w, Kind::Fraction) {
                Ok(v) => ramp_up.push(v),
                Err(_) => row.error(
                    &mut self.diags,
                    "ramp_up",
                    format!(
                        "expected availabilities between 0 and 1 separated by spaces, found {w:?}"
                    ),
                ),
            }
        }
        if !ramp_up.is_empty() && online_year.is_none() && status != Status::Candidate {
            row.error(
                &mut self.diags,
                "ramp_up",
                "a ramp-up needs an online_year to start from (or status candidate, which ramps up from its start)",
            );
        }
        ramp_up
    }

    /// `portfolios.csv`, sorted by name.
    pub(super) fn portfolios(&mut self, t: &RawTable) {
        type Members = Vec<(FacilityId, PortfolioMode, u64)>;
        let mut sets: BTreeMap<String, (u64, Members)> = BTreeMap::new();
        for row in t.rows() {
            let Some(name) = row.text("portfolio", &mut self.diags) else {
                continue;
            };
            if name == crate::model::PORTFOLIO_NONE || name == crate::model::PORTFOLIO_ALL {
                row.error(&mut self.diags, "portfolio", format!("\"{name}\" is built in (no candidate / every candidate); choose another name"));
                continue;
            }
            let facility = row.text("facility", &mut self.diags).and_then(|id| {
                match self.facility_ix.get(&id) {
                    Some(&f) if self.facilities[f].status == Status::Candidate => {
                        Some(FacilityId(f))
                    }
                    Some(_) => {
                        row.error(
                            &mut self.diags,
                            "facility",
                            format!("facility \"{id}\" is not a candidate (status candidate)"),
                        );
                        None
                    }
                    None => {
                        row.error(
                            &mut self.diags,
                            "facility",
                            format!("expected a facility id from facilities.csv, found \"{id}\""),
                        );
                        None
                    }
                }
            });
            let mode = row.text("mode", &mut self.diags).map(|m| {
                if m == "force" {
                    PortfolioMode::Force
                } else {
                    PortfolioMode::Allow
                }
            });
            let entry = sets.entry(name).or_insert((row.line, Vec::new()));
            let (Some(f), Some(mode)) = (facility, mode) else {
                continue;
            };
            if entry.1.iter().any(|(g, _, _)| *g == f) {
                row.error(
                    &mut self.diags,
                    "facility",
                    "facility listed twice in this portfolio",
                );
                continue;
            }
            entry.1.push((f, mode, row.line));
        }
        for (name, (_, mut members)) in sets {
            members.sort_by_key(|m| m.0);
            self.portfolios.push(Portfolio {
                name,
                members: members.iter().map(|m| (m.0, m.1)).collect(),
                lines: members.iter().map(|m| m.2).collect(),
            });
        }
    }
}

/// A whole number of years (at most [`limits::YEARS`]), or `None` when the
/// cell is empty or bad (bad cells are reported).
pub(super) fn whole_years(row: &Row, col: &str, diags: &mut Diagnostics) -> Option<u32> {
    match row.number(col, diags) {
        Ok(Some(v)) if v.fract() == 0.0 && v <= limits::YEARS => Some(v as u32),
        Ok(Some(v)) => {
            row.error(
                diags,
                col,
                format!("expected a whole number of years, found {v}"),
            );
            None
        }
        _ => None,
    }
}
