//! AWS-shaped history events (GetExecutionHistory).
//!
//! Events hold values by reference; the JSON shape AWS returns is built only
//! when someone asks for it ([`Event::to_value`]), so recording history costs
//! little in the step loop.

use crate::value::{Map, Value};
use std::rc::Rc;

/// One history event. `id` is 1-based and equals its position in the history.
#[derive(Clone, Debug)]
pub struct Event {
    pub id: u64,
    pub previous_event_id: u64,
    /// Virtual time, milliseconds since the Unix epoch.
    pub timestamp: i64,
    pub kind: EventKind,
}

/// What happened, with the details AWS records for it.
#[derive(Clone, Debug)]
pub enum EventKind {
    ExecutionStarted { input: Value, role_arn: Rc<str> },
    ExecutionSucceeded { output: Value },
    ExecutionFailed { error: Option<Rc<str>>, cause: Option<Rc<str>> },
    ExecutionAborted { error: Option<Rc<str>>, cause: Option<Rc<str>> },
    ExecutionTimedOut { error: Option<Rc<str>>, cause: Option<Rc<str>> },
    /// `{Type}StateEntered`
    StateEntered { state_type: &'static str, name: Rc<str>, input: Value },
    /// `{Type}StateExited`
    StateExited { state_type: &'static str, name: Rc<str>, output: Value, assigned: Option<Rc<Map>> },
    /// `MapStateStarted` (length), `ParallelStateStarted`
    MapStateStarted { length: usize },
    ParallelStateStarted,
    /// `{Map,Parallel}State{Succeeded,Failed,Aborted}`, `TaskStateAborted`, `WaitStateAborted`: no details
    Lifecycle { event_type: &'static str },
    MapIteration { event_type: &'static str, name: Rc<str>, index: usize },
    MapRunStarted { map_run_arn: Rc<str> },
    MapRunFailed { error: Option<Rc<str>>, cause: Option<Rc<str>> },
    TaskScheduled {
        resource_type: Rc<str>,
        resource: Rc<str>,
        region: Rc<str>,
        parameters: Value,
        timeout_in_seconds: Option<u64>,
        heartbeat_in_seconds: Option<u64>,
        role_arn: Option<Value>,
    },
    TaskStarted { resource_type: Rc<str>, resource: Rc<str> },
    TaskSubmitted { resource_type: Rc<str>, resource: Rc<str>, output: Value },
    TaskSucceeded { resource_type: Rc<str>, resource: Rc<str>, output: Value },
    /// `TaskFailed`, `TaskTimedOut`, `TaskStartFailed`, `TaskSubmitFailed`
    TaskError { event_type: &'static str, resource_type: Rc<str>, resource: Rc<str>, error: Option<Rc<str>>, cause: Option<Rc<str>> },
    LambdaFunctionScheduled { resource: Rc<str>, input: Value, timeout_in_seconds: Option<u64>, role_arn: Option<Value> },
    LambdaFunctionStarted,
    LambdaFunctionSucceeded { output: Value },
    /// `LambdaFunctionFailed`, `LambdaFunctionTimedOut`, …
    LambdaFunctionError { event_type: &'static str, error: Option<Rc<str>>, cause: Option<Rc<str>> },
    ActivityScheduled { resource: Rc<str>, input: Value, timeout_in_seconds: Option<u64>, heartbeat_in_seconds: Option<u64> },
    ActivityStarted { worker_name: Rc<str> },
    ActivitySucceeded { output: Value },
    /// `ActivityFailed`, `ActivityTimedOut`, `ActivityScheduleFailed`
    ActivityError { event_type: &'static str, error: Option<Rc<str>>, cause: Option<Rc<str>> },
    EvaluationFailed { error: Rc<str>, cause: Rc<str>, location: Rc<str>, state: Rc<str> },
}

impl EventKind {
    /// The event type AWS uses (`PassStateEntered`, `TaskScheduled`, …).
    pub fn type_name(&self) -> String {
        match self {
            EventKind::StateEntered { state_type, .. } => format!("{}StateEntered", state_type),
            EventKind::StateExited { state_type, .. } => format!("{}StateExited", state_type),
            other => other.static_type().to_string(),
        }
    }

    fn static_type(&self) -> &'static str {
        match self {
            EventKind::ExecutionStarted { .. } => "ExecutionStarted",
            EventKind::ExecutionSucceeded { .. } => "ExecutionSucceeded",
            EventKind::ExecutionFailed { .. } => "ExecutionFailed",
            EventKind::ExecutionAborted { .. } => "ExecutionAborted",
            EventKind::ExecutionTimedOut { .. } => "ExecutionTimedOut",
            EventKind::StateEntered { .. } | EventKind::StateExited { .. } => "",
            EventKind::MapStateStarted { .. } => "MapStateStarted",
            EventKind::ParallelStateStarted => "ParallelStateStarted",
            EventKind::Lifecycle { event_type } => event_type,
            EventKind::MapIteration { event_type, .. } => event_type,
            EventKind::MapRunStarted { .. } => "MapRunStarted",
            EventKind::MapRunFailed { .. } => "MapRunFailed",
            EventKind::TaskScheduled { .. } => "TaskScheduled",
            EventKind::TaskStarted { .. } => "TaskStarted",
            EventKind::TaskSubmitted { .. } => "TaskSubmitted",
            EventKind::TaskSucceeded { .. } => "TaskSucceeded",
            EventKind::TaskError { event_type, .. } => event_type,
            EventKind::LambdaFunctionScheduled { .. } => "LambdaFunctionScheduled",
            EventKind::LambdaFunctionStarted => "LambdaFunctionStarted",
            EventKind::LambdaFunctionSucceeded { .. } => "LambdaFunctionSucceeded",
            EventKind::LambdaFunctionError { event_type, .. } => event_type,
            EventKind::ActivityScheduled { .. } => "ActivityScheduled",
            EventKind::ActivityStarted { .. } => "ActivityStarted",
            EventKind::ActivitySucceeded { .. } => "ActivitySucceeded",
            EventKind::ActivityError { event_type, .. } => event_type,
            EventKind::EvaluationFailed { .. } => "EvaluationFailed",
        }
    }

    /// The state name this event is about, when it names one.
    pub fn state_name(&self) -> Option<&str> {
        match self {
            EventKind::StateEntered { name, .. } | EventKind::StateExited { name, .. } | EventKind::MapIteration { name, .. } => Some(name),
            EventKind::EvaluationFailed { state, .. } => Some(state),
            _ => None,
        }
    }
}

fn s(v: &str) -> Value {
    Value::string(v)
}
fn text(v: &Value) -> Value {
    Value::from(v.to_json())
}
fn details_truncated() -> Value {
    let mut m = Map::new();
    m.insert(Rc::from("truncated"), Value::Bool(false));
    Value::object(m)
}
fn put(m: &mut Map, k: &str, v: Value) {
    m.insert(Rc::from(k), v);
}
fn put_opt(m: &mut Map, k: &str, v: &Option<Rc<str>>) {
    if let Some(v) = v {
        m.insert(Rc::from(k), Value::String(v.clone()));
    }
}

impl Event {
    /// The event as GetExecutionHistory returns it: `timestamp`, `type`, `id`,
    /// `previousEventId` and the details object under AWS's key for the type.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        put(&mut m, "timestamp", s(&crate::engine::clock::format_timestamp(self.timestamp)));
        put(&mut m, "type", Value::from(self.kind.type_name()));
        put(&mut m, "id", Value::int(self.id as i64));
        put(&mut m, "previousEventId", Value::int(self.previous_event_id as i64));
        let mut d = Map::new();
        let key: &str = match &self.kind {
            EventKind::ExecutionStarted { input, role_arn } => {
                put(&mut d, "input", text(input));
                put(&mut d, "inputDetails", details_truncated());
                put(&mut d, "roleArn", Value::String(role_arn.clone()));
                "executionStartedEventDetails"
            }
            EventKind::ExecutionSucceeded { output } => {
                put(&mut d, "output", text(output));
                put(&mut d, "outputDetails", details_truncated());
                "executionSucceededEventDetails"
            }
            EventKind::ExecutionFailed { error, cause } => {
                put_opt(&mut d, "error", error);
                put_opt(&mut d, "cause", cause);
                "executionFailedEventDetails"
            }
            EventKind::ExecutionAborted { error, cause } => {
                put_opt(&mut d, "error", error);
                put_opt(&mut d, "cause", cause);
                "executionAbortedEventDetails"
            }
            EventKind::ExecutionTimedOut { error, cause } => {
                put_opt(&mut d, "error", error);
                put_opt(&mut d, "cause", cause);
                "executionTimedOutEventDetails"
            }
            EventKind::StateEntered { name, input, .. } => {
                put(&mut d, "name", Value::String(name.clone()));
                put(&mut d, "input", text(input));
                put(&mut d, "inputDetails", details_truncated());
                "stateEnteredEventDetails"
            }
            EventKind::StateExited { name, output, assigned, .. } => {
                put(&mut d, "name", Value::String(name.clone()));
                put(&mut d, "output", text(output));
                put(&mut d, "outputDetails", details_truncated());
                if let Some(a) = assigned {
                    let vars: Map = a.iter().map(|(k, v)| (k.clone(), text(v))).collect();
                    put(&mut d, "assignedVariables", Value::object(vars));
                    put(&mut d, "assignedVariablesDetails", details_truncated());
                }
                "stateExitedEventDetails"
            }
            EventKind::MapStateStarted { length } => {
                put(&mut d, "length", Value::int(*length as i64));
                "mapStateStartedEventDetails"
            }
            EventKind::ParallelStateStarted | EventKind::Lifecycle { .. } | EventKind::LambdaFunctionStarted => "",
            EventKind::MapIteration { event_type, name, index } => {
                put(&mut d, "name", Value::String(name.clone()));
                put(&mut d, "index", Value::int(*index as i64));
                match *event_type {
                    "MapIterationStarted" => "mapIterationStartedEventDetails",
                    "MapIterationSucceeded" => "mapIterationSucceededEventDetails",
                    "MapIterationFailed" => "mapIterationFailedEventDetails",
                    _ => "mapIterationAbortedEventDetails",
                }
            }
            EventKind::MapRunStarted { map_run_arn } => {
                put(&mut d, "mapRunArn", Value::String(map_run_arn.clone()));
                "mapRunStartedEventDetails"
            }
            EventKind::MapRunFailed { error, cause } => {
                put_opt(&mut d, "error", error);
                put_opt(&mut d, "cause", cause);
                "mapRunFailedEventDetails"
            }
            EventKind::TaskScheduled { resource_type, resource, region, parameters, timeout_in_seconds, heartbeat_in_seconds, role_arn } => {
                put(&mut d, "resourceType", Value::String(resource_type.clone()));
                put(&mut d, "resource", Value::String(resource.clone()));
                put(&mut d, "region", Value::String(region.clone()));
                put(&mut d, "parameters", text(parameters));
                if let Some(t) = timeout_in_seconds {
                    put(&mut d, "timeoutInSeconds", Value::int(*t as i64));
                }
                if let Some(h) = heartbeat_in_seconds {
                    put(&mut d, "heartbeatInSeconds", Value::int(*h as i64));
                }
                if let Some(r) = role_arn {
                    let mut c = Map::new();
                    put(&mut c, "roleArn", r.clone());
                    put(&mut d, "taskCredentials", Value::object(c));
                }
                "taskScheduledEventDetails"
            }
            EventKind::TaskStarted { resource_type, resource } => {
                put(&mut d, "resourceType", Value::String(resource_type.clone()));
                put(&mut d, "resource", Value::String(resource.clone()));
                "taskStartedEventDetails"
            }
            EventKind::TaskSubmitted { resource_type, resource, output } | EventKind::TaskSucceeded { resource_type, resource, output } => {
                put(&mut d, "resourceType", Value::String(resource_type.clone()));
                put(&mut d, "resource", Value::String(resource.clone()));
                put(&mut d, "output", text(output));
                put(&mut d, "outputDetails", details_truncated());
                if matches!(self.kind, EventKind::TaskSubmitted { .. }) {
                    "taskSubmittedEventDetails"
                } else {
                    "taskSucceededEventDetails"
                }
            }
            EventKind::TaskError { event_type, resource_type, resource, error, cause } => {
                put(&mut d, "resourceType", Value::String(resource_type.clone()));
                put(&mut d, "resource", Value::String(resource.clone()));
                put_opt(&mut d, "error", error);
                put_opt(&mut d, "cause", cause);
                match *event_type {
                    "TaskFailed" => "taskFailedEventDetails",
                    "TaskTimedOut" => "taskTimedOutEventDetails",
                    "TaskStartFailed" => "taskStartFailedEventDetails",
                    _ => "taskSubmitFailedEventDetails",
                }
            }
            EventKind::LambdaFunctionScheduled { resource, input, timeout_in_seconds, role_arn } => {
                put(&mut d, "resource", Value::String(resource.clone()));
                put(&mut d, "input", text(input));
                put(&mut d, "inputDetails", details_truncated());
                if let Some(t) = timeout_in_seconds {
                    put(&mut d, "timeoutInSeconds", Value::int(*t as i64));
                }
                if let Some(r) = role_arn {
                    let mut c = Map::new();
                    put(&mut c, "roleArn", r.clone());
                    put(&mut d, "taskCredentials", Value::object(c));
                }
                "lambdaFunctionScheduledEventDetails"
            }
            EventKind::LambdaFunctionSucceeded { output } => {
                put(&mut d, "output", text(output));
                put(&mut d, "outputDetails", details_truncated());
                "lambdaFunctionSucceededEventDetails"
            }
            EventKind::LambdaFunctionError { event_type, error, cause } => {
                put_opt(&mut d, "error", error);
                put_opt(&mut d, "cause", cause);
                match *event_type {
                    "LambdaFunctionFailed" => "lambdaFunctionFailedEventDetails",
                    "LambdaFunctionTimedOut" => "lambdaFunctionTimedOutEventDetails",
                    "LambdaFunctionStartFailed" => "lambdaFunctionStartFailedEventDetails",
                    _ => "lambdaFunctionScheduleFailedEventDetails",
                }
            }
            EventKind::ActivityScheduled { resource, input, timeout_in_seconds, heartbeat_in_seconds } => {
                put(&mut d, "resource", Value::String(resource.clone()));
                put(&mut d, "input", text(input));
                put(&mut d, "inputDetails", details_truncated());
                if let Some(t) = timeout_in_seconds {
                    put(&mut d, "timeoutInSeconds", Value::int(*t as i64));
                }
                if let Some(h) = heartbeat_in_seconds {
                    put(&mut d, "heartbeatInSeconds", Value::int(*h as i64));
                }
                "activityScheduledEventDetails"
            }
            EventKind::ActivityStarted { worker_name } => {
                put(&mut d, "workerName", Value::String(worker_name.clone()));
                "activityStartedEventDetails"
            }
            EventKind::ActivitySucceeded { output } => {
                put(&mut d, "output", text(output));
                put(&mut d, "outputDetails", details_truncated());
                "activitySucceededEventDetails"
            }
            EventKind::ActivityError { event_type, error, cause } => {
                put_opt(&mut d, "error", error);
                put_opt(&mut d, "cause", cause);
                match *event_type {
                    "ActivityFailed" => "activityFailedEventDetails",
                    "ActivityTimedOut" => "activityTimedOutEventDetails",
                    _ => "activityScheduleFailedEventDetails",
                }
            }
            EventKind::EvaluationFailed { error, cause, location, state } => {
                put(&mut d, "error", Value::String(error.clone()));
                put(&mut d, "cause", Value::String(cause.clone()));
                put(&mut d, "location", Value::String(location.clone()));
                put(&mut d, "state", Value::String(state.clone()));
                "evaluationFailedEventDetails"
            }
        };
        if !key.is_empty() {
            put(&mut m, key, Value::object(d));
        }
        Value::object(m)
    }
}
