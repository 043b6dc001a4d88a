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
    /// The demand curve's steps between the reference price and the floor,
    /// cheapest first: tonnes buyers give up (substitute, thrift, defer)
    /// when the price passes each step's value. Empty: every tonne is
    /// critical.
    pub tiers: Vec<Tier>,
    /// The demand curve's steps below the reference price, most valued
    /// first: tonnes buyers take beyond `tonnes` when the price falls to
    /// each step's value.
    pub beyond: Vec<Tier>,
    /// Line in `demand.csv`.
    pub line: u64,
}

impl Demand {
    /// Tonnes with no substitute: what no tier holds, valued at the floor.
    pub fn critical(&self) -> f64 {
        (self.tonnes - self.tiers.iter().map(|t| t.tonnes).sum::<f64>()).max(0.0)
    }
}

/// The two sides of a demand curve around its reference quantity.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Curve {
    /// Steps above the reference price: tonnes given up, cheapest first.
    pub tiers: Vec<Tier>,
    /// Steps below the reference price: tonnes taken beyond the reference
    /// quantity, most valued first.
    pub beyond: Vec<Tier>,
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
/// given by a reference price and an elasticity is stepped above it: finer
/// near the reference, where markets clear.
pub const CURVE_STEPS: [f64; 8] = [1.05, 1.1, 1.25, 1.5, 2.0, 3.0, 5.0, 10.0];

/// The same below the reference price.
pub const CURVE_STEPS_BELOW: [f64; 4] = [0.95, 0.9, 0.8, 0.6];

/// The steps of the constant-elasticity demand curve `q(p) = tonnes ×
/// (p / price)^elasticity` between `price × 0.6` and `price × 10`. Each
/// step holds the tonnes between two neighbouring prices of
/// [`CURVE_STEPS_BELOW`], 1 and [`CURVE_STEPS`], valued at the lower of
/// the two: buyers keep them while the price is at most that. Above the
/// reference price they are given up as the price rises (the first step
/// valued at the reference price itself, so a market a little short of
/// its reference quantity clears there); below it they are taken beyond
/// `tonnes` as the price falls (the first valued at 0.95 × the reference
/// price). Steps valued at or above `floor` are left out: those tonnes stay
/// critical, at the floor. Below 0.6 × the reference price buyers take no
/// more.
pub fn curve_tiers(tonnes: f64, price: f64, elasticity: f64, floor: f64) -> Curve {
    let q = |m: f64| tonnes * m.powf(elasticity);
    let mut curve = Curve::default();
    let mut low = 1.0_f64;
    for high in CURVE_STEPS {
        let value = price * low;
        if value >= floor {
            break;
        }
        let given_up = q(low) - q(high);
        if given_up > 0.0 {
            curve.tiers.push(Tier {
                tonnes: given_up,
                value,
            });
        }
        low = high;
    }
    let mut high = 1.0_f64;
    for low in CURVE_STEPS_BELOW {
        let more = q(low) - q(high);
        if more > 0.0 {
            curve.beyond.push(Tier {
                tonnes: more,
                value: price * low,
            });
        }
        high = low;
    }
    curve
}
