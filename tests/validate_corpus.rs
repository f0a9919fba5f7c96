//! Acceptance check for the validator: every definition AWS accepted in the recorded
//! LocalStack cases (`$ASL_SIM_SHARED/conformance/localstack/*.jsonl`) must validate with
//! no error, and every `TaskScheduled` event's `resourceType`/`resource` must be the
//! split of a Task `Resource` in its definition, JSONPath and JSONata definitions alike.

use asl_sim::definition::{parse, parse_value, Resource, Severity};
use asl_sim::json;
use asl_sim::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn shared_dir() -> PathBuf {
    let dir = match std::env::var_os("ASL_SIM_SHARED") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    };
    assert!(dir.is_dir(), "the shared data folder {} is missing (set ASL_SIM_SHARED)", dir.display());
    dir
}

struct Case {
    id: String,
    definition: Value,
    /// `(resourceType, resource)` of every `TaskScheduled` event AWS recorded.
    scheduled: Vec<(String, String)>,
}

fn cases() -> Vec<Case> {
    let dir = shared_dir().join("conformance/localstack");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {}", dir.display(), e))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no *.jsonl cases in {}", dir.display());
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let case = json::parse(line).unwrap_or_else(|e| panic!("{}: {}", file.display(), e));
            let scheduled = case
                .get("history")
                .and_then(Value::as_array)
                .unwrap_or(&[])
                .iter()
                .filter(|e| e.get("type").and_then(Value::as_str) == Some("TaskScheduled"))
                .filter_map(|e| {
                    let d = e.get("details")?;
                    Some((d.get("resourceType")?.as_str()?.to_string(), d.get("resource")?.as_str()?.to_string()))
                })
                .collect();
            out.push(Case {
                id: case.get("id").and_then(Value::as_str).unwrap_or("?").to_string(),
                definition: case.get("definition").expect("case without definition").clone(),
                scheduled,
            });
        }
    }
    out
}

/// Whether the definition uses JSONata anywhere: JSONata is only evaluated where a
/// `QueryLanguage` says so (the machine's or a state's), and AWS refuses JSONata-only
/// fields elsewhere, so that field is the whole test.
fn uses_jsonata(v: &Value) -> bool {
    match v {
        Value::Object(o) => o.iter().any(|(k, v)| (&**k == "QueryLanguage" && v.as_str() == Some("JSONata")) || uses_jsonata(v)),
        Value::Array(a) => a.iter().any(uses_jsonata),
        _ => false,
    }
}

/// Every Task `Resource` in the definition, nested states included.
fn resources(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            if o.get("Type").and_then(Value::as_str) == Some("Task") {
                if let Some(r) = o.get("Resource").and_then(Value::as_str) {
                    out.push(r.to_string());
                }
            }
            o.values().for_each(|v| resources(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| resources(v, out)),
        _ => {}
    }
}

#[test]
fn every_recorded_definition_is_accepted() {
    let cases = cases();
    let (mut checked, mut jsonata) = (0, 0);
    let mut warnings: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for case in &cases {
        // The resourceType/resource split must match what AWS recorded, in every case.
        let mut arns = Vec::new();
        resources(&case.definition, &mut arns);
        let parsed: BTreeSet<(String, String)> = arns
            .iter()
            .filter_map(|arn| match Resource::parse(arn) {
                Ok(Resource::Integration { resource_type, resource, .. }) => Some((resource_type, resource)),
                _ => None,
            })
            .collect();
        for pair in &case.scheduled {
            if !parsed.contains(pair) {
                failures.push(format!("{}: TaskScheduled {:?} matches no parsed Resource (parsed: {:?})", case.id, pair, parsed));
            }
        }

        if uses_jsonata(&case.definition) {
            jsonata += 1;
        }
        checked += 1;
        let outcome = parse_value(&case.definition);
        // The text path (with spans) must agree with the value path.
        let text = json::to_pretty(&case.definition);
        let from_text = parse(&text);
        let codes = |ds: &[asl_sim::definition::Diagnostic]| ds.iter().map(|d| (d.code, d.pointer.clone())).collect::<Vec<_>>();
        if codes(&outcome.diagnostics) != codes(&from_text.diagnostics) {
            failures.push(format!("{}: parse and parse_value disagree", case.id));
        }
        let mut errors = Vec::new();
        for d in &outcome.diagnostics {
            match d.severity {
                Severity::Warning => *warnings.entry(d.code).or_default() += 1,
                Severity::Error => errors.push(format!("  {} {} {}", d.code, d.pointer, d.message)),
            }
        }
        if !errors.is_empty() {
            failures.push(format!("{}:\n{}", case.id, errors.join("\n")));
        } else if outcome.machine.is_none() {
            failures.push(format!("{}: no error, but no machine", case.id));
        }
    }
    println!("{} cases: {} definitions checked ({} use JSONata); warnings {:?}", cases.len(), checked, jsonata, warnings);
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}
