//! How the engine handled each failure of a state run: the retrier that took it (which
//! retry, after what delay), the catcher, or neither.
//!
//! The record exists so that no caller re-derives AWS's `ErrorEquals` rules: the page
//! colours a failed state as retrying, caught or failed and draws its back-off from
//! [`Execution::failure_handling`], where its own copy of the rules had drifted from the
//! engine's. `retry_at` and `catch_or_fail` (recovery.rs) decide through [`retrier_for`] and
//! [`catcher_for`] and record what they decided; a failure already recorded in the
//! history but not yet handled (its thread handles it on its next turn) is previewed
//! through the same two functions, so the preview is the decision.

use super::recovery::{error_handlers, matches_error};
use super::{Execution, ThreadId};
use crate::definition::{Catcher, Jitter, Retrier, StateId};
use serde::Serialize;
use std::rc::Rc;

/// One decision as stored: small, since a long run can make many.
#[derive(Clone, Debug)]
pub(crate) struct Handled {
    after_event: u64,
    entered_event: u64,
    clock: i64,
    state: StateId,
    error: Rc<str>,
    outcome: Outcome,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Outcome {
    /// Retry `retry` (from 1) of the retrier at index `retrier`; `delay_ms` is `None` only
    /// in a preview whose FULL jitter is not drawn yet; `jitter_bound_ms` is the delay
    /// before a FULL jitter.
    Retry {
        retrier: usize,
        retry: u64,
        delay_ms: Option<i64>,
        jitter_bound_ms: Option<i64>,
    },
    Catch {
        catcher: usize,
    },
    Fail,
}

/// How one failure of a state run was handled (or, `pending`, will be), as
/// [`Execution::failure_handling`] reports it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailureHandling {
    /// The `…StateEntered` event of the state run that failed.
    pub entered_event_id: u64,
    /// The last event recorded when the decision was taken: it comes after that event and
    /// before the next one.
    pub after_event_id: u64,
    /// The virtual time of the decision, written as event timestamps are.
    pub timestamp: String,
    pub state: String,
    pub error: String,
    /// `retry`, `catch` or `fail` (no retrier with attempts left and no catcher matched,
    /// or the catcher's own `ResultPath`, `Assign` or `Output` failed: `error` is then that failure's).
    pub outcome: &'static str,
    /// `retry`: the index of the retrier in `Retry`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retrier: Option<usize>,
    /// `retry`: which retry of that retrier this is, from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry: Option<u64>,
    /// `retry`: the wait before the next attempt, in milliseconds (`IntervalSeconds` ×
    /// `BackoffRate`^n, at most `MaxDelaySeconds`, times the seeded draw of a FULL jitter).
    /// Absent while `pending` with a FULL jitter: the draw happens when the retry is taken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_millis: Option<i64>,
    /// `retry` with `JitterStrategy` FULL: the delay before jitter, which the draw scales down.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jitter_bound_millis: Option<i64>,
    /// `catch`: the index of the catcher in `Catch`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catcher: Option<usize>,
    /// The failure is in the history but its thread takes this decision on its next turn
    /// (after other branches or iterations have had theirs).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub pending: bool,
}

/// The retrier that retries `error`: the first whose `ErrorEquals` matches, if it has
/// attempts left (`retries` counts each retrier's retries so far). A later retrier that
/// also matches is not consulted.
pub(crate) fn retrier_for(retry: &[Retrier], retries: &[u64], error: &str) -> Option<usize> {
    let i = retry.iter().position(|r| matches_error(&r.error_equals, error))?;
    (retries[i] < retry[i].max_attempts).then_some(i)
}

/// The catcher that takes `error`: the first whose `ErrorEquals` matches.
pub(crate) fn catcher_for(catch: &[Catcher], error: &str) -> Option<usize> {
    catch.iter().position(|c| matches_error(&c.error_equals, error))
}

/// The wait before retry `n + 1` of `r`, in seconds, before any jitter.
pub(crate) fn backoff_seconds(r: &Retrier, n: u64) -> f64 {
    let delay = r.interval_seconds as f64 * r.backoff_rate.powf(n as f64);
    match r.max_delay_seconds {
        Some(max) => delay.min(max as f64),
        None => delay,
    }
}

/// Seconds as whole milliseconds of virtual time (bounded, so that adding it to the clock cannot overflow).
pub(crate) fn to_millis(seconds: f64) -> i64 {
    (seconds * 1000.0).round().min(9.0e15) as i64
}

impl Execution {
    /// Record a decision about the failure `error` of the run of `state` entered at `entered_event`.
    /// A distributed Map's iterations (silent threads) record nothing: their events are not in this history.
    pub(crate) fn record_handling(&mut self, tid: ThreadId, state: StateId, entered_event: u64, error: &str, outcome: Outcome) {
        if self.threads[tid].silent {
            return;
        }
        let after_event = self.events.len() as u64;
        self.handled.push(Handled { after_event, entered_event, clock: self.clock, state, error: Rc::from(error), outcome });
    }

    /// How each failure was handled, from the `from`-th decision on, in the order taken; then
    /// the failures recorded but not handled yet, as they will be (`pending`, not counted by `from`).
    /// Stepping back replays the execution, and these with it.
    pub fn failure_handling(&self, from: usize) -> Vec<FailureHandling> {
        let mut out: Vec<FailureHandling> = self.handled.iter().skip(from).map(|h| self.view(h, false)).collect();
        for t in self.threads.iter().filter(|t| t.alive && !t.silent) {
            let Some((state, entered_event, retries, f, retries_settled)) = t.unhandled_failure() else { continue };
            let kind = &self.machine.states[state].kind;
            let retry = if retries_settled { None } else { retrier_for(error_handlers(kind).0, retries, f.match_name()) };
            let outcome = match retry {
                Some(i) => {
                    let r = &error_handlers(kind).0[i];
                    let n = retries[i];
                    let bound = to_millis(backoff_seconds(r, n));
                    let full = r.jitter == Jitter::Full;
                    Outcome::Retry { retrier: i, retry: n + 1, delay_ms: (!full).then_some(bound), jitter_bound_ms: full.then_some(bound) }
                }
                None => match catcher_for(error_handlers(kind).1, f.match_name()) {
                    Some(catcher) => Outcome::Catch { catcher },
                    None => Outcome::Fail,
                },
            };
            let h = Handled {
                after_event: self.events.len() as u64,
                entered_event,
                clock: self.clock,
                state,
                error: Rc::from(f.error.as_str()),
                outcome,
            };
            out.push(self.view(&h, true));
        }
        out
    }

    fn view(&self, h: &Handled, pending: bool) -> FailureHandling {
        let mut v = FailureHandling {
            entered_event_id: h.entered_event,
            after_event_id: h.after_event,
            timestamp: crate::time::format_context_timestamp(h.clock),
            state: self.machine.states[h.state].name.to_string(),
            error: h.error.to_string(),
            outcome: "fail",
            retrier: None,
            retry: None,
            delay_millis: None,
            jitter_bound_millis: None,
            catcher: None,
            pending,
        };
        match h.outcome {
            Outcome::Retry { retrier, retry, delay_ms, jitter_bound_ms } => {
                v.outcome = "retry";
                v.retrier = Some(retrier);
                v.retry = Some(retry);
                v.delay_millis = delay_ms;
                v.jitter_bound_millis = jitter_bound_ms;
            }
            Outcome::Catch { catcher } => {
                v.outcome = "catch";
                v.catcher = Some(catcher);
            }
            Outcome::Fail => {}
        }
        v
    }
}
