//! What the outside world does to an execution: answers to waiting tasks (success,
//! failure, heartbeat), StopExecution, and letting time pass (`advance_clock`). Each is
//! recorded with the event count it happened at, so `step_back` replays it.

use super::{ApiError, Execution, Status, StepReport, MAX_PAYLOAD_BYTES};
use crate::history::{ErrorCause, EventKind};
use crate::query::Failure;
use crate::value::Value;
use std::rc::Rc;

/// An external action recorded so that `step_back` can replay it.
#[derive(Clone, Debug)]
pub(super) enum External {
    Success(String, Value),
    Failure(String, String, String),
    Heartbeat(String),
    Stop(Option<String>, Option<String>),
    /// `advance_clock`: time passed to the next timer of a waiting task.
    AdvanceClock,
}

impl Execution {
    /// Answer a paused task with success.
    pub fn send_task_success(&mut self, token: &str, output: Value) -> Result<(), ApiError> {
        self.external(External::Success(token.to_string(), output))
    }
    /// Answer a paused task with failure.
    pub fn send_task_failure(&mut self, token: &str, error: &str, cause: &str) -> Result<(), ApiError> {
        self.external(External::Failure(token.to_string(), error.to_string(), cause.to_string()))
    }
    /// Report a heartbeat for a paused task (records no event, as in AWS).
    pub fn send_task_heartbeat(&mut self, token: &str) -> Result<(), ApiError> {
        self.external(External::Heartbeat(token.to_string()))
    }
    /// Let time pass when only an outside answer could move the execution: the clock jumps
    /// to the next timer (a waiting task's timeout or heartbeat, the execution's timeout or
    /// maximum duration) and the execution goes on by one event, as `step` does. With work
    /// that can run now, this is `step`; with no timer left, nothing happens (still paused).
    pub fn advance_clock(&mut self) -> StepReport {
        let before = self.events.len();
        let idle = !self.runnable.iter().any(|&t| self.threads[t].alive);
        if idle && !self.status.is_finished() && self.has_external_timer() {
            let _ = self.external(External::AdvanceClock);
        }
        self.step_inner();
        self.report(before, Vec::new())
    }

    /// Whether `advance_clock` has a timer to go to.
    fn has_external_timer(&mut self) -> bool {
        self.next_timer(true).is_some() || (self.deadline.is_some() && !self.pending.is_empty())
    }

    /// Stop the execution: `ExecutionAborted`.
    pub fn stop(&mut self, error: Option<&str>, cause: Option<&str>) -> Result<(), ApiError> {
        self.external(External::Stop(error.map(String::from), cause.map(String::from)))
    }

    pub(super) fn external(&mut self, action: External) -> Result<(), ApiError> {
        let at = self.events.len();
        self.apply_external(action.clone())?;
        self.externals.push((at, action));
        Ok(())
    }

    pub(super) fn apply_external(&mut self, action: External) -> Result<(), ApiError> {
        if self.status.is_finished() {
            return Err(ApiError::new("EXECUTION_NOT_RUNNING", format!("the execution has already finished ({})", self.status.as_str())));
        }
        match action {
            External::Stop(error, cause) => {
                let prev = self.events.len() as u64;
                self.finish(Status::Aborted, error.map(|e| Rc::from(e.as_str())), cause.map(|c| Rc::from(c.as_str())));
                self.record(prev, EventKind::ExecutionAborted(ErrorCause::boxed(self.error.clone(), self.cause.clone())));
                Ok(())
            }
            External::AdvanceClock => {
                self.fire_next_timer(true);
                Ok(())
            }
            External::Success(token, output) => self.answer(&token, Ok(output)),
            External::Failure(token, error, cause) => self.answer(&token, Err(Failure::new(error, cause))),
            External::Heartbeat(token) => {
                let Some(&(_, tid)) = self.pending.iter().find(|(t, _)| *t == token) else {
                    return Err(invalid_token(&token));
                };
                let (at, start) = self.threads[tid].heartbeat(self.clock);
                if let Some(at) = at {
                    self.set_external_timer(at, tid);
                }
                if start {
                    self.wake(tid);
                    if self.status == Status::Paused {
                        self.status = Status::Running;
                    }
                }
                Ok(())
            }
        }
    }

    fn answer(&mut self, token: &str, outcome: Result<Value, Failure>) -> Result<(), ApiError> {
        let Some(pos) = self.pending.iter().position(|(t, _)| t == token) else {
            return Err(invalid_token(token));
        };
        if let Ok(v) = &outcome {
            if v.json_len() > MAX_PAYLOAD_BYTES {
                return Err(ApiError::new("INVALID_OUTPUT", format!("the output is larger than {} bytes", MAX_PAYLOAD_BYTES)));
            }
        }
        let (_, tid) = self.pending.remove(pos);
        self.threads[tid].deliver(outcome);
        self.wake(tid);
        if self.status == Status::Paused {
            self.status = Status::Running;
        }
        Ok(())
    }
}

fn invalid_token(token: &str) -> ApiError {
    ApiError::new("INVALID_TOKEN", format!("no paused task has the token '{}'", token))
}
