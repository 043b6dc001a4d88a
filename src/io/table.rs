//! Reading one CSV table into rows of trimmed cells, and parsing cells into
//! typed values with a located diagnostic for every bad one.
//!
//! csv's own messages (`record 2 (line: 3, byte: 26): field 3: invalid float
//! literal`) are not for users; everything here reports as
//! `file:line: column 'x': expected …, found …`.

use std::sync::Arc;

use crate::error::Diagnostics;
use crate::model::schema::{Kind, Table};

/// One data row: its line and one cell per schema column (empty when the
/// column is absent from the file).
#[derive(Debug, Clone)]
pub struct Row<'a> {
    /// File name as shown in messages.
    pub file: &'a str,
    /// The table's schema.
    pub spec: &'a Table,
    /// 1-based line of the record.
    pub line: u64,
    cells: &'a [String],
}

/// A table read from disk.
#[derive(Debug, Clone)]
pub struct RawTable {
    /// File name as shown in messages.
    pub file: String,
    /// The table's schema.
    pub spec: &'static Table,
    /// The data rows, in file order (then rows added by scenarios).
    pub rows: Vec<RawRow>,
}

/// A data row as read: where it comes from and its cells, one per schema
/// column.
#[derive(Debug, Clone)]
pub struct RawRow {
    /// The file it was written in: the table's file, or a scenario that
    /// added it (shared by every row of that file).
    pub file: Arc<str>,
    /// 1-based line in that file.
    pub line: u64,
    /// One trimmed cell per schema column ("" when empty or absent).
    pub cells: Vec<String>,
}

impl RawTable {
    /// The data rows in order.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(move |r| Row {
            file: &r.file,
            spec: self.spec,
            line: r.line,
            cells: &r.cells,
        })
    }

    /// Position of column `name` in [`RawRow::cells`].
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.spec.columns.iter().position(|c| c.name == name)
    }

    /// An empty table (for an optional file that is absent).
    pub fn empty(file: String, spec: &'static Table) -> Self {
        RawTable {
            file,
            spec,
            rows: Vec::new(),
        }
    }
}

/// Parses `text` as the table `spec`. Header problems (unknown, duplicate or
/// missing columns, a file separated by `;` or tabs) are reported at the
/// header's line; a table whose header is unusable yields no rows.
///
/// # Complexity
/// Linear in the length of `text`: lines are counted in one pass.
pub fn parse_table(
    file: String,
    spec: &'static Table,
    text: &str,
    diags: &mut Diagnostics,
) -> RawTable {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Records::new(text);
    let mut table = RawTable::empty(file, spec);
    let (line, headers) = match records.next() {
        Next::Record(line) => (line, records.record.clone()),
        // An empty file: a header that names no column.
        Next::End => (1, csv::StringRecord::new()),
        Next::Bad(line, msg) => {
            diags.error(&table.file, line, None, msg);
            return table;
        }
    };
    if let Some(position) = header_positions(&table.file, line, spec, &headers, diags) {
        read_rows(&mut table, &mut records, &position, headers.len(), diags);
    }
    table
}

/// The position in the file of each schema column, or `None` (reported)
/// when the header is unusable.
fn header_positions(
    file: &str,
    line: u64,
    spec: &Table,
    headers: &csv::StringRecord,
    diags: &mut Diagnostics,
) -> Option<Vec<Option<usize>>> {
    let mut error = |column: Option<&str>, msg: String| diags.error(file, Some(line), column, msg);
    if let Some(separator) = wrong_separator(spec, headers) {
        error(
            None,
            format!(
                "the file is separated by {separator}; rareflow reads comma-separated files \
                 (export it from the spreadsheet as CSV with commas)"
            ),
        );
        return None;
    }
    if headers.iter().all(str::is_empty) {
        let msg = format!(
            "expected a header line naming the columns ({}), found none",
            names(spec)
        );
        error(None, msg);
        return None;
    }
    let mut position: Vec<Option<usize>> = vec![None; spec.columns.len()];
    let mut header_ok = true;
    for (i, h) in headers.iter().enumerate() {
        match spec.columns.iter().position(|c| c.name == h) {
            Some(k) if position[k].is_some() => {
                error(Some(h), "column appears twice".into());
                header_ok = false;
            }
            Some(k) => position[k] = Some(i),
            None => {
                let msg = format!("unknown column; expected one of: {}", names(spec));
                error(Some(h), msg);
                header_ok = false;
            }
        }
    }
    for (k, col) in spec.columns.iter().enumerate() {
        if col.required && position[k].is_none() {
            let msg = "required column is missing from the header".to_string();
            error(Some(col.name), msg);
            header_ok = false;
        }
    }
    header_ok.then_some(position)
}

