//! A grid's LPs without building them.
//!
//! A grid takes each parameter through a few values: a 1,000-case grid of
//! three parameters has only 30 (parameter, value) pairs. Building the
//! base's LP with one parameter at one of its values (a *probe*) shows
//! which costs and bounds that value moves, and to what. When every probe
//! has the base's structure and columns (the same matrix, integrality and
//! column and row keys), no two parameters move the same cost or bound,
//! and at most one moves the LP's constant, a case's LP is the base's with
//! each parameter's costs and bounds set as its value's probe set them:
//! bit for bit the LP building the case gives, which
//! `tests/integration/sweep.rs` checks on every case of grids over each kind
//! of parameter. The engine re-solves such a case without building it
//! ([`crate::engine::Jobs::lp`]); its model is still loaded, and its plan
//! verified against it.
//!
//! Why no two parameters may share an entry: an entry that one parameter
//! moves and no other depends on that parameter alone, but two demand
//! factors on overlapping segments multiply on the overlap's bounds, and a
//! duty added where a measure's rate is swept adds to the same lane costs;
//! such grids, and samples (whose values are all different), are built
//! case by case.

use rayon::prelude::*;

use super::params::{Kind, Param};
use crate::engine::Mapped;
use crate::formulation::Formulation;
use crate::solver::Arrays;

/// A cost or bound of the LP: which array, and the position in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Entry {
    Cost(u32),
    Lower(u32),
    Upper(u32),
    RowLower(u32),
    RowUpper(u32),
}

/// What one probe moved: the entries that differ from the base's, with
/// their values, and the LP's constant.
#[derive(Debug, Clone)]
struct Probe {
    moved: Vec<(Entry, f64)>,
    constant: f64,
}

/// Every parameter's probes: the base's LP, and per parameter its values
/// and what each moved.
#[derive(Debug)]
pub struct ParamMap {
    base: Arrays,
    constant: f64,
    /// Per parameter: (value, its probe), one per value the cases take.
    probes: Vec<Vec<(f64, Probe)>>,
}

impl ParamMap {
    /// Probes the parameters at the values `cases` give them, building
    /// each probe with `build` (parameter number, value) and comparing it
    /// with `base`. None when probing would build as many LPs as the cases
    /// themselves, when the base has build decisions, a parameter changes
    /// the structure (an online year), a probe cannot be built or differs
    /// in structure or keys, or two parameters move the same cost or bound
    /// or both move the constant.
    pub fn probe(
        params: &[Param],
        cases: &[&[f64]],
        base: &Formulation,
        build: &(dyn Fn(usize, f64) -> Option<Formulation> + Sync),
    ) -> Option<ParamMap> {
        if base.size.integers > 0 || params.iter().any(|p| matches!(p.kind, Kind::Online(_))) {
            return None;
        }
        let mut values: Vec<Vec<f64>> = vec![Vec::new(); params.len()];
        for case in cases {
            for (p, &v) in case.iter().enumerate() {
                if !values[p].iter().any(|x| x.to_bits() == v.to_bits()) {
                    values[p].push(v);
                }
            }
        }
        let pairs: Vec<(usize, f64)> = (values.iter().enumerate())
            .flat_map(|(p, vs)| vs.iter().map(move |&v| (p, v)))
            .collect();
        if pairs.len() >= cases.len() {
            return None;
        }
        let probed: Vec<Option<Probe>> = pairs
            .par_iter()
            .map(|&(p, v)| {
                let f = build(p, v)?;
                let same = base.arrays.same_structure(&f.arrays) && base.keys == f.keys;
                same.then(|| Probe {
                    moved: moved(&base.arrays, &f.arrays),
                    constant: f.constant,
                })
            })
            .collect();
        let mut probes: Vec<Vec<(f64, Probe)>> = vec![Vec::new(); params.len()];
        for (&(p, v), probe) in pairs.iter().zip(probed) {
            probes[p].push((v, probe?));
        }
        let map = ParamMap {
            base: base.arrays.clone(),
            constant: base.constant,
            probes,
        };
        map.independent().then_some(map)
    }

    /// True when no two parameters move the same entry and at most one
    /// moves the constant.
    fn independent(&self) -> bool {
        let mut owner: Vec<(Entry, usize)> = Vec::new();
        let mut constants = 0;
        for (p, probes) in self.probes.iter().enumerate() {
            owner.extend(
                probes
                    .iter()
                    .flat_map(|(_, pr)| pr.moved.iter().map(move |m| (m.0, p))),
            );
            let bits = self.constant.to_bits();
            constants += usize::from(probes.iter().any(|(_, pr)| pr.constant.to_bits() != bits));
        }
        owner.sort_unstable();
        owner.dedup();
        constants <= 1 && owner.windows(2).all(|w| w[0].0 != w[1].0)
    }

    /// The LP of the case with `values` (one per parameter); none for a
    /// value that was not probed.
    pub fn case(&self, values: &[f64]) -> Option<Mapped> {
        let mut arrays = self.base.clone();
        let mut constant = self.constant;
        for (probes, &v) in self.probes.iter().zip(values) {
            let (_, probe) = probes.iter().find(|(x, _)| x.to_bits() == v.to_bits())?;
            for &(entry, value) in &probe.moved {
                *slot(&mut arrays, entry) = value;
            }
            if probe.constant.to_bits() != self.constant.to_bits() {
                constant = probe.constant;
            }
        }
        Some(Mapped { arrays, constant })
    }
}

