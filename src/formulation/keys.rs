//! Typed keys of the LP's columns and rows, and their labels in model terms.
//!
//! Every column and row the formulation adds carries a key such as
//! `Flow { lane, period }` or `Balance { facility, commodity, period }`;
//! lookups go through keys ([`super::LpIndex::col`], [`super::LpIndex::row`])
//! and a key's [`label`](ColKey::label) is what a debug dump, an
//! infeasibility explanation or an exported LP shows, e.g.
//! `flow[us_mtpass_sep→market:US, ndpr_oxide, 2027]`.

use crate::model::{CommodityId, CountryId, FacilityId, Model, PeriodId};
use crate::network::{LaneId, Network};

/// One block of an LP: the whole model for a plain solve, one scenario of a
/// stochastic program.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Block(pub u32);

/// What a column of the LP stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ColKey {
    /// Activity of a facility's process, units per year.
    Activity {
        /// The facility.
        facility: FacilityId,
        /// The period.
        period: PeriodId,
    },
    /// Tonnes per year shipped on a lane.
    Flow {
        /// The lane.
        lane: LaneId,
        /// The period.
        period: PeriodId,
    },
    /// Surplus of an output disposed of at a facility, tonnes per year.
    Disposal {
        /// The facility.
        facility: FacilityId,
        /// The output.
        commodity: CommodityId,
        /// The period.
        period: PeriodId,
    },
    /// Unserved tonnes per year of a demand segment's critical remainder.
    Shortage {
        /// Index into `model.demand`.
        segment: usize,
    },
    /// Tonnes per year taken beyond a demand segment's reference quantity
    /// in one step of its curve below the reference price.
    Beyond {
        /// Index into `model.demand`.
        segment: usize,
        /// Index into the segment's steps below the reference, most valued
        /// first.
        tier: usize,
    },
    /// Tonnes per year given up in one tier of a demand segment's curve.
    GiveUp {
        /// Index into `model.demand`.
        segment: usize,
        /// Index into the segment's tiers, cheapest first.
        tier: usize,
    },
    /// Activity an offtake required that its facility did not run.
    OfftakeShortfall {
        /// Index into `model.contracts`.
        contract: usize,
        /// The period.
        period: PeriodId,
    },
    /// The decision to build a candidate to start in a period.
    Build {
        /// The candidate.
        candidate: FacilityId,
        /// The period it starts operating.
        start: PeriodId,
    },
    /// Tonnes per year of one origin class on a lane (into a market split
    /// by sector: to one sector group).
    FlowPart {
        /// The lane.
        lane: LaneId,
        /// The period.
        period: PeriodId,
        /// The market's sector group (0 into a facility).
        group: u8,
        /// The origin class.
        class: u8,
    },
    /// Activity of a facility in one origin class.
    ActivityPart {
        /// The facility.
        facility: FacilityId,
        /// The period.
        period: PeriodId,
        /// The origin class of its outputs.
        class: u8,
    },
    /// Disposal of one origin class of an output.
    DisposalPart {
        /// The facility.
        facility: FacilityId,
        /// The output.
        commodity: CommodityId,
        /// The period.
        period: PeriodId,
        /// The origin class.
        class: u8,
    },
    /// Material (an input or an output) counted in a more tainted class.
    Downgrade {
        /// The facility.
        facility: FacilityId,
        /// The input.
        commodity: CommodityId,
        /// The period.
        period: PeriodId,
        /// The class it leaves.
        from: u8,
        /// The class it joins.
        to: u8,
    },
    /// Tainted tonnes per year a content rule with a premium lets its
    /// buyers take beyond its share, each at the premium.
    RuleBeyond {
        /// Index into the layout's rules.
        rule: usize,
        /// The demand country.
        country: CountryId,
        /// The period.
        period: PeriodId,
    },
    /// A stockpile's level at the end of a period (t), or what was put
    /// into it or taken out of it (t/yr).
    Stock {
        /// Index into `model.stockpiles`.
        stockpile: usize,
        /// The period.
        period: PeriodId,
        /// Which quantity.
        part: StockPart,
    },
    /// The largest regret of a stochastic program (its epigraph).
    MaxRegret,
    /// The value-at-risk threshold η of CVaR.
    CvarThreshold,
    /// A scenario's cost above η.
    CvarExcess {
        /// The scenario's block.
        scenario: Block,
    },
}

