//! Distributed Map and `aws-sdk:s3` tasks over the in-memory S3, data-driven: each case of
//! `tests/fixtures/dmap/cases.json` gives the Map's distributed fields (merged into a
//! one-state machine whose processor is a Pass) or a whole `definition`, the S3 contents and input, and what the
//! run must give: status, output (or its keys), error, cause, event types, and the
//! objects it wrote (a Map Run id in a key written as `{uuid}`).

use asl_sim::json;
use asl_sim::s3::S3;
use asl_sim::{Map, Options, Simulator, Value};
use std::rc::Rc;

fn definition(map_fields: &Value) -> String {
    let mut m = json::parse(
        r#"{"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}"#,
    )
    .unwrap();
    for (k, v) in map_fields.as_object().unwrap().iter() {
        m.object_mut().unwrap().insert(k.clone(), v.clone());
    }
    let mut states = Map::default();
    states.insert(Rc::from("M"), m);
    let mut root = Map::default();
    root.insert(Rc::from("StartAt"), Value::string("M"));
    root.insert(Rc::from("States"), Value::object(states));
    Value::object(root).to_json()
}

/// A Map Run id as AWS shapes it (8-4-4-4-12 hex digits): written keys name it as `{uuid}`.
fn is_uuid(s: &str) -> bool {
    s.len() == 36 && s.char_indices().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}

fn check(case: &Value) -> Result<(), String> {
    let mut options = Options::default();
    if let Some(s3) = case.get("s3") {
        options.s3 = S3::from_value(s3)?;
    }
    let text = match case.get("definition") {
        Some(d) => d.to_json(),
        None => definition(case.get("map").ok_or("no map or definition")?),
    };
    let sim = Simulator::new(&text, options).map_err(|d| format!("invalid: {:?}", d))?;
    let mut ex = sim.start(case.get("input").cloned().unwrap_or(Value::empty_object())).map_err(|e| e.to_string())?;
    ex.run(None);
    let want = case.get("expected").ok_or("no expected")?;
    let status = ex.status().as_str();
    if want.get("status").and_then(Value::as_str) != Some(status) {
        return Err(format!("status {} ({:?}: {:?})", status, ex.error(), ex.cause()));
    }
    if let Some(o) = want.get("output") {
        if ex.output() != Some(o) {
            return Err(format!("output {}", ex.output().map(Value::to_json).unwrap_or_default()));
        }
    }
    if let Some(keys) = want.get("outputKeys").and_then(Value::as_array) {
        let got: Vec<String> = ex.output().and_then(Value::as_object).map(|o| o.keys().map(|k| k.to_string()).collect()).unwrap_or_default();
        let want: Vec<String> = keys.iter().filter_map(|k| k.as_str().map(String::from)).collect();
        if got != want {
            return Err(format!("output keys {:?}", got));
        }
    }
    for (field, got) in [("error", ex.error()), ("cause", ex.cause())] {
        if let Some(w) = want.get(field) {
            if w.as_str() != got {
                return Err(format!("{} {:?}", field, got));
            }
        }
    }
    let written = ex.s3_written();
    let mut paths = Vec::new();
    for (bucket, objects) in written.as_object().unwrap().iter() {
        for (key, body) in objects.as_object().unwrap().iter() {
            let path = format!("{}/{}", bucket, key).split('/').map(|seg| if is_uuid(seg) { "{uuid}" } else { seg }).collect::<Vec<_>>().join("/");
            paths.push((path, body.as_str().unwrap_or("").to_string()));
        }
    }
    if let Some(w) = want.get("written").and_then(Value::as_array) {
        let want: Vec<&str> = w.iter().filter_map(Value::as_str).collect();
        let got: Vec<&str> = paths.iter().map(|(p, _)| p.as_str()).collect();
        if got != want {
            return Err(format!("wrote {:?}", got));
        }
    }
    if let Some(bodies) = want.get("body").and_then(Value::as_object) {
        for (path, body) in bodies.iter() {
            let got = paths.iter().find(|(p, _)| p == &**path).map(|(_, b)| b.as_str());
            if got != body.as_str() {
                return Err(format!("{} holds {:?}", path, got));
            }
        }
    }
    if let Some(events) = case.get("events").and_then(Value::as_array) {
        let got: Vec<String> =
            ex.history().as_array().unwrap().iter().filter_map(|e| e.get("type").and_then(Value::as_str).map(String::from)).collect();
        let want: Vec<String> = events.iter().filter_map(|e| e.as_str().map(String::from)).collect();
        if got != want {
            return Err(format!("events {:?}", got));
        }
    }
    Ok(())
}

#[test]
fn distributed_map_cases() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dmap/cases.json");
    let cases = json::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = cases.as_array().unwrap();
    let failures: Vec<String> =
        cases.iter().filter_map(|c| check(c).err().map(|e| format!("{}: {}", c.get("name").and_then(Value::as_str).unwrap_or("?"), e))).collect();
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}
