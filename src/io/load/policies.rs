//! Trade policies: `tariffs.csv` and `export_controls.csv` (whose end use
//! and scope are parsed with the rules, in `rules.rs`), and the parsers
//! of the sets they are written with (country sets, commodity sets, period
//! sets).

use std::collections::BTreeMap;

use super::catalog::{limited, limited_or};
use super::Builder;
use crate::io::table::{RawTable, Row};
use crate::model::schema::limits::{self, show};
use crate::model::{
    CommodityId, CommoditySet, CountrySet, ExportControl, PeriodSet, Stage, Tariff, ALL,
};

impl Builder {
    /// `tariffs.csv`, in file order.
    pub(super) fn tariffs(&mut self, t: &RawTable) {
        for row in t.rows() {
            let importer = self.country_set(&row, "importer");
            let exporter = self.country_set(&row, "exporter");
            let goods = self.commodity_set(&row, "commodity");
            let ad_valorem = limited_or(&row, "ad_valorem", 0.0, &mut self.diags);
            let specific = limited_or(&row, "specific", 0.0, &mut self.diags);
            let periods = self.period_set(&row, "periods");
            let name = row.text("name", &mut self.diags).unwrap_or_default();
            if let (
                Some(importer),
                Some(exporter),
                Some(goods),
                Ok(ad_valorem),
                Ok(specific),
                Some(periods),
            ) = (importer, exporter, goods, ad_valorem, specific, periods)
            {
                if !self.duty_in_limits(&row, &goods, ad_valorem, specific) {
                    continue;
                }
                let name = if name.is_empty() {
                    format!("tariffs.csv:{}", row.line)
                } else {
                    name
                };
                self.tariffs.push(Tariff {
                    name,
                    importer,
                    exporter,
                    goods,
                    ad_valorem,
                    specific,
                    periods,
                });
            }
        }
    }

    /// `export_controls.csv`, in file order.
    pub(super) fn export_controls(&mut self, t: &RawTable) {
        let mut seen = BTreeMap::new();
        for row in t.rows() {
            let id = row.text("id", &mut self.diags);
            let exporter = self.country_set(&row, "exporter");
            let goods = self.commodity_set(&row, "commodity");
            let destination = self.country_set(&row, "destination");
            let cap = limited(&row, "cap", &mut self.diags);
            let periods = self.period_set(&row, "periods");
            let end_use_and_scope = self.end_use_and_scope(&row);
            let (
                Some(id),
                Some(exporter),
                Some(goods),
                Some(destination),
                Ok(Some(cap)),
                Some(periods),
                Some((end_use, scope)),
            ) = (
                id,
                exporter,
                goods,
                destination,
                cap,
                periods,
                end_use_and_scope,
            )
            else {
                continue;
            };
            if !self.first_use_of_id(&mut seen, &id, &row) {
                continue;
            }
            let control = ExportControl {
                id,
                exporter,
                goods,
                destination,
                cap,
                periods,
                end_use,
                scope,
                line: row.line,
            };
            if self.origin_control_fits(&row, &control) {
                self.export_controls.push(control);
            }
        }
    }

    /// True when `id` is new to this file (`seen`: ids met so far, with
    /// their lines); otherwise reports the duplicate at its row.
    pub(super) fn first_use_of_id(
        &mut self,
        seen: &mut BTreeMap<String, u64>,
        id: &str,
        row: &Row,
    ) -> bool {
        match seen.insert(id.to_string(), row.line) {
            None => true,
            Some(first) => {
                let msg = format!("duplicate id \"{id}\" (first defined on line {first})");
                row.error(&mut self.diags, "id", msg);
                false
            }
        }
    }

