//! The plan as a Sankey diagram's data: mines → separation → metal →
//! magnets → markets, each flow split by where its material was mined.
//!
//! Two halves. [`flow_origins`] turns a solved plan into rows, one per
//! lane, period and origin class with tonnes (`flow_origins.csv`), using
//! the dependency trace ([`crate::trace::lanes_mined`]). [`sankey`] turns
//! those rows, for one period and optionally one market, into nodes and
//! links: a pure function of the rows, so the HTML report reads the same
//! picture from a results directory as from a solve in memory.
//!
//! Links carry the tonnes actually shipped, so a node's inflow and outflow
//! differ by its recipe: separation ships its oxides and disposes of the
//! surplus, a metal plant loses some of its oxide, a magnet is mostly iron
//! and boron that the model does not trace.
//!
//! # The tiny model by hand
//!
//! In models/tiny (both years alike) Bayan Obo (CN) ships 500 t of
//! concentrate and Mt Weld (AU, in no group: *other*) 250 t to Baotou's
//! separation, which ships 150 t of NdPr oxide (500/750 of it Chinese-mined:
//! 100 t China, 50 t other) to the metal plant; 120 t of metal (80 + 40) go
//! to the magnet plant, and 200 t of magnets each (133⅓ + 66⅔) to Japan and
//! the United States. By country: 7 nodes (AU mine, CN mine, CN separation,
//! CN metal, CN magnet, JP market, US market) and 10 links. Keeping Japan's
//! market, every flow upstream of the magnet plant is halved: the plant
//! ships half its magnets to Japan, so 250 t of Bayan Obo's concentrate,
//! 125 t of Mt Weld's, 75 t of oxide and 60 t of metal are bound for
//! Japan; the US market drops out. The tests below check these numbers.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::place;
use crate::error::{Error, Result};
use crate::model::{FacilityId, Model, Stage};
use crate::network::Network;
use crate::plan::Plan;
use crate::trace::{commodity_stage, facility_stage, lanes_mined};

/// Where a place sits in the chain: the Sankey's columns, upstream first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    /// A source of scrap (collection).
    Scrap,
    /// A mine, or a site that makes concentrate or mixed compounds.
    Mine,
    /// A separation plant (oxides), recyclers of scrap into oxide included.
    Separation,
    /// A metal or alloy plant.
    Metal,
    /// A magnet plant.
    Magnet,
    /// A country's market.
    Market,
}

impl Step {
    /// The word the report uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Scrap => "scrap",
            Step::Mine => "mine",
            Step::Separation => "separation",
            Step::Metal => "metal",
            Step::Magnet => "magnet",
            Step::Market => "market",
        }
    }
}

/// Where material was mined, in the classes the report colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Mined in China (country code `CN`).
    China,
    /// Mined in another country of the `feoc` group of countries.csv.
    OtherFeoc,
    /// Mined in a country of the `allied` group.
    Allied,
    /// Mined in a country in neither group.
    Other,
    /// From scrap: recycled, not mined.
    Recycled,
}

impl Origin {
    /// Every class, in the order of the legend.
    pub const ALL: [Origin; 5] = [
        Origin::China,
        Origin::OtherFeoc,
        Origin::Allied,
        Origin::Other,
        Origin::Recycled,
    ];

    /// How the report names the class.
    pub fn label(self) -> &'static str {
        match self {
            Origin::China => "mined in China",
            Origin::OtherFeoc => "mined in other FEOC countries",
            Origin::Allied => "mined in allied countries",
            Origin::Other => "mined elsewhere",
            Origin::Recycled => "recycled",
        }
    }

    /// The class of the country with `code` and `groups`.
    pub fn of_country(code: &str, groups: &[String]) -> Origin {
        let in_group = |g: &str| groups.iter().any(|x| x.eq_ignore_ascii_case(g));
        if code == "CN" {
            Origin::China
        } else if in_group("feoc") {
            Origin::OtherFeoc
        } else if in_group("allied") {
            Origin::Allied
        } else {
            Origin::Other
        }
    }
}

