//! AWS-shaped history events (GetExecutionHistory).
//!
//! Events hold values by reference; the JSON shape AWS returns is built only
//! when someone asks for it ([`Event::to_value`]), so recording history costs
//! little in the step loop.

use crate::definition::StateMachine;
use crate::value::{Map, Value};
use std::borrow::Cow;
use std::rc::Rc;

/// The events of an execution, in order. A run keeps every event, so this layout is
/// most of a long run's memory, and it keeps only what does not follow from the events
/// before:
/// - each event's [`Slot`] (8 bytes), in fixed-size chunks, so a long history grows
///   without copying what it holds or doubling its memory while it does;
/// - the value an event carries (a state's input or output, a task's result) once per
///   run of events carrying the same node: one state's output is the next one's input;
/// - a timestamp when the clock has moved, and a previous event id when it is not the
///   event just before (branches and iterations interleaving);
/// - the other kinds (rare: starts, failures, task details) as they are.
///
/// An event's id is its position + 1.
#[derive(Clone, Debug, Default)]
pub struct History {
    slots: Vec<Vec<Slot>>,
    len: usize,
    /// `(position, value)` of each value-carrying event whose value is not the node the
    /// one before carried.
    values: Vec<(u32, Value)>,
    /// `(position, timestamp)` of the first event and of each event at a new time.
    times: Vec<(u32, i64)>,
    /// `(position, previous event id)` of each event not preceded by the one before it.
    links: Vec<(u32, u32)>,
    others: Vec<EventKind>,
}

/// How one event is stored: the kinds that carry only a state and a value keep the value
/// in [`History`]'s `values`; any other kind is kept whole in `others`.
#[derive(Clone, Copy, Debug)]
enum Slot {
    StateEntered(u32),
    StateExited(u32),
    TaskSubmitted(u32),
    TaskSucceeded(u32),
    ExecutionSucceeded,
    LambdaFunctionSucceeded,
    ActivitySucceeded,
    Other(u32),
}

impl Slot {
    /// The slot of a kind that carries a value, with the value; any other kind back.
    #[inline]
    fn split(kind: EventKind) -> Result<(Slot, Value), EventKind> {
        Ok(match kind {
            EventKind::StateEntered { state, input } => (Slot::StateEntered(state), input),
            EventKind::StateExited { state, output } => (Slot::StateExited(state), output),
            EventKind::TaskSubmitted { state, output } => (Slot::TaskSubmitted(state), output),
            EventKind::TaskSucceeded { state, output } => (Slot::TaskSucceeded(state), output),
            EventKind::ExecutionSucceeded { output } => (Slot::ExecutionSucceeded, output),
            EventKind::LambdaFunctionSucceeded { output } => (Slot::LambdaFunctionSucceeded, output),
            EventKind::ActivitySucceeded { output } => (Slot::ActivitySucceeded, output),
            other => return Err(other),
        })
    }
}

const CHUNK: usize = 1 << 16;

