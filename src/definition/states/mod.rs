//! Second pass: each state's fields → the model. This file owns what every state shares
//! whatever its query language: reading the state's `QueryLanguage`, explaining a `Type`
//! that names no state type, the dispatch to the language's parser, `Next`/`End`,
//! `Retry` and `ErrorEquals`, and variable names. `jsonpath.rs` and `jsonata.rs` each own
//! their language's field tables (which fields a state type accepts, and AWS's messages
//! when a field of the other language appears) and the state types' fields in that
//! language; `jsonpath_choice.rs` owns JSONPath Choice rules; `map.rs` the parts of a Map
//! both languages read alike (`Label`, `ItemReader`, `ItemBatcher`, `ResultWriter`).

mod jsonata;
mod jsonpath;
mod jsonpath_choice;
mod map;

use super::parse::{item, Builder, Obj, SCHEMA};
use super::*;
use crate::value::Value;
use std::rc::Rc;

const RETRIER_FIELDS: &[&str] = &["ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"];

/// Largest integer the JSON reader keeps exactly; MaxConcurrency and the tolerated
/// failure count accept anything up to it (AWS caps the effect at run time).
const MAX_INTEGER: u64 = i64::MAX as u64;

impl<'a, 'v> Builder<'a, 'v> {
    /// A Task's `Resource` (required, in both query languages): a Lambda function, an
    /// activity or an integration, with a warning for a region/account-qualified integration ARN.
    fn task_resource(&mut self, o: &Obj) -> Option<Resource> {
        self.ctx.required(o, &["Resource"]);
        self.ctx.string(o, "Resource").and_then(|arn| match Resource::parse(arn) {
            Ok(r) => {
                if let Some(w) = r.qualified_integration() {
                    self.ctx.warning_value("QUALIFIED_INTEGRATION_ARN", &o.at("Resource"), w);
                }
                Some(r)
            }
            Err(e) => {
                self.ctx.error_value("INVALID_RESOURCE", &o.at("Resource"), format!("Invalid resource: {}", e));
                None
            }
        })
    }

    /// Parse state `id` into `self.states[id]`, recording its transitions and whether it is terminal.
    pub(super) fn state(&mut self, id: StateId) {
        let (value, pointer, scope, name, children) = {
            let s = &self.slots[id];
            (s.value, s.pointer.clone(), s.scope, s.name.clone(), s.children.clone())
        };
        let Some(map) = value.as_object() else {
            self.ctx.error_value(SCHEMA, &pointer, format!("Expected value of type [OBJECT] for the state '{}'", name));
            return;
        };
        let o = Obj { map, ptr: pointer.clone() };
        let language = self.state_language(&o);
        let Some(state_type) = self.slots[id].state_type else {
            self.unknown_type(&o);
            // A state of no known type: follow its transitions only, so that the graph
            // checks do not cascade.
            self.skeleton(&o, scope, id);
            return;
        };
        match language {
            QueryLanguage::JsonPath => self.jsonpath_state(&o, state_type, id, scope, name, pointer, &children),
            QueryLanguage::Jsonata => self.jsonata_state(&o, state_type, id, scope, name, pointer, &children),
        }
    }

