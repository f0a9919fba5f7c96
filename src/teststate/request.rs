//! A TestState request read and checked as AWS checks it, with AWS's exception texts.
//!
//! The request body is AWS's (`definition` as JSON text, `input`, `variables`, `context`
//! and `mock.result` as JSON text, `stateConfiguration` …); a definition given as a JSON
//! object is taken as its text. A lone state is wrapped into a machine where it is named
//! `StateName` (as AWS names it) and every state it can go to is a `Succeed` stand-in, so
//! that its transitions resolve; a whole machine is tested at `stateName`. Each check
//! that fails is the `ApiError` AWS answers with (`ValidationException`,
//! `InvalidDefinition`), in the order AWS applies them where the recordings show it.

use super::shapes;
use crate::definition::{self, IntegrationPattern, Resource, Severity, StateKind, StateMachine};
use crate::engine::ApiError;
use crate::json;
use crate::mocks::MockOutcome;
use crate::value::{Map, Value};
use std::rc::Rc;

/// The name TestState gives a state tested on its own.
pub const LONE_STATE_NAME: &str = "StateName";

/// What the inspection data shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum InspectionLevel {
    Info,
    Debug,
    Trace,
}

/// A request that passed every check.
pub struct Request {
    pub machine: Rc<StateMachine>,
    pub state: definition::StateId,
    pub input: Value,
    pub input_text: String,
    pub level: InspectionLevel,
    pub variables: Map,
    pub context: Option<Value>,
    pub role_arn: Option<String>,
    pub mock: Option<MockOutcome>,
    /// `mock.result` as sent: AWS returns it verbatim where the state does not reshape it.
    pub mock_text: Option<String>,
    pub retry_count: u64,
    pub map_iteration_failure_count: Option<u64>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new("ValidationException", message)
}

fn text_field<'a>(request: &'a Value, key: &str) -> Result<Option<&'a str>, ApiError> {
    match request.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(format!("The field '{key}' must be a string of JSON text"))),
    }
}

fn json_field(request: &Value, key: &str, what: &str) -> Result<Option<(Value, String)>, ApiError> {
    match text_field(request, key)? {
        None => Ok(None),
        Some(t) => match json::parse(t) {
            Ok(v) => Ok(Some((v, t.to_string()))),
            Err(_) => Err(invalid(format!("{what} must be valid JSON"))),
        },
    }
}