/// One row of `flow_origins.csv`: the tonnes of one origin class on one
/// lane in one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowOrigin {
    /// Period label.
    pub period: String,
    /// Commodity id.
    pub commodity: String,
    /// Shipping facility.
    pub from: String,
    /// Its country.
    pub from_country: String,
    /// Its step in the chain.
    pub from_step: Step,
    /// Receiving facility, or `market:CC`.
    pub to: String,
    /// Its country.
    pub to_country: String,
    /// Its step in the chain.
    pub to_step: Step,
    /// Where the material was mined.
    pub origin: Origin,
    /// Tonnes per year.
    #[serde(serialize_with = "as_num")]
    pub tonnes: f64,
}

/// Numbers in `flow_origins.csv` print as in every result file.
fn as_num<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&super::num(*v))
}

/// The text of `flow_origins.csv`.
///
/// # Errors
/// [`Error::Internal`] when a row cannot be formatted.
pub fn flow_origins_csv(rows: &[FlowOrigin]) -> Result<String> {
    let internal = |e: &dyn std::fmt::Display| Error::Internal(format!("flow_origins.csv: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r).map_err(|e| internal(&e))?;
    }
    if rows.is_empty() {
        w.write_record(HEADER).map_err(|e| internal(&e))?;
    }
    let bytes = w.into_inner().map_err(|e| internal(&e))?;
    String::from_utf8(bytes).map_err(|e| internal(&e))
}

/// The columns of `flow_origins.csv`.
const HEADER: [&str; 10] = [
    "period",
    "commodity",
    "from",
    "from_country",
    "from_step",
    "to",
    "to_country",
    "to_step",
    "origin",
    "tonnes",
];

/// Reads `flow_origins.csv` (`file` names it in messages).
///
/// # Errors
/// [`Error::Invalid`] with the line of the first row that is not what
/// `solve --out` writes (exit 3).
pub fn read_flow_origins(file: &str, text: &str) -> Result<Vec<FlowOrigin>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for row in reader.deserialize() {
        let row: FlowOrigin = row.map_err(|e: csv::Error| {
            let line = e.position().map(csv::Position::line);
            let why = format!("not a flow_origins.csv that solve --out writes: {e}");
            let mut d = crate::error::Diagnostics::default();
            d.error(file, line, None, why);
            Error::Invalid(d.into_vec())
        })?;
        rows.push(row);
    }
    Ok(rows)
}

/// The step of facility `f`: the stage the dependency trace gives it, else
/// the stage of its most downstream output (a site that makes mixed
/// compounds sits with the mines, one that uses a magnet grade for another
/// with the magnet plants); a source of scrap is [`Step::Scrap`].
pub fn facility_step(model: &Model, f: FacilityId) -> Step {
    let process = &model.processes[model.facilities[f.0].process.0];
    let stage = |c: crate::model::CommodityId| model.commodities[c.0].stage;
    let top = process
        .outputs()
        .map(stage)
        .filter(|&s| s != Stage::Scrap)
        .max();
    match facility_stage(model, f).or_else(|| top.and_then(commodity_stage)) {
        Some(0) => Step::Mine,
        Some(1) => Step::Separation,
        Some(2) => Step::Metal,
        Some(3) => Step::Magnet,
        _ => Step::Scrap,
    }
}

/// Every lane's flow in every period, split by origin class: per period,
/// then lane order, then class. Material the trace finds no mine for (none
/// in a plan whose sources all ship) is counted in its shipper's class.
pub fn flow_origins(model: &Model, network: &Network, plan: &Plan) -> Vec<FlowOrigin> {
    let class: Vec<Origin> = (model.countries.iter())
        .map(|c| Origin::of_country(&c.code, &c.groups))
        .chain([Origin::Recycled])
        .collect();
    let mut rows = Vec::new();
    for m in lanes_mined(model, network, plan) {
        let lane = network.lane(m.lane);
        let q = plan.flows[m.lane.0][m.period.0];
        let from_country = model.facilities[lane.from.0].country;
        let mut by_class: BTreeMap<Origin, f64> = BTreeMap::new();
        let traced: f64 = m.tonnes.iter().sum();
        for (k, t) in m.tonnes.iter().enumerate().filter(|(_, t)| **t > 0.0) {
            *by_class.entry(class[k]).or_default() += t * q / traced;
        }
        if traced <= 0.0 {
            by_class.insert(class[from_country.0], q);
        }
        let to_step = match lane.to {
            crate::model::Endpoint::Facility(g) => facility_step(model, g),
            crate::model::Endpoint::Market(_) => Step::Market,
        };
        for (origin, tonnes) in by_class {
            rows.push(FlowOrigin {
                period: model.periods[m.period.0].label.clone(),
                commodity: model.commodities[lane.commodity.0].id.clone(),
                from: model.facilities[lane.from.0].id.clone(),
                from_country: model.countries[from_country.0].code.clone(),
                from_step: facility_step(model, lane.from),
                to: place(model, lane.to),
                to_country: model.countries[model.endpoint_country(lane.to).0]
                    .code
                    .clone(),
                to_step,
                origin,
                tonnes,
            });
        }
    }
    rows
}

