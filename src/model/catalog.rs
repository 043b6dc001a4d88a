//! What the chain is made of: countries, commodities and their stages, and
//! the processes (recipes) that turn one commodity into another.

use serde::Serialize;

use super::schema;
use super::CommodityId;

/// A country (or economy).
#[derive(Debug, Clone, Serialize)]
pub struct Country {
    /// ISO code, e.g. `CN`.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Transport region, used by `transport.csv`.
    pub region: String,
    /// Groups it belongs to, e.g. `feoc`.
    pub groups: Vec<String>,
}

/// Stage of a commodity in the chain, upstream first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Run-of-mine ore.
    Ore,
    /// Mineral concentrate.
    Concentrate,
    /// Mixed rare-earth compound (carbonate, chloride...).
    MixedCompound,
    /// Separated oxide.
    Oxide,
    /// Metal.
    Metal,
    /// Alloy.
    Alloy,
    /// Permanent magnet.
    Magnet,
    /// Scrap for recycling.
    Scrap,
}

impl Stage {
    /// Parses the word used in `commodities.csv`.
    pub fn parse(s: &str) -> Option<Stage> {
        Some(match s {
            "ore" => Stage::Ore,
            "concentrate" => Stage::Concentrate,
            "mixed-compound" => Stage::MixedCompound,
            "oxide" => Stage::Oxide,
            "metal" => Stage::Metal,
            "alloy" => Stage::Alloy,
            "magnet" => Stage::Magnet,
            "scrap" => Stage::Scrap,
            _ => return None,
        })
    }

    /// The word used in the data files.
    pub fn as_str(self) -> &'static str {
        schema::STAGES[self as usize]
    }
}

/// A material.
#[derive(Debug, Clone, Serialize)]
pub struct Commodity {
    /// Id used in the data files.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Stage.
    pub stage: Stage,
    /// Unit of quantity (default `t`).
    pub unit: String,
    /// Customs value, $/t, used for ad-valorem tariffs.
    pub ref_value: f64,
    /// Cost of disposing of one unit of surplus, $/t (may be negative for a
    /// by-product that sells outside the model).
    pub disposal_cost: f64,
}

/// A recipe: coefficients per unit of activity (negative = input).
#[derive(Debug, Clone, Serialize)]
pub struct Process {
    /// Id used in the data files.
    pub id: String,
    /// (commodity, coefficient), sorted by commodity; never two for one commodity.
    pub terms: Vec<(CommodityId, f64)>,
}

impl Process {
    /// The coefficient of `c`, 0 when the recipe does not mention it.
    pub fn coef(&self, c: CommodityId) -> f64 {
        self.terms
            .iter()
            .find(|(k, _)| *k == c)
            .map_or(0.0, |(_, v)| *v)
    }

    /// Commodities the recipe produces.
    pub fn outputs(&self) -> impl Iterator<Item = CommodityId> + '_ {
        self.terms.iter().filter(|t| t.1 > 0.0).map(|t| t.0)
    }

    /// Tonnes of product a unit of activity makes, every output together.
    pub fn product_tonnes(&self) -> f64 {
        self.terms.iter().filter(|t| t.1 > 0.0).map(|t| t.1).sum()
    }

    /// Commodities the recipe consumes.
    pub fn inputs(&self) -> impl Iterator<Item = CommodityId> + '_ {
        self.terms.iter().filter(|t| t.1 < 0.0).map(|t| t.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_words_round_trip() {
        for w in schema::STAGES {
            assert_eq!(Stage::parse(w).unwrap().as_str(), *w);
        }
    }
}
