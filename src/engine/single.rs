//! One state run on its own, as AWS's TestState API runs it.
//!
//! [`Simulator::test_state`] starts an execution whose top-level thread enters the tested
//! state (not `StartAt`) with the caller's variables, context object and retry count,
//! and stops at the first point where TestState answers: the state exits (SUCCEEDED,
//! or CAUGHT_ERROR when a catcher produced the output, with the state it would go to
//! next), a retrier schedules another attempt (RETRIABLE, with the back-off it would
//! wait), or the state fails (FAILED). A mock given to the test answers the tested
//! state itself: a Task's service call, or a whole Map's or Parallel's result (their
//! children never run; `mapIterationFailureCount` is checked against the Map's
//! tolerance instead). The request's rules and AWS's response format live in
//! `crate::teststate`; this module only runs the state.

use super::children::{Children, Composite};
use super::thread::{Active, Flow, Stage, Step, Turn};
use super::{Execution, Simulator, Status, ThreadId, VarScope};
use crate::definition::{StateId, StateKind, Transition};
use crate::mocks::{MockOutcome, MockResponse};
use crate::query::Failure;
use crate::value::{Map, Value};
use std::rc::Rc;

/// The cause AWS gives when a Map's failures exceed its tolerance.
const EXCEEDED: &str = "The specified tolerated failure threshold was exceeded";

/// What to run: the state, and what TestState lets the caller set around it.
#[derive(Clone, Debug)]
pub struct StateTest {
    pub state: StateId,
    /// The variables in scope when the state is entered.
    pub variables: Map,
    /// The whole context object (`$$`, `$states.context`) when the caller gives one;
    /// otherwise the execution's own.
    pub context: Option<Value>,
    /// The parts of `$$` fixed for the execution (`Execution`, `StateMachine`), in place
    /// of those the options give (TestState's Express-like context).
    pub base_context: Option<Value>,
    /// The name the state has in its context object (`$$.State.Name`).
    pub context_name: Option<Rc<str>>,
    /// Attempts each retrier has already used (`stateConfiguration.retrierRetryCount`).
    pub retry_count: u64,
    /// The answer of the tested state's service call, or of a whole Map or Parallel.
    pub mock: Option<MockOutcome>,
    /// Map iterations that failed (`stateConfiguration.mapIterationFailureCount`).
    pub map_iteration_failure_count: Option<u64>,
}

/// How the tested state ended, in TestState's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestStatus {
    Succeeded,
    Failed,
    Retriable,
    CaughtError,
}

impl TestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TestStatus::Succeeded => "SUCCEEDED",
            TestStatus::Failed => "FAILED",
            TestStatus::Retriable => "RETRIABLE",
            TestStatus::CaughtError => "CAUGHT_ERROR",
        }
    }
}

