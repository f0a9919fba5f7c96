//! Task states: the call to the (mocked) service and the events AWS records for it.
//!
//! A task run goes Schedule → Start → (Submit, for `.sync` and `.waitForTaskToken`) →
//! Await the mock's outcome on the virtual clock, or External: paused until the caller
//! answers with the task token. Timeouts and heartbeats shorten a mocked latency into
//! `States.Timeout` / `States.HeartbeatTimeout`. The event family follows the resource:
//! `LambdaFunction…` for a bare Lambda ARN, `Activity…` for an activity, `Task…` for an
//! integration. The result then goes through the data-flow stages (`dataflow`).

use super::dataflow::opt;
use super::thread::{Active, Flow, Step, Turn};
use super::{Execution, ThreadId};
use crate::definition::{IntegrationPattern, Resource, State, TaskState};
use crate::history::EventKind;
use crate::mocks::MockOutcome;
use crate::query::Failure;
use crate::value::{Map, Value};
use std::rc::Rc;

/// AWS's default task timeout when none is given.
const DEFAULT_TASK_TIMEOUT: u64 = 99_999_999;

/// A Task state's call in progress.
pub(crate) struct TaskRun {
    pub(super) phase: TaskPhase,
    pub(super) effective: Value,
    pub(super) timeout: u64,
    pub(super) heartbeat: Option<u64>,
    pub(super) token: Option<Rc<str>>,
    /// `Credentials.RoleArn` as evaluated (recorded as `taskCredentials`).
    pub(super) role_arn: Option<Value>,
}

pub(super) enum TaskPhase {
    Schedule,
    Start,
    /// `output`: the mock's `Submitted` response, if it gave one.
    Submit {
        then: Box<TaskPhase>,
        output: Option<Value>,
    },
    Await {
        outcome: Result<Value, Failure>,
        at: i64,
        timed_out: bool,
    },
    /// Waiting for an answer from outside (a task token, an unmocked call, an activity's
    /// worker), with the virtual instants at which its timeout and heartbeat expire.
    /// `unstarted`: an activity no worker has taken yet (no `ActivityStarted` so far).
    External {
        kind: &'static str,
        timeout_at: i64,
        heartbeat_at: Option<i64>,
        unstarted: bool,
    },
    /// A worker took the activity (it answered or sent a heartbeat): `ActivityStarted`, then `then`.
    WorkerStarted {
        then: Box<TaskPhase>,
    },
}

impl Execution {
    /// The task's input and settings, evaluated on entry and on each retry.
    pub(super) fn task_body(&mut self, tid: ThreadId, a: &mut Active, st: &State, t: &TaskState) -> Result<(), Failure> {
        let raw = a.input.clone();
        let effective = self.apply_path(tid, a, &st.input_path, &raw)?;
        self.record_stage(a, "afterInputPath", &effective);
        let token = if matches!(t.resource, Resource::Activity { .. })
            || matches!(t.resource, Resource::Integration { pattern: IntegrationPattern::WaitForTaskToken | IntegrationPattern::Sync, .. })
        {
            let tok = a.ctx.token.clone().unwrap_or_else(|| Rc::from(self.new_token()));
            a.ctx.token = Some(tok.clone());
            Some(tok)
        } else {
            None
        };
        let params = match (&t.parameters, self.is_jsonata(a)) {
            (Some(args), true) => {
                let v = self.jsonata(tid, a, args, "Arguments", None, None)?;
                self.record_stage(a, "afterArguments", &v);
                v
            }
            (_, true) => effective.clone(),
            _ => {
                let v = self.template(tid, a, &t.parameters, &effective)?;
                if t.parameters.is_some() {
                    self.record_stage(a, "afterParameters", &v);
                }
                v
            }
        };
        let timeout = match &t.timeout_seconds {
            None => DEFAULT_TASK_TIMEOUT,
            Some(src) => self.number_source(tid, a, src, &effective, "TimeoutSecondsPath")?,
        };
        let heartbeat = match &t.heartbeat_seconds {
            None => None,
            Some(src) => Some(self.number_source(tid, a, src, &effective, "HeartbeatSecondsPath")?),
        };
        let role_arn = match &t.credentials {
            None => None,
            Some(c) => {
                let creds = if self.is_jsonata(a) {
                    self.jsonata(tid, a, c, "Credentials", None, None)?
                } else {
                    self.template(tid, a, &t.credentials, &effective)?
                };
                creds.get("RoleArn").cloned()
            }
        };
        a.step = Step::Task(Box::new(TaskRun { phase: TaskPhase::Schedule, effective: params, timeout, heartbeat, token, role_arn }));
        Ok(())
    }

