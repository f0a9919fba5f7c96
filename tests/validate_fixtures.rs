//! Golden tests for validation: each `tests/fixtures/validate/NAME.json` is a definition;
//! `NAME.expected` holds its diagnostics rendered one per line as
//! `SEVERITY CODE POINTER LINE:COLUMN-LINE:COLUMN MESSAGE` (empty: the definition is valid).
//! Run with `BLESS=1` to rewrite the expected files after a deliberate change, then review the diff.

use asl_sim::definition::{parse, Severity};
use std::path::{Path, PathBuf};

fn render(text: &str) -> String {
    let outcome = parse(text);
    let has_error = outcome.diagnostics.iter().any(|d| d.severity == Severity::Error);
    assert_eq!(outcome.machine.is_some(), !has_error, "a machine must come back exactly when there is no error");
    outcome
        .diagnostics
        .iter()
        .map(|d| {
            let p = d.positioned(text, false);
            let severity = if d.severity == Severity::Error { "ERROR" } else { "WARNING" };
            let pointer = if p.pointer.is_empty() { "-" } else { &p.pointer };
            format!("{} {} {} {}:{}-{}:{} {}\n", severity, p.code, pointer, p.line, p.column, p.end_line, p.end_column, p.message)
        })
        .collect()
}

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {}", dir.display(), e))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
}

#[test]
fn fixtures_give_the_expected_diagnostics() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for file in fixtures() {
        let text = std::fs::read_to_string(&file).unwrap();
        let actual = render(&text);
        let expected_file = file.with_extension("expected");
        if bless {
            std::fs::write(&expected_file, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_file).unwrap_or_else(|_| format!("<missing {}>", expected_file.display()));
        if actual != expected {
            failures.push(format!("{}\n--- expected\n{}--- actual\n{}", file.display(), expected, actual));
        }
    }
    assert!(failures.is_empty(), "{} fixture(s) differ (BLESS=1 rewrites them):\n{}", failures.len(), failures.join("\n"));
}
