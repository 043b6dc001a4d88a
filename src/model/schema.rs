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
    /// For a number column, the largest magnitude it accepts (documented in
    /// `models/README.md`); `None` for other columns.
    pub limit: Option<f64>,
}

impl Column {
    /// The same column, accepting magnitudes up to `limit`.
    const fn up_to(self, limit: f64) -> Column {
        Column {
            limit: Some(limit),
            ..self
        }
    }
}

/// The ranges every number of a model is held to, so that no coefficient,
/// bound or right-hand side comes near what HiGHS reads as infinite
/// (1e20), and no cost overflows. `models/README.md` documents each one.
pub mod limits {
    /// Tonnes (or activity units) per year: capacities, demand, lane
    /// capacities, export caps, and what a facility at full capacity takes
    /// in or puts out of each commodity of its recipe. A trillion tonnes a
    /// year is hundreds of times the world's iron ore output: room for any
    /// unit (kg, even g, of rare earths) yet 1e8 below HiGHS's infinity.
    pub const QUANTITY: f64 = 1e12;
    /// Money per tonne or unit of activity: costs, reference values,
    /// duties and shortage penalties (the same bound as `shortage_penalty`
    /// in `model.toml`). The dearest material in the default model is
    /// 1.25e6 $/t; a weak currency needs a larger unit (thousands).
    pub const PRICE: f64 = 1e9;
    /// Money per year: `fixed_cost`.
    pub const PER_YEAR: f64 = 1e12;
    /// Money once: `build_cost`.
    pub const CAPITAL: f64 = 1e13;
    /// Recipe coefficients, in magnitude: (`COEF_MIN`, `COEF`]. HiGHS drops
    /// matrix entries of 1e-9 and less (`small_matrix_value`) as zeros.
    pub const COEF: f64 = 1e9;
    /// The largest magnitude a recipe coefficient may not have: HiGHS
    /// would drop it.
    pub const COEF_MIN: f64 = 1e-9;
    /// A tariff rate (`ad_valorem`): 1000 = 100,000%.
    pub const RATE: f64 = 1e3;
    /// Whole years (`lead_years`, `lifetime`).
    pub const YEARS: f64 = 1e3;
    /// The most one row can cost (or earn) in one year at its largest: a
    /// facility at full capacity (its variable cost, or the disposal of all
    /// of one output), a demand segment wholly unserved, a lane used to
    /// its capacity. 1e15 is ten times the world's yearly output.
    pub const COST_PER_YEAR: f64 = 1e15;
    /// The most a period may weigh: the sum of the discount factors of its
    /// years (100 for a century undiscounted). With [`COST_PER_YEAR`], no
    /// term of the objective exceeds 1e18, a hundredth of HiGHS's infinity.
    pub const PERIOD_WEIGHT: f64 = 1e3;
    /// The most an own-price elasticity of demand may be in magnitude: at
    /// -10 a price 10% above the reference gives up 61% of the tonnes.
    pub const ELASTICITY: f64 = 10.0;

    /// A number as shown in a message about a limit: plain when it is
    /// readable so (`8000`, `0.25`), in exponent form otherwise (`1e12`).
    pub fn show(x: f64) -> String {
        let a = x.abs();
        if a == 0.0 || (1e-3..1e7).contains(&a) {
            format!("{x}")
        } else {
            format!("{x:e}")
        }
    }
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
        limit: None,
    }
}

const fn opt(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        required: false,
        limit: None,
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
        req("ref_value", Kind::NonNegative).up_to(limits::PRICE),
        opt("disposal_cost", Kind::Number).up_to(limits::PRICE),
    ],
};