/// How the Sankey groups places into nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NodeKind {
    /// One node per country and step (`CN separation`); flows within one
    /// node (a grade used for another in the same country) are left out.
    #[default]
    Country,
    /// One node per facility, and one per country's market.
    Facility,
}

/// A node of the diagram.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// Its label: `CN separation`, or a facility id, or `market:US`.
    pub label: String,
    /// Its country.
    pub country: String,
    /// Its step in the chain.
    pub step: Step,
}

/// A link of the diagram: tonnes of one origin class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    /// Index of the source node.
    pub source: usize,
    /// Index of the target node.
    pub target: usize,
    /// Where its material was mined.
    pub origin: Origin,
    /// Tonnes per year.
    pub tonnes: f64,
}

/// A Sankey diagram: nodes by step, then label; links by source, target
/// and origin.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Sankey {
    /// The nodes.
    pub nodes: Vec<Node>,
    /// The links.
    pub links: Vec<Link>,
}

/// Links below this many tonnes per year are left out.
const NEGLIGIBLE: f64 = 1e-9;

/// The diagram of `period`'s rows. With `market`, only the part of each
/// flow bound for that country's market: a market keeps what it receives,
/// and a facility's inputs are bound for a market in the share of its
/// shipments that are (by tonnes, whatever the commodity), so a site that
/// ships half its output towards a market has half its inputs counted.
pub fn sankey(rows: &[FlowOrigin], period: &str, market: Option<&str>, kind: NodeKind) -> Sankey {
    let rows: Vec<&FlowOrigin> = rows.iter().filter(|r| r.period == period).collect();
    let bound = market.map(|m| bound_for(&rows, m));
    let key = |name: &str, country: &str, step: Step| match kind {
        NodeKind::Country => (
            step,
            format!("{country} {}", step.as_str()),
            country.to_string(),
        ),
        NodeKind::Facility => (step, name.to_string(), country.to_string()),
    };
    let mut tonnes: BTreeMap<(usize, usize, Origin), f64> = BTreeMap::new();
    let mut nodes: BTreeSet<(Step, String, String)> = BTreeSet::new();
    let mut ends = Vec::new();
    for r in &rows {
        let share = bound
            .as_ref()
            .map_or(1.0, |b| b.get(r.to.as_str()).copied().unwrap_or(0.0));
        let from = key(&r.from, &r.from_country, r.from_step);
        let to = key(&r.to, &r.to_country, r.to_step);
        if r.tonnes * share <= NEGLIGIBLE || from == to {
            continue;
        }
        nodes.insert(from.clone());
        nodes.insert(to.clone());
        ends.push((from, to, r.origin, r.tonnes * share));
    }
    let nodes: Vec<(Step, String, String)> = nodes.into_iter().collect();
    let index = |k: &(Step, String, String)| nodes.binary_search(k).unwrap_or(0);
    for (from, to, origin, t) in ends {
        *tonnes
            .entry((index(&from), index(&to), origin))
            .or_default() += t;
    }
    Sankey {
        nodes: (nodes.into_iter())
            .map(|(step, label, country)| Node {
                label,
                country,
                step,
            })
            .collect(),
        links: (tonnes.into_iter())
            .map(|((source, target, origin), tonnes)| Link {
                source,
                target,
                origin,
                tonnes,
            })
            .collect(),
    }
}

