//! Third pass: the shape of the graph in each scope (a terminal state, every state
//! reachable), and the warnings about strings that look like paths.
//!
//! As measured on AWS (floci-io/floci#2786): a top level with no terminal state gets one
//! `MISSING_END_STATE` ("Workflow has no terminal state", no location) and no
//! reachability report; otherwise every state not reachable from `StartAt` is a
//! `MISSING_TRANSITION_TARGET` `State "X" is not reachable.` at the state. AWS accepts
//! a Parallel branch or Map processor with no terminal state; we warn about it.

use super::parse::{child, item, Builder, Ctx, ScopeKind};
use super::Severity;
use crate::value::Value;

impl<'a, 'v> Builder<'a, 'v> {
    pub(super) fn check_graph(&mut self) {
        for s in 0..self.scopes.len() {
            let ids = self.scopes[s].ids.clone();
            if ids.is_empty() {
                continue;
            }
            if !ids.iter().any(|&i| self.terminal[i]) {
                let pointer = self.scopes[s].pointer.clone();
                if s == 0 {
                    let span = self.ctx.head_span("");
                    self.ctx.report("MISSING_END_STATE", Severity::Error, "", span, "Workflow has no terminal state".into());
                } else {
                    let what = match self.scopes[s].kind {
                        ScopeKind::Branch => "this Parallel branch",
                        _ => "this Map's item processor",
                    };
                    let span = self.ctx.head_span(&pointer);
                    self.ctx.report(
                        "MISSING_END_STATE",
                        Severity::Warning,
                        &pointer,
                        span,
                        format!("No state ends {} (no Succeed, Fail or 'End': true), so it can only finish with an error", what),
                    );
                }
                continue;
            }
            let mut reached = vec![false; self.slots.len()];
            if !self.scopes[s].start_named {
                continue; // no StartAt to walk from: already reported, and every state would be "unreachable"
            }
            let mut stack: Vec<usize> = self.scopes[s].start_at.into_iter().collect();
            while let Some(id) = stack.pop() {
                if std::mem::replace(&mut reached[id], true) {
                    continue;
                }
                stack.extend(self.edges[id].iter().copied().filter(|&n| !reached[n]));
            }
            for id in ids {
                if !reached[id] {
                    let (name, pointer) = (self.slots[id].name.clone(), self.slots[id].pointer.clone());
                    self.ctx.error_head("MISSING_TRANSITION_TARGET", &pointer, format!("State \"{}\" is not reachable.", name));
                }
            }
        }
    }
}

/// Whether a string value reads like a JSONPath (`$`, `$.a`, `$[0]`, `$$.Execution`).
pub(super) fn looks_like_path(s: &str) -> bool {
    s == "$" || s.starts_with("$.") || s.starts_with("$[") || s.starts_with("$$")
}

/// Whether a string value reads like an intrinsic function call (`States.Format(…)`).
pub(super) fn looks_like_intrinsic(s: &str) -> bool {
    s.strip_prefix("States.")
        .and_then(|rest| rest.split_once('('))
        .is_some_and(|(name, _)| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()) && s.ends_with(')'))
}

/// `PASS_RESULT_IS_STATIC`: a Pass `Result` is used as is, so `.$` keys and path-like
/// strings in it are almost certainly meant for `Parameters`.
pub(super) fn lint_static_result(ctx: &mut Ctx, v: &Value, ptr: &str) {
    match v {
        Value::Object(o) => {
            for (k, val) in o.iter() {
                let at = child(ptr, k);
                if k.ends_with(".$") {
                    ctx.warning_key(
                        "PASS_RESULT_IS_STATIC",
                        &at,
                        format!("The field '{}' in 'Result' ends in '.$', but 'Result' is static: nothing in it is evaluated (use 'Parameters' to select from the input)", k),
                    );
                    if val.as_str().is_some() {
                        continue;
                    }
                }
                lint_static_result(ctx, val, &at);
            }
        }
        Value::Array(a) => {
            for (i, val) in a.iter().enumerate() {
                lint_static_result(ctx, val, &item(ptr, i));
            }
        }
        Value::String(s) if looks_like_path(s) || looks_like_intrinsic(s) => {
            ctx.warning_value(
                "PASS_RESULT_IS_STATIC",
                ptr,
                format!(
                    "'{}' in 'Result' looks like a path or an intrinsic function call, but 'Result' is static: it is used as a literal string",
                    s
                ),
            );
        }
        _ => {}
    }
}
