//! Sharded sweeps: `--shard K/N` keeps every N-th chain of consecutive
//! cases (chains K, K+N, K+2N..., each [`chain_length`] cases), so N
//! machines (a Slurm job array, a Kubernetes indexed job) share a sweep;
//! `rareflow merge` joins their `sweep.csv` files into exactly the file the
//! unsharded run writes.

use crate::error::{Diagnostics, Error, Result};

/// One slice of a sweep: shard `k` of `n` (1 <= k <= n).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This slice, from 1.
    pub k: usize,
    /// How many slices.
    pub n: usize,
}

impl Shard {
    /// Reads `K/N`.
    ///
    /// # Errors
    /// [`Error::Usage`] unless 1 <= K <= N.
    pub fn parse(text: &str) -> Result<Shard> {
        let bad = || Error::Usage(format!("--shard {text:?}: expected K/N with 1 <= K <= N"));
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (k, n): (usize, usize) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if k == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }

    /// Does chain `chain` (from 0) belong to this slice?
    pub fn holds(self, chain: usize) -> bool {
        chain % self.n == self.k - 1
    }
}

/// How many consecutive cases of a sweep of `total` make one chain, solved
/// one from the other by one worker ([`crate::engine`]): a sixteenth of the
/// sweep, from 1 to 100 cases. It depends on the sweep alone, never on the
/// workers or slices, so a case's plan does not either.
pub fn chain_length(total: usize) -> usize {
    (total / 16).clamp(1, 100)
}

/// A run's cases (sweep cases, stress sets) cut into chains, and the ones
/// its slice holds: every case without a slice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chains {
    /// How many cases the whole run has.
    pub total: usize,
    /// Only this slice, when given.
    pub shard: Option<Shard>,
}

impl Chains {
    /// The chain of case `i` (from 0).
    pub fn chain(self, i: usize) -> usize {
        i / chain_length(self.total)
    }

    /// Does this run solve case `i` (from 0)?
    pub fn mine(self, i: usize) -> bool {
        self.shard.is_none_or(|s| s.holds(self.chain(i)))
    }

    /// The cases (from 0) this run solves, in order.
    pub fn cases(self) -> impl Iterator<Item = usize> {
        (0..self.total).filter(move |&i| self.mine(i))
    }

    /// How many cases this run solves (its slice's).
    pub fn len(self) -> usize {
        self.cases().count()
    }