/// `';'` or `tabs` when the header is one cell that splits on that
/// separator into column names of `spec` (a spreadsheet's export with the
/// wrong separator); binary junk or a mistyped header gets no such hint.
fn wrong_separator(spec: &Table, headers: &csv::StringRecord) -> Option<&'static str> {
    let [header] = headers.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    [(';', "';'"), ('\t', "tabs")]
        .into_iter()
        .find(|&(sep, _)| {
            header.contains(sep)
                && header
                    .split(sep)
                    .all(|h| spec.column(h.trim().trim_matches('"')).is_some())
        })
        .map(|(_, name)| name)
}

/// Reads every record after the header into `table`, one cell per schema
/// column; a record with the wrong number of fields is reported and skipped.
fn read_rows(
    table: &mut RawTable,
    records: &mut Records,
    position: &[Option<usize>],
    fields: usize,
    diags: &mut Diagnostics,
) {
    let file: Arc<str> = table.file.as_str().into();
    loop {
        let line = match records.next() {
            Next::Record(line) => line,
            Next::End => break,
            Next::Bad(line, msg) => {
                diags.error(&table.file, line, None, msg);
                break;
            }
        };
        let record = &records.record;
        if record.len() != fields {
            let msg = format!(
                "expected {fields} fields (as in the header), found {}",
                record.len()
            );
            diags.error(&table.file, Some(line), None, msg);
            continue;
        }
        let cells = position
            .iter()
            .map(|p| p.and_then(|i| record.get(i)).unwrap_or("").to_string())
            .collect();
        let file = Arc::clone(&file);
        table.rows.push(RawRow { file, line, cells });
    }
}

/// The records of a CSV text, each with the line it starts on; blank and
/// comment lines are skipped. Lines are counted as the reader moves
/// forward, so finding the line of every record takes one pass.
struct Records<'t> {
    text: &'t str,
    reader: csv::Reader<&'t [u8]>,
    /// A byte offset, and the 1-based line it is on.
    at: usize,
    line: u64,
    /// The record [`Records::next`] found.
    record: csv::StringRecord,
}

/// What [`Records::next`] found.
enum Next {
    /// A record (in [`Records::record`]), starting on this line.
    Record(u64),
    /// The end of the text.
    End,
    /// Something that ends the reading, at this line.
    Bad(Option<u64>, String),
}

impl<'t> Records<'t> {
    fn new(text: &'t str) -> Self {
        // csv recognises `#` only where a record starts, so a `#` at the
        // start of a line inside a quoted cell is text.
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .comment(Some(b'#'))
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(text.as_bytes());
        Records {
            text,
            reader,
            at: 0,
            line: 1,
            record: csv::StringRecord::new(),
        }
    }

    /// The next record that is neither blank nor an indented comment line.
    fn next(&mut self) -> Next {
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => return Next::End,
                Err(e) => {
                    let line = e.position().map(|p| self.start(p.byte()).0);
                    return Next::Bad(line, csv_message(&e));
                }
            }
            let byte = self.record.position().map_or(0, csv::Position::byte);
            let (line, start) = self.start(byte);
            let rest = &self.text[start..];
            // An unclosed quote swallows the rest of the file into one cell.
            if self.reader.position().byte() as usize >= self.text.len() {
                if let Some(open) = unclosed_quote(rest) {
                    let line = line + count_newlines(&rest.as_bytes()[..open]);
                    let msg = format!(
                        "unterminated quote starting on line {line}: the quoted cell \
                         opened there never closes, so it runs to the end of the file"
                    );
                    return Next::Bad(Some(line), msg);
                }
            }
            let first = self.record.get(0).unwrap_or("");
            let blank = self.record.len() == 1 && first.is_empty();
            // `  # …`: a comment after spaces, which csv reads as a record.
            let comment = first.starts_with('#') && rest.trim_start().starts_with('#');
            if !blank && !comment {
                return Next::Record(line);
            }
        }
    }

    /// The line and byte offset where the record csv places at `byte`
    /// starts: csv places a record before the blank and comment lines it
    /// skipped to reach it.
    fn start(&mut self, byte: u64) -> (u64, usize) {
        let bytes = self.text.as_bytes();
        let byte = (byte as usize).min(bytes.len());
        if byte < self.at {
            (self.at, self.line) = (0, 1);
        }
        self.line += count_newlines(&bytes[self.at..byte]);
        self.at = byte;
        while let Some(&b) = bytes.get(self.at) {
            let rest = &bytes[self.at..];
            let skip = match b {
                b'\n' | b'\r' => 1,
                b'#' => rest
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(rest.len(), |k| k + 1),
                _ => break,
            };
            self.line += count_newlines(&rest[..skip]);
            self.at += skip;
        }
        (self.line, self.at)
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// Where the quoted cell that runs to the end of `record` (the text from
/// the start of a record) opens, when no quote closes it. csv's rules: a
/// quote opens a quoted cell only as the cell's first byte, `""` inside one
/// is a quote, and any other quote closes it.
fn unclosed_quote(record: &str) -> Option<usize> {
    enum S {
        Start,
        Plain,
        Quoted(usize),
        Closing(usize),
    }
    let mut s = S::Start;
    for (i, b) in record.bytes().enumerate() {
        s = match (s, b) {
            (S::Start, b'"') => S::Quoted(i),
            (S::Quoted(o), b'"') => S::Closing(o),
            (S::Quoted(o), _) => S::Quoted(o),
            (S::Closing(o), b'"') => S::Quoted(o),
            (_, b',' | b'\n' | b'\r') => S::Start,
            _ => S::Plain,
        };
    }
    match s {
        S::Quoted(open) => Some(open),
        _ => None,
    }
}

fn names(spec: &Table) -> String {
    spec.columns
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "expected UTF-8 text, found invalid bytes".to_string(),
        csv::ErrorKind::Io(io) => format!("cannot read: {io}"),
        _ => format!("malformed CSV: {e}"),
    }
}

