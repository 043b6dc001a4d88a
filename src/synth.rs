//! Synthetic models of any size, for benchmarks and scale tests
//! (`rareflow generate --scale N`). The same scale and horizon always give
//! the same files.
//!
//! A model of scale N has 3 deposit types with their own separation recipes
//! (joint NdPr, Dy and La/Ce), NdPr and Dy metal, standard and
//! high-coercivity magnets; 4N mines, 2N separation plants, 2N metal plants
//! and 3N magnet plants spread over 8 + N countries in 6 regions; magnet
//! demand by country and sector growing 5% a year; one tariff and one export
//! control on the first country group. Lanes are generated from a
//! region-to-region freight table, so the LP grows roughly with N².

use std::fmt::Write;

/// splitmix64: a fixed, dependency-free sequence, so generated models (and
/// sampled sweeps) never change with a library upgrade.
pub(crate) struct Seq(pub(crate) u64);

impl Seq {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi), rounded to whole units.
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        (lo + self.unit() * (hi - lo)).round()
    }

    pub(crate) fn pick(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const REGIONS: &[&str] = &["asia", "oceania", "americas", "europe", "africa", "mideast"];
const DEPOSITS: &[(&str, f64, f64)] = &[
    // (deposit, NdPr share, Dy share); the rest is La/Ce
    ("bastnasite", 0.16, 0.002),
    ("monazite", 0.22, 0.01),
    ("clay", 0.25, 0.06),
];
const SECTORS: &[(&str, &str, f64)] = &[
    ("ev", "magnet_hc", 4.0),
    ("wind", "magnet_hc", 2.0),
    ("industrial", "magnet_std", 3.0),
    ("electronics", "magnet_std", 2.0),
];

/// `tariffs.csv`: duties on the first country group's magnets and oxides.
const TARIFFS: &str = "name,importer,exporter,commodity,ad_valorem,specific,periods\n\
                       duty on bloc magnets,all,bloc,magnet,0.25,0,\n\
                       duty on bloc oxides,all,bloc,oxide,0.10,500,\n";

/// `export_controls.csv`: a cap on the first country group's Dy exports.
const EXPORT_CONTROLS: &str = "id,exporter,commodity,destination,cap,periods\n\
                               bloc-dy,bloc,dy_oxide dy_metal,all,50,\n";

/// The files of a synthetic model: (file name, contents).
pub fn generate(scale: usize, years: usize) -> Vec<(&'static str, String)> {
    let n = scale.max(1);
    let years = years.clamp(1, 50);
    let mut r = Seq(0x5EED_0000 + n as u64);
    let countries: Vec<String> = (0..8 + n).map(|i| format!("C{i:03}")).collect();
    // Only the facilities and the demand draw from the sequence, in this order.
    let facilities = facilities_csv(n, years, &countries, &mut r);
    let demand = demand_csv(years, &countries, &mut r);
    vec![
        ("model.toml", model_toml(n, years)),
        ("countries.csv", countries_csv(&countries)),
        ("commodities.csv", commodities_csv()),
        ("processes.csv", processes_csv()),
        ("facilities.csv", facilities),
        ("transport.csv", transport_csv()),
        ("demand.csv", demand),
        ("tariffs.csv", TARIFFS.to_string()),
        ("export_controls.csv", EXPORT_CONTROLS.to_string()),
    ]
}

/// `model.toml`: name, horizon, discount rate and shortage penalty.
fn model_toml(n: usize, years: usize) -> String {
    let mut model = String::new();
    let _ = writeln!(model, "name = \"synthetic-{n}\"");
    let _ = writeln!(
        model,
        "description = \"Synthetic benchmark model, scale {n}.\""
    );
    let _ = writeln!(model, "first_year = 2025\nlast_year = {}", 2025 + years - 1);
    let _ = writeln!(model, "discount_rate = 0.08\nshortage_penalty = 400000");
    model
}

/// `countries.csv`: countries spread over the regions in turn, every
/// seventh in the group `bloc`.
fn countries_csv(countries: &[String]) -> String {
    let mut c = String::from("code,name,region,groups\n");
    for (i, code) in countries.iter().enumerate() {
        let group = if i % 7 == 0 { "bloc" } else { "" };
        let _ = writeln!(
            c,
            "{code},Country {i},{},{group}",
            REGIONS[i % REGIONS.len()]
        );
    }
    c
}

/// `commodities.csv`: one concentrate per deposit type, the oxides, the
/// metals and the two magnet grades.
fn commodities_csv() -> String {
    let mut k = String::from("id,name,stage,unit,ref_value,disposal_cost\n");
    for (d, _, _) in DEPOSITS {
        let _ = writeln!(k, "conc_{d},{d} concentrate,concentrate,t,4000,0");
    }
    k.push_str(
        "ndpr_oxide,NdPr oxide,oxide,t,70000,0\n\
         dy_oxide,Dy oxide,oxide,t,250000,0\n\
         lace_oxide,La/Ce oxide,oxide,t,1000,50\n\
         ndpr_metal,NdPr metal,metal,t,90000,0\n\
         dy_metal,Dy metal,metal,t,330000,0\n\
         magnet_std,standard NdFeB,magnet,t,45000,0\n\
         magnet_hc,high-coercivity NdFeB,magnet,t,60000,0\n",
    );
    k
}

/// `processes.csv`: mining and separation per deposit type, reduction to
/// metal, and the two magnet recipes.
fn processes_csv() -> String {
    let mut p = String::from("process,commodity,coef\n");
    for (d, ndpr, dy) in DEPOSITS {
        let _ = writeln!(p, "mine_{d},conc_{d},1");
        let _ = writeln!(p, "separate_{d},conc_{d},-1");
        let _ = writeln!(p, "separate_{d},ndpr_oxide,{ndpr}");
        let _ = writeln!(p, "separate_{d},dy_oxide,{dy}");
        let _ = writeln!(p, "separate_{d},lace_oxide,{}", 1.0 - ndpr - dy);
    }
    p.push_str(
        "reduce_ndpr,ndpr_oxide,-1.25\nreduce_ndpr,ndpr_metal,1\n\
         reduce_dy,dy_oxide,-1.25\nreduce_dy,dy_metal,1\n\
         magnet_std,ndpr_metal,-0.31\nmagnet_std,magnet_std,1\n\
         magnet_hc,ndpr_metal,-0.29\nmagnet_hc,dy_metal,-0.03\nmagnet_hc,magnet_hc,1\n",
    );
    p
}

/// `facilities.csv`: 4N mines, 2N separation plants, 2N metal plants and
/// 3N magnet plants, each in a random country with a random size and cost.
fn facilities_csv(n: usize, years: usize, countries: &[String], r: &mut Seq) -> String {
    let mut sites = Sites {
        csv: String::from(
            "id,name,operator,country,process,capacity,status,online_year,closure_year,ramp_up,variable_cost,fixed_cost\n",
        ),
        countries,
        years,
        r,
    };
    for i in 0..4 * n {
        let (d, _, _) = DEPOSITS[i % DEPOSITS.len()];
        sites.add(
            "mine",
            i,
            &format!("mine_{d}"),
            (2000.0, 20000.0),
            (800.0, 3000.0),
        );
    }
    for i in 0..2 * n {
        let (d, _, _) = DEPOSITS[i % DEPOSITS.len()];
        sites.add(
            "sep",
            i,
            &format!("separate_{d}"),
            (3000.0, 30000.0),
            (400.0, 1500.0),
        );
    }
    for i in 0..2 * n {
        let process = if i % 2 == 0 {
            "reduce_ndpr"
        } else {
            "reduce_dy"
        };
        sites.add("metal", i, process, (500.0, 5000.0), (1500.0, 6000.0));
    }
    for i in 0..3 * n {
        let process = if i % 2 == 0 {
            "magnet_std"
        } else {
            "magnet_hc"
        };
        sites.add("magnet", i, process, (1000.0, 15000.0), (5000.0, 15000.0));
    }
    sites.csv
}

/// The rows of `facilities.csv` as they are drawn.
struct Sites<'a> {
    /// The file so far.
    csv: String,
    /// Country codes to place sites in.
    countries: &'a [String],
    /// Years in the horizon.
    years: usize,
    /// The random sequence.
    r: &'a mut Seq,
}

