//! `demand.csv`: demand segments, one per country, sector, commodity and
//! period, and the markets they open to lanes.

use std::collections::BTreeMap;

use super::catalog::{limited, limited_or};
use super::Builder;
use crate::io::table::{parse_number, RawTable, Row};
use crate::model::schema::limits::{self, show};
use crate::model::schema::Kind;
use crate::model::{curve_tiers, CommodityId, CountryId, Curve, Demand, PeriodId, Tier};

/// (country, commodity, period): a market in one period.
type MarketPeriod = (CountryId, CommodityId, PeriodId);

impl Builder {
    /// The (country, commodity) markets that `demand.csv` gives demand to,
    /// read ahead of the lanes that may end there. Rows whose country and
    /// commodity resolve count even when other cells are bad: those are
    /// reported once, by [`Builder::demand`], not again at every lane.
    pub(super) fn demanded_markets(&mut self, t: &RawTable) {
        for row in t.rows() {
            let country = self.country_ix.get(row.str("country"));
            let commodity = self.commodity_ix.get(row.str("commodity"));
            if let (Some(&country), Some(&c)) = (country, commodity) {
                self.demanded.insert((CountryId(country), CommodityId(c)));
            }
        }
    }

    /// `demand.csv`, sorted by (country, sector, commodity, period).
    pub(super) fn demand(&mut self, t: &RawTable, default_penalty: f64) {
        let mut seen: BTreeMap<(CountryId, String, CommodityId, PeriodId), u64> = BTreeMap::new();
        let mut totals: BTreeMap<MarketPeriod, f64> = BTreeMap::new();
        let mut made = vec![false; self.commodities.len()];
        for p in &self.processes {
            for c in p.outputs() {
                made[c.0] = true;
            }
        }
        for row in t.rows() {
            let country = self.country(&row, "country");
            let sector = row.text("sector", &mut self.diags);
            let commodity = self.commodity(&row, "commodity");
            let period = self.period(&row, "period");
            let tonnes = limited_or(&row, "tonnes", 0.0, &mut self.diags);
            let penalty = limited(&row, "shortage_penalty", &mut self.diags)
                .map(|p| p.unwrap_or(default_penalty));
            let (Some(country), Some(sector), Some(c), Some(period), Ok(tonnes), Ok(penalty)) =
                (country, sector, commodity, period, tonnes, penalty)
            else {
                continue;
            };
            if !made[c.0] {
                row.error(
                    &mut self.diags,
                    "commodity",
                    format!(
                        "no process in processes.csv makes \"{}\"",
                        self.commodities[c.0].id
                    ),
                );
                continue;
            }
            if let Some(first) = seen.insert((country, sector.clone(), c, period), row.line) {
                row.error(
                    &mut self.diags,
                    "period",
                    format!("duplicate demand segment (first defined on line {first})"),
                );
                continue;
            }
            let total = totals.entry((country, c, period)).or_default();
            *total += tonnes;
            if !self.demand_in_limits(&row, tonnes, penalty, *total) {
                continue;
            }
            let Ok(Curve { tiers, beyond }) = self.curve(&row, tonnes, penalty) else {
                continue;
            };
            self.demand.push(Demand {
                country,
                sector,
                commodity: c,
                period,
                tonnes,
                shortage_penalty: penalty,
                tiers,
                beyond,
                line: row.line,
            });
        }
        self.demand.sort_by(|a, b| {
            (a.country, &a.sector, a.commodity, a.period).cmp(&(
                b.country,
                &b.sector,
                b.commodity,
                b.period,
            ))
        });
    }

    /// True when a demand segment stays within the model's limits: its
    /// shortage costs at most [`limits::COST_PER_YEAR`] a year, and its
    /// market's demand in the period (`total`, over the sectors read so
    /// far) is at most [`limits::QUANTITY`]. Otherwise reports why not.
    fn demand_in_limits(&mut self, row: &Row, tonnes: f64, penalty: f64, total: f64) -> bool {
        let (col, penalty_from) = if row.str("shortage_penalty").is_empty() {
            ("tonnes", "model.toml")
        } else {
            ("shortage_penalty", "this row")
        };
        if tonnes * penalty > limits::COST_PER_YEAR {
            let msg = format!(
                "leaving it all unserved would cost {} a year (tonnes {} × shortage_penalty {} \
                 from {penalty_from}); expected at most {}",
                show(tonnes * penalty),
                show(tonnes),
                show(penalty),
                show(limits::COST_PER_YEAR)
            );
            row.error(&mut self.diags, col, msg);
            return false;
        }
        if total > limits::QUANTITY {
            let msg = format!(
                "the demand of this market in this period adds up to {} t/yr over its sectors; \
                 expected at most {}",
                show(total),
                show(limits::QUANTITY)
            );
            row.error(&mut self.diags, "tonnes", msg);
            return false;
        }
        true
    }

