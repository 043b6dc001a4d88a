//! Rules that follow the material: `content_rules.csv`, the end use and
//! scope of `export_controls.csv`, the sectors of `demand.csv` that both
//! name, and the origin signatures they add up to (at most
//! [`MAX_SIGNATURES`]).

use std::collections::BTreeMap;

use super::catalog::limited;
use super::Builder;
use crate::error::suggestion;
use crate::io::table::{is_id, RawTable, Row};
use crate::model::{
    CommoditySet, ContentRule, CountryId, CountrySet, ExportControl, Scope, StageSet, ALL,
    MAX_SIGNATURES, RULE_STAGES,
};

impl Builder {
    /// The sectors `demand.csv` names, read ahead of the rules and export
    /// controls that name them. A row's sector counts even when its other
    /// cells are bad: those are reported once, by [`Builder::demand`].
    pub(super) fn demand_sectors(&mut self, t: &RawTable) {
        for row in t.rows() {
            let sector = row.str("sector");
            if is_id(sector) && sector != ALL {
                self.sectors.insert(sector.to_string());
            }
        }
    }

    /// `content_rules.csv`, in file order.
    pub(super) fn content_rules(&mut self, t: &RawTable) {
        let mut seen = BTreeMap::new();
        for row in t.rows() {
            let Some(rule) = self.content_rule(&row) else {
                continue;
            };
            if !self.first_use_of_id(&mut seen, &rule.id, &row)
                || !self.protects_another_country(&row, &rule)
                || !self.origin_signature(&row, "origin", &rule.origin, rule.stages)
            {
                continue;
            }
            self.warn_if_limits_nothing(&row, &rule);
            self.content_rules.push(rule);
        }
    }

    /// One row of `content_rules.csv`, every cell parsed (each bad one
    /// reported), or `None`.
    fn content_rule(&mut self, row: &Row) -> Option<ContentRule> {
        let id = row.text("id", &mut self.diags);
        let market = self.country_set(row, "market");
        let sector = self.sector(row, "sector");
        let goods = self.goods_or_all(row, "commodity");
        let origin = self.country_set(row, "origin");
        let stages = self.stage_set(row, "stages");
        let max_share = row.number_or("max_share", 0.0, &mut self.diags);
        let periods = self.period_set(row, "periods");
        let premium = limited(row, "premium", &mut self.diags);
        let (
            Some(id),
            Some(market),
            Some(sector),
            Some(goods),
            Some(origin),
            Some(stages),
            Ok(max_share),
            Some(periods),
            Ok(premium),
        ) = (
            id, market, sector, goods, origin, stages, max_share, periods, premium,
        )
        else {
            return None;
        };
        Some(ContentRule {
            id,
            market,
            sector,
            goods,
            origin,
            stages,
            max_share,
            premium,
            periods,
            line: row.line,
        })
    }

    /// The end use and scope of a row of `export_controls.csv`, or `None`
    /// (reported) when either is bad.
    pub(super) fn end_use_and_scope(&mut self, row: &Row) -> Option<(Option<String>, Scope)> {
        let end_use = self.sector(row, "end_use");
        let scope = row
            .text("scope", &mut self.diags)
            .map(|s| match s.as_str() {
                "origin" => Scope::Origin,
                _ => Scope::Direct,
            });
        Some((end_use?, scope?))
    }

    /// True when an export control with scope `origin` can cap something
    /// and fits the model's origin signatures (reported where not); true
    /// for a direct control.
    pub(super) fn origin_control_fits(&mut self, row: &Row, control: &ExportControl) -> bool {
        if control.scope != Scope::Origin {
            return true;
        }
        let (exporter, destination) = (&control.exporter, &control.destination);
        let abroad = (0..self.countries.len())
            .map(CountryId)
            .any(|c| destination.contains(c) && !exporter.contains(c));
        if !abroad {
            let msg = format!(
                "with scope origin, a control caps what reaches demand in destination countries \
                 outside the exporters, and every country of \"{}\" is in exporter \"{}\": it \
                 would cap nothing",
                destination.label, exporter.label
            );
            row.error(&mut self.diags, "destination", msg);
            return false;
        }
        self.origin_signature(row, "exporter", exporter, StageSet::ALL)
    }