/// A stockpile's quantities in a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StockPart {
    /// Tonnes in stock at the end of the period.
    Level,
    /// Tonnes per year put into stock.
    Build,
    /// Tonnes per year taken out.
    Release,
}

impl StockPart {
    fn word(self) -> &'static str {
        match self {
            StockPart::Level => "level",
            StockPart::Build => "build",
            StockPart::Release => "release",
        }
    }
}

/// What a row of the LP stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RowKey {
    /// Material balance of a commodity at a facility.
    Balance {
        /// The facility.
        facility: FacilityId,
        /// The commodity.
        commodity: CommodityId,
        /// The period.
        period: PeriodId,
    },
    /// Deliveries plus shortages equal demand in a country's market.
    Market {
        /// The country.
        country: CountryId,
        /// The commodity.
        commodity: CommodityId,
        /// The period.
        period: PeriodId,
    },
    /// An export control in a period.
    ExportCap {
        /// Index into `model.export_controls`.
        control: usize,
        /// The period.
        period: PeriodId,
    },
    /// A facility runs at least what an offtake takes.
    Offtake {
        /// Index into `model.contracts`.
        contract: usize,
        /// The period.
        period: PeriodId,
    },
    /// A collector gathers no more end-of-life scrap than returns to it.
    EndOfLife {
        /// The collector.
        facility: FacilityId,
        /// The period.
        period: PeriodId,
    },
    /// A collector gathers no more swarf than its makers cut.
    Swarf {
        /// The collector.
        facility: FacilityId,
        /// The period.
        period: PeriodId,
    },
    /// A split lane's parts within the lane's capacity.
    LaneCapacity {
        /// The lane.
        lane: LaneId,
        /// The period.
        period: PeriodId,
    },
    /// A split facility's activity is the sum of its classes'.
    ActivityParts {
        /// The facility.
        facility: FacilityId,
        /// The period.
        period: PeriodId,
    },
    /// Material balance of one origin class of a commodity at a facility.
    ClassBalance {
        /// The facility.
        facility: FacilityId,
        /// The commodity.
        commodity: CommodityId,
        /// The period.
        period: PeriodId,
        /// The origin class.
        class: u8,
    },
    /// Deliveries plus what is not delivered equal demand, for one sector
    /// group of a market split by sector.
    SectorMarket {
        /// The country.
        country: CountryId,
        /// The commodity.
        commodity: CommodityId,
        /// The period.
        period: PeriodId,
        /// A demand segment of the group, to name its sector.
        segment: usize,
        /// The group of every sector no rule names.
        rest: bool,
    },
    /// A content rule's limit on tainted material in one country.
    OriginRule {
        /// Index into the layout's rules.
        rule: usize,
        /// The demand country.
        country: CountryId,
        /// The period.
        period: PeriodId,
    },
    /// A candidate starts at most once (exactly once when forced).
    OneStart {
        /// The candidate.
        candidate: FacilityId,
    },
    /// A start shared by several futures that this future does not allow.
    StartNotAllowed {
        /// The candidate.
        candidate: FacilityId,
        /// The start.
        start: PeriodId,
    },
    /// A candidate's activity within the capacity its build gives.
    CandidateCapacity {
        /// The candidate.
        candidate: FacilityId,
        /// The period.
        period: PeriodId,
    },
    /// A stockpile's level carried from the period before.
    StockCarry {
        /// Index into `model.stockpiles`.
        stockpile: usize,
        /// The period.
        period: PeriodId,
    },
    /// Capital spent on all builds.
    BuildBudget,
    /// Capital spent on builds starting in one period.
    BuildBudgetInPeriod {
        /// The start period.
        period: PeriodId,
    },
    /// The fewest builds.
    MinBuilds,
    /// The most builds.
    MaxBuilds,
    /// A scenario's regret below the largest regret.
    RegretCut {
        /// The scenario's block.
        scenario: Block,
    },
    /// A scenario's cost above η, for CVaR.
    CvarCut {
        /// The scenario's block.
        scenario: Block,
    },
}

/// An origin class in words (`clean`, `feoc@all stages`...).
fn class_label(model: &Model, class: u8) -> String {
    super::origins::Layout::rules_of(model).class_label(class)
}

fn period(model: &Model, t: PeriodId) -> &str {
    &model.periods[t.0].label
}

/// A demand segment in a label: `US ev magnet, 2026`.
fn segment_label(model: &Model, segment: usize) -> String {
    let d = &model.demand[segment];
    format!(
        "{} {} {}, {}",
        model.countries[d.country.0].code,
        d.sector,
        model.commodities[d.commodity.0].id,
        period(model, d.period)
    )
}

