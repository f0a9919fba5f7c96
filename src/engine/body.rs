//! What a state does right after it is entered (or retried), by kind.
//!
//! `body` is the one dispatch over `StateKind` (every kind named, so a new kind does
//! not compile until it is handled here). Pass, Succeed, Fail and Wait are small
//! enough to live here, in both query languages; Choice, Task, Parallel and Map start
//! their own modules' work. A body either sets the state's next `Step` or fails.

use super::dataflow::{plain, runtime, whole_number_strict};
use super::thread::{Active, Step};
use super::{Execution, ThreadId};
use crate::definition::{FailState, PassState, QueryLanguage, State, StateKind, Transition, WaitFor, WaitState};
use crate::query::Failure;
use crate::time;

/// The longest wait a `SecondsPath` or a JSONata `Seconds` may ask for: the bound of the
/// literal `Seconds` field (AWS's executions last at most a year anyway).
const MAX_WAIT_SECONDS: i64 = 99_999_999;

impl Execution {
    /// Evaluate the entered state's fields and set what it does next.
    pub(super) fn body(&mut self, tid: ThreadId, a: &mut Active) -> Result<(), Failure> {
        let machine = self.machine.clone();
        let st = &machine.states[a.state];
        match &st.kind {
            StateKind::Pass(p) => self.pass(tid, a, st, p),
            StateKind::Succeed => self.succeed(tid, a, st),
            StateKind::Fail(f) => self.fail(tid, a, f),
            StateKind::Choice(c) => self.choice(tid, a, st, c),
            StateKind::Wait(w) => self.wait(tid, a, st, w),
            StateKind::Task(t) => self.task_body(tid, a, st, t),
            StateKind::Parallel(p) => self.parallel_body(tid, a, st, p),
            StateKind::Map(m) => self.map_body(tid, a, st, m),
        }
    }

    fn pass(&mut self, tid: ThreadId, a: &mut Active, st: &State, p: &PassState) -> Result<(), Failure> {
        let raw = a.input.clone();
        if st.query_language == QueryLanguage::Jsonata {
            let assigned = self.jsonata_assign(tid, a, &st.assign, None, None)?;
            let output = self.jsonata_output(tid, a, &st.output, &raw, None, None)?;
            a.step = Step::Exit { output, next: p.transition, assigned };
            return Ok(());
        }
        let effective = self.apply_path(tid, a, &st.input_path, &raw)?;
        self.record_stage(a, "afterInputPath", &effective);
        let result = match &p.result {
            Some(r) => r.clone(),
            None => {
                let v = self.template(tid, a, &p.parameters, &effective)?;
                if p.parameters.is_some() {
                    self.record_stage(a, "afterParameters", &v);
                }
                v
            }
        };
        self.record_stage(a, "result", &result);
        let assigned = self.assign(tid, a, &st.assign, &result)?;
        let after = self.result_path(&p.result_path, &raw, result)?;
        self.record_stage(a, "afterResultPath", &after);
        let output = self.apply_path(tid, a, &st.output_path, &after)?;
        a.step = Step::Exit { output, next: p.transition, assigned };
        Ok(())
    }

    fn succeed(&mut self, tid: ThreadId, a: &mut Active, st: &State) -> Result<(), Failure> {
        let raw = a.input.clone();
        let output = if st.query_language == QueryLanguage::Jsonata {
            self.jsonata_output(tid, a, &st.output, &raw, None, None)?
        } else {
            let effective = self.apply_path(tid, a, &st.input_path, &raw)?;
            self.record_stage(a, "afterInputPath", &effective);
            self.apply_path(tid, a, &st.output_path, &effective)?
        };
        a.step = Step::Exit { output, next: Transition::End, assigned: None };
        Ok(())
    }

    fn fail(&mut self, tid: ThreadId, a: &mut Active, f: &FailState) -> Result<(), Failure> {
        let error = self.fail_field(tid, a, &f.error, "ErrorPath")?;
        let cause = self.fail_field(tid, a, &f.cause, "CausePath")?;
        // A Fail state without Error/Cause records neither.
        Err(Failure::reported(error.as_deref(), cause.as_deref()))
    }

    fn wait(&mut self, tid: ThreadId, a: &mut Active, st: &State, w: &WaitState) -> Result<(), Failure> {
        let raw = a.input.clone();
        let jsonata = st.query_language == QueryLanguage::Jsonata;
        let effective = if jsonata { raw.clone() } else { self.apply_path(tid, a, &st.input_path, &raw)? };
        if !jsonata {
            self.record_stage(a, "afterInputPath", &effective);
        }
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
                match v.as_str().and_then(time::parse_timestamp) {
                    Some(ms) => ms,
                    None => {
                        return Err(self.query_error(
                            a,
                            "Timestamp",
                            &format!("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {}", plain(&v)),
                        ))
                    }
                }
            }
            WaitFor::SecondsPath(p) => {
                let v = self.select(tid, a, p, &effective)?;
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
                let v = self.select(tid, a, p, &effective)?;
                match v.as_str().and_then(time::parse_timestamp) {
                    Some(t) => t,
                    None => {
                        return Err(runtime(
                            &a.ctx,
                            a.entered_event,
                            format!(
                                "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {}",
                                p.text(),
                                plain(&v)
                            ),
                        ))
                    }
                }
            }
        };
        let (assigned, output) = if jsonata {
            (self.jsonata_assign(tid, a, &st.assign, None, None)?, self.jsonata_output(tid, a, &st.output, &raw, None, None)?)
        } else {
            (self.assign(tid, a, &st.assign, &effective)?, self.apply_path(tid, a, &st.output_path, &effective)?)
        };
        a.step = Step::WaitUntil { at, output, next: w.transition, assigned };
        Ok(())
    }
}