impl History {
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Record the next event (its id is [`History::len`] + 1 before the call).
    pub fn push(&mut self, previous_event_id: u32, timestamp: i64, kind: EventKind) {
        let at = self.len as u32;
        if self.times.last().is_none_or(|&(_, t)| t != timestamp) {
            self.times.push((at, timestamp));
        }
        if previous_event_id != at {
            self.links.push((at, previous_event_id));
        }
        let slot = match Slot::split(kind) {
            Ok((slot, v)) => {
                if !self.values.last().is_some_and(|(_, last)| last.same(&v)) {
                    self.values.push((at, v));
                }
                slot
            }
            Err(other) => {
                self.others.push(other);
                Slot::Other(self.others.len() as u32 - 1)
            }
        };
        match self.slots.last_mut() {
            Some(c) if c.len() < CHUNK => c.push(slot),
            _ => {
                let mut c = Vec::with_capacity(CHUNK);
                c.push(slot);
                self.slots.push(c);
            }
        }
        self.len += 1;
    }
    fn slot(&self, i: usize) -> Option<Slot> {
        self.slots.get(i / CHUNK)?.get(i % CHUNK).copied()
    }
    /// The event a slot stands for; `value` is the value it carries, if its kind carries one.
    fn kind(&self, slot: Slot, value: impl FnOnce() -> Value) -> Cow<'_, EventKind> {
        Cow::Owned(match slot {
            Slot::StateEntered(state) => EventKind::StateEntered { state, input: value() },
            Slot::StateExited(state) => EventKind::StateExited { state, output: value() },
            Slot::TaskSubmitted(state) => EventKind::TaskSubmitted { state, output: value() },
            Slot::TaskSucceeded(state) => EventKind::TaskSucceeded { state, output: value() },
            Slot::ExecutionSucceeded => EventKind::ExecutionSucceeded { output: value() },
            Slot::LambdaFunctionSucceeded => EventKind::LambdaFunctionSucceeded { output: value() },
            Slot::ActivitySucceeded => EventKind::ActivitySucceeded { output: value() },
            Slot::Other(k) => return Cow::Borrowed(&self.others[k as usize]),
        })
    }
    pub fn get(&self, i: usize) -> Option<Event<'_>> {
        let slot = self.slot(i)?;
        let at = i as u32;
        let timestamp = self.times[self.times.partition_point(|&(p, _)| p <= at) - 1].1;
        let previous_event_id = match self.links.binary_search_by_key(&at, |&(p, _)| p) {
            Ok(k) => self.links[k].1,
            Err(_) => at,
        };
        let kind = self.kind(slot, || self.values[self.values.partition_point(|&(p, _)| p <= at) - 1].1.clone());
        Some(Event { id: at + 1, previous_event_id, timestamp, kind })
    }
    pub fn last(&self) -> Option<Event<'_>> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }
    pub fn iter(&self) -> Events<'_> {
        self.iter_from(0)
    }
    /// The events from position `from` (0-based) on.
    pub fn iter_from(&self, from: usize) -> Events<'_> {
        let at = from.min(self.len) as u32;
        Events {
            history: self,
            at,
            time: self.times.partition_point(|&(p, _)| p <= at).saturating_sub(1),
            value: self.values.partition_point(|&(p, _)| p <= at).saturating_sub(1),
            link: self.links.partition_point(|&(p, _)| p < at),
        }
    }
}

/// The events of a [`History`] from some position on. Cursors into its values, times
/// and links make each step constant work.
pub struct Events<'a> {
    history: &'a History,
    at: u32,
    time: usize,
    value: usize,
    link: usize,
}

impl<'a> Iterator for Events<'a> {
    type Item = Event<'a>;
    fn next(&mut self) -> Option<Event<'a>> {
        let h = self.history;
        let slot = h.slot(self.at as usize)?;
        let at = self.at;
        while h.times.get(self.time + 1).is_some_and(|&(p, _)| p <= at) {
            self.time += 1;
        }
        while h.values.get(self.value + 1).is_some_and(|&(p, _)| p <= at) {
            self.value += 1;
        }
        let previous_event_id = match h.links.get(self.link) {
            Some(&(p, prev)) if p == at => {
                self.link += 1;
                prev
            }
            _ => at,
        };
        let kind = h.kind(slot, || h.values[self.value].1.clone());
        self.at += 1;
        Some(Event { id: at + 1, previous_event_id, timestamp: h.times[self.time].1, kind })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.history.len - (self.at as usize).min(self.history.len);
        (n, Some(n))
    }
}

/// One history event, as read from a [`History`]. `id` is 1-based and equals its position.
#[derive(Clone, Debug)]
pub struct Event<'a> {
    pub id: u32,
    pub previous_event_id: u32,
    /// Virtual time, milliseconds since the Unix epoch.
    pub timestamp: i64,
    pub kind: Cow<'a, EventKind>,
}

