//! Typed indices into the model's tables, and sets of them as written in
//! the data (a country, a group, `all`...). Nothing here knows what the
//! tables hold; see the sibling modules for that.

use serde::Serialize;

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub struct $name(pub usize);

        impl Index for $name {
            fn index(self) -> usize {
                self.0
            }
        }
    };
}

index_type!(
    /// Index into [`Model::countries`](super::Model::countries).
    CountryId
);
index_type!(
    /// Index into [`Model::commodities`](super::Model::commodities).
    CommodityId
);
index_type!(
    /// Index into [`Model::processes`](super::Model::processes).
    ProcessId
);
index_type!(
    /// Index into [`Model::facilities`](super::Model::facilities).
    FacilityId
);
index_type!(
    /// Index into [`Model::periods`](super::Model::periods).
    PeriodId
);

/// The word that stands for every country, commodity or period.
pub const ALL: &str = "all";

/// An index type: a position in one of the model's tables.
pub trait Index: Copy {
    /// The position.
    fn index(self) -> usize;
}

/// A set of ids of one kind, as written in the data: countries (a country,
/// a group, or `all`), commodities (ids, stages, or `all`) or periods.
#[derive(Debug, Clone, Serialize)]
pub struct IdSet<I> {
    /// As written in the data.
    pub label: String,
    /// Membership per index.
    #[serde(skip)]
    members: Vec<bool>,
    #[serde(skip)]
    kind: std::marker::PhantomData<I>,
}

impl<I: Index> IdSet<I> {
    /// A set from its label and its membership per index.
    pub fn new(label: String, members: Vec<bool>) -> Self {
        IdSet {
            label,
            members,
            kind: std::marker::PhantomData,
        }
    }

    /// Does the set hold `id`?
    pub fn contains(&self, id: I) -> bool {
        self.members[id.index()]
    }
}

/// A set of countries.
pub type CountrySet = IdSet<CountryId>;
/// A set of commodities.
pub type CommoditySet = IdSet<CommodityId>;
/// A set of periods.
pub type PeriodSet = IdSet<PeriodId>;