impl ColKey {
    /// The column's name in model terms.
    pub fn label(&self, model: &Model, network: &Network) -> String {
        let fac = |f: FacilityId| &model.facilities[f.0].id;
        let com = |c: CommodityId| &model.commodities[c.0].id;
        match *self {
            ColKey::Activity {
                facility,
                period: t,
            } => {
                format!("activity[{}, {}]", fac(facility), period(model, t))
            }
            ColKey::Flow { lane, period: t } => {
                let l = network.lane(lane);
                format!(
                    "flow[{}→{}, {}, {}]",
                    fac(l.from),
                    model.endpoint_name(l.to),
                    com(l.commodity),
                    period(model, t)
                )
            }
            ColKey::Disposal {
                facility,
                commodity,
                period: t,
            } => format!(
                "disposal[{}, {}, {}]",
                fac(facility),
                com(commodity),
                period(model, t)
            ),
            ColKey::Shortage { segment } => format!("shortage[{}]", segment_label(model, segment)),
            ColKey::GiveUp { segment, tier } => {
                format!(
                    "given_up[{}, tier {}]",
                    segment_label(model, segment),
                    tier + 1
                )
            }
            ColKey::Beyond { segment, tier } => {
                format!(
                    "beyond[{}, step {}]",
                    segment_label(model, segment),
                    tier + 1
                )
            }
            ColKey::OfftakeShortfall {
                contract,
                period: t,
            } => format!(
                "offtake_shortfall[{}, {}]",
                model.contracts[contract].id,
                period(model, t)
            ),
            ColKey::Build { candidate, start } => {
                format!("build[{}@{}]", fac(candidate), period(model, start))
            }
            ColKey::FlowPart { .. }
            | ColKey::ActivityPart { .. }
            | ColKey::DisposalPart { .. }
            | ColKey::Downgrade { .. } => self.layer_label(model, network),
            ColKey::RuleBeyond {
                rule,
                country,
                period: t,
            } => format!("rule_beyond[{}]", rule_at(model, rule, country, t)),
            ColKey::Stock {
                stockpile,
                period: t,
                part,
            } => format!(
                "stock_{}[{}, {}]",
                part.word(),
                model.stockpiles[stockpile].id,
                period(model, t)
            ),
            ColKey::MaxRegret => "max_regret".to_string(),
            ColKey::CvarThreshold => "cvar_threshold".to_string(),
            ColKey::CvarExcess { scenario } => format!("cvar_excess[{}]", scenario.0),
        }
    }

    /// The label of a column of origin layers.
    fn layer_label(&self, model: &Model, network: &Network) -> String {
        let fac = |f: FacilityId| &model.facilities[f.0].id;
        let com = |c: CommodityId| &model.commodities[c.0].id;
        match *self {
            ColKey::FlowPart {
                lane,
                period: t,
                group,
                class,
            } => {
                let l = network.lane(lane);
                format!(
                    "flow[{}→{}, {}, {}, group {group}, {}]",
                    fac(l.from),
                    model.endpoint_name(l.to),
                    com(l.commodity),
                    period(model, t),
                    class_label(model, class)
                )
            }
            ColKey::ActivityPart {
                facility,
                period: t,
                class,
            } => format!(
                "activity[{}, {}, {}]",
                fac(facility),
                period(model, t),
                class_label(model, class)
            ),
            ColKey::DisposalPart {
                facility,
                commodity,
                period: t,
                class,
            } => format!(
                "disposal[{}, {}, {}, {}]",
                fac(facility),
                com(commodity),
                period(model, t),
                class_label(model, class)
            ),
            ColKey::Downgrade {
                facility,
                commodity,
                period: t,
                from,
                to,
            } => format!(
                "downgrade[{}, {}, {}, {} as {}]",
                fac(facility),
                com(commodity),
                period(model, t),
                class_label(model, from),
                class_label(model, to)
            ),
            _ => String::new(),
        }
    }
}

