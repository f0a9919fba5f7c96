//! How each state type advances, one history event at a time.

use super::context::{StateContext, StateEnv};
use super::handling::{self, Outcome};
use super::{Execution, Inspection, Status, ThreadId, VarScope, MAX_PAYLOAD_BYTES};
use crate::definition::{
    Catcher, ChoiceRule, Condition, FailField, IntegrationPattern, Jitter, NumberSource, Operand, Operator, PercentSource, QueryLanguage, Resource,
    Retrier, StateId, StateKind, Transition, WaitFor,
};
use crate::history::{AssignedExit, ErrorCause, EventKind};
use crate::mocks::MockOutcome;
use crate::query::{self, Failure, Path, ReferencePath, Template};
use crate::value::{Map, Value};
use std::collections::VecDeque;
use std::rc::Rc;

/// AWS's default task timeout when none is given.
const DEFAULT_TASK_TIMEOUT: u64 = 99_999_999;
/// The longest wait a `SecondsPath` or a JSONata `Seconds` may ask for: the bound of the
/// literal `Seconds` field (AWS's executions last at most a year anyway).
const MAX_WAIT_SECONDS: i64 = 99_999_999;

pub(crate) struct Thread {
    pub parent: Option<(ThreadId, usize)>,
    pub vars: Rc<VarScope>,
    pub stage: Stage,
    pub alive: bool,
    pub generation: u64,
    pub last_event: u64,
    pub queued: bool,
    /// The thread ended on an uncaught failure of a Task state (AWS then records `TaskStateAborted`).
    pub failed_in_task: bool,
    /// Events of this thread are not recorded (iterations of a distributed Map run as child executions).
    pub silent: bool,
    /// For a silent thread, the thread that runs its child execution (the iteration of
    /// the distributed Map it belongs to), which counts that child's events.
    pub child_execution: ThreadId,
    /// For the thread that runs a child execution: the events that execution would have
    /// recorded so far. Like any execution, it fails at the event limit: without that
    /// bound, an iteration that loops would spin inside one `step()` (which records
    /// nothing while it runs) until the step's work budget ran out.
    pub child_events: usize,
    /// The allocation of the last finished state, reused by the next one.
    spare: Option<Box<Active>>,
}

pub(crate) enum Stage {
    Enter {
        state: StateId,
        input: Value,
    },
    Active(Box<Active>),
    /// The thread's last state ended it with this output.
    Complete(Value),
    /// An uncaught failure ended the thread.
    Failed(Failure),
    Done,
}

pub(crate) struct Active {
    state: StateId,
    input: Value,
    ctx: StateContext,
    entered_event: u64,
    retries: Vec<u64>,
    step: Step,
}

enum AfterAbort {
    Retry(i64),
    /// Retries are settled: catch or fail.
    CatchOrFail(Failure),
}

enum Step {
    Body,
    Exit {
        output: Value,
        next: Transition,
        assigned: Option<Rc<Map>>,
    },
    Error(Failure),
    RetryWait {
        at: i64,
    },
    WaitUntil {
        at: i64,
        output: Value,
        next: Transition,
        assigned: Option<Rc<Map>>,
    },
    Task(Box<TaskRun>),
    Children(Box<Children>),
    /// Recording abort events for siblings, then handling the failure.
    Aborting {
        events: VecDeque<EventKind>,
        then: AfterAbort,
    },
}

struct TaskRun {
    phase: TaskPhase,
    effective: Value,
    timeout: u64,
    heartbeat: Option<u64>,
    token: Option<Rc<str>>,
}

