//! How numbers and tables look in the terminal: money and tonnes, and
//! tables with rareflow's borders that keep within the terminal's width
//! when stdout is one.

use std::num::NonZeroU16;
use std::sync::atomic::{AtomicU16, Ordering};

use comfy_table::presets::ASCII_BORDERS_ONLY_CONDENSED;
use comfy_table::{CellAlignment, ContentArrangement, Table};

/// Money with thousands separators, no decimals: `42,281,218`.
pub fn money(v: f64) -> String {
    let neg = v < -0.5;
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if neg {
        format!("-{out}")
    } else {
        out
    }
}

/// Tonnes: one decimal below 100, none above.
pub fn tonnes(v: f64) -> String {
    if v.abs() < 100.0 {
        format!("{v:.1}")
    } else {
        money(v)
    }
}

/// The width tables keep within, 0 for none.
static WIDTH: AtomicU16 = AtomicU16::new(0);

/// Makes every table rendered from now on keep within `width` columns,
/// wrapping cells where it must (`None`: never wrap). The binary sets the
/// terminal's width when stdout is a terminal; anything else (a pipe, a
/// file, a test) gets tables that do not depend on where they go.
pub fn set_width(width: Option<u16>) {
    WIDTH.store(width.unwrap_or(0), Ordering::Relaxed);
}

/// A table with rareflow's borders, within the width set by [`set_width`].
pub(crate) fn table(header: &[&str]) -> Table {
    table_within(header, NonZeroU16::new(WIDTH.load(Ordering::Relaxed)))
}

/// A table with rareflow's borders, within `width` columns when given.
fn table_within(header: &[&str], width: Option<NonZeroU16>) -> Table {
    let mut t = Table::new();
    t.load_preset(ASCII_BORDERS_ONLY_CONDENSED);
    // Never comfy-table's own look at the terminal: the text would then
    // depend on whether the tests run in one.
    t.force_no_tty();
    if let Some(w) = width {
        t.set_content_arrangement(ContentArrangement::Dynamic);
        t.set_width(w.get());
    }
    t.set_header(header.iter().copied());
    t
}

pub(crate) fn right_align(t: &mut Table, from: usize) {
    let n = t.column_count();
    for i in from..n {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::money;

    #[test]
    fn a_wide_table_wraps_to_the_width_set_and_only_then() {
        let header: Vec<String> = (0..8).map(|i| format!("portfolio-{i}")).collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let render = |width: Option<u16>| {
            let mut t = super::table_within(&header, width.and_then(std::num::NonZeroU16::new));
            t.add_row((0..8).map(|i| super::money(1e9 * f64::from(i + 1))));
            t.to_string()
        };
        let free = render(None);
        assert!(free.lines().all(|l| l.len() > 120), "{free}");
        assert_eq!(free.lines().count(), 5, "one line a row: {free}");
        let narrow = render(Some(100));
        assert!(narrow.lines().all(|l| l.chars().count() <= 100), "{narrow}");
        assert!(narrow.lines().count() > 5, "wrapped: {narrow}");
        assert!(narrow.contains("8,000,000"), "{narrow}");
    }

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(42_281_218.18), "42,281,218");
        assert_eq!(money(999.0), "999");
        assert_eq!(money(-1500.0), "-1,500");
        assert_eq!(money(0.2), "0");
    }
}