/// The entries of `next` that differ from `base`'s, bit for bit (both of
/// the same structure).
fn moved(base: &Arrays, next: &Arrays) -> Vec<(Entry, f64)> {
    let mut out = Vec::new();
    let mut diff = |a: &[f64], b: &[f64], entry: fn(u32) -> Entry| {
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            if x.to_bits() != y.to_bits() {
                out.push((entry(i as u32), *y));
            }
        }
    };
    diff(&base.cost, &next.cost, Entry::Cost);
    diff(&base.lower, &next.lower, Entry::Lower);
    diff(&base.upper, &next.upper, Entry::Upper);
    diff(&base.row_lower, &next.row_lower, Entry::RowLower);
    diff(&base.row_upper, &next.row_upper, Entry::RowUpper);
    out
}

/// The array element `entry` names.
fn slot(arrays: &mut Arrays, entry: Entry) -> &mut f64 {
    match entry {
        Entry::Cost(i) => &mut arrays.cost[i as usize],
        Entry::Lower(i) => &mut arrays.lower[i as usize],
        Entry::Upper(i) => &mut arrays.upper[i as usize],
        Entry::RowLower(i) => &mut arrays.row_lower[i as usize],
        Entry::RowUpper(i) => &mut arrays.row_upper[i as usize],
    }
}

#[cfg(test)]
mod tests {
    //! Every case of a grid over each kind of parameter: the LP the map
    //! gives is the LP building the case gives, bit for bit; and the grids
    //! the map must refuse are refused.

    use super::super::{grid, params, scenario, CaseJobs, Sweep};
    use crate::io::source::ModelSource;
    use crate::measure::Measure;
    use crate::solver::SolveOptions;

    /// Probes the grid `sets` on `source` (portfolio `none`) and checks
    /// every case against its built LP; false when no map was made.
    fn mapped_as_built(source: &ModelSource, sets: &[&str]) -> bool {
        let model = crate::check(source, &[]).unwrap().model;
        let params: Vec<params::Param> = (sets.iter())
            .map(|s| params::parse(s, &model).unwrap())
            .collect();
        let cases = grid(&params);
        let measure = Measure::parse("CN:US:magnet", &model).unwrap();
        let opts = SolveOptions {
            portfolio: Some("none".into()),
            ..SolveOptions::default()
        };
        let sweep = Sweep {
            source,
            scenarios: &[],
            params: &params,
            cases: &cases,
            opts: &opts,
            measure: &measure,
            shard: None,
        };
        let dir = tempfile::tempdir().unwrap();
        let jobs = CaseJobs {
            sweep: &sweep,
            dir: dir.path(),
            parsed: crate::io::load::Parsed::read(source, &[]).ok(),
            map: None,
        };
        let values: Vec<&[f64]> = cases.iter().map(Vec::as_slice).collect();
        let Some(map) = jobs.probe(&values) else {
            return false;
        };
        let mut moved = 0;
        for (i, v) in cases.iter().enumerate() {
            let file = dir.path().join(format!("case-{}.toml", i + 1));
            std::fs::write(&file, scenario(&params, v, i + 1)).unwrap();
            let built = jobs.formulate(&[file.to_string_lossy().to_string()]);
            let built = built.unwrap();
            let mapped = map.case(v).unwrap();
            let a = (&built.arrays, &mapped.arrays);
            assert!(
                a.0.same_structure(a.1) && a.0.same_values(a.1),
                "case {v:?}"
            );
            assert_eq!(built.constant.to_bits(), mapped.constant.to_bits());
            moved += usize::from(!built.arrays.same_values(&map.base));
        }
        // Every case but the one at the model's own values moves something.
        assert!(
            moved + 1 >= cases.len(),
            "{moved} of {} cases moved",
            cases.len()
        );
        true
    }

    fn tiny() -> ModelSource {
        ModelSource::dir(concat!(env!("CARGO_MANIFEST_DIR"), "/models/tiny")).unwrap()
    }

    #[test]
    fn caps_measures_and_demand_factors_map_as_built() {
        assert!(mapped_as_built(
            &tiny(),
            &[
                "cap[cn-magnets-us]=0..400:200",
                "tariff[US tariff on magnets from FEOC countries]=0..0.5:0.25",
                "demand[JP,*]=x0.5..x1.5:0.5",
            ],
        ));
    }

    #[test]
    fn duties_capacities_and_penalties_map_as_built() {
        assert!(mapped_as_built(
            &tiny(),
            &[
                "tariff[US<CN,magnet]=0,0.5,1",
                "capacity[cn_magnet]=300,600",
                "penalty[US,ev]=20000,50000,90000",
            ],
        ));
    }

    #[test]
    fn credits_and_licences_of_the_default_model_map_as_built() {
        assert!(mapped_as_built(
            &ModelSource::Embedded,
            &[
                "credit[dod-mp-floor-2026]=0,20000",
                "cap[cn-licence-magnets-us]=0,3000,9000",
            ],
        ));
    }

    /// Two demand factors on the US's EV segments multiply there; an online
    /// year changes the structure; a single parameter's grid would probe
    /// as many LPs as it has cases. None is mapped.
    #[test]
    fn shared_entries_structures_and_small_grids_are_built() {
        let tiny = tiny();
        assert!(!mapped_as_built(
            &tiny,
            &["demand[US,*]=x0.5,x1", "demand[*,ev]=x0.5,x1,x2"],
        ));
        assert!(!mapped_as_built(
            &tiny,
            &[
                "online[cn_magnet]=2025,2026",
                "cap[cn-magnets-us]=0,100,200"
            ],
        ));
        assert!(!mapped_as_built(&tiny, &["cap[cn-magnets-us]=0..400:100"]));
    }
}