    /// One turn of the task's call.
    pub(super) fn task_step(&mut self, tid: ThreadId, a: &mut Active, task: &TaskState, mut t: Box<TaskRun>) -> Turn {
        let machine = self.machine.clone();
        let st = &machine.states[a.state];
        let (rt, res) = resource_names(&task.resource);
        let phase = std::mem::replace(&mut t.phase, TaskPhase::Schedule);
        match phase {
            TaskPhase::Schedule => {
                let kind = match &task.resource {
                    Resource::LambdaFunction { arn } => {
                        EventKind::LambdaFunctionScheduled(Box::new(crate::history::LambdaFunctionScheduledDetails {
                            resource: Rc::from(arn.as_str()),
                            input: t.effective.clone(),
                            timeout_in_seconds: task.timeout_seconds.as_ref().map(|_| t.timeout),
                            role_arn: t.role_arn.clone(),
                        }))
                    }
                    Resource::Activity { arn } => EventKind::ActivityScheduled(Box::new(crate::history::ActivityScheduledDetails {
                        resource: Rc::from(arn.as_str()),
                        input: t.effective.clone(),
                        timeout_in_seconds: task.timeout_seconds.as_ref().map(|_| t.timeout),
                        heartbeat_in_seconds: t.heartbeat,
                    })),
                    Resource::Integration { .. } => EventKind::TaskScheduled(Box::new(crate::history::TaskScheduledDetails {
                        resource_type: rt.clone(),
                        resource: res.clone(),
                        region: Rc::from(self.options.region.as_str()),
                        parameters: t.effective.clone(),
                        timeout_in_seconds: task.timeout_seconds.as_ref().map(|_| t.timeout),
                        heartbeat_in_seconds: t.heartbeat,
                        role_arn: t.role_arn.clone(),
                    })),
                };
                self.emit(tid, kind);
                t.phase = TaskPhase::Start;
                // An activity no worker has taken records nothing more until one does: its
                // token is live from ActivityScheduled on (so an answer replays at that event).
                if matches!(task.resource, Resource::Activity { .. }) && self.activity_waits_for_worker(tid, &st.name, self.mock_calls[a.state]) {
                    return self.task_step(tid, a, task, t);
                }
                a.step = Step::Task(t);
                Turn::Stay(Flow::Yield)
            }
            TaskPhase::Start => {
                // Call the (mocked) service.
                let call = self.mock_calls[a.state];
                self.mock_calls[a.state] += 1;
                let submits =
                    matches!(task.resource, Resource::Integration { pattern: IntegrationPattern::WaitForTaskToken | IntegrationPattern::Sync, .. });
                let response = self.mock_response(tid, &st.name, call);
                // With no mock, an S3 SDK call acts on the in-memory S3 (`unmocked`: its outcome).
                let mut unmocked = if response.is_none() { self.unmocked_s3(&task.resource, &t.effective) } else { None };
                if response.is_none() && unmocked.is_none() && self.names_without_response(tid, &st.name) {
                    let cause = format!("The mocks have no response for call {} of the state '{}' (calls count from 0).", call, st.name);
                    unmocked = Some(Err(Failure::runtime(cause)));
                }
                // An activity starts when a worker takes it: a mock at once, else whoever answers.
                let unstarted = matches!(task.resource, Resource::Activity { .. }) && response.is_none() && unmocked.is_none();
                let kind = match &task.resource {
                    Resource::LambdaFunction { .. } => Some(EventKind::LambdaFunctionStarted),
                    Resource::Activity { .. } if unstarted => None,
                    Resource::Activity { .. } => Some(EventKind::ActivityStarted { worker_name: Some(Rc::from("asl-sim")) }),
                    Resource::Integration { .. } => Some(EventKind::TaskStarted { state: a.state as u32 }),
                };
                if let Some(kind) = kind {
                    self.emit(tid, kind);
                }
                let submitted = response.as_ref().and_then(|r| r.submitted.clone());
                let next = match (response, unmocked) {
                    (None, Some(outcome)) => TaskPhase::Await { outcome, at: self.clock, timed_out: false },
                    (Some(resp), _) => {
                        let mut outcome = match resp.outcome {
                            MockOutcome::Return(v) => Ok(self.wrap_payload(&st.name, &task.resource, v)),
                            MockOutcome::Throw { error, cause } => {
                                let mut f = Failure::reported(error.as_deref(), cause.as_deref());
                                // A timeout's cause is empty, never missing.
                                f.cause_absent &= !matches!(f.error.as_str(), "States.Timeout" | "States.HeartbeatTimeout");
                                Err(f)
                            }
                        };
                        let delay = resp.delay_seconds;
                        let mut after = delay;
                        let mut timed_out = false;
                        if let Some(hb) = t.heartbeat {
                            if hb < after && hb < t.timeout {
                                after = hb;
                                outcome = Err(Failure::timeout(true));
                                timed_out = true;
                            }
                        }
                        if t.timeout < after {
                            after = t.timeout;
                            outcome = Err(Failure::timeout(false));
                            timed_out = true;
                        }
                        let at = self.clock.saturating_add((after as i64).saturating_mul(1000));
                        TaskPhase::Await { outcome, at, timed_out }
                    }
                    (None, None) => {
                        let token = match &t.token {
                            Some(tok) => tok.to_string(),
                            None => {
                                let tok = self.new_token();
                                t.token = Some(Rc::from(tok.as_str()));
                                tok
                            }
                        };
                        self.pending.push((token, tid));
                        let kind = match &task.resource {
                            Resource::Activity { .. } => "activity",
                            Resource::Integration { pattern: IntegrationPattern::WaitForTaskToken, .. } => "taskToken",
                            _ => "mock",
                        };
                        let timeout_at = self.seconds_from_now(t.timeout);
                        let heartbeat_at = t.heartbeat.map(|hb| self.seconds_from_now(hb));
                        self.set_external_timer(timeout_at, tid);
                        if let Some(at) = heartbeat_at {
                            self.set_external_timer(at, tid);
                        }
                        TaskPhase::External { kind, timeout_at, heartbeat_at, unstarted }
                    }
                };
                t.phase = if submits { TaskPhase::Submit { then: Box::new(next), output: submitted } } else { next };
                let flow = flow_after(&t.phase);
                a.step = Step::Task(t);
                Turn::Stay(flow)
            }
            TaskPhase::Submit { then, output } => {
                let output = output.unwrap_or_else(|| {
                    let mut out = Map::default();
                    out.insert(Rc::from("SdkHttpMetadata"), Value::empty_object());
                    Value::object(out)
                });
                self.emit(tid, EventKind::TaskSubmitted { state: a.state as u32, output });
                t.phase = *then;
                let flow = flow_after(&t.phase);
                a.step = Step::Task(t);
                Turn::Stay(flow)
            }
            TaskPhase::WorkerStarted { then } => {
                self.emit(tid, EventKind::ActivityStarted { worker_name: None });
                t.phase = *then;
                let flow = flow_after(&t.phase);
                a.step = Step::Task(t);
                Turn::Stay(flow)
            }
            TaskPhase::External { kind, timeout_at, heartbeat_at, unstarted } => {
                // Woken by one of its timers: a timer that has passed ends the wait.
                let missed_heartbeat = heartbeat_at.is_some_and(|at| at <= self.clock) && heartbeat_at < Some(timeout_at);
                if self.clock < timeout_at && !missed_heartbeat {
                    t.phase = TaskPhase::External { kind, timeout_at, heartbeat_at, unstarted };
                    a.step = Step::Task(t);
                    return Turn::Stay(Flow::Block);
                }
                self.pending.retain(|(_, waiting)| *waiting != tid);
                t.phase = TaskPhase::Await { outcome: Err(Failure::timeout(missed_heartbeat)), at: self.clock, timed_out: true };
                a.step = Step::Task(t);
                Turn::Stay(Flow::Again)
            }
            TaskPhase::Await { outcome, at, timed_out } => {
                if self.clock < at {
                    t.phase = TaskPhase::Await { outcome, at, timed_out };
                    a.step = Step::Task(t);
                    self.set_timer(at, tid);
                    return Turn::Stay(Flow::Block);
                }
                let timed_out = timed_out || matches!(&outcome, Err(f) if f.error == "States.Timeout" || f.error == "States.HeartbeatTimeout");
                let kind = match (&outcome, &task.resource) {
                    (Ok(v), Resource::LambdaFunction { .. }) => EventKind::LambdaFunctionSucceeded { output: v.clone() },
                    (Ok(v), Resource::Activity { .. }) => EventKind::ActivitySucceeded { output: v.clone() },
                    (Ok(v), Resource::Integration { .. }) => EventKind::TaskSucceeded { state: a.state as u32, output: v.clone() },
                    (Err(f), r) => {
                        let (error, cause) = (opt(&f.error), opt(&f.cause));
                        match r {
                            Resource::LambdaFunction { .. } => EventKind::LambdaFunctionError(Box::new(crate::history::LambdaFunctionErrorDetails {
                                event_type: if timed_out { "LambdaFunctionTimedOut" } else { "LambdaFunctionFailed" },
                                error,
                                cause,
                            })),
                            Resource::Activity { .. } => EventKind::ActivityError(Box::new(crate::history::ActivityErrorDetails {
                                event_type: if timed_out { "ActivityTimedOut" } else { "ActivityFailed" },
                                error,
                                cause,
                            })),
                            Resource::Integration { .. } => EventKind::TaskError(Box::new(crate::history::TaskErrorDetails {
                                event_type: if timed_out { "TaskTimedOut" } else { "TaskFailed" },
                                resource_type: rt,
                                resource: res,
                                error,
                                cause,
                            })),
                        }
                    }
                };
                self.emit(tid, kind);
                match outcome {
                    Ok(result) => match self.result_stages(tid, a, &task.result_selector, &task.result_path, result) {
                        Ok((output, assigned)) => a.step = Step::Exit { output, next: task.transition, assigned },
                        Err(f) => a.step = Step::Error(f),
                    },
                    Err(f) => a.step = Step::Error(f),
                }
                Turn::Stay(Flow::Yield)
            }
        }
    }