impl Sites<'_> {
    /// Adds site `i` of `kind` running `process`, its capacity and variable
    /// cost drawn from the ranges `cap` and `cost`.
    fn add(&mut self, kind: &str, i: usize, process: &str, cap: (f64, f64), cost: (f64, f64)) {
        let r = &mut *self.r;
        let country = &self.countries[r.pick(self.countries.len())];
        let capacity = r.range(cap.0, cap.1);
        let vc = r.range(cost.0, cost.1);
        // One site in five is still being built and ramps up.
        let (status, online, ramp) = if r.pick(5) == 0 {
            (
                "construction",
                (2026 + r.pick(self.years.max(2) - 1)).to_string(),
                "0.4 0.8",
            )
        } else {
            ("operating", String::new(), "")
        };
        let _ = writeln!(self.csv, "{kind}{i:04},{kind} {i},op{},{country},{process},{capacity},{status},{online},,{ramp},{vc},{}", i % 13, r.range(0.0, 2e6));
    }
}

/// `transport.csv`: a freight rate per region pair and stage, growing with
/// the distance between the regions in [`REGIONS`].
fn transport_csv() -> String {
    let mut t = String::from("from_region,to_region,commodity,cost\n");
    for (a, ra) in REGIONS.iter().enumerate() {
        for (b, rb) in REGIONS.iter().enumerate().skip(a) {
            let hop = if a == b { 1.0 } else { 2.0 + (b - a) as f64 };
            let _ = writeln!(t, "{ra},{rb},concentrate,{}", 25.0 * hop);
            let _ = writeln!(t, "{ra},{rb},oxide,{}", 60.0 * hop);
            let _ = writeln!(t, "{ra},{rb},metal,{}", 80.0 * hop);
            let _ = writeln!(t, "{ra},{rb},magnet,{}", 120.0 * hop);
        }
    }
    t
}

/// `demand.csv`: per country a random base, per sector a weight, growing
/// 5% a year.
fn demand_csv(years: usize, countries: &[String], r: &mut Seq) -> String {
    let mut dm = String::from("country,sector,commodity,period,tonnes,shortage_penalty\n");
    for code in countries {
        let base = r.range(20.0, 600.0);
        for (sector, magnet, weight) in SECTORS {
            for y in 0..years {
                let tonnes = (base * weight * 1.05f64.powi(y as i32)).round();
                let penalty = if *sector == "ev" { 500000 } else { 300000 };
                let _ = writeln!(
                    dm,
                    "{code},{sector},{magnet},{},{tonnes},{penalty}",
                    2025 + y
                );
            }
        }
    }
    dm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_grows_with_scale() {
        assert_eq!(generate(3, 4), generate(3, 4));
        let rows = |s: usize| generate(s, 2)[4].1.lines().count();
        assert_eq!(rows(1), 1 + 11);
        assert_eq!(rows(10), 1 + 110);
    }
}
