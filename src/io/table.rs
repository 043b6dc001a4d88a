//! Reading one CSV table into rows of trimmed cells, and parsing cells into
//! typed values with a located diagnostic for every bad one.
//!
//! csv's own messages (`record 2 (line: 3, byte: 26): field 3: invalid float
//! literal`) are not for users; everything here reports as
//! `file:line: column 'x': expected …, found …`.

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
#[derive(Debug)]
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
    /// added it.
    pub file: String,
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
/// missing columns, a `;`-separated file) are reported at line 1; a table
/// whose header is unusable yields no rows.
pub fn parse_table(
    file: String,
    spec: &'static Table,
    text: &str,
    diags: &mut Diagnostics,
) -> RawTable {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // csv's own comment support does not count comment lines in its line
    // numbers; blank them instead (empty lines are skipped but counted).
    let text: String = text
        .split_inclusive('\n')
        .map(|l| {
            if l.trim_start().starts_with('#') {
                "\n"
            } else {
                l
            }
        })
        .collect();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = RawTable::empty(file, spec);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            diags.error(&table.file, Some(1), None, csv_message(&e));
            return table;
        }
    };
    if let Some(position) = header_positions(&table.file, spec, &headers, diags) {
        read_rows(
            &mut table,
            &mut reader,
            &text,
            &position,
            headers.len(),
            diags,
        );
    }
    table
}

/// The position in the file of each schema column, or `None` (reported)
/// when the header is unusable.
fn header_positions(
    file: &str,
    spec: &Table,
    headers: &csv::StringRecord,
    diags: &mut Diagnostics,
) -> Option<Vec<Option<usize>>> {
    if headers.len() <= 1 && headers.iter().any(|h| h.contains(';')) {
        diags.error(
            file,
            Some(1),
            None,
            "the file is separated by ';'; rareflow reads comma-separated files \
             (export it from the spreadsheet as CSV with commas)",
        );
        return None;
    }
    if headers.iter().all(str::is_empty) {
        diags.error(
            file,
            Some(1),
            None,
            format!(
                "expected a header line naming the columns ({}), found none",
                names(spec)
            ),
        );
        return None;
    }
    let mut position: Vec<Option<usize>> = vec![None; spec.columns.len()];
    let mut header_ok = true;
    for (i, h) in headers.iter().enumerate() {
        match spec.columns.iter().position(|c| c.name == h) {
            Some(k) if position[k].is_some() => {
                diags.error(file, Some(1), Some(h), "column appears twice");
                header_ok = false;
            }
            Some(k) => position[k] = Some(i),
            None => {
                diags.error(
                    file,
                    Some(1),
                    Some(h),
                    format!("unknown column; expected one of: {}", names(spec)),
                );
                header_ok = false;
            }
        }
    }
    for (k, col) in spec.columns.iter().enumerate() {
        if col.required && position[k].is_none() {
            diags.error(
                file,
                Some(1),
                Some(col.name),
                "required column is missing from the header",
            );
            header_ok = false;
        }
    }
    header_ok.then_some(position)
}

/// Reads every record after the header into `table`, one cell per schema
/// column; a record with the wrong number of fields is reported and skipped.
fn read_rows(
    table: &mut RawTable,
    reader: &mut csv::Reader<&[u8]>,
    text: &str,
    position: &[Option<usize>],
    fields: usize,
    diags: &mut Diagnostics,
) {
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| line_at(text, p.byte()));
                if record.len() == 1 && record.get(0) == Some("") {
                    continue;
                }
                if record.len() != fields {
                    diags.error(
                        &table.file,
                        Some(line),
                        None,
                        format!(
                            "expected {fields} fields (as in the header), found {}",
                            record.len()
                        ),
                    );
                    continue;
                }
                let cells = position
                    .iter()
                    .map(|p| p.and_then(|i| record.get(i)).unwrap_or("").to_string())
                    .collect();
                let file = table.file.clone();
                table.rows.push(RawRow { file, line, cells });
            }
            Err(e) => {
                let line = e.position().map(|p| line_at(text, p.byte()));
                diags.error(&table.file, line, None, csv_message(&e));
                if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                    break;
                }
            }
        }
    }
}

/// The 1-based line of the first non-blank character at or after `byte`
/// (csv reports a record's position before the blank lines it skipped).
fn line_at(text: &str, byte: u64) -> u64 {
    let start = (byte as usize).min(text.len());
    let skip = text[start..]
        .find(|c: char| c != '\n' && c != '\r')
        .unwrap_or(0);
    text.as_bytes()[..start + skip]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1
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
    fn semicolon_files_are_named_as_such() {
        let mut d = Diagnostics::default();
        let t = parse_table(
            "lanes.csv".into(),
            &LANES,
            "from;to;commodity;cost\na;b;c;1\n",
            &mut d,
        );
        assert_eq!(t.rows().count(), 0);
        assert!(d.items()[0].message.contains("separated by ';'"), "{:?}", d);
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
        let t = parse_table(
            "lanes.csv".into(),
            &LANES,
            "\u{feff}from,to,commodity,cost\n# a comment\n a , b ,c, 5x \n",
            &mut d,
        );
        let rows: Vec<Row> = t.rows().collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 3);
        assert_eq!(rows[0].str("from"), "a");
        assert_eq!(rows[0].number("cost", &mut d), Err(()));
        assert_eq!(
            d.items()[0].to_string(),
            "lanes.csv:3: column 'cost': expected a finite number >= 0, found \"5x\""
        );
    }
}
