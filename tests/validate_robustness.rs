//! The validator never panics, whatever the definition: every node of a sample of recorded
//! definitions is replaced in turn by values of every JSON type, and each result must
//! parse to diagnostics (with a machine exactly when none is an error).

use asl_sim::definition::{parse, parse_value, Severity};
use asl_sim::{json, Map, Value};
use std::path::PathBuf;

fn shared_dir() -> PathBuf {
    let dir = match std::env::var_os("ASL_SIM_SHARED") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    };
    assert!(dir.is_dir(), "the shared data folder {} is missing (set ASL_SIM_SHARED)", dir.display());
    dir
}

/// Every distinct definition of the recorded cases.
fn definitions() -> Vec<Value> {
    let dir = shared_dir().join("conformance/localstack");
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "jsonl")).collect();
    files.sort();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for file in files {
        for line in std::fs::read_to_string(&file).unwrap().lines().filter(|l| !l.trim().is_empty()) {
            let definition = json::parse(line).unwrap().get("definition").unwrap().clone();
            if seen.insert(definition.to_json()) {
                out.push(definition);
            }
        }
    }
    out
}

/// `v` with the node at position `target` (in pre-order) replaced by `with`; `counter` counts nodes.
fn replace(v: &Value, target: usize, with: &Value, counter: &mut usize) -> Value {
    let here = *counter;
    *counter += 1;
    if here == target {
        return with.clone();
    }
    match v {
        Value::Object(o) => {
            let mut m = Map::new();
            for (k, val) in o.iter() {
                m.insert(k.clone(), replace(val, target, with, counter));
            }
            Value::object(m)
        }
        Value::Array(a) => Value::array(a.iter().map(|x| replace(x, target, with, counter)).collect()),
        _ => v.clone(),
    }
}

fn nodes(v: &Value) -> usize {
    1 + match v {
        Value::Object(o) => o.values().map(nodes).sum(),
        Value::Array(a) => a.iter().map(nodes).sum(),
        _ => 0,
    }
}

fn check(v: &Value) {
    for outcome in [parse_value(v), parse(&json::to_pretty(v))] {
        let has_error = outcome.diagnostics.iter().any(|d| d.severity == Severity::Error);
        assert_eq!(outcome.machine.is_some(), !has_error, "machine/error mismatch for {}", v.to_json());
    }
}

#[test]
fn mutated_definitions_never_panic() {
    let junk: Vec<Value> = [
        "null",
        "true",
        "-1",
        "1.5",
        "\"\"",
        "\"$.x\"",
        "\"States.ALL\"",
        "[]",
        "[{}]",
        "{}",
        r#"{"Type":"Pass"}"#,
        r#"{"Type":"Map","ItemProcessor":{"StartAt":"x","States":{"x":{"Type":"Choice"}}}}"#,
    ]
    .iter()
    .map(|s| json::parse(s).unwrap())
    .collect();
    let definitions = definitions();
    let mut runs = 0;
    for d in &definitions {
        check(d);
        for target in 0..nodes(d) {
            for with in &junk {
                check(&replace(d, target, with, &mut 0));
                runs += 1;
            }
        }
    }
    println!("{} definitions, {} mutations", definitions.len(), runs);
    // Truncated texts, too: every prefix of one definition.
    let text = json::to_pretty(&definitions[0]);
    for end in (0..text.len()).filter(|&e| text.is_char_boundary(e)) {
        let outcome = parse(&text[..end]);
        assert!(outcome.machine.is_none() && !outcome.diagnostics.is_empty());
    }
}
