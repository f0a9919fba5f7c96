//! The data-flow stages of a state's run, and the evaluation helpers every kind uses.
//!
//! InputPath → Parameters/Arguments → (the result) → ResultSelector → ResultPath →
//! OutputPath for JSONPath states, and the JSONata `Arguments`/`Output`/`Assign`, each
//! recorded for the inspector as it happens. `select` is the one way a path is read
//! from state data: it fails with AWS's `States.Runtime` "Invalid path" cause. Errors
//! raised while evaluating carry AWS's "An error occurred while executing the state …"
//! prefix, added here and nowhere else.

use super::context::{StateContext, StateEnv};
use super::thread::Active;
use super::{Execution, Inspection, ThreadId, MAX_PAYLOAD_BYTES};
use crate::definition::{FailField, NumberSource, QueryLanguage};
use crate::query::{self, Failure, Path, PathError, ReferencePath, Template};
use crate::value::{Map, Value};
use std::rc::Rc;

/// A cause as AWS words it for an error inside a state: "An error occurred while executing the state …".
pub(super) fn in_state(ctx: &StateContext, entered: u64, msg: &str) -> String {
    format!("An error occurred while executing the state '{}' (entered at the event id #{}). {}", ctx.name, entered, msg)
}

/// `States.Runtime` with AWS's "An error occurred while executing the state …" prefix.
pub(super) fn runtime(ctx: &StateContext, entered: u64, msg: impl AsRef<str>) -> Failure {
    Failure::runtime(in_state(ctx, entered, msg.as_ref()))
}

/// The failure of reading `path`: `States.Runtime`, quoting Jayway's message as AWS does.
pub(super) fn invalid_path(a: &Active, path: &Path, e: &PathError) -> Failure {
    runtime(&a.ctx, a.entered_event, format!("Invalid path '{}' : {}", path.text(), e.message()))
}

impl Execution {
    /// The inspection of this run of the state, if it is the latest one entered.
    pub(super) fn inspection(&mut self, a: &Active) -> Option<&mut Inspection> {
        self.inspections[a.state].as_deref_mut().filter(|i| i.entered_event == a.entered_event)
    }

    pub(super) fn record_stage(&mut self, a: &Active, stage: &'static str, v: &Value) {
        if let Some(i) = self.inspection(a) {
            i.stages.push((stage, v.clone()));
        }
    }