impl Row<'_> {
    fn index(&self, col: &str) -> Option<usize> {
        let i = self.spec.columns.iter().position(|c| c.name == col);
        debug_assert!(i.is_some(), "{col} is not a column of {}", self.spec.file);
        i
    }

    /// The trimmed cell of `col` ("" when empty or absent).
    pub fn str(&self, col: &str) -> &str {
        self.index(col).map_or("", |i| self.cells[i].as_str())
    }

    /// Records an error about `col` on this row.
    pub fn error(&self, diags: &mut Diagnostics, col: &str, message: impl Into<String>) {
        diags.error(self.file, Some(self.line), Some(col), message);
    }

    /// Records a warning about `col` on this row.
    pub fn warning(&self, diags: &mut Diagnostics, col: &str, message: impl Into<String>) {
        diags.warning(self.file, Some(self.line), Some(col), message);
    }

    fn kind(&self, col: &str) -> Kind {
        self.spec.column(col).map_or(Kind::Text, |c| c.kind)
    }

    fn is_required(&self, col: &str) -> bool {
        self.spec.column(col).is_some_and(|c| c.required)
    }

    /// A text or id cell; `None` (with an error) when a required cell is
    /// empty or an id has characters ids may not have.
    pub fn text(&self, col: &str, diags: &mut Diagnostics) -> Option<String> {
        let s = self.str(col);
        if s.is_empty() {
            if self.is_required(col) {
                self.error(diags, col, "expected a value, found an empty cell");
                return None;
            }
            return Some(String::new());
        }
        if self.kind(col) == Kind::Id && !is_id(s) {
            self.error(
                diags,
                col,
                format!("expected an id (letters, digits, '_', '-', '.'), found \"{s}\""),
            );
            return None;
        }
        if let Kind::Word(words) = self.kind(col) {
            if !words.contains(&s) {
                self.error(
                    diags,
                    col,
                    format!("expected one of {}, found \"{s}\"", words.join(", ")),
                );
                return None;
            }
        }
        Some(s.to_string())
    }

    /// A number cell, checked against its column's kind. `Ok(None)` when an
    /// optional cell is empty; `Err(())` (with an error recorded) when bad.
    #[allow(clippy::result_unit_err)]
    pub fn number(&self, col: &str, diags: &mut Diagnostics) -> Result<Option<f64>, ()> {
        let s = self.str(col);
        if s.is_empty() {
            if self.is_required(col) {
                self.error(diags, col, "expected a number, found an empty cell");
                return Err(());
            }
            return Ok(None);
        }
        match parse_number(s, self.kind(col)) {
            Ok(v) => Ok(Some(v)),
            Err(expected) => {
                self.error(diags, col, format!("expected {expected}, found \"{s}\""));
                Err(())
            }
        }
    }

    /// A number cell with a default for an empty optional cell.
    #[allow(clippy::result_unit_err)]
    pub fn number_or(&self, col: &str, default: f64, diags: &mut Diagnostics) -> Result<f64, ()> {
        self.number(col, diags).map(|v| v.unwrap_or(default))
    }

    /// A year cell.
    #[allow(clippy::result_unit_err)]
    pub fn year(&self, col: &str, diags: &mut Diagnostics) -> Result<Option<i32>, ()> {
        let s = self.str(col);
        if s.is_empty() {
            return Ok(None);
        }
        match s.parse::<i32>() {
            Ok(y) if (1900..=2300).contains(&y) => Ok(Some(y)),
            _ => {
                self.error(
                    diags,
                    col,
                    format!("expected a calendar year (1900-2300), found \"{s}\""),
                );
                Err(())
            }
        }
    }
}