    /// True when the measure's duty on a tonne of every commodity it covers
    /// (`ad_valorem` × its `ref_value` + `specific`) is at most
    /// [`limits::PRICE`]; otherwise reports the dearest.
    fn duty_in_limits(
        &mut self,
        row: &Row,
        goods: &CommoditySet,
        ad_valorem: f64,
        specific: f64,
    ) -> bool {
        let dearest = (0..self.commodities.len())
            .map(CommodityId)
            .filter(|&c| goods.contains(c))
            .map(|c| (c, ad_valorem * self.commodities[c.0].ref_value + specific))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match dearest {
            Some((c, duty)) if duty > limits::PRICE => {
                let commodity = &self.commodities[c.0];
                let msg = format!(
                    "the duty on a tonne of \"{}\" would be {} (ad_valorem {} × ref_value {} + \
                     specific {}); expected at most {}",
                    commodity.id,
                    show(duty),
                    show(ad_valorem),
                    show(commodity.ref_value),
                    show(specific),
                    show(limits::PRICE)
                );
                row.error(&mut self.diags, "ad_valorem", msg);
                false
            }
            _ => true,
        }
    }

    /// A country code, a group name, or `all`.
    pub(super) fn country_set(&mut self, row: &Row, col: &str) -> Option<CountrySet> {
        let label = row.text(col, &mut self.diags)?;
        let n = self.countries.len();
        let members = if label == ALL {
            vec![true; n]
        } else if let Some(&c) = self.country_ix.get(&label) {
            (0..n).map(|i| i == c).collect()
        } else if let Some(ms) = self.groups.get(&label) {
            (0..n).map(|i| ms.contains(&i)).collect()
        } else {
            row.error(&mut self.diags, col, format!("expected a country code, a group from countries.csv or \"all\", found \"{label}\""));
            return None;
        };
        Some(CountrySet::new(label, members))
    }

    /// Commodity ids, stages or `all`, separated by spaces.
    pub(super) fn commodity_set(&mut self, row: &Row, col: &str) -> Option<CommoditySet> {
        let label = row.text(col, &mut self.diags)?;
        let mut members = vec![false; self.commodities.len()];
        let mut ok = true;
        for w in label.split_whitespace() {
            if w == ALL {
                members.iter_mut().for_each(|m| *m = true);
            } else if let Some(&c) = self.commodity_ix.get(w) {
                members[c] = true;
            } else if let Some(s) = Stage::parse(w) {
                for (m, c) in members.iter_mut().zip(&self.commodities) {
                    *m |= c.stage == s;
                }
            } else {
                row.error(
                    &mut self.diags,
                    col,
                    format!("expected commodity ids, stages or \"all\", found {w:?}"),
                );
                ok = false;
            }
        }
        ok.then(|| CommoditySet::new(label, members))
    }

    /// Empty (all), labels, and `A..B` ranges, separated by spaces.
    pub(super) fn period_set(&mut self, row: &Row, col: &str) -> Option<PeriodSet> {
        let label = row.str(col).to_string();
        let n = self.periods.len();
        if n == 0 {
            return None; // model.toml is unusable and already reported
        }
        if label.is_empty() || label == ALL {
            return Some(PeriodSet::new(label, vec![true; n]));
        }
        let mut members = vec![false; n];
        let find = |l: &str| self.periods.iter().position(|p| p.label == l);
        let mut bad = Vec::new();
        for w in label.split_whitespace() {
            if let Some((a, b)) = w.split_once("..") {
                match (find(a), find(b)) {
                    (Some(i), Some(j)) if i <= j => {
                        members[i..=j].iter_mut().for_each(|m| *m = true)
                    }
                    _ => bad.push(w.to_string()),
                }
            } else if let Some(i) = find(w) {
                members[i] = true;
            } else {
                bad.push(w.to_string());
            }
        }
        if !bad.is_empty() {
            let expected = format!(
                "expected periods of the horizon ({}) or ranges FROM..TO, found {:?}",
                self.period_labels(),
                bad.join(" ")
            );
            row.error(&mut self.diags, col, expected);
            return None;
        }
        Some(PeriodSet::new(label, members))
    }
}
