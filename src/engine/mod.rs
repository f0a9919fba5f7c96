//! The simulator: an execution as a discrete-event simulation on a virtual clock.
//!
//! An [`Execution`] holds threads of work (the top level, each Parallel
//! branch, each Map iteration), a run queue and a timer queue. [`Execution::step`]
//! takes the thread at the front of the run queue and advances it until it
//! records exactly one history event; when nothing can run, the clock jumps to
//! the earliest timer. Waits, retry back-off, mocked latency and timeouts are
//! all timers. Everything is a function of the definition, input, mocks,
//! seed and start time, so runs are reproducible byte for byte.

mod body;
mod children;
mod choice;
pub mod clock;
mod context;
mod dataflow;
mod distributed;
mod external;
mod handling;
mod item_reader;
mod recovery;
mod result_writer;
mod s3_tasks;
mod single;
mod task;
mod thread;
mod timers;

/// The parts of `$$` fixed for a whole execution (TestState starts from them too).
pub(crate) use context::base as context_base;
pub use handling::FailureHandling;
pub use single::{StateTest, StateTestOutcome, TestStatus};

pub use crate::definition::ExecutionType;
use crate::definition::{StateId, StateMachine};
use crate::history::{ErrorCause, EventKind, History};
use crate::mocks::Mocks;
use crate::rng::{self, Rng};
use crate::s3::S3;
use crate::value::{Map, Value};
pub use recovery::matches_error;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::{BinaryHeap, VecDeque};
use std::rc::Rc;

/// AWS's limit on history events per execution.
pub const DEFAULT_MAX_EVENTS: usize = 25_000;
/// The most history events any execution may record, whatever `Options::max_events`
/// asks for: a larger limit is taken as this one. About 1.4 GB of history natively (and
/// within wasm32's 4 GiB), so an endless loop under a raised limit ends in seconds
/// instead of running until memory runs out; the benchmarks' longest run records 6
/// million events.
pub const MAX_EVENTS: usize = 10_000_000;
/// A STANDARD execution's maximum duration: one year (AWS's quotas page).
pub const MAX_STANDARD_SECONDS: u64 = 365 * 24 * 3600;
/// An EXPRESS execution's maximum duration: five minutes.
pub const MAX_EXPRESS_SECONDS: u64 = 300;
/// AWS's limit on a state's input or output, in bytes of JSON text.
pub const MAX_PAYLOAD_BYTES: usize = 262_144;
/// The most work one `step()` may do without recording an event, in units of one event
/// of a child execution (a distributed Map's iteration, recorded elsewhere) plus one per
/// 16 KiB of the input of the state it belongs to; beyond, the execution fails
/// (`States.Runtime`). Each child execution also stops at the event limit, as any
/// execution does. Measured natively in release, a looping child spends this budget in
/// about 1.5 s, so no step freezes a page for long; a distributed Map over 10,000 items
/// whose iterations record 50 events each fits.
pub const STEP_WORK_BUDGET: u64 = 500_000;

/// Everything besides the definition and input that decides an execution.
#[derive(Clone, Debug)]
pub struct Options {
    pub seed: u64,
    /// Start time, milliseconds since the Unix epoch.
    pub start_time: i64,
    /// The history event limit (AWS's is 25,000): reaching it fails the execution with
    /// `States.Runtime`. At least 2, and at most [`MAX_EVENTS`].
    pub max_events: usize,
    pub mocks: Mocks,
    pub region: String,
    pub account: String,
    pub state_machine_name: String,
    pub execution_name: String,
    /// The in-memory S3 the run starts with (ItemReader, ResultWriter, `aws-sdk:s3` tasks).
    pub s3: S3,
    /// STANDARD or EXPRESS semantics (duration limit, execution ARN, `$$`).
    pub execution_type: ExecutionType,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            seed: 0,
            start_time: clock::DEFAULT_START,
            max_events: DEFAULT_MAX_EVENTS,
            mocks: Mocks::none(),
            region: "us-east-1".into(),
            account: "123456789012".into(),
            state_machine_name: "StateMachine".into(),
            execution_name: "execution".into(),
            s3: S3::new(),
            execution_type: ExecutionType::Standard,
        }
    }
}