/// Read and check a TestState request body.
pub fn read(request: &Value) -> Result<Request, ApiError> {
    if request.as_object().is_none() {
        return Err(invalid("The TestState request must be a JSON object"));
    }
    let definition_text = match request.get("definition") {
        Some(Value::String(s)) => s.to_string(),
        Some(v @ Value::Object(_)) => v.to_json(),
        _ => return Err(invalid("1 validation error detected: Value null at 'definition' failed to satisfy constraint: Member must not be null")),
    };
    let state_name = text_field(request, "stateName")?;
    let level = match text_field(request, "inspectionLevel")? {
        None | Some("INFO") => InspectionLevel::Info,
        Some("DEBUG") => InspectionLevel::Debug,
        Some("TRACE") => InspectionLevel::Trace,
        Some(other) => {
            return Err(invalid(format!(
                "1 validation error detected: Value '{other}' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]"
            )))
        }
    };
    let (machine, state) = machine_and_state(&definition_text, state_name)?;
    let st = &machine.states[state];
    let mock_value = request.get("mock").filter(|m| !matches!(m, Value::Null));
    let (mock, mock_text, validation) = match mock_value {
        None => (None, None, None),
        Some(m) => read_mock(m)?,
    };
    if mock.is_some() && request.get("revealSecrets").and_then(Value::as_bool) == Some(true) {
        return Err(invalid("TestState does not support RevealSecrets when a mock is specified."));
    }
    let config = request.get("stateConfiguration").cloned().unwrap_or(Value::Null);
    let count = |key: &str| -> Result<Option<u64>, ApiError> {
        match config.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => match v.as_number().and_then(|n| n.as_i64()).filter(|n| *n >= 0) {
                Some(n) => Ok(Some(n as u64)),
                None => Err(invalid(format!("The field '{key}' must be a non-negative integer"))),
            },
        }
    };
    let retry_count = count("retrierRetryCount")?.unwrap_or(0);
    let map_iteration_failure_count = count("mapIterationFailureCount")?;
    if map_iteration_failure_count.is_some() && mock.is_none() {
        return Err(invalid("TestState does not support MapIterationFailureCount when a mock is not specified."));
    }
    match (&st.kind, &mock) {
        (StateKind::Map(_) | StateKind::Parallel(_), None) => {
            return Err(ApiError::new(
                "InvalidDefinition",
                "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]",
            ))
        }
        (StateKind::Pass(_) | StateKind::Succeed | StateKind::Fail(_) | StateKind::Choice(_) | StateKind::Wait(_), Some(_)) => {
            return Err(invalid(format!("State type '{}' is not supported when a mock is specified", st.kind.type_name())))
        }
        _ => {}
    }
    if let (StateKind::Task(t), Some(MockOutcome::Return(result)), Some(mode)) = (&st.kind, &mock, validation) {
        shapes::check(&t.resource, result, mode).map_err(invalid)?;
    }
    let role_arn = text_field(request, "roleArn")?.map(String::from);
    if matches!(st.kind, StateKind::Task(_)) && mock.is_none() && role_arn.is_none() {
        return Err(invalid("RoleArn must be specified when testing a Task state"));
    }
    if matches!(st.kind, StateKind::Task(_)) && mock.is_none() {
        // AWS would call the service here; the simulator calls none.
        return Err(ApiError::new(
            "MockRequired",
            "asl-sim calls no AWS service: give the Task state's result as mock.result, or its failure as mock.errorOutput",
        ));
    }
    if let (Some(n), Some(MockOutcome::Return(Value::Array(items)))) = (map_iteration_failure_count, &mock) {
        if matches!(st.kind, StateKind::Map(_)) && n as usize > items.len() {
            return Err(invalid("Map iteration failure count must be less than or equal to the number of Map iterations"));
        }
    }
    if let (StateKind::Parallel(p), Some(MockOutcome::Return(result))) = (&st.kind, &mock) {
        if result.as_array().is_none_or(|r| r.len() != p.branches.len()) {
            return Err(invalid("Mocked result must contain the same number of items as number of Parallel branches."));
        }
    }
    let (input, input_text) = json_field(request, "input", "Input")?.unwrap_or_else(|| (Value::empty_object(), "{}".into()));
    let variables = match json_field(request, "variables", "Variables")? {
        None => Map::default(),
        Some((v @ Value::Object(_), _)) => v.as_object().cloned().unwrap_or_default(),
        Some(_) => return Err(invalid("Variables must be a JSON object")),
    };
    let context = match json_field(request, "context", "Context")? {
        None => None,
        Some((c, _)) => {
            check_context(&c, &st.kind)?;
            Some(c)
        }
    };
    Ok(Request {
        machine: Rc::new(machine),
        state,
        input,
        input_text,
        level,
        variables,
        context,
        role_arn,
        mock,
        mock_text,
        retry_count,
        map_iteration_failure_count,
    })
}

/// The machine to run and the state to test in it.
fn machine_and_state(text: &str, state_name: Option<&str>) -> Result<(StateMachine, definition::StateId), ApiError> {
    let full_text = match state_name {
        Some(_) => text.to_string(),
        None => {
            // Text that is not JSON gets the parser's own diagnostic (INVALID_JSON_DESCRIPTION).
            match json::parse(text) {
                Ok(state) => lone_state_machine(&state),
                Err(_) => text.to_string(),
            }
        }
    };
    let outcome = definition::parse(&full_text);
    let first_error = outcome.diagnostics.iter().find(|d| d.severity == Severity::Error);
    let machine = match (outcome.machine, first_error) {
        (Some(m), None) => m,
        (_, Some(d)) => {
            let at = if d.pointer.is_empty() { String::new() } else { format!(" at {}", d.pointer) };
            return Err(ApiError::new("InvalidDefinition", format!("Invalid State Machine Definition: '{}: {}{at}'", d.code, d.message)));
        }
        (None, None) => return Err(ApiError::new("InvalidDefinition", "Invalid State Machine Definition")),
    };
    let name = state_name.unwrap_or(LONE_STATE_NAME);
    match machine.state_id(name) {
        Some(id) => Ok((machine, id)),
        None => Err(invalid("State not found in definition")),
    }
}

/// `{"StartAt": "StateName", "States": {"StateName": state, <target>: {"Type": "Succeed"}, …}}`.
fn lone_state_machine(state: &Value) -> String {
    let mut targets: Vec<Rc<str>> = Vec::new();
    let mut add = |v: Option<&Value>| {
        if let Some(Value::String(s)) = v {
            if &**s != LONE_STATE_NAME && !targets.contains(s) {
                targets.push(s.clone());
            }
        }
    };
    add(state.get("Next"));
    add(state.get("Default"));
    for list in ["Choices", "Catch"] {
        if let Some(items) = state.get(list).and_then(Value::as_array) {
            for item in items.iter() {
                add(item.get("Next"));
            }
        }
    }
    let mut states = Map::default();
    states.insert(Rc::from(LONE_STATE_NAME), state.clone());
    for t in targets {
        let mut stand_in = Map::default();
        stand_in.insert(Rc::from("Type"), Value::from("Succeed"));
        states.insert(t, Value::object(stand_in));
    }
    let mut machine = Map::default();
    machine.insert(Rc::from("StartAt"), Value::from(LONE_STATE_NAME));
    machine.insert(Rc::from("States"), Value::object(states));
    Value::object(machine).to_json()
}

