//! `contracts.csv`: offtakes and credits, each binding or paying one
//! facility in the periods it names. An offtake binds a facility that
//! exists (not a candidate); a credit may pay a candidate, which earns it
//! only once built (a production credit such as 45X is open to new plants).

use std::collections::BTreeMap;

use super::catalog::limited;
use super::Builder;
use crate::io::table::{RawTable, Row};
use crate::model::{Contract, ContractKind, CountrySet, FacilityId, Status};

impl Builder {
    /// `contracts.csv`, in file order; an offtake's `penalty` defaults to
    /// `default_penalty` (the model's shortage penalty).
    pub(super) fn contracts(&mut self, t: &RawTable, default_penalty: f64) {
        let mut seen = BTreeMap::new();
        for row in t.rows() {
            let id = row.text("id", &mut self.diags);
            let kind = row.text("kind", &mut self.diags);
            let facility = match kind.as_deref() {
                Some("credit") => self.named_facility(&row, None),
                _ => self.existing_facility(&row, "an offtake binds"),
            };
            let periods = self.period_set(&row, "periods");
            let (Some(id), Some(kind), Some(facility), Some(periods)) =
                (id, kind, facility, periods)
            else {
                continue;
            };
            let Some(kind) = self.contract_kind(&row, &kind, default_penalty) else {
                continue;
            };
            let Some(buyer) = self.buyer(&row, kind) else {
                continue;
            };
            if !self.first_use_of_id(&mut seen, &id, &row) {
                continue;
            }
            self.contracts.push(Contract {
                id,
                facility,
                kind,
                periods,
                buyer,
                line: row.line,
            });
        }
    }

    /// The facility a row names in `facility`: one of facilities.csv that
    /// is not a candidate (a contract on a plant that may never be built
    /// would bind or pay nothing; a collector's rows bound an activity that
    /// a candidate's build bounds). `what` says what needs it.
    pub(super) fn existing_facility(&mut self, row: &Row, what: &str) -> Option<FacilityId> {
        self.named_facility(row, Some(what))
    }

    /// The facility a row names in `facility`; with `existing_for`, a
    /// candidate is refused, saying what needs a facility that exists.
    fn named_facility(&mut self, row: &Row, existing_for: Option<&str>) -> Option<FacilityId> {
        let id = row.text("facility", &mut self.diags)?;
        let msg = match (self.facility_ix.get(&id), existing_for) {
            (Some(&f), Some(what)) if self.facilities[f].status == Status::Candidate => format!(
                "facility \"{id}\" is a candidate; {what} a facility that exists \
                 (status operating, construction, planned or closed)"
            ),
            (Some(&f), _) => return Some(FacilityId(f)),
            (None, _) => format!("expected a facility id from facilities.csv, found \"{id}\""),
        };
        row.error(&mut self.diags, "facility", msg);
        None
    }

    /// An offtake's `buyer`: countries (a code, a group or `all`) its taken
    /// share must be delivered to; only an offtake has one. `None` when
    /// refused; `Some(None)` when the cell is empty.
    fn buyer(&mut self, row: &Row, kind: ContractKind) -> Option<Option<CountrySet>> {
        if row.str("buyer").is_empty() {
            return Some(None);
        }
        if matches!(kind, ContractKind::Credit { .. }) {
            row.error(
                &mut self.diags,
                "buyer",
                "a credit has no buyer (an offtake's buyer takes what the facility makes)",
            );
            return None;
        }
        self.country_set(row, "buyer").map(Some)
    }

    /// An offtake needs `share` (and may have `penalty`), a credit needs
    /// `credit`; each refuses the other's columns.
    fn contract_kind(
        &mut self,
        row: &Row,
        kind: &str,
        default_penalty: f64,
    ) -> Option<ContractKind> {
        let share = row.number("share", &mut self.diags).ok()?;
        let credit = limited(row, "credit", &mut self.diags).ok()?;
        let penalty = limited(row, "penalty", &mut self.diags).ok()?;
        let mut fail = |col: &str, msg: &str| {
            row.error(&mut self.diags, col, msg);
            None
        };
        match kind {
            "offtake" => match (share, credit) {
                (_, Some(_)) => fail(
                    "credit",
                    "an offtake takes no credit (write a credit row for it)",
                ),
                (None, None) => fail(
                    "share",
                    "an offtake needs the share of the facility's usable capacity its buyer takes",
                ),
                (Some(share), None) => Some(ContractKind::Offtake {
                    share,
                    penalty: penalty.unwrap_or(default_penalty),
                }),
            },
            _ => match (share, penalty, credit) {
                (Some(_), _, _) => fail(
                    "share",
                    "a credit takes no share (write an offtake row for it)",
                ),
                (_, Some(_), _) => fail("penalty", "a credit takes no penalty"),
                (None, None, None) => {
                    fail("credit", "a credit needs its payment per unit of activity")
                }
                (None, None, Some(per_unit)) => Some(ContractKind::Credit { per_unit }),
            },
        }
    }
}