/// What the tested state did.
#[derive(Clone, Debug)]
pub struct StateTestOutcome {
    pub status: TestStatus,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub next_state: Option<Rc<str>>,
    /// The data-flow stages, as the inspector records them (`input`, `afterInputPath`, …).
    pub stages: Vec<(&'static str, Value)>,
    /// The variables in scope after the state ran.
    pub variables: Map,
    /// The retrier that matched the error (RETRIABLE, or FAILED once it has no attempts left).
    pub retry_index: Option<usize>,
    pub retry_backoff_seconds: Option<f64>,
    pub catch_index: Option<usize>,
    /// A Map's settings as evaluated: MaxConcurrency, and the tolerance it declares.
    pub max_concurrency: Option<u64>,
    pub tolerated_failure_count: Option<u64>,
    pub tolerated_failure_percentage: Option<f64>,
}

/// A test in progress: the request and what has been seen so far.
pub(crate) struct TestRun {
    test: StateTest,
    status: Option<TestStatus>,
    next_state: Option<Rc<str>>,
    failure: Option<Failure>,
    retry_index: Option<usize>,
    retry_backoff_seconds: Option<f64>,
    catch_index: Option<usize>,
    max_concurrency: Option<u64>,
    tolerance: (Option<u64>, Option<f64>),
}

/// The most events a test may record: one state records a handful; a loop cannot happen.
const TEST_STEP_BUDGET: u64 = 10_000;

impl Simulator {
    /// Run `test.state` alone with `input`, as TestState does.
    pub fn test_state(&self, test: StateTest, input: Value) -> StateTestOutcome {
        let state = test.state;
        let scope = Rc::new(VarScope { vars: std::cell::RefCell::new(test.variables.clone()), parent: None });
        let run = Box::new(TestRun::new(test.clone()));
        let mut ex = Execution::starting_at(self.machine.clone(), self.options.clone(), input, state, scope, Some(run));
        if let Some(base) = &test.base_context {
            ex.context_base = base.clone();
        }
        ex.run(Some(TEST_STEP_BUDGET));
        let run = ex.test.take().map(|b| *b).unwrap_or_else(|| TestRun::new(test));
        let stages = ex.inspections[state].as_ref().map(|i| i.stages.clone()).unwrap_or_default();
        let variables = ex.threads.first().map(|t| t.vars.visible()).unwrap_or_default();
        let (status, output, error, cause) = match run.status {
            Some(TestStatus::Retriable) => {
                let f = run.failure.unwrap_or_default();
                (TestStatus::Retriable, None, present(&f.error, f.error_absent), present(&f.cause, f.cause_absent))
            }
            Some(TestStatus::CaughtError) => {
                let f = run.failure.unwrap_or_default();
                (TestStatus::CaughtError, ex.output.clone(), present(&f.error, f.error_absent), present(&f.cause, f.cause_absent))
            }
            Some(s) => (s, ex.output.clone(), None, None),
            None => match ex.status {
                Status::Failed | Status::TimedOut | Status::Aborted => {
                    (TestStatus::Failed, None, ex.error.as_deref().map(String::from), ex.cause.as_deref().map(String::from))
                }
                // A state that neither ended nor failed within the budget (it waits for the
                // outside world, which `crate::teststate` refuses up front for Tasks without a
                // mock): reported as failed rather than left hanging.
                Status::Running | Status::Paused | Status::Succeeded => (
                    TestStatus::Failed,
                    None,
                    Some("States.Runtime".into()),
                    Some("The state did not finish: it waits for an answer from outside the simulator.".into()),
                ),
            },
        };
        StateTestOutcome {
            status,
            output,
            error,
            cause,
            next_state: run.next_state,
            stages,
            variables,
            retry_index: run.retry_index,
            retry_backoff_seconds: if status == TestStatus::Retriable { run.retry_backoff_seconds } else { None },
            catch_index: if status == TestStatus::CaughtError { run.catch_index } else { None },
            max_concurrency: run.max_concurrency,
            tolerated_failure_count: run.tolerance.0,
            tolerated_failure_percentage: run.tolerance.1,
        }
    }
}

impl TestRun {
    fn new(test: StateTest) -> TestRun {
        TestRun {
            test,
            status: None,
            next_state: None,
            failure: None,
            retry_index: None,
            retry_backoff_seconds: None,
            catch_index: None,
            max_concurrency: None,
            tolerance: (None, None),
        }
    }
}

fn present(s: &str, absent: bool) -> Option<String> {
    (!absent).then(|| s.to_string())
}

impl Execution {
    /// Whether `tid` runs the tested state (the top-level thread of a test).
    pub(super) fn tests(&self, tid: ThreadId) -> bool {
        self.test.is_some() && self.threads[tid].parent.is_none()
    }

    /// The tested state is entered: its context and its retriers' counts as the test says.
    pub(super) fn test_enter(&mut self, tid: ThreadId, a: &mut Active) {
        if !self.tests(tid) {
            return;
        }
        let Some(t) = &self.test else { return };
        if let Some(name) = &t.test.context_name {
            a.ctx.name = name.clone();
        }
        a.ctx.fixed = t.test.context.clone();
        a.ctx.retry_count = t.test.retry_count;
        for r in a.retries.iter_mut() {
            *r = t.test.retry_count;
        }
    }

    /// The mocked answer of a Task call: the test's own mock for the tested state, else the mocks.
    pub(super) fn mock_response(&self, tid: ThreadId, state: &str, call: usize) -> Option<MockResponse> {
        if self.tests(tid) {
            if let Some(outcome) = self.test.as_ref().and_then(|t| t.test.mock.clone()) {
                return Some(MockResponse { outcome, delay_seconds: 0, submitted: None });
            }
        }
        self.mocks().response(state, call).cloned()
    }

    /// A retrier matched `f`: remember which, and the back-off it chose (`None` when it has no attempts left).
    pub(super) fn test_note_retry(&mut self, index: usize, delay_seconds: Option<f64>, f: &Failure) {
        if let Some(t) = &mut self.test {
            t.retry_index = Some(index);
            t.retry_backoff_seconds = delay_seconds;
            t.failure = Some(f.clone());
        }
    }

