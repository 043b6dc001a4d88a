//! Rules that follow the material, worked by hand.
//!
//! China separates oxide at $10,000/t (`cn_sep`, which counts as mined and
//! separated there), Australia at $30,000/t (`au_sep`); Japan makes magnets
//! from one tonne of oxide each at $20,000/t (`jp_magnet`). The US needs
//! 100 t of defence magnets and 200 t of EV magnets in 2025, all critical
//! (penalty $1 M/t). Transport is free, there are no tariffs, one period of
//! one year (weight 1).
//!
//! - No rule: every magnet is made from Chinese oxide, $30,000/t: cost
//!   300 × 30,000 = 9.0 M; the US price is $30,000.
//! - The US defence rule (no material mined, separated, made into metal or
//!   made into magnets in a FEOC country): defence magnets must be made from
//!   Australian oxide, $50,000/t. Cost 200 × 30,000 + 100 × 50,000 = 11.0 M.
//!   Defence pays $50,000, EV still $30,000; one more tainted tonne allowed
//!   into defence would save $20,000 (the rule's shadow price). Japan runs
//!   100 units clean and 200 tainted.
//! - At most half of what the US receives may be tainted (any sector): 150 t
//!   each way, cost 150 × 30,000 + 150 × 50,000 = 12.0 M; the rule binds at
//!   exactly its share, and a marginal US tonne costs half of each route,
//!   $40,000.
//! - No clean supply (Australia closed): defence goes unserved, cost 200 ×
//!   30,000 + 100 × 1 M = 106 M.
//! - China's ban on military end use of its material abroad (an export
//!   control with scope `origin`, end use defence, cap 0) acts like the
//!   defence rule on defence, and leaves EV supply and its price unchanged.
//! - With a Chinese magnet plant (`cn_magnet`, $15,000/t: $25,000 a magnet
//!   from Chinese oxide, shipped straight to the US), a *direct* cap of 0 on
//!   Chinese magnets for US defence only stops direct shipments: defence
//!   buys Japanese magnets of Chinese oxide ($30,000); cost 200 × 25,000 +
//!   100 × 30,000 = 8.0 M. The same cap with scope `origin` follows the
//!   material: defence needs Australian oxide; cost 200 × 25,000 + 100 ×
//!   50,000 = 10.0 M.

use rareflow::io::source::ModelSource;
use rareflow::model::Endpoint;
use rareflow::solver::SolveOptions;
use rareflow::Solution;

use crate::assert_close;

const NO_RULES: &str = "";
const DEFENCE_RULE: &str = "id,market,sector,commodity,origin,stages,max_share,periods\n\
    us-dfars,US,defence,magnet,feoc,all,0,2025\n";
const HALF_RULE: &str = "id,market,origin,max_share\nus-half,US,feoc,0.5\n";

