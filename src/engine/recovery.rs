//! Retry and Catch: what happens to a state's failure.
//!
//! The first retrier whose `ErrorEquals` matches decides: it runs the state again after
//! IntervalSeconds × BackoffRate^n (capped by MaxDelaySeconds, FULL jitter drawn from
//! the seeded RNG) while it has attempts left; once it has none, or when none matches,
//! the first matching catcher sends the error output to its `Next`, and otherwise the
//! thread fails. A Map or Parallel records the abort events of its children and
//! `…StateFailed` before that (unless it is retried), and a JSONata evaluation error
//! records `EvaluationFailed` first, as AWS does. `matches_error` is AWS's `ErrorEquals`
//! rule, the one place it is written.

use super::dataflow::error_output;
use super::handling::{self, Outcome};
use super::thread::{Active, AfterAbort, Flow, Stage, Step, Turn};
use super::{Execution, ThreadId};
use crate::definition::{Catcher, Jitter, QueryLanguage, Retrier, StateKind, Transition};
use crate::history::{EvaluationFailedDetails, EventKind};
use crate::query::Failure;
use std::collections::VecDeque;
use std::rc::Rc;

/// The retriers and catchers of a state (only Task, Parallel and Map have them).
pub(super) fn error_handlers(kind: &StateKind) -> (&[Retrier], &[Catcher]) {
    match kind {
        StateKind::Task(t) => (&t.retry, &t.catch),
        StateKind::Parallel(p) => (&p.retry, &p.catch),
        StateKind::Map(m) => (&m.retry, &m.catch),
        StateKind::Pass(_) | StateKind::Choice(_) | StateKind::Wait(_) | StateKind::Succeed | StateKind::Fail(_) => (&[], &[]),
    }
}

impl Execution {
    /// The state failed with `f`: record what AWS records first, then retry, catch or fail.
    pub(super) fn handle_error(&mut self, tid: ThreadId, a: &mut Active, mut f: Failure) -> Turn {
        // A JSONata evaluation error is recorded as `EvaluationFailed` first (and, for a Map or
        // Parallel that had not started, `…StateFailed`), as AWS does.
        if let Some(location) = f.location.take() {
            let machine = self.machine.clone();
            let st = &machine.states[a.state];
            let mut events = VecDeque::new();
            events.push_back(EventKind::EvaluationFailed(Box::new(EvaluationFailedDetails {
                error: Rc::from(f.error.as_str()),
                cause: Rc::from(f.cause.as_str()),
                location,
                state: st.name.clone(),
            })));
            return match &st.kind {
                StateKind::Map(_) => self.fail_composite(tid, a, events, true, f),
                StateKind::Parallel(_) => self.fail_composite(tid, a, events, false, f),
                StateKind::Pass(_) | StateKind::Task(_) | StateKind::Choice(_) | StateKind::Wait(_) | StateKind::Succeed | StateKind::Fail(_) => {
                    let retry = self.retry_at(tid, a, &f);
                    abort_then(a, events, retry, f)
                }
            };
        }
        if let Some(at) = self.retry_at(tid, a, &f) {
            a.step = Step::RetryWait { at };
            return Turn::Stay(Flow::Again);
        }
        self.catch_or_fail(tid, a, f)
    }

    /// A Map or Parallel failing with `f` after `events`: `…StateFailed` unless a retrier
    /// runs it again, then retry, catch or fail.
    pub(super) fn fail_composite(&mut self, tid: ThreadId, a: &mut Active, mut events: VecDeque<EventKind>, is_map: bool, f: Failure) -> Turn {
        let retry = self.retry_at(tid, a, &f);
        if retry.is_none() {
            events.push_back(EventKind::Lifecycle { event_type: if is_map { "MapStateFailed" } else { "ParallelStateFailed" } });
        }
        abort_then(a, events, retry, f)
    }

    /// One turn of recording abort events, then the retry or the catch.
    pub(super) fn aborting(&mut self, tid: ThreadId, a: &mut Active, mut events: VecDeque<EventKind>, then: AfterAbort) -> Turn {
        if let Some(ev) = events.pop_front() {
            self.emit(tid, ev);
            a.step = Step::Aborting { events, then };
            return Turn::Stay(Flow::Yield);
        }
        match then {
            AfterAbort::Retry(at) => {
                a.step = Step::RetryWait { at };
                Turn::Stay(Flow::Again)
            }
            AfterAbort::CatchOrFail(f) => self.catch_or_fail(tid, a, f),
        }
    }

