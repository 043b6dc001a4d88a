//! The HTML report and the network for Graphviz, through the real binary.
//!
//! The report of models/tiny is opened in a real headless Chromium: the
//! page must log nothing on its console and draw the Sankey the tiny
//! model's hand solution gives (7 nodes and 10 links by country; 6 nodes
//! and 8 links for Japan's market alone: the US market drops out), and a
//! screenshot is saved in the target directory
//! (`target/tmp/html-report-tiny.png`). Without Chromium the test says
//! `html browser test: NOT RUN (no chromium)`, and fails when `CI` is set,
//! where Chromium is installed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{rareflow, stderr, stdout, tiny_dir};

/// Solves models/tiny with `--out DIR --html FILE` (and `extra`), and
/// returns the page.
fn solve_tiny_html(dir: &Path, html: &Path, extra: &[&str]) -> String {
    let tiny = tiny_dir();
    let mut args = vec!["solve", tiny.to_str().unwrap()];
    args.extend([
        "--out",
        dir.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
    ]);
    args.extend(extra);
    let o = rareflow(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::read_to_string(html).unwrap()
}

#[test]
fn report_from_a_results_directory_is_the_page_solve_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, a, b) = (
        tmp.path().join("r"),
        tmp.path().join("a.html"),
        tmp.path().join("b.html"),
    );
    let page = solve_tiny_html(&dir, &a, &[]);
    let o = rareflow(&[
        "report",
        dir.to_str().unwrap(),
        "--html",
        b.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(&b).unwrap() == page,
        "report DIR differs from solve --html"
    );
    let o = rareflow(&["report", dir.to_str().unwrap()]);
    assert!(
        o.status.success() && stdout(&o) == page,
        "report to stdout differs"
    );
    // The same inputs give the same bytes: no timestamp, no random id.
    assert!(solve_tiny_html(&dir, &a, &[]) == page);
    // Self-contained: nothing fetched from anywhere.
    assert!(!page.contains("<script src") && !page.contains("<link"));
    assert_eq!(
        page.matches("<script").count(),
        2,
        "plotly.js and the page's own"
    );
    assert!(page.contains("<td>value of demand given up</td>"));
    assert!(page.contains(r#"<tr data-period="2026" data-market="US" class="short">"#));
    let by_facility = solve_tiny_html(&dir, &a, &["--nodes", "facility"]);
    assert!(by_facility.contains(r#""baotou_sep""#) && !page.contains(r#""baotou_sep""#));
}

#[test]
fn a_report_that_cannot_be_made_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, html) = (tmp.path().join("r"), tmp.path().join("x.html"));
    let (d, h) = (dir.to_str().unwrap(), html.to_str().unwrap());
    // No results directory: exit 4.
    let o = rareflow(&["report", d, "--html", h]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("summary.json: cannot read"),
        "{}",
        stderr(&o)
    );
    solve_tiny_html(&dir, &html, &[]);
    std::fs::remove_file(&html).unwrap();
    // A file that is not what solve --out writes: exit 3, with its line.
    let origins = dir.join("flow_origins.csv");
    let text = std::fs::read_to_string(&origins).unwrap();
    std::fs::write(&origins, text.replacen(",china,", ",mars,", 1)).unwrap();
    let o = rareflow(&["report", d, "--html", h]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("flow_origins.csv:2:"), "{}", stderr(&o));
    // Inside the results directory, or the model's: exit 5, before anything.
    let inside = dir.join("report.html");
    let o = rareflow(&["report", d, "--html", inside.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    let tiny = tiny_dir();
    let in_model = tiny.join("report.html");
    let o = rareflow(&[
        "solve",
        tiny.to_str().unwrap(),
        "--html",
        in_model.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(!in_model.exists());
    // A directory that does not exist: exit 5, and --out is not written.
    let out = tmp.path().join("never");
    let o = rareflow(&[
        "solve",
        tiny.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--html",
        tmp.path().join("no/such/dir.html").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(!out.exists() && !html.exists());
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "only the results directory: {left:?}");
}

#[test]
fn graph_dot_draws_every_lane_of_tiny() {
    let o = rareflow(&["graph", tiny_dir().to_str().unwrap(), "--dot"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dot = stdout(&o);
    assert!(
        dot.starts_with("digraph {") && dot.trim_end().ends_with('}'),
        "{dot}"
    );
    for node in [
        "baotou_mine",
        "baotou_sep",
        "cn_metal",
        "cn_magnet",
        "market:JP",
        "market:US",
    ] {
        assert!(
            dot.contains(&format!("label = \"{node}\"")),
            "{node} missing: {dot}"
        );
    }
    let edges: Vec<&str> = dot.lines().filter(|l| l.contains("->")).collect();
    // Three mines to separation, oxide, metal, and magnets to two markets.
    assert_eq!(edges.len(), 7, "{dot}");
    assert_eq!(
        edges
            .iter()
            .filter(|l| l.contains("label = \"conc\""))
            .count(),
        3
    );
    assert_eq!(
        edges
            .iter()
            .filter(|l| l.contains("label = \"magnet\""))
            .count(),
        2
    );
    let o = rareflow(&["graph", tiny_dir().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "--dot is required");
}

/// The Chromium to test with, if any.
fn chromium() -> Option<PathBuf> {
    let path = PathBuf::from("/usr/bin/chromium");
    path.exists().then_some(path)
}

/// Runs headless Chromium on `url` with `extra` flags and a fresh
/// profile; returns (stdout, stderr), kept in files beside the profile (a
/// dumped page is megabytes: more than a pipe holds). Killed after two
/// minutes.
fn run_chromium(browser: &Path, profile: &Path, url: &str, extra: &[&str]) -> (String, String) {
    let (out, err) = (profile.with_extension("out"), profile.with_extension("err"));
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1300,1400",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("chromium starts");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 2 minutes on {url}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let text = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
    (text(&out), text(&err))
}

/// The Sankey Chromium drew: its node labels and its number of links.
fn drawn_sankey(dom: &str) -> (Vec<String>, usize) {
    let start = dom.find(r#"id="sankey""#).expect("the Sankey's div");
    let end = start + dom[start..].find("<script").expect("the scripts after it");
    let svg = &dom[start..end];
    let labels = (svg.split(r#"class="node-label""#).skip(1))
        .filter_map(|s| {
            let from = s.find(r#"data-unformatted=""#)? + r#"data-unformatted=""#.len();
            Some(s[from..from + s[from..].find('"')?].to_string())
        })
        .collect();
    (labels, svg.matches(r#"class="sankey-link""#).count())
}

#[test]
fn the_report_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "html browser test: chromium is missing at /usr/bin/chromium, and CI installs it"
        );
        eprintln!("html browser test: NOT RUN (no chromium)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let html = tmp.path().join("tiny.html");
    solve_tiny_html(&tmp.path().join("r"), &html, &[]);
    let url = format!("file://{}", html.display());
    let views = [
        (
            "",
            vec![
                "AU mine",
                "CN mine",
                "CN separation",
                "CN metal",
                "CN magnet",
                "JP market",
                "US market",
            ],
            10,
        ),
        (
            "#period=2026&market=JP",
            vec![
                "AU mine",
                "CN mine",
                "CN separation",
                "CN metal",
                "CN magnet",
                "JP market",
            ],
            8,
        ),
    ];
    for (i, (view, nodes, links)) in views.iter().enumerate() {
        let profile = tmp.path().join(format!("profile-{i}"));
        let (dom, log) = run_chromium(&browser, &profile, &format!("{url}{view}"), &["--dump-dom"]);
        let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
        assert!(
            console.is_empty(),
            "the page logged on its console:\n{}",
            console.join("\n")
        );
        let (labels, drawn) = drawn_sankey(&dom);
        assert_eq!(&labels, nodes, "nodes drawn for {url}{view}");
        assert_eq!(drawn, *links, "links drawn for {url}{view}");
    }
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report-tiny.png");
    let _ = std::fs::remove_file(&shot);
    let screenshot = format!("--screenshot={}", shot.display());
    let profile = tmp.path().join("profile-shot");
    run_chromium(&browser, &profile, &url, &[&screenshot]);
    let png = std::fs::read(&shot).expect("chromium saved a screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
    eprintln!("html browser test: screenshot in {}", shot.display());
}

/// `compare --html` and `sweep --html` on models/tiny: each page draws its
/// charts in headless Chromium with nothing on the console. The comparison
/// has four heat maps (objective, unserved, given up, regret); a sweep of
/// two parameters (4 × 2 = 8 cases) two scatter plots per parameter, each
/// with a point per case.
#[test]
fn planner_charts_render_in_headless_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let tiny = tiny_dir();
    let tiny = tiny.to_str().unwrap();
    let (c, s) = (tmp.path().join("c.html"), tmp.path().join("s.html"));
    let (c_arg, s_arg) = (c.to_str().unwrap(), s.to_str().unwrap());
    for args in [
        vec!["compare", tiny, "--portfolios", "none", "--html", c_arg],
        vec![
            "sweep",
            tiny,
            "--set",
            "cap[cn-magnets-us]=0..300:100",
            "--set",
            "demand[*,ev]=x0.9,x1.1",
            "--html",
            s_arg,
        ],
    ] {
        let o = rareflow(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    }
    let page = std::fs::read_to_string(&c).unwrap();
    assert!(page
        .contains(r#""x":["baseline","china-halt-us","demand-high","open-trade","tariff-180"]"#));
    assert!(
        !page.contains("<script src"),
        "the page loads nothing from outside"
    );
    // Inside the model's directory: refused before anything is solved.
    let inside = format!("{tiny}/c.html");
    let o = rareflow(&["compare", tiny, "--portfolios", "none", "--html", &inside]);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(!std::path::Path::new(&inside).exists());
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "html browser test: chromium is missing at /usr/bin/chromium, and CI installs it"
        );
        eprintln!("html browser test (charts): NOT RUN (no chromium)");
        return;
    };
    for (file, plots, heat, points) in [(&c, 4, 4, 0), (&s, 4, 0, 32)] {
        let profile = tmp.path().join(format!("profile-{plots}-{heat}"));
        let url = format!("file://{}", file.display());
        let (dom, log) = run_chromium(&browser, &profile, &url, &["--dump-dom"]);
        let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
        assert!(console.is_empty(), "{url} logged:\n{}", console.join("\n"));
        let count = |needle: &str| dom.matches(needle).count();
        assert_eq!(count(r#"class="plot-container plotly""#), plots, "{url}");
        assert_eq!(count(r#"class="hm""#), heat, "{url}");
        assert_eq!(count(r#"class="point""#), points, "{url}");
    }
}