    /// A catcher took `f`.
    pub(super) fn test_note_catch(&mut self, tid: ThreadId, index: usize, f: &Failure) {
        if !self.tests(tid) {
            return;
        }
        if let Some(t) = &mut self.test {
            t.catch_index = Some(index);
            t.failure = Some(f.clone());
        }
    }

    /// The tested state is about to wait for a retry: the test ends RETRIABLE.
    pub(super) fn test_retry_stop(&mut self, tid: ThreadId) -> Option<Turn> {
        if !self.tests(tid) {
            return None;
        }
        if let Some(t) = &mut self.test {
            t.status = Some(TestStatus::Retriable);
        }
        self.finish(Status::Succeeded, None, None);
        Some(Turn::Leave(Stage::Done, Flow::Block))
    }

    /// The tested state exits with `output` towards `next`: the test ends there.
    pub(super) fn test_exit(&mut self, tid: ThreadId, output: &Value, next: Transition) -> Option<Turn> {
        if !self.tests(tid) {
            return None;
        }
        let name = match next {
            Transition::Next(n) => Some(self.machine.states[n].name.clone()),
            Transition::End => None,
        };
        if let Some(t) = &mut self.test {
            t.status = Some(if t.catch_index.is_some() { TestStatus::CaughtError } else { TestStatus::Succeeded });
            t.next_state = name;
        }
        self.output = Some(output.clone());
        self.finish(Status::Succeeded, None, None);
        Some(Turn::Leave(Stage::Done, Flow::Block))
    }

    /// Whether the tested Map or Parallel takes its result from the test's mock.
    pub(super) fn test_mocks_children(&self, tid: ThreadId) -> bool {
        self.tests(tid) && self.test.as_ref().is_some_and(|t| t.test.mock.is_some())
    }

    /// A mocked Map or Parallel: the mock is the whole result (or the error), and a Map's
    /// `mapIterationFailureCount` is judged against the tolerance it declares.
    pub(super) fn mocked_children(&mut self, tid: ThreadId, a: &mut Active, kind: &StateKind, c: &Children) -> Turn {
        let mock = self.test.as_ref().and_then(|t| t.test.mock.clone());
        let failures = self.test.as_ref().and_then(|t| t.test.map_iteration_failure_count);
        let (of, rs, rp, next) = match kind {
            StateKind::Map(m) => (Composite::Map(m), &m.result_selector, &m.result_path, m.transition),
            StateKind::Parallel(p) => (Composite::Parallel(p), &p.result_selector, &p.result_path, p.transition),
            StateKind::Pass(_) | StateKind::Task(_) | StateKind::Choice(_) | StateKind::Wait(_) | StateKind::Succeed | StateKind::Fail(_) => {
                return Turn::Leave(Stage::Failed(Failure::runtime("internal error: only a Map or Parallel has children")), Flow::Again);
            }
        };
        let mut tolerance = (None, None);
        if let Composite::Map(m) = of {
            let effective = c.effective().clone();
            match self.tolerance(tid, a, m, &effective) {
                Ok(t) => tolerance = t,
                Err(f) => {
                    a.step = Step::Error(f);
                    return Turn::Stay(Flow::Again);
                }
            }
            if let Some(t) = &mut self.test {
                t.max_concurrency = Some(c.max_concurrency() as u64);
                t.tolerance = tolerance;
            }
        }
        a.step = match mock {
            Some(MockOutcome::Throw { error, cause }) => Step::Error(Failure::reported(error.as_deref(), cause.as_deref())),
            Some(MockOutcome::Return(result)) => {
                let exceeded = match (failures, tolerance) {
                    (Some(n), (count, percent)) if count.is_some() || percent.is_some() => {
                        let total = result.as_array().map(|r| r.len()).unwrap_or(c.item_count()).max(1) as f64;
                        let tolerated = count.is_some_and(|t| n <= t) || percent.is_some_and(|p| n as f64 * 100.0 / total <= p);
                        !tolerated
                    }
                    _ => false,
                };
                if exceeded {
                    Step::Error(Failure::new("States.ExceedToleratedFailureThreshold", EXCEEDED))
                } else {
                    match self.result_stages(tid, a, rs, rp, result) {
                        Ok((output, assigned)) => Step::Exit { output, next, assigned },
                        Err(f) => Step::Error(f),
                    }
                }
            }
            None => Step::Error(Failure::runtime("internal error: a mocked Map or Parallel without its mock")),
        };
        Turn::Stay(Flow::Again)
    }
}
