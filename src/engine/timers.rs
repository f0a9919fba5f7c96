//! Timers on the virtual clock: when nothing can run, the clock jumps to the earliest
//! one. Waits, retry back-off and mocked latency are timers of the thread that waits; a
//! task waiting for an answer has its timeout and heartbeat in a queue of their own, which
//! only `advance_clock` jumps to when nothing else is left (an answer may still come).
//! The execution's deadline (its `TimeoutSeconds`, within the type's maximum duration)
//! comes before any timer due after it.

use super::{Execution, Status, ThreadId};
use crate::history::{ErrorCause, EventKind};
use std::rc::Rc;

impl Execution {
    pub(crate) fn set_timer(&mut self, at: i64, thread: ThreadId) {
        self.timer_seq += 1;
        let generation = self.threads[thread].generation;
        self.timers.push(std::cmp::Reverse((at, self.timer_seq, thread, generation)));
    }

    /// A timer of a task waiting for an answer (see `external_timers`).
    pub(crate) fn set_external_timer(&mut self, at: i64, thread: ThreadId) {
        self.timer_seq += 1;
        let generation = self.threads[thread].generation;
        self.external_timers.push(std::cmp::Reverse((at, self.timer_seq, thread, generation)));
    }

    /// The virtual instant `seconds` from now.
    pub(crate) fn seconds_from_now(&self, seconds: u64) -> i64 {
        self.clock.saturating_add((seconds.min(i64::MAX as u64 / 1000) as i64).saturating_mul(1000))
    }

    /// Move the clock to the next timer and wake its thread (or time the execution out, if
    /// its deadline comes first). A waiting task's timer is taken when another timer is
    /// due later anyway, or when `external` says the caller lets time pass (`advance_clock`).
    /// Returns whether anything happened.
    pub(super) fn fire_next_timer(&mut self, external: bool) -> bool {
        let next = self.next_timer(false);
        let waiting = self.next_timer(true);
        let due = match (next, waiting) {
            (Some(n), Some(w)) => Some(if w.0 < n.0 { (w, true) } else { (n, false) }),
            (Some(n), None) => Some((n, false)),
            (None, Some(w)) if external => Some((w, true)),
            (None, _) => None,
        };
        if let Some(deadline) = self.deadline {
            let before_due = due.is_some_and(|((at, _), _)| deadline < at);
            let nothing_else = due.is_none() && external && !self.pending.is_empty();
            if before_due || nothing_else {
                self.clock = self.clock.max(deadline);
                self.time_out_execution();
                return true;
            }
        }
        let Some(((at, tid), is_external)) = due else { return false };
        if is_external {
            self.external_timers.pop();
        } else {
            self.timers.pop();
        }
        self.clock = self.clock.max(at);
        self.wake(tid);
        true
    }

    /// The earliest live timer of one queue, dropping the stale ones before it.
    pub(super) fn next_timer(&mut self, external: bool) -> Option<(i64, ThreadId)> {
        loop {
            let heap = if external { &self.external_timers } else { &self.timers };
            let std::cmp::Reverse((at, _, tid, generation)) = *heap.peek()?;
            let t = &self.threads[tid];
            let live = t.alive && t.generation == generation && (!external || t.external_timer_due(at));
            if live {
                return Some((at, tid));
            }
            if external {
                self.external_timers.pop();
            } else {
                self.timers.pop();
            }
        }
    }

    pub(super) fn time_out_execution(&mut self) {
        let cause = format!("The execution timed out after {} seconds.", self.machine.timeout_seconds.unwrap_or(0));
        let _ = cause;
        self.finish(Status::TimedOut, None, None);
        let prev = self.events.len() as u64;
        self.record(prev, EventKind::ExecutionTimedOut(ErrorCause::boxed(Some(Rc::from("States.Timeout")), None)));
        self.error = Some(Rc::from("States.Timeout"));
    }
}
