//! A grid's LPs without building them.
//!
//! A grid takes each parameter through a few values: a 1,000-case grid of
//! three parameters has only 30 (parameter, value) pairs. Building the
//! base's LP with one parameter at one of its values (a *probe*) shows
//! which costs and bounds that value moves, and to what. A case's LP is
//! then the base's with each parameter's costs and bounds set as its
//! value's probe set them, bit for bit the LP building the case gives,
//! when:
//!
//! - every probe has the base's structure and keys (the same matrix,
//!   integrality, and columns and rows for the same things), and the
//!   base's constant (no parameter a sweep can set moves fixed costs but
//!   `online`, which changes the structure and is never mapped);
//! - no two parameters move the same cost or bound: two demand factors on
//!   overlapping segments multiply there, and a duty added where a
//!   measure's rate is swept adds to the same lane costs;
//! - no two parameters may set the same field of the same row
//!   ([`may_overlap`]): the later one overwrites the earlier one there,
//!   which no probe shows when the later one's values are the model's own.
//!
//! Other grids, and samples (whose values are all different), are built
//! case by case. The engine re-solves a mapped case without building it
//! ([`crate::engine::Jobs::lp`]); its model is still loaded, and its plan
//! verified against it. The tests below check every case of grids over
//! each kind of parameter against its built LP, and a mapped sweep against
//! the same sweep built case by case.

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
/// their values.
#[derive(Debug, Clone)]
struct Probe {
    moved: Vec<(Entry, f64)>,
}

/// Every parameter's probes: the base's LP, and per parameter its values
/// and what each moved.
#[derive(Debug)]
pub struct ParamMap {
    base: Arrays,
    /// The digest of the base's keys.
    keys: u64,
    /// Per parameter: (value, its probe), one per value the cases take.
    probes: Vec<Vec<(f64, Probe)>>,
}

impl ParamMap {
    /// Probes the parameters at the values `cases` give them, building
    /// each probe with `build` (parameter number, value) and comparing it
    /// with `base`. None when probing would build as many LPs as the cases
    /// themselves, when the base has build decisions, a parameter changes
    /// the structure (an online year), two parameters may set the same
    /// field, a probe cannot be built or differs from the base in
    /// structure, keys or constant, or two parameters move the same cost or
    /// bound.
    pub fn probe(
        params: &[Param],
        cases: &[&[f64]],
        base: &Formulation,
        build: &(dyn Fn(usize, f64) -> Option<Formulation> + Sync),
    ) -> Option<ParamMap> {
        let overlap = (params.iter().enumerate()).any(|(i, a)| {
            params[i + 1..]
                .iter()
                .any(|b| may_overlap(&a.kind, &b.kind))
        });
        let online = params.iter().any(|p| matches!(p.kind, Kind::Online(_)));
        if base.size.integers > 0 || online || overlap {
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
                let same = base.arrays.same_structure(&f.arrays)
                    && base.keys == f.keys
                    && base.constant.to_bits() == f.constant.to_bits();
                same.then(|| Probe {
                    moved: moved(&base.arrays, &f.arrays),
                })
            })
            .collect();
        let mut probes: Vec<Vec<(f64, Probe)>> = vec![Vec::new(); params.len()];
        for (&(p, v), probe) in pairs.iter().zip(probed) {
            probes[p].push((v, probe?));
        }
        let map = ParamMap {
            base: base.arrays.clone(),
            keys: base.keys.digest(),
            probes,
        };
        map.independent().then_some(map)
    }

    /// True when no two parameters move the same entry.
    fn independent(&self) -> bool {
        let mut owner: Vec<(Entry, usize)> = Vec::new();
        for (p, probes) in self.probes.iter().enumerate() {
            let moved = probes.iter().flat_map(|(_, pr)| pr.moved.iter());
            owner.extend(moved.map(|m| (m.0, p)));
        }
        owner.sort_unstable();
        owner.dedup();
        owner.windows(2).all(|w| w[0].0 != w[1].0)
    }

    /// The LP of the case with `values` (one per parameter); none for a
    /// value that was not probed.
    pub fn case(&self, values: &[f64]) -> Option<Mapped> {
        let mut arrays = self.base.clone();
        for (probes, &v) in self.probes.iter().zip(values) {
            let (_, probe) = probes.iter().find(|(x, _)| x.to_bits() == v.to_bits())?;
            for &(entry, value) in &probe.moved {
                *slot(&mut arrays, entry) = value;
            }
        }
        Some(Mapped {
            arrays,
            keys: self.keys,
        })
    }
}

