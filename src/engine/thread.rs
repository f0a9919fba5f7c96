//! Threads and their turns: the flow machinery every state kind runs on.
//!
//! A thread is one line of execution (the top level, a Parallel branch, a Map
//! iteration). Each turn takes its stage out, advances it until one history event is
//! recorded or the thread blocks, and puts it back: `active` dispatches on the state's
//! `Step` and its `StateKind` (matched exhaustively, so a new state kind is a compile
//! error here), and the handlers return a `Turn` saying whether the state goes on or
//! the thread moves to another stage. Entering a state, leaving it (`Exit`, the 256 KiB
//! and variable-size checks, `Assign`), waiting on a timer, and a thread's end (telling
//! its parent, or ending the execution) live here; what each kind does lives in
//! `body`, `choice`, `task`, `recovery` and `children`.

use super::children::{Children, Composite};
use super::context::StateContext;
use super::dataflow::opt;
use super::recovery::error_handlers;
use super::task::{TaskPhase, TaskRun};
use super::{Execution, Inspection, Status, ThreadId, VarScope, MAX_PAYLOAD_BYTES};
use crate::definition::{StateId, StateKind, Transition};
use crate::history::{AssignedExit, ErrorCause, EventKind};
use crate::query::Failure;
use crate::value::{Map, Value};
use std::collections::VecDeque;
use std::rc::Rc;

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
    pub spare: Option<Box<Active>>,
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

/// A state being run by a thread: what it was entered with and how far it has got.
pub(crate) struct Active {
    pub(super) state: StateId,
    pub(super) input: Value,
    pub(super) ctx: StateContext,
    pub(super) entered_event: u64,
    /// Attempts used so far, one counter per retrier.
    pub(super) retries: Vec<u64>,
    pub(super) step: Step,
}

pub(super) enum AfterAbort {
    Retry(i64),
    /// Retries are settled: catch or fail.
    CatchOrFail(Failure),
}

/// The next thing a state's run does; each kind's own work lives in its module.
pub(super) enum Step {
    /// Evaluate the state's fields (on entry and on each retry).
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

/// How a turn left the thread.
#[derive(Clone, Copy)]
pub(super) enum Flow {
    /// Nothing recorded yet; advance again.
    Again,
    /// An event was recorded; the thread can run again later.
    Yield,
    /// An event was recorded; the thread runs again before the others (a Map admitting items).
    YieldFront,
    /// Not runnable until a timer, a child or the outside world wakes it.
    Block,
}

/// What a handler did with the state it was given.
pub(super) enum Turn {
    /// The state goes on: its `step` says what it does next.
    Stay(Flow),
    /// The state is over and the thread moves on to this stage.
    Leave(Stage, Flow),
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
                    TaskPhase::External { kind, .. } => Some((a.state, kind, t.effective.clone())),
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
    /// The instant a waiting task's timer is due, if `at` is one of them (its timeout or its
    /// heartbeat as last re-armed): a timer a task left behind (answered, heartbeat re-armed)
    /// must not move the clock.
    pub fn external_timer_due(&self, at: i64) -> bool {
        let Stage::Active(a) = &self.stage else { return false };
        let Step::Task(t) = &a.step else { return false };
        match &t.phase {
            TaskPhase::External { timeout_at, heartbeat_at, .. } => *timeout_at == at || *heartbeat_at == Some(at),
            TaskPhase::WorkerStarted { then } => {
                matches!(**then, TaskPhase::External { timeout_at, heartbeat_at, .. } if timeout_at == at || heartbeat_at == Some(at))
            }
            _ => false,
        }
    }
    /// A heartbeat from the task's worker: its heartbeat timer starts again from `now`.
    /// Returns the new expiry to arm, if the task has `HeartbeatSeconds`.
    /// Returns the new heartbeat expiry to arm (if the task has `HeartbeatSeconds`), and
    /// whether the thread must run: an activity's first heartbeat records `ActivityStarted`.
    pub fn heartbeat(&mut self, now: i64) -> (Option<i64>, bool) {
        let Stage::Active(a) = &mut self.stage else { return (None, false) };
        let Step::Task(t) = &mut a.step else { return (None, false) };
        let seconds = t.heartbeat;
        let TaskPhase::External { heartbeat_at, unstarted, .. } = &mut t.phase else { return (None, false) };
        let at = seconds.map(|s| now.saturating_add((s as i64).saturating_mul(1000)));
        if at.is_some() {
            *heartbeat_at = at;
        }
        let start = std::mem::take(unstarted);
        if start {
            let waiting = std::mem::replace(&mut t.phase, TaskPhase::Schedule);
            t.phase = TaskPhase::WorkerStarted { then: Box::new(waiting) };
        }
        (at, start)
    }
    pub fn deliver(&mut self, outcome: Result<Value, Failure>) {
        if let Stage::Active(a) = &mut self.stage {
            if let Step::Task(t) = &mut a.step {
                let answered = TaskPhase::Await { outcome, at: i64::MIN, timed_out: false };
                match &mut t.phase {
                    // A heartbeat started the worker: ActivityStarted is still to be recorded.
                    TaskPhase::WorkerStarted { then } => **then = answered,
                    TaskPhase::External { unstarted: true, .. } => t.phase = TaskPhase::WorkerStarted { then: Box::new(answered) },
                    phase => *phase = answered,
                }
            }
        }
    }
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
    pub(super) fn child_execution_of(&self, tid: ThreadId) -> Option<Option<ThreadId>> {
        let t = &self.threads[tid];
        t.silent.then_some(Some(t.child_execution))
    }

