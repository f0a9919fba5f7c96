//! The recorded AWS executions (`shared/conformance/localstack`) whose
//! definitions call an intrinsic function, replayed at the expression level.
//!
//! No engine is needed: the recorded history says what went into each state
//! and what came out, so every payload template, `Assign`, `ItemSelector`,
//! `Credentials` or Fail `ErrorPath`/`CausePath` that calls an intrinsic can
//! be evaluated on the recorded input and compared with the recorded result.
//! The context object is rebuilt with the masked values the recorder left in
//! the history (`<ExecArnPart_0idx>`, `date`, …), so paths into `$$` match.

use super::tests::TestEnv;
use crate::query::{select, Expr, Path, ReferencePath, Template};
use crate::value::{Map, Value};
use std::collections::HashMap;
use std::path::PathBuf;

/// `$ASL_SIM_SHARED`, or `../shared` beside the crate.
fn shared_dir() -> PathBuf {
    match std::env::var_os("ASL_SIM_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    }
}

#[test]
fn recorded_aws_cases_at_the_expression_level() {
    let dir = shared_dir().join("conformance/localstack");
    let listing = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the shared conformance data is missing at {} ({}); set ASL_SIM_SHARED to the shared folder", dir.display(), e));
    let mut files: Vec<PathBuf> = listing.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "jsonl")).collect();
    files.sort();
    assert!(!files.is_empty(), "no .jsonl case files in {}", dir.display());

    let (mut cases, mut passed, mut checks) = (0, 0, 0);
    let mut unchecked = Vec::new();
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("cannot read {}: {}", file.display(), e));
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let case = crate::json::parse(line).unwrap_or_else(|e| panic!("{}: bad JSON line: {}", file.display(), e));
            let jsonata = case.get("features").and_then(Value::as_array).is_some_and(|f| f.iter().any(|t| t.as_str() == Some("jsonata")));
            if jsonata || !calls_intrinsic(case.get("definition").unwrap_or(&Value::Null)) {
                continue;
            }
            cases += 1;
            let id = case.get("id").and_then(Value::as_str).unwrap_or("?").to_string();
            let mut replay = Replay::new(&case);
            replay.run();
            checks += replay.checks;
            if replay.checks == 0 {
                unchecked.push(id);
            } else if replay.failures.is_empty() {
                passed += 1;
            } else {
                failures.extend(replay.failures.into_iter().map(|f| format!("{}: {}", id, f)));
            }
        }
    }
    eprintln!(
        "intrinsic corpus: {} non-JSONata cases call intrinsics; {} checked with {} expression checks: {} passed, {} failed; not checkable at the expression level: {:?}",
        cases,
        cases - unchecked.len(),
        checks,
        passed,
        cases - unchecked.len() - passed,
        unchecked
    );
    assert!(cases > 100, "expected over 100 intrinsic cases in {}, found {}", dir.display(), cases);
    assert!(failures.is_empty(), "{} expression checks failed:\n{}", failures.len(), failures.join("\n"));
}

/// Whether any string in the definition calls one of the 18 functions.
fn calls_intrinsic(v: &Value) -> bool {
    match v {
        Value::String(s) => super::FUNCTIONS.iter().any(|f| s.contains(&format!("{}(", f.1))),
        Value::Array(a) => a.iter().any(calls_intrinsic),
        Value::Object(o) => o.values().any(calls_intrinsic),
        _ => false,
    }
}

/// Whether a template holds a `.$` member that calls an intrinsic.
fn template_calls_intrinsic(v: &Value) -> bool {
    match v {
        Value::Object(o) => {
            o.iter().any(|(k, v)| (k.ends_with(".$") && v.as_str().is_some_and(|s| s.starts_with("States."))) || template_calls_intrinsic(v))
        }
        Value::Array(a) => a.iter().any(template_calls_intrinsic),
        _ => false,
    }
}

struct Replay<'a> {
    input: Value,
    events: &'a [Value],
    states: HashMap<String, Value>,
    variables: Map,
    checks: usize,
    failures: Vec<String>,
}