/// The model with `rules` as content_rules.csv (none when empty),
/// `controls` as export_controls.csv rows and `extra` facility rows.
pub(crate) fn model(rules: &str, controls: &str, extra: &str) -> ModelSource {
    let mut files = vec![
        (
            "model.toml",
            "name = \"origins\"\nfirst_year = 2025\nlast_year = 2025\nshortage_penalty = 1000000\n"
                .to_string(),
        ),
        (
            "countries.csv",
            "code,name,region,groups\nAU,Australia,world,\nCN,China,world,feoc\n\
             JP,Japan,world,\nUS,United States,world,\n"
                .into(),
        ),
        (
            "commodities.csv",
            "id,stage,ref_value\noxide,oxide,60000\nmagnet,magnet,50000\n".into(),
        ),
        (
            "processes.csv",
            "process,commodity,coef\nseparate,oxide,1\nmake_magnet,oxide,-1\nmake_magnet,magnet,1\n"
                .into(),
        ),
        (
            "facilities.csv",
            format!(
                "id,country,process,capacity,status,variable_cost\n\
                 au_sep,AU,separate,1000,operating,30000\n\
                 cn_sep,CN,separate,1000,operating,10000\n\
                 jp_magnet,JP,make_magnet,1000,operating,20000\n{extra}"
            ),
        ),
        (
            "transport.csv",
            "from_region,to_region,commodity,cost\nworld,world,all,0\n".into(),
        ),
        (
            "demand.csv",
            "country,sector,commodity,period,tonnes\nUS,defence,magnet,2025,100\n\
             US,ev,magnet,2025,200\n"
                .into(),
        ),
    ];
    if !rules.is_empty() {
        files.push(("content_rules.csv", rules.to_string()));
    }
    if !controls.is_empty() {
        files.push((
            "export_controls.csv",
            format!("id,exporter,commodity,destination,cap,end_use,scope\n{controls}"),
        ));
    }
    ModelSource::Memory(files.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

pub(crate) fn solve(source: &ModelSource) -> Solution {
    rareflow::solve(source, &[], &SolveOptions::default()).unwrap()
}

/// The price segment `sector` of the US market pays.
pub(crate) fn price(s: &Solution, sector: &str) -> f64 {
    let d = (s.model.demand.iter())
        .position(|d| d.sector == sector)
        .unwrap();
    if let Some(&p) = s.plan.layers.segment_prices.get(&d) {
        return p;
    }
    s.plan
        .prices
        .iter()
        .find(|p| matches!(p.place, Endpoint::Market(_)))
        .unwrap()
        .value
}

pub(crate) fn activity(s: &Solution, id: &str) -> f64 {
    let f = s.model.facilities.iter().position(|f| f.id == id).unwrap();
    s.plan.activity[f][0]
}

#[test]
fn without_rules_every_magnet_is_made_of_chinese_oxide() {
    let s = solve(&model(NO_RULES, "", ""));
    assert_close!(s.plan.objective, 9.0e6);
    assert_close!(activity(&s, "cn_sep"), 300.0);
    assert_close!(price(&s, "ev"), 30_000.0);
    assert!(s.plan.layers.flows.is_empty());
}

/// A rule on demand that does not exist builds the same LP as no rule at
/// all: same size, same objective.
#[test]
fn a_rule_that_covers_no_demand_changes_nothing() {
    let plain = solve(&model(NO_RULES, "", ""));
    let rule = "id,market,origin\njp-rule,JP,feoc\n";
    let ruled = solve(&model(rule, "", ""));
    assert_eq!(plain.size, ruled.size);
    assert_eq!(plain.plan.objective, ruled.plan.objective);
}

#[test]
fn the_defence_rule_forces_the_clean_route_for_defence_only() {
    let s = solve(&model(DEFENCE_RULE, "", ""));
    assert_close!(s.plan.objective, 11.0e6);
    assert_close!(activity(&s, "au_sep"), 100.0);
    assert_close!(activity(&s, "cn_sep"), 200.0);
    assert_close!(price(&s, "defence"), 50_000.0);
    assert_close!(price(&s, "ev"), 30_000.0);
    let rule = &s.plan.layers.rules;
    assert_eq!(rule.len(), 1);
    assert_close!(rule[0].tainted, 0.0);
    assert_close!(rule[0].received, 100.0);
    assert_close!(rule[0].shadow_price, 20_000.0);
    let by_class = |class: u8| -> f64 {
        (s.plan.layers.activity.iter())
            .filter(|a| a.class == class)
            .map(|a| a.value)
            .sum()
    };
    assert_close!(by_class(0), 100.0);
    assert_close!(by_class(1), 200.0);
    crate::common::assert_keys_round_trip(&s);
}

#[test]
fn a_share_rule_binds_at_exactly_its_share() {
    let s = solve(&model(HALF_RULE, "", ""));
    assert_close!(s.plan.objective, 12.0e6);
    let rule = &s.plan.layers.rules[0];
    assert_close!(rule.tainted, 150.0);
    assert_close!(rule.received, 300.0);
    assert_close!(rule.shadow_price, 20_000.0);
    assert_close!(price(&s, "ev"), 40_000.0);
}

#[test]
fn with_no_clean_supply_defence_goes_unserved() {
    let closed = model(DEFENCE_RULE, "", "");
    let ModelSource::Memory(mut files) = closed else {
        unreachable!()
    };
    let fac = files.get_mut("facilities.csv").unwrap();
    *fac = fac.replace("au_sep,AU,separate,1000", "au_sep,AU,separate,0");
    let s = solve(&ModelSource::Memory(files));
    assert_close!(s.plan.objective, 106.0e6);
    assert_close!(defence_unserved(&s), 100.0);
}

#[test]
fn china_s_military_end_use_ban_leaves_ev_supply_unchanged() {
    let plain = solve(&model(NO_RULES, "", ""));
    let ban = "cn-military,CN,all,all,0,defence,origin\n";
    let s = solve(&model(NO_RULES, ban, ""));
    assert_close!(s.plan.objective, 11.0e6);
    let ev = |s: &Solution| {
        let d = s
            .model
            .demand
            .iter()
            .position(|d| d.sector == "ev")
            .unwrap();
        (s.plan.served(&s.model, d), price(s, "ev"))
    };
    assert_close!(ev(&s).0, ev(&plain).0);
    assert_close!(ev(&s).1, ev(&plain).1);
    assert_close!(s.plan.caps[0].used, 0.0);
    assert_close!(s.plan.caps[0].shadow_price, 20_000.0);
}

#[test]
fn a_direct_end_use_cap_stops_direct_shipments_and_an_origin_cap_follows_material() {
    let cn_magnet = "cn_magnet,CN,make_magnet,1000,operating,15000\n";
    let plain = solve(&model(NO_RULES, "", cn_magnet));
    assert_close!(plain.plan.objective, 7.5e6);
    let direct = "cn-defence,CN,magnet,US,0,defence,direct\n";
    let s = solve(&model(NO_RULES, direct, cn_magnet));
    assert_close!(s.plan.objective, 8.0e6);
    assert_close!(price(&s, "defence"), 30_000.0);
    let origin = "cn-defence,CN,all,US,0,defence,origin\n";
    let s = solve(&model(NO_RULES, origin, cn_magnet));
    assert_close!(s.plan.objective, 10.0e6);
    assert_close!(price(&s, "defence"), 50_000.0);
}

/// Adding a rule never lowers the cost: every rule only removes plans.
#[test]
fn adding_a_rule_never_lowers_the_cost() {
    let rules = [
        DEFENCE_RULE,
        HALF_RULE,
        "id,market,sector,origin,stages,max_share\nev-clean,US,ev,feoc,separated,0\n",
        "id,market,origin,stages,max_share\nus-fifth,all,feoc,all,0.2\n",
        "id,market,sector,origin,max_share\nd,US,defence,feoc,0\ne,US,ev,feoc,0.9\n",
    ];
    for extra in ["", "cn_magnet,CN,make_magnet,1000,operating,15000\n"] {
        let plain = solve(&model(NO_RULES, "", extra)).plan.objective;
        for rules in rules {
            let ruled = solve(&model(rules, "", extra)).plan.objective;
            assert!(ruled >= plain * (1.0 - 1e-9), "{rules}: {ruled} < {plain}");
        }
    }
    let tiny = crate::common::solve_tiny().plan.objective;
    let dir = crate::common::copy_tiny();
    std::fs::write(
        dir.path().join("content_rules.csv"),
        "id,market,origin,stages,max_share\nhalf,US,feoc,mined,0.5\n",
    )
    .unwrap();
    let source = ModelSource::dir(dir.path().to_path_buf()).unwrap();
    let ruled = solve(&source).plan.objective;
    assert!(ruled >= tiny * (1.0 - 1e-9), "{ruled} < {tiny}");
}

/// The dependency report follows the layers: US defence takes only
/// Australian oxide under the defence rule, EV only Chinese, though both
/// come out of the same Japanese plant (a proportional mix would say a
/// third Australian for each).
#[test]
fn the_dependency_report_agrees_with_the_layers() {
    let s = solve(&model(DEFENCE_RULE, "", ""));
    let dep = rareflow::trace::trace(&s.model, &s.network, &s.plan);
    let code = |k: usize| s.model.countries[k].code.as_str();
    for m in &dep.markets {
        let separated = &m.mix[1];
        let top = (0..separated.len() - 1)
            .max_by(|&a, &b| separated[a].total_cmp(&separated[b]))
            .unwrap();
        assert_close!(separated[top], 1.0);
        match m.sector.as_deref() {
            Some("defence") => assert_eq!(code(top), "AU"),
            None => assert_eq!(code(top), "CN"),
            other => panic!("unexpected group {other:?}"),
        }
    }
    assert_eq!(dep.markets.len(), 2);
}

/// A two-input recipe (0.9 t of oxide and 0.1 t of Dy a magnet): Dy comes
/// only from China, so every magnet is tainted and the clean Australian
/// oxide is counted as tainted (a downgrade). The trace must still say what
/// the magnets are made of: separated 90% in Australia, 10% in China, the
/// shares adding up to 1; and defence, which may take nothing tainted, goes
/// unserved.
#[test]
fn the_trace_follows_downgraded_material() {
    let s = solve(&defence_rule_with([
        (
            "commodities.csv",
            "id,stage,ref_value\noxide,oxide,60000\ndy,oxide,60000\nmagnet,magnet,50000\n",
        ),
        (
            "processes.csv",
            "process,commodity,coef\nseparate,oxide,1\nsep_dy,dy,1\nmake_magnet,oxide,-0.9\n\
             make_magnet,dy,-0.1\nmake_magnet,magnet,1\n",
        ),
        (
            "facilities.csv",
            "id,country,process,capacity,status,variable_cost\nau_sep,AU,separate,1000,operating,10000\n\
             cn_sep,CN,separate,1000,operating,30000\ncn_dy,CN,sep_dy,1000,operating,10000\n\
             jp_magnet,JP,make_magnet,1000,operating,20000\n",
        ),
    ]));
    assert_close!(defence_unserved(&s), 100.0);
    assert!(s.plan.layers.downgrades.iter().any(|x| x.value > 0.0));
    let dep = rareflow::trace::trace(&s.model, &s.network, &s.plan);
    let code = |c: &str| s.model.countries.iter().position(|x| x.code == c).unwrap();
    let served: Vec<_> = dep.markets.iter().filter(|m| m.delivered > 0.0).collect();
    assert_eq!(served.len(), 1);
    let separated = &served[0].mix[1];
    assert_close!(separated.iter().sum::<f64>(), 1.0);
    assert_close!(separated[code("AU")], 0.9);
    assert_close!(separated[code("CN")], 0.1);
}

/// Scrap collected and remade into oxide in China is tainted: the recycler
/// separates there. US defence, barred from FEOC material, goes unserved,
/// and the rule is reported even though nothing tainted could reach it.
#[test]
fn material_recycled_in_china_is_tainted() {
    let s = solve(&defence_rule_with([
        (
            "commodities.csv",
            "id,stage,ref_value\nscrap,scrap,10000\noxide,oxide,60000\nmagnet,magnet,50000\n",
        ),
        (
            "processes.csv",
            "process,commodity,coef\ncollect,scrap,1\nrecycle,scrap,-1\nrecycle,oxide,1\n\
             make_magnet,oxide,-1\nmake_magnet,magnet,1\n",
        ),
        (
            "facilities.csv",
            "id,country,process,capacity,status,variable_cost\ncn_scrap,CN,collect,1000,operating,1000\n\
             cn_rec,CN,recycle,1000,operating,5000\njp_magnet,JP,make_magnet,1000,operating,20000\n",
        ),
    ]));
    assert_close!(defence_unserved(&s), 100.0);
    assert_eq!(s.plan.layers.rules.len(), 1);
    assert_close!(s.plan.layers.rules[0].tainted, 0.0);
}

/// Verification does not take a part's class from the plan on trust: moving
/// all the oxide to China and labelling a third of it clean on the unsplit
/// lane from China is caught, and so is a part of a group the lane does not
/// have.
#[test]
fn the_verifier_rejects_tampered_layers() {
    use rareflow::model::{FacilityId, PeriodId};
    use rareflow::network::LaneId;
    use rareflow::plan::FlowPart;
    let s = solve(&model(DEFENCE_RULE, "", ""));
    let (m, network) = (&s.model, &s.network);
    let fid = |id: &str| m.facilities.iter().position(|f| f.id == id).unwrap();
    let (au, cn, jp) = (fid("au_sep"), fid("cn_sep"), fid("jp_magnet"));
    let lane = |from: usize| {
        let to = Endpoint::Facility(FacilityId(jp));
        LaneId(
            network
                .lanes()
                .iter()
                .position(|l| l.from.0 == from && l.to == to)
                .unwrap(),
        )
    };
    let mut plan = s.plan.clone();
    plan.activity[au][0] = 0.0;
    plan.activity[cn][0] = 300.0;
    plan.flows[lane(au).0][0] = 0.0;
    plan.flows[lane(cn).0][0] = 300.0;
    let part = |class, tonnes| FlowPart {
        lane: lane(cn),
        period: PeriodId(0),
        group: 0,
        class,
        tonnes,
    };
    plan.layers.flows.push(part(0, 100.0));
    plan.layers.flows.push(part(1, 200.0));
    plan.objective = rareflow::formulation::costs(m, network, &plan).total();
    let err = rareflow::formulation::verify(m, network, &plan).unwrap_err();
    assert!(err.what.contains("parts on a lane no rule splits"), "{err}");
    let mut plan = s.plan.clone();
    let first = plan
        .layers
        .flows
        .iter_mut()
        .find(|p| p.tonnes > 0.0)
        .unwrap();
    first.group = 7;
    let err = rareflow::formulation::verify(m, network, &plan).unwrap_err();
    assert!(err.what.contains("a part of group 7"), "{err}");
}

/// US defence's unserved tonnes.
fn defence_unserved(s: &Solution) -> f64 {
    let d = (s.model.demand.iter())
        .position(|d| d.sector == "defence")
        .unwrap();
    s.plan.shortage[d]
}

/// The model under the defence rule, with `files` in place of its own.
fn defence_rule_with<const N: usize>(files: [(&str, &str); N]) -> ModelSource {
    let ModelSource::Memory(mut all) = model(DEFENCE_RULE, "", "") else {
        unreachable!("the test models are in memory")
    };
    for (name, text) in files {
        all.insert(name.to_string(), text.to_string());
    }
    ModelSource::Memory(all)
}

/// A model without rules builds the LP it built before rules existed:
/// models/tiny keeps its 44 columns, 26 rows and 68 non-zeros (README's
/// performance table, measured before this feature; `tiny.rs` checks its
/// hand-solved optimum), and its plan has no layers.
#[test]
fn a_model_without_rules_builds_the_same_lp() {
    let s = crate::common::solve_tiny();
    let size = (s.size.columns, s.size.rows, s.size.nonzeros);
    assert_eq!(size, (44, 26, 68));
    let layers = &s.plan.layers;
    assert!(layers.flows.is_empty() && layers.activity.is_empty() && layers.rules.is_empty());
}