    /// True when the slice holds no case.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// Joins the `sweep.csv` texts of a sweep's slices (each with the file it
/// came from) into the unsharded file: one header, the rows by case number.
///
/// # Errors
/// [`Error::Invalid`] (exit 3), each at its file and line, when the
/// headers differ, a case appears twice, or case numbers are missing
/// (a slice left out).
pub fn merge(slices: &[(String, String)]) -> Result<String> {
    let mut diags = Diagnostics::default();
    let mut header: Option<(&str, &str)> = None;
    let mut rows: Vec<(usize, &str, &str, u64)> = Vec::new();
    for (file, text) in slices {
        let mut lines = text.lines();
        let head = lines.next().unwrap_or_default();
        match header {
            None => header = Some((file, head)),
            Some((first, h)) if h != head => diags.error(
                file,
                Some(1),
                None,
                format!("the header differs from {first}'s: another sweep's slice?"),
            ),
            Some(_) => {}
        }
        for (i, line) in lines.enumerate() {
            let line_no = i as u64 + 2;
            let case = line.split(',').next().and_then(|c| c.parse::<usize>().ok());
            match case {
                Some(c) if c >= 1 => rows.push((c, line, file, line_no)),
                _ => diags.error(file, Some(line_no), Some("case"), "expected a case number"),
            }
        }
    }
    rows.sort_by_key(|r| r.0);
    for pair in rows.windows(2) {
        if pair[0].0 == pair[1].0 {
            let (c, _, first, first_line) = pair[0];
            let msg = format!("case {c} again (first in {first} at line {first_line})");
            diags.error(pair[1].2, Some(pair[1].3), Some("case"), msg);
        }
    }
    if let Some(missing) = (1..=rows.len())
        .zip(&rows)
        .find(|(n, r)| *n != r.0)
        .map(|(n, _)| n)
    {
        let (file, _) = header.unwrap_or_default();
        diags.error(
            file,
            None,
            None,
            format!("case {missing} is in no slice: is a slice missing?"),
        );
    }
    // Each row says how many cases the whole sweep has (`cases`): fewer
    // merged means a slice is missing, the last ones included.
    let counted = header.is_some_and(|(_, h)| h.split(',').nth(1) == Some("cases"));
    let totals: Vec<usize> = (rows.iter())
        .filter_map(|r| r.1.split(',').nth(1)?.parse().ok())
        .collect();
    if let (true, Some(&total)) = (counted, totals.first()) {
        let (file, _) = header.unwrap_or_default();
        if totals.iter().any(|&t| t != total) {
            diags.error(
                file,
                None,
                Some("cases"),
                "slices of sweeps of different sizes",
            );
        } else if rows.len() < total {
            let msg = format!(
                "the slices hold {} of the sweep's {total} cases: is a slice missing?",
                rows.len()
            );
            diags.error(file, None, Some("cases"), msg);
        }
    }
    same_request(header, &rows, &mut diags);
    if diags.has_errors() {
        return Err(Error::Invalid(diags.into_vec()));
    }
    let mut out = String::new();
    if let Some((_, h)) = header {
        out.push_str(h);
        out.push('\n');
    }
    for (_, line, _, _) in rows {
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

/// A file with a `request` column (`stress.csv`) holds one request: every
/// row's cell is the first row's.
fn same_request(
    header: Option<(&str, &str)>,
    rows: &[(usize, &str, &str, u64)],
    diags: &mut Diagnostics,
) {
    let Some((_, head)) = header else { return };
    let Some(col) = csv_cells(head).iter().position(|c| c == "request") else {
        return;
    };
    let cell = |line: &str| csv_cells(line).get(col).cloned().unwrap_or_default();
    let Some(first) = rows.first().map(|r| cell(r.1)) else {
        return;
    };
    if let Some(r) = rows.iter().find(|r| cell(r.1) != first) {
        let msg = format!(
            "another request ({}) than case {}'s ({first}): another run's slice?",
            cell(r.1),
            rows[0].0
        );
        diags.error(r.2, Some(r.3), Some("request"), msg);
    }
}

/// The cells of one CSV line (quoted cells unquoted).
fn csv_cells(line: &str) -> Vec<String> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes());
    r.records()
        .next()
        .and_then(|x| x.ok())
        .map(|x| x.iter().map(str::to_string).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_take_every_nth_chain() {
        let s = Shard::parse("2/3").unwrap();
        let held: Vec<usize> = (0..7).filter(|&c| s.holds(c)).collect();
        assert_eq!(held, vec![1, 4]);
        assert!(Shard::parse("0/3").is_err() && Shard::parse("4/3").is_err());
    }

    #[test]
    fn chains_cut_cases_and_slices_hold_whole_chains() {
        // 40 cases: chains of 2; slice 2/3 holds chains 1, 4, 7, ...
        let chains = Chains {
            total: 40,
            shard: Some(Shard::parse("2/3").unwrap()),
        };
        assert_eq!(chains.chain(5), 2);
        let held: Vec<usize> = chains.cases().take(4).collect();
        assert_eq!(held, vec![2, 3, 8, 9]);
        let all = Chains {
            shard: None,
            ..chains
        };
        assert_eq!(all.len(), 40);
        let slices: usize = (1..=3)
            .map(|k| {
                Chains {
                    shard: Some(Shard { k, n: 3 }),
                    ..chains
                }
                .len()
            })
            .sum();
        assert_eq!(slices, 40);
    }

    #[test]
    fn merging_sorts_rows_and_finds_gaps() {
        let a = ("a".to_string(), "case,x\n1,a\n3,c\n".to_string());
        let b = ("b".to_string(), "case,x\n2,b\n".to_string());
        assert_eq!(merge(&[a.clone(), b]).unwrap(), "case,x\n1,a\n2,b\n3,c\n");
        assert!(merge(std::slice::from_ref(&a)).is_err());
        assert!(merge(&[a.clone(), a]).is_err());
    }
}