    /// When to retry after `f`: the first retrier matching it, if it still has attempts.
    /// The decision is recorded (`failure_handling`).
    fn retry_at(&mut self, tid: ThreadId, a: &mut Active, f: &Failure) -> Option<i64> {
        let machine = self.machine.clone();
        let (retry, _) = error_handlers(&machine.states[a.state].kind);
        let Some(i) = handling::retrier_for(retry, &a.retries, f.match_name()) else {
            // TestState reports the matching retrier even when it has no attempts left.
            if let Some(i) = retry.iter().position(|r| matches_error(&r.error_equals, f.match_name())) {
                self.test_note_retry(i, None, f);
            }
            return None;
        };
        let r = &retry[i];
        let n = a.retries[i];
        a.retries[i] += 1;
        let mut delay = handling::backoff_seconds(r, n);
        let full = r.jitter == Jitter::Full;
        let jitter_bound_ms = full.then(|| handling::to_millis(delay));
        if full {
            delay *= self.rng.next_f64();
        }
        self.test_note_retry(i, Some(delay), f);
        let delay_ms = handling::to_millis(delay);
        let outcome = Outcome::Retry { retrier: i, retry: n + 1, delay_ms: Some(delay_ms), jitter_bound_ms };
        self.record_handling(tid, a.state, a.entered_event, &f.error, outcome);
        Some(self.clock.saturating_add(delay_ms))
    }

    /// After retries: the first matching catcher, or the thread fails.
    fn catch_or_fail(&mut self, tid: ThreadId, a: &mut Active, f: Failure) -> Turn {
        let machine = self.machine.clone();
        let st = &machine.states[a.state];
        let (_, catch) = error_handlers(&st.kind);
        let Some(i) = handling::catcher_for(catch, f.match_name()) else {
            self.record_handling(tid, a.state, a.entered_event, &f.error, Outcome::Fail);
            self.threads[tid].failed_in_task = matches!(st.kind, StateKind::Task(_));
            return Turn::Leave(Stage::Failed(f), Flow::Again);
        };
        let c = &catch[i];
        self.record_handling(tid, a.state, a.entered_event, &f.error, Outcome::Catch { catcher: i });
        self.test_note_catch(tid, i, &f);
        let error_output = error_output(&f);
        let caught = if st.query_language == QueryLanguage::Jsonata {
            self.jsonata_assign(tid, a, &c.assign, None, Some(&error_output))
                .and_then(|assigned| Ok((assigned, self.jsonata_output(tid, a, &c.output, &error_output, None, Some(&error_output))?)))
        } else {
            self.assign(tid, a, &c.assign, &error_output)
                .and_then(|assigned| Ok((assigned, self.result_path(&c.result_path, &a.input, error_output)?)))
        };
        match caught {
            Ok((assigned, output)) => {
                a.step = Step::Exit { output, next: Transition::Next(c.next), assigned };
                Turn::Stay(Flow::Again)
            }
            // A catcher whose own fields fail ends the thread with that failure.
            Err(f2) => {
                self.record_handling(tid, a.state, a.entered_event, &f2.error, Outcome::Fail);
                Turn::Leave(Stage::Failed(f2), Flow::Again)
            }
        }
    }
}

/// Record `events`, then retry at `retry` or go on to catch or fail.
fn abort_then(a: &mut Active, events: VecDeque<EventKind>, retry: Option<i64>, f: Failure) -> Turn {
    let then = match retry {
        Some(at) => AfterAbort::Retry(at),
        None => AfterAbort::CatchOrFail(f),
    };
    a.step = Step::Aborting { events, then };
    Turn::Stay(Flow::Again)
}

/// AWS's `ErrorEquals` matching. `States.Runtime` ends the execution: no retrier or
/// catcher takes it, not even one that names it (as AWS recorded).
pub fn matches_error(names: &[Rc<str>], error: &str) -> bool {
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
