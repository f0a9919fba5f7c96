//! AWS's TestState API: one state run on its own, answered as AWS answers.
//!
//! [`test_state`] takes the request body (see `request`), runs the state with the
//! engine's single-state mode ([`crate::Simulator::test_state`]) and builds the response in
//! its wire form: `status`, `output` (JSON text), `error`, `cause`, `nextState`, and for
//! DEBUG and TRACE the `inspectionData` AWS shows for that kind of state. The engine
//! records its own stages for the inspector; which of them TestState shows, and under
//! which names, is decided here (AWS shows `afterParameters` and `afterResultSelector`
//! even where the state has no such field, and a JSONata state only its `input` and
//! `afterArguments`). A rejected request is an [`ApiError`] with AWS's code and message;
//! [`response_or_exception`] turns either into the one JSON object the CLI and JS API print.

mod request;
mod shapes;

pub use request::{InspectionLevel, Request, LONE_STATE_NAME};

use crate::definition::{QueryLanguage, StateKind};
use crate::engine::{ApiError, Options, Simulator, StateTest, StateTestOutcome};
use crate::value::{Map, Value};
use std::rc::Rc;

/// Answer a TestState request: the response object, or the exception AWS would raise.
pub fn test_state(request: &Value) -> Result<Value, ApiError> {
    let req = request::read(request)?;
    let outcome = run(&req);
    Ok(response(&req, &outcome))
}

/// [`test_state`] as one JSON object: the response, or `{"exception": {"code", "message"}}`.
pub fn response_or_exception(request: &Value) -> (Value, bool) {
    match test_state(request) {
        Ok(v) => (v, true),
        Err(e) => {
            let mut ex = Map::default();
            ex.insert(Rc::from("code"), Value::from(e.code));
            ex.insert(Rc::from("message"), Value::from(e.message));
            let mut m = Map::default();
            m.insert(Rc::from("exception"), Value::object(ex));
            (Value::object(m), false)
        }
    }
}

fn put(m: &mut Map, k: &str, v: Value) {
    m.insert(Rc::from(k), v);
}

/// Run the request's state (the request passed every check).
pub fn run(req: &Request) -> StateTestOutcome {
    let options = Options::default();
    let base = express_context(&options, req);
    let sim = Simulator::from_shared(req.machine.clone(), options);
    let test = StateTest {
        state: req.state,
        variables: req.variables.clone(),
        context: req.context.clone(),
        base_context: Some(base),
        context_name: Some(Rc::from(LONE_STATE_NAME)),
        retry_count: req.retry_count,
        mock: req.mock.clone(),
        map_iteration_failure_count: req.map_iteration_failure_count,
    };
    sim.test_state(test, req.input.clone())
}

/// TestState runs in an Express-like context: the execution's `$$` as the engine builds
/// it, with an `express:` execution ARN, the caller's role or `null`, and no RedriveCount.
fn express_context(options: &Options, req: &Request) -> Value {
    let mut base = crate::engine::context_base(options, &req.input);
    if let Some(exec) = base.object_mut().and_then(|m| m.get_mut("Execution")).and_then(Value::object_mut) {
        let id = format!("arn:aws:states:{}:{}:express:{}:{}", options.region, options.account, options.state_machine_name, options.execution_name);
        put(exec, "Id", Value::from(id));
        put(exec, "RoleArn", req.role_arn.as_deref().map(Value::from).unwrap_or(Value::Null));
        exec.shift_remove("RedriveCount");
    }
    base
}

/// JSON text as AWS sends it: the caller's own text where the value is what they sent.
fn text(req: &Request, v: &Value) -> Value {
    if let (Some(t), Some(crate::mocks::MockOutcome::Return(mocked))) = (&req.mock_text, &req.mock) {
        if v == mocked {
            return Value::from(t.as_str());
        }
    }
    if v == &req.input {
        return Value::from(req.input_text.as_str());
    }
    Value::from(v.to_json())
}

