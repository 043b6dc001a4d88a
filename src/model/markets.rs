//! Where material goes: the lanes it moves on (written or costed by region)
//! and the demand segments it serves.

use serde::Serialize;

use super::{CommodityId, CountryId, FacilityId, PeriodId};

/// Where a lane ends: a facility, or a country's market for demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Endpoint {
    /// A facility that uses the commodity.
    Facility(FacilityId),
    /// The demand of a country.
    Market(CountryId),
}

/// A lane written in `lanes.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct LaneSpec {
    /// Producing facility.
    pub from: FacilityId,
    /// Consuming facility or market.
    pub to: Endpoint,
    /// What it carries.
    pub commodity: CommodityId,
    /// Transport cost, $/t.
    pub cost: f64,
    /// Most tonnes per year, none = unlimited.
    pub capacity: Option<f64>,
    /// Line in `lanes.csv`.
    pub line: u64,
}

/// A row of `transport.csv`: the cost of moving goods between two regions.
#[derive(Debug, Clone, Serialize)]
pub struct TransportRate {
    /// Origin region.
    pub from_region: String,
    /// Destination region.
    pub to_region: String,
    /// A commodity id, a stage, or `all`.
    pub applies_to: String,
    /// $/t.
    pub cost: f64,
}

/// A demand segment: one country's sector needing a commodity in a period.
#[derive(Debug, Clone, Serialize)]
pub struct Demand {
    /// Where.
    pub country: CountryId,
    /// Which sector (ev, wind, defence...).
    pub sector: String,
    /// What.
    pub commodity: CommodityId,
    /// When.
    pub period: PeriodId,
    /// Tonnes per year.
    pub tonnes: f64,
    /// $/t for each tonne of the critical remainder not delivered: the
    /// floor value of demand with no substitute.
    pub shortage_penalty: f64,
    /// The demand curve's steps below the floor, cheapest first: tonnes
    /// buyers give up (substitute, thrift, defer) when the price passes
    /// each step's value. Empty: every tonne is critical.
    pub tiers: Vec<Tier>,
    /// Line in `demand.csv`.
    pub line: u64,
}

impl Demand {
    /// Tonnes with no substitute: what no tier holds, valued at the floor.
    pub fn critical(&self) -> f64 {
        (self.tonnes - self.tiers.iter().map(|t| t.tonnes).sum::<f64>()).max(0.0)
    }
}

/// One step of a demand curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Tier {
    /// Tonnes per year buyers give up when the price passes `value`.
    pub tonnes: f64,
    /// $/t: what buyers are willing to pay for these tonnes.
    pub value: f64,
}

/// The prices, as multiples of the reference price, at which a curve
/// given by a reference price and an elasticity is stepped.
pub const CURVE_STEPS: [f64; 6] = [1.25, 1.5, 2.0, 3.0, 5.0, 10.0];

/// The steps of the constant-elasticity demand curve `q(p) = tonnes ×
/// (p / price)^elasticity` above the reference price, capped at `tonnes`
/// below it (buyers take no more than the reference quantity however
/// cheap). Step k holds the tonnes given up between the prices `price ×
/// CURVE_STEPS[k-1]` and `price × CURVE_STEPS[k]` (the first from `price`),
/// valued at the lower of the two: buyers keep them while the price is at
/// most that, so the first step is valued at the reference price itself,
/// and a market a little short of its reference quantity clears at the
/// reference price. Steps valued at or above `floor` are left out: those
/// tonnes stay critical, at the floor.
pub fn curve_tiers(tonnes: f64, price: f64, elasticity: f64, floor: f64) -> Vec<Tier> {
    let kept = |m: f64| tonnes * m.powf(elasticity);
    let mut tiers = Vec::new();
    let mut low = 1.0_f64;
    for high in CURVE_STEPS {
        let value = price * low;
        let given_up = kept(low) - kept(high);
        if value >= floor {
            break;
        }
        if given_up > 0.0 {
            tiers.push(Tier {
                tonnes: given_up,
                value,
            });
        }
        low = high;
    }
    tiers
}