impl<'a> Replay<'a> {
    fn new(case: &'a Value) -> Replay<'a> {
        let mut states = HashMap::default();
        if let Some(def) = case.get("definition") {
            collect_states(def, &mut states);
        }
        Replay {
            input: case.get("input").cloned().unwrap_or(Value::Null),
            events: case.get("history").and_then(Value::as_array).unwrap_or(&[]),
            states,
            variables: Map::default(),
            checks: 0,
            failures: Vec::new(),
        }
    }

    /// The context object as the recording shows it (masked where AWS's values vary).
    fn context(&self, state: &str, item: Option<(usize, Value)>) -> Value {
        let mut ctx = crate::json::parse(
            r#"{"Execution":{"Id":"arn:<partition>:states:<region>:111111111111:execution:<ArnPart_0idx>:<ExecArnPart_0idx>","Input":null,"StartTime":"date","Name":"<ExecArnPart_0idx>","RoleArn":"snf_role_arn","RedriveCount":0},"StateMachine":{"Id":"arn:<partition>:states:<region>:111111111111:stateMachine:<ArnPart_0idx>","Name":"<ArnPart_0idx>"},"State":{"Name":null,"EnteredTime":"date"}}"#,
        )
        .unwrap();
        let members = ctx.object_mut().unwrap();
        if let Some(execution) = members.get_mut("Execution").and_then(Value::object_mut) {
            execution.insert("Input".into(), self.input.clone());
        }
        if let Some(st) = members.get_mut("State").and_then(Value::object_mut) {
            st.insert("Name".into(), Value::from(state));
        }
        if let Some((index, value)) = item {
            let mut item = Map::default();
            item.insert("Index".into(), Value::int(index as i64));
            item.insert("Value".into(), value);
            let mut map = Map::default();
            map.insert("Item".into(), Value::object(item));
            members.insert("Map".into(), Value::object(map));
        }
        ctx
    }

    fn env(&self, input: Value, state: &str, item: Option<(usize, Value)>) -> TestEnv {
        let mut env = TestEnv::new(input);
        env.context = self.context(state, item);
        env.variables = self.variables.clone();
        env
    }

    /// The index of the first event after `from` that satisfies `pred`.
    fn find(&self, from: usize, pred: impl Fn(&Value) -> bool) -> Option<usize> {
        (from + 1..self.events.len()).find(|&j| pred(&self.events[j]))
    }

    fn check(&mut self, what: String, expected: Option<&Value>, actual: Result<Value, String>) {
        self.checks += 1;
        match (expected, actual) {
            (Some(e), Ok(a)) if matches(e, &a) => {}
            (e, a) => self.failures.push(format!("{}: expected {:?}, got {:?}", what, e, a)),
        }
    }

    fn eval_template(&self, template: &Value, env: &mut TestEnv) -> Result<Value, String> {
        let t = Template::compile(template).map_err(|(at, e)| format!("compile error at {}: {}", at, e))?;
        t.evaluate(env).map_err(|f| format!("{}: {}", f.error, f.cause))
    }

    fn run(&mut self) {
        let mut maps: HashMap<String, Value> = HashMap::default();
        for i in 0..self.events.len() {
            let event = &self.events[i];
            let kind = event.get("type").and_then(Value::as_str).unwrap_or("");
            let details = event.get("details").cloned().unwrap_or(Value::Null);
            let name = details.get("name").and_then(Value::as_str).unwrap_or("").to_string();
            let input = details.get("input").cloned().unwrap_or(Value::Null);
            let state = self.states.get(&name).cloned().unwrap_or(Value::Null);
            let has_input_path = state.get("InputPath").is_some();
            match kind {
                "PassStateEntered" | "TaskStateEntered" if !has_input_path => self.state_entered(i, kind, &name, &state, &input),
                "FailStateEntered" => self.fail_entered(i, &name, &state, &input),
                "MapStateEntered" if !has_input_path => {
                    maps.insert(name.clone(), input);
                }
                "MapIterationStarted" => {
                    if let Some(map_input) = maps.get(&name).cloned() {
                        self.iteration_started(i, &name, &state, map_input, &details);
                    }
                }
                _ => {}
            }
            if let Some(assigned) = details.get("assignedVariables").and_then(Value::as_object) {
                for (k, v) in assigned.iter() {
                    self.variables.insert(k.clone(), v.clone());
                }
            }
        }
    }

    fn state_entered(&mut self, i: usize, kind: &str, name: &str, state: &Value, input: &Value) {
        let mut result = input.clone();
        if let Some(params) = state.get("Parameters").filter(|p| template_calls_intrinsic(p)) {
            let mut env = self.env(input.clone(), name, None);
            let actual = self.eval_template(params, &mut env);
            if let Ok(v) = &actual {
                result = v.clone();
            }
            if kind == "PassStateEntered" {
                let exited = self.find(i, |e| {
                    e.get("type").and_then(Value::as_str) == Some("PassStateExited")
                        && e.get("details").and_then(|d| d.get("name")).and_then(Value::as_str) == Some(name)
                });
                let expected = exited.and_then(|j| self.events[j].get("details")).and_then(|d| d.get("output")).cloned();
                let output = actual.and_then(|result| pass_output(state, input, result));
                self.check(format!("{} Parameters", name), expected.as_ref(), output);
            } else if kind == "TaskStateEntered" {
                let scheduled = self.find(i, |e| e.get("type").and_then(Value::as_str).is_some_and(|t| t.ends_with("Scheduled")));
                let expected = scheduled.and_then(|j| self.events[j].get("details")).and_then(|d| d.get("parameters")).cloned();
                self.check(format!("{} Parameters", name), expected.as_ref(), actual);
            }
        } else if let Some(r) = state.get("Result") {
            result = r.clone();
        }
        if let Some(credentials) = state.get("Credentials").filter(|c| template_calls_intrinsic(c)) {
            let mut env = self.env(input.clone(), name, None);
            let actual = self.eval_template(credentials, &mut env).map(|v| v.get("RoleArn").cloned().unwrap_or(Value::Null));
            let scheduled = self.find(i, |e| e.get("type").and_then(Value::as_str).is_some_and(|t| t.ends_with("Scheduled")));
            let expected =
                scheduled.and_then(|j| self.events[j].get("details")).and_then(|d| d.get("taskCredentials")).and_then(|c| c.get("roleArn")).cloned();
            self.check(format!("{} Credentials", name), expected.as_ref(), actual);
        }
        if kind != "PassStateEntered" {
            return;
        }
        let Some(assign) = state.get("Assign").and_then(Value::as_object) else { return };
        let members: Map = assign
            .iter()
            .filter(|(k, v)| k.ends_with(".$") && v.as_str().is_some_and(|s| s.starts_with("States.")))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if members.is_empty() {
            return;
        }
        let exited = self.find(i, |e| {
            e.get("type").and_then(Value::as_str) == Some("PassStateExited")
                && e.get("details").and_then(|d| d.get("name")).and_then(Value::as_str) == Some(name)
        });
        let assigned = exited.and_then(|j| self.events[j].get("details")).and_then(|d| d.get("assignedVariables")).cloned();
        let mut env = self.env(result, name, None);
        let actual = self.eval_template(&Value::object(members.clone()), &mut env);
        for key in members.keys() {
            let var = key.trim_end_matches(".$");
            let expected = assigned.as_ref().and_then(|a| a.get(var)).cloned();
            let got = actual.clone().map(|v| v.get(var).cloned().unwrap_or(Value::Null));
            self.check(format!("{} Assign {}", name, var), expected.as_ref(), got);
        }
    }

    fn fail_entered(&mut self, i: usize, name: &str, state: &Value, input: &Value) {
        let failed = self.find(i, |e| e.get("type").and_then(Value::as_str) == Some("ExecutionFailed"));
        let details = failed.and_then(|j| self.events[j].get("details")).cloned().unwrap_or(Value::Null);
        for (field, key) in [("ErrorPath", "error"), ("CausePath", "cause")] {
            let Some(text) = state.get(field).and_then(Value::as_str).filter(|s| s.starts_with("States.")) else { continue };
            let mut env = self.env(input.clone(), name, None);
            let actual = Expr::compile(text).and_then(|e| e.evaluate(&mut env, field).map_err(|f| format!("{}: {}", f.error, f.cause)));
            self.check(format!("{} {}", name, field), details.get(key), actual);
        }
    }

    fn iteration_started(&mut self, i: usize, name: &str, state: &Value, map_input: Value, details: &Value) {
        let legacy = state.get("Iterator").is_some();
        let selector = state.get("ItemSelector").or_else(|| if legacy { state.get("Parameters") } else { None });
        let Some(selector) = selector.filter(|s| template_calls_intrinsic(s)) else { return };
        let Some(index) = details.get("index").and_then(Value::as_number).and_then(|n| n.as_i64()) else { return };
        let items_path = state.get("ItemsPath").and_then(Value::as_str).unwrap_or("$");
        let mut env = self.env(map_input.clone(), name, None);
        let items = Path::compile(items_path).ok().and_then(|p| select(&p, &mut env).ok());
        let Some(item) = items.as_ref().and_then(|v| v.as_array()).and_then(|a| a.get(index as usize)).cloned() else {
            self.check(format!("{} ItemsPath", name), None, Err(format!("no item {} at {}", index, items_path)));
            return;
        };
        let mut env = self.env(map_input, name, Some((index as usize, item)));
        let actual = self.eval_template(selector, &mut env);
        let entered = self.find(i, |e| e.get("type").and_then(Value::as_str).is_some_and(|t| t.ends_with("StateEntered")));
        let expected = entered.and_then(|j| self.events[j].get("details")).and_then(|d| d.get("input")).cloned();
        self.check(format!("{} ItemSelector[{}]", name, index), expected.as_ref(), actual);
    }
}

/// A Pass state's output from its result: ResultPath, then OutputPath.
fn pass_output(state: &Value, input: &Value, result: Value) -> Result<Value, String> {
    let merged = match state.get("ResultPath") {
        None => result,
        Some(Value::Null) => input.clone(),
        Some(p) => ReferencePath::compile(p.as_str().unwrap_or("$"))?.apply(input, result)?,
    };
    match state.get("OutputPath") {
        None => Ok(merged),
        Some(Value::Null) => Ok(Value::empty_object()),
        Some(p) => Path::compile(p.as_str().unwrap_or("$"))?.select(&merged).map_err(|e| e.message()),
    }
}

/// Every state by name, including those inside Map processors and Parallel branches.
fn collect_states(machine: &Value, out: &mut HashMap<String, Value>) {
    let Some(states) = machine.get("States").and_then(Value::as_object) else { return };
    for (name, state) in states.iter() {
        out.insert(name.to_string(), state.clone());
        for key in ["Iterator", "ItemProcessor"] {
            if let Some(inner) = state.get(key) {
                collect_states(inner, out);
            }
        }
        for branch in state.get("Branches").and_then(Value::as_array).unwrap_or(&[]) {
            collect_states(branch, out);
        }
    }
}

/// Recorded value against computed value: equal as JSON (numbers by value,
/// members in any order), except where the recorder masked a random result.
fn matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::String(e), _) if is_uuid_mask(e) => actual.as_str().is_some_and(is_uuid_v4),
        (Value::String(e), _) if &**e == "RandomNumberGenerated" => actual.as_number().is_some(),
        (Value::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| matches(x, y)),
        (Value::Object(a), Value::Object(b)) => a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| matches(v, w))),
        _ => expected == actual,
    }
}

fn is_uuid_mask(s: &str) -> bool {
    s == "generated-uuid" || (s.starts_with("<uuid:") && s.ends_with('>'))
}

fn is_uuid_v4(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { *c == b'-' } else { c.is_ascii_hexdigit() })
        && b[14] == b'4'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b')
}