    /// `all` or empty (`Some(None)`: every sector), or a sector of
    /// `demand.csv`; `None` (reported) for anything else.
    pub(super) fn sector(&mut self, row: &Row, col: &str) -> Option<Option<String>> {
        let s = row.text(col, &mut self.diags)?;
        if s.is_empty() || s == ALL {
            return Some(None);
        }
        if self.sectors.contains(&s) {
            return Some(Some(s));
        }
        let known: Vec<String> = self.sectors.iter().cloned().collect();
        let list = if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        };
        let msg = format!(
            "expected a sector of demand.csv ({list}) or \"all\", found \"{s}\"{}",
            suggestion(&s, &known)
        );
        row.error(&mut self.diags, col, msg);
        None
    }

    /// A commodity set, every commodity when the cell is empty.
    fn goods_or_all(&mut self, row: &Row, col: &str) -> Option<CommoditySet> {
        if row.str(col).is_empty() {
            let every = vec![true; self.commodities.len()];
            return Some(CommoditySet::new(ALL.to_string(), every));
        }
        self.commodity_set(row, col)
    }

    /// Words of [`RULE_STAGES`] or `all`, separated by spaces; every stage
    /// when the cell is empty.
    fn stage_set(&mut self, row: &Row, col: &str) -> Option<StageSet> {
        let mut bits = 0;
        let mut bad = Vec::new();
        for w in row.str(col).split_whitespace() {
            match RULE_STAGES.iter().position(|&s| s == w) {
                Some(s) => bits |= 1 << s,
                None if w == ALL => bits |= StageSet::ALL.0,
                None => bad.push(w),
            }
        }
        if !bad.is_empty() {
            let msg = format!(
                "expected stages ({}) or \"all\", found \"{}\"",
                RULE_STAGES.join(", "),
                bad.join(" ")
            );
            row.error(&mut self.diags, col, msg);
            return None;
        }
        Some(if bits == 0 {
            StageSet::ALL
        } else {
            StageSet(bits)
        })
    }

    /// False (reported) when a rule's market and origin are one and the
    /// same country.
    fn protects_another_country(&mut self, row: &Row, rule: &ContentRule) -> bool {
        let (market, origin) = (
            self.only_country(&rule.market),
            self.only_country(&rule.origin),
        );
        match (market, origin) {
            (Some(m), Some(o)) if m == o => {
                let msg = format!(
                    "market \"{}\" and origin \"{}\" are the same single country; a rule keeps a \
                     market's demand from material handled in other countries, so this one is \
                     meaningless (origin names the countries whose handling taints material)",
                    rule.market.label, rule.origin.label
                );
                row.error(&mut self.diags, "origin", msg);
                false
            }
            _ => true,
        }
    }

    /// The set's country when it holds exactly one.
    fn only_country(&self, set: &CountrySet) -> Option<usize> {
        let mut members = (0..self.countries.len()).filter(|&c| set.contains(CountryId(c)));
        match (members.next(), members.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    }

    /// True when (`origin`, `stages`) is one of the model's origin
    /// signatures or fits among them (at most [`MAX_SIGNATURES`]);
    /// otherwise reports the row that would add one too many, at `col`.
    fn origin_signature(
        &mut self,
        row: &Row,
        col: &str,
        origin: &CountrySet,
        stages: StageSet,
    ) -> bool {
        let signature = (origin.label.clone(), stages);
        if self.signatures.contains(&signature) {
            return true;
        }
        if self.signatures.len() < MAX_SIGNATURES {
            self.signatures.push(signature);
            return true;
        }
        let named: Vec<String> = self.signatures.iter().map(signature_label).collect();
        let msg = format!(
            "this row adds a {}th origin signature ({}); the model tracks material in at most \
             2^{MAX_SIGNATURES} origin classes, so content_rules.csv and the export controls \
             with scope origin may name at most {MAX_SIGNATURES} distinct signatures (origin \
             and stages), and they already name: {}",
            MAX_SIGNATURES + 1,
            signature_label(&signature),
            named.join("; ")
        );
        row.error(&mut self.diags, col, msg);
        false
    }

    /// Warns about a rule that can limit nothing: it lets every tainted
    /// tonne through, or no demand segment of `demand.csv` falls under it.
    fn warn_if_limits_nothing(&mut self, row: &Row, rule: &ContentRule) {
        if rule.max_share >= 1.0 {
            let msg = "max_share 1 lets every tainted tonne through: the rule limits nothing";
            row.warning(&mut self.diags, "max_share", msg);
            return;
        }
        let covered = self.demand.iter().any(|d| {
            rule.covers(d.country, Some(&d.sector), d.commodity) && rule.periods.contains(d.period)
        });
        if !covered {
            let msg = format!(
                "no demand of demand.csv falls under the rule (market \"{}\", sector \"{}\", \
                 commodity \"{}\", in its periods): it limits nothing",
                rule.market.label,
                rule.sector.as_deref().unwrap_or(ALL),
                rule.goods.label
            );
            row.warning(&mut self.diags, "market", msg);
        }
    }
}

/// A signature as named in a message: `feoc at all stages`, `CN at mined
/// separated`.
fn signature_label((origin, stages): &(String, StageSet)) -> String {
    if *stages == StageSet::ALL {
        format!("{origin} at all stages")
    } else {
        format!("{origin} at {}", stages.label())
    }
}
