//! A structure-aware fuzzer for the loader, on stable Rust.
//!
//! Each case starts from every file of models/tiny with content rules and
//! export controls by end use added, of that model with candidates,
//! portfolios, lanes, defence demand and an origin-scope control added, or
//! of models/global (scenarios included), applies one to four mutations
//! that know what a model looks like (a number cell set to an extreme, an
//! id cell pointed elsewhere, a row deleted or doubled, a header renamed, a
//! cell holding a quote or a newline, a byte flipped, a file emptied or
//! deleted, a `model.toml` key removed or mistyped, a scenario operation
//! aimed at nothing, a rule added, aimed at its own market or at a sector
//! nobody demands, more origin signatures than the model may name), then
//! loads, checks and solves the result through the library,
//! in memory. Whatever the input, rareflow must not panic and must answer
//! with a verified plan, bad data (exit 3) or missing input (exit 4), or,
//! only when the model has no plan for a reason it cannot know before
//! solving, no plan (exit 6); never an internal error (1) or a plan that
//! fails its own check (7). Some cases are gentle: their numbers stay
//! within the documented ranges, so the model reaches the solver with
//! extreme data.
//!
//! A failing case is printed with its seed, number and mutations, shrunk to
//! the fewest mutations that still fail the same way, and can be replayed
//! alone:
//!
//! ```sh
//! RAREFLOW_FUZZ_SEED=… RAREFLOW_FUZZ_CASE=… cargo test --test integration fuzz::replay -- --ignored --nocapture
//! ```
//!
//! `cargo test` runs a few hundred cases; the long run is
//! `cargo test --test integration fuzz::long_run -- --ignored --nocapture`,
//! for `RAREFLOW_FUZZ_SECONDS` seconds (default 600) on
//! `RAREFLOW_FUZZ_THREADS` threads (default: every core), from
//! `RAREFLOW_FUZZ_SEED`. The dev profile is the one to use: it builds the
//! dependencies (HiGHS) optimised, and keeps rareflow's overflow checks and
//! debug assertions, which turn more defects into failures.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, Once, OnceLock};
use std::time::{Duration, Instant};

use rareflow::error::{Error, Severity};
use rareflow::model::schema::{Kind, TABLES};
use rareflow::solver::{SolveOptions, SolveStatus};

use crate::common::{files_source, model_files, Files};

/// The seed of the bounded run in `cargo test`.
const DEFAULT_SEED: u64 = 0x7261_7265_666c_6f77;
/// Cases of the bounded run.
const BOUNDED_CASES: u64 = 500;
/// A case (load, check, solve) slower than this is a failure: the solver's
/// own time limit is a few seconds, and loading is milliseconds.
const SLOW: Duration = Duration::from_secs(30);
/// The solver's time limit per case.
const TIME_LIMIT: f64 = 5.0;

// ---------------------------------------------------------------- PRNG --