enum TaskPhase {
    Schedule,
    Start,
    Submit { then: Box<TaskPhase> },
    Await { outcome: Result<Value, Failure>, at: i64, timed_out: bool },
    External { kind: &'static str },
}

struct Children {
    is_map: bool,
    effective: Value,
    items: Vec<Value>,
    keys: Option<Vec<Rc<str>>>,
    next: usize,
    running: usize,
    max_concurrency: usize,
    results: Vec<Option<Value>>,
    threads: Vec<Option<ThreadId>>,
    /// Ended children: index, result, whether it ended in a Task state, its last event.
    done: VecDeque<(usize, Result<Value, Failure>, bool, u64)>,
    started: bool,
    failures: usize,
    tolerated_count: Option<u64>,
    tolerated_percent: Option<f64>,
    /// The failure that ends the state, and whether the failing child ended in a Task state.
    failing: Option<(Failure, bool)>,
    finished: bool,
    distributed: bool,
    /// Distributed Map: 0 before `MapRunStarted`, 1 while the run is on, 2 after `MapRunSucceeded`.
    run_phase: u8,
    /// What a `…StateSucceeded` names as its previous event, as AWS chains it: the last
    /// event of the branch that ended last (Parallel), the last `MapIterationSucceeded` (Map).
    last_branch_event: u64,
}

impl Children {
    /// A Parallel (`is_map` false: one slot per branch, in `items`) or a Map over `items`.
    fn new(is_map: bool, effective: Value, items: Vec<Value>, keys: Option<Vec<Rc<str>>>, max_concurrency: usize, distributed: bool) -> Children {
        let n = items.len();
        Children {
            is_map,
            effective,
            items: if is_map { items } else { Vec::new() },
            keys,
            next: 0,
            running: 0,
            max_concurrency,
            results: vec![None; n],
            threads: vec![None; n],
            done: VecDeque::new(),
            started: false,
            failures: 0,
            tolerated_count: None,
            tolerated_percent: None,
            failing: None,
            finished: false,
            distributed,
            run_phase: 0,
            last_branch_event: 0,
        }
    }
}

enum Flow {
    /// Nothing recorded yet; advance again.
    Again,
    /// An event was recorded; the thread can run again later.
    Yield,
    /// An event was recorded; the thread runs again before the others (a Map admitting items).
    YieldFront,
    /// Not runnable until a timer, a child or the outside world wakes it.
    Block,
}

/// Where a thread goes after its turn.
pub(crate) enum Requeue {
    No,
    Back,
    Front,
}

impl Thread {
    /// Bytes of JSON text of the input the thread's state works on (memoised: cheap).
    pub fn input_bytes(&self) -> usize {
        match &self.stage {
            Stage::Enter { input, .. } => input.json_len(),
            Stage::Active(a) => a.input.json_len(),
            _ => 0,
        }
    }
    pub fn current_state(&self) -> Option<StateId> {
        match &self.stage {
            Stage::Active(a) => Some(a.state),
            _ => None,
        }
    }
    pub fn entering(&self, target: StateId) -> Option<Value> {
        match &self.stage {
            Stage::Enter { state, input } if *state == target => Some(input.clone()),
            _ => None,
        }
    }
    pub fn waiting_info(&self) -> Option<(StateId, &'static str, Value)> {
        match &self.stage {
            Stage::Active(a) => match &a.step {
                Step::Task(t) => match &t.phase {
                    TaskPhase::External { kind } => Some((a.state, kind, t.effective.clone())),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }
    /// A failure this thread recorded but has not handled yet (it does on its next turn), for
    /// `failure_handling`'s preview: the state, its run's `…StateEntered` event, each retrier's
    /// retries so far, the failure, and whether only Catch is left to consult.
    pub(crate) fn unhandled_failure(&self) -> Option<(StateId, u64, &[u64], &Failure, bool)> {
        let Stage::Active(a) = &self.stage else { return None };
        match &a.step {
            Step::Error(f) => Some((a.state, a.entered_event, &a.retries, f, false)),
            Step::Aborting { then: AfterAbort::CatchOrFail(f), .. } => Some((a.state, a.entered_event, &a.retries, f, true)),
            _ => None,
        }
    }
    pub fn deliver(&mut self, outcome: Result<Value, Failure>) {
        if let Stage::Active(a) = &mut self.stage {
            if let Step::Task(t) = &mut a.step {
                t.phase = TaskPhase::Await { outcome, at: i64::MIN, timed_out: false };
            }
        }
    }
}

fn runtime(ctx: &StateContext, entered: u64, msg: impl AsRef<str>) -> Failure {
    Failure::runtime(format!("An error occurred while executing the state '{}' (entered at the event id #{}). {}", ctx.name, entered, msg.as_ref()))
}

impl Execution {
    /// A new thread; `child_execution` says which child execution it runs in (when its
    /// events are not recorded), `Some(None)` when it starts a new one.
    pub(crate) fn spawn(
        &mut self,
        parent: Option<(ThreadId, usize)>,
        vars: Rc<VarScope>,
        state: StateId,
        input: Value,
        last_event: u64,
        child_execution: Option<Option<ThreadId>>,
    ) -> ThreadId {
        let tid = self.threads.len();
        let (silent, child_execution) = match child_execution {
            None => (false, tid),
            Some(root) => (true, root.unwrap_or(tid)),
        };
        self.threads.push(Thread {
            parent,
            vars,
            stage: Stage::Enter { state, input },
            alive: true,
            generation: 0,
            last_event,
            queued: false,
            failed_in_task: false,
            silent,
            child_execution,
            child_events: 0,
            spare: None,
        });
        tid
    }

    /// The child execution `tid` runs in, if any (`Some(None)` for a thread to start one).
    fn child_execution_of(&self, tid: ThreadId) -> Option<Option<ThreadId>> {
        let t = &self.threads[tid];
        t.silent.then_some(Some(t.child_execution))
    }

    pub(crate) fn wake(&mut self, tid: ThreadId) {
        if !self.threads[tid].queued && self.threads[tid].alive {
            self.threads[tid].queued = true;
            self.runnable.push_back(tid);
        }
    }

    fn emit(&mut self, tid: ThreadId, kind: EventKind) {
        if self.threads[tid].silent {
            let root = self.threads[tid].child_execution;
            self.threads[root].child_events += 1;
            return;
        }
        let prev = self.threads[tid].last_event;
        let id = self.record(prev, kind);
        self.threads[tid].last_event = id;
    }

    /// Advance thread `tid` until it records one event or blocks.
    pub(crate) fn advance(&mut self, tid: ThreadId) -> Requeue {
        self.threads[tid].queued = false;
        loop {
            if self.status.is_finished() || !self.threads[tid].alive {
                return Requeue::No;
            }
            if self.threads[tid].silent {
                let root = self.threads[tid].child_execution;
                if self.threads[root].child_events + 1 >= self.options.event_limit() {
                    self.child_execution_at_event_limit(root);
                    return Requeue::No;
                }
            }
            let stage = std::mem::replace(&mut self.threads[tid].stage, Stage::Done);
            let flow = match stage {
                Stage::Enter { state, input } => self.enter(tid, state, input),
                Stage::Active(a) => self.active(tid, a),
                Stage::Complete(output) => self.complete(tid, output),
                Stage::Failed(f) => self.thread_failed(tid, f),
                Stage::Done => Flow::Block,
            };
            match flow {
                Flow::Again => continue,
                Flow::Yield | Flow::YieldFront => {
                    if !self.threads[tid].alive {
                        return Requeue::No;
                    }
                    self.threads[tid].queued = true;
                    return if matches!(flow, Flow::YieldFront) { Requeue::Front } else { Requeue::Back };
                }
                Flow::Block => return Requeue::No,
            }
        }
    }

    fn enter(&mut self, tid: ThreadId, state: StateId, input: Value) -> Flow {
        let machine = self.machine.clone();
        let st = &machine.states[state];
        self.transitions += 1;
        self.emit(tid, EventKind::StateEntered { state: state as u32, input: input.clone() });
        let entered_event = self.events.len() as u64;
        let retriable = matches!(st.kind, StateKind::Task(_) | StateKind::Parallel(_) | StateKind::Map(_));
        let ctx = StateContext { name: st.name.clone(), entered_time: self.clock, retriable, ..Default::default() };
        let retries = match &st.kind {
            StateKind::Task(t) => vec![0; t.retry.len()],
            StateKind::Parallel(p) => vec![0; p.retry.len()],
            StateKind::Map(m) => vec![0; m.retry.len()],
            _ => Vec::new(),
        };
        let vars = &self.threads[tid].vars;
        let variables = if vars.is_empty_chain() { None } else { Some(vars.visible()) };
        // The inspector keeps each state's latest run; its buffers are reused, not reallocated.
        match &mut self.inspections[state] {
            Some(ins) => {
                ins.stages.clear();
                ins.stages.push(("input", input.clone()));
                ins.variables = variables;
                ins.context = None;
                ins.matched_rule = None;
                ins.entered_event = entered_event;
            }
            slot => {
                let mut stages = Vec::with_capacity(7);
                stages.push(("input", input.clone()));
                *slot = Some(Box::new(Inspection { stages, variables, entered_event, ..Default::default() }));
            }
        }
        let active = Active { state, input, ctx, entered_event, retries, step: Step::Body };
        let boxed = match self.threads[tid].spare.take() {
            Some(mut b) => {
                *b = active;
                b
            }
            None => Box::new(active),
        };
        self.threads[tid].stage = Stage::Active(boxed);
        Flow::Yield
    }

    /// The inspection of this run of the state, if it is the latest one entered.
    fn inspection(&mut self, a: &Active) -> Option<&mut Inspection> {
        self.inspections[a.state].as_deref_mut().filter(|i| i.entered_event == a.entered_event)
    }

    fn record_stage(&mut self, a: &Active, stage: &'static str, v: &Value) {
        if let Some(i) = self.inspection(a) {
            i.stages.push((stage, v.clone()));
        }
    }

    /// Evaluate with the state's environment.
    fn with_env<R>(&mut self, tid: ThreadId, ctx: &StateContext, input: &Value, f: impl FnOnce(&mut StateEnv) -> R) -> R {
        let vars = self.threads[tid].vars.clone();
        let mut env = StateEnv {
            input: input.clone(),
            base: &self.context_base,
            state: ctx,
            rng: &mut self.rng,
            vars: &vars,
            built: None,
            result: None,
            error_output: None,
            now: self.clock,
        };
        f(&mut env)
    }

    /// Evaluate a JSONata-mode field with `$states` = {input, context, result?, errorOutput?}.
    fn jsonata(
        &mut self,
        tid: ThreadId,
        a: &Active,
        t: &Template,
        location: &str,
        result: Option<&Value>,
        error_output: Option<&Value>,
    ) -> Result<Value, Failure> {
        let vars = self.threads[tid].vars.clone();
        let mut env = StateEnv {
            input: a.input.clone(),
            base: &self.context_base,
            state: &a.ctx,
            rng: &mut self.rng,
            vars: &vars,
            built: None,
            result: result.cloned(),
            error_output: error_output.cloned(),
            now: self.clock,
        };
        t.evaluate_jsonata(&mut env, location).map_err(|mut f| {
            if f.error == "States.QueryEvaluationError" || f.error == "States.Runtime" {
                f.cause = format!(
                    "An error occurred while executing the state '{}' (entered at the event id #{}). {}",
                    a.ctx.name, a.entered_event, f.cause
                );
            }
            f
        })
    }

    /// JSONata `Output` (absent: `default`).
    fn jsonata_output(
        &mut self,
        tid: ThreadId,
        a: &Active,
        t: &Option<Template>,
        default: &Value,
        result: Option<&Value>,
        error_output: Option<&Value>,
    ) -> Result<Value, Failure> {
        match t {
            None => Ok(default.clone()),
            Some(t) => self.jsonata(tid, a, t, "Output", result, error_output),
        }
    }

    /// JSONata `Assign`: the variables to write when the state exits.
    fn jsonata_assign(
        &mut self,
        tid: ThreadId,
        a: &Active,
        t: &Option<Template>,
        result: Option<&Value>,
        error_output: Option<&Value>,
    ) -> Result<Option<Rc<Map>>, Failure> {
        let Some(t) = t else { return Ok(None) };
        let v = self.jsonata(tid, a, t, "Assign", result, error_output)?;
        if v.depth() as usize > crate::json::MAX_DEPTH {
            return Err(Failure::new(
                "States.DataLimitExceeded",
                format!("The state/task '{}' assigned a variable nested deeper than {} levels.", a.ctx.name, crate::json::MAX_DEPTH),
            ));
        }
        Ok(Some(Rc::new(v.as_object().cloned().unwrap_or_default())))
    }

    /// `States.QueryEvaluationError` in `location`, with AWS's "An error occurred…" prefix.
    fn query_error(&self, a: &Active, location: &str, message: &str) -> Failure {
        Failure::query_evaluation(
            location,
            format!("An error occurred while executing the state '{}' (entered at the event id #{}). {}", a.ctx.name, a.entered_event, message),
        )
    }

    fn is_jsonata(&self, a: &Active) -> bool {
        self.machine.states[a.state].query_language == QueryLanguage::Jsonata
    }

    fn apply_path(&mut self, tid: ThreadId, a: &Active, path: &Option<Path>, value: &Value) -> Result<Value, Failure> {
        match path {
            None => Ok(Value::empty_object()),
            Some(p) if p.is_identity() => Ok(value.clone()),
            Some(p) => self
                .with_env(tid, &a.ctx, value, |env| query::select(p, env))
                .map_err(|e| runtime(&a.ctx, a.entered_event, format!("Invalid path '{}' : {}", p.text(), e.message()))),
        }
    }

    fn template(&mut self, tid: ThreadId, a: &Active, t: &Option<Template>, value: &Value) -> Result<Value, Failure> {
        match t {
            None => Ok(value.clone()),
            Some(t) => {
                let r = self.with_env(tid, &a.ctx, value, |env| t.evaluate(env));
                r.map_err(|f| if f.error == "States.Runtime" { runtime(&a.ctx, a.entered_event, f.cause) } else { f })
            }
        }
    }

    fn result_path(&self, a: &Active, rp: &Option<ReferencePath>, input: &Value, result: Value) -> Result<Value, Failure> {
        match rp {
            None => Ok(input.clone()),
            Some(rp) => rp.apply(input, result).map_err(|cause| Failure::new("States.ResultPathMatchFailure", cause)).map_err(|f| {
                let _ = a;
                f
            }),
        }
    }

    fn assign(&mut self, tid: ThreadId, a: &Active, assign: &Option<Template>, value: &Value) -> Result<Option<Rc<Map>>, Failure> {
        let Some(t) = assign else { return Ok(None) };
        let v = self.template(tid, a, &Some(t.clone()), value)?;
        if v.depth() as usize > crate::json::MAX_DEPTH {
            return Err(Failure::new(
                "States.DataLimitExceeded",
                format!("The state/task '{}' assigned a variable nested deeper than {} levels.", a.ctx.name, crate::json::MAX_DEPTH),
            ));
        }
        // Written to the scope when the state exits: every field of the state sees the old values.
        Ok(Some(Rc::new(v.as_object().cloned().unwrap_or_default())))
    }

    fn check_size(&self, a: &Active, v: &Value) -> Result<(), Failure> {
        if v.depth() as usize > crate::json::MAX_DEPTH {
            return Err(Failure::new(
                "States.DataLimitExceeded",
                format!("The state/task '{}' returned a result nested deeper than {} levels.", a.ctx.name, crate::json::MAX_DEPTH),
            ));
        }
        if v.json_len() > MAX_PAYLOAD_BYTES {
            return Err(Failure::new(
                "States.DataLimitExceeded",
                format!("The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.", a.ctx.name),
            ));
        }
        Ok(())
    }

    fn active(&mut self, tid: ThreadId, mut a: Box<Active>) -> Flow {
        let step = std::mem::replace(&mut a.step, Step::Body);
        match step {
            Step::Body => {
                match self.body(tid, &mut a) {
                    Ok(()) => {}
                    Err(f) => a.step = Step::Error(f),
                }
                self.threads[tid].stage = Stage::Active(a);
                Flow::Again
            }
            Step::Exit { output, next, assigned } => {
                if let Err(f) = self.check_size(&a, &output) {
                    a.step = Step::Error(f);
                    self.threads[tid].stage = Stage::Active(a);
                    return Flow::Again;
                }
                self.record_stage(&a, "output", &output);
                if let Some(ins) = self.inspection(&a) {
                    ins.context = Some(a.ctx.clone());
                }
                if let Some(assigned) = &assigned {
                    // AWS: a state may assign up to 256 KiB of variables.
                    let size: usize = assigned.iter().map(|(k, v)| k.len() + v.json_len()).sum();
                    if size > MAX_PAYLOAD_BYTES {
                        a.step = Step::Error(Failure::new(
                            "States.DataLimitExceeded",
                            format!(
                                "The state/task '{}' assigned variables with a size exceeding the maximum number of bytes service limit.",
                                a.ctx.name
                            ),
                        ));
                        self.threads[tid].stage = Stage::Active(a);
                        return Flow::Again;
                    }
                    let mut cur = self.threads[tid].vars.vars.borrow_mut();
                    for (k, v) in assigned.iter() {
                        cur.insert(k.clone(), v.clone());
                    }
                }
                let state = a.state as u32;
                self.emit(
                    tid,
                    match assigned {
                        None => EventKind::StateExited { state, output: output.clone() },
                        Some(assigned) => EventKind::AssignedStateExited(Box::new(AssignedExit { state, output: output.clone(), assigned })),
                    },
                );
                self.threads[tid].spare = Some(a);
                self.threads[tid].stage = match next {
                    Transition::Next(n) => Stage::Enter { state: n, input: output },
                    Transition::End => Stage::Complete(output),
                };
                Flow::Yield
            }
            Step::WaitUntil { at, output, next, assigned } => {
                if self.clock < at {
                    a.step = Step::WaitUntil { at, output, next, assigned };
                    self.threads[tid].stage = Stage::Active(a);
                    self.set_timer(at, tid);
                    return Flow::Block;
                }
                a.step = Step::Exit { output, next, assigned };
                self.threads[tid].stage = Stage::Active(a);
                Flow::Again
            }
            Step::Error(f) => self.handle_error(tid, a, f),
            Step::RetryWait { at } => {
                if self.clock < at {
                    a.step = Step::RetryWait { at };
                    self.threads[tid].stage = Stage::Active(a);
                    self.set_timer(at, tid);
                    return Flow::Block;
                }
                a.step = Step::Body;
                a.ctx.retry_count += 1;
                self.threads[tid].stage = Stage::Active(a);
                Flow::Again
            }
            Step::Task(t) => self.task_step(tid, a, t),
            Step::Children(c) => self.children_step(tid, a, c),
            Step::Aborting { mut events, then } => {
                if let Some(ev) = events.pop_front() {
                    self.emit(tid, ev);
                    a.step = Step::Aborting { events, then };
                    self.threads[tid].stage = Stage::Active(a);
                    return Flow::Yield;
                }
                match then {
                    AfterAbort::Retry(at) => {
                        a.step = Step::RetryWait { at };
                        self.threads[tid].stage = Stage::Active(a);
                        Flow::Again
                    }
                    AfterAbort::CatchOrFail(f) => self.catch_or_fail(tid, a, f),
                }
            }
        }
    }

    /// The work a state does right after it is entered (or retried).
    fn body(&mut self, tid: ThreadId, a: &mut Active) -> Result<(), Failure> {
        let machine = self.machine.clone();
        let st = &machine.states[a.state];
        let raw = a.input.clone();
        if st.query_language == QueryLanguage::Jsonata {
            match &st.kind {
                StateKind::Pass(p) => {
                    let assigned = self.jsonata_assign(tid, a, &st.assign, None, None)?;
                    let output = self.jsonata_output(tid, a, &st.output, &raw, None, None)?;
                    a.step = Step::Exit { output, next: p.transition, assigned };
                    return Ok(());
                }
                StateKind::Succeed => {
                    let output = self.jsonata_output(tid, a, &st.output, &raw, None, None)?;
                    a.step = Step::Exit { output, next: Transition::End, assigned: None };
                    return Ok(());
                }
                StateKind::Choice(c) => {
                    let mut chosen = None;
                    for (i, rule) in c.choices.iter().enumerate() {
                        if self.condition(tid, a, &rule.condition, &raw)? {
                            chosen = Some((i, rule));
                            break;
                        }
                    }
                    let (next, assign, output) = match chosen {
                        Some((i, rule)) => {
                            if let Some(ins) = self.inspection(a) {
                                ins.matched_rule = Some(i);
                            }
                            (
                                rule.next,
                                if rule.assign.is_some() { &rule.assign } else { &st.assign },
                                if rule.output.is_some() { &rule.output } else { &st.output },
                            )
                        }
                        None => match c.default {
                            Some(d) => (d, &st.assign, &st.output),
                            None => {
                                return Err(Failure::new(
                                    "States.NoChoiceMatched",
                                    format!("No Matches! from state '{}' for input '{}'", a.ctx.name, raw.to_json()),
                                ))
                            }
                        },
                    };
                    let assigned = self.jsonata_assign(tid, a, assign, None, None)?;
                    let output = self.jsonata_output(tid, a, output, &raw, None, None)?;
                    a.step = Step::Exit { output, next: Transition::Next(next), assigned };
                    return Ok(());
                }
                StateKind::Wait(w) => {
                    let at = match &w.wait {
                        WaitFor::Seconds(s) => self.clock.saturating_add((*s as i64).saturating_mul(1000)),
                        WaitFor::Timestamp(t) => *t,
                        WaitFor::SecondsJsonata(t) => {
                            let v = self.jsonata(tid, a, t, "Seconds", None, None)?;
                            match whole_number_strict(&v) {
                                Some(n) if (0..=MAX_WAIT_SECONDS).contains(&n) => self.clock.saturating_add(n.saturating_mul(1000)),
                                Some(n) if n > MAX_WAIT_SECONDS => {
                                    return Err(self.query_error(
                                        a,
                                        "Seconds",
                                        &format!("The Seconds field must be at most {MAX_WAIT_SECONDS}, but was: {}", v.to_json()),
                                    ))
                                }
                                _ => {
                                    return Err(self.query_error(
                                        a,
                                        "Seconds",
                                        &format!("The Seconds field must be a non-negative integer, but was: {}", v.to_json()),
                                    ))
                                }
                            }
                        }
                        WaitFor::TimestampJsonata(t) => {
                            let v = self.jsonata(tid, a, t, "Timestamp", None, None)?;
                            match v.as_str().and_then(super::clock::parse_timestamp) {
                                Some(ms) => ms,
                                None => {
                                    return Err(self.query_error(
                                        a,
                                        "Timestamp",
                                        &format!(
                                            "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {}",
                                            plain(&v)
                                        ),
                                    ))
                                }
                            }
                        }
                        _ => self.clock,
                    };
                    let assigned = self.jsonata_assign(tid, a, &st.assign, None, None)?;
                    let output = self.jsonata_output(tid, a, &st.output, &raw, None, None)?;
                    a.step = Step::WaitUntil { at, output, next: w.transition, assigned };
                    return Ok(());
                }
                _ => {}
            }
        }
        match &st.kind {
            StateKind::Pass(p) => {
                let effective = self.apply_path(tid, a, &st.input_path, &raw)?;
                self.record_stage(&a, "afterInputPath", &effective);
                let result = match &p.result {
                    Some(r) => r.clone(),
                    None => {
                        let v = self.template(tid, a, &p.parameters, &effective)?;
                        if p.parameters.is_some() {
                            self.record_stage(&a, "afterParameters", &v);
                        }
                        v
                    }
                };
                self.record_stage(&a, "result", &result);
                let assigned = self.assign(tid, a, &st.assign, &result)?;
                let after = self.result_path(a, &p.result_path, &raw, result)?;
                self.record_stage(&a, "afterResultPath", &after);
                let output = self.apply_path(tid, a, &st.output_path, &after)?;
                a.step = Step::Exit { output, next: p.transition, assigned };
            }
            StateKind::Succeed => {
                let effective = self.apply_path(tid, a, &st.input_path, &raw)?;
                let output = self.apply_path(tid, a, &st.output_path, &effective)?;
                a.step = Step::Exit { output, next: Transition::End, assigned: None };
            }
            StateKind::Fail(f) => {
                let error = self.fail_field(tid, a, &f.error, "ErrorPath")?;
                let cause = self.fail_field(tid, a, &f.cause, "CausePath")?;
                // A Fail state without Error/Cause records neither.
                return Err(Failure::reported(error.as_deref(), cause.as_deref()));
            }
            StateKind::Choice(c) => {
                let effective = self.apply_path(tid, a, &st.input_path, &raw)?;
                self.record_stage(&a, "afterInputPath", &effective);
                let mut chosen: Option<(usize, &ChoiceRule)> = None;
                for (i, rule) in c.choices.iter().enumerate() {
                    if self.condition(tid, a, &rule.condition, &effective)? {
                        chosen = Some((i, rule));
                        break;
                    }
                }
                let (next, assign) = match chosen {
                    Some((i, rule)) => {
                        if let Some(ins) = self.inspection(a) {
                            ins.matched_rule = Some(i);
                        }
                        (rule.next, if rule.assign.is_some() { &rule.assign } else { &st.assign })
                    }
                    None => match c.default {
                        Some(d) => (d, &st.assign),
                        None => {
                            return Err(Failure::new(
                                "States.NoChoiceMatched",
                                format!("No Matches! from state '{}' for input '{}'", a.ctx.name, effective.to_json()),
                            ))
                        }
                    },
                };
                let assigned = self.assign(tid, a, assign, &effective)?;
                let output = self.apply_path(tid, a, &st.output_path, &effective)?;
                a.step = Step::Exit { output, next: Transition::Next(next), assigned };
            }
            StateKind::Wait(w) => {
                let effective = self.apply_path(tid, a, &st.input_path, &raw)?;
                let at = match &w.wait {
                    WaitFor::Seconds(s) => self.clock.saturating_add((*s as i64).saturating_mul(1000)),
                    WaitFor::Timestamp(t) => *t,
                    WaitFor::SecondsJsonata(_) | WaitFor::TimestampJsonata(_) => self.clock,
                    WaitFor::SecondsPath(p) => {
                        let v = self
                            .with_env(tid, &a.ctx, &effective, |env| query::select(p, env))
                            .map_err(|e| runtime(&a.ctx, a.entered_event, format!("Invalid path '{}' : {}", p.text(), e.message())))?;
                        let secs = match v.as_number() {
                            Some(n) if n.is_integer() => n.as_i64().unwrap_or(i64::MAX),
                            _ => {
                                return Err(runtime(
                                    &a.ctx,
                                    a.entered_event,
                                    format!("The SecondsPath parameter cannot be parsed as a long value: {} == {}", p.text(), plain(&v)),
                                ))
                            }
                        };
                        if secs < 0 {
                            return Err(runtime(
                                &a.ctx,
                                a.entered_event,
                                format!("The SecondsPath parameter references a negative value: {} == {}", p.text(), plain(&v)),
                            ));
                        }
                        if secs > MAX_WAIT_SECONDS {
                            return Err(runtime(
                                &a.ctx,
                                a.entered_event,
                                format!("The SecondsPath parameter references a value larger than {MAX_WAIT_SECONDS}: {} == {}", p.text(), plain(&v)),
                            ));
                        }
                        self.clock.saturating_add(secs.saturating_mul(1000))
                    }
                    WaitFor::TimestampPath(p) => {
                        let v = self
                            .with_env(tid, &a.ctx, &effective, |env| query::select(p, env))
                            .map_err(|e| runtime(&a.ctx, a.entered_event, format!("Invalid path '{}' : {}", p.text(), e.message())))?;
                        match v.as_str().and_then(super::clock::parse_timestamp) {
                            Some(t) => t,
                            None => {
                                return Err(runtime(
                                    &a.ctx,
                                    a.entered_event,
                                    format!("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {}", p.text(), plain(&v)),
                                ))
                            }
                        }
                    }
                };
                let assigned = self.assign(tid, a, &st.assign, &effective)?;
                let output = self.apply_path(tid, a, &st.output_path, &effective)?;
                a.step = Step::WaitUntil { at, output, next: w.transition, assigned };
            }
            StateKind::Task(t) => {
                let effective = self.apply_path(tid, a, &st.input_path, &raw)?;
                self.record_stage(&a, "afterInputPath", &effective);
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
                        self.record_stage(&a, "afterArguments", &v);
                        v
                    }
                    (_, true) => effective.clone(),
                    _ => {
                        let v = self.template(tid, a, &t.parameters, &effective)?;
                        if t.parameters.is_some() {
                            self.record_stage(&a, "afterParameters", &v);
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
                a.step = Step::Task(Box::new(TaskRun { phase: TaskPhase::Schedule, effective: params, timeout, heartbeat, token }));
            }
            StateKind::Parallel(p) => {
                let effective = self.apply_path(tid, a, &st.input_path, &raw)?;
                let params = match (&p.parameters, self.is_jsonata(a)) {
                    (Some(args), true) => self.jsonata(tid, a, args, "Arguments", None, None)?,
                    (_, true) => effective.clone(),
                    _ => self.template(tid, a, &p.parameters, &effective)?,
                };
                let n = p.branches.len();
                a.step = Step::Children(Box::new(Children::new(false, params, vec![Value::Null; n], None, 0, false)));
            }
            StateKind::Map(m) => {
                let effective = self.apply_path(tid, a, &st.input_path, &raw)?;
                self.record_stage(&a, "afterInputPath", &effective);
                let jsonata = self.is_jsonata(a);
                let items_value = if jsonata {
                    let v = match &m.items {
                        Some(t) => self.jsonata(tid, a, t, "Items", None, None)?,
                        None => effective.clone(),
                    };
                    if v.as_array().is_none() {
                        return Err(match &m.items {
                            Some(Template::Jsonata(f)) => self.query_error(
                                a,
                                "Items",
                                &format!(
                                    "The JSONata expression '{}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '{}' for value: {}",
                                    f.expr.text().trim(),
                                    v.type_name(),
                                    v.to_json()
                                ),
                            ),
                            _ => self.query_error(a, "Items", &format!("Map state input must be an array but was: {}", v.to_json())),
                        });
                    }
                    v
                } else if m.items_path.is_identity() {
                    effective.clone()
                } else {
                    self.with_env(tid, &a.ctx, &effective, |env| query::select(&m.items_path, env))
                        .map_err(|e| runtime(&a.ctx, a.entered_event, format!("Invalid path '{}' : {}", m.items_path.text(), e.message())))?
                };
                let (items, keys) = match &items_value {
                    Value::Array(arr) => (arr.to_vec(), None),
                    Value::Object(o) => (o.values().cloned().collect(), Some(o.keys().cloned().collect())),
                    other => {
                        return Err(runtime(
                            &a.ctx,
                            a.entered_event,
                            format!("Item selector '{}' does not select an array or object: {}", m.items_path.text(), other.to_json()),
                        ))
                    }
                };
                self.record_stage(&a, "afterItemsPath", &items_value);
                let max_concurrency = match &m.max_concurrency {
                    NumberSource::Literal(n) => *n as usize,
                    NumberSource::Jsonata(t) => {
                        let v = self.jsonata(tid, a, t, "MaxConcurrency", None, None)?;
                        match whole_number_strict(&v).filter(|n| *n >= 0) {
                            Some(n) => n as usize,
                            None => {
                                return Err(self.query_error(
                                    a,
                                    "MaxConcurrency",
                                    &format!("The MaxConcurrency field must be a non-negative integer, but was: {}", v.to_json()),
                                ))
                            }
                        }
                    }
                    NumberSource::Path(p) => {
                        let v = self
                            .with_env(tid, &a.ctx, &effective, |env| query::select(p, env))
                            .map_err(|e| runtime(&a.ctx, a.entered_event, format!("Invalid path '{}' : {}", p.text(), e.message())))?;
                        match whole_number(&v).filter(|n| *n >= 0) {
                            Some(n) => n as usize,
                            None => {
                                return Err(runtime(
                                    &a.ctx,
                                    a.entered_event,
                                    format!(
                                        "The MaxConcurrencyPath field refers to value \"{}\" which is not a valid integer: {}",
                                        plain(&v),
                                        p.text()
                                    ),
                                ))
                            }
                        }
                    }
                };
                a.step = Step::Children(Box::new(Children::new(true, effective, items, keys, max_concurrency, m.distributed)));
            }
        }
        Ok(())
    }

    fn number_source(&mut self, tid: ThreadId, a: &Active, src: &NumberSource, input: &Value, field: &str) -> Result<u64, Failure> {
        match src {
            NumberSource::Literal(n) => Ok(*n),
            NumberSource::Jsonata(t) => {
                let name = field.trim_end_matches("Path");
                let v = self.jsonata(tid, a, t, name, None, None)?;
                match whole_number_strict(&v).filter(|n| *n > 0) {
                    Some(n) => Ok(n as u64),
                    None => Err(self.query_error(a, name, &format!("The {} field must be a positive integer, but was: {}", name, v.to_json()))),
                }
            }
            NumberSource::Path(p) => {
                let v = self
                    .with_env(tid, &a.ctx, input, |env| query::select(p, env))
                    .map_err(|e| runtime(&a.ctx, a.entered_event, format!("Invalid path '{}' : {}", p.text(), e.message())))?;
                match v.as_number().and_then(|n| n.as_i64()) {
                    Some(n) if n > 0 => Ok(n as u64),
                    _ => Err(runtime(
                        &a.ctx,
                        a.entered_event,
                        format!("The {} field refers to value \"{}\" which is not a valid positive integer: {}", field, plain(&v), p.text()),
                    )),
                }
            }
        }
    }

    fn fail_field(&mut self, tid: ThreadId, a: &Active, f: &Option<FailField>, field: &str) -> Result<Option<String>, Failure> {
        match f {
            None => Ok(None),
            Some(FailField::Literal(s)) => Ok(Some(s.clone())),
            Some(FailField::Jsonata(t)) => {
                let v = self.jsonata(tid, a, t, field.trim_end_matches("Path"), None, None)?;
                Ok(Some(plain(&v)))
            }
            Some(FailField::Expr(e)) => {
                let raw = a.input.clone();
                let v = self.with_env(tid, &a.ctx, &raw, |env| e.evaluate(env, field));
                let v = v.map_err(|f| if f.error == "States.Runtime" { runtime(&a.ctx, a.entered_event, f.cause) } else { f })?;
                Ok(Some(match v {
                    Value::String(s) => s.to_string(),
                    other => other.to_json(),
                }))
            }
        }
    }

    fn condition(&mut self, tid: ThreadId, a: &Active, c: &Condition, input: &Value) -> Result<bool, Failure> {
        match c {
            Condition::And(cs) => {
                for c in cs {
                    if !self.condition(tid, a, c, input)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Condition::Or(cs) => {
                for c in cs {
                    if self.condition(tid, a, c, input)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Condition::Not(c) => Ok(!self.condition(tid, a, c, input)?),
            Condition::Jsonata(t) => {
                let v = self.jsonata(tid, a, t, "Condition", None, None)?;
                match v {
                    Value::Bool(b) => Ok(b),
                    other => Err(self.query_error(
                        a,
                        "Condition",
                        &format!("The Condition field must evaluate to a boolean, but was '{}' for value: {}", other.type_name(), other.to_json()),
                    )),
                }
            }
            Condition::Compare { variable, operator, operand } => {
                let value = self.with_env(tid, &a.ctx, input, |env| query::select(variable, env));
                let value = match value {
                    Ok(v) => v,
                    Err(_) if *operator == Operator::IsPresent => {
                        return Ok(matches!(operand, Operand::Literal(Value::Bool(false))));
                    }
                    Err(e) => {
                        return Err(runtime(&a.ctx, a.entered_event, format!("Invalid path '{}' : {}", variable.text(), e.message())));
                    }
                };
                let rhs = match operand {
                    Operand::Literal(v) => v.clone(),
                    Operand::Path(p) => self
                        .with_env(tid, &a.ctx, input, |env| query::select(p, env))
                        .map_err(|e| runtime(&a.ctx, a.entered_event, format!("Invalid path '{}' : {}", p.text(), e.message())))?,
                };
                Ok(compare(*operator, &value, &rhs))
            }
        }
    }

    // ------------------------------------------------------------ tasks

    fn task_step(&mut self, tid: ThreadId, mut a: Box<Active>, mut t: Box<TaskRun>) -> Flow {
        let machine = self.machine.clone();
        let st = &machine.states[a.state];
        let StateKind::Task(task) = &st.kind else { unreachable_fail() };
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
                            role_arn: None,
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
                        timeout_in_seconds: Some(t.timeout),
                        heartbeat_in_seconds: t.heartbeat,
                        role_arn: None,
                    })),
                };
                self.emit(tid, kind);
                t.phase = TaskPhase::Start;
                a.step = Step::Task(t);
                self.threads[tid].stage = Stage::Active(a);
                Flow::Yield
            }
            TaskPhase::Start => {
                let kind = match &task.resource {
                    Resource::LambdaFunction { .. } => EventKind::LambdaFunctionStarted,
                    Resource::Activity { .. } => EventKind::ActivityStarted { worker_name: Rc::from("asl-sim") },
                    Resource::Integration { .. } => EventKind::TaskStarted { state: a.state as u32 },
                };
                self.emit(tid, kind);
                // Call the (mocked) service.
                let call = self.mock_calls[a.state];
                self.mock_calls[a.state] += 1;
                let submits =
                    matches!(task.resource, Resource::Integration { pattern: IntegrationPattern::WaitForTaskToken | IntegrationPattern::Sync, .. });
                let next = match self.mocks().response(&st.name, call).cloned() {
                    Some(resp) => {
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
                                outcome = Err(Failure::new("States.HeartbeatTimeout", ""));
                                timed_out = true;
                            }
                        }
                        if t.timeout < after {
                            after = t.timeout;
                            outcome = Err(Failure::new("States.Timeout", ""));
                            timed_out = true;
                        }
                        let at = self.clock.saturating_add((after as i64).saturating_mul(1000));
                        TaskPhase::Await { outcome, at, timed_out }
                    }
                    None => {
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
                        TaskPhase::External { kind }
                    }
                };
                t.phase = if submits { TaskPhase::Submit { then: Box::new(next) } } else { next };
                let blocks = matches!(t.phase, TaskPhase::External { .. });
                a.step = Step::Task(t);
                self.threads[tid].stage = Stage::Active(a);
                if blocks {
                    Flow::Block
                } else {
                    Flow::Yield
                }
            }
            TaskPhase::Submit { then } => {
                let mut out = Map::default();
                out.insert(Rc::from("SdkHttpMetadata"), Value::empty_object());
                self.emit(tid, EventKind::TaskSubmitted { state: a.state as u32, output: Value::object(out) });
                let blocks = matches!(*then, TaskPhase::External { .. });
                t.phase = *then;
                a.step = Step::Task(t);
                self.threads[tid].stage = Stage::Active(a);
                if blocks {
                    Flow::Block
                } else {
                    Flow::Yield
                }
            }
            TaskPhase::External { kind } => {
                t.phase = TaskPhase::External { kind };
                a.step = Step::Task(t);
                self.threads[tid].stage = Stage::Active(a);
                Flow::Block
            }
            TaskPhase::Await { outcome, at, timed_out } => {
                if self.clock < at {
                    t.phase = TaskPhase::Await { outcome, at, timed_out };
                    a.step = Step::Task(t);
                    self.threads[tid].stage = Stage::Active(a);
                    self.set_timer(at, tid);
                    return Flow::Block;
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
                    Ok(result) => match self.task_result(tid, &a, result) {
                        Ok((output, assigned)) => a.step = Step::Exit { output, next: task.transition, assigned },
                        Err(f) => a.step = Step::Error(f),
                    },
                    Err(f) => a.step = Step::Error(f),
                }
                self.threads[tid].stage = Stage::Active(a);
                Flow::Yield
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

    fn task_result(&mut self, tid: ThreadId, a: &Active, result: Value) -> Result<(Value, Option<Rc<Map>>), Failure> {
        let machine = self.machine.clone();
        let st = &machine.states[a.state];
        let (rs, rp) = match &st.kind {
            StateKind::Task(t) => (&t.result_selector, &t.result_path),
            StateKind::Parallel(p) => (&p.result_selector, &p.result_path),
            StateKind::Map(m) => (&m.result_selector, &m.result_path),
            _ => unreachable_fail(),
        };
        self.check_size(a, &result)?;
        self.record_stage(&a, "result", &result);
        if st.query_language == QueryLanguage::Jsonata {
            let assigned = self.jsonata_assign(tid, a, &st.assign, Some(&result), None)?;
            let output = self.jsonata_output(tid, a, &st.output, &result, Some(&result), None)?;
            return Ok((output, assigned));
        }
        let selected = self.template(tid, a, rs, &result)?;
        if rs.is_some() {
            self.record_stage(&a, "afterResultSelector", &selected);
        }
        let assigned = self.assign(tid, a, &st.assign, &selected)?;
        let after = self.result_path(a, rp, &a.input, selected)?;
        self.record_stage(&a, "afterResultPath", &after);
        let output = self.apply_path(tid, a, &st.output_path, &after)?;
        Ok((output, assigned))
    }

    // ------------------------------------------------------------ errors

    fn handle_error(&mut self, tid: ThreadId, mut a: Box<Active>, mut f: Failure) -> Flow {
        // A JSONata evaluation error is recorded as `EvaluationFailed` first (and, for a Map or
        // Parallel that had not started, `…StateFailed`), as AWS does.
        if let Some(location) = f.location.take() {
            let machine = self.machine.clone();
            let st = &machine.states[a.state];
            let mut events = VecDeque::new();
            events.push_back(EventKind::EvaluationFailed(Box::new(crate::history::EvaluationFailedDetails {
                error: Rc::from(f.error.as_str()),
                cause: Rc::from(f.cause.as_str()),
                location,
                state: st.name.clone(),
            })));
            if matches!(st.kind, StateKind::Map(_) | StateKind::Parallel(_)) {
                return self.fail_composite(tid, a, events, matches!(st.kind, StateKind::Map(_)), f);
            }
            let retry = self.retry_at(tid, &mut a, &f);
            return self.abort_then(tid, a, events, retry, f);
        }
        if let Some(at) = self.retry_at(tid, &mut a, &f) {
            a.step = Step::RetryWait { at };
            self.threads[tid].stage = Stage::Active(a);
            return Flow::Again;
        }
        self.catch_or_fail(tid, a, f)
    }

    /// A Map or Parallel failing with `f` after `events`: `…StateFailed` unless a retrier
    /// runs it again, then retry, catch or fail.
    fn fail_composite(&mut self, tid: ThreadId, mut a: Box<Active>, mut events: VecDeque<EventKind>, is_map: bool, f: Failure) -> Flow {
        let retry = self.retry_at(tid, &mut a, &f);
        if retry.is_none() {
            events.push_back(EventKind::Lifecycle { event_type: if is_map { "MapStateFailed" } else { "ParallelStateFailed" } });
        }
        self.abort_then(tid, a, events, retry, f)
    }

    /// Record `events`, then retry at `retry` or go on to catch or fail.
    fn abort_then(&mut self, tid: ThreadId, mut a: Box<Active>, events: VecDeque<EventKind>, retry: Option<i64>, f: Failure) -> Flow {
        let then = match retry {
            Some(at) => AfterAbort::Retry(at),
            None => AfterAbort::CatchOrFail(f),
        };
        a.step = Step::Aborting { events, then };
        self.threads[tid].stage = Stage::Active(a);
        Flow::Again
    }

    /// When to retry after `f`: the first retrier matching it, if it still has attempts.
    fn retry_at(&mut self, tid: ThreadId, a: &mut Active, f: &Failure) -> Option<i64> {
        let machine = self.machine.clone();
        let retry: &[Retrier] = match &machine.states[a.state].kind {
            StateKind::Task(t) => &t.retry,
            StateKind::Parallel(p) => &p.retry,
            StateKind::Map(m) => &m.retry,
            _ => &[],
        };
        let i = handling::retrier_for(retry, &a.retries, &f.error)?;
        let r = &retry[i];
        let n = a.retries[i];
        a.retries[i] += 1;
        let mut delay = handling::backoff_seconds(r, n);
        let full = r.jitter == Jitter::Full;
        let jitter_bound_ms = full.then(|| handling::to_millis(delay));
        if full {
            delay *= self.rng.next_f64();
        }
        let delay_ms = handling::to_millis(delay);
        let outcome = Outcome::Retry { retrier: i, retry: n + 1, delay_ms: Some(delay_ms), jitter_bound_ms };
        self.record_handling(tid, a.state, a.entered_event, &f.error, outcome);
        Some(self.clock.saturating_add(delay_ms))
    }

    /// After retries: the first matching catcher, or the thread fails.
    fn catch_or_fail(&mut self, tid: ThreadId, mut a: Box<Active>, f: Failure) -> Flow {
        let machine = self.machine.clone();
        let st = &machine.states[a.state];
        let catch: &[Catcher] = match &st.kind {
            StateKind::Task(t) => &t.catch,
            StateKind::Parallel(p) => &p.catch,
            StateKind::Map(m) => &m.catch,
            _ => &[],
        };
        if let Some(i) = handling::catcher_for(catch, &f.error) {
            let c = &catch[i];
            self.record_handling(tid, a.state, a.entered_event, &f.error, Outcome::Catch { catcher: i });
            let error_output = error_output(&f);
            if st.query_language == QueryLanguage::Jsonata {
                let outcome = self
                    .jsonata_assign(tid, &a, &c.assign, None, Some(&error_output))
                    .and_then(|assigned| Ok((assigned, self.jsonata_output(tid, &a, &c.output, &error_output, None, Some(&error_output))?)));
                match outcome {
                    Ok((assigned, output)) => {
                        a.step = Step::Exit { output, next: Transition::Next(c.next), assigned };
                        self.threads[tid].stage = Stage::Active(a);
                    }
                    Err(f2) => self.catcher_failed(tid, &a, f2),
                }
                return Flow::Again;
            }
            let assigned = match self.assign(tid, &a, &c.assign, &error_output) {
                Ok(v) => v,
                Err(f2) => {
                    self.catcher_failed(tid, &a, f2);
                    return Flow::Again;
                }
            };
            match self.result_path(&a, &c.result_path, &a.input, error_output) {
                Ok(output) => {
                    a.step = Step::Exit { output, next: Transition::Next(c.next), assigned };
                    self.threads[tid].stage = Stage::Active(a);
                }
                Err(f2) => self.catcher_failed(tid, &a, f2),
            }
            return Flow::Again;
        }
        self.record_handling(tid, a.state, a.entered_event, &f.error, Outcome::Fail);
        self.threads[tid].failed_in_task = matches!(st.kind, StateKind::Task(_));
        self.threads[tid].stage = Stage::Failed(f);
        Flow::Again
    }

    /// The catcher's own ResultPath, Assign or Output failed: the thread fails with that failure.
    fn catcher_failed(&mut self, tid: ThreadId, a: &Active, f: Failure) {
        self.record_handling(tid, a.state, a.entered_event, &f.error, Outcome::Fail);
        self.threads[tid].stage = Stage::Failed(f);
    }

    fn emit_iteration(&mut self, tid: ThreadId, distributed: bool, kind: EventKind) {
        if !distributed {
            self.emit(tid, kind);
        }
    }

    /// `MapIterationSucceeded`/`…Failed` as AWS chains them: after the iteration's last event
    /// (`child_last`), and the Map goes on from that event, not from this one (the next
    /// `MapIterationStarted`, `MapStateFailed` or a retry's `MapStateStarted` name it).
    /// The new event's id, when one is recorded.
    fn end_iteration(&mut self, tid: ThreadId, distributed: bool, child_last: u64, kind: EventKind) -> Option<u64> {
        if distributed {
            return None;
        }
        if self.threads[tid].silent {
            self.emit(tid, kind);
            return None;
        }
        let id = self.record(child_last, kind);
        self.threads[tid].last_event = child_last;
        Some(id)
    }

    fn complete(&mut self, tid: ThreadId, output: Value) -> Flow {
        self.threads[tid].alive = false;
        match self.threads[tid].parent {
            None => {
                self.emit(tid, EventKind::ExecutionSucceeded { output: output.clone() });
                self.output = Some(output);
                self.finish(Status::Succeeded, None, None);
                Flow::Block
            }
            Some((parent, index)) => {
                let last = self.threads[tid].last_event;
                self.notify_parent(parent, index, Ok(output), false, last);
                Flow::Block
            }
        }
    }

    fn thread_failed(&mut self, tid: ThreadId, f: Failure) -> Flow {
        self.threads[tid].alive = false;
        match self.threads[tid].parent {
            None => {
                let (error, cause) = (opt(&f.error), opt(&f.cause));
                self.emit(tid, EventKind::ExecutionFailed(ErrorCause::boxed(error.clone(), cause.clone())));
                self.finish(Status::Failed, error, cause);
                Flow::Block
            }
            Some((parent, index)) => {
                let in_task = self.threads[tid].failed_in_task;
                let last = self.threads[tid].last_event;
                self.notify_parent(parent, index, Err(f), in_task, last);
                Flow::Block
            }
        }
    }

    fn notify_parent(&mut self, parent: ThreadId, index: usize, result: Result<Value, Failure>, in_task: bool, last_event: u64) {
        if let Stage::Active(a) = &mut self.threads[parent].stage {
            if let Step::Children(c) = &mut a.step {
                c.done.push_back((index, result, in_task, last_event));
            }
        }
        self.wake(parent);
    }

    /// `ToleratedFailureCount(Path)` / `ToleratedFailurePercentage(Path)`, read after
    /// `MapStateStarted` as AWS does.
    fn tolerance(
        &mut self,
        tid: ThreadId,
        a: &Active,
        m: &crate::definition::MapState,
        effective: &Value,
    ) -> Result<(Option<u64>, Option<f64>), Failure> {
        let effective = effective.clone();
        let tolerated_count = match &m.tolerated_failure_count {
            None => None,
            Some(NumberSource::Literal(n)) => Some(*n),
            Some(NumberSource::Jsonata(t)) => {
                let v = self.jsonata(tid, a, t, "ToleratedFailureCount", None, None)?;
                match whole_number_strict(&v).filter(|n| *n >= 0) {
                    Some(n) => Some(n as u64),
                    None => {
                        return Err(self.query_error(
                            a,
                            "ToleratedFailureCount",
                            &format!("The ToleratedFailureCount field must be a non-negative integer, but was: {}", v.to_json()),
                        ))
                    }
                }
            }
            Some(NumberSource::Path(p)) => {
                let v = self
                    .with_env(tid, &a.ctx, &effective, |env| query::select(p, env))
                    .map_err(|e| runtime(&a.ctx, a.entered_event, format!("Invalid path '{}' : {}", p.text(), e.message())))?;
                match whole_number(&v).filter(|n| *n >= 0) {
                    Some(n) => Some(n as u64),
                    None => {
                        return Err(runtime(
                            &a.ctx,
                            a.entered_event,
                            format!(
                                "The ToleratedFailureCountPath field refers to value \"{}\" which is not a valid integer: {}",
                                plain(&v),
                                p.text()
                            ),
                        ))
                    }
                }
            }
        };
        let tolerated_percent = match &m.tolerated_failure_percentage {
            None => None,
            Some(PercentSource::Literal(n)) => Some(*n),
            Some(PercentSource::Jsonata(t)) => {
                let v = self.jsonata(tid, a, t, "ToleratedFailurePercentage", None, None)?;
                match v.as_number().map(|n| n.as_f64()) {
                    Some(n) if (0.0..=100.0).contains(&n) => Some(n),
                    _ => return Err(self.query_error(a, "ToleratedFailurePercentage", "ToleratedFailurePercentage must be between 0 and 100.")),
                }
            }
            Some(PercentSource::Path(p)) => {
                let v = self
                    .with_env(tid, &a.ctx, &effective, |env| query::select(p, env))
                    .map_err(|e| runtime(&a.ctx, a.entered_event, format!("Invalid path '{}' : {}", p.text(), e.message())))?;
                let n = match &v {
                    Value::Number(n) => Some(n.as_f64()),
                    Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
                    _ => None,
                };
                match n {
                    Some(n) if (0.0..=100.0).contains(&n) => Some(n),
                    Some(_) => return Err(runtime(&a.ctx, a.entered_event, "ToleratedFailurePercentage must be between 0 and 100.")),
                    None => {
                        return Err(runtime(
                            &a.ctx,
                            a.entered_event,
                            format!(
                                "The ToleratedFailurePercentagePath field refers to value \"{}\" which is not a valid float: {}",
                                plain(&v),
                                p.text()
                            ),
                        ))
                    }
                }
            }
        };
        Ok((tolerated_count, tolerated_percent))
    }

    // ------------------------------------------------------------ Parallel and Map

    fn children_step(&mut self, tid: ThreadId, mut a: Box<Active>, mut c: Box<Children>) -> Flow {
        let machine = self.machine.clone();
        let st = &machine.states[a.state];
        if !c.started {
            c.started = true;
            c.finished = false;
            c.failing = None;
            c.failures = 0;
            c.next = 0;
            c.running = 0;
            c.done.clear();
            for r in c.results.iter_mut() {
                *r = None;
            }
            if c.is_map {
                self.emit(tid, EventKind::MapStateStarted { length: c.items.len() });
                c.run_phase = 0;
                let StateKind::Map(m) = &st.kind else { unreachable_fail() };
                match self.tolerance(tid, &a, m, &c.effective) {
                    Ok((count, percent)) => {
                        c.tolerated_count = count;
                        c.tolerated_percent = percent;
                    }
                    Err(f) => {
                        a.step = Step::Error(f);
                        self.threads[tid].stage = Stage::Active(a);
                        return Flow::Yield;
                    }
                }
            } else {
                self.emit(tid, EventKind::ParallelStateStarted);
                let StateKind::Parallel(p) = &st.kind else { unreachable_fail() };
                let last = self.threads[tid].last_event;
                for (i, b) in p.branches.iter().enumerate() {
                    let scope = Rc::new(VarScope { vars: Default::default(), parent: Some(self.threads[tid].vars.clone()) });
                    let child_execution = self.child_execution_of(tid);
                    let child = self.spawn(Some((tid, i)), scope, b.start_at, c.effective.clone(), last, child_execution);
                    c.threads[i] = Some(child);
                    self.wake(child);
                }
                c.running = p.branches.len();
                c.next = p.branches.len();
            }
            a.step = Step::Children(c);
            self.threads[tid].stage = Stage::Active(a);
            return Flow::Yield;
        }
        if c.distributed && c.run_phase == 0 {
            c.run_phase = 1;
            let arn = format!(
                "arn:aws:states:{}:{}:mapRun:{}/{}:{}",
                self.options.region, self.options.account, self.options.state_machine_name, st.name, self.transitions
            );
            self.emit(tid, EventKind::MapRunStarted { map_run_arn: Rc::from(arn) });
            a.step = Step::Children(c);
            self.threads[tid].stage = Stage::Active(a);
            return Flow::Yield;
        }
        if let Some((f, child_in_task)) = c.failing.take() {
            // As AWS records it: the siblings' aborts, the failing child's task aborted, then
            // `…StateFailed` unless the state is retried (Parallel: unless a retrier matched).
            let mut events = VecDeque::new();
            for (i, child) in c.threads.clone().into_iter().enumerate() {
                if let Some(child) = child {
                    if self.threads[child].alive {
                        self.abort_thread(child, &mut events);
                        if c.distributed {
                            events.clear();
                            continue;
                        }
                        if c.is_map {
                            events.push_back(EventKind::MapIteration { event_type: "MapIterationAborted", state: a.state as u32, index: i as u32 });
                        }
                    }
                }
            }
            if child_in_task && !c.distributed {
                events.push_back(EventKind::Lifecycle { event_type: "TaskStateAborted" });
            }
            if c.distributed {
                events.push_front(EventKind::MapRunFailed(ErrorCause::boxed(opt(&f.error), opt(&f.cause))));
            }
            c.started = false;
            return self.fail_composite(tid, a, events, c.is_map, f);
        }
        if let Some((i, result, child_in_task, child_last)) = c.done.pop_front() {
            c.running -= 1;
            c.threads[i] = None;
            match result {
                Ok(v) => {
                    c.results[i] = Some(v);
                    if !c.is_map {
                        c.last_branch_event = child_last;
                    }
                    if c.is_map {
                        if let Some(id) = self.end_iteration(
                            tid,
                            c.distributed,
                            child_last,
                            EventKind::MapIteration { event_type: "MapIterationSucceeded", state: a.state as u32, index: i as u32 },
                        ) {
                            c.last_branch_event = id;
                        }
                        a.step = Step::Children(c);
                        self.threads[tid].stage = Stage::Active(a);
                        return Flow::Yield;
                    }
                }
                Err(f) => {
                    if c.is_map {
                        self.end_iteration(
                            tid,
                            c.distributed,
                            child_last,
                            EventKind::MapIteration { event_type: "MapIterationFailed", state: a.state as u32, index: i as u32 },
                        );
                        c.failures += 1;
                        let total = c.items.len().max(1) as f64;
                        let tolerated = c.tolerated_count.is_some_and(|n| c.failures as u64 <= n)
                            || c.tolerated_percent.is_some_and(|p| (c.failures as f64) * 100.0 / total <= p);
                        if tolerated {
                            c.results[i] = Some(error_output(&f));
                        } else if c.tolerated_count.is_some() || c.tolerated_percent.is_some() {
                            c.failing = Some((
                                Failure::new("States.ExceedToleratedFailureThreshold", "The specified tolerated failure threshold was exceeded"),
                                child_in_task,
                            ));
                        } else {
                            c.failing = Some((f, child_in_task));
                        }
                        a.step = Step::Children(c);
                        self.threads[tid].stage = Stage::Active(a);
                        return Flow::Yield;
                    }
                    c.failing = Some((f, child_in_task));
                }
            }
            a.step = Step::Children(c);
            self.threads[tid].stage = Stage::Active(a);
            return Flow::Again;
        }
        if c.is_map && c.next < c.items.len() && (c.max_concurrency == 0 || c.running < c.max_concurrency) {
            let StateKind::Map(m) = &st.kind else { unreachable_fail() };
            let i = c.next;
            let item = c.items[i].clone();
            let input = match &m.item_selector {
                None => item,
                Some(sel) => {
                    let mut ctx = a.ctx.clone();
                    ctx.map_item = Some((i, item, c.keys.as_ref().map(|k| k[i].clone())));
                    let eff = c.effective.clone();
                    let vars = self.threads[tid].vars.clone();
                    let jsonata = st.query_language == QueryLanguage::Jsonata;
                    let input = if jsonata { a.input.clone() } else { eff };
                    let r = {
                        let mut env = StateEnv {
                            input,
                            base: &self.context_base,
                            state: &ctx,
                            rng: &mut self.rng,
                            vars: &vars,
                            built: None,
                            result: None,
                            error_output: None,
                            now: self.clock,
                        };
                        if jsonata {
                            sel.evaluate_jsonata(&mut env, "ItemSelector").map_err(|mut f| {
                                f.cause = format!(
                                    "An error occurred while executing the state '{}' (entered at the event id #{}). {}",
                                    a.ctx.name, a.entered_event, f.cause
                                );
                                f
                            })
                        } else {
                            sel.evaluate(&mut env)
                        }
                    };
                    match r {
                        Ok(v) => v,
                        Err(f) => {
                            let f = if f.error == "States.Runtime" { runtime(&a.ctx, a.entered_event, f.cause) } else { f };
                            c.failing = Some((f, false));
                            a.step = Step::Children(c);
                            self.threads[tid].stage = Stage::Active(a);
                            return Flow::Again;
                        }
                    }
                }
            };
            c.next += 1;
            c.running += 1;
            self.emit_iteration(
                tid,
                c.distributed,
                EventKind::MapIteration { event_type: "MapIterationStarted", state: a.state as u32, index: i as u32 },
            );
            let last = self.threads[tid].last_event;
            let scope = Rc::new(VarScope { vars: Default::default(), parent: Some(self.threads[tid].vars.clone()) });
            let child_execution = if c.distributed { Some(None) } else { self.child_execution_of(tid) };
            let child = self.spawn(Some((tid, i)), scope, m.processor.start_at, input, last, child_execution);
            c.threads[i] = Some(child);
            self.wake(child);
            // The Map admits every item it may before its iterations run, as AWS records.
            let more = c.next < c.items.len() && (c.max_concurrency == 0 || c.running < c.max_concurrency);
            a.step = Step::Children(c);
            self.threads[tid].stage = Stage::Active(a);
            return if more { Flow::YieldFront } else { Flow::Yield };
        }
        if c.running == 0 && c.next >= c.items.len().max(if c.is_map { 0 } else { c.results.len() }) {
            if !c.finished {
                c.finished = true;
                if c.distributed && c.run_phase == 1 {
                    c.run_phase = 2;
                    self.emit(tid, EventKind::Lifecycle { event_type: "MapRunSucceeded" });
                    c.finished = false;
                    a.step = Step::Children(c);
                    self.threads[tid].stage = Stage::Active(a);
                    return Flow::Yield;
                }
                if c.last_branch_event != 0 {
                    self.threads[tid].last_event = c.last_branch_event;
                }
                // AWS does not chain the next event to `…StateSucceeded`: `…StateExited`
                // names the same previous event.
                let previous = self.threads[tid].last_event;
                self.emit(tid, EventKind::Lifecycle { event_type: if c.is_map { "MapStateSucceeded" } else { "ParallelStateSucceeded" } });
                self.threads[tid].last_event = previous;
                a.step = Step::Children(c);
                self.threads[tid].stage = Stage::Active(a);
                return Flow::Yield;
            }
            let results = Value::array(c.results.iter().map(|r| r.clone().unwrap_or(Value::Null)).collect());
            let next = match &st.kind {
                StateKind::Map(m) => m.transition,
                StateKind::Parallel(p) => p.transition,
                _ => unreachable_fail(),
            };
            match self.task_result(tid, &a, results) {
                Ok((output, assigned)) => a.step = Step::Exit { output, next, assigned },
                Err(f) => a.step = Step::Error(f),
            }
            self.threads[tid].stage = Stage::Active(a);
            return Flow::Again;
        }
        a.step = Step::Children(c);
        self.threads[tid].stage = Stage::Active(a);
        Flow::Block
    }

    /// A child execution (a distributed Map's iteration) reached the event limit: it
    /// stops, and fails its iteration as an execution fails at the limit.
    fn child_execution_at_event_limit(&mut self, root: ThreadId) {
        self.abort_thread(root, &mut VecDeque::new());
        let cause = format!("The execution reached the maximum number of history events ({}).", self.options.max_events.min(super::MAX_EVENTS));
        if let Some((parent, index)) = self.threads[root].parent {
            let last = self.threads[root].last_event;
            self.notify_parent(parent, index, Err(Failure::runtime(cause)), false, last);
        }
    }

    /// Stop a thread and everything under it, collecting the abort events AWS records.
    fn abort_thread(&mut self, tid: ThreadId, out: &mut VecDeque<EventKind>) {
        self.threads[tid].alive = false;
        self.threads[tid].generation += 1;
        self.pending.retain(|(_, t)| *t != tid);
        let machine = self.machine.clone();
        let stage = std::mem::replace(&mut self.threads[tid].stage, Stage::Done);
        if let Stage::Active(a) = stage {
            let st = &machine.states[a.state];
            match (&st.kind, &a.step) {
                (StateKind::Task(_), _) => out.push_back(EventKind::Lifecycle { event_type: "TaskStateAborted" }),
                (StateKind::Wait(_), _) => out.push_back(EventKind::Lifecycle { event_type: "WaitStateAborted" }),
                (StateKind::Map(_) | StateKind::Parallel(_), Step::Children(c)) => {
                    for (i, child) in c.threads.iter().enumerate() {
                        if let Some(child) = child {
                            if self.threads[*child].alive {
                                self.abort_thread(*child, out);
                                if c.is_map {
                                    out.push_back(EventKind::MapIteration {
                                        event_type: "MapIterationAborted",
                                        state: a.state as u32,
                                        index: i as u32,
                                    });
                                }
                            }
                        }
                    }
                    out.push_back(EventKind::Lifecycle { event_type: if c.is_map { "MapStateAborted" } else { "ParallelStateAborted" } });
                }
                _ => {}
            }
        }
    }
}

fn unreachable_fail() -> ! {
    panic!("internal error: state kind mismatch in the engine")
}

/// The error output a catcher sees: `{"Error", "Cause"}`, null where the failure has none.
fn error_output(f: &Failure) -> Value {
    let field = |s: &str, absent: bool| if absent { Value::Null } else { Value::from(s) };
    let mut eo = Map::default();
    eo.insert(Rc::from("Error"), field(&f.error, f.error_absent));
    eo.insert(Rc::from("Cause"), field(&f.cause, f.cause_absent));
    Value::object(eo)
}

/// A whole JSON number (JSONata results must be numbers, not numeric strings).
fn whole_number_strict(v: &Value) -> Option<i64> {
    v.as_number().and_then(|n| n.as_i64())
}

/// A whole number given as a JSON number or as a numeric string (AWS accepts `"1"` in `…Path` fields).
fn whole_number(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn opt(s: &str) -> Option<Rc<str>> {
    if s.is_empty() {
        None
    } else {
        Some(Rc::from(s))
    }
}

/// A value as AWS shows it in messages: strings bare, everything else as JSON.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        other => other.to_json(),
    }
}

fn resource_names(r: &Resource) -> (Rc<str>, Rc<str>) {
    match r {
        Resource::Integration { resource_type, resource, .. } => (Rc::from(resource_type.as_str()), Rc::from(resource.as_str())),
        Resource::LambdaFunction { arn } | Resource::Activity { arn } => (Rc::from(""), Rc::from(arn.as_str())),
    }
}

/// AWS's `ErrorEquals` matching. `States.Runtime` ends the execution: no retrier or
/// catcher takes it, not even one that names it (as AWS recorded).
pub(crate) fn matches_error(names: &[Rc<str>], error: &str) -> bool {
    if error == "States.Runtime" {
        return false;
    }
    names.iter().any(|n| match &**n {
        "States.ALL" => true,
        "States.TaskFailed" => !matches!(error, "States.Timeout" | "States.HeartbeatTimeout"),
        "States.Timeout" => error == "States.Timeout" || error == "States.HeartbeatTimeout",
        other => other == error,
    })
}

fn compare(op: Operator, v: &Value, rhs: &Value) -> bool {
    use std::cmp::Ordering::*;
    use Operator::*;
    match op {
        IsNull => v.is_null() == rhs.as_bool().unwrap_or(true),
        IsPresent => rhs.as_bool().unwrap_or(true),
        IsNumeric => matches!(v, Value::Number(_)) == rhs.as_bool().unwrap_or(true),
        IsString => matches!(v, Value::String(_)) == rhs.as_bool().unwrap_or(true),
        IsBoolean => matches!(v, Value::Bool(_)) == rhs.as_bool().unwrap_or(true),
        IsTimestamp => v.as_str().and_then(super::clock::parse_timestamp).is_some() == rhs.as_bool().unwrap_or(true),
        StringMatches => match (v.as_str(), rhs.as_str()) {
            (Some(s), Some(p)) => string_matches(s, p),
            _ => false,
        },
        BooleanEquals => matches!((v, rhs), (Value::Bool(a), Value::Bool(b)) if a == b),
        StringEquals | StringLessThan | StringGreaterThan | StringLessThanEquals | StringGreaterThanEquals => {
            let (Some(a), Some(b)) = (v.as_str(), rhs.as_str()) else { return false };
            let o = a.cmp(b);
            match op {
                StringEquals => o == Equal,
                StringLessThan => o == Less,
                StringGreaterThan => o == Greater,
                StringLessThanEquals => o != Greater,
                _ => o != Less,
            }
        }
        NumericEquals | NumericLessThan | NumericGreaterThan | NumericLessThanEquals | NumericGreaterThanEquals => {
            let (Some(a), Some(b)) = (v.as_number(), rhs.as_number()) else { return false };
            let (a, b) = (a.as_f64(), b.as_f64());
            match op {
                NumericEquals => a == b,
                NumericLessThan => a < b,
                NumericGreaterThan => a > b,
                NumericLessThanEquals => a <= b,
                _ => a >= b,
            }
        }
        TimestampEquals | TimestampLessThan | TimestampGreaterThan | TimestampLessThanEquals | TimestampGreaterThanEquals => {
            let (Some(a), Some(b)) = (v.as_str().and_then(super::clock::parse_timestamp), rhs.as_str().and_then(super::clock::parse_timestamp))
            else {
                return false;
            };
            match op {
                TimestampEquals => a == b,
                TimestampLessThan => a < b,
                TimestampGreaterThan => a > b,
                TimestampLessThanEquals => a <= b,
                _ => a >= b,
            }
        }
    }
}

/// `StringMatches`: `*` matches any run of characters; `\*` and `\\` are literal.
/// Iterative with backtracking to the last star only, so no pattern can blow up.
pub(crate) fn string_matches(s: &str, pattern: &str) -> bool {
    #[derive(PartialEq)]
    enum Tok {
        Star,
        Ch(char),
    }
    let mut toks = Vec::new();
    let mut it = pattern.chars();
    while let Some(c) = it.next() {
        match c {
            '\\' => match it.next() {
                Some(n) => toks.push(Tok::Ch(n)),
                None => toks.push(Tok::Ch('\\')),
            },
            '*' => toks.push(Tok::Star),
            c => toks.push(Tok::Ch(c)),
        }
    }
    let s: Vec<char> = s.chars().collect();
    let (mut i, mut p) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        if p < toks.len() {
            match toks[p] {
                Tok::Star => {
                    star = Some((p, i));
                    p += 1;
                    continue;
                }
                Tok::Ch(c) if c == s[i] => {
                    i += 1;
                    p += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, si)) => {
                p = sp + 1;
                i = si + 1;
                star = Some((sp, si + 1));
            }
            None => return false,
        }
    }
    while p < toks.len() && toks[p] == Tok::Star {
        p += 1;
    }
    p == toks.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn string_matching() {
        assert!(string_matches("log-2024.txt", "log-*.txt"));
        assert!(string_matches("a*b", "a\\*b"));
        assert!(!string_matches("axb", "a\\*b"));
        assert!(string_matches("", "*"));
        assert!(!string_matches(&"a".repeat(5000), &format!("{}b", "*a".repeat(50))));
    }
}