    /// The demand curve of a segment below its floor `floor` (the
    /// shortage penalty): generated from `price` and `elasticity`, written
    /// out in `tiers`, or none (every tonne critical). `Err(())` when
    /// reported.
    fn curve(&mut self, row: &Row, tonnes: f64, floor: f64) -> Result<Curve, ()> {
        let price = limited(row, "price", &mut self.diags);
        let elasticity = limited(row, "elasticity", &mut self.diags);
        let (price, elasticity) = (price?, elasticity?);
        let written = !row.str("tiers").is_empty();
        let mut fail = |col: &str, msg: String| {
            row.error(&mut self.diags, col, msg);
            Err(())
        };
        match (price, elasticity) {
            _ if written && (price.is_some() || elasticity.is_some()) => fail(
                "tiers",
                "give a demand curve either as price and elasticity or as tiers, not both".into(),
            ),
            (None, None) if written => self.written_tiers(row, tonnes, floor),
            (None, None) => Ok(Curve::default()),
            (Some(_), None) => fail(
                "elasticity",
                "a reference price needs an elasticity to make a demand curve \
                 (e.g. -0.3: buyers give up 0.3% of the tonnes for each 1% the price rises)"
                    .into(),
            ),
            (None, Some(_)) => fail(
                "price",
                "an elasticity needs a reference price ($/t) to make a demand curve".into(),
            ),
            (Some(_), Some(e)) if !(-limits::ELASTICITY..=0.0).contains(&e) => fail(
                "elasticity",
                format!(
                    "expected an elasticity from -{} to 0 (demand falls as the price rises), found {e}",
                    limits::ELASTICITY
                ),
            ),
            (Some(p), Some(_)) if p <= 0.0 => fail(
                "price",
                "expected a reference price above 0 for a demand curve".into(),
            ),
            (Some(p), Some(_)) if p >= floor => fail(
                "price",
                format!(
                    "the reference price {} is at or above the floor value {} (shortage_penalty): \
                     buyers would go unserved before giving any tonne up",
                    show(p),
                    show(floor)
                ),
            ),
            (Some(p), Some(e)) => Ok(curve_tiers(tonnes, p, e, floor)),
        }
    }

    /// `tiers` written out: `SHARE@PRICE` words, each a share of the
    /// segment's tonnes that buyers give up when the price passes PRICE, or,
    /// with a leading `+`, that they take beyond the tonnes when the price
    /// falls to PRICE. The shares given up add up to at most 1, every price
    /// lies below the floor, and no tonne taken beyond is valued above a
    /// tonne given up (demand falls as the price rises).
    fn written_tiers(&mut self, row: &Row, tonnes: f64, floor: f64) -> Result<Curve, ()> {
        let mut curve = Curve::default();
        let mut share_sum = 0.0;
        for w in row.str("tiers").split_whitespace() {
            let (more, word) = match w.strip_prefix('+') {
                Some(rest) => (true, rest),
                None => (false, w),
            };
            let parsed = word.split_once('@').and_then(|(share, price)| {
                let share = parse_number(share, Kind::Fraction).ok()?;
                let price = parse_number(price, Kind::NonNegative).ok()?;
                Some((share, price))
            });
            let msg = match parsed {
                None => format!(
                    "expected tiers SHARE@PRICE separated by spaces (e.g. \"0.1@80000 0.2@150000 \
                     +0.05@40000\": 10% of the tonnes given up above $80000/t, 20% more above \
                     $150000/t, 5% more bought at $40000/t or less), found {w:?}"
                ),
                Some((_, price)) if price >= floor => format!(
                    "tier {w:?} is priced at or above the floor value {} (shortage_penalty); \
                     tonnes worth that much are critical demand",
                    show(floor)
                ),
                Some((share, value)) => {
                    let tier = Tier {
                        tonnes: share * tonnes,
                        value,
                    };
                    if more {
                        curve.beyond.push(tier);
                    } else {
                        share_sum += share;
                        curve.tiers.push(tier);
                    }
                    continue;
                }
            };
            row.error(&mut self.diags, "tiers", msg);
            return Err(());
        }
        if share_sum > 1.0 + 1e-9 {
            let msg = format!("the tiers' shares add up to {share_sum}; expected at most 1");
            row.error(&mut self.diags, "tiers", msg);
            return Err(());
        }
        curve.tiers.sort_by(|a, b| a.value.total_cmp(&b.value));
        curve.beyond.sort_by(|a, b| b.value.total_cmp(&a.value));
        if let (Some(low), Some(high)) = (curve.tiers.first(), curve.beyond.first()) {
            if high.value > low.value {
                let msg = format!(
                    "tonnes taken beyond the demand at {} are valued above tonnes given up at {}; \
                     demand must fall as the price rises",
                    show(high.value),
                    show(low.value)
                );
                row.error(&mut self.diags, "tiers", msg);
                return Err(());
            }
        }
        Ok(curve)
    }
}
