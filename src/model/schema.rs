//! The columns of every model file, as data.
//!
//! This is the single list of what the loader reads. `models/README.md`
//! documents the same columns, one table per file, and a test checks that the
//! two agree. The loader refuses a column that is not listed here.

/// What a column holds; decides how a cell is parsed and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An identifier: letters, digits, `_`, `-`, `.`.
    Id,
    /// Free text.
    Text,
    /// A finite number, any sign.
    Number,
    /// A finite number >= 0.
    NonNegative,
    /// A finite number in [0, 1].
    Fraction,
    /// A calendar year (integer).
    Year,
    /// A period set: empty (all), a label, `FROM-TO`, or labels separated by spaces.
    Periods,
    /// Words separated by spaces.
    List,
    /// One of the listed words.
    Word(&'static [&'static str]),
}

impl Kind {
    /// The type as documented in `models/README.md`.
    pub fn doc_name(self) -> &'static str {
        match self {
            Kind::Id => "id",
            Kind::Text => "text",
            Kind::Number => "number",
            Kind::NonNegative => "number >= 0",
            Kind::Fraction => "number in [0, 1]",
            Kind::Year => "year",
            Kind::Periods => "periods",
            Kind::List => "list",
            Kind::Word(_) => "word",
        }
    }
}

/// One column of a table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Header name.
    pub name: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Must the header be present (and the cell non-empty)?
    pub required: bool,
}

/// One CSV file of a model.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// File name inside the model directory.
    pub file: &'static str,
    /// Must the file exist?
    pub required: bool,
    /// Its columns.
    pub columns: &'static [Column],
}

impl Table {
    /// The column called `name`, if the table has one.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

const fn req(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        required: true,
    }
}

const fn opt(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        required: false,
    }
}

/// The stages a commodity can be at, upstream first.
pub const STAGES: &[&str] = &[
    "ore",
    "concentrate",
    "mixed-compound",
    "oxide",
    "metal",
    "alloy",
    "magnet",
    "scrap",
];

/// Facility statuses.
pub const STATUSES: &[&str] = &[
    "operating",
    "construction",
    "planned",
    "candidate",
    "closed",
];

/// `countries.csv`
pub const COUNTRIES: Table = Table {
    file: "countries.csv",
    required: true,
    columns: &[
        req("code", Kind::Id),
        req("name", Kind::Text),
        req("region", Kind::Id),
        opt("groups", Kind::List),
    ],
};

/// `commodities.csv`
pub const COMMODITIES: Table = Table {
    file: "commodities.csv",
    required: true,
    columns: &[
        req("id", Kind::Id),
        opt("name", Kind::Text),
        req("stage", Kind::Word(STAGES)),
        opt("unit", Kind::Text),
        req("ref_value", Kind::NonNegative),
        opt("disposal_cost", Kind::Number),
    ],
};

/// `processes.csv`
pub const PROCESSES: Table = Table {
    file: "processes.csv",
    required: true,
    columns: &[
        req("process", Kind::Id),
        req("commodity", Kind::Id),
        req("coef", Kind::Number),
    ],
};

/// `facilities.csv`
pub const FACILITIES: Table = Table {
    file: "facilities.csv",
    required: true,
    columns: &[
        req("id", Kind::Id),
        opt("name", Kind::Text),
        opt("operator", Kind::Text),
        req("country", Kind::Id),
        req("process", Kind::Id),
        req("capacity", Kind::NonNegative),
        req("status", Kind::Word(STATUSES)),
        opt("online_year", Kind::Year),
        opt("closure_year", Kind::Year),
        opt("ramp_up", Kind::List),
        opt("variable_cost", Kind::NonNegative),
        opt("fixed_cost", Kind::NonNegative),
        opt("build_cost", Kind::NonNegative),
        opt("lead_years", Kind::NonNegative),
        opt("lifetime", Kind::NonNegative),
    ],
};

/// `lanes.csv`
pub const LANES: Table = Table {
    file: "lanes.csv",
    required: false,
    columns: &[
        req("from", Kind::Id),
        req("to", Kind::Id),
        req("commodity", Kind::Id),
        req("cost", Kind::NonNegative),
        opt("capacity", Kind::NonNegative),
    ],
};

/// `transport.csv`
pub const TRANSPORT: Table = Table {
    file: "transport.csv",
    required: false,
    columns: &[
        req("from_region", Kind::Id),
        req("to_region", Kind::Id),
        req("commodity", Kind::Id),
        req("cost", Kind::NonNegative),
    ],
};

/// `demand.csv`
pub const DEMAND: Table = Table {
    file: "demand.csv",
    required: true,
    columns: &[
        req("country", Kind::Id),
        req("sector", Kind::Id),
        req("commodity", Kind::Id),
        req("period", Kind::Id),
        req("tonnes", Kind::NonNegative),
        opt("shortage_penalty", Kind::NonNegative),
    ],
};

/// `tariffs.csv`
pub const TARIFFS: Table = Table {
    file: "tariffs.csv",
    required: false,
    columns: &[
        opt("name", Kind::Text),
        req("importer", Kind::Id),
        req("exporter", Kind::Id),
        req("commodity", Kind::List),
        opt("ad_valorem", Kind::NonNegative),
        opt("specific", Kind::NonNegative),
        opt("periods", Kind::Periods),
    ],
};

/// `export_controls.csv`
pub const EXPORT_CONTROLS: Table = Table {
    file: "export_controls.csv",
    required: false,
    columns: &[
        req("id", Kind::Id),
        req("exporter", Kind::Id),
        req("commodity", Kind::List),
        req("destination", Kind::Id),
        req("cap", Kind::NonNegative),
        opt("periods", Kind::Periods),
    ],
};

/// Portfolio modes.
pub const PORTFOLIO_MODES: &[&str] = &["force", "allow"];

/// `portfolios.csv`
pub const PORTFOLIOS: Table = Table {
    file: "portfolios.csv",
    required: false,
    columns: &[
        req("portfolio", Kind::Id),
        req("facility", Kind::Id),
        req("mode", Kind::Word(PORTFOLIO_MODES)),
    ],
};

/// Every CSV table, in the order they are loaded and documented.
pub const TABLES: &[Table] = &[
    COUNTRIES,
    COMMODITIES,
    PROCESSES,
    FACILITIES,
    LANES,
    TRANSPORT,
    DEMAND,
    TARIFFS,
    EXPORT_CONTROLS,
    PORTFOLIOS,
];

/// The keys of `model.toml`, with whether each is required.
pub const SETTINGS_KEYS: &[(&str, bool)] = &[
    ("name", true),
    ("description", false),
    ("currency", false),
    ("base_year", false),
    ("discount_rate", false),
    ("shortage_penalty", true),
    ("first_year", false),
    ("last_year", false),
    ("periods", false),
    ("build_budget", false),
    ("build_budget_per_period", false),
    ("min_builds", false),
    ("max_builds", false),
];

/// The keys of one `[[periods]]` entry of `model.toml`.
pub const PERIOD_KEYS: &[(&str, bool)] = &[("label", true), ("start", true), ("years", false)];