/// The response in its wire form.
pub fn response(req: &Request, o: &StateTestOutcome) -> Value {
    let mut m = Map::default();
    put(&mut m, "status", Value::from(o.status.as_str()));
    if let Some(out) = &o.output {
        put(&mut m, "output", text(req, out));
    }
    if let Some(e) = &o.error {
        put(&mut m, "error", Value::from(e.as_str()));
    }
    if let Some(c) = &o.cause {
        put(&mut m, "cause", Value::from(c.as_str()));
    }
    if let Some(n) = &o.next_state {
        put(&mut m, "nextState", Value::String(n.clone()));
    }
    if req.level >= InspectionLevel::Debug {
        put(&mut m, "inspectionData", Value::object(inspection_data(req, o)));
    }
    Value::object(m)
}

/// The stages TestState shows for the tested state's kind and query language.
fn inspection_data(req: &Request, o: &StateTestOutcome) -> Map {
    let st = &req.machine.states[req.state];
    let stage = |name: &str| o.stages.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
    let mut shown: Vec<(&str, Option<Value>)> = vec![("input", stage("input"))];
    if st.query_language == QueryLanguage::Jsonata {
        shown.push(("afterArguments", stage("afterArguments")));
    } else {
        let after_input = stage("afterInputPath");
        let result = stage("result");
        let after_selector = stage("afterResultSelector").or_else(|| result.clone());
        match &st.kind {
            StateKind::Pass(p) if p.result.is_some() => {
                shown.push(("result", result));
                shown.push(("afterResultSelector", after_selector));
            }
            StateKind::Pass(_) => {
                shown.push(("afterParameters", stage("afterParameters").or_else(|| after_input.clone())));
                shown.push(("afterInputPath", after_input));
                shown.push(("afterResultSelector", result));
            }
            StateKind::Task(_) => {
                shown.push(("afterParameters", stage("afterParameters").or_else(|| after_input.clone())));
                shown.push(("afterInputPath", after_input));
                shown.push(("result", result));
                shown.push(("afterResultSelector", after_selector));
            }
            StateKind::Map(_) => {
                shown.push(("afterInputPath", after_input));
                shown.push(("afterItemsPath", stage("afterItemsPath")));
                shown.push(("afterResultSelector", after_selector));
            }
            StateKind::Parallel(_) => shown.push(("afterResultSelector", after_selector)),
            // A Fail state has no InputPath: AWS shows its input unchanged.
            StateKind::Fail(_) => shown.push(("afterInputPath", after_input.or_else(|| stage("input")))),
            StateKind::Choice(_) | StateKind::Wait(_) | StateKind::Succeed => shown.push(("afterInputPath", after_input)),
        }
        if !matches!(&st.kind, StateKind::Choice(_) | StateKind::Wait(_) | StateKind::Succeed | StateKind::Fail(_)) {
            shown.push(("afterResultPath", stage("afterResultPath")));
        }
    }
    let mut m = Map::default();
    for (name, v) in shown {
        if let Some(v) = v {
            put(&mut m, name, text(req, &v));
        }
    }
    if !o.variables.is_empty() {
        put(&mut m, "variables", Value::from(Value::object(o.variables.clone()).to_json()));
    }
    if let StateKind::Map(_) = &st.kind {
        if let Some(n) = o.max_concurrency {
            put(&mut m, "maxConcurrency", Value::int(n as i64));
        }
        if let Some(n) = o.tolerated_failure_count {
            put(&mut m, "toleratedFailureCount", Value::int(n as i64));
        }
        if let Some(p) = o.tolerated_failure_percentage {
            put(&mut m, "toleratedFailurePercentage", Value::float(p));
        }
    }
    let mut details = Map::default();
    if let Some(i) = o.catch_index {
        put(&mut details, "catchIndex", Value::int(i as i64));
    }
    if let Some(i) = o.retry_index {
        put(&mut details, "retryIndex", Value::int(i as i64));
    }
    if let Some(s) = o.retry_backoff_seconds {
        let whole = s.fract() == 0.0 && s.abs() < 9.0e15;
        put(&mut details, "retryBackoffIntervalSeconds", if whole { Value::int(s as i64) } else { Value::float(s) });
    }
    if !details.is_empty() {
        put(&mut m, "errorDetails", Value::object(details));
    }
    m
}
