//! Facilities (sites that run one process), their lifecycle and when their
//! capacity is available, and the portfolios of candidates to build.

use serde::Serialize;

use super::{CountryId, FacilityId, Period, ProcessId};

/// Lifecycle status of a facility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Running.
    Operating,
    /// Being built; available from its online year.
    Construction,
    /// Announced; available from its online year.
    Planned,
    /// Could be built; not available unless a build decision is taken.
    Candidate,
    /// Shut; never available.
    Closed,
}

impl Status {
    /// Parses the word used in `facilities.csv`.
    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "operating" => Status::Operating,
            "construction" => Status::Construction,
            "planned" => Status::Planned,
            "candidate" => Status::Candidate,
            "closed" => Status::Closed,
            _ => return None,
        })
    }
}

/// A site that runs one process.
#[derive(Debug, Clone, Serialize)]
pub struct Facility {
    /// Id used in the data files.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Owner or operator.
    pub operator: String,
    /// Where it is.
    pub country: CountryId,
    /// What it does.
    pub process: ProcessId,
    /// Activity units per year at full availability.
    pub capacity: f64,
    /// Lifecycle status.
    pub status: Status,
    /// First year of operation (none: available from the start).
    pub online_year: Option<i32>,
    /// First year it no longer operates.
    pub closure_year: Option<i32>,
    /// Availability in the first years after `online_year`; 1 afterwards.
    pub ramp_up: Vec<f64>,
    /// $ per unit of activity.
    pub variable_cost: f64,
    /// $ per year while available.
    pub fixed_cost: f64,
    /// Capital cost of building a candidate, $ (charged in its start year).
    pub build_cost: f64,
    /// Years from the start of the horizon before a candidate can operate.
    pub lead_years: u32,
    /// Years a built candidate operates (none: to the end of the horizon).
    pub lifetime: Option<u32>,
    /// Line in `facilities.csv`.
    pub line: u64,
}

impl Facility {
    /// Share of capacity usable in calendar year `year`.
    pub fn availability_in_year(&self, year: i32) -> f64 {
        match self.status {
            Status::Candidate | Status::Closed => return 0.0,
            _ => {}
        }
        if self.closure_year.is_some_and(|c| year >= c) {
            return 0.0;
        }
        match self.online_year {
            None => 1.0,
            Some(on) if year < on => 0.0,
            Some(on) => self
                .ramp_up
                .get((year - on) as usize)
                .copied()
                .unwrap_or(1.0),
        }
    }

    /// Share of capacity usable in `year` by a candidate that starts
    /// operating in `start`: its ramp-up from the start, to the end of its
    /// lifetime or its closure year.
    pub fn availability_if_started(&self, start: i32, year: i32) -> f64 {
        if year < start
            || self.closure_year.is_some_and(|c| year >= c)
            || self.lifetime.is_some_and(|l| year >= start + l as i32)
        {
            return 0.0;
        }
        self.ramp_up
            .get((year - start) as usize)
            .copied()
            .unwrap_or(1.0)
    }

    /// Mean availability over the years of `period`.
    pub fn availability(&self, period: &Period) -> f64 {
        let sum: f64 = period
            .calendar_years()
            .map(|y| self.availability_in_year(y))
            .sum();
        sum / f64::from(period.years)
    }
}

/// The built-in portfolio that builds no candidate.
pub const PORTFOLIO_NONE: &str = "none";
/// The built-in portfolio that lets the plan build any candidate (the default).
pub const PORTFOLIO_ALL: &str = "all";

/// How a portfolio treats a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PortfolioMode {
    /// Must be built.
    Force,
    /// May be built.
    Allow,
}

/// A named set of candidates to build (forced) or consider (allowed).
#[derive(Debug, Clone, Serialize)]
pub struct Portfolio {
    /// Name used with `--portfolio`.
    pub name: String,
    /// Candidates and how each is treated, sorted by facility.
    pub members: Vec<(FacilityId, PortfolioMode)>,
    /// The line of each member in `portfolios.csv`, in the order of
    /// `members`.
    pub lines: Vec<u64>,
}

impl Portfolio {
    /// The forced members, each with its line in `portfolios.csv`.
    pub fn forced(&self) -> impl Iterator<Item = (FacilityId, u64)> + '_ {
        self.members
            .iter()
            .zip(&self.lines)
            .filter(|((_, mode), _)| *mode == PortfolioMode::Force)
            .map(|((f, _), &line)| (*f, line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facility(status: Status, online: Option<i32>, ramp: Vec<f64>) -> Facility {
        Facility {
            id: "f".into(),
            name: String::new(),
            operator: String::new(),
            country: CountryId(0),
            process: ProcessId(0),
            capacity: 100.0,
            status,
            online_year: online,
            closure_year: Some(2031),
            ramp_up: ramp,
            variable_cost: 0.0,
            fixed_cost: 0.0,
            build_cost: 0.0,
            lead_years: 0,
            lifetime: None,
            line: 0,
        }
    }

    #[test]
    fn availability_follows_online_year_ramp_and_closure() {
        let f = facility(Status::Construction, Some(2027), vec![0.25, 0.5]);
        let got: Vec<f64> = (2026..=2031).map(|y| f.availability_in_year(y)).collect();
        assert_eq!(got, vec![0.0, 0.25, 0.5, 1.0, 1.0, 0.0]);
        let p = Period {
            label: "2026-29".into(),
            start: 2026,
            years: 4,
        };
        assert!((f.availability(&p) - (0.0 + 0.25 + 0.5 + 1.0) / 4.0).abs() < 1e-12);
    }

    #[test]
    fn a_candidate_ramps_up_from_its_start_and_retires_after_its_lifetime() {
        let mut f = facility(Status::Candidate, None, vec![0.5]);
        f.lifetime = Some(3);
        f.closure_year = None;
        let got: Vec<f64> = (2027..=2032)
            .map(|y| f.availability_if_started(2028, y))
            .collect();
        assert_eq!(got, vec![0.0, 0.5, 1.0, 1.0, 0.0, 0.0]);
    }

    #[test]
    fn candidates_and_closed_sites_are_never_available() {
        for s in [Status::Candidate, Status::Closed] {
            assert_eq!(facility(s, None, vec![]).availability_in_year(2026), 0.0);
        }
    }
}
