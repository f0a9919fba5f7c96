//! `asl-sim test-state REQUEST.json`, and the AWS-recorded TestState cases
//! (`../shared/conformance/localstack-extra/teststate/`) as the conformance runner replays them:
//! the recorded request is sent (with a role ARN when the test sent one, and the service's
//! recorded answer as `mock.result` where AWS called a real service), and the answer is
//! compared with the recording: status, then error, cause and nextState exactly, then
//! output and inspectionData as JSON values (key order ignored, numbers by value), with
//! the recording's masked paths checked for presence and type only.

use asl_sim::teststate::response_or_exception;
use asl_sim::{json, Map, Value};
use std::process::exit;
use std::rc::Rc;

/// The role ARN sent for a case whose test sent one (its value is masked in the recordings).
const ROLE_ARN: &str = "arn:aws:iam::111111111111:role/TestStateRole";

/// inspectionData fields that AWS sends as JSON text.
const TEXT_FIELDS: &[&str] = &[
    "input",
    "afterArguments",
    "afterInputPath",
    "afterParameters",
    "result",
    "afterResultSelector",
    "afterResultPath",
    "afterItemsPath",
    "afterItemSelector",
    "afterItemBatcher",
    "afterItemsPointer",
    "variables",
];

/// `asl-sim test-state REQUEST.json`: one line, the response (exit 0) or the exception (exit 2).
pub fn command(args: &[String]) -> ! {
    let [path] = args else { super::die(format!("test-state takes one request file\n{}", super::USAGE)) };
    let request = super::parse_json(&super::read(path), path);
    let (answer, accepted) = response_or_exception(&request);
    outln!("{}", answer.to_json());
    exit(if accepted { 0 } else { 2 })
}

fn put(m: &mut Map, k: &str, v: Value) {
    m.insert(Rc::from(k), v);
}

/// The request a case sends.
fn request_of(case: &Value) -> Result<Value, String> {
    let mut request = case.get("request").and_then(Value::as_object).cloned().ok_or("no request")?;
    if case.get("role_arn_sent").and_then(Value::as_bool) == Some(true) {
        put(&mut request, "roleArn", Value::from(ROLE_ARN));
    }
    if let (Some(result), None) = (case.get("service_result"), request.get("mock")) {
        let mut mock = Map::default();
        put(&mut mock, "result", Value::from(result.to_json()));
        put(&mut request, "mock", Value::object(mock));
    }
    Ok(Value::object(request))
}

/// The answer with its JSON-text fields parsed, as the recordings store them.
fn parsed(answer: &Value) -> Value {
    let Some(mut m) = answer.as_object().cloned() else { return answer.clone() };
    if let Some(Value::String(t)) = m.get("output") {
        let v = json::parse(t).unwrap_or_else(|_| Value::String(t.clone()));
        put(&mut m, "output", v);
    }
    if let Some(mut data) = m.get("inspectionData").and_then(Value::as_object).cloned() {
        for f in TEXT_FIELDS {
            if let Some(Value::String(t)) = data.get(f) {
                let v = json::parse(t).unwrap_or_else(|_| Value::String(t.clone()));
                put(&mut data, f, v);
            }
        }
        put(&mut m, "inspectionData", Value::object(data));
    }
    Value::object(m)
}

/// Replace the value at `path` (relative to the response) by its type's name, when present.
fn mask(v: &mut Value, path: &[String]) {
    let Some((first, rest)) = path.split_first() else {
        *v = Value::from(v.type_name());
        return;
    };
    let child = match v {
        Value::Array(_) => first.parse::<usize>().ok().and_then(|i| v.array_mut().and_then(|a| a.get_mut(i))),
        _ => v.object_mut().and_then(|m| m.get_mut(first.as_str())),
    };
    if let Some(c) = child {
        mask(c, rest);
    }
}

/// JSON values equal as the recordings compare them: key order ignored, numbers by value.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same(p, q)),
        (Value::Object(_), Value::Object(_)) => {
            let (x, y) = (a.as_object().unwrap_or_else(|| unreachable!()), b.as_object().unwrap_or_else(|| unreachable!()));
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Replay one recorded TestState call.
pub fn run_case(case: &Value) -> Result<(), String> {
    let request = request_of(case)?;
    let expected = case.get("expected").ok_or("no expected")?;
    let (answer, _) = response_or_exception(&request);
    if let Some(want) = expected.get("exception") {
        let got = answer
            .get("exception")
            .ok_or_else(|| format!("expected exception {}, got {}", want.to_json(), crate::conformance::trunc(&answer.to_json())))?;
        for k in ["code", "message"] {
            if got.get(k) != want.get(k) {
                return Err(format!("exception {}: expected {}, got {}", k, want.get(k).map(Value::to_json).unwrap_or_default(), got.to_json()));
            }
        }
        return Ok(());
    }
    if let Some(e) = answer.get("exception") {
        return Err(format!("unexpected exception {}", e.to_json()));
    }
    let mut got = parsed(&answer);
    let mut want = expected.clone();
    for p in crate::conformance::strs(case.get("nondeterministic")) {
        let path = crate::conformance::split_path(&p);
        mask(&mut got, &path);
        mask(&mut want, &path);
    }
    for k in ["status", "error", "cause", "nextState"] {
        if got.get(k) != want.get(k) {
            return Err(format!(
                "{}: expected {}, got {}",
                k,
                want.get(k).map(Value::to_json).unwrap_or("(none)".into()),
                got.get(k).map(Value::to_json).unwrap_or("(none)".into())
            ));
        }
    }
    for k in ["output", "inspectionData"] {
        let (g, w) = (got.get(k), want.get(k));
        let ok = match (g, w) {
            (Some(g), Some(w)) => same(g, w),
            (None, None) => true,
            _ => false,
        };
        if !ok {
            return Err(format!(
                "{}: expected {}, got {}",
                k,
                crate::conformance::trunc(&w.map(Value::to_json).unwrap_or("(none)".into())),
                crate::conformance::trunc(&g.map(Value::to_json).unwrap_or("(none)".into()))
            ));
        }
    }
    Ok(())
}
