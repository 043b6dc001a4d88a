//! Light-rare-earth separators in models/global (`separate_monazite_light`:
//! Silmet, Saskatoon, and La Rochelle in 2025). None of the three separated
//! Dy or Tb in 2025: Silmet is a light-RE plant, Solvay's Dy and Tb follow
//! in 2026, and SRC's design leaves a medium/heavy mixture (SOURCES.md).
//! They separate NdPr and La/Ce as the full monazite recipe does and leave
//! the rest (11% of the REO) unseparated: as much of it as its Tb allows as
//! Lynas's SEG/HRE compound (`hre_mixed`, 1.7% Tb: 0.1/1.7 = 5.88% of the
//! REO), the remaining 5.12% as `other_oxide`.
//!
//! Checked against the full recipe, element by element: the same tonnes
//! out of each tonne in; NdPr and La/Ce the same; and once the compound is
//! separated (`separate_hre`), no more Sm, Dy or Tb than the monazite
//! holds, so a light separator can never add heavy rare earths that the
//! full recipe would not. With 0.11 t of the compound instead, the
//! compound's Tb would be 1.9 kg per t of feed against the monazite's 1.0.

use rareflow::model::{Model, Process};

use crate::common::{commodity, global_model};

fn process<'m>(m: &'m Model, id: &str) -> &'m Process {
    m.processes
        .iter()
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("no process {id}"))
}

#[test]
fn a_light_separator_makes_no_heavy_rare_earth_the_monazite_does_not_hold() {
    let m = global_model();
    let (full, light, hre) = (
        process(&m, "separate_monazite"),
        process(&m, "separate_monazite_light"),
        process(&m, "separate_hre"),
    );
    let out = |p: &Process| {
        p.terms
            .iter()
            .filter(|t| t.1 > 0.0)
            .map(|t| t.1)
            .sum::<f64>()
    };
    assert!((out(light) - out(full)).abs() < 1e-12, "tonnes out differ");
    let feed = commodity(&m, "conc_monazite");
    assert_eq!(light.coef(feed), -1.0);
    assert_eq!(full.coef(feed), -1.0);
    for light_good in ["ndpr_oxide", "lace_crude"] {
        let c = commodity(&m, light_good);
        assert!(light.coef(c) > 0.0, "{light_good}");
        assert_eq!(light.coef(c), full.coef(c), "{light_good}");
    }
    let compound = light.coef(commodity(&m, "hre_mixed"));
    assert!(compound > 0.0);
    for heavy in ["sm_oxide", "dy_oxide", "tb_oxide"] {
        let c = commodity(&m, heavy);
        assert_eq!(light.coef(c), 0.0, "{heavy} separated");
        let held = full.coef(c);
        let made = compound * hre.coef(c);
        assert!(made <= held + 1e-12, "{heavy}: {made} t from {held} t");
    }
    // Tb sets the compound: all of the monazite's Tb is in it.
    let tb = commodity(&m, "tb_oxide");
    assert!((compound * hre.coef(tb) - full.coef(tb)).abs() < 1e-6);
    let process_of = |plant: &str| {
        let f = m.facilities.iter().find(|f| f.id == plant).unwrap();
        m.processes[f.process.0].id.as_str()
    };
    for plant in ["eu_larochelle_2025", "eu_silmet", "ca_src_sep"] {
        assert_eq!(process_of(plant), "separate_monazite_light", "{plant}");
    }
    assert_eq!(process_of("eu_larochelle"), "separate_monazite");
}