/// A mock read: its outcome, `result` as sent, and how its result is validated (`None`: not at all).
type ReadMock = (Option<MockOutcome>, Option<String>, Option<shapes::Mode>);

fn read_mock(m: &Value) -> Result<ReadMock, ApiError> {
    let result = m.get("result").filter(|v| !matches!(v, Value::Null));
    let error_output = m.get("errorOutput").filter(|v| !matches!(v, Value::Null));
    let mode = match m.get("fieldValidationMode") {
        None | Some(Value::Null) => Some(shapes::Mode::Strict),
        Some(Value::String(s)) if &**s == "STRICT" => Some(shapes::Mode::Strict),
        Some(Value::String(s)) if &**s == "PRESENT" => Some(shapes::Mode::Present),
        Some(Value::String(s)) if &**s == "NONE" => None,
        Some(other) => {
            return Err(invalid(format!(
                "1 validation error detected: Value '{}' at 'mock.fieldValidationMode' failed to satisfy constraint: Member must satisfy enum value set: [STRICT, PRESENT, NONE]",
                match other { Value::String(s) => s.to_string(), v => v.to_json() }
            )))
        }
    };
    match (result, error_output) {
        (Some(_), Some(_)) => Err(invalid("A test mock should have only one of the following fields: [result, errorOutput].")),
        (Some(Value::String(text)), None) => match json::parse(text) {
            Ok(v) => Ok((Some(MockOutcome::Return(v)), Some(text.to_string()), mode)),
            Err(_) => Err(invalid("Mocked result must be valid JSON")),
        },
        (Some(_), None) => Err(invalid("Mocked result must be valid JSON")),
        (None, Some(e)) => {
            let field = |k: &str| e.get(k).and_then(Value::as_str).map(Rc::from);
            Ok((Some(MockOutcome::Throw { error: field("error"), cause: field("cause") }), None, None))
        }
        (None, None) => Err(invalid("A test mock should have one of the following fields: [result, errorOutput].")),
    }
}

/// The context object a caller may give: AWS's fields only, with their types.
fn check_context(c: &Value, kind: &StateKind) -> Result<(), ApiError> {
    let bad = |m: String| invalid(format!("Invalid Context object provided: {m}"));
    let Some(top) = c.as_object() else { return Err(bad("Context object must be a JSON object".into())) };
    let fields: &[(&str, &[(&str, &str)])] = &[
        (
            "Execution",
            &[
                ("Id", "string"),
                ("Input", "any"),
                ("Name", "string"),
                ("RoleArn", "string"),
                ("StartTime", "string"),
                ("RedriveCount", "number"),
                ("RedriveTime", "string"),
            ],
        ),
        ("State", &[("EnteredTime", "string"), ("Name", "string"), ("RetryCount", "number")]),
        ("StateMachine", &[("Id", "string"), ("Name", "string")]),
        ("Task", &[("Token", "string")]),
    ];
    for (key, value) in top.iter() {
        if &**key == "Map" {
            return Err(bad("'Map' field is not supported when mocking a Context object".into()));
        }
        let Some((_, members)) = fields.iter().find(|(k, _)| *k == &**key) else {
            return Err(bad(format!("Field '{key}' is not allowed")));
        };
        let Some(obj) = value.as_object() else { return Err(bad(format!("{key} must be an object"))) };
        for (member, v) in obj.iter() {
            let Some((_, ty)) = members.iter().find(|(m, _)| *m == &**member) else {
                return Err(bad(format!("Field '{key}.{member}' is not allowed")));
            };
            let ok = match *ty {
                "string" => matches!(v, Value::String(_)),
                "number" => matches!(v, Value::Number(_)),
                _ => true,
            };
            if !ok {
                return Err(bad(format!("{key}.{member} must be a {ty}")));
            }
        }
    }
    if top.get("Task").is_some() {
        let token_task = matches!(kind, StateKind::Task(t) if matches!(t.resource,
            Resource::Integration { pattern: IntegrationPattern::Sync | IntegrationPattern::WaitForTaskToken, .. }));
        if !token_task {
            return Err(bad(
                "Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern"
                    .into(),
            ));
        }
    }
    Ok(())
}