    /// The state's effective query language (its own `QueryLanguage`, else the machine's).
    fn state_language(&mut self, o: &Obj) -> QueryLanguage {
        if !o.has("QueryLanguage") {
            return self.machine_language;
        }
        let language = self.query_language(o);
        let text = o.get("QueryLanguage").and_then(Value::as_str);
        if text == Some("JSONPath") && self.machine_language == QueryLanguage::Jsonata {
            self.ctx.error_head(SCHEMA, &o.ptr, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine".into());
        }
        language
    }

    /// Why the first pass found no state type in `Type`: absent, not a string, or no state type's name.
    fn unknown_type(&mut self, o: &Obj) {
        if !o.has("Type") {
            self.ctx.required(o, &["Type"]);
            return;
        }
        if let Some(t) = self.ctx.string(o, "Type") {
            let names = StateType::ALL.map(StateType::as_str);
            self.ctx.error_value(
                SCHEMA,
                &o.at("Type"),
                format!("Value should be one of the following: [{}] for the field 'Type', not '{}'", names.join(", "), t),
            );
        }
    }

    /// Follow the transitions of a state that is otherwise not parsed.
    fn skeleton(&mut self, o: &Obj, scope: usize, id: StateId) {
        if o.get("End") == Some(&Value::Bool(true)) {
            self.terminal[id] = true;
        }
        if o.get("Next").is_some_and(|v| v.as_str().is_some()) {
            self.target(o, "Next", scope, id);
        }
        if o.get("Default").is_some_and(|v| v.as_str().is_some()) {
            self.target(o, "Default", scope, id);
        }
        for key in ["Catch", "Choices"] {
            for (i, v) in o.get(key).and_then(Value::as_array).unwrap_or(&[]).iter().enumerate() {
                if let Some(map) = v.as_object() {
                    let c = Obj { map, ptr: item(&o.at(key), i) };
                    if c.get("Next").is_some_and(|v| v.as_str().is_some()) {
                        self.target(&c, "Next", scope, id);
                    }
                }
            }
        }
    }

    /// `Next` or `End: true`.
    fn transition(&mut self, o: &Obj, scope: usize, id: StateId) -> Option<Transition> {
        if o.get("End") == Some(&Value::Bool(true)) {
            self.terminal[id] = true;
        }
        if !self.ctx.exclusive(o, "Next", "End") {
            self.target(o, "Next", scope, id);
            return None;
        }
        if o.has("Next") {
            return self.target(o, "Next", scope, id).map(Transition::Next);
        }
        if !o.has("End") {
            self.ctx.error_head(SCHEMA, &o.ptr, "One of these fields is required: [Next, End]".into());
            return None;
        }
        match self.ctx.boolean(o, "End")? {
            true => Some(Transition::End),
            false => {
                self.ctx.error_value(SCHEMA, &o.at("End"), "The field 'End' must be true: a state that does not end its scope needs 'Next'".into());
                None
            }
        }
    }

    fn error_equals(&mut self, r: &Obj, last: bool, what: &str) -> Vec<Rc<str>> {
        let Some(items) = self.ctx.nonempty_array(r, "ErrorEquals") else { return Vec::new() };
        let ptr = r.at("ErrorEquals");
        let mut names = Vec::with_capacity(items.len());
        for (i, v) in items.iter().enumerate() {
            match v {
                Value::String(s) => names.push(s.clone()),
                _ => self.ctx.error_value(SCHEMA, &item(&ptr, i), "Expected value of type [STRING] for an error name in 'ErrorEquals'".into()),
            }
        }
        if names.iter().any(|n| &**n == "States.ALL") {
            if items.len() > 1 {
                self.ctx.error_value(SCHEMA, &ptr, "'States.ALL' must appear alone in 'ErrorEquals'".into());
            }
            if !last {
                self.ctx.error_head(SCHEMA, &r.ptr, format!("A {} whose 'ErrorEquals' holds 'States.ALL' must be the last one", what));
            }
        }
        names
    }

    fn retriers(&mut self, o: &Obj) -> Vec<Retrier> {
        let Some(items) = self.ctx.array(o, "Retry") else { return Vec::new() };
        let mut out = Vec::with_capacity(items.len());
        for (i, v) in items.iter().enumerate() {
            let Some(r) = self.ctx.item_object(v, item(&o.at("Retry"), i), "a Retrier") else { continue };
            self.ctx.unknown_fields(&r, RETRIER_FIELDS, &[]);
            self.ctx.required(&r, &["ErrorEquals"]);
            let error_equals = self.error_equals(&r, i + 1 == items.len(), "Retrier");
            self.ctx.string(&r, "Comment");
            let interval_seconds = self.ctx.uint(&r, "IntervalSeconds", 1, 99_999_999).unwrap_or(1);
            let max_attempts = self.ctx.uint(&r, "MaxAttempts", 0, 99_999_999).unwrap_or(3);
            let backoff_rate = self.ctx.number(&r, "BackoffRate", 1.0, f64::MAX).unwrap_or(2.0);
            let max_delay_seconds = self.ctx.uint(&r, "MaxDelaySeconds", 1, 31_622_401);
            let jitter = match self.ctx.one_of(&r, "JitterStrategy", &["FULL", "NONE"]) {
                Some("FULL") => Jitter::Full,
                _ => Jitter::None,
            };
            out.push(Retrier { error_equals, interval_seconds, max_attempts, backoff_rate, max_delay_seconds, jitter });
        }
        out
    }
}

/// Why `name` is not a valid workflow variable name, if it is not.
fn variable_name_problem(name: &str) -> Option<&'static str> {
    let mut chars = name.chars();
    match chars.next() {
        None => return Some("a variable name must not be empty"),
        Some(c) if !(c.is_alphabetic() || c == '_') => return Some("a variable name must start with a letter or '_'"),
        _ => {}
    }
    if !chars.all(|c| c.is_alphanumeric() || c == '_') {
        return Some("a variable name may hold only letters, digits and '_'");
    }
    if name.chars().count() > 80 {
        return Some("a variable name must not be longer than 80 characters");
    }
    if name == "states" {
        return Some("'states' is reserved");
    }
    None
}
