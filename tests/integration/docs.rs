//! models/README.md documents every column the loader reads, and nothing else.

use rareflow::model::schema::{PERIOD_KEYS, SETTINGS_KEYS, TABLES};

/// The rows of the first Markdown table after `heading`: (name, type, required).
fn documented(readme: &str, heading: &str, nth_table: usize) -> Vec<(String, String, bool)> {
    let start = readme
        .find(&format!("\n## `{heading}`\n"))
        .unwrap_or_else(|| panic!("models/README.md has no section for {heading}"));
    let section = &readme[start + 1..];
    let end = section[1..].find("\n#").map_or(section.len(), |e| e + 1);
    let section = &section[..end];
    let mut tables: Vec<Vec<(String, String, bool)>> = Vec::new();
    let mut in_table = false;
    for line in section.lines() {
        if !line.starts_with('|') {
            in_table = false;
            continue;
        }
        if !in_table {
            tables.push(Vec::new());
            in_table = true;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells[0].starts_with('`') {
            tables.last_mut().unwrap().push((
                cells[0].trim_matches('`').to_string(),
                cells[1].to_string(),
                cells[4] == "yes",
            ));
        }
    }
    tables.into_iter().nth(nth_table).unwrap_or_default()
}

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/models/README.md")).unwrap()
}

#[test]
fn every_csv_column_read_is_documented_and_nothing_else() {
    let readme = readme();
    for table in TABLES {
        let docs = documented(&readme, table.file, 0);
        let code: Vec<(String, String, bool)> = table
            .columns
            .iter()
            .map(|c| {
                (
                    c.name.to_string(),
                    c.kind.doc_name().to_string(),
                    c.required,
                )
            })
            .collect();
        assert_eq!(
            docs, code,
            "models/README.md and schema.rs disagree on {}",
            table.file
        );
    }
}

#[test]
fn every_model_toml_key_is_documented_and_nothing_else() {
    let readme = readme();
    let keys = |rows: Vec<(String, String, bool)>| -> Vec<(String, bool)> {
        rows.into_iter().map(|(n, _, r)| (n, r)).collect()
    };
    let expect = |k: &[(&str, bool)]| -> Vec<(String, bool)> {
        k.iter().map(|(n, r)| (n.to_string(), *r)).collect()
    };
    assert_eq!(
        keys(documented(&readme, "model.toml", 0)),
        expect(SETTINGS_KEYS)
    );
    assert_eq!(
        keys(documented(&readme, "model.toml", 1)),
        expect(PERIOD_KEYS)
    );
}