/// True when parameters of kinds `a` and `b` may set the same field of the
/// same row (the same export control, measure, facility or contract, or
/// penalties of segments both match). Demand factors multiply and duties
/// add rows of their own, so overlapping ones show in what their probes
/// move.
fn may_overlap(a: &Kind, b: &Kind) -> bool {
    let both = |x: &Option<String>, y: &Option<String>| x.is_none() || y.is_none() || x == y;
    match (a, b) {
        (Kind::Cap(x), Kind::Cap(y))
        | (Kind::Tariff(x), Kind::Tariff(y))
        | (Kind::Capacity(x), Kind::Capacity(y))
        | (Kind::Online(x), Kind::Online(y))
        | (Kind::Credit(x), Kind::Credit(y))
        | (Kind::Premium(x), Kind::Premium(y)) => x == y,
        (Kind::Penalty(c, s), Kind::Penalty(d, t)) => both(c, d) && both(s, t),
        _ => false,
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
    //! gives is the LP building the case gives, bit for bit; a mapped sweep
    //! solves to the same results as the sweep built case by case; and the
    //! grids the map must refuse are refused, for the reason named.

    use super::super::{grid, params, scenario, CaseJobs, Sweep};
    use super::ParamMap;
    use crate::io::source::ModelSource;
    use crate::measure::Measure;
    use crate::solver::SolveOptions;

    /// Runs `f` on the sweep of the grid `sets` on `source` (portfolio
    /// `none`), its jobs (no map yet) and its cases.
    fn with_jobs<R>(
        source: &ModelSource,
        sets: &[&str],
        f: impl FnOnce(&Sweep, &CaseJobs, &[Vec<f64>]) -> R,
    ) -> R {
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
        let jobs = CaseJobs {
            sweep: &sweep,
            parsed: crate::io::load::Parsed::read(source, &[]).ok(),
            map: None,
        };
        f(&sweep, &jobs, &cases)
    }

    /// The LP of `values` built, as the engine builds case `n`.
    fn built(jobs: &CaseJobs, values: &[f64], n: usize) -> crate::formulation::Formulation {
        let text = scenario(jobs.sweep.params, values, n);
        jobs.formulate(Some(("case", &text))).unwrap()
    }

    /// The LP of the sweep's parameter `p` alone at `v`, built.
    fn alone(jobs: &CaseJobs, p: usize, v: f64) -> Option<crate::formulation::Formulation> {
        let text = scenario(&jobs.sweep.params[p..=p], &[v], 0);
        jobs.formulate(Some(("probe", &text)))
    }

    /// Probes the grid `sets` on `source` and checks every case against
    /// its built LP.
    fn mapped_as_built(source: &ModelSource, sets: &[&str]) {
        with_jobs(source, sets, |_, jobs, cases| {
            let values: Vec<&[f64]> = cases.iter().map(Vec::as_slice).collect();
            let map = jobs.probe(&values).expect("the grid is mapped");
            let constant = jobs.formulate(None).unwrap().constant;
            let mut moved = 0;
            for (i, v) in cases.iter().enumerate() {
                let built = built(jobs, v, i + 1);
                let mapped = map.case(v).unwrap();
                let a = (&built.arrays, &mapped.arrays);
                assert!(
                    a.0.same_structure(a.1) && a.0.same_values(a.1),
                    "case {v:?}"
                );
                assert_eq!(built.constant.to_bits(), constant.to_bits());
                assert_eq!(built.keys.digest(), mapped.keys);
                moved += usize::from(!built.arrays.same_values(&map.base));
            }
            // Every case but the one at the model's own values moves something.
            assert!(
                moved + 1 >= cases.len(),
                "{moved} of {} cases moved",
                cases.len()
            );
        });
    }

    /// The grid `sets` on `source` is not mapped, though every one of its
    /// probes builds.
    fn refused(source: &ModelSource, sets: &[&str]) {
        with_jobs(source, sets, |sweep, jobs, cases| {
            for (p, param) in sweep.params.iter().enumerate() {
                for &v in &param.values {
                    let probe = alone(jobs, p, v);
                    assert!(probe.is_some(), "{} = {v} does not build", param.label);
                }
            }
            let values: Vec<&[f64]> = cases.iter().map(Vec::as_slice).collect();
            assert!(jobs.probe(&values).is_none(), "{sets:?} mapped");
        });
    }

    fn tiny() -> ModelSource {
        ModelSource::dir(concat!(env!("CARGO_MANIFEST_DIR"), "/models/tiny")).unwrap()
    }

    #[test]
    fn caps_measures_and_demand_factors_map_as_built() {
        mapped_as_built(
            &tiny(),
            &[
                "cap[cn-magnets-us]=0..400:200",
                "tariff[US tariff on magnets from FEOC countries]=0..0.5:0.25",
                "demand[JP,*]=x0.5..x1.5:0.5",
            ],
        );
    }

    #[test]
    fn duties_capacities_and_penalties_map_as_built() {
        mapped_as_built(
            &tiny(),
            &[
                "tariff[US<CN,magnet]=0,0.5,1",
                "capacity[cn_magnet]=300,600",
                "penalty[US,ev]=20000,50000,90000",
            ],
        );
    }

    /// The default model's demand curves, offtakes and credits: EV demand
    /// scaled on its curve steps, the capacity of 10X (whose output the
    /// Department of Defense buys), MP's price-floor credit.
    #[test]
    fn curves_offtakes_and_credits_of_the_default_model_map_as_built() {
        mapped_as_built(
            &ModelSource::Embedded,
            &[
                "credit[dod-mp-floor-2026]=0,20000",
                "demand[*,ev]=x0.8,x1.2",
                "capacity[us_10x]=500,2000",
            ],
        );
    }

    /// A mapped sweep gives exactly what building each case gives: the
    /// same statuses, objectives, costs, markets and prices, each case
    /// re-solved warm on the same base.
    #[test]
    fn a_mapped_sweep_solves_as_the_sweep_built_case_by_case() {
        let sets = [
            "cap[cn-magnets-us]=0..400:200",
            "tariff[US<CN,magnet]=0,1",
            "demand[*,ev]=x0.8,x1.2",
        ];
        with_jobs(&tiny(), &sets, |sweep, jobs, cases| {
            let values: Vec<&[f64]> = cases.iter().map(Vec::as_slice).collect();
            assert!(jobs.probe(&values).is_some());
            let (mapped, _) = sweep.run_mapped(&|_| {}, true);
            let (each, _) = sweep.run_mapped(&|_| {}, false);
            assert_eq!(mapped.len(), 12);
            assert!(mapped.iter().all(|c| c.start == crate::engine::How::Warm));
            let json = |c| serde_json::to_string(c).unwrap();
            assert_eq!(json(&mapped), json(&each));
        });
    }

    /// Two demand factors on the US's EV segments multiply there; an online
    /// year changes the structure; a single parameter's grid would probe
    /// as many LPs as it has cases. None is mapped.
    #[test]
    fn shared_entries_structures_and_small_grids_are_built() {
        let tiny = tiny();
        refused(&tiny, &["demand[US,*]=x0.5,x1", "demand[*,ev]=x0.5,x1,x2"]);
        refused(
            &tiny,
            &[
                "online[cn_magnet]=2025,2026",
                "cap[cn-magnets-us]=0,100,200",
            ],
        );
        refused(&tiny, &["cap[cn-magnets-us]=0..400:100"]);
    }

    /// A later parameter overwrites an earlier one where both set the same
    /// field: US EV's penalty set by `penalty[US,*]` and reset to the
    /// model's own 100,000 by `penalty[*,ev]`, whose probe moves nothing
    /// (the case that, mapped, would keep 150,000 or 200,000); the same
    /// cap set twice.
    #[test]
    fn parameters_that_set_the_same_field_are_built() {
        let tiny = tiny();
        refused(
            &tiny,
            &[
                "penalty[US,*]=150000,200000",
                "penalty[*,ev]=100000",
                "tariff[US<CN,magnet]=0,2",
                "cap[cn-magnets-us]=400,500",
            ],
        );
        refused(
            &tiny,
            &[
                "cap[cn-magnets-us]=0,100",
                "cap[cn-magnets-us]=200",
                "demand[JP,*]=x1,x2",
            ],
        );
    }

    /// A probe of another structure (an export control added: a row
    /// more), or with another constant (a plant's fixed cost changed), than
    /// the base stops the map.
    #[test]
    fn a_probe_of_another_structure_or_constant_stops_the_map() {
        let sets = ["cap[cn-magnets-us]=0,100,200", "tariff[US<CN,magnet]=0,1"];
        with_jobs(&tiny(), &sets, |sweep, jobs, cases| {
            let values: Vec<&[f64]> = cases.iter().map(Vec::as_slice).collect();
            let base = jobs.formulate(None).unwrap();
            let with = |text: &str| {
                let text = format!("description = \"odd\"\n{text}");
                jobs.formulate(Some(("odd", &text))).unwrap()
            };
            let row = with(
                "[[add]]\nfile = \"export_controls.csv\"\nrows = [{ id = \"au-cap\", exporter = \"AU\", \
                 commodity = \"magnet\", destination = \"US\", cap = 100 }]\n",
            );
            let fixed = with(
                "[[set]]\nfile = \"facilities.csv\"\nmatch = { id = \"cn_magnet\" }\n\
                 values = { fixed_cost = 7 }\n",
            );
            assert!(!base.arrays.same_structure(&row.arrays));
            assert!(base.arrays.same_structure(&fixed.arrays) && base.keys == fixed.keys);
            assert_ne!(base.constant, fixed.constant);
            let honest = |p: usize, v: f64| alone(jobs, p, v);
            assert!(ParamMap::probe(sweep.params, &values, &base, &honest).is_some());
            for odd in [&row, &fixed] {
                let probe = |p: usize, v: f64| {
                    let f = honest(p, v)?;
                    Some(if (p, v) == (1, 1.0) {
                        crate::formulation::Formulation {
                            arrays: odd.arrays.clone(),
                            keys: odd.keys.clone(),
                            constant: odd.constant,
                            ..f
                        }
                    } else {
                        f
                    })
                };
                assert!(ParamMap::probe(sweep.params, &values, &base, &probe).is_none());
            }
        });
    }
}