impl Options {
    pub fn state_machine_arn(&self) -> String {
        format!("arn:aws:states:{}:{}:stateMachine:{}", self.region, self.account, self.state_machine_name)
    }
    /// `…:execution:MACHINE:NAME`, or for an Express execution `…:express:MACHINE:NAME:ID`
    /// (the id a UUID drawn from the seed).
    pub fn execution_arn(&self) -> String {
        let (region, account, machine, name) = (&self.region, &self.account, &self.state_machine_name, &self.execution_name);
        match self.execution_type {
            ExecutionType::Standard => format!("arn:aws:states:{region}:{account}:execution:{machine}:{name}"),
            ExecutionType::Express => {
                let id = rng::uuid_v4(rng::mix(self.seed ^ 0x45_5850_5245_5353), rng::mix(self.seed.wrapping_add(rng::GAMMA)));
                format!("arn:aws:states:{region}:{account}:express:{machine}:{name}:{id}")
            }
        }
    }
    /// The longest an execution may run: a year for STANDARD, five minutes for EXPRESS.
    pub fn max_duration_seconds(&self) -> u64 {
        match self.execution_type {
            ExecutionType::Standard => MAX_STANDARD_SECONDS,
            ExecutionType::Express => MAX_EXPRESS_SECONDS,
        }
    }
    /// The event limit in force: `max_events` within 2 ..= [`MAX_EVENTS`].
    pub fn event_limit(&self) -> usize {
        self.max_events.clamp(2, MAX_EVENTS)
    }
    pub fn role_arn(&self) -> String {
        format!("arn:aws:iam::{}:role/StepFunctionsRole", self.account)
    }
}

/// Misuse of the API (not a problem of the definition or the execution).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ApiError {
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { code, message: message.into() }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// An execution's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Running,
    Paused,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "RUNNING",
            Status::Paused => "PAUSED",
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::TimedOut => "TIMED_OUT",
            Status::Aborted => "ABORTED",
        }
    }
    pub fn is_finished(self) -> bool {
        !matches!(self, Status::Running | Status::Paused)
    }
}

/// What a paused execution waits for.
#[derive(Clone, Debug, Serialize)]
pub struct WaitingFor {
    pub state: String,
    /// `mock`, `taskToken`, `activity` or `breakpoint`
    pub kind: &'static str,
    pub token: String,
    pub input: Value,
}

/// The result of `step`, `run`, `run_until` and `step_back`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepReport {
    /// The events recorded by this call, in GetExecutionHistory shape (`step`, `step_back`;
    /// `run` and `run_until` leave it empty and say how many in `new_events`, since a run can
    /// record thousands: read them with `history`).
    pub events: Vec<Value>,
    /// How many events this call recorded.
    pub new_events: usize,
    /// How many events the history holds now.
    pub event_count: usize,
    pub status: &'static str,
    /// Names of the states active now (outer Map/Parallel states included).
    pub active: Vec<String>,
    /// The virtual time, ISO-8601.
    pub clock: String,
    pub waiting_for: Vec<WaitingFor>,
}

/// A validated state machine with its options, ready to start executions.
pub struct Simulator {
    machine: Rc<StateMachine>,
    options: Rc<Options>,
}

impl Simulator {
    /// Parse and validate `definition`; errors are the diagnostics (warnings are kept out).
    pub fn new(definition: &str, options: Options) -> Result<Simulator, Vec<crate::definition::Diagnostic>> {
        let outcome = crate::definition::parse(definition);
        match outcome.machine {
            Some(machine) => Ok(Simulator { machine: Rc::new(machine), options: Rc::new(options) }),
            None => Err(outcome.diagnostics),
        }
    }

    /// A simulator over an already validated machine.
    pub fn from_machine(machine: StateMachine, options: Options) -> Simulator {
        Simulator { machine: Rc::new(machine), options: Rc::new(options) }
    }

    /// A simulator over a validated machine shared with the caller.
    pub fn from_shared(machine: Rc<StateMachine>, options: Options) -> Simulator {
        Simulator { machine, options: Rc::new(options) }
    }

    pub fn machine(&self) -> &StateMachine {
        &self.machine
    }

    /// A simulator over the same validated machine with other options (parsed once, run
    /// under many mock sets: the test runner's cases).
    pub fn with_options(&self, options: Options) -> Simulator {
        Simulator { machine: self.machine.clone(), options: Rc::new(options) }
    }