    /// Evaluate with the state's environment.
    pub(super) fn with_env<R>(&mut self, tid: ThreadId, ctx: &StateContext, input: &Value, f: impl FnOnce(&mut StateEnv) -> R) -> R {
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
    pub(super) fn jsonata(
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
                f.cause = in_state(&a.ctx, a.entered_event, &f.cause);
            }
            f
        })
    }

    /// JSONata `Output` (absent: `default`).
    pub(super) fn jsonata_output(
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
    pub(super) fn jsonata_assign(
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
    pub(super) fn query_error(&self, a: &Active, location: &str, message: &str) -> Failure {
        Failure::query_evaluation(location, in_state(&a.ctx, a.entered_event, message))
    }

    pub(super) fn is_jsonata(&self, a: &Active) -> bool {
        self.machine.states[a.state].query_language == QueryLanguage::Jsonata
    }

    pub(super) fn apply_path(&mut self, tid: ThreadId, a: &Active, path: &Option<Path>, value: &Value) -> Result<Value, Failure> {
        match path {
            None => Ok(Value::empty_object()),
            Some(p) if p.is_identity() => Ok(value.clone()),
            Some(p) => self.select(tid, a, p, value),
        }
    }

    pub(super) fn template(&mut self, tid: ThreadId, a: &Active, t: &Option<Template>, value: &Value) -> Result<Value, Failure> {
        match t {
            None => Ok(value.clone()),
            Some(t) => {
                let r = self.with_env(tid, &a.ctx, value, |env| t.evaluate(env));
                r.map_err(|f| if f.error == "States.Runtime" { runtime(&a.ctx, a.entered_event, f.cause) } else { f })
            }
        }
    }

    pub(super) fn result_path(&self, rp: &Option<ReferencePath>, input: &Value, result: Value) -> Result<Value, Failure> {
        match rp {
            None => Ok(input.clone()),
            Some(rp) => rp.apply(input, result).map_err(|cause| Failure::new("States.ResultPathMatchFailure", cause)),
        }
    }

    pub(super) fn assign(&mut self, tid: ThreadId, a: &Active, assign: &Option<Template>, value: &Value) -> Result<Option<Rc<Map>>, Failure> {
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

    pub(super) fn check_size(&self, a: &Active, v: &Value) -> Result<(), Failure> {
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

    /// `path` read from `input` in the state's environment; a path that selects nothing
    /// fails the state with `States.Runtime`.
    pub(super) fn select(&mut self, tid: ThreadId, a: &Active, path: &Path, input: &Value) -> Result<Value, Failure> {
        self.with_env(tid, &a.ctx, input, |env| query::select(path, env)).map_err(|e| invalid_path(a, path, &e))
    }

    pub(super) fn number_source(&mut self, tid: ThreadId, a: &Active, src: &NumberSource, input: &Value, field: &str) -> Result<u64, Failure> {
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
                let v = self.select(tid, a, p, input)?;
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

    pub(super) fn fail_field(&mut self, tid: ThreadId, a: &Active, f: &Option<FailField>, field: &str) -> Result<Option<String>, Failure> {
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

    /// The stages after a Task, Parallel or Map has its result (`rs` its ResultSelector,
    /// `rp` its ResultPath): the state's output and the variables it assigns.
    pub(super) fn result_stages(
        &mut self,
        tid: ThreadId,
        a: &Active,
        rs: &Option<Template>,
        rp: &Option<ReferencePath>,
        result: Value,
    ) -> Result<(Value, Option<Rc<Map>>), Failure> {
        let machine = self.machine.clone();
        let st = &machine.states[a.state];
        self.check_size(a, &result)?;
        self.record_stage(a, "result", &result);
        if st.query_language == QueryLanguage::Jsonata {
            let assigned = self.jsonata_assign(tid, a, &st.assign, Some(&result), None)?;
            let output = self.jsonata_output(tid, a, &st.output, &result, Some(&result), None)?;
            return Ok((output, assigned));
        }
        let selected = self.template(tid, a, rs, &result)?;
        if rs.is_some() {
            self.record_stage(a, "afterResultSelector", &selected);
        }
        let assigned = self.assign(tid, a, &st.assign, &selected)?;
        let after = self.result_path(rp, &a.input, selected)?;
        self.record_stage(a, "afterResultPath", &after);
        let output = self.apply_path(tid, a, &st.output_path, &after)?;
        Ok((output, assigned))
    }
}

/// The error output a catcher sees: `{"Error", "Cause"}`, null where the failure has none.
pub(super) fn error_output(f: &Failure) -> Value {
    let field = |s: &str, absent: bool| if absent { Value::Null } else { Value::from(s) };
    let mut eo = Map::default();
    eo.insert(Rc::from("Error"), field(&f.error, f.error_absent));
    eo.insert(Rc::from("Cause"), field(&f.cause, f.cause_absent));
    Value::object(eo)
}

/// A whole JSON number (JSONata results must be numbers, not numeric strings).
pub(super) fn whole_number_strict(v: &Value) -> Option<i64> {
    v.as_number().and_then(|n| n.as_i64())
}

/// A whole number given as a JSON number or as a numeric string (AWS accepts `"1"` in `…Path` fields).
pub(super) fn whole_number(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(super) fn opt(s: &str) -> Option<Rc<str>> {
    if s.is_empty() {
        None
    } else {
        Some(Rc::from(s))
    }
}

/// A value as AWS shows it in messages: strings bare, everything else as JSON.
pub(super) fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        other => other.to_json(),
    }
}