/// The share of what arrives at each place that is bound for `market`'s
/// country: 1 at its market, 0 at others, and at a facility the share of
/// its shipments bound there. Solved by sweeping the facilities until
/// nothing changes (once per step of the longest chain; a bounded number
/// of sweeps when material can come back upstream).
fn bound_for<'r>(rows: &[&'r FlowOrigin], market: &str) -> BTreeMap<&'r str, f64> {
    let mut share: BTreeMap<&str, f64> = BTreeMap::new();
    let mut out: BTreeMap<&str, Vec<(&str, f64)>> = BTreeMap::new();
    for r in rows {
        out.entry(r.from.as_str())
            .or_default()
            .push((r.to.as_str(), r.tonnes));
        let at_market = r.to_step == Step::Market && r.to_country == market;
        share
            .entry(r.to.as_str())
            .or_insert(if at_market { 1.0 } else { 0.0 });
    }
    for _ in 0..=out.len().max(64) {
        let mut changed = false;
        for (from, ships) in &out {
            let total: f64 = ships.iter().map(|s| s.1).sum();
            let bound: f64 = (ships.iter())
                .map(|(to, t)| t * share.get(to).copied().unwrap_or(0.0))
                .sum();
            let v = if total > 0.0 { bound / total } else { 0.0 };
            let old = share.insert(from, v).unwrap_or(0.0);
            changed |= (old - v).abs() > 1e-12;
        }
        if !changed {
            break;
        }
    }
    share
}

/// The periods of `rows`, in the order they first appear (time order, as
/// [`flow_origins`] writes them).
pub fn periods(rows: &[FlowOrigin]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for r in rows {
        if seen.last() != Some(&r.period) && !seen.contains(&r.period) {
            seen.push(r.period.clone());
        }
    }
    seen
}