    /// Start an execution with `input`.
    pub fn start(&self, input: Value) -> Result<Execution, ApiError> {
        if input.json_len() > MAX_PAYLOAD_BYTES {
            return Err(ApiError::new(
                "INVALID_EXECUTION_INPUT",
                format!("the execution input is {} bytes; AWS accepts at most {} bytes", input.json_len(), MAX_PAYLOAD_BYTES),
            ));
        }
        Ok(Execution::new(self.machine.clone(), self.options.clone(), input))
    }
}

/// Variables of one scope (the top level, a branch, an iteration), chained to the enclosing scope.
#[derive(Debug, Default)]
pub(crate) struct VarScope {
    pub vars: RefCell<Map>,
    pub parent: Option<Rc<VarScope>>,
}

impl VarScope {
    pub fn lookup(&self, name: &str) -> Option<Value> {
        if let Some(v) = self.vars.borrow().get(name) {
            return Some(v.clone());
        }
        self.parent.as_ref().and_then(|p| p.lookup(name))
    }
    pub fn is_empty_chain(&self) -> bool {
        self.vars.borrow().is_empty() && self.parent.as_ref().is_none_or(|p| p.is_empty_chain())
    }
    /// Every variable visible here, inner scopes shadowing outer ones.
    pub fn visible(&self) -> Map {
        let mut out = match &self.parent {
            Some(p) => p.visible(),
            None => Map::default(),
        };
        for (k, v) in self.vars.borrow().iter() {
            out.insert(k.clone(), v.clone());
        }
        out
    }
}

/// The data-flow stages of a state's latest run, for the inspector.
#[derive(Clone, Debug, Default)]
pub struct Inspection {
    pub stages: Vec<(&'static str, Value)>,
    pub variables: Option<Map>,
    /// The run's `$$` once it has exited (built when asked for).
    pub(crate) context: Option<context::StateContext>,
    pub matched_rule: Option<usize>,
    /// The `…StateEntered` event of the run shown: Map iterations and Parallel branches
    /// interleave, and only the latest entered run writes here.
    pub entered_event: u64,
}

pub(crate) type ThreadId = usize;

/// A running (or finished) execution.
pub struct Execution {
    pub(crate) machine: Rc<StateMachine>,
    pub(crate) options: Rc<Options>,
    pub(crate) input: Value,
    pub(crate) clock: i64,
    pub(crate) events: History,
    pub(crate) threads: Vec<thread::Thread>,
    pub(crate) runnable: VecDeque<ThreadId>,
    pub(crate) timers: BinaryHeap<std::cmp::Reverse<(i64, u64, ThreadId, u64)>>,
    /// Timers of tasks waiting for an answer (their timeouts and heartbeats). They fire in
    /// order with the others, but only an `advance_clock` jumps to one when nothing else is
    /// left: until then an answer may still come, so the execution pauses.
    pub(crate) external_timers: BinaryHeap<std::cmp::Reverse<(i64, u64, ThreadId, u64)>>,
    pub(crate) timer_seq: u64,
    pub(crate) rng: Rng,
    pub(crate) status: Status,
    pub(crate) output: Option<Value>,
    pub(crate) error: Option<Rc<str>>,
    pub(crate) cause: Option<Rc<str>>,
    /// Calls made so far to each Task state (its mock's call counter), by `StateId`.
    pub(crate) mock_calls: Vec<usize>,
    pub(crate) token_counter: u64,
    /// token → thread waiting for an answer
    pub(crate) pending: Vec<(String, ThreadId)>,
    pub(crate) inspections: Vec<Option<Box<Inspection>>>,
    pub(crate) context_base: Value,
    pub(crate) transitions: u64,
    externals: Vec<(usize, external::External)>,
    pub(crate) deadline: Option<i64>,
    /// How each failure was handled, in order (`failure_handling`).
    pub(crate) handled: Vec<handling::Handled>,
    /// A TestState run: one state, stopped where TestState answers (`single`).
    pub(crate) test: Option<Box<single::TestRun>>,
    /// The in-memory S3 as this run has changed it.
    pub(crate) s3: S3,
}

impl Execution {
    fn new(machine: Rc<StateMachine>, options: Rc<Options>, input: Value) -> Execution {
        let start = machine.root.start_at;
        Execution::starting_at(machine, options, input, start, Rc::new(VarScope::default()), None)
    }