/// What happened, with the details AWS records for it.
#[derive(Clone, Debug)]
pub enum EventKind {
    ExecutionStarted(Box<ExecutionStartedDetails>),
    ExecutionSucceeded {
        output: Value,
    },
    ExecutionFailed(Box<ErrorCause>),
    ExecutionAborted(Box<ErrorCause>),
    ExecutionTimedOut(Box<ErrorCause>),
    /// `{Type}StateEntered`
    StateEntered {
        state: u32,
        input: Value,
    },
    /// `{Type}StateExited` of a state that assigns no variables
    StateExited {
        state: u32,
        output: Value,
    },
    /// `{Type}StateExited` with `assignedVariables` (boxed: it would make every event larger)
    AssignedStateExited(Box<AssignedExit>),
    /// `MapStateStarted` (length), `ParallelStateStarted`
    MapStateStarted {
        length: usize,
    },
    ParallelStateStarted,
    /// `{Map,Parallel}State{Succeeded,Failed,Aborted}`, `TaskStateAborted`, `WaitStateAborted`: no details
    Lifecycle {
        event_type: &'static str,
    },
    MapIteration {
        event_type: &'static str,
        state: u32,
        index: u32,
    },
    MapRunStarted {
        map_run_arn: Rc<str>,
    },
    MapRunFailed(Box<ErrorCause>),
    TaskScheduled(Box<TaskScheduledDetails>),
    /// Task events name their state; `resourceType`/`resource` come from its `Resource`.
    TaskStarted {
        state: u32,
    },
    TaskSubmitted {
        state: u32,
        output: Value,
    },
    TaskSucceeded {
        state: u32,
        output: Value,
    },
    /// `TaskFailed`, `TaskTimedOut`, `TaskStartFailed`, `TaskSubmitFailed`
    TaskError(Box<TaskErrorDetails>),
    LambdaFunctionScheduled(Box<LambdaFunctionScheduledDetails>),
    LambdaFunctionStarted,
    LambdaFunctionSucceeded {
        output: Value,
    },
    /// `LambdaFunctionFailed`, `LambdaFunctionTimedOut`, …
    LambdaFunctionError(Box<LambdaFunctionErrorDetails>),
    ActivityScheduled(Box<ActivityScheduledDetails>),
    ActivityStarted {
        /// The worker's name, when it gave one (GetActivityTask's `workerName`).
        worker_name: Option<Rc<str>>,
    },
    ActivitySucceeded {
        output: Value,
    },
    /// `ActivityFailed`, `ActivityTimedOut`, `ActivityScheduleFailed`
    ActivityError(Box<ActivityErrorDetails>),
    EvaluationFailed(Box<EvaluationFailedDetails>),
}

/// The state types, as history event names spell them (`PassStateEntered`): the model's
/// own, kept under this name for code that found it here.
pub use crate::definition::StateType;

impl EventKind {
    /// The event type AWS uses (`PassStateEntered`, `TaskScheduled`, …).
    pub fn type_name(&self, machine: &StateMachine) -> String {
        match self {
            EventKind::StateEntered { state, .. } => format!("{}StateEntered", machine.states[*state as usize].kind.type_name()),
            EventKind::StateExited { state, .. } => format!("{}StateExited", machine.states[*state as usize].kind.type_name()),
            EventKind::AssignedStateExited(x) => format!("{}StateExited", machine.states[x.state as usize].kind.type_name()),
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
            EventKind::StateEntered { .. } | EventKind::StateExited { .. } | EventKind::AssignedStateExited(..) => "",
            EventKind::MapStateStarted { .. } => "MapStateStarted",
            EventKind::ParallelStateStarted => "ParallelStateStarted",
            EventKind::Lifecycle { event_type } => event_type,
            EventKind::MapIteration { event_type, .. } => event_type,
            EventKind::MapRunStarted { .. } => "MapRunStarted",
            EventKind::MapRunFailed { .. } => "MapRunFailed",
            EventKind::TaskScheduled(..) => "TaskScheduled",
            EventKind::TaskStarted { .. } => "TaskStarted",
            EventKind::TaskSubmitted { .. } => "TaskSubmitted",
            EventKind::TaskSucceeded { .. } => "TaskSucceeded",
            EventKind::TaskError(d) => d.event_type,
            EventKind::LambdaFunctionScheduled(..) => "LambdaFunctionScheduled",
            EventKind::LambdaFunctionStarted => "LambdaFunctionStarted",
            EventKind::LambdaFunctionSucceeded { .. } => "LambdaFunctionSucceeded",
            EventKind::LambdaFunctionError(d) => d.event_type,
            EventKind::ActivityScheduled(..) => "ActivityScheduled",
            EventKind::ActivityStarted { .. } => "ActivityStarted",
            EventKind::ActivitySucceeded { .. } => "ActivitySucceeded",
            EventKind::ActivityError(d) => d.event_type,
            EventKind::EvaluationFailed(..) => "EvaluationFailed",
        }
    }