/// splitmix64: small, fast, and the same on every platform.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    /// The generator of case `n` of the run seeded `seed`: every case can
    /// be regenerated on its own.
    fn for_case(seed: u64, n: u64) -> Rng {
        let mut r = Rng(seed ^ n.wrapping_mul(0xd1b5_4a32_d192_ed03));
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True one time in `n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

// --------------------------------------------------------------- seeds --

/// The model a case starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base {
    /// models/tiny with content rules and export controls by end use (see
    /// `add_rules`).
    Tiny,
    /// models/tiny with what it leaves out: candidates with build costs,
    /// lead times and lifetimes, portfolios, build limits, written lanes,
    /// defence demand under a ban and an origin-scope control.
    TinyPlus,
    Global,
}

/// models/tiny with three candidates, two portfolios, a build budget and
/// a cap on builds, two written lanes, defence demand and more rules.
fn tiny_plus() -> Files {
    let mut files = model_files("tiny");
    let text = |files: &Files, name: &str| String::from_utf8(files[name].clone()).unwrap();
    let facilities: Vec<String> = text(&files, "facilities.csv")
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l},build_cost,lead_years,lifetime")
            } else {
                format!("{l},,,")
            }
        })
        .chain([
            "jp_magnet,JP magnets,jp,JP,make_magnet,100,candidate,,,,9000,0,5e7,1,10".into(),
            "us_magnet,US magnets,us,US,make_magnet,150,candidate,,,0.5,12000,0,8e7,0,".into(),
            "au_sep,AU separation,weld,AU,separate,300,candidate,,,,700,0,3e7,1,".into(),
        ])
        .collect();
    files.insert(
        "facilities.csv".into(),
        (facilities.join("\n") + "\n").into_bytes(),
    );
    files.insert(
        "lanes.csv".into(),
        b"from,to,commodity,cost,capacity\nweld_mine,baotou_sep,conc,10,1000\ncn_magnet,JP,magnet,100,\n"
            .to_vec(),
    );
    files.insert(
        "portfolios.csv".into(),
        b"portfolio,facility,mode\njapan,jp_magnet,force\nwest,jp_magnet,allow\nwest,us_magnet,allow\nwest,au_sep,force\n"
            .to_vec(),
    );
    let transport = text(&files, "transport.csv")
        + "asia,americas,metal,400\noceania,oceania,concentrate,30\noceania,asia,oxide,80\n";
    files.insert("transport.csv".into(), transport.into_bytes());
    let settings = text(&files, "model.toml") + "build_budget = 1e8\nmax_builds = 2\n";
    files.insert("model.toml".into(), settings.into_bytes());
    add_rules(&mut files, true);
    files
}

/// Content rules and export controls with an end use and a scope, for the
/// tiny-based seeds. Both get a 50% FEOC share on US electric-vehicle
/// magnets, a 2026 ban on Myanmar-mined material for Japan, and a second
/// Chinese control narrowed to Japan's electric vehicles (`direct`);
/// `plus` adds US defence demand in 2026, a FEOC ban on it and China's
/// denial of its material to defence anywhere (`origin`): three origin
/// signatures of the four a model may name.
fn add_rules(files: &mut Files, plus: bool) {
    let text = |files: &Files, name: &str| String::from_utf8(files[name].clone()).unwrap();
    let mut rules = "id,market,sector,commodity,origin,stages,max_share,periods\n\
                     us-ev-feoc,US,ev,magnet,feoc,,0.5,\n\
                     jp-no-mm,JP,all,all,MM,mined,0,2026\n"
        .to_string();
    let mut controls: Vec<String> = text(files, "export_controls.csv")
        .lines()
        .enumerate()
        .map(|(i, l)| match i {
            0 => format!("{l},end_use,scope"),
            _ if l.is_empty() || l.starts_with('#') => l.to_string(),
            _ => format!("{l},,"),
        })
        .collect();
    controls.push("cn-magnets-jp-ev,CN,magnet,JP,150,2026,ev,direct".into());
    if plus {
        rules.push_str("us-defence,US,defence,magnet,feoc,all,0,\n");
        controls.push("cn-military,CN,magnet,all,0,,defence,origin".into());
        let demand = text(files, "demand.csv") + "US,defence,magnet,2026,50,\n";
        files.insert("demand.csv".into(), demand.into_bytes());
    }
    files.insert("content_rules.csv".into(), rules.into_bytes());
    files.insert(
        "export_controls.csv".into(),
        (controls.join("\n") + "\n").into_bytes(),
    );
}

/// models/tiny with its rules (see [`add_rules`]).
fn tiny() -> Files {
    let mut files = model_files("tiny");
    add_rules(&mut files, false);
    files
}

fn seed_files(base: Base) -> &'static Files {
    static TINY: OnceLock<Files> = OnceLock::new();
    static TINY_PLUS: OnceLock<Files> = OnceLock::new();
    static GLOBAL: OnceLock<Files> = OnceLock::new();
    match base {
        Base::Tiny => TINY.get_or_init(tiny),
        Base::TinyPlus => TINY_PLUS.get_or_init(tiny_plus),
        Base::Global => GLOBAL.get_or_init(|| model_files("global")),
    }
}

// ----------------------------------------------------------- mutations --

/// One change to a model's files. Rows and columns are counted in the
/// file as it is when the mutation applies (rows: data lines after the
/// header, comments and blank lines skipped); one that points past the end
/// changes nothing, so dropping an earlier mutation while shrinking never
/// makes a later one fail to apply.
#[derive(Clone)]
enum Mutation {
    /// A cell set to `value`, written as is (no quoting).
    SetCell {
        file: String,
        row: usize,
        col: usize,
        value: String,
    },
    /// Every cell of a column set to `value`.
    SetColumn {
        file: String,
        col: usize,
        value: String,
    },
    DeleteRow {
        file: String,
        row: usize,
    },
    DuplicateRow {
        file: String,
        row: usize,
    },
    RenameHeader {
        file: String,
        col: usize,
        name: String,
    },
    /// Two header names swapped: the data stays under the wrong names.
    SwapHeaders {
        file: String,
        a: usize,
        b: usize,
    },
    /// Two whole columns swapped, header and data: the same table.
    SwapColumns {
        file: String,
        a: usize,
        b: usize,
    },
    FlipByte {
        file: String,
        at: usize,
        xor: u8,
    },
    InsertByte {
        file: String,
        at: usize,
        byte: u8,
    },
    DeleteByte {
        file: String,
        at: usize,
    },
    Empty {
        file: String,
    },
    Delete {
        file: String,
    },
    /// A `key = value` line of a TOML file replaced (appended when the key
    /// is absent), or removed when `value` is `None`.
    SetKey {
        file: String,
        key: String,
        value: Option<String>,
    },
    /// Text appended to a file, which is created when absent (a scenario
    /// operation, a `[[periods]]` list, an optional table).
    Append {
        file: String,
        text: String,
    },
}

impl fmt::Debug for Mutation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mutation::SetCell {
                file,
                row,
                col,
                value,
            } => write!(f, "{file}: row {row}, column {col} = {value:?}"),
            Mutation::SetColumn { file, col, value } => {
                write!(f, "{file}: every row, column {col} = {value:?}")
            }
            Mutation::DeleteRow { file, row } => write!(f, "{file}: delete row {row}"),
            Mutation::DuplicateRow { file, row } => write!(f, "{file}: duplicate row {row}"),
            Mutation::RenameHeader { file, col, name } => {
                write!(f, "{file}: header column {col} renamed {name:?}")
            }
            Mutation::SwapHeaders { file, a, b } => {
                write!(f, "{file}: header names {a} and {b} swapped")
            }
            Mutation::SwapColumns { file, a, b } => {
                write!(f, "{file}: columns {a} and {b} swapped")
            }
            Mutation::FlipByte { file, at, xor } => write!(f, "{file}: byte {at} ^= {xor:#04x}"),
            Mutation::InsertByte { file, at, byte } => {
                write!(f, "{file}: byte {byte:#04x} inserted at {at}")
            }
            Mutation::DeleteByte { file, at } => write!(f, "{file}: byte {at} deleted"),
            Mutation::Empty { file } => write!(f, "{file}: emptied"),
            Mutation::Delete { file } => write!(f, "{file}: deleted"),
            Mutation::SetKey { file, key, value } => match value {
                Some(v) => write!(f, "{file}: {key} = {v}"),
                None => write!(f, "{file}: {key} removed"),
            },
            Mutation::Append { file, text } => write!(f, "{file}: append {text:?}"),
        }
    }
}

impl Mutation {
    fn file(&self) -> &str {
        match self {
            Mutation::SetCell { file, .. }
            | Mutation::SetColumn { file, .. }
            | Mutation::DeleteRow { file, .. }
            | Mutation::DuplicateRow { file, .. }
            | Mutation::RenameHeader { file, .. }
            | Mutation::SwapHeaders { file, .. }
            | Mutation::SwapColumns { file, .. }
            | Mutation::FlipByte { file, .. }
            | Mutation::InsertByte { file, .. }
            | Mutation::DeleteByte { file, .. }
            | Mutation::Empty { file }
            | Mutation::Delete { file }
            | Mutation::SetKey { file, .. }
            | Mutation::Append { file, .. } => file,
        }
    }

    fn apply(&self, files: &mut Files) {
        if let Mutation::Append { file, text } = self {
            files
                .entry(file.clone())
                .or_default()
                .extend_from_slice(text.as_bytes());
            return;
        }
        if let Mutation::Delete { file } = self {
            files.remove(file);
            return;
        }
        let Some(bytes) = files.get_mut(self.file()) else {
            return;
        };
        match self {
            Mutation::SetCell {
                row, col, value, ..
            } => {
                let mut csv = Csv::parse(bytes);
                if let Some(cells) = csv.row_mut(*row) {
                    if let Some(cell) = cells.get_mut(*col) {
                        *cell = value.as_bytes().to_vec();
                    }
                }
                *bytes = csv.bytes();
            }
            Mutation::SetColumn { col, value, .. } => {
                let mut csv = Csv::parse(bytes);
                for i in csv.data.clone() {
                    if let Some(cell) = csv.lines[i].get_mut(*col) {
                        *cell = value.as_bytes().to_vec();
                    }
                }
                *bytes = csv.bytes();
            }
            Mutation::DeleteRow { row, .. } => {
                let mut csv = Csv::parse(bytes);
                if let Some(&i) = csv.data.get(*row) {
                    csv.lines.remove(i);
                }
                *bytes = csv.bytes();
            }
            Mutation::DuplicateRow { row, .. } => {
                let mut csv = Csv::parse(bytes);
                if let Some(&i) = csv.data.get(*row) {
                    let line = csv.lines[i].clone();
                    csv.lines.insert(i + 1, line);
                }
                *bytes = csv.bytes();
            }
            Mutation::RenameHeader { col, name, .. } => {
                let mut csv = Csv::parse(bytes);
                if let Some(cell) = csv.header_mut().and_then(|h| h.get_mut(*col)) {
                    *cell = name.as_bytes().to_vec();
                }
                *bytes = csv.bytes();
            }
            Mutation::SwapHeaders { a, b, .. } => {
                let mut csv = Csv::parse(bytes);
                if let Some(h) = csv.header_mut() {
                    if *a < h.len() && *b < h.len() {
                        h.swap(*a, *b);
                    }
                }
                *bytes = csv.bytes();
            }
            Mutation::SwapColumns { a, b, .. } => {
                let mut csv = Csv::parse(bytes);
                let rows: Vec<usize> = csv.header.into_iter().chain(csv.data.clone()).collect();
                for i in rows {
                    let line = &mut csv.lines[i];
                    if *a < line.len() && *b < line.len() {
                        line.swap(*a, *b);
                    }
                }
                *bytes = csv.bytes();
            }
            Mutation::FlipByte { at, xor, .. } => {
                if let Some(b) = bytes.get_mut(*at) {
                    *b ^= xor;
                }
            }
            Mutation::InsertByte { at, byte, .. } => {
                let at = (*at).min(bytes.len());
                bytes.insert(at, *byte);
            }
            Mutation::DeleteByte { at, .. } => {
                if *at < bytes.len() {
                    bytes.remove(*at);
                }
            }
            Mutation::Empty { .. } => bytes.clear(),
            Mutation::SetKey { key, value, .. } => set_key(bytes, key, value.as_deref()),
            Mutation::Append { .. } | Mutation::Delete { .. } => unreachable!(),
        }
    }
}

/// A CSV file split naively into lines and comma-separated cells (no
/// quoting: the mutations are meant to break it).
struct Csv {
    /// Every line, split at commas.
    lines: Vec<Vec<Vec<u8>>>,
    /// The index of the header line.
    header: Option<usize>,
    /// The indices of the data lines.
    data: Vec<usize>,
}

impl Csv {
    fn parse(bytes: &[u8]) -> Csv {
        let lines: Vec<Vec<Vec<u8>>> = bytes
            .split(|&b| b == b'\n')
            .map(|l| l.split(|&b| b == b',').map(<[u8]>::to_vec).collect())
            .collect();
        let mut header = None;
        let mut data = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            let first = l[0].trim_ascii_start();
            let blank = l.len() == 1 && l[0].trim_ascii().is_empty();
            if blank || first.starts_with(b"#") {
                continue;
            }
            if header.is_none() {
                header = Some(i);
            } else {
                data.push(i);
            }
        }
        Csv {
            lines,
            header,
            data,
        }
    }

    fn header_mut(&mut self) -> Option<&mut Vec<Vec<u8>>> {
        self.header.map(|i| &mut self.lines[i])
    }

    fn row_mut(&mut self, row: usize) -> Option<&mut Vec<Vec<u8>>> {
        self.data.get(row).map(|&i| &mut self.lines[i])
    }

    /// The header names, as text.
    fn names(&self) -> Vec<String> {
        self.header.map_or_else(Vec::new, |i| {
            self.lines[i]
                .iter()
                .map(|c| String::from_utf8_lossy(c).trim().to_string())
                .collect()
        })
    }

    /// The cells of the column named `name`, as text.
    fn column(&self, name: &str) -> Vec<String> {
        let Some(k) = self.names().iter().position(|n| n == name) else {
            return Vec::new();
        };
        self.data
            .iter()
            .filter_map(|&i| self.lines[i].get(k))
            .map(|c| String::from_utf8_lossy(c).trim().to_string())
            .collect()
    }

    fn bytes(&self) -> Vec<u8> {
        let lines: Vec<Vec<u8>> = self.lines.iter().map(|l| l.join(&b","[..])).collect();
        lines.join(&b"\n"[..])
    }
}

/// Sets (or removes) `key = …` on its own line of a TOML file.
fn set_key(bytes: &mut Vec<u8>, key: &str, value: Option<&str>) {
    let mut lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    let at = lines.iter().position(|l| {
        let l = l.trim_ascii_start();
        l.starts_with(key.as_bytes()) && l[key.len()..].trim_ascii_start().starts_with(b"=")
    });
    let new = value.map(|v| format!("{key} = {v}").into_bytes());
    match (at, new) {
        (Some(i), Some(line)) => lines[i] = line,
        (Some(i), None) => {
            lines.remove(i);
        }
        // Before any table header, so the key stays at the top level.
        (None, Some(line)) => {
            let first_table = lines
                .iter()
                .position(|l| l.trim_ascii_start().starts_with(b"["))
                .unwrap_or(lines.len());
            lines.insert(first_table, line);
        }
        (None, None) => {}
    }
    *bytes = lines.join(&b"\n"[..]);
}

// ------------------------------------------------------- value pools --

/// Extreme and malformed numbers.
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "-1",
    "1e-300",
    "1e-10",
    "1e-9",
    "1e9",
    "1e12",
    "1e13",
    "1e15",
    "1e19",
    "1e25",
    "1e308",
    "-1e308",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "+Infinity",
    "1e400",
    "-1e400",
    "0x10",
    "1_000",
    " 5 ",
    "",
    "五",
    "1,5",
    "1e",
    ".",
    "-",
    "4.9e-324",
    "2.2250738585072014e-308",
    "0.5",
    "1",
    "2",
    "100",
    "-1e9",
];

/// Cells that break CSV or text in different ways.
const SPECIAL: &[&str] = &[
    "\"",
    "\"unterminated",
    "a\"b",
    "\"a,b\"",
    "\"a\nb\"",
    "\"a\n# b\"",
    "\n",
    "\n#",
    "#",
    "# x",
    ";",
    "a;b",
    "\t",
    "a\tb",
    "\0",
    "\r",
    "\r\n",
    "\u{feff}",
    "\u{feff}id",
    " ",
    "\\",
    "é",
    "五",
    "💥",
    "\u{202e}",
    "a b",
];

/// Words of the `Word` columns and near misses.
const WORDS: &[&str] = &[
    "operating",
    "construction",
    "planned",
    "candidate",
    "closed",
    "force",
    "allow",
    "ore",
    "concentrate",
    "oxide",
    "metal",
    "magnet",
    "scrap",
    "Operating",
    "CANDIDATE",
    "direct",
    "origin",
    "Origin",
    "indirect",
    "",
];

/// Sectors, for the columns that name one (`sector` of `demand.csv` and
/// `content_rules.csv`, `end_use` of `export_controls.csv`): those of the
/// seeds, `all`, and near misses.
const SECTORS: &[&str] = &[
    "ev",
    "defence",
    "all",
    "",
    "wind",
    "Defence",
    "defense",
    "ev defence",
    "ALL",
    "none",
];

/// Stage sets of `content_rules.csv`, good and bad.
const RULE_STAGE_SETS: &[&str] = &[
    "mined",
    "separated",
    "metal",
    "magnet",
    "all",
    "",
    "mined separated",
    "metal magnet",
    "separated metal magnet",
    "mined all",
    "magnet magnet",
    "oxide",
    "Mined",
    "mined,metal",
    "mining",
    "concentrate",
];

/// Shares of `max_share`, in [0, 1] and out.
const SHARES: &[&str] = &[
    "0",
    "0.1",
    "0.5",
    "1",
    "1e-9",
    "0.999999999",
    "-0",
    "-1e-9",
    "1.0000001",
    "2",
    "nan",
    "inf",
    "",
    "10%",
];

/// Years and period sets, good and bad.
const PERIODS: &[&str] = &[
    "2025",
    "2026",
    "2024",
    "2035",
    "2036",
    "2025..2026",
    "2026..2025",
    "2025..2035",
    "2025..",
    "..2026",
    "..",
    "2025 2026",
    "2025-2026",
    "1900",
    "1899",
    "2300",
    "2301",
    "1900..2300",
    "0",
    "-2025",
    "99999999999",
    "2025.5",
];

/// Ids that are not anything's.
const ODD_IDS: &[&str] = &[
    "all", "none", "", "nowhere", "feoc", "XX", "cn", "a b", "a/b", "..", "-",
];

/// Values of `model.toml` keys and scenario values, as TOML.
const TOML_VALUES: &[&str] = &[
    "\"x\"",
    "\"\"",
    "\"2025\"",
    "\"1e400\"",
    "\"nan\"",
    "0",
    "-0.0",
    "-1",
    "1",
    "2",
    "0.5",
    "0.999",
    "1.5",
    "1e-300",
    "1e9",
    "1e12",
    "1e13",
    "1e15",
    "1e19",
    "1e308",
    "nan",
    "inf",
    "-inf",
    "1e400",
    "99999999999999999999",
    "9223372036854775807",
    "-9223372036854775808",
    "2025",
    "2026",
    "2035",
    "2036",
    "2024",
    "1899",
    "2301",
    "true",
    "[1, 2]",
    "[]",
    "{ a = 1 }",
    "1_000",
    "0x10",
    "2025-01-01",
    "\"五\"",
];

/// The keys of `model.toml`, and one it does not have.
const SETTINGS_KEYS: &[&str] = &[
    "name",
    "description",
    "currency",
    "first_year",
    "last_year",
    "base_year",
    "discount_rate",
    "shortage_penalty",
    "build_budget",
    "build_budget_per_period",
    "min_builds",
    "max_builds",
    "colour",
];

/// A TOML basic string holding `s`.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The kind of column `name` of `file`, when the schema has it.
fn kind_of(file: &str, name: &str) -> Option<Kind> {
    TABLES
        .iter()
        .find(|t| t.file == file)
        .and_then(|t| t.column(name))
        .map(|c| c.kind)
}

/// Every id-like cell of the model: ids, codes, regions, processes,
/// commodities, sectors, portfolio names.
fn ids(files: &Files) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for t in TABLES {
        let Some(bytes) = files.get(t.file) else {
            continue;
        };
        let csv = Csv::parse(bytes);
        for c in t.columns.iter().filter(|c| c.kind == Kind::Id) {
            ids.extend(csv.column(c.name));
        }
    }
    ids.sort();
    ids.dedup();
    ids.retain(|s| !s.is_empty());
    ids
}

/// True when column `name` of `file` holds numbers with a range.
fn has_range(file: &str, name: &str) -> bool {
    TABLES
        .iter()
        .find(|t| t.file == file)
        .and_then(|t| t.column(name))
        .is_some_and(|c| c.limit.is_some() || c.kind == Kind::Fraction)
}

/// A number that column `name` of `file` accepts, at the edges of its
/// range (none for a column that is not a number).
fn in_range(rng: &mut Rng, file: &str, name: &str) -> Option<String> {
    let column = TABLES
        .iter()
        .find(|t| t.file == file)
        .and_then(|t| t.column(name))?;
    match (column.kind, column.limit) {
        (Kind::Number | Kind::NonNegative, Some(limit)) => {
            let v = limit
                * rng.pick(&[
                    0.0,
                    1.0,
                    0.5,
                    1e-3,
                    1e-6,
                    1e-9,
                    1e-12,
                    1e-300,
                    1.000_001e-18,
                    1.1e-18,
                ]);
            let v = if column.kind == Kind::Number && rng.one_in(2) {
                -v
            } else {
                v
            };
            Some(format!("{v:e}"))
        }
        (Kind::Fraction, _) => Some(
            rng.pick(&["0", "1", "1e-9", "0.999999999", "1e-300"])
                .to_string(),
        ),
        _ => None,
    }
}

/// A mutation that keeps the model valid, mostly: numbers within their
/// ranges, a horizon of several-year periods, build limits. Such models
/// reach the solver, where extreme data meet.
fn gentle_mutation(rng: &mut Rng, files: &Files) -> Mutation {
    if rng.one_in(8) {
        return periods(rng);
    }
    if rng.one_in(6) {
        return rule_mutation(rng, files, true);
    }
    if rng.one_in(6) {
        let (key, values): (&str, &[&str]) = *rng.pick(&[
            ("discount_rate", &["0", "0.5", "1", "1e-9"][..]),
            ("shortage_penalty", &["0", "1e-9", "1", "1e9"]),
            ("build_budget", &["0", "1e6", "5e7", "1e15"]),
            ("build_budget_per_period", &["0", "1e6", "5e7", "1e15"]),
            ("min_builds", &["0", "1", "2", "3"]),
            ("max_builds", &["0", "1", "2", "100000"]),
            ("base_year", &["1900", "2025", "2026", "2030", "2300"]),
        ]);
        return Mutation::SetKey {
            file: "model.toml".into(),
            key: key.into(),
            value: Some(rng.pick(values).to_string()),
        };
    }
    let numeric: Vec<(String, usize, String)> = files
        .iter()
        .filter(|(f, _)| f.ends_with(".csv"))
        .flat_map(|(f, b)| {
            let names = Csv::parse(b).names();
            names
                .into_iter()
                .enumerate()
                .filter(|(_, n)| kind_of(f, n).is_some_and(|k| k != Kind::Id))
                .map(|(k, n)| (f.clone(), k, n))
                .collect::<Vec<_>>()
        })
        .filter(|(f, _, n)| n == "ramp_up" || has_range(f, n))
        .collect();
    if numeric.is_empty() {
        return mutation(rng, files);
    }
    let (file, col, name) = rng.pick(&numeric).clone();
    let value = match in_range(rng, &file, &name) {
        Some(v) => v,
        None => cell_value(rng, files, &file, &name),
    };
    let (rows, _) = shape(files, &file);
    if rng.one_in(2) || rows == 0 {
        Mutation::SetColumn { file, col, value }
    } else {
        Mutation::SetCell {
            row: rng.below(rows),
            file,
            col,
            value,
        }
    }
}

/// The country sets of the model: its codes, its groups, and `all`.
fn country_sets(files: &Files) -> Vec<String> {
    let csv = files.get("countries.csv").map(|b| Csv::parse(b));
    let mut sets: Vec<String> = csv.iter().flat_map(|c| c.column("code")).collect();
    for groups in csv.iter().flat_map(|c| c.column("groups")) {
        sets.extend(groups.split_whitespace().map(str::to_string));
    }
    sets.push("all".into());
    sets.sort();
    sets.dedup();
    sets.retain(|s| !s.is_empty());
    sets
}

/// A value for a column of the rules (sectors, stages, shares, scopes,
/// country sets), most of the time; `None` for other columns, and now
/// and then for these, which then get the pools of their kind.
fn rule_cell(rng: &mut Rng, files: &Files, file: &str, name: &str) -> Option<String> {
    if rng.one_in(3) {
        return None;
    }
    let pool: &[&str] = match (file, name) {
        ("content_rules.csv" | "demand.csv", "sector") | ("export_controls.csv", "end_use") => {
            SECTORS
        }
        ("content_rules.csv", "stages") => RULE_STAGE_SETS,
        ("content_rules.csv", "max_share") => SHARES,
        ("export_controls.csv", "scope") => &["direct", "origin", "", "Origin", "both"],
        ("content_rules.csv", "market" | "origin")
        | ("export_controls.csv", "exporter" | "destination") => {
            let sets = country_sets(files);
            return Some(if sets.is_empty() || rng.one_in(6) {
                rng.pick(ODD_IDS).to_string()
            } else {
                rng.pick(&sets).clone()
            });
        }
        _ => return None,
    };
    Some(rng.pick(pool).to_string())
}

/// A value for a cell of column `name` of `file`: mostly one of its own
/// kind, sometimes any.
fn cell_value(rng: &mut Rng, files: &Files, file: &str, name: &str) -> String {
    if let Some(v) = rule_cell(rng, files, file, name) {
        return v;
    }
    let kind = if rng.one_in(5) {
        None
    } else {
        kind_of(file, name)
    };
    match kind {
        // Half the time a number the column accepts, at the edges of its
        // range: these reach the solver.
        Some(Kind::Number | Kind::NonNegative | Kind::Fraction) => {
            match in_range(rng, file, name).filter(|_| rng.one_in(2)) {
                Some(v) => v,
                None => rng.pick(NUMBERS).to_string(),
            }
        }
        Some(Kind::Id) => match rng.below(4) {
            0 => rng.pick(ODD_IDS).to_string(),
            // A duplicate: another row's value of the same column.
            1 => {
                let same = files
                    .get(file)
                    .map(|b| Csv::parse(b).column(name))
                    .unwrap_or_default();
                if same.is_empty() {
                    "dup".to_string()
                } else {
                    rng.pick(&same).clone()
                }
            }
            _ => {
                let all = ids(files);
                if all.is_empty() {
                    "x".to_string()
                } else {
                    rng.pick(&all).clone()
                }
            }
        },
        Some(Kind::Year | Kind::Periods) => rng.pick(PERIODS).to_string(),
        Some(Kind::Word(words)) => {
            if rng.one_in(2) {
                rng.pick(words).to_string()
            } else {
                rng.pick(WORDS).to_string()
            }
        }
        Some(Kind::List) if name == "ramp_up" && !rng.one_in(3) => rng
            .pick(&[
                "0.5", "0 0.5 1", "0 0 0", "1e-9", "1e-300 1", "0.3 0.7", "1 0", "1", "",
                "0.5,0.7", "-0",
            ])
            .to_string(),
        Some(Kind::List) => {
            let all = ids(files);
            let n = rng.below(4);
            let mut parts: Vec<String> = (0..n)
                .map(|_| {
                    if all.is_empty() || rng.one_in(4) {
                        rng.pick(ODD_IDS).to_string()
                    } else {
                        rng.pick(&all).clone()
                    }
                })
                .collect();
            if rng.one_in(3) {
                parts.push(rng.pick(NUMBERS).to_string());
            }
            parts.join(" ")
        }
        Some(Kind::Text) | None => match rng.below(4) {
            0 => rng.pick(NUMBERS).to_string(),
            1 => rng.pick(ODD_IDS).to_string(),
            2 if rng.one_in(8) => "x".repeat(10_000),
            _ => rng.pick(SPECIAL).to_string(),
        },
    }
}

/// A CSV file of the model to mutate (an absent optional table included,
/// for mutations that create one).
fn pick_csv(rng: &mut Rng, files: &Files) -> String {
    let present: Vec<&String> = files.keys().filter(|f| f.ends_with(".csv")).collect();
    if present.is_empty() || rng.one_in(20) {
        rng.pick(TABLES).file.to_string()
    } else {
        (*rng.pick(&present)).clone()
    }
}

/// Any file of the model, or a required one that may be gone.
fn pick_file(rng: &mut Rng, files: &Files) -> String {
    let names: Vec<&String> = files.keys().collect();
    if names.is_empty() || rng.one_in(10) {
        rng.pick(TABLES).file.to_string()
    } else {
        (*rng.pick(&names)).clone()
    }
}

/// The number of data rows and header cells of a CSV file.
fn shape(files: &Files, file: &str) -> (usize, usize) {
    files.get(file).map_or((0, 0), |b| {
        let csv = Csv::parse(b);
        (csv.data.len(), csv.names().len())
    })
}

/// One mutation, chosen against the files as they are now.
fn mutation(rng: &mut Rng, files: &Files) -> Mutation {
    match rng.below(100) {
        // A whole column, mostly of numbers the column accepts: models
        // that reach the solver with extreme data.
        0..=9 => {
            let file = pick_csv(rng, files);
            let Some(bytes) = files.get(&file) else {
                return new_table(rng, files);
            };
            let names = Csv::parse(bytes).names();
            let numeric: Vec<usize> = (0..names.len())
                .filter(|&k| {
                    matches!(
                        kind_of(&file, &names[k]),
                        Some(Kind::Number | Kind::NonNegative | Kind::Fraction)
                    )
                })
                .collect();
            if numeric.is_empty() {
                return new_table(rng, files);
            }
            let col = *rng.pick(&numeric);
            let value = cell_value(rng, files, &file, &names[col]);
            Mutation::SetColumn { file, col, value }
        }
        // A cell: most mutations, as most of a model is cells.
        10..=35 => {
            let file = pick_csv(rng, files);
            let (rows, cols) = shape(files, &file);
            if rows == 0 || cols == 0 {
                return new_table(rng, files);
            }
            let col = rng.below(cols);
            let name = files
                .get(&file)
                .map(|b| Csv::parse(b).names()[col].clone())
                .unwrap_or_default();
            let value = if rng.one_in(6) {
                rng.pick(SPECIAL).to_string()
            } else {
                cell_value(rng, files, &file, &name)
            };
            Mutation::SetCell {
                row: rng.below(rows),
                col,
                value,
                file,
            }
        }
        36..=39 => rule_mutation(rng, files, false),
        40..=45 => {
            let file = pick_csv(rng, files);
            let (rows, _) = shape(files, &file);
            Mutation::DeleteRow {
                row: rng.below(rows.max(1)),
                file,
            }
        }
        46..=50 => {
            let file = pick_csv(rng, files);
            let (rows, _) = shape(files, &file);
            Mutation::DuplicateRow {
                row: rng.below(rows.max(1)),
                file,
            }
        }
        51..=54 => {
            let file = pick_csv(rng, files);
            let (_, cols) = shape(files, &file);
            let others: Vec<&str> = TABLES
                .iter()
                .flat_map(|t| t.columns.iter().map(|c| c.name))
                .collect();
            let name = match rng.below(3) {
                0 => rng.pick(&others).to_string(),
                1 => rng.pick(SPECIAL).to_string(),
                _ => rng
                    .pick(&["colour", "", " id ", "Capacity", "capacity;cost"])
                    .to_string(),
            };
            Mutation::RenameHeader {
                col: rng.below(cols.max(1)),
                name,
                file,
            }
        }
        55..=58 => {
            let file = pick_csv(rng, files);
            let (_, cols) = shape(files, &file);
            let (a, b) = (rng.below(cols.max(1)), rng.below(cols.max(1)));
            if rng.one_in(2) {
                Mutation::SwapHeaders { file, a, b }
            } else {
                Mutation::SwapColumns { file, a, b }
            }
        }
        59..=70 => {
            let file = pick_file(rng, files);
            let len = files.get(&file).map_or(0, Vec::len);
            let at = rng.below(len.max(1));
            match rng.below(3) {
                0 => Mutation::FlipByte {
                    at,
                    xor: 1 << rng.below(8),
                    file,
                },
                1 => Mutation::InsertByte {
                    at,
                    byte: *rng.pick(&[
                        b',', b'"', b'\n', b'\r', b';', b'#', b'\t', 0, 0xff, 0xc3, 0xe4, b'=',
                        b'[', b'e', b'-', b'9', b' ',
                    ]),
                    file,
                },
                _ => Mutation::DeleteByte { at, file },
            }
        }
        71..=73 => Mutation::Empty {
            file: pick_file(rng, files),
        },
        74..=76 => Mutation::Delete {
            file: pick_file(rng, files),
        },
        77..=84 => {
            let key = rng.pick(SETTINGS_KEYS).to_string();
            let value = if rng.one_in(4) {
                None
            } else {
                Some(rng.pick(TOML_VALUES).to_string())
            };
            Mutation::SetKey {
                file: "model.toml".into(),
                key,
                value,
            }
        }
        85..=87 => periods(rng),
        88..=96 => scenario_op(rng, files),
        _ => new_table(rng, files),
    }
}

/// Rows appended to `file` in the order of its header (written first,
/// from the names of the first row, when the file is absent or empty):
/// cells the header has no column for are left out, columns no cell is
/// given for left empty.
fn append_rows(files: &Files, file: &str, rows: &[Vec<(&str, String)>]) -> Mutation {
    let mut text = String::new();
    let names = match files.get(file).filter(|b| !b.is_empty()) {
        Some(b) => {
            if !b.ends_with(b"\n") {
                text.push('\n');
            }
            Csv::parse(b).names()
        }
        None => {
            let names: Vec<String> = rows
                .first()
                .map(|r| r.iter().map(|(n, _)| n.to_string()).collect())
                .unwrap_or_default();
            text.push_str(&names.join(","));
            text.push('\n');
            names
        }
    };
    for row in rows {
        let cells: Vec<&str> = names
            .iter()
            .map(|n| row.iter().find(|(c, _)| c == n).map_or("", |(_, v)| v))
            .collect();
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    Mutation::Append {
        file: file.into(),
        text,
    }
}

/// The distinct non-empty values of column `name` of `file`, and `extra`.
fn held(files: &Files, file: &str, name: &str, extra: &[&str]) -> Vec<String> {
    let mut values: Vec<String> = files
        .get(file)
        .map(|b| Csv::parse(b).column(name))
        .unwrap_or_default();
    values.extend(extra.iter().map(|s| s.to_string()));
    values.sort();
    values.dedup();
    values.retain(|s| !s.is_empty());
    values
}

/// A well-formed content rule: a market and another origin of the
/// model's country sets, a sector of its demand (or `all`), stages and a
/// share in range. It may still be refused (a fifth signature, a market
/// and origin that are one country through a group).
fn rule_row(rng: &mut Rng, files: &Files) -> Vec<(&'static str, String)> {
    let sets = country_sets(files);
    let market = rng.pick(&sets).clone();
    let mut origin = rng.pick(&sets).clone();
    if origin == market {
        origin = rng.pick(&sets).clone();
    }
    let sectors = held(files, "demand.csv", "sector", &["all"]);
    let commodities = held(files, "commodities.csv", "id", &["magnet", "all"]);
    let periods = held(files, "demand.csv", "period", &[]);
    vec![
        ("id", format!("fuzz-rule-{}", rng.below(100))),
        ("market", market),
        ("sector", rng.pick(&sectors).clone()),
        ("commodity", rng.pick(&commodities).clone()),
        ("origin", origin),
        ("stages", rng.pick(&RULE_STAGE_SETS[..9]).to_string()),
        ("max_share", rng.pick(&SHARES[..6]).to_string()),
        (
            "periods",
            if periods.is_empty() || rng.one_in(2) {
                String::new()
            } else {
                rng.pick(&periods).clone()
            },
        ),
    ]
}

/// A well-formed export control with an end use and a scope.
fn control_row(rng: &mut Rng, files: &Files) -> Vec<(&'static str, String)> {
    let sets = country_sets(files);
    let sectors = held(files, "demand.csv", "sector", &["all"]);
    let commodities = held(files, "commodities.csv", "id", &["magnet", "all"]);
    vec![
        ("id", format!("fuzz-control-{}", rng.below(100))),
        ("exporter", rng.pick(&sets).clone()),
        ("commodity", rng.pick(&commodities).clone()),
        ("destination", rng.pick(&sets).clone()),
        ("cap", rng.pick(&["0", "10", "100", "1e12"]).to_string()),
        ("periods", String::new()),
        ("end_use", rng.pick(&sectors).clone()),
        ("scope", rng.pick(&["direct", "origin", ""]).to_string()),
    ]
}

/// A demand row, of a sector the rules may name or not.
fn demand_row(rng: &mut Rng, files: &Files) -> Vec<(&'static str, String)> {
    let pick = |rng: &mut Rng, name: &str, or: &str| {
        let values = held(files, "demand.csv", name, &[]);
        if values.is_empty() {
            or.to_string()
        } else {
            rng.pick(&values).clone()
        }
    };
    vec![
        ("country", pick(rng, "country", "US")),
        ("sector", rng.pick(&SECTORS[..5]).to_string()),
        ("commodity", pick(rng, "commodity", "magnet")),
        ("period", pick(rng, "period", "2025")),
        ("tonnes", rng.pick(&["0", "1", "50", "1e6"]).to_string()),
    ]
}

/// A rule whose origin is its market, or an export control whose
/// destination is its exporter: the same row's other cell copied.
fn same_country(rng: &mut Rng, files: &Files) -> Mutation {
    let (file, from, to) = *rng.pick(&[
        ("content_rules.csv", "market", "origin"),
        ("content_rules.csv", "origin", "market"),
        ("export_controls.csv", "exporter", "destination"),
    ]);
    let Some(csv) = files.get(file).map(|b| Csv::parse(b)) else {
        return append_rows(files, "content_rules.csv", &[rule_row(rng, files)]);
    };
    let names = csv.names();
    let (Some(a), Some(b)) = (
        names.iter().position(|n| n == from),
        names.iter().position(|n| n == to),
    ) else {
        return append_rows(files, file, &[rule_row(rng, files)]);
    };
    let row = rng.below(csv.data.len().max(1));
    let value = csv
        .data
        .get(row)
        .and_then(|&i| csv.lines[i].get(a))
        .map_or_else(String::new, |c| String::from_utf8_lossy(c).into_owned());
    Mutation::SetCell {
        file: file.into(),
        row,
        col: b,
        value,
    }
}

/// Two to six content rules (or origin-scope controls) of as many origin
/// signatures: with the model's own, often more than the four allowed.
fn signatures(rng: &mut Rng, files: &Files) -> Mutation {
    let control = rng.one_in(3);
    let rows: Vec<Vec<(&str, String)>> = (0..2 + rng.below(5))
        .map(|_| {
            let mut row = if control {
                control_row(rng, files)
            } else {
                rule_row(rng, files)
            };
            for (name, value) in &mut row {
                match *name {
                    "scope" => *value = "origin".into(),
                    "stages" => *value = rng.pick(&RULE_STAGE_SETS[..9]).to_string(),
                    "id" => value.push_str(&format!("-{}", rng.below(1000))),
                    _ => {}
                }
            }
            row
        })
        .collect();
    let file = if control {
        "export_controls.csv"
    } else {
        "content_rules.csv"
    };
    append_rows(files, file, &rows)
}

/// A mutation aimed at the rules: a rule, an export control by end use or
/// a demand row of some sector added; when not `gentle`, also a rule's
/// origin set to its market, a flood of origin signatures, or a rule's
/// cell set from the rule pools.
fn rule_mutation(rng: &mut Rng, files: &Files, gentle: bool) -> Mutation {
    match rng.below(if gentle { 3 } else { 6 }) {
        0 => append_rows(files, "content_rules.csv", &[rule_row(rng, files)]),
        1 => append_rows(files, "export_controls.csv", &[control_row(rng, files)]),
        2 => append_rows(files, "demand.csv", &[demand_row(rng, files)]),
        3 => same_country(rng, files),
        4 => signatures(rng, files),
        _ => {
            let file = *rng.pick(&["content_rules.csv", "export_controls.csv"]);
            let (rows, cols) = shape(files, file);
            if rows == 0 || cols == 0 {
                return new_table(rng, files);
            }
            let col = rng.below(cols);
            let name = Csv::parse(&files[file]).names()[col].clone();
            Mutation::SetCell {
                file: file.into(),
                row: rng.below(rows),
                col,
                value: cell_value(rng, files, file, &name),
            }
        }
    }
}

/// A `[[periods]]` list appended to `model.toml` (with `first_year` and
/// `last_year` still there, or not: both are mistakes worth making).
fn periods(rng: &mut Rng) -> Mutation {
    let mut text = String::new();
    if rng.one_in(2) {
        // A list that fits models/tiny's demand: 2025 and 2026 on, the
        // later periods several years long.
        let mut start = 2025;
        for i in 0..2 + rng.below(3) {
            let years = if i == 0 { 1 } else { *rng.pick(&[1, 2, 5, 10]) };
            text.push_str(&format!(
                "\n[[periods]]\nlabel = \"{start}\"\nstart = {start}\nyears = {years}\n"
            ));
            start += years;
        }
        return Mutation::Append {
            file: "model.toml".into(),
            text,
        };
    }
    for _ in 0..rng.below(4) {
        let label = toml_str(rng.pick::<&str>(PERIODS));
        let start = *rng.pick(&[
            "2025", "2026", "2030", "2024", "1899", "2301", "\"x\"", "nan",
        ]);
        text.push_str(&format!(
            "\n[[periods]]\nlabel = {label}\nstart = {start}\n"
        ));
        if !rng.one_in(3) {
            let years = *rng.pick(&["1", "5", "0", "-1", "1000", "1001", "1.5"]);
            text.push_str(&format!("years = {years}\n"));
        }
    }
    Mutation::Append {
        file: "model.toml".into(),
        text,
    }
}

/// An optional table the model lacks, or more rows for one it has,
/// written from the schema with values from the pools.
fn new_table(rng: &mut Rng, files: &Files) -> Mutation {
    let table = rng.pick(TABLES);
    let mut text = String::new();
    let existing = files.get(table.file).filter(|b| !b.is_empty());
    let names: Vec<&str> = match existing {
        Some(b) => {
            if !b.ends_with(b"\n") {
                text.push('\n');
            }
            let names = Csv::parse(b).names();
            table
                .columns
                .iter()
                .map(|c| c.name)
                .filter(|n| names.iter().any(|m| m == n))
                .collect()
        }
        None => {
            let names: Vec<&str> = table
                .columns
                .iter()
                .filter(|c| c.required || rng.one_in(2))
                .map(|c| c.name)
                .collect();
            text.push_str(&names.join(","));
            text.push('\n');
            names
        }
    };
    for _ in 0..1 + rng.below(3) {
        let cells: Vec<String> = names
            .iter()
            .map(|n| cell_value(rng, files, table.file, n))
            .collect();
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    Mutation::Append {
        file: table.file.into(),
        text,
    }
}

/// A scenario operation appended to one of the model's scenarios (or to a
/// new one), aimed at a real or missing file, column or row.
fn scenario_op(rng: &mut Rng, files: &Files) -> Mutation {
    let scenarios: Vec<&String> = files
        .keys()
        .filter(|f| f.starts_with("scenarios/"))
        .collect();
    let (file, mut text) = if scenarios.is_empty() || rng.one_in(3) {
        (
            "scenarios/fuzz.toml".to_string(),
            if files.contains_key("scenarios/fuzz.toml") {
                String::new()
            } else {
                "description = \"fuzz\"\n".to_string()
            },
        )
    } else {
        ((*rng.pick(&scenarios)).clone(), String::new())
    };
    let table = rng.pick(TABLES);
    let target = match rng.below(10) {
        0 => "nope.csv",
        1 => "model.toml",
        _ => table.file,
    };
    let csv = files.get(table.file).map(|b| Csv::parse(b));
    // A column of the table, or one it does not have.
    let mut column = |rng: &mut Rng| -> String {
        if rng.one_in(8) {
            "colour".to_string()
        } else {
            rng.pick(table.columns).name.to_string()
        }
    };
    // A value for column `c`: one the table holds (so a match finds rows),
    // or a hostile one.
    let value = |rng: &mut Rng, c: &str| -> String {
        let held = csv.as_ref().map(|t| t.column(c)).unwrap_or_default();
        if !held.is_empty() && rng.one_in(2) {
            toml_str(rng.pick(&held).as_str())
        } else if rng.one_in(2) {
            rng.pick(TOML_VALUES).to_string()
        } else {
            toml_str(&cell_value(rng, files, table.file, c))
        }
    };
    let matching = |rng: &mut Rng, column: &mut dyn FnMut(&mut Rng) -> String| -> String {
        let parts: Vec<String> = (0..rng.below(3))
            .map(|_| {
                let c = column(rng);
                format!("{} = {}", toml_str(&c), value(rng, &c))
            })
            .collect();
        format!("{{ {} }}", parts.join(", "))
    };
    text.push('\n');
    match rng.below(4) {
        0 => {
            let m = matching(rng, &mut column);
            text.push_str(&format!("[[remove]]\nfile = \"{target}\"\nmatch = {m}\n"));
        }
        1 => {
            text.push_str(&format!("[[set]]\nfile = \"{target}\"\n"));
            if !rng.one_in(3) {
                let m = matching(rng, &mut column);
                text.push_str(&format!("match = {m}\n"));
            }
            let c = column(rng);
            let v = value(rng, &c);
            text.push_str(&format!("values = {{ {} = {v} }}\n", toml_str(&c)));
        }
        2 => {
            text.push_str(&format!("[[scale]]\nfile = \"{target}\"\n"));
            if rng.one_in(2) {
                let m = matching(rng, &mut column);
                text.push_str(&format!("match = {m}\n"));
            }
            let c = column(rng);
            let factor = rng.pick(&[
                "2", "0", "-1", "nan", "inf", "1e300", "1e-300", "1e10", "\"2\"", "1e400",
            ]);
            text.push_str(&format!("column = {}\nfactor = {factor}\n", toml_str(&c)));
        }
        _ => {
            let mut rows = Vec::new();
            for _ in 0..1 + rng.below(2) {
                let mut cells = Vec::new();
                for c in table.columns {
                    // Optional columns now and then, a required one left
                    // out now and then.
                    if (c.required || rng.one_in(2)) && !rng.one_in(10) {
                        cells.push(format!("{} = {}", c.name, value(rng, c.name)));
                    }
                }
                rows.push(format!("{{ {} }}", cells.join(", ")));
            }
            text.push_str(&format!(
                "[[add]]\nfile = \"{target}\"\nrows = [\n  {},\n]\n",
                rows.join(",\n  ")
            ));
        }
    }
    Mutation::Append { file, text }
}

// --------------------------------------------------------------- cases --

/// One case: a model, its mutations, and how it is run.
#[derive(Clone, Debug)]
struct Case {
    base: Base,
    mutations: Vec<Mutation>,
    /// Scenarios applied, by name.
    scenarios: Vec<String>,
    portfolio: Option<String>,
    relax: bool,
    /// Build and solve the LP; when false, load and check only.
    solve: bool,
}

/// How often a run uses models/global, and solves it.
#[derive(Clone, Copy)]
struct Mix {
    /// One case in `global_one_in` starts from models/global.
    global_one_in: usize,
    /// One models/global case in `global_solve_one_in` is solved; the
    /// others are loaded and checked only.
    global_solve_one_in: usize,
    /// One case in `gentle_one_in` has only gentle mutations.
    gentle_one_in: usize,
    /// What `replay` needs in the environment to generate the same cases.
    replay_env: &'static str,
}

const BOUNDED_MIX: Mix = Mix {
    global_one_in: 10,
    global_solve_one_in: 15,
    gentle_one_in: 4,
    replay_env: "",
};

const LONG_MIX: Mix = Mix {
    global_one_in: 5,
    global_solve_one_in: 3,
    gentle_one_in: 3,
    replay_env: "RAREFLOW_FUZZ_LONG=1 ",
};

/// Case `n` of the run seeded `seed`.
fn generate(seed: u64, n: u64, mix: Mix) -> Case {
    let mut rng = Rng::for_case(seed, n);
    let base = if rng.one_in(mix.global_one_in) {
        Base::Global
    } else if rng.one_in(2) {
        Base::Tiny
    } else {
        Base::TinyPlus
    };
    let solve = base != Base::Global || rng.one_in(mix.global_solve_one_in);
    let mut files = seed_files(base).clone();
    let mut mutations = Vec::new();
    let gentle = rng.one_in(mix.gentle_one_in);
    for _ in 0..1 + rng.below(4) {
        let m = if gentle {
            gentle_mutation(&mut rng, &files)
        } else {
            mutation(&mut rng, &files)
        };
        // A [[periods]] list, mostly instead of first_year and last_year.
        if matches!(&m, Mutation::Append { file, text } if file == "model.toml" && text.contains("[[periods]]"))
            && !rng.one_in(4)
        {
            for key in ["first_year", "last_year"] {
                let remove = Mutation::SetKey {
                    file: "model.toml".into(),
                    key: key.into(),
                    value: None,
                };
                remove.apply(&mut files);
                mutations.push(remove);
            }
        }
        m.apply(&mut files);
        mutations.push(m);
    }
    let names: Vec<String> = files
        .keys()
        .filter_map(|f| f.strip_prefix("scenarios/")?.strip_suffix(".toml"))
        .map(str::to_string)
        .collect();
    let mut scenarios = Vec::new();
    // A scenario that was changed is applied, or the change is wasted.
    for m in &mutations {
        if let Some(name) = m
            .file()
            .strip_prefix("scenarios/")
            .and_then(|f| f.strip_suffix(".toml"))
        {
            if !rng.one_in(8) && !scenarios.iter().any(|s| s == name) {
                scenarios.push(name.to_string());
            }
        }
    }
    if !names.is_empty() && rng.one_in(4) {
        scenarios.push(rng.pick(&names).clone());
    }
    if rng.one_in(40) {
        scenarios.push(rng.pick(&["nope", "all", "", "Scenarios"]).to_string());
    }
    let portfolio = if rng.one_in(6) {
        let mut choices = vec!["all".to_string(), "none".to_string(), "nope".to_string()];
        if let Some(b) = files.get("portfolios.csv") {
            choices.extend(Csv::parse(b).column("portfolio"));
        }
        Some(rng.pick(&choices).clone())
    } else {
        None
    };
    Case {
        base,
        mutations,
        scenarios,
        portfolio,
        relax: rng.one_in(5),
        solve,
    }
}

impl Case {
    fn files(&self) -> Files {
        let mut files = seed_files(self.base).clone();
        for m in &self.mutations {
            m.apply(&mut files);
        }
        files
    }
}

// ------------------------------------------------------------- running --

thread_local! {
    /// True while this thread runs a case: its panics are recorded, not
    /// printed.
    static IN_CASE: Cell<bool> = const { Cell::new(false) };
    /// Where the last panic of a case happened.
    static PANIC_AT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that records where a case panicked and
/// leaves every other panic to the previous hook.
fn quiet_panics_in_cases() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if IN_CASE.with(Cell::get) {
                let at = info
                    .location()
                    .map_or_else(|| "?".to_string(), |l| format!("{}:{}", l.file(), l.line()));
                PANIC_AT.with(|p| *p.borrow_mut() = Some(at));
            } else {
                previous(info);
            }
        }));
    });
}

/// What a case did.
#[derive(Debug)]
enum Outcome {
    /// A verified plan, or (when not solving) a model without errors.
    Accepted,
    /// Refused: bad data or missing input.
    Refused(i32),
    /// No plan, for a reason rareflow cannot know before solving.
    NoPlan(SolveStatus),
    /// A failure: its class (to group failures by) and the detail.
    Failed { class: String, detail: String },
}

/// Runs a case through the library, in memory (on disk only when a file
/// is not UTF-8, which `ModelSource::Memory` cannot hold).
fn run(case: &Case) -> Outcome {
    let files = case.files();
    let dir = tempfile::tempdir().unwrap();
    let source = files_source(&files, dir.path());
    let opts = SolveOptions {
        threads: 1,
        time_limit: Some(TIME_LIMIT),
        mip_gap: None,
        portfolio: case.portfolio.clone(),
        relax: case.relax,
        log: false,
    };
    let start = Instant::now();
    IN_CASE.with(|c| c.set(true));
    PANIC_AT.with(|p| p.borrow_mut().take());
    // Whether the build rules can force a build: only then may a model
    // have no plan.
    let mut forces_builds = false;
    let result = catch_unwind(AssertUnwindSafe(|| {
        let checked = rareflow::check(&source, &case.scenarios)?;
        let model = &checked.model;
        forces_builds = match opts.portfolio.as_deref() {
            Some("none") => false,
            Some(name) => {
                model.settings.min_builds.is_some_and(|m| m > 0)
                    || model
                        .portfolios
                        .iter()
                        .any(|p| p.name == name && p.forced().next().is_some())
            }
            None => model.settings.min_builds.is_some_and(|m| m > 0),
        };
        if case.solve {
            rareflow::solve_checked(checked, &opts).map(|_| ())
        } else {
            rareflow::resolve_portfolio(&checked.model, opts.portfolio.as_deref()).map(|_| ())
        }
    }));
    IN_CASE.with(|c| c.set(false));
    let elapsed = start.elapsed();
    let outcome = match result {
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let at = PANIC_AT.with(|p| p.borrow_mut().take()).unwrap_or_default();
            Outcome::Failed {
                class: format!("panic at {at}"),
                detail: message,
            }
        }
        Ok(Ok(())) => Outcome::Accepted,
        Ok(Err(e @ (Error::NoPlan(SolveStatus::Infeasible) | Error::Conflict(_))))
            if forces_builds
                && matches!(
                    run(&Case {
                        portfolio: Some("none".into()),
                        ..case.clone()
                    }),
                    Outcome::Accepted
                ) =>
        {
            // Build rules that force builds (`min_builds`, a portfolio's
            // forced members) can combine with the budgets so that no set
            // of builds meets them, in ways the checks before the solve do
            // not look for (`min_builds = 2` with two candidates that can
            // only start in the same period, under a
            // `build_budget_per_period` that fits either alone, say): then
            // there is no plan, and the same model solves with nothing
            // built. Without such rules, building nothing is a plan. The
            // answer names the rules in conflict, each at its file.
            match &e {
                Error::Conflict(rules)
                    if rules.is_empty() || rules.iter().any(|r| !r.contains(": ")) =>
                {
                    failed(e.exit_code(), "a conflict not in the model's terms", &e)
                }
                _ => Outcome::NoPlan(SolveStatus::Infeasible),
            }
        }
        Ok(Err(e)) => judge(&e),
    };
    if elapsed > SLOW && !matches!(outcome, Outcome::Failed { .. }) {
        return Outcome::Failed {
            class: "slow".into(),
            detail: format!("{elapsed:?} ({outcome:?})"),
        };
    }
    outcome
}

/// Whether an error is an acceptable answer to a hostile model.
fn judge(e: &Error) -> Outcome {
    let code = e.exit_code();
    match e {
        Error::Invalid(d) => {
            // A refusal must say why and where: at least one error, each
            // naming its file.
            if !d.iter().any(|d| d.severity == Severity::Error) {
                return failed(code, "refused with no error", e);
            }
            if let Some(d) = d.iter().find(|d| d.file.is_empty()) {
                return failed(code, "a diagnostic without a file", &d.to_string());
            }
            Outcome::Refused(code)
        }
        Error::UnknownName { .. } | Error::ModelNotFound(_) | Error::Read { .. } => {
            Outcome::Refused(code)
        }
        // Every LP rareflow builds is bounded (activity and flows by
        // capacities, shortage by demand) and, builds aside, feasible
        // (nothing need be made, any demand may go short, every cap is met
        // by shipping nothing), so the no-plan answers a model can earn
        // are build rules that force builds (see `run`) and the time limit.
        Error::NoPlan(status @ SolveStatus::Limit { .. }) => Outcome::NoPlan(status.clone()),
        _ => failed(code, "", e),
    }
}

fn failed(code: i32, what: &str, detail: &dyn fmt::Display) -> Outcome {
    let detail = detail.to_string();
    // Failures are grouped by their message with its numbers and quoted
    // names blanked out.
    let mut shape = String::new();
    let mut quoted = false;
    for c in detail.chars() {
        if c == '"' {
            quoted = !quoted;
            shape.push('"');
        } else if !quoted {
            shape.push(if c.is_ascii_digit() { '#' } else { c });
        }
    }
    shape = shape.chars().take(80).collect();
    let class = if what.is_empty() {
        format!("exit {code}: {shape}")
    } else {
        format!("exit {code}: {what}")
    };
    Outcome::Failed { class, detail }
}

fn class_of(o: &Outcome) -> Option<&str> {
    match o {
        Outcome::Failed { class, .. } => Some(class),
        _ => None,
    }
}

/// The case with as few mutations, scenarios and options as still fail in
/// the class given.
fn shrink(case: &Case, class: &str) -> Case {
    let fails = |c: &Case| class_of(&run(c)) == Some(class);
    let mut best = case.clone();
    loop {
        let mut smaller = false;
        for i in (0..best.mutations.len()).rev() {
            let mut c = best.clone();
            c.mutations.remove(i);
            if fails(&c) {
                (best, smaller) = (c, true);
            }
        }
        for i in (0..best.scenarios.len()).rev() {
            let mut c = best.clone();
            c.scenarios.remove(i);
            if fails(&c) {
                (best, smaller) = (c, true);
            }
        }
        if best.portfolio.is_some() {
            let c = Case {
                portfolio: None,
                ..best.clone()
            };
            if fails(&c) {
                (best, smaller) = (c, true);
            }
        }
        if best.relax {
            let c = Case {
                relax: false,
                ..best.clone()
            };
            if fails(&c) {
                (best, smaller) = (c, true);
            }
        }
        if !smaller {
            return best;
        }
    }
}

/// A failure found, shrunk, ready to print.
struct Failure {
    mix: Mix,
    seed: u64,
    n: u64,
    class: String,
    detail: String,
    original: Case,
    minimal: Case,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seed = self.seed;
        let n = self.n;
        writeln!(f, "FAILURE {}: {}", self.class, self.detail)?;
        writeln!(
            f,
            "  replay: {}RAREFLOW_FUZZ_SEED={seed:#x} RAREFLOW_FUZZ_CASE={n} \
             cargo test --test integration fuzz::replay -- --ignored --nocapture",
            self.mix.replay_env
        )?;
        writeln!(f, "  case as generated: {:?}", self.original)?;
        writeln!(f, "  minimal: {:?}", self.minimal)?;
        let seed = seed_files(self.minimal.base);
        for (name, bytes) in self.minimal.files() {
            let Some(before) = seed.get(&name) else {
                writeln!(f, "  --- {name} (new) ---")?;
                writeln!(f, "{}", String::from_utf8_lossy(&bytes))?;
                continue;
            };
            if *before == bytes {
                continue;
            }
            // The lines that are not in the seed, with their numbers.
            writeln!(f, "  --- {name} (changed; its new lines) ---")?;
            let old: Vec<&[u8]> = before.split(|&b| b == b'\n').collect();
            let mut shown = 0;
            for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
                if !old.contains(&line) {
                    let line = String::from_utf8_lossy(line);
                    writeln!(f, "  {:>5}: {:?}", i + 1, line)?;
                    shown += 1;
                    if shown == 20 {
                        writeln!(f, "  …")?;
                        break;
                    }
                }
            }
            if shown == 0 {
                writeln!(f, "  (lines removed or reordered only)")?;
            }
        }
        for name in seed.keys() {
            if !self.minimal.files().contains_key(name) {
                writeln!(f, "  --- {name} (deleted) ---")?;
            }
        }
        Ok(())
    }
}

/// Tallies of a run.
#[derive(Default)]
struct Tally {
    cases: u64,
    accepted: u64,
    refused: BTreeMap<i32, u64>,
    /// No plan, by status.
    no_plan: BTreeMap<String, u64>,
    global: u64,
    solved: u64,
    /// Failures by class: how many cases, and the first one found.
    failures: BTreeMap<String, (u64, Failure)>,
}

/// Runs cases `seed`/0, 1, … on `threads` threads until `cases` are done or
/// `deadline` passes.
fn fuzz(seed: u64, cases: u64, deadline: Option<Instant>, threads: usize, mix: Mix) -> Tally {
    quiet_panics_in_cases();
    let next = AtomicU64::new(0);
    let tally = Mutex::new(Tally::default());
    let trace = std::env::var_os("RAREFLOW_FUZZ_TRACE").is_some();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    return;
                }
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= cases {
                    return;
                }
                let case = generate(seed, n, mix);
                let outcome = run(&case);
                if trace {
                    eprintln!("case {n}: {case:?}\n  -> {outcome:?}");
                }
                let mut t = tally.lock().unwrap();
                t.cases += 1;
                t.global += u64::from(case.base == Base::Global);
                t.solved += u64::from(case.solve);
                match outcome {
                    Outcome::Accepted => t.accepted += 1,
                    Outcome::Refused(code) => *t.refused.entry(code).or_default() += 1,
                    Outcome::NoPlan(status) => *t.no_plan.entry(status.label()).or_default() += 1,
                    Outcome::Failed { class, detail } => {
                        if let Some((count, _)) = t.failures.get_mut(&class) {
                            *count += 1;
                            continue;
                        }
                        drop(t);
                        let minimal = shrink(&case, &class);
                        let failure = Failure {
                            mix,
                            seed,
                            n,
                            class: class.clone(),
                            detail,
                            original: case,
                            minimal,
                        };
                        eprintln!("{failure}");
                        let mut t = tally.lock().unwrap();
                        t.failures.entry(class).or_insert((0, failure)).0 += 1;
                    }
                }
            });
        }
    });
    tally.into_inner().unwrap()
}

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => v.parse().ok(),
    }
}

fn report(t: &Tally, seconds: f64) -> String {
    let mut s = format!(
        "{} cases in {seconds:.0} s ({} from models/global, {} solved): {} accepted, \
         refused {:?} (exit code: cases), no plan {:?}, {} failing",
        t.cases,
        t.global,
        t.solved,
        t.accepted,
        t.refused,
        t.no_plan,
        t.failures.values().map(|(n, _)| n).sum::<u64>(),
    );
    for (class, (count, f)) in &t.failures {
        s.push_str(&format!("\n{count} × {class}\n{f}"));
    }
    s
}

/// A few hundred hostile variants of models/tiny (and a few of
/// models/global, mostly loaded and checked only): none panics, none is an
/// internal error or an unverified plan.
#[test]
fn hostile_mutations_are_refused_or_solved() {
    let seed = env_u64("RAREFLOW_FUZZ_SEED").unwrap_or(DEFAULT_SEED);
    let cases = env_u64("RAREFLOW_FUZZ_CASES").unwrap_or(BOUNDED_CASES);
    let start = Instant::now();
    let t = fuzz(seed, cases, None, 1, BOUNDED_MIX);
    let report = report(&t, start.elapsed().as_secs_f64());
    eprintln!("{report}");
    assert!(t.failures.is_empty(), "{report}");
    // The mutations reach every answer: plans and refusals.
    assert!(
        t.accepted > 0 && t.refused.get(&3).copied().unwrap_or(0) > 0,
        "{report}"
    );
}

/// The long run: `RAREFLOW_FUZZ_SECONDS` (default 600) seconds of cases,
/// or `RAREFLOW_FUZZ_CASES` cases, on `RAREFLOW_FUZZ_THREADS` threads.
#[test]
#[ignore = "long: run with --ignored"]
fn long_run() {
    let seed = env_u64("RAREFLOW_FUZZ_SEED").unwrap_or(DEFAULT_SEED ^ 0x10_0000);
    let seconds = env_u64("RAREFLOW_FUZZ_SECONDS").unwrap_or(600);
    let cases = env_u64("RAREFLOW_FUZZ_CASES").unwrap_or(u64::MAX);
    let threads = env_u64("RAREFLOW_FUZZ_THREADS")
        .map(|n| n as usize)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let t = fuzz(seed, cases, Some(deadline), threads.max(1), LONG_MIX);
    let report = report(&t, start.elapsed().as_secs_f64());
    eprintln!("{report}");
    assert!(t.failures.is_empty(), "{report}");
}

/// Replays case `RAREFLOW_FUZZ_CASE` of the run seeded `RAREFLOW_FUZZ_SEED`
/// (with `RAREFLOW_FUZZ_LONG` set, as the long run generates it).
#[test]
#[ignore = "replays one case named by the environment"]
fn replay() {
    let (Some(seed), Some(n)) = (env_u64("RAREFLOW_FUZZ_SEED"), env_u64("RAREFLOW_FUZZ_CASE"))
    else {
        panic!("set RAREFLOW_FUZZ_SEED and RAREFLOW_FUZZ_CASE");
    };
    let mix = if std::env::var_os("RAREFLOW_FUZZ_LONG").is_some() {
        LONG_MIX
    } else {
        BOUNDED_MIX
    };
    quiet_panics_in_cases();
    let case = generate(seed, n, mix);
    eprintln!("{case:?}");
    let outcome = run(&case);
    eprintln!("{outcome:?}");
    if let Outcome::Failed { class, detail } = outcome {
        let minimal = shrink(&case, &class);
        panic!(
            "{}",
            Failure {
                mix,
                seed,
                n,
                class,
                detail,
                original: case,
                minimal,
            }
        );
    }
}

/// The mutations themselves do what they say.
#[test]
fn mutations_edit_the_cells_they_name() {
    let mut files = Files::new();
    files.insert("demand.csv".into(), b"# c\na,b\n1,2\n\n3,4\n".to_vec());
    let set = Mutation::SetCell {
        file: "demand.csv".into(),
        row: 1,
        col: 1,
        value: "x".into(),
    };
    set.apply(&mut files);
    assert_eq!(files["demand.csv"], b"# c\na,b\n1,2\n\n3,x\n");
    Mutation::SwapColumns {
        file: "demand.csv".into(),
        a: 0,
        b: 1,
    }
    .apply(&mut files);
    assert_eq!(files["demand.csv"], b"# c\nb,a\n2,1\n\nx,3\n");
    Mutation::DeleteRow {
        file: "demand.csv".into(),
        row: 0,
    }
    .apply(&mut files);
    assert_eq!(files["demand.csv"], b"# c\nb,a\n\nx,3\n");
    // Past the end: nothing changes.
    Mutation::DuplicateRow {
        file: "demand.csv".into(),
        row: 5,
    }
    .apply(&mut files);
    assert_eq!(files["demand.csv"], b"# c\nb,a\n\nx,3\n");
    let mut toml = b"a = 1\nb = 2\n[[t]]\nc = 3\n".to_vec();
    set_key(&mut toml, "b", None);
    set_key(&mut toml, "a", Some("nan"));
    set_key(&mut toml, "d", Some("4"));
    assert_eq!(toml, b"a = nan\nd = 4\n[[t]]\nc = 3\n");
    // The same case twice is the same case.
    let a = format!("{:?}", generate(1, 7, LONG_MIX));
    assert_eq!(a, format!("{:?}", generate(1, 7, LONG_MIX)));
}

/// Every seed, unmutated, is a model that solves (models/global is checked
/// only: it is solved elsewhere).
#[test]
fn the_seeds_solve_as_they_are() {
    for (base, solve) in [
        (Base::Tiny, true),
        (Base::TinyPlus, true),
        (Base::Global, false),
    ] {
        for portfolio in [None, Some("japan"), Some("west"), Some("none")] {
            if base != Base::TinyPlus && portfolio.is_some_and(|p| p != "none") {
                continue;
            }
            let case = Case {
                base,
                mutations: Vec::new(),
                scenarios: Vec::new(),
                portfolio: portfolio.map(str::to_string),
                relax: false,
                solve,
            };
            let outcome = run(&case);
            assert!(
                matches!(outcome, Outcome::Accepted),
                "{case:?}: {outcome:?}"
            );
        }
    }
}