    /// An execution whose top-level thread enters `start` with the variables of `vars`.
    fn starting_at(
        machine: Rc<StateMachine>,
        options: Rc<Options>,
        input: Value,
        start: StateId,
        vars: Rc<VarScope>,
        test: Option<Box<single::TestRun>>,
    ) -> Execution {
        let n = machine.states.len();
        // The machine's `TimeoutSeconds`, within the type's maximum duration.
        let limit = machine.timeout_seconds.unwrap_or(u64::MAX).min(options.max_duration_seconds());
        let deadline = Some(options.start_time.saturating_add((limit as i64).saturating_mul(1000)));
        let context_base = context::base(&options, &input);
        let mut ex = Execution {
            machine,
            clock: options.start_time,
            rng: Rng::new(options.seed),
            options,
            input: input.clone(),
            events: History::default(),
            threads: Vec::new(),
            runnable: VecDeque::new(),
            timers: BinaryHeap::new(),
            external_timers: BinaryHeap::new(),
            timer_seq: 0,
            status: Status::Running,
            output: None,
            error: None,
            cause: None,
            mock_calls: vec![0; n],
            token_counter: 0,
            pending: Vec::new(),
            inspections: (0..n).map(|_| None).collect(),
            context_base,
            transitions: 0,
            externals: Vec::new(),
            deadline,
            handled: Vec::new(),
            test,
            s3: S3::new(),
        };
        ex.s3 = ex.options.s3.clone();
        let role = Rc::from(ex.options.role_arn());
        ex.record(0, EventKind::ExecutionStarted(Box::new(crate::history::ExecutionStartedDetails { input: input.clone(), role_arn: role })));
        let tid = ex.spawn(None, vars, start, input, 0, None);
        ex.wake(tid);
        ex
    }

    pub(crate) fn record(&mut self, previous: u64, kind: EventKind) -> u64 {
        let id = self.events.len() as u64 + 1;
        if self.status.is_finished() && !is_execution_end(&kind) {
            // The execution ended at the event limit within this turn: nothing more is recorded.
            return id - 1;
        }
        // The last event the limit allows may end the execution (AWS: "if the event number
        // 25,000 is ExecutionSucceeded, the execution finishes successfully"); any other
        // event there is replaced by the execution's failure.
        if id as usize >= self.options.event_limit() && !is_execution_end(&kind) {
            let cause = format!("The execution reached the maximum number of history events ({}).", self.options.event_limit());
            self.finish(Status::Failed, Some(Rc::from("States.Runtime")), Some(Rc::from(cause.as_str())));
            let failed = EventKind::ExecutionFailed(ErrorCause::boxed(self.error.clone(), self.cause.clone()));
            self.events.push(id.saturating_sub(1) as u32, self.clock, failed);
            return id;
        }
        self.events.push(previous as u32, self.clock, kind);
        id
    }

    /// Advance by one history event. Returns the new events (one, or none when paused or finished).
    pub fn step(&mut self) -> StepReport {
        let before = self.events.len();
        self.step_inner();
        self.report(before, Vec::new())
    }

    fn step_inner(&mut self) {
        if self.status.is_finished() {
            return;
        }
        let before = self.events.len();
        if self.enforce_event_limit() {
            return;
        }
        // Work that records nothing (the events of a distributed Map's child executions) is
        // bounded too, so no step can spin for long: see `STEP_WORK_BUDGET`.
        let mut budget: u64 = STEP_WORK_BUDGET;
        loop {
            if self.status.is_finished() || self.events.len() > before {
                break;
            }
            budget = budget.saturating_sub(1);
            if budget == 0 {
                let prev = self.events.len() as u64;
                let cause = format!("The execution did {STEP_WORK_BUDGET} units of work (events of child executions, weighted by their input's size) without recording an event.");
                self.finish(Status::Failed, Some(Rc::from("States.Runtime")), Some(Rc::from(cause.as_str())));
                self.record(prev, EventKind::ExecutionFailed(ErrorCause::boxed(self.error.clone(), self.cause.clone())));
                break;
            }
            if let Some(tid) = self.runnable.pop_front() {
                if !self.threads[tid].alive {
                    continue;
                }
                if self.threads[tid].silent {
                    // Work on a large input costs more (JSONata converts it on every evaluation).
                    budget = budget.saturating_sub((self.threads[tid].input_bytes() / 16_384) as u64).max(1);
                }
                let produced_before = self.events.len();
                match self.advance(tid) {
                    thread::Requeue::Back => self.runnable.push_back(tid),
                    thread::Requeue::Front => self.runnable.push_front(tid),
                    thread::Requeue::No => {}
                }
                if self.events.len() > produced_before {
                    self.status = if self.status == Status::Paused { Status::Running } else { self.status };
                }
                continue;
            }
            // Nothing runnable: jump to the next timer.
            if !self.fire_next_timer(false) {
                if !self.pending.is_empty() {
                    self.status = Status::Paused;
                } else {
                    // Nothing can ever run again: an engine bug, reported rather than hung on.
                    let prev = self.events.len() as u64;
                    self.finish(
                        Status::Failed,
                        Some(Rc::from("States.Runtime")),
                        Some(Rc::from("Internal error: the execution cannot make progress.")),
                    );
                    self.record(prev, EventKind::ExecutionFailed(ErrorCause::boxed(self.error.clone(), self.cause.clone())));
                }
                break;
            }
        }
    }