    /// The state name this event is about, when it names one.
    pub fn state_name<'m>(&'m self, machine: &'m StateMachine) -> Option<&'m str> {
        match self {
            EventKind::StateEntered { state, .. } | EventKind::StateExited { state, .. } | EventKind::MapIteration { state, .. } => {
                Some(&machine.states[*state as usize].name)
            }
            EventKind::AssignedStateExited(x) => Some(&machine.states[x.state as usize].name),
            EventKind::EvaluationFailed(d) => Some(&d.state),
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

impl Event<'_> {
    /// The event as GetExecutionHistory returns it: `timestamp`, `type`, `id`,
    /// `previousEventId` and the details object under AWS's key for the type.
    pub fn to_value(&self, machine: &StateMachine) -> Value {
        let name = |state: &u32| Value::String(machine.states[*state as usize].name.clone());
        let task = |state: &u32| -> (Rc<str>, Rc<str>) {
            match &machine.states[*state as usize].kind {
                crate::definition::StateKind::Task(t) => match &t.resource {
                    crate::definition::Resource::Integration { resource_type, resource, .. } => {
                        (Rc::from(resource_type.as_str()), Rc::from(resource.as_str()))
                    }
                    other => (Rc::from(""), Rc::from(other.arn())),
                },
                _ => (Rc::from(""), Rc::from("")),
            }
        };
        let mut m = Map::new();
        put(&mut m, "timestamp", s(&crate::time::format_context_timestamp(self.timestamp)));
        put(&mut m, "type", Value::from(self.kind.type_name(machine)));
        put(&mut m, "id", Value::int(self.id as i64));
        put(&mut m, "previousEventId", Value::int(self.previous_event_id as i64));
        let mut d = Map::new();
        let key: &str = match &*self.kind {
            EventKind::ExecutionStarted(x) => {
                let ExecutionStartedDetails { input, role_arn } = &**x;
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
            EventKind::ExecutionFailed(x) => {
                put_opt(&mut d, "error", &x.error);
                put_opt(&mut d, "cause", &x.cause);
                "executionFailedEventDetails"
            }
            EventKind::ExecutionAborted(x) => {
                put_opt(&mut d, "error", &x.error);
                put_opt(&mut d, "cause", &x.cause);
                "executionAbortedEventDetails"
            }
            EventKind::ExecutionTimedOut(x) => {
                put_opt(&mut d, "error", &x.error);
                put_opt(&mut d, "cause", &x.cause);
                "executionTimedOutEventDetails"
            }
            EventKind::StateEntered { state, input } => {
                put(&mut d, "name", name(state));
                put(&mut d, "input", text(input));
                put(&mut d, "inputDetails", details_truncated());
                "stateEnteredEventDetails"
            }
            EventKind::StateExited { state, output } => {
                put(&mut d, "name", name(state));
                put(&mut d, "output", text(output));
                put(&mut d, "outputDetails", details_truncated());
                "stateExitedEventDetails"
            }
            EventKind::AssignedStateExited(x) => {
                put(&mut d, "name", name(&x.state));
                put(&mut d, "output", text(&x.output));
                put(&mut d, "outputDetails", details_truncated());
                let vars: Map = x.assigned.iter().map(|(k, v)| (k.clone(), text(v))).collect();
                put(&mut d, "assignedVariables", Value::object(vars));
                put(&mut d, "assignedVariablesDetails", details_truncated());
                "stateExitedEventDetails"
            }
            EventKind::MapStateStarted { length } => {
                put(&mut d, "length", Value::int(*length as i64));
                "mapStateStartedEventDetails"
            }
            EventKind::ParallelStateStarted | EventKind::Lifecycle { .. } | EventKind::LambdaFunctionStarted => "",
            EventKind::MapIteration { event_type, state, index } => {
                put(&mut d, "name", name(state));
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
            EventKind::MapRunFailed(x) => {
                put_opt(&mut d, "error", &x.error);
                put_opt(&mut d, "cause", &x.cause);
                "mapRunFailedEventDetails"
            }
            EventKind::TaskScheduled(details) => {
                let TaskScheduledDetails { resource_type, resource, region, parameters, timeout_in_seconds, heartbeat_in_seconds, role_arn } =
                    &**details;
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
            EventKind::TaskStarted { state } => {
                let (resource_type, resource) = task(state);
                put(&mut d, "resourceType", Value::String(resource_type.clone()));
                put(&mut d, "resource", Value::String(resource.clone()));
                "taskStartedEventDetails"
            }
            EventKind::TaskSubmitted { state, output } | EventKind::TaskSucceeded { state, output } => {
                let (resource_type, resource) = task(state);
                put(&mut d, "resourceType", Value::String(resource_type.clone()));
                put(&mut d, "resource", Value::String(resource.clone()));
                put(&mut d, "output", text(output));
                put(&mut d, "outputDetails", details_truncated());
                if matches!(*self.kind, EventKind::TaskSubmitted { .. }) {
                    "taskSubmittedEventDetails"
                } else {
                    "taskSucceededEventDetails"
                }
            }
            EventKind::TaskError(details) => {
                let TaskErrorDetails { event_type, resource_type, resource, error, cause } = &**details;
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
            EventKind::LambdaFunctionScheduled(details) => {
                let LambdaFunctionScheduledDetails { resource, input, timeout_in_seconds, role_arn } = &**details;
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
            EventKind::LambdaFunctionError(details) => {
                let LambdaFunctionErrorDetails { event_type, error, cause } = &**details;
                put_opt(&mut d, "error", error);
                put_opt(&mut d, "cause", cause);
                match *event_type {
                    "LambdaFunctionFailed" => "lambdaFunctionFailedEventDetails",
                    "LambdaFunctionTimedOut" => "lambdaFunctionTimedOutEventDetails",
                    "LambdaFunctionStartFailed" => "lambdaFunctionStartFailedEventDetails",
                    _ => "lambdaFunctionScheduleFailedEventDetails",
                }
            }
            EventKind::ActivityScheduled(details) => {
                let ActivityScheduledDetails { resource, input, timeout_in_seconds, heartbeat_in_seconds } = &**details;
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
                if let Some(name) = worker_name {
                    put(&mut d, "workerName", Value::String(name.clone()));
                }
                "activityStartedEventDetails"
            }
            EventKind::ActivitySucceeded { output } => {
                put(&mut d, "output", text(output));
                put(&mut d, "outputDetails", details_truncated());
                "activitySucceededEventDetails"
            }
            EventKind::ActivityError(details) => {
                let ActivityErrorDetails { event_type, error, cause } = &**details;
                put_opt(&mut d, "error", error);
                put_opt(&mut d, "cause", cause);
                match *event_type {
                    "ActivityFailed" => "activityFailedEventDetails",
                    "ActivityTimedOut" => "activityTimedOutEventDetails",
                    _ => "activityScheduleFailedEventDetails",
                }
            }
            EventKind::EvaluationFailed(details) => {
                let EvaluationFailedDetails { error, cause, location, state } = &**details;
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

#[cfg(test)]
mod size_tests {
    #[test]
    fn event_size() {
        // A run keeps every event's slot, so its size is most of a long run's memory
        // (6M events in pass_loop at N = 1M).
        assert_eq!(std::mem::size_of::<super::Slot>(), 8);
        assert_eq!(std::mem::size_of::<super::EventKind>(), 32);
    }

    #[test]
    fn times_and_links_are_kept_only_where_they_change() {
        use super::{EventKind, History};
        let mut h = History::default();
        let kinds = [(0, 5), (1, 5), (2, 7), (1, 7), (4, 7), (3, 9)];
        for &(prev, t) in &kinds {
            h.push(prev, t, EventKind::ParallelStateStarted);
        }
        assert_eq!((h.times.len(), h.links.len()), (3, 2));
        let all: Vec<(u32, u32, i64)> = h.iter().map(|e| (e.id, e.previous_event_id, e.timestamp)).collect();
        assert_eq!(all, vec![(1, 0, 5), (2, 1, 5), (3, 2, 7), (4, 1, 7), (5, 4, 7), (6, 3, 9)]);
        for from in 0..=kinds.len() {
            let tail: Vec<(u32, u32, i64)> = h.iter_from(from).map(|e| (e.id, e.previous_event_id, e.timestamp)).collect();
            assert_eq!(tail, all[from..].to_vec(), "from {from}");
            if from < kinds.len() {
                let e = h.get(from).unwrap();
                assert_eq!((e.id, e.previous_event_id, e.timestamp), all[from]);
            }
        }
        assert!(h.get(kinds.len()).is_none());
        assert_eq!(h.last().unwrap().id, 6);
    }

    #[test]
    fn a_value_is_kept_once_per_run_of_events_carrying_it() {
        use super::{EventKind, History};
        use crate::value::Value;
        let a = crate::json::parse(r#"{"a":1}"#).unwrap();
        let b = crate::json::parse(r#"{"a":1}"#).unwrap();
        let mut h = History::default();
        let kinds = [
            EventKind::StateEntered { state: 0, input: a.clone() },
            EventKind::StateExited { state: 0, output: a.clone() },
            EventKind::ParallelStateStarted,
            EventKind::StateEntered { state: 1, input: a.clone() },
            EventKind::TaskSucceeded { state: 1, output: b.clone() },
            EventKind::ExecutionSucceeded { output: Value::Null },
        ];
        for (i, k) in kinds.iter().enumerate() {
            h.push(i as u32, 0, k.clone());
        }
        assert_eq!(h.values.len(), 3, "a, then b (equal but another node), then null");
        assert_eq!(h.others.len(), 1);
        let carried = |k: &EventKind| match k {
            EventKind::StateEntered { state, input: v }
            | EventKind::StateExited { state, output: v }
            | EventKind::TaskSucceeded { state, output: v } => Some((*state, v.clone())),
            EventKind::ExecutionSucceeded { output } => Some((u32::MAX, output.clone())),
            _ => None,
        };
        for from in 0..kinds.len() {
            for (e, want) in h.iter_from(from).zip(&kinds[from..]) {
                let (got, want) = (carried(&e.kind), carried(want));
                assert_eq!(got.as_ref().map(|g| g.0), want.as_ref().map(|w| w.0));
                if let (Some((_, g)), Some((_, w))) = (got, want) {
                    assert!(g.same(&w), "event {} carries its own node", e.id);
                }
                let one = h.get(e.id as usize - 1).unwrap();
                assert_eq!(carried(&one.kind).map(|c| c.1.to_json()), carried(&e.kind).map(|c| c.1.to_json()));
            }
        }
        assert!(matches!(*h.get(2).unwrap().kind, EventKind::ParallelStateStarted));
    }
}

/// The `error` and `cause` of an execution's or Map Run's end (boxed: rare).
#[derive(Clone, Debug)]
pub struct ErrorCause {
    pub error: Option<Rc<str>>,
    pub cause: Option<Rc<str>>,
}

impl ErrorCause {
    pub fn boxed(error: Option<Rc<str>>, cause: Option<Rc<str>>) -> Box<ErrorCause> {
        Box::new(ErrorCause { error, cause })
    }
}

/// Details of [`EventKind::ExecutionStarted`] (boxed: once per execution).
#[derive(Clone, Debug)]
pub struct ExecutionStartedDetails {
    pub input: Value,
    pub role_arn: Rc<str>,
}

/// A `…StateExited` that carries `assignedVariables`.
#[derive(Clone, Debug)]
pub struct AssignedExit {
    pub state: u32,
    pub output: Value,
    pub assigned: Rc<Map>,
}

/// Details of [`EventKind::TaskScheduled`] (boxed: rare, and large next to the other events).
#[derive(Clone, Debug)]
pub struct TaskScheduledDetails {
    pub resource_type: Rc<str>,
    pub resource: Rc<str>,
    pub region: Rc<str>,
    pub parameters: Value,
    pub timeout_in_seconds: Option<u64>,
    pub heartbeat_in_seconds: Option<u64>,
    pub role_arn: Option<Value>,
}

/// Details of [`EventKind::TaskError`] (boxed: rare, and large next to the other events).
#[derive(Clone, Debug)]
pub struct TaskErrorDetails {
    pub event_type: &'static str,
    pub resource_type: Rc<str>,
    pub resource: Rc<str>,
    pub error: Option<Rc<str>>,
    pub cause: Option<Rc<str>>,
}

/// Details of [`EventKind::LambdaFunctionScheduled`] (boxed: rare, and large next to the other events).
#[derive(Clone, Debug)]
pub struct LambdaFunctionScheduledDetails {
    pub resource: Rc<str>,
    pub input: Value,
    pub timeout_in_seconds: Option<u64>,
    pub role_arn: Option<Value>,
}

/// Details of [`EventKind::ActivityScheduled`] (boxed: rare, and large next to the other events).
#[derive(Clone, Debug)]
pub struct ActivityScheduledDetails {
    pub resource: Rc<str>,
    pub input: Value,
    pub timeout_in_seconds: Option<u64>,
    pub heartbeat_in_seconds: Option<u64>,
}

/// Details of [`EventKind::EvaluationFailed`] (boxed: rare, and large next to the other events).
#[derive(Clone, Debug)]
pub struct EvaluationFailedDetails {
    pub error: Rc<str>,
    pub cause: Rc<str>,
    pub location: Rc<str>,
    pub state: Rc<str>,
}

/// Details of [`EventKind::LambdaFunctionError`] (boxed: rare).
#[derive(Clone, Debug)]
pub struct LambdaFunctionErrorDetails {
    pub event_type: &'static str,
    pub error: Option<Rc<str>>,
    pub cause: Option<Rc<str>>,
}

/// Details of [`EventKind::ActivityError`] (boxed: rare).
#[derive(Clone, Debug)]
pub struct ActivityErrorDetails {
    pub event_type: &'static str,
    pub error: Option<Rc<str>>,
    pub cause: Option<Rc<str>>,
}