    fn wrap_payload(&self, state: &str, resource: &Resource, v: Value) -> Value {
        let is_invoke = matches!(resource, Resource::Integration { resource_type, resource, pattern: IntegrationPattern::RequestResponse, .. }
            if resource_type == "lambda" && resource == "invoke");
        if !is_invoke || !self.mocks().is_inline(state) || v.get("Payload").is_some() {
            return v;
        }
        let mut m = Map::default();
        m.insert(Rc::from("ExecutedVersion"), Value::from("$LATEST"));
        m.insert(Rc::from("Payload"), v);
        let mut http = Map::default();
        http.insert(Rc::from("HttpStatusCode"), Value::int(200));
        m.insert(Rc::from("SdkHttpMetadata"), Value::object(http));
        m.insert(Rc::from("SdkResponseMetadata"), Value::empty_object());
        m.insert(Rc::from("StatusCode"), Value::int(200));
        Value::object(m)
    }
}

impl Execution {
    /// A state the mocks name but with no response for this call fails the execution, as
    /// Step Functions Local does (instead of waiting for an answer).
    fn names_without_response(&self, tid: ThreadId, state: &str) -> bool {
        !self.tests(tid) && self.mocks().has(state)
    }

    /// Whether an activity's call `call` has no mocked answer: it waits for a worker.
    fn activity_waits_for_worker(&self, tid: ThreadId, state: &str, call: usize) -> bool {
        self.mock_response(tid, state, call).is_none() && !self.names_without_response(tid, state)
    }
}

/// After an event: a task left waiting for the outside world blocks, any other yields.
fn flow_after(phase: &TaskPhase) -> Flow {
    if matches!(phase, TaskPhase::External { .. }) {
        Flow::Block
    } else {
        Flow::Yield
    }
}

/// The resource type and name a `Task…` event records (only the name for Lambda and activities).
fn resource_names(r: &Resource) -> (Rc<str>, Rc<str>) {
    match r {
        Resource::Integration { resource_type, resource, .. } => (Rc::from(resource_type.as_str()), Rc::from(resource.as_str())),
        Resource::LambdaFunction { arn } | Resource::Activity { arn } => (Rc::from(""), Rc::from(arn.as_str())),
    }
}