/// The countries whose markets receive something in `rows`, sorted.
pub fn markets(rows: &[FlowOrigin]) -> Vec<String> {
    let set: BTreeSet<&str> = (rows.iter())
        .filter(|r| r.to_step == Step::Market)
        .map(|r| r.to_country.as_str())
        .collect();
    set.into_iter().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny_rows() -> Vec<FlowOrigin> {
        let src = crate::io::source::ModelSource::Dir(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/tiny"),
        );
        let sol = crate::solve(&src, &[], &Default::default()).expect("models/tiny solves");
        flow_origins(&sol.model, &sol.network, &sol.plan)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-6 * b.abs().max(1.0)
    }

    /// (source label, target label, origin, tonnes) of every link.
    fn links(s: &Sankey) -> Vec<(String, String, Origin, f64)> {
        (s.links.iter())
            .map(|l| {
                let n = |i: usize| s.nodes[i].label.clone();
                (n(l.source), n(l.target), l.origin, l.tonnes)
            })
            .collect()
    }

    fn expect(s: &Sankey, want: &[(&str, &str, Origin, f64)]) {
        let got = links(s);
        assert_eq!(got.len(), want.len(), "links: {got:?}");
        for (g, w) in got.iter().zip(want) {
            assert_eq!(
                (g.0.as_str(), g.1.as_str(), g.2),
                (w.0, w.1, w.2),
                "{got:?}"
            );
            assert!(close(g.3, w.3), "{g:?} is not {w:?}");
        }
    }

    use Origin::{China, Other};

    #[test]
    fn tiny_by_country_follows_the_hand_solution() {
        let rows = tiny_rows();
        assert_eq!(periods(&rows), ["2025", "2026"]);
        assert_eq!(markets(&rows), ["JP", "US"]);
        for period in ["2025", "2026"] {
            let s = sankey(&rows, period, None, NodeKind::Country);
            let labels: Vec<&str> = s.nodes.iter().map(|n| n.label.as_str()).collect();
            assert_eq!(
                labels,
                [
                    "AU mine",
                    "CN mine",
                    "CN separation",
                    "CN metal",
                    "CN magnet",
                    "JP market",
                    "US market"
                ]
            );
            let (third, two_thirds) = (200.0 / 3.0, 400.0 / 3.0);
            expect(
                &s,
                &[
                    ("AU mine", "CN separation", Other, 250.0),
                    ("CN mine", "CN separation", China, 500.0),
                    ("CN separation", "CN metal", China, 100.0),
                    ("CN separation", "CN metal", Other, 50.0),
                    ("CN metal", "CN magnet", China, 80.0),
                    ("CN metal", "CN magnet", Other, 40.0),
                    ("CN magnet", "JP market", China, two_thirds),
                    ("CN magnet", "JP market", Other, third),
                    ("CN magnet", "US market", China, two_thirds),
                    ("CN magnet", "US market", Other, third),
                ],
            );
        }
    }

    #[test]
    fn tiny_flows_balance_by_recipe_and_markets_get_what_was_delivered() {
        let rows = tiny_rows();
        let s = sankey(&rows, "2026", None, NodeKind::Facility);
        let flow = |node: &str, inward: bool| -> f64 {
            (s.links.iter())
                .filter(|l| s.nodes[if inward { l.target } else { l.source }].label == node)
                .map(|l| l.tonnes)
                .sum()
        };
        // Each plant ships what its recipe makes of what it received.
        assert!(close(
            flow("baotou_sep", false),
            0.2 * flow("baotou_sep", true)
        ));
        assert!(close(
            flow("cn_metal", false),
            flow("cn_metal", true) / 1.25
        ));
        assert!(close(
            flow("cn_magnet", false),
            flow("cn_magnet", true) / 0.3
        ));
        // Markets receive what the plan delivered: Japan in full, the US
        // its 200 t under China's cap.
        assert!(close(flow("market:JP", true), 200.0));
        assert!(close(flow("market:US", true), 200.0));
        // Kachin is idle and has no node.
        assert!(s.nodes.iter().all(|n| n.label != "kachin_mine"));
    }

    #[test]
    fn tiny_for_one_market_keeps_what_is_bound_for_it() {
        let rows = tiny_rows();
        let s = sankey(&rows, "2025", Some("JP"), NodeKind::Country);
        let (third, two_thirds) = (200.0 / 3.0, 400.0 / 3.0);
        expect(
            &s,
            &[
                ("AU mine", "CN separation", Other, 125.0),
                ("CN mine", "CN separation", China, 250.0),
                ("CN separation", "CN metal", China, 50.0),
                ("CN separation", "CN metal", Other, 25.0),
                ("CN metal", "CN magnet", China, 40.0),
                ("CN metal", "CN magnet", Other, 20.0),
                ("CN magnet", "JP market", China, two_thirds),
                ("CN magnet", "JP market", Other, third),
            ],
        );
        assert!(s.nodes.iter().all(|n| n.label != "US market"));
        assert_eq!(
            sankey(&rows, "2025", Some("FR"), NodeKind::Country),
            Sankey::default()
        );
        assert_eq!(
            sankey(&rows, "1999", None, NodeKind::Country),
            Sankey::default()
        );
    }

    #[test]
    fn the_file_reads_back_as_written() {
        let rows = tiny_rows();
        let text = flow_origins_csv(&rows).unwrap();
        assert!(text.starts_with(&(HEADER.join(",") + "\n")), "{text}");
        assert!(
            text.contains("2025,magnet,cn_magnet,CN,magnet,market:JP,JP,market,china,133.333333\n")
        );
        let back = read_flow_origins("flow_origins.csv", &text).unwrap();
        assert_eq!(back.len(), rows.len());
        assert_eq!(flow_origins_csv(&back).unwrap(), text);
        let bad = text.replace("china", "mars");
        let e = read_flow_origins("x/flow_origins.csv", &bad).unwrap_err();
        assert!(e.to_string().contains("error"), "{e}");
        assert!(
            matches!(e, Error::Invalid(ref d) if d[0].to_string().starts_with("x/flow_origins.csv:2")),
            "{e:?}"
        );
        assert_eq!(flow_origins_csv(&[]).unwrap(), HEADER.join(",") + "\n");
    }

    #[test]
    fn origin_classes_follow_countries_csv_groups() {
        let g = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(Origin::of_country("CN", &g(&["feoc"])), China);
        assert_eq!(Origin::of_country("RU", &g(&["FEOC"])), Origin::OtherFeoc);
        assert_eq!(Origin::of_country("AU", &g(&["allied"])), Origin::Allied);
        assert_eq!(Origin::of_country("MM", &[]), Other);
    }
}