    /// A history already at the limit records nothing more: the execution fails (reached only
    /// when `record` could not end it, kept as a guard).
    fn enforce_event_limit(&mut self) -> bool {
        if self.status.is_finished() || self.events.len() < self.options.event_limit() {
            return false;
        }
        let cause = format!("The execution reached the maximum number of history events ({}).", self.options.event_limit());
        self.finish(Status::Failed, Some(Rc::from("States.Runtime")), Some(Rc::from(cause.as_str())));
        true
    }

    pub(crate) fn finish(&mut self, status: Status, error: Option<Rc<str>>, cause: Option<Rc<str>>) {
        self.status = status;
        self.error = error;
        self.cause = cause;
        for t in &mut self.threads {
            t.alive = false;
        }
        self.runnable.clear();
        self.timers.clear();
        self.external_timers.clear();
        self.pending.clear();
    }

    /// Step until finished, paused, or `max_steps` events (unbounded when `None`).
    pub fn run(&mut self, max_steps: Option<u64>) -> StepReport {
        let before = self.events.len();
        let mut n = 0u64;
        while !self.status.is_finished() && max_steps.is_none_or(|m| n < m) {
            let len = self.events.len();
            self.step_inner();
            if self.events.len() == len {
                break;
            }
            n += 1;
        }
        self.summary(before, Vec::new())
    }

    /// Step until the next event would enter `state` (a breakpoint), or as `run` stops.
    pub fn run_until(&mut self, state: &str, max_steps: Option<u64>) -> StepReport {
        let before = self.events.len();
        let target = self.machine.state_id(state);
        let mut n = 0u64;
        while !self.status.is_finished() && max_steps.is_none_or(|m| n < m) {
            if let Some(target) = target {
                if n > 0 || self.events.len() > 1 {
                    if let Some(input) = self.next_enters(target) {
                        let bp = WaitingFor { state: state.to_string(), kind: "breakpoint", token: String::new(), input };
                        let mut r = self.summary(before, vec![bp]);
                        r.status = Status::Paused.as_str();
                        return r;
                    }
                }
            }
            let len = self.events.len();
            self.step_inner();
            if self.events.len() == len {
                break;
            }
            n += 1;
        }
        self.summary(before, Vec::new())
    }

    /// Go back one event by replaying the execution from the start.
    pub fn step_back(&mut self) -> StepReport {
        let target = self.events.len().saturating_sub(1).max(1);
        let mut fresh = Execution::new(self.machine.clone(), self.options.clone(), self.input.clone());
        let externals = std::mem::take(&mut self.externals);
        let mut next_ext = 0;
        while fresh.events.len() < target && !fresh.status.is_finished() {
            while next_ext < externals.len() && externals[next_ext].0 <= fresh.events.len() {
                let _ = fresh.apply_external(externals[next_ext].1.clone());
                next_ext += 1;
            }
            let len = fresh.events.len();
            fresh.step_inner();
            if fresh.events.len() == len && next_ext >= externals.len() {
                break;
            }
        }
        fresh.externals = externals.into_iter().filter(|(at, _)| *at < target).collect();
        *self = fresh;
        self.report(self.events.len(), Vec::new())
    }

    fn report(&self, before: usize, waiting: Vec<WaitingFor>) -> StepReport {
        let mut r = self.summary(before, waiting);
        r.events = self.events.iter_from(before).map(|e| e.to_value(&self.machine)).collect();
        r
    }