/// True for a valid id: non-empty, letters, digits, `_`, `-`, `.`.
pub fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// A cell that is not a number its column accepts. It shows as what was
/// expected, e.g. `a finite number >= 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadNumber {
    /// The kind of the column.
    pub kind: Kind,
}

impl std::fmt::Display for BadNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.kind {
            Kind::NonNegative => "a finite number >= 0",
            Kind::Fraction => "a number between 0 and 1",
            _ => "a finite number",
        })
    }
}

impl std::error::Error for BadNumber {}

/// Parses a number for a column of `kind`, refusing what would wreck the
/// solver: NaN, infinities and overflows (`1e400`), which `f64::from_str`
/// accepts.
///
/// # Errors
/// [`BadNumber`] when `s` is not such a number, or is out of the kind's range.
pub fn parse_number(s: &str, kind: Kind) -> Result<f64, BadNumber> {
    let bad = BadNumber { kind };
    let v: f64 = s.parse().map_err(|_| bad)?;
    if !v.is_finite() {
        return Err(bad);
    }
    match kind {
        Kind::NonNegative if v < 0.0 => Err(bad),
        Kind::Fraction if !(0.0..=1.0).contains(&v) => Err(bad),
        _ => Ok(if v == 0.0 { 0.0 } else { v }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schema::LANES;

    #[test]
    fn non_finite_numbers_are_refused() {
        for s in ["NaN", "nan", "inf", "-infinity", "1e400", "+Inf"] {
            assert!(parse_number(s, Kind::Number).is_err(), "{s}");
        }
        assert_eq!(parse_number("1e3", Kind::Number), Ok(1000.0));
        assert!(parse_number("-1", Kind::NonNegative).is_err());
        assert!(parse_number("1.5", Kind::Fraction).is_err());
        // -0 is stored as +0 so outputs never print "-0".
        assert!(parse_number("-0", Kind::Number).unwrap().is_sign_positive());
    }

    #[test]
    fn a_wrong_separator_is_named_only_when_the_header_splits_into_columns() {
        let first = |text: &str| {
            let mut d = Diagnostics::default();
            let t = parse_table("lanes.csv".into(), &LANES, text, &mut d);
            assert_eq!(t.rows().count(), 0);
            d.items()[0].to_string()
        };
        assert!(first("from;to;commodity;cost\na;b;c;1\n").contains("separated by ';'"));
        assert!(first("from\tto\tcommodity\tcost\na\tb\tc\t1\n").contains("separated by tabs"));
        let junk = first("\u{fffd}PNG;\u{1a}x;y\n");
        assert!(
            junk.starts_with("lanes.csv:1: column '\u{fffd}PNG;"),
            "{junk}"
        );
        let quote = first("from,to,commodity,cost\n\na,\"b,c,1\nd,e,f,2\n");
        assert!(
            quote.starts_with("lanes.csv:3: unterminated quote starting on line 3"),
            "{quote}"
        );
    }

    #[test]
    fn header_problems_are_all_reported_at_line_1() {
        let mut d = Diagnostics::default();
        parse_table(
            "lanes.csv".into(),
            &LANES,
            "from,to,cost,colour,cost\n",
            &mut d,
        );
        let msgs: Vec<String> = d.items().iter().map(|d| d.to_string()).collect();
        assert!(msgs.contains(&"lanes.csv:1: column 'colour': unknown column; expected one of: from, to, commodity, cost, capacity".to_string()), "{msgs:?}");
        assert!(msgs.contains(&"lanes.csv:1: column 'cost': column appears twice".to_string()));
        assert!(msgs.contains(
            &"lanes.csv:1: column 'commodity': required column is missing from the header"
                .to_string()
        ));
    }

    #[test]
    fn cells_are_trimmed_comments_skipped_and_lines_kept() {
        let mut d = Diagnostics::default();
        // Comments start only where a record does: never inside a quoted cell.
        let text = "\u{feff}from,to,commodity,cost\n# a comment\n a , b ,c, 5x \n\
                    \n  # indented, with a comma\nd,\"e\n# not a comment\",f,1\ng,h,i,2\n";
        let t = parse_table("lanes.csv".into(), &LANES, text, &mut d);
        let rows: Vec<Row> = t.rows().collect();
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[0].line, rows[0].str("from")), (3, "a"));
        assert_eq!((rows[1].line, rows[1].str("to")), (6, "e\n# not a comment"));
        assert_eq!(rows[2].line, 8);
        assert!(d.items().is_empty(), "{d:?}");
        assert_eq!(rows[0].number("cost", &mut d), Err(()));
        assert_eq!(
            d.items()[0].to_string(),
            "lanes.csv:3: column 'cost': expected a finite number >= 0, found \"5x\""
        );
    }
}