    pub(crate) fn wake(&mut self, tid: ThreadId) {
        if !self.threads[tid].queued && self.threads[tid].alive {
            self.threads[tid].queued = true;
            self.runnable.push_back(tid);
        }
    }

    pub(super) fn emit(&mut self, tid: ThreadId, kind: EventKind) {
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
        // `$$.State.RetryCount` exists only where a state can be retried.
        let retriable = match &st.kind {
            StateKind::Task(_) | StateKind::Parallel(_) | StateKind::Map(_) => true,
            StateKind::Pass(_) | StateKind::Choice(_) | StateKind::Wait(_) | StateKind::Succeed | StateKind::Fail(_) => false,
        };
        let ctx = StateContext { name: st.name.clone(), entered_time: self.clock, retriable, ..Default::default() };
        let retries = vec![0; error_handlers(&st.kind).0.len()];
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
        let mut active = Active { state, input, ctx, entered_event, retries, step: Step::Body };
        self.test_enter(tid, &mut active);
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

    /// One turn of a state: dispatch on its step (and, for a kind's own work, on its kind).
    fn active(&mut self, tid: ThreadId, mut a: Box<Active>) -> Flow {
        let machine = self.machine.clone();
        let kind = &machine.states[a.state].kind;
        let turn = match std::mem::replace(&mut a.step, Step::Body) {
            Step::Body => {
                if let Err(f) = self.body(tid, &mut a) {
                    a.step = Step::Error(f);
                }
                Turn::Stay(Flow::Again)
            }
            Step::Exit { output, next, assigned } => self.exit(tid, &mut a, output, next, assigned),
            Step::WaitUntil { at, output, next, assigned } => {
                if self.clock < at {
                    a.step = Step::WaitUntil { at, output, next, assigned };
                    self.set_timer(at, tid);
                    Turn::Stay(Flow::Block)
                } else {
                    a.step = Step::Exit { output, next, assigned };
                    Turn::Stay(Flow::Again)
                }
            }
            Step::Error(f) => self.handle_error(tid, &mut a, f),
            Step::RetryWait { at } => {
                if let Some(turn) = self.test_retry_stop(tid) {
                    turn
                } else if self.clock < at {
                    a.step = Step::RetryWait { at };
                    self.set_timer(at, tid);
                    Turn::Stay(Flow::Block)
                } else {
                    a.ctx.retry_count += 1;
                    Turn::Stay(Flow::Again)
                }
            }
            Step::Aborting { events, then } => self.aborting(tid, &mut a, events, then),
            Step::Task(t) => match kind {
                StateKind::Task(task) => self.task_step(tid, &mut a, task, t),
                StateKind::Pass(_)
                | StateKind::Choice(_)
                | StateKind::Wait(_)
                | StateKind::Succeed
                | StateKind::Fail(_)
                | StateKind::Parallel(_)
                | StateKind::Map(_) => mismatch(kind, "a task call"),
            },
            Step::Children(c) if self.test_mocks_children(tid) => self.mocked_children(tid, &mut a, kind, &c),
            Step::Children(c) => match kind {
                StateKind::Parallel(p) => self.children_step(tid, &mut a, Composite::Parallel(p), c),
                StateKind::Map(m) => self.children_step(tid, &mut a, Composite::Map(m), c),
                StateKind::Pass(_) | StateKind::Task(_) | StateKind::Choice(_) | StateKind::Wait(_) | StateKind::Succeed | StateKind::Fail(_) => {
                    mismatch(kind, "branches or iterations")
                }
            },
        };
        match turn {
            Turn::Stay(flow) => {
                self.threads[tid].stage = Stage::Active(a);
                flow
            }
            Turn::Leave(stage, flow) => {
                // The next state of the thread reuses this allocation.
                if matches!(stage, Stage::Enter { .. }) {
                    self.threads[tid].spare = Some(a);
                }
                self.threads[tid].stage = stage;
                flow
            }
        }
    }

    /// The state exits with `output`: the size limits, the variables it assigns, its
    /// `…StateExited` event, then the next state or the end of the thread.
    fn exit(&mut self, tid: ThreadId, a: &mut Active, output: Value, next: Transition, assigned: Option<Rc<Map>>) -> Turn {
        if let Err(f) = self.check_size(a, &output) {
            a.step = Step::Error(f);
            return Turn::Stay(Flow::Again);
        }
        self.record_stage(a, "output", &output);
        if let Some(ins) = self.inspection(a) {
            ins.context = Some(a.ctx.clone());
        }
        if let Some(assigned) = &assigned {
            // AWS: a state may assign up to 256 KiB of variables.
            let size: usize = assigned.iter().map(|(k, v)| k.len() + v.json_len()).sum();
            if size > MAX_PAYLOAD_BYTES {
                a.step = Step::Error(Failure::new(
                    "States.DataLimitExceeded",
                    format!("The state/task '{}' assigned variables with a size exceeding the maximum number of bytes service limit.", a.ctx.name),
                ));
                return Turn::Stay(Flow::Again);
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
        if let Some(turn) = self.test_exit(tid, &output, next) {
            return turn;
        }
        let stage = match next {
            Transition::Next(n) => Stage::Enter { state: n, input: output },
            Transition::End => Stage::Complete(output),
        };
        Turn::Leave(stage, Flow::Yield)
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
}

/// A step that only a state of another kind takes: the engine built it wrong. The
/// thread fails with `States.Runtime` (which nothing catches) instead of panicking.
fn mismatch(kind: &StateKind, step: &str) -> Turn {
    let cause = format!("internal error: a {} state was given {}", kind.type_name(), step);
    Turn::Leave(Stage::Failed(Failure::runtime(cause)), Flow::Again)
}
