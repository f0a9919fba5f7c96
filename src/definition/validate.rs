//! Third pass, over what the first two left in the [`Builder`]: the lints on values given
//! literally where an expression may have been meant (`NO_DOLLAR`, `NO_PATH`,
//! `PASS_RESULT_IS_STATIC`), then the shape of the graph in each scope (a terminal state,
//! every state reachable). This file uses `parse.rs`'s types; `parse.rs` calls nothing here.
//!
//! Each lint warning is reported where the second pass noted its [`Literal`], among that
//! pass's diagnostics, so the list reads in the order of the checks (as `asl-sim validate`
//! prints it); the graph's diagnostics come last.
//!
//! As measured on AWS (floci-io/floci#2786): a top level with no terminal state gets one
//! `MISSING_END_STATE` ("Workflow has no terminal state", no location) and no
//! reachability report; otherwise every state not reachable from `StartAt` is a
//! `MISSING_TRANSITION_TARGET` `State "X" is not reachable.` at the state. AWS accepts
//! a Parallel branch or Map processor with no terminal state; we warn about it.

use super::parse::{child, item, looks_like_path, Builder, Ctx, Literal, ScopeKind};
use super::Severity;
use crate::value::Value;

impl<'a, 'v> Builder<'a, 'v> {
    /// The lints, then the graph checks.
    pub(super) fn validate(&mut self) {
        self.lint();
        self.check_graph();
    }

    /// Replay the second pass's diagnostics, reporting each lint's warnings where its literal was noted.
    fn lint(&mut self) {
        let parsed = std::mem::take(&mut self.ctx.diagnostics);
        let mut literals = std::mem::take(&mut self.ctx.literals).into_iter().peekable();
        for (i, d) in parsed.into_iter().enumerate() {
            while let Some((_, literal)) = literals.next_if(|(at, _)| *at == i) {
                lint_literal(&mut self.ctx, literal);
            }
            self.ctx.diagnostics.push(d);
        }
        for (_, literal) in literals {
            lint_literal(&mut self.ctx, literal);
        }
    }

    fn check_graph(&mut self) {
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

fn lint_literal(ctx: &mut Ctx, literal: Literal) {
    match literal {
        Literal::TemplateString { pointer, key, text } => {
            if looks_like_path(&text) || looks_like_intrinsic(&text) {
                ctx.warning_value(
                    "NO_DOLLAR",
                    &pointer,
                    format!("The field '{}' holds '{}', which looks like a JSONPath or an intrinsic function call, but its name does not end in '.$', so it is passed as a literal string", key, text),
                );
            }
        }
        Literal::PassResult { pointer, value } => lint_static_result(ctx, &value, &pointer),
        Literal::ChoiceOperand { pointer, key, text } => {
            if looks_like_path(&text) {
                ctx.warning_value(
                    "NO_PATH",
                    &pointer,
                    format!("The value '{}' of the field '{}' looks like a path, but the field name does not end in 'Path', so it is compared as a literal string (use '{}Path' to compare with the value at that path)", text, key, key),
                );
            }
        }
        Literal::FailField { pointer, key, text } => {
            if looks_like_path(&text) {
                ctx.warning_value(
                    "NO_PATH",
                    &pointer,
                    format!("The value '{}' of the field '{}' looks like a path, but the field name does not end in 'Path', so it is used as a literal string (use '{}Path' to read it from the input)", text, key, key),
                );
            }
        }
    }
}

/// Whether a string value reads like an intrinsic function call (`States.Format(…)`).
fn looks_like_intrinsic(s: &str) -> bool {
    s.strip_prefix("States.")
        .and_then(|rest| rest.split_once('('))
        .is_some_and(|(name, _)| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()) && s.ends_with(')'))
}

/// `PASS_RESULT_IS_STATIC`: a Pass `Result` is used as is, so `.$` keys and path-like
/// strings in it are almost certainly meant for `Parameters`.
fn lint_static_result(ctx: &mut Ctx, v: &Value, ptr: &str) {
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