    /// A report without the event bodies.
    fn summary(&self, before: usize, mut waiting: Vec<WaitingFor>) -> StepReport {
        if waiting.is_empty() {
            waiting = self.waiting_for();
        }
        StepReport {
            events: Vec::new(),
            new_events: self.events.len().saturating_sub(before),
            event_count: self.events.len(),
            status: self.status.as_str(),
            active: self.active_states(),
            clock: crate::time::format_context_timestamp(self.clock),
            waiting_for: waiting,
        }
    }

    /// What the execution waits for from outside (empty unless paused on tasks).
    pub fn waiting_for(&self) -> Vec<WaitingFor> {
        self.pending
            .iter()
            .filter_map(|(token, tid)| {
                let t = &self.threads[*tid];
                let (state, kind, input) = t.waiting_info()?;
                Some(WaitingFor { state: self.machine.states[state].name.to_string(), kind, token: token.clone(), input })
            })
            .collect()
    }

    /// Names of active states, outermost first.
    pub fn active_states(&self) -> Vec<String> {
        let mut out = Vec::new();
        for t in &self.threads {
            if t.alive {
                if let Some(s) = t.current_state() {
                    out.push(self.machine.states[s].name.to_string());
                }
            }
        }
        out
    }

    /// The history so far, as GetExecutionHistory's `events` array.
    pub fn history(&self) -> Value {
        Value::array(self.events.iter().map(|e| e.to_value(&self.machine)).collect())
    }
    /// The recorded events.
    pub fn events(&self) -> &History {
        &self.events
    }
    pub fn status(&self) -> Status {
        self.status
    }
    pub fn output(&self) -> Option<&Value> {
        self.output.as_ref()
    }
    /// The objects this run wrote to the in-memory S3, `{"<bucket>": {"<key>": "<body>"}}`.
    pub fn s3_written(&self) -> Value {
        self.s3.written()
    }
    /// The in-memory S3 as the run has left it.
    pub fn s3(&self) -> &S3 {
        &self.s3
    }
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }
    pub fn cause(&self) -> Option<&str> {
        self.cause.as_deref()
    }
    /// State entries so far (one per `…StateEntered` event).
    pub fn transitions(&self) -> u64 {
        self.transitions
    }
    pub fn start_time(&self) -> i64 {
        self.options.start_time
    }
    /// The virtual time now.
    pub fn clock(&self) -> i64 {
        self.clock
    }

    /// The data-flow stages of the state's latest run, as an object.
    pub fn inspect(&self, state: &str) -> Value {
        let Some(id) = self.machine.state_id(state) else { return Value::Null };
        let Some(ins) = &self.inspections[id] else { return Value::Null };
        let mut m = Map::default();
        for (k, v) in &ins.stages {
            m.insert(Rc::from(*k), v.clone());
        }
        if let Some(vars) = &ins.variables {
            m.insert(Rc::from("variables"), Value::object(vars.clone()));
        }
        if let Some(c) = &ins.context {
            m.insert(Rc::from("context"), c.build(&self.context_base));
        }
        if let Some(r) = ins.matched_rule {
            m.insert(Rc::from("matchedRule"), Value::int(r as i64));
        }
        Value::object(m)
    }

    /// The inspection of the state's latest run (its `entered_event` says which run), if it ran.
    pub fn latest_inspection(&self, state: StateId) -> Option<&Inspection> {
        self.inspections.get(state)?.as_deref()
    }

    /// The variables in scope at the state's latest entry.
    pub fn variables(&self, state: &str) -> Value {
        let Some(id) = self.machine.state_id(state) else { return Value::Null };
        match self.inspections[id].as_ref().and_then(|i| i.variables.clone()) {
            Some(v) => Value::object(v),
            None => Value::empty_object(),
        }
    }

    pub(crate) fn new_token(&mut self) -> String {
        self.token_counter += 1;
        let a = rng::mix(self.options.seed ^ self.token_counter.wrapping_mul(rng::GAMMA));
        let b = rng::mix(a ^ self.token_counter);
        format!("{:016x}{:016x}", a, b)
    }

    /// If the next event of the thread at the front would enter `target`, its input.
    fn next_enters(&self, target: StateId) -> Option<Value> {
        let tid = *self.runnable.front()?;
        self.threads[tid].entering(target)
    }

    pub(crate) fn mocks(&self) -> &Mocks {
        &self.options.mocks
    }
}

/// An event that ends the execution.
fn is_execution_end(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::ExecutionSucceeded { .. } | EventKind::ExecutionFailed(_) | EventKind::ExecutionAborted(_) | EventKind::ExecutionTimedOut(_)
    )
}
