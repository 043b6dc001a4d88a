//! One fixture per class of bad input, through the real binary: the exit
//! code, the `file:line: column 'x': …` message, and nothing written.

use std::path::Path;

use crate::common::*;

/// Runs `validate` and `solve --out` on a broken model: both must fail with
/// `code`, print `expected` (after the model directory prefix), and write
/// nothing.
fn fails(dir: &Path, code: i32, expected: &[&str]) -> String {
    let err = validate_reports(dir, code, expected);
    let out = dir.join("results");
    let o = rareflow(&[
        "solve",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(code), "solve: {}", stderr(&o));
    assert!(!out.exists(), "solve wrote results for a bad model");
    err
}

#[test]
fn missing_file() {
    let m = copy_tiny();
    std::fs::remove_file(m.path().join("facilities.csv")).unwrap();
    fails(m.path(), 4, &["facilities.csv: required file is missing"]);
}

#[test]
fn missing_model_directory() {
    let o = rareflow(&["solve", "/nonexistent/model"]);
    assert_eq!(o.status.code(), Some(4));
    assert!(stderr(&o).contains("/nonexistent/model: model directory not found"));
}

#[test]
fn missing_and_unknown_columns() {
    let m = copy_tiny();
    replace(
        m.path(),
        "facilities.csv",
        "process,capacity,",
        "process,colour,",
    );
    fails(
        m.path(),
        3,
        &[
            "facilities.csv:1: column 'colour': unknown column; expected one of: id, name,",
            "facilities.csv:1: column 'capacity': required column is missing from the header",
        ],
    );
}

#[test]
fn unknown_references() {
    let m = copy_tiny();
    replace(
        m.path(),
        "facilities.csv",
        "CN,make_magnet",
        "CN,make_magnets",
    );
    edit(m.path(), "lanes.csv", |_| {
        "from,to,commodity,cost\nweld_mine,nowhere,conc,10\n".into()
    });
    replace(m.path(), "tariffs.csv", "US,feoc", "US,brics");
    fails(
        m.path(),
        3,
        &[
            "facilities.csv:7: column 'process': expected a process from processes.csv, found \"make_magnets\"",
            "lanes.csv:2: column 'to': expected a facility id or a country code (for its market), found \"nowhere\"",
            "tariffs.csv:2: column 'exporter': expected a country code, a group from countries.csv or \"all\", found \"brics\"",
        ],
    );
}

#[test]
fn lane_between_facilities_that_cannot_use_the_commodity() {
    let m = copy_tiny();
    edit(m.path(), "lanes.csv", |_| {
        "from,to,commodity,cost\nweld_mine,cn_metal,conc,10\n".into()
    });
    fails(
        m.path(),
        3,
        &["lanes.csv:2: column 'to': facility \"cn_metal\" does not use \"conc\""],
    );
}

#[test]
fn duplicate_id() {
    let m = copy_tiny();
    edit(m.path(), "facilities.csv", |t| {
        t.clone() + t.lines().nth(1).unwrap() + "\n"
    });
    fails(
        m.path(),
        3,
        &["facilities.csv:8: column 'id': duplicate id \"baotou_mine\" (first defined on line 2)"],
    );
}

#[test]
fn non_finite_numbers() {
    let m = copy_tiny();
    replace(m.path(), "facilities.csv", "mine,500,", "mine,NaN,");
    replace(
        m.path(),
        "facilities.csv",
        "mine,400,operating,,,,1500",
        "mine,inf,operating,,,,1500",
    );
    replace(m.path(), "demand.csv", "2025,200,", "2025,1e400,");
    replace(
        m.path(),
        "commodities.csv",
        "oxide,t,1000,100",
        "oxide,t,1000,-infinity",
    );
    fails(
        m.path(),
        3,
        &[
            "facilities.csv:2: column 'capacity': expected a finite number >= 0, found \"NaN\"",
            "facilities.csv:3: column 'capacity': expected a finite number >= 0, found \"inf\"",
            "demand.csv:2: column 'tonnes': expected a finite number >= 0, found \"1e400\"",
            "commodities.csv:4: column 'disposal_cost': expected a finite number, found \"-infinity\"",
        ],
    );
}

#[test]
fn negative_quantities_and_costs() {
    let m = copy_tiny();
    replace(m.path(), "facilities.csv", "mine,500,", "mine,-500,");
    replace(m.path(), "demand.csv", "2026,400,", "2026,-400,");
    replace(
        m.path(),
        "transport.csv",
        "concentrate,50",
        "concentrate,-50",
    );
    fails(
        m.path(),
        3,
        &[
            "facilities.csv:2: column 'capacity': expected a finite number >= 0, found \"-500\"",
            "demand.csv:5: column 'tonnes': expected a finite number >= 0, found \"-400\"",
            "transport.csv:2: column 'cost': expected a finite number >= 0, found \"-50\"",
        ],
    );
}

#[test]
fn ramp_up_outside_zero_one() {
    let m = copy_tiny();
    replace(
        m.path(),
        "facilities.csv",
        "MM,mine,400,operating,,,,",
        "MM,mine,400,construction,2026,,0.5 1.5,",
    );
    fails(
        m.path(),
        3,
        &["facilities.csv:4: column 'ramp_up': expected availabilities between 0 and 1 separated by spaces, found \"1.5\""],
    );
}

#[test]
fn period_not_in_the_horizon() {
    let m = copy_tiny();
    replace(
        m.path(),
        "demand.csv",
        "US,ev,magnet,2026",
        "US,ev,magnet,2030",
    );
    replace(m.path(), "export_controls.csv", "2025..2026", "2025..2027");
    fails(
        m.path(),
        3,
        &[
            "demand.csv:5: column 'period': expected a period of the horizon (2025 to 2026), found \"2030\"",
            "export_controls.csv:2: column 'periods': expected periods of the horizon (2025 to 2026) or ranges FROM..TO, found \"2025..2027\"",
        ],
    );
}

#[test]
fn recipe_with_no_output_and_demand_nothing_makes() {
    let m = copy_tiny();
    replace(
        m.path(),
        "processes.csv",
        "make_magnet,magnet,1",
        "make_magnet,magnet,-1",
    );
    fails(
        m.path(),
        3,
        &[
            "processes.csv:11: column 'coef': recipe \"make_magnet\" has no output",
            "demand.csv:2: column 'commodity': no process in processes.csv makes \"magnet\"",
        ],
    );
}

#[test]
fn semicolon_separated_file() {
    let m = copy_tiny();
    edit(m.path(), "demand.csv", |t| t.replace(',', ";"));
    fails(m.path(), 3, &["demand.csv:1: the file is separated by ';'"]);
}

#[test]
fn bad_model_toml_is_located_by_line_and_column() {
    let m = copy_tiny();
    replace(
        m.path(),
        "model.toml",
        "discount_rate = 0.10",
        "discount_rate = nan",
    );
    fails(m.path(), 3, &["model.toml:9:17: column 'discount_rate': expected a finite number between 0 and 1, found NaN"]);
    let m = copy_tiny();
    replace(
        m.path(),
        "model.toml",
        "currency = \"USD\"",
        "currency = USD",
    );
    fails(m.path(), 3, &["model.toml:5:12: "]);
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let m = copy_tiny();
    replace(m.path(), "facilities.csv", "mine,500,", "mine,x,");
    replace(m.path(), "demand.csv", "JP,ev", "XX,ev");
    replace(m.path(), "export_controls.csv", ",200,", ",nan,");
    let err = fails(
        m.path(),
        3,
        &[
            "facilities.csv:2: column 'capacity'",
            "demand.csv:2: column 'country'",
            "export_controls.csv:2: column 'cap'",
        ],
    );
    assert!(err.contains("error: the model has 3 error(s)"), "{err}");
}

#[test]
fn structural_warnings_name_unreachable_demand_and_cut_off_sites() {
    let m = copy_tiny();
    // No magnet freight to the Americas: US demand can never be served.
    replace(m.path(), "transport.csv", "asia,americas,magnet,300\n", "");
    // A mine in a region with no freight rates is cut off.
    edit(m.path(), "countries.csv", |t| t + "GL,Greenland,arctic,\n");
    edit(m.path(), "facilities.csv", |t| {
        t + "gl_mine,Kvanefjeld,gm,GL,mine,100,operating,,,,900,0\n"
    });
    validate_reports(
        m.path(),
        0,
        &[
            "demand.csv:4: warning: column 'commodity': no facility can ever deliver \"magnet\" to US",
            "facilities.csv:8: warning: column 'process': facility \"gl_mine\" is cut off",
        ],
    );
}

#[test]
fn results_are_never_written_into_the_model_directory() {
    let m = copy_tiny();
    let dir = m.path().to_str().unwrap();
    let o = rareflow(&["solve", dir, "--out", dir]);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(!m.path().join("flows.csv").exists());
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        rareflow(&["solve", "--threads", "0"]).status.code(),
        Some(2)
    );
    assert_eq!(rareflow(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        rareflow(&["solve", "--time-limit", "nan"]).status.code(),
        Some(2)
    );
}

#[test]
fn odd_bytes_never_panic() {
    let m = copy_tiny();
    edit(m.path(), "lanes.csv", |_| {
        "from,to,commodity,cost\n\"weld_mine,baotou_sep,conc,1\n".into()
    });
    std::fs::write(
        m.path().join("tariffs.csv"),
        b"name,importer\n\xff\xfe,US\n",
    )
    .unwrap();
    // A lane's broken quote is reported somewhere in lanes.csv.
    validate_reports(
        m.path(),
        3,
        &[
            "tariffs.csv:2: expected UTF-8 text, found invalid bytes",
            "lanes.csv:",
        ],
    );
}

/// Every byte of every file of models/tiny replaced, in turn, by bytes that
/// break CSV and TOML in different ways: loading never panics, and any model
/// it accepts solves to a verified plan.
#[test]
fn no_single_byte_corruption_panics() {
    use rareflow::io::source::ModelSource;
    use std::collections::BTreeMap;

    let files: BTreeMap<String, String> = std::fs::read_dir(tiny_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv" || x == "toml"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    let nasty = [",", "\"", "\n", ";", "#", "-", "e", "\u{feff}", "", "9"];
    let mut loads = 0;
    for (name, text) in &files {
        let chars: Vec<char> = text.chars().collect();
        for i in (0..chars.len()).step_by(2) {
            for (k, bad) in nasty.iter().enumerate() {
                if (i + k) % 3 != 0 {
                    continue;
                }
                let mut broken = files.clone();
                let mut s: String = chars[..i].iter().collect();
                s.push_str(bad);
                s.extend(&chars[i + 1..]);
                broken.insert(name.clone(), s);
                let src = ModelSource::Memory(broken);
                let result = std::panic::catch_unwind(|| {
                    rareflow::check(&src, &[]).map(|c| {
                        rareflow::solve_checked(c, &rareflow::solver::SolveOptions::default())
                    })
                });
                let outcome =
                    result.unwrap_or_else(|_| panic!("{name}: byte {i} -> {bad:?} panicked"));
                if let Ok(Err(e)) = outcome {
                    // An accepted model must solve to a verified plan.
                    panic!("{name}: byte {i} -> {bad:?}: accepted but not solved: {e}");
                }
                loads += 1;
            }
        }
    }
    assert!(loads > 1000, "{loads}");
}

/// models/tiny with a US defence magnet segment and `content_rules.csv`
/// holding `rules` (after its header).
fn tiny_with_rules(rules: &str) -> tempfile::TempDir {
    let m = copy_tiny();
    edit(m.path(), "demand.csv", |t| {
        t + "US,defence,magnet,2026,10,\n"
    });
    let header = "id,market,sector,commodity,origin,stages,max_share,periods\n";
    std::fs::write(
        m.path().join("content_rules.csv"),
        format!("{header}{rules}"),
    )
    .unwrap();
    m
}

#[test]
fn bad_content_rules() {
    let m = tiny_with_rules(
        "typo,US,defense,magnet,feoc,,0,\n\
         refined,US,defence,magnet,feoc,mined refined,0,\n\
         dfars,US,defence,magnet,feoc,all,0,2026\n\
         dfars,US,ev,magnet,feoc,all,0.1,\n\
         own,US,ev,magnet,US,,0,\n\
         share,US,ev,magnet,feoc,,1.5,\n\
         who,US,ev,magnet,brics,,0,\n\
         what,US,ev,magnets,feoc,,0,\n\
         when,US,ev,magnet,feoc,,0,2030\n",
    );
    let err = fails(
        m.path(),
        3,
        &[
            "content_rules.csv:2: column 'sector': expected a sector of demand.csv (defence, ev) or \"all\", found \"defense\"; did you mean \"defence\"?",
            "content_rules.csv:3: column 'stages': expected stages (mined, separated, metal, magnet) or \"all\", found \"refined\"",
            "content_rules.csv:5: column 'id': duplicate id \"dfars\" (first defined on line 4)",
            "content_rules.csv:6: column 'origin': market \"US\" and origin \"US\" are the same single country",
            "content_rules.csv:7: column 'max_share': expected a number between 0 and 1, found \"1.5\"",
            "content_rules.csv:8: column 'origin': expected a country code, a group from countries.csv or \"all\", found \"brics\"",
            "content_rules.csv:9: column 'commodity': expected commodity ids, stages or \"all\", found \"magnets\"",
            "content_rules.csv:10: column 'periods': expected periods of the horizon (2025 to 2026) or ranges FROM..TO, found \"2030\"",
        ],
    );
    assert!(err.contains("error: the model has 8 error(s)"), "{err}");
}

#[test]
fn bad_export_control_end_use_and_scope() {
    let m = tiny_with_rules("");
    edit(m.path(), "export_controls.csv", |_| {
        "id,exporter,commodity,destination,cap,periods,end_use,scope\n\
         cn-military,CN,magnet,all,0,,militray,origin\n\
         cn-indirect,CN,magnet,US,0,,defence,indirect\n\
         feoc-home,feoc,magnet,CN,0,,,origin\n"
            .into()
    });
    fails(
        m.path(),
        3,
        &[
            "export_controls.csv:2: column 'end_use': expected a sector of demand.csv (defence, ev) or \"all\", found \"militray\"",
            "export_controls.csv:3: column 'scope': expected one of direct, origin, found \"indirect\"",
            "export_controls.csv:4: column 'destination': with scope origin, a control caps what reaches demand in destination countries outside the exporters, and every country of \"CN\" is in exporter \"feoc\"",
        ],
    );
}

/// Origin signatures: export controls with scope origin count first, rules
/// that share a signature share it, and the row that names a 5th is
/// refused with the four already named.
#[test]
fn a_fifth_origin_signature() {
    let m = tiny_with_rules(
        "dfars,US,defence,magnet,feoc,all,0,\n\
         us-cn,US,ev,magnet,CN,,0.5,\n\
         us-cn-mined,US,ev,magnet,CN,mined,0.2,\n\
         jp-feoc,JP,ev,magnet,feoc,mined separated metal magnet,0,\n\
         jp-mm,JP,ev,magnet,MM,separated,0.3,\n\
         jp-au,JP,ev,magnet,AU,,0.9,\n",
    );
    edit(m.path(), "export_controls.csv", |t| {
        t.replace("cap,periods", "cap,periods,end_use,scope")
            .replace("2025..2026", "2025..2026,,")
            + "cn-military,CN,magnet,all,0,,defence,origin\n"
    });
    // Four: CN at all stages (the control), feoc at all stages (dfars and
    // jp-feoc), CN at mined, MM at separated; jp-au adds a 5th.
    let err = fails(
        m.path(),
        3,
        &["content_rules.csv:7: column 'origin': this row adds a 5th origin signature (AU at all stages); the model tracks material in at most 2^4 origin classes, so content_rules.csv and the export controls with scope origin may name at most 4 distinct signatures (origin and stages), and they already name: CN at all stages; feoc at all stages; CN at mined; MM at separated"],
    );
    assert!(err.contains("error: the model has 1 error(s)"), "{err}");

    // Without jp-au, the rules fit: us-cn shares the control's signature,
    // and jp-feoc (every stage written out) shares dfars'.
    edit(m.path(), "content_rules.csv", |t| {
        t.replace("jp-au,JP,ev,magnet,AU,,0.9,\n", "")
    });
    let o = rareflow(&["validate", m.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