/// `processes.csv`
pub const PROCESSES: Table = Table {
    file: "processes.csv",
    required: true,
    columns: &[
        req("process", Kind::Id),
        req("commodity", Kind::Id),
        req("coef", Kind::Number).up_to(limits::COEF),
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
        req("capacity", Kind::NonNegative).up_to(limits::QUANTITY),
        req("status", Kind::Word(STATUSES)),
        opt("online_year", Kind::Year),
        opt("closure_year", Kind::Year),
        opt("ramp_up", Kind::List),
        opt("variable_cost", Kind::NonNegative).up_to(limits::PRICE),
        opt("fixed_cost", Kind::NonNegative).up_to(limits::PER_YEAR),
        opt("build_cost", Kind::NonNegative).up_to(limits::CAPITAL),
        opt("lead_years", Kind::NonNegative).up_to(limits::YEARS),
        opt("lifetime", Kind::NonNegative).up_to(limits::YEARS),
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
        req("cost", Kind::NonNegative).up_to(limits::PRICE),
        opt("capacity", Kind::NonNegative).up_to(limits::QUANTITY),
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
        req("cost", Kind::NonNegative).up_to(limits::PRICE),
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
        req("tonnes", Kind::NonNegative).up_to(limits::QUANTITY),
        opt("shortage_penalty", Kind::NonNegative).up_to(limits::PRICE),
        opt("price", Kind::NonNegative).up_to(limits::PRICE),
        opt("elasticity", Kind::Number),
        opt("tiers", Kind::List),
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
        opt("ad_valorem", Kind::NonNegative).up_to(limits::RATE),
        opt("specific", Kind::NonNegative).up_to(limits::PRICE),
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
        req("cap", Kind::NonNegative).up_to(limits::QUANTITY),
        opt("periods", Kind::Periods),
        opt("end_use", Kind::Id),
        opt("scope", Kind::Word(SCOPES)),
    ],
};

/// Where an export control applies: `direct` (shipments leaving the
/// exporters) or `origin` (every tonne of the exporters' handling).
pub const SCOPES: &[&str] = &["direct", "origin"];

/// `content_rules.csv`
pub const CONTENT_RULES: Table = Table {
    file: "content_rules.csv",
    required: false,
    columns: &[
        req("id", Kind::Id),
        req("market", Kind::Id),
        opt("sector", Kind::Id),
        opt("commodity", Kind::List),
        req("origin", Kind::Id),
        opt("stages", Kind::List),
        opt("max_share", Kind::Fraction),
        opt("periods", Kind::Periods),
        opt("premium", Kind::NonNegative).up_to(limits::PRICE),
    ],
};

/// Contract kinds.
pub const CONTRACT_KINDS: &[&str] = &["offtake", "credit"];

/// `contracts.csv`
pub const CONTRACTS: Table = Table {
    file: "contracts.csv",
    required: false,
    columns: &[
        req("id", Kind::Id),
        req("kind", Kind::Word(CONTRACT_KINDS)),
        req("facility", Kind::Id),
        opt("share", Kind::Fraction),
        opt("credit", Kind::NonNegative).up_to(limits::PRICE),
        opt("penalty", Kind::NonNegative).up_to(limits::PRICE),
        opt("periods", Kind::Periods),
        opt("buyer", Kind::Id),
    ],
};

/// `end_of_life.csv`
pub const END_OF_LIFE: Table = Table {
    file: "end_of_life.csv",
    required: false,
    columns: &[
        req("facility", Kind::Id),
        req("country", Kind::Id),
        opt("sector", Kind::Id),
        req("commodity", Kind::Id),
        req("lifetime", Kind::NonNegative).up_to(limits::YEARS),
        req("share", Kind::Fraction),
    ],
};

/// `swarf.csv`
pub const SWARF: Table = Table {
    file: "swarf.csv",
    required: false,
    columns: &[
        req("facility", Kind::Id),
        req("country", Kind::Id),
        req("process", Kind::Id),
        req("share", Kind::Fraction),
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

/// `stockpiles.csv`
pub const STOCKPILES: Table = Table {
    file: "stockpiles.csv",
    required: false,
    columns: &[
        req("id", Kind::Id),
        req("holder", Kind::Id),
        req("commodity", Kind::Id),
        opt("initial", Kind::NonNegative).up_to(limits::QUANTITY),
        opt("capacity", Kind::NonNegative).up_to(limits::QUANTITY),
        opt("holding_cost", Kind::NonNegative).up_to(limits::PRICE),
        opt("max_build", Kind::NonNegative).up_to(limits::QUANTITY),
        opt("max_release", Kind::NonNegative).up_to(limits::QUANTITY),
        opt("release_periods", Kind::Periods),
        opt("origin", Kind::Word(STOCK_ORIGINS)),
        opt("final_value", Kind::NonNegative).up_to(limits::PRICE),
    ],
};

/// What a stock's material counts as at a facility split by origin class:
/// `tainted` (the most tainted class there, the default) or `clean` (the
/// class of what the facility makes from clean inputs).
pub const STOCK_ORIGINS: &[&str] = &["tainted", "clean"];

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
    CONTENT_RULES,
    CONTRACTS,
    END_OF_LIFE,
    SWARF,
    PORTFOLIOS,
    STOCKPILES,
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