impl RowKey {
    /// The row's name in model terms.
    pub fn label(&self, model: &Model) -> String {
        let fac = |f: FacilityId| &model.facilities[f.0].id;
        let com = |c: CommodityId| &model.commodities[c.0].id;
        match *self {
            RowKey::Balance {
                facility,
                commodity,
                period: t,
            } => format!(
                "balance[{}, {}, {}]",
                fac(facility),
                com(commodity),
                period(model, t)
            ),
            RowKey::Market {
                country,
                commodity,
                period: t,
            } => format!(
                "market[{}, {}, {}]",
                model.countries[country.0].code,
                com(commodity),
                period(model, t)
            ),
            RowKey::ExportCap { control, period: t } => format!(
                "export_cap[{}, {}]",
                model.export_controls[control].id,
                period(model, t)
            ),
            RowKey::Offtake {
                contract,
                period: t,
            } => format!(
                "offtake[{}, {}]",
                model.contracts[contract].id,
                period(model, t)
            ),
            RowKey::EndOfLife {
                facility,
                period: t,
            } => format!(
                "end_of_life[{}, {}]",
                model.facilities[facility.0].id,
                period(model, t)
            ),
            RowKey::Swarf {
                facility,
                period: t,
            } => format!(
                "swarf[{}, {}]",
                model.facilities[facility.0].id,
                period(model, t)
            ),
            RowKey::LaneCapacity { .. }
            | RowKey::ActivityParts { .. }
            | RowKey::ClassBalance { .. }
            | RowKey::SectorMarket { .. }
            | RowKey::OriginRule { .. } => self.layer_label(model),
            RowKey::OneStart { candidate } => format!("one_start[{}]", fac(candidate)),
            RowKey::StartNotAllowed { candidate, start } => {
                format!(
                    "start_not_allowed[{}@{}]",
                    fac(candidate),
                    period(model, start)
                )
            }
            RowKey::CandidateCapacity {
                candidate,
                period: t,
            } => format!("capacity[{}, {}]", fac(candidate), period(model, t)),
            RowKey::BuildBudget => "build_budget".to_string(),
            RowKey::BuildBudgetInPeriod { period: t } => {
                format!("build_budget[{}]", period(model, t))
            }
            RowKey::MinBuilds => "min_builds".to_string(),
            RowKey::MaxBuilds => "max_builds".to_string(),
            RowKey::StockCarry {
                stockpile,
                period: t,
            } => format!(
                "stock_carry[{}, {}]",
                model.stockpiles[stockpile].id,
                period(model, t)
            ),
            RowKey::RegretCut { scenario } => format!("regret[{}]", scenario.0),
            RowKey::CvarCut { scenario } => format!("cvar[{}]", scenario.0),
        }
    }

    /// The label of a row of origin layers and sector groups.
    fn layer_label(&self, model: &Model) -> String {
        let fac = |f: FacilityId| &model.facilities[f.0].id;
        let com = |c: CommodityId| &model.commodities[c.0].id;
        match *self {
            RowKey::LaneCapacity { lane, period: t } => {
                format!("lane_capacity[lane {}, {}]", lane.0, period(model, t))
            }
            RowKey::ActivityParts {
                facility,
                period: t,
            } => format!("activity_parts[{}, {}]", fac(facility), period(model, t)),
            RowKey::ClassBalance {
                facility,
                commodity,
                period: t,
                class,
            } => format!(
                "balance[{}, {}, {}, {}]",
                fac(facility),
                com(commodity),
                period(model, t),
                class_label(model, class)
            ),
            RowKey::SectorMarket {
                country,
                commodity,
                period: t,
                segment,
                rest,
            } => format!(
                "market[{}, {}, {}, {}]",
                model.countries[country.0].code,
                com(commodity),
                period(model, t),
                if rest {
                    "other sectors"
                } else {
                    &model.demand[segment].sector
                }
            ),
            RowKey::OriginRule {
                rule,
                country,
                period: t,
            } => format!("origin_rule[{}]", rule_at(model, rule, country, t)),
            _ => String::new(),
        }
    }
}

/// The key of every column and row of a built LP, with the block it
/// belongs to, in LP order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct LpKeys {
    /// Column `j`'s block and key.
    pub cols: Vec<(Block, ColKey)>,
    /// Row `i`'s block and key.
    pub rows: Vec<(Block, RowKey)>,
}

impl LpKeys {
    /// A digest of every key in order: two LPs with the same digest have
    /// their columns and rows for the same things, in the same order.
    pub fn digest(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.hash(&mut h);
        h.finish()
    }
}

/// A content rule in one demand country and period, for labels.
fn rule_at(model: &Model, rule: usize, country: CountryId, t: PeriodId) -> String {
    format!(
        "{}, {}, {}",
        super::origins::rule_id(model, rule),
        model.countries[country.0].code,
        period(model, t)
    )
}
