//! The stocks of models/global (`stockpiles.csv`), on the solved plans.
//!
//! - Mountain Pass mines 51 kt REO a year but can separate only 16.7 kt in
//!   2025, rising to 38 kt, and stopped shipping to China in April 2025: it
//!   stocks the rest (as it did) because a tonne kept is worth MP's last
//!   realised concentrate price at the end, $4,717/t, which discounted from
//!   2035 (÷ 1.08^10 = 2,185) covers its $2,000 mining cost and the $10/t
//!   a year of holding on eleven year-end levels (about $77 in present
//!   value). The stock is drawn once new US separation (a plant the plan
//!   builds) runs, and never before. In 2025 what goes into stock is
//!   exactly what was mined and neither separated nor shipped.
//! - The strategic stocks (the National Defense Stockpile, JOGMEC, China's
//!   state reserve) are never bought into and are released only in the
//!   futures that open them: in the baseline they sit still; when China
//!   halts magnets and heavy rare earths to everyone outside China, the
//!   NDS's 450 t of NdFeB block and JOGMEC's Dy go to work in 2025.

use rareflow::io::source::ModelSource;
use rareflow::solver::SolveOptions;
use rareflow::Solution;

fn solved(scenarios: &[&str]) -> Solution {
    let names: Vec<String> = scenarios.iter().map(|s| s.to_string()).collect();
    rareflow::solve(&ModelSource::Embedded, &names, &SolveOptions::default()).unwrap()
}

/// (level, build, release) of stock `id` in each period.
fn stock(s: &Solution, id: &str) -> Vec<(f64, f64, f64)> {
    let k = (s.model.stockpiles.iter())
        .position(|sp| sp.id == id)
        .unwrap_or_else(|| panic!("no stockpile {id}"));
    let mut uses: Vec<_> = s.plan.stocks.iter().filter(|u| u.stockpile == k).collect();
    uses.sort_by_key(|u| u.period.0);
    uses.iter().map(|u| (u.level, u.build, u.release)).collect()
}

#[test]
fn mountain_pass_stocks_what_it_can_neither_separate_nor_ship() {
    let s = &solved(&[]);
    let mp = stock(s, "us-mtpass-concentrate");
    let mine = (s.model.facilities.iter())
        .position(|f| f.id == "us_mtpass_mine")
        .unwrap();
    let mined = s.plan.activity[mine][0];
    let shipped: f64 = (s.network.lanes().iter().enumerate())
        .filter(|(_, l)| l.from.0 == mine)
        .map(|(l, _)| s.plan.flows[l][0])
        .sum();
    assert!((mined - 51_000.0).abs() < 1e-6, "{mined}");
    assert!(
        (mp[0].1 - (mined - shipped)).abs() < 1e-6,
        "{mp:?} {shipped}"
    );
    // Built up while separation is short, drawn once new separation runs:
    // up to its peak it only grows, after it it only falls, and the first
    // draw comes after the plan's new US separation plant starts.
    let peak = (0..mp.len())
        .max_by(|&a, &b| mp[a].0.total_cmp(&mp[b].0))
        .unwrap();
    assert!(
        mp[..=peak].iter().all(|&(_, b, r)| b > 0.0 && r == 0.0),
        "{mp:?}"
    );
    assert!(
        mp[peak + 1..].iter().all(|&(_, b, r)| b == 0.0 && r > 0.0),
        "{mp:?}"
    );
    let sep = (s.model.facilities.iter())
        .position(|f| f.id == "us_new_separation")
        .unwrap();
    let built = (s.plan.builds.iter())
        .find(|b| b.candidate.0 == sep && b.share > 0.5)
        .expect("new US separation built");
    assert!(peak >= built.start.0 && peak < 10, "{mp:?} {built:?}");
    assert!(mp[10].0 > 0.0, "{mp:?}");
}

#[test]
fn strategic_stocks_sit_still_until_a_future_opens_them() {
    const STRATEGIC: [&str; 8] = [
        "us-nds-ndpr-oxide",
        "us-nds-ndfeb-block",
        "us-nds-smco",
        "jp-jogmec-dy",
        "jp-jogmec-tb",
        "cn-reserve-ndpr",
        "cn-reserve-dy",
        "cn-reserve-tb",
    ];
    let base = solved(&[]);
    for id in STRATEGIC {
        let sp = &base.model.stockpiles;
        let initial = sp.iter().find(|x| x.id == id).unwrap().initial;
        for (level, build, release) in stock(&base, id) {
            assert_eq!((level, build, release), (initial, 0.0, 0.0), "{id}");
        }
    }
    let west = solved(&["china-halt-west"]);
    let block = stock(&west, "us-nds-ndfeb-block");
    assert!((block[0].2 - 450.0).abs() < 1e-6, "{block:?}");
    let dy = stock(&west, "jp-jogmec-dy");
    assert!(dy[0].2 > 0.0, "{dy:?}");
    // China's reserve stays shut in every named future.
    for id in ["cn-reserve-ndpr", "cn-reserve-dy", "cn-reserve-tb"] {
        assert!(stock(&west, id).iter().all(|&(_, _, r)| r == 0.0), "{id}");
    }
    // In the baseline, what is left at the end is worth every stock's 2035
    // level at its final value, discounted from 2035 (÷ 1.08^10).
    let left: f64 = (base.model.stockpiles.iter())
        .map(|sp| stock(&base, &sp.id)[10].0 * sp.final_value)
        .sum::<f64>()
        / 1.08f64.powi(10);
    let credit = -base.plan.costs.stock_left;
    assert!((credit / left - 1.0).abs() < 1e-9, "{credit} {left}");
}
