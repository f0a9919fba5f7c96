//! Second pass: each state's fields → the model, for every state type of JSONPath mode.

use super::parse::{item, Builder, Obj, MAX_NESTING, SCHEMA};
use super::validate::{lint_static_result, looks_like_path};
use super::*;
use crate::query::{Path, Template};
use crate::time::parse_timestamp;
use crate::value::Value;
use std::rc::Rc;

const STATE_TYPES: &[&str] = &["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"];

/// The fields each state type accepts in JSONPath mode (`Type`, `Comment`, `QueryLanguage` everywhere).
fn fields(type_name: &str) -> &'static [&'static str] {
    match type_name {
        "Pass" => &["Type", "Comment", "QueryLanguage", "InputPath", "OutputPath", "ResultPath", "Parameters", "Result", "Assign", "Next", "End"],
        "Task" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "InputPath",
            "OutputPath",
            "ResultPath",
            "Parameters",
            "ResultSelector",
            "Resource",
            "TimeoutSeconds",
            "TimeoutSecondsPath",
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
            "Credentials",
            "Retry",
            "Catch",
            "Assign",
            "Next",
            "End",
        ],
        "Choice" => &["Type", "Comment", "QueryLanguage", "InputPath", "OutputPath", "Choices", "Default", "Assign"],
        "Wait" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "InputPath",
            "OutputPath",
            "Seconds",
            "Timestamp",
            "SecondsPath",
            "TimestampPath",
            "Assign",
            "Next",
            "End",
        ],
        "Succeed" => &["Type", "Comment", "QueryLanguage", "InputPath", "OutputPath"],
        "Fail" => &["Type", "Comment", "QueryLanguage", "Error", "ErrorPath", "Cause", "CausePath"],
        "Parallel" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "InputPath",
            "OutputPath",
            "ResultPath",
            "Parameters",
            "ResultSelector",
            "Branches",
            "Retry",
            "Catch",
            "Assign",
            "Next",
            "End",
        ],
        "Map" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "InputPath",
            "OutputPath",
            "ResultPath",
            "Parameters",
            "ItemSelector",
            "ResultSelector",
            "ItemProcessor",
            "Iterator",
            "ItemsPath",
            "MaxConcurrency",
            "MaxConcurrencyPath",
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            "Label",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "Retry",
            "Catch",
            "Assign",
            "Next",
            "End",
        ],
        _ => &[],
    }
}

/// The JSONata-only fields a state of this type could carry in a JSONata state (reported
/// with AWS's "only supported for the 'JSONata' QueryLanguage" message rather than as unknown).
fn jsonata_fields(type_name: &str) -> &'static [&'static str] {
    match type_name {
        "Task" | "Parallel" => &["Output", "Arguments"],
        "Map" => &["Output", "Items"],
        "Fail" => &[],
        _ => &["Output"],
    }
}

/// What a Choice comparison operator compares.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Compared {
    String,
    Number,
    Boolean,
    Timestamp,
    /// `Is…` type tests take `true` or `false`.
    TypeTest,
}

/// Every data-test operator: its field name, the operator, what it compares and whether it is a `…Path` form.
const OPERATORS: &[(&str, Operator, Compared, bool)] = {
    use Compared as C;
    use Operator as O;
    &[
        ("StringEquals", O::StringEquals, C::String, false),
        ("StringEqualsPath", O::StringEquals, C::String, true),
        ("StringLessThan", O::StringLessThan, C::String, false),
        ("StringLessThanPath", O::StringLessThan, C::String, true),
        ("StringGreaterThan", O::StringGreaterThan, C::String, false),
        ("StringGreaterThanPath", O::StringGreaterThan, C::String, true),
        ("StringLessThanEquals", O::StringLessThanEquals, C::String, false),
        ("StringLessThanEqualsPath", O::StringLessThanEquals, C::String, true),
        ("StringGreaterThanEquals", O::StringGreaterThanEquals, C::String, false),
        ("StringGreaterThanEqualsPath", O::StringGreaterThanEquals, C::String, true),
        ("StringMatches", O::StringMatches, C::String, false),
        ("NumericEquals", O::NumericEquals, C::Number, false),
        ("NumericEqualsPath", O::NumericEquals, C::Number, true),
        ("NumericLessThan", O::NumericLessThan, C::Number, false),
        ("NumericLessThanPath", O::NumericLessThan, C::Number, true),
        ("NumericGreaterThan", O::NumericGreaterThan, C::Number, false),
        ("NumericGreaterThanPath", O::NumericGreaterThan, C::Number, true),
        ("NumericLessThanEquals", O::NumericLessThanEquals, C::Number, false),
        ("NumericLessThanEqualsPath", O::NumericLessThanEquals, C::Number, true),
        ("NumericGreaterThanEquals", O::NumericGreaterThanEquals, C::Number, false),
        ("NumericGreaterThanEqualsPath", O::NumericGreaterThanEquals, C::Number, true),
        ("BooleanEquals", O::BooleanEquals, C::Boolean, false),
        ("BooleanEqualsPath", O::BooleanEquals, C::Boolean, true),
        ("TimestampEquals", O::TimestampEquals, C::Timestamp, false),
        ("TimestampEqualsPath", O::TimestampEquals, C::Timestamp, true),
        ("TimestampLessThan", O::TimestampLessThan, C::Timestamp, false),
        ("TimestampLessThanPath", O::TimestampLessThan, C::Timestamp, true),
        ("TimestampGreaterThan", O::TimestampGreaterThan, C::Timestamp, false),
        ("TimestampGreaterThanPath", O::TimestampGreaterThan, C::Timestamp, true),
        ("TimestampLessThanEquals", O::TimestampLessThanEquals, C::Timestamp, false),
        ("TimestampLessThanEqualsPath", O::TimestampLessThanEquals, C::Timestamp, true),
        ("TimestampGreaterThanEquals", O::TimestampGreaterThanEquals, C::Timestamp, false),
        ("TimestampGreaterThanEqualsPath", O::TimestampGreaterThanEquals, C::Timestamp, true),
        ("IsNull", O::IsNull, C::TypeTest, false),
        ("IsPresent", O::IsPresent, C::TypeTest, false),
        ("IsNumeric", O::IsNumeric, C::TypeTest, false),
        ("IsString", O::IsString, C::TypeTest, false),
        ("IsBoolean", O::IsBoolean, C::TypeTest, false),
        ("IsTimestamp", O::IsTimestamp, C::TypeTest, false),
    ]
};

const RETRIER_FIELDS: &[&str] = &["ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"];
const CATCHER_FIELDS: &[&str] = &["ErrorEquals", "Next", "ResultPath", "Assign", "Comment"];
/// Largest integer the JSON reader keeps exactly; MaxConcurrency and the tolerated
/// failure count accept anything up to it (AWS caps the effect at run time).
const MAX_INTEGER: u64 = i64::MAX as u64;

impl<'a, 'v> Builder<'a, 'v> {
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
        let language = self.state_language(&o, &name);
        let type_name = match o.get("Type") {
            None => {
                self.ctx.required(&o, &["Type"]);
                None
            }
            Some(_) => match self.ctx.string(&o, "Type") {
                Some(t) if STATE_TYPES.contains(&t) => Some(t),
                Some(t) => {
                    self.ctx.error_value(
                        SCHEMA,
                        &o.at("Type"),
                        format!("Value should be one of the following: [{}] for the field 'Type', not '{}'", STATE_TYPES.join(", "), t),
                    );
                    None
                }
                None => None,
            },
        };
        let Some(type_name) = type_name else {
            // A state of no known type: follow its transitions only, so that the graph
            // checks do not cascade.
            self.skeleton(&o, type_name, scope, id);
            return;
        };
        if language == QueryLanguage::Jsonata {
            self.jsonata_state(&o, type_name, id, scope, name, pointer, &children);
            return;
        }

        self.ctx.unknown_fields(&o, fields(type_name), jsonata_fields(type_name));
        let comment = self.ctx.string(&o, "Comment").map(String::from);
        let (input_path, output_path) = if type_name == "Fail" {
            (Some(Path::root()), Some(Path::root()))
        } else {
            (self.ctx.io_path(&o, "InputPath"), self.ctx.io_path(&o, "OutputPath"))
        };
        let assign = if fields(type_name).contains(&"Assign") { self.assign(&o) } else { None };
        let kind = match type_name {
            "Pass" => self.pass(&o, scope, id),
            "Task" => self.task(&o, scope, id),
            "Choice" => self.choice(&o, scope, id),
            "Wait" => self.wait(&o, scope, id),
            "Succeed" => {
                self.terminal[id] = true;
                Some(StateKind::Succeed)
            }
            "Fail" => self.fail(&o, id),
            "Parallel" => self.parallel(&o, scope, id, &children),
            _ => self.map(&o, scope, id, &children),
        };
        if let Some(kind) = kind {
            self.states[id] = Some(State { name, pointer, comment, query_language: language, input_path, output_path, assign, output: None, kind });
        }
    }

    /// The state's effective query language (its own `QueryLanguage`, else the machine's).
    fn state_language(&mut self, o: &Obj, name: &str) -> QueryLanguage {
        if !o.has("QueryLanguage") {
            return self.machine_language;
        }
        let language = self.query_language(o);
        let text = o.get("QueryLanguage").and_then(Value::as_str);
        if text == Some("JSONPath") && self.machine_language == QueryLanguage::Jsonata {
            self.ctx.error_head(SCHEMA, &o.ptr, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine".into());
        }
        let _ = name;
        language
    }

    /// Follow the transitions of a state that is otherwise not parsed.
    fn skeleton(&mut self, o: &Obj, type_name: Option<&str>, scope: usize, id: StateId) {
        if matches!(type_name, Some("Succeed") | Some("Fail")) || o.get("End") == Some(&Value::Bool(true)) {
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

    /// JSONPath `Assign`: a payload template whose names are variable names.
    fn assign(&mut self, o: &Obj) -> Option<Template> {
        let template = self.ctx.template(o, "Assign");
        if let Some(map) = o.get("Assign").and_then(Value::as_object) {
            for key in map.keys() {
                let name = key.strip_suffix(".$").unwrap_or(key);
                if let Some(problem) = variable_name_problem(name) {
                    self.ctx.error_head(SCHEMA, &super::parse::child(&o.at("Assign"), key), format!("Invalid variable name '{}': {}", name, problem));
                }
            }
        }
        template
    }

    fn pass(&mut self, o: &Obj, scope: usize, id: StateId) -> Option<StateKind> {
        let result = o.get("Result").cloned();
        if let Some(r) = &result {
            lint_static_result(&mut self.ctx, r, &o.at("Result"));
        }
        let parameters = self.ctx.template(o, "Parameters");
        let result_path = self.ctx.result_path(o, "ResultPath");
        let transition = self.transition(o, scope, id);
        Some(StateKind::Pass(PassState { result, parameters, result_path, transition: transition? }))
    }

    fn task(&mut self, o: &Obj, scope: usize, id: StateId) -> Option<StateKind> {
        self.ctx.required(o, &["Resource"]);
        let resource = self.ctx.string(o, "Resource").and_then(|arn| match Resource::parse(arn) {
            Ok(r) => Some(r),
            Err(e) => {
                self.ctx.error_value("INVALID_RESOURCE", &o.at("Resource"), format!("Invalid resource: {}", e));
                None
            }
        });
        let parameters = self.ctx.template(o, "Parameters");
        let result_selector = self.ctx.template(o, "ResultSelector");
        let result_path = self.ctx.result_path(o, "ResultPath");
        let timeout_seconds = self.number_source(o, "TimeoutSeconds", 1, 99_999_999);
        let heartbeat_seconds = self.number_source(o, "HeartbeatSeconds", 1, 99_999_999);
        if let (Some(NumberSource::Literal(h)), Some(NumberSource::Literal(t))) = (&heartbeat_seconds, &timeout_seconds) {
            if h >= t {
                self.ctx.error_value(
                    SCHEMA,
                    &o.at("HeartbeatSeconds"),
                    format!("The field 'HeartbeatSeconds' ({}) must be smaller than 'TimeoutSeconds' ({})", h, t),
                );
            }
        }
        let credentials = self.credentials(o);
        let retry = self.retriers(o);
        let catch = self.catchers(o, scope, id);
        let transition = self.transition(o, scope, id);
        Some(StateKind::Task(Box::new(TaskState {
            resource: resource?,
            parameters,
            result_selector,
            result_path,
            timeout_seconds,
            heartbeat_seconds,
            credentials,
            retry,
            catch,
            transition: transition?,
        })))
    }

    /// `Credentials`: `{"RoleArn": "…"}` or `{"RoleArn.$": path or intrinsic}`, kept as a template.
    fn credentials(&mut self, o: &Obj) -> Option<Template> {
        let c = self.ctx.object(o, "Credentials")?;
        self.ctx.unknown_fields(&c, &["RoleArn", "RoleArn.$"], &[]);
        match (c.has("RoleArn"), c.has("RoleArn.$")) {
            (false, false) => {
                self.ctx.required(&c, &["RoleArn"]);
            }
            (true, true) => {
                self.ctx.exclusive(&c, "RoleArn", "RoleArn.$");
            }
            (true, false) => {
                self.ctx.string(&c, "RoleArn");
            }
            (false, true) => {}
        }
        self.ctx.template(o, "Credentials")
    }

    /// A number given literally (`key`, within `min..=max`) or by a path (`keyPath`); not both.
    fn number_source(&mut self, o: &Obj, key: &str, min: u64, max: u64) -> Option<NumberSource> {
        let path_key = format!("{}Path", key);
        self.ctx.exclusive(o, key, &path_key);
        if o.has(key) {
            self.ctx.uint(o, key, min, max).map(NumberSource::Literal)
        } else if o.has(&path_key) {
            self.ctx.definite_path(o, &path_key).map(NumberSource::Path)
        } else {
            None
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

    fn catchers(&mut self, o: &Obj, scope: usize, id: StateId) -> Vec<Catcher> {
        let Some(items) = self.ctx.array(o, "Catch") else { return Vec::new() };
        let mut out = Vec::with_capacity(items.len());
        for (i, v) in items.iter().enumerate() {
            let Some(c) = self.ctx.item_object(v, item(&o.at("Catch"), i), "a Catcher") else { continue };
            self.ctx.unknown_fields(&c, CATCHER_FIELDS, &["Output"]);
            self.ctx.required(&c, &["ErrorEquals", "Next"]);
            let error_equals = self.error_equals(&c, i + 1 == items.len(), "Catcher");
            self.ctx.string(&c, "Comment");
            let next = self.target(&c, "Next", scope, id);
            let result_path = self.ctx.result_path(&c, "ResultPath");
            let assign = self.assign(&c);
            if let Some(next) = next {
                out.push(Catcher { error_equals, next, result_path, assign, output: None });
            }
        }
        out
    }

    fn choice(&mut self, o: &Obj, scope: usize, id: StateId) -> Option<StateKind> {
        self.ctx.required(o, &["Choices"]);
        let mut choices = Vec::new();
        let mut complete = true;
        if let Some(rules) = self.ctx.nonempty_array(o, "Choices") {
            for (i, v) in rules.iter().enumerate() {
                match self.choice_rule(v, item(&o.at("Choices"), i), scope, id) {
                    Some(rule) => choices.push(rule),
                    None => complete = false,
                }
            }
        } else {
            complete = false;
        }
        let default = if o.has("Default") { self.target(o, "Default", scope, id) } else { None };
        if o.has("Default") && default.is_none() {
            complete = false;
        }
        complete.then_some(StateKind::Choice(ChoiceState { choices, default }))
    }

    fn choice_rule(&mut self, v: &Value, ptr: String, scope: usize, id: StateId) -> Option<ChoiceRule> {
        let o = self.ctx.item_object(v, ptr, "a Choice rule")?;
        let condition = self.condition(&o, true, 0);
        let next = if o.has("Next") {
            self.target(&o, "Next", scope, id)
        } else {
            self.ctx.required(&o, &["Next"]);
            None
        };
        let assign = self.assign(&o);
        Some(ChoiceRule { condition: condition?, next: next?, assign, output: None })
    }

    /// A Choice rule's test: `And`/`Or`/`Not`, or `Variable` with one comparison operator.
    fn condition(&mut self, o: &Obj, top: bool, depth: usize) -> Option<Condition> {
        let boolean: Vec<&str> = ["And", "Or", "Not"].into_iter().filter(|k| o.has(k)).collect();
        let operators: Vec<&(&str, Operator, Compared, bool)> = OPERATORS.iter().filter(|op| o.has(op.0)).collect();
        let mut allowed: Vec<&str> = vec!["Comment"];
        if top {
            allowed.extend(["Next", "Assign"]);
        } else if o.has("Next") {
            self.ctx.error_member(
                &o.ptr,
                "Next",
                "Field 'Next' is not supported in a nested Choice rule: only the rules directly in 'Choices' have 'Next'".into(),
            );
            allowed.push("Next");
        }
        let jsonata_only: &[&str] = if top { &["Condition", "Output"] } else { &[] };

        if !boolean.is_empty() {
            allowed.extend(&boolean);
            self.ctx.unknown_fields(o, &allowed, jsonata_only);
            if boolean.len() > 1 {
                self.ctx.error_head(
                    SCHEMA,
                    &o.ptr,
                    format!("A Choice rule may hold only one of 'And', 'Or' and 'Not', not [{}]", boolean.join(", ")),
                );
                return None;
            }
            if depth >= MAX_NESTING {
                self.ctx.error_head(
                    "TOO_DEEPLY_NESTED",
                    &o.ptr,
                    format!("Choice rules nest 'And', 'Or' and 'Not' more than {} levels deep", MAX_NESTING),
                );
                return None;
            }
            return match boolean[0] {
                "Not" => {
                    let inner = self.ctx.object(o, "Not")?;
                    self.condition(&inner, false, depth + 1).map(|c| Condition::Not(Box::new(c)))
                }
                key => {
                    let rules = self.ctx.nonempty_array(o, key)?;
                    let mut out = Vec::with_capacity(rules.len());
                    let mut complete = true;
                    for (i, v) in rules.iter().enumerate() {
                        match self.ctx.item_object(v, item(&o.at(key), i), "a Choice rule") {
                            Some(inner) => match self.condition(&inner, false, depth + 1) {
                                Some(c) => out.push(c),
                                None => complete = false,
                            },
                            None => complete = false,
                        }
                    }
                    if !complete {
                        return None;
                    }
                    Some(if key == "And" { Condition::And(out) } else { Condition::Or(out) })
                }
            };
        }

        allowed.push("Variable");
        allowed.extend(operators.iter().map(|op| op.0));
        self.ctx.unknown_fields(o, &allowed, jsonata_only);
        if !o.has("Variable") && operators.is_empty() {
            if o.has("Condition") {
                return None; // a JSONata rule, already reported as such
            }
            self.ctx.error_head(
                SCHEMA,
                &o.ptr,
                "A Choice rule needs a Boolean expression ('And', 'Or', 'Not') or a 'Variable' and a comparison operator such as 'StringEquals' or 'IsPresent'"
                    .into(),
            );
            return None;
        }
        self.ctx.required(o, &["Variable"]);
        let variable = self.ctx.path(o, "Variable");
        if operators.is_empty() {
            self.ctx.error_head(
                SCHEMA,
                &o.ptr,
                "The Choice rule has a 'Variable' but no comparison operator such as 'StringEquals', 'NumericLessThan' or 'IsPresent'".into(),
            );
            return None;
        }
        if operators.len() > 1 {
            let names: Vec<&str> = operators.iter().map(|op| op.0).collect();
            let span = self.ctx.key_span(&o.at(names[1]));
            self.ctx.report(
                SCHEMA,
                Severity::Error,
                &o.ptr,
                span,
                format!("A Choice rule must have exactly one comparison operator, found [{}]", names.join(", ")),
            );
            return None;
        }
        let &(key, operator, compared, is_path) = operators[0];
        let operand = self.operand(o, key, compared, is_path);
        Some(Condition::Compare { variable: variable?, operator, operand: operand? })
    }

    fn operand(&mut self, o: &Obj, key: &str, compared: Compared, is_path: bool) -> Option<Operand> {
        if is_path {
            return self.ctx.path(o, key).map(Operand::Path);
        }
        let v = o.get(key)?;
        let ok = match compared {
            Compared::String => {
                let s = self.ctx.string(o, key)?;
                if looks_like_path(s) {
                    self.ctx.warning_value(
                        "NO_PATH",
                        &o.at(key),
                        format!("The value '{}' of the field '{}' looks like a path, but the field name does not end in 'Path', so it is compared as a literal string (use '{}Path' to compare with the value at that path)", s, key, key),
                    );
                }
                true
            }
            Compared::Number => {
                if v.as_number().is_none() {
                    self.ctx.literal_type_error(o, key, "NUMBER");
                    return None;
                }
                true
            }
            Compared::Boolean => {
                if v.as_bool().is_none() {
                    self.ctx.literal_type_error(o, key, "BOOLEAN");
                    return None;
                }
                true
            }
            Compared::TypeTest => self.ctx.boolean(o, key).is_some(),
            Compared::Timestamp => {
                let s = self.ctx.string(o, key)?;
                if looks_like_path(s) {
                    self.ctx.error_value(
                        SCHEMA,
                        &o.at(key),
                        format!(
                            "The value for the field '{}' must be a timestamp, not a path: to compare with the value at '{}', use '{}Path'",
                            key, s, key
                        ),
                    );
                    return None;
                }
                if parse_timestamp(s).is_none() {
                    self.ctx.error_value(
                        SCHEMA,
                        &o.at(key),
                        format!(
                            "The value for the field '{}' must be an ISO-8601 timestamp with an offset, such as 2024-01-01T00:00:00Z: '{}'",
                            key, s
                        ),
                    );
                    return None;
                }
                true
            }
        };
        ok.then(|| Operand::Literal(v.clone()))
    }

    fn wait(&mut self, o: &Obj, scope: usize, id: StateId) -> Option<StateKind> {
        let present: Vec<&str> = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"].into_iter().filter(|k| o.has(k)).collect();
        if present.is_empty() {
            self.ctx.error_head(SCHEMA, &o.ptr, "One of these fields is required: [Seconds, Timestamp, SecondsPath, TimestampPath]".into());
        } else if present.len() > 1 {
            self.ctx.error_member(&o.ptr, present[1], format!("Only one of these fields may be set: [{}]", present.join(", ")));
        }
        let wait = match present.first().copied() {
            Some("Seconds") => self.ctx.uint(o, "Seconds", 0, 99_999_999).map(WaitFor::Seconds),
            Some("Timestamp") => {
                let text = self.ctx.string(o, "Timestamp");
                match text.map(|t| (t, parse_timestamp(t))) {
                    Some((_, Some(ms))) => Some(WaitFor::Timestamp(ms)),
                    Some((t, None)) if looks_like_path(t) => {
                        self.ctx.error_value(
                            SCHEMA,
                            &o.at("Timestamp"),
                            format!("The value for the field 'Timestamp' must be a timestamp, not a path: to wait until the time at '{}', use 'TimestampPath'", t),
                        );
                        None
                    }
                    Some((t, None)) => {
                        self.ctx.error_value(
                            SCHEMA,
                            &o.at("Timestamp"),
                            format!("The value for the field 'Timestamp' must be an ISO-8601 timestamp with an offset, such as 2024-01-01T00:00:00Z: '{}'", t),
                        );
                        None
                    }
                    None => None,
                }
            }
            Some("SecondsPath") => self.ctx.definite_path(o, "SecondsPath").map(WaitFor::SecondsPath),
            Some(_) => self.ctx.definite_path(o, "TimestampPath").map(WaitFor::TimestampPath),
            None => None,
        };
        let transition = self.transition(o, scope, id);
        Some(StateKind::Wait(WaitState { wait: wait?, transition: transition? }))
    }

    fn fail(&mut self, o: &Obj, id: StateId) -> Option<StateKind> {
        self.terminal[id] = true;
        let error = self.fail_field(o, "Error");
        let cause = self.fail_field(o, "Cause");
        Some(StateKind::Fail(FailState { error, cause }))
    }

    /// `Error` or `ErrorPath` (likewise `Cause`/`CausePath`).
    fn fail_field(&mut self, o: &Obj, key: &str) -> Option<FailField> {
        let path_key = format!("{}Path", key);
        self.ctx.exclusive(o, key, &path_key);
        if o.has(key) {
            let s = self.ctx.string(o, key)?;
            if looks_like_path(s) {
                self.ctx.warning_value(
                    "NO_PATH",
                    &o.at(key),
                    format!("The value '{}' of the field '{}' looks like a path, but the field name does not end in 'Path', so it is used as a literal string (use '{}' to read it from the input)", s, key, path_key),
                );
            }
            Some(FailField::Literal(s.to_string()))
        } else if o.has(&path_key) {
            self.ctx.expr(o, &path_key).map(FailField::Expr)
        } else {
            None
        }
    }

    fn parallel(&mut self, o: &Obj, scope: usize, id: StateId, children: &[usize]) -> Option<StateKind> {
        self.ctx.required(o, &["Branches"]);
        let mut shape_ok = false;
        if let Some(branches) = self.ctx.nonempty_array(o, "Branches") {
            shape_ok = true;
            for (i, b) in branches.iter().enumerate() {
                if b.as_object().is_none() {
                    self.ctx.error_value(SCHEMA, &item(&o.at("Branches"), i), "Expected value of type [OBJECT] for a branch".into());
                    shape_ok = false;
                }
            }
        }
        let branches: Option<Vec<Scope>> = children.iter().map(|&s| self.scope_model(s)).collect();
        let parameters = self.ctx.template(o, "Parameters");
        let result_selector = self.ctx.template(o, "ResultSelector");
        let result_path = self.ctx.result_path(o, "ResultPath");
        let retry = self.retriers(o);
        let catch = self.catchers(o, scope, id);
        let transition = self.transition(o, scope, id);
        let branches = branches.filter(|_| shape_ok)?;
        Some(StateKind::Parallel(Box::new(ParallelState {
            branches,
            parameters,
            result_selector,
            result_path,
            retry,
            catch,
            transition: transition?,
        })))
    }

    fn map(&mut self, o: &Obj, scope: usize, id: StateId, children: &[usize]) -> Option<StateKind> {
        if !o.has("ItemProcessor") && !o.has("Iterator") {
            self.ctx.required(o, &["ItemProcessor"]);
        }
        self.ctx.exclusive(o, "ItemProcessor", "Iterator");
        let (mut distributed, mut execution_type) = (false, None);
        let processor_key = if o.has("ItemProcessor") { "ItemProcessor" } else { "Iterator" };
        if let Some(processor) = self.ctx.object(o, processor_key) {
            if let Some(config) = self.ctx.object(&processor, "ProcessorConfig") {
                self.ctx.unknown_fields(&config, &["Mode", "ExecutionType"], &[]);
                distributed = self.ctx.one_of(&config, "Mode", &["INLINE", "DISTRIBUTED"]) == Some("DISTRIBUTED");
                execution_type = match self.ctx.one_of(&config, "ExecutionType", &["STANDARD", "EXPRESS"]) {
                    Some("STANDARD") => Some(ExecutionType::Standard),
                    Some(_) => Some(ExecutionType::Express),
                    None => None,
                };
                if execution_type.is_some() && !distributed {
                    self.ctx.error_value(
                        SCHEMA,
                        &config.at("ExecutionType"),
                        "The field 'ExecutionType' is only supported when 'Mode' is 'DISTRIBUTED'".into(),
                    );
                }
            }
        }
        let processor = children.first().and_then(|&s| self.scope_model(s));

        let items_path = if o.has("ItemsPath") { self.ctx.path(o, "ItemsPath") } else { Some(Path::root()) };
        self.ctx.exclusive(o, "ItemSelector", "Parameters");
        let item_selector = if o.has("ItemSelector") { self.ctx.template(o, "ItemSelector") } else { self.ctx.template(o, "Parameters") };
        let max_concurrency = self.number_source(o, "MaxConcurrency", 0, MAX_INTEGER).unwrap_or(NumberSource::Literal(0));
        let tolerated_failure_count = self.number_source(o, "ToleratedFailureCount", 0, MAX_INTEGER);
        self.ctx.exclusive(o, "ToleratedFailurePercentage", "ToleratedFailurePercentagePath");
        let tolerated_failure_percentage = if o.has("ToleratedFailurePercentage") {
            self.ctx.number(o, "ToleratedFailurePercentage", 0.0, 100.0).map(PercentSource::Literal)
        } else if o.has("ToleratedFailurePercentagePath") {
            self.ctx.definite_path(o, "ToleratedFailurePercentagePath").map(PercentSource::Path)
        } else {
            None
        };
        let label = self.label(o);
        let item_reader = self.item_reader(o, false);
        let item_batcher = self.item_batcher(o, false);
        let result_writer = self.result_writer(o, false);
        if !distributed {
            self.distributed_only(o);
        }
        let result_selector = self.ctx.template(o, "ResultSelector");
        let result_path = self.ctx.result_path(o, "ResultPath");
        let retry = self.retriers(o);
        let catch = self.catchers(o, scope, id);
        let transition = self.transition(o, scope, id);
        Some(StateKind::Map(Box::new(MapState {
            processor: processor?,
            items_path: items_path?,
            items: None,
            item_selector,
            max_concurrency,
            tolerated_failure_count,
            tolerated_failure_percentage,
            distributed,
            label,
            result_selector,
            result_path,
            retry,
            catch,
            transition: transition?,
            execution_type,
            item_reader,
            item_batcher,
            result_writer,
        })))
    }

    /// Fields an INLINE Map may not have. (AWS records ToleratedFailure* on INLINE Maps as
    /// accepted, so they are not among them.)
    fn distributed_only(&mut self, o: &Obj) {
        for field in ["ItemReader", "ItemBatcher", "ResultWriter"] {
            if o.has(field) {
                self.ctx.error_value(SCHEMA, &o.at(field), format!("The field '{}' is only supported when 'Mode' is 'DISTRIBUTED'", field));
            }
        }
    }

    /// A Map's `Label` (named in Map Run ARNs): at most 40 characters, none of AWS's reserved ones, unique.
    fn label(&mut self, o: &Obj) -> Option<String> {
        let label = self.ctx.string(o, "Label")?;
        let ptr = o.at("Label");
        let chars = label.chars().count();
        let bad = label.chars().find(|&c| c.is_whitespace() || c.is_control() || "?*<>{}[]\"#%\\^~$&,;:/|`".contains(c));
        if chars == 0 || chars > 40 {
            self.ctx.error_value("INVALID_LABEL_NAME", &ptr, format!("The label '{}' must be 1 to 40 characters long", label));
        } else if let Some(c) = bad {
            self.ctx.error_value("INVALID_LABEL_NAME", &ptr, format!("The label '{}' must not contain {:?}", label, c));
        }
        if let Some(first) = self.labels.get(label) {
            let message = format!("Duplicate label '{}': Map labels must be unique in the state machine (first used at {})", label, first);
            self.ctx.error_value("DUPLICATE_LABEL_NAME", &ptr, message);
        } else {
            self.labels.insert(label.to_string(), ptr);
        }
        Some(label.to_string())
    }

    /// `jsonata`: the Map is in JSONata mode (`Arguments`, `{% %}` numbers).
    fn item_reader(&mut self, o: &Obj, jsonata: bool) -> Option<ItemReader> {
        let r = self.ctx.object(o, "ItemReader")?;
        if jsonata {
            self.ctx.unknown_fields(&r, &["Resource", "Arguments", "ReaderConfig"], &[]);
        } else {
            self.ctx.unknown_fields(&r, &["Resource", "Parameters", "ReaderConfig"], &["Arguments"]);
        }
        self.ctx.required(&r, &["Resource"]);
        let resource = self.s3_resource(&r, &["getObject", "listObjectsV2"]);
        let parameters = if jsonata { self.jsonata_arguments(&r) } else { self.ctx.template(&r, "Parameters") };
        let mut reader_config = ReaderConfig::default();
        if let Some(c) = self.ctx.object(&r, "ReaderConfig") {
            self.ctx.unknown_fields(
                &c,
                &[
                    "InputType",
                    "Transformation",
                    "ManifestType",
                    "CSVDelimiter",
                    "CSVHeaderLocation",
                    "CSVHeaders",
                    "MaxItems",
                    "MaxItemsPath",
                    "ItemsPointer",
                ],
                &[],
            );
            let text = |s: Option<&str>| s.map(String::from);
            reader_config.input_type = text(self.ctx.one_of(&c, "InputType", &["CSV", "JSON", "JSONL", "PARQUET", "MANIFEST"]));
            reader_config.transformation = text(self.ctx.one_of(&c, "Transformation", &["NONE", "LOAD_AND_FLATTEN"]));
            reader_config.manifest_type = text(self.ctx.one_of(&c, "ManifestType", &["ATHENA_DATA", "S3_INVENTORY"]));
            reader_config.csv_delimiter = text(self.ctx.one_of(&c, "CSVDelimiter", &["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"]));
            reader_config.csv_header_location = text(self.ctx.one_of(&c, "CSVHeaderLocation", &["FIRST_ROW", "GIVEN"]));
            reader_config.items_pointer = text(self.ctx.string(&c, "ItemsPointer"));
            if let Some(headers) = self.ctx.array(&c, "CSVHeaders") {
                for (i, h) in headers.iter().enumerate() {
                    match h.as_str() {
                        Some(s) => reader_config.csv_headers.push(s.to_string()),
                        None => {
                            self.ctx.error_value(SCHEMA, &item(&c.at("CSVHeaders"), i), "Expected value of type [STRING] for a CSV header".into())
                        }
                    }
                }
            }
            reader_config.max_items =
                if jsonata { self.jsonata_number(&c, "MaxItems", 1, 100_000_000) } else { self.number_source(&c, "MaxItems", 1, 100_000_000) };
        }
        Some(ItemReader { resource: resource?, parameters, reader_config })
    }

    fn item_batcher(&mut self, o: &Obj, jsonata: bool) -> Option<ItemBatcher> {
        let b = self.ctx.object(o, "ItemBatcher")?;
        let fields = ["MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"];
        self.ctx.unknown_fields(
            &b,
            &["MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", "BatchInput"],
            &[],
        );
        if !fields.iter().any(|f| b.has(f)) {
            self.ctx.error_head(SCHEMA, &b.ptr, format!("One of these fields is required: [{}]", fields.join(", ")));
        }
        if jsonata {
            let max_items_per_batch = self.jsonata_number(&b, "MaxItemsPerBatch", 1, MAX_INTEGER);
            let max_input_bytes_per_batch = self.jsonata_number(&b, "MaxInputBytesPerBatch", 1, 262_144);
            let batch_input = self.jsonata_field(&b, "BatchInput");
            return Some(ItemBatcher { max_items_per_batch, max_input_bytes_per_batch, batch_input });
        }
        let max_items_per_batch = self.number_source(&b, "MaxItemsPerBatch", 1, MAX_INTEGER);
        let max_input_bytes_per_batch = self.number_source(&b, "MaxInputBytesPerBatch", 1, 262_144);
        let batch_input = self.ctx.template(&b, "BatchInput");
        Some(ItemBatcher { max_items_per_batch, max_input_bytes_per_batch, batch_input })
    }

    fn result_writer(&mut self, o: &Obj, jsonata: bool) -> Option<ResultWriter> {
        let w = self.ctx.object(o, "ResultWriter")?;
        let arguments = if jsonata { "Arguments" } else { "Parameters" };
        if jsonata {
            self.ctx.unknown_fields(&w, &["Resource", "Arguments", "WriterConfig"], &[]);
        } else {
            self.ctx.unknown_fields(&w, &["Resource", "Parameters", "WriterConfig"], &["Arguments"]);
        }
        if !w.has("Resource") && !w.has("WriterConfig") {
            self.ctx.error_head(SCHEMA, &w.ptr, "One of these fields is required: [Resource, WriterConfig]".into());
        }
        let resource = if w.has("Resource") {
            self.ctx.required(&w, &[arguments]);
            self.s3_resource(&w, &["putObject"])
        } else {
            None
        };
        if let Some(p) = w.get("Parameters").and_then(Value::as_object) {
            let p = Obj { map: p, ptr: w.at("Parameters") };
            self.ctx.string(&p, "Bucket");
            self.ctx.string(&p, "Prefix");
        }
        let parameters = if jsonata { self.jsonata_arguments(&w) } else { self.ctx.template(&w, "Parameters") };
        let writer_config = self.ctx.object(&w, "WriterConfig").and_then(|c| {
            self.ctx.unknown_fields(&c, &["OutputType", "Transformation"], &[]);
            self.ctx.required(&c, &["OutputType", "Transformation"]);
            let output_type = self.ctx.one_of(&c, "OutputType", &["JSON", "JSONL"]);
            let transformation = self.ctx.one_of(&c, "Transformation", &["NONE", "COMPACT", "FLATTEN"]);
            Some(WriterConfig { output_type: output_type?.to_string(), transformation: transformation?.to_string() })
        });
        Some(ResultWriter { resource, parameters, writer_config })
    }

    /// An `arn:…:states:::s3:ACTION` resource of an ItemReader or ResultWriter.
    fn s3_resource(&mut self, o: &Obj, actions: &[&str]) -> Option<Resource> {
        let arn = self.ctx.string(o, "Resource")?;
        match Resource::parse(arn) {
            Ok(r @ Resource::Integration { .. }) if matches!(&r, Resource::Integration { resource_type, resource, .. } if resource_type == "s3" && actions.contains(&resource.as_str())) => {
                Some(r)
            }
            _ => {
                let expected: Vec<String> = actions.iter().map(|a| format!("arn:aws:states:::s3:{}", a)).collect();
                self.ctx.error_value(
                    SCHEMA,
                    &o.at("Resource"),
                    format!("Value should be one of the following: [{}] for the field 'Resource'", expected.join(", ")),
                );
                None
            }
        }
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

/// The fields each state type accepts in JSONata mode (`Type`, `Comment`, `QueryLanguage` everywhere).
fn jsonata_mode_fields(type_name: &str) -> &'static [&'static str] {
    match type_name {
        "Pass" => &["Type", "Comment", "QueryLanguage", "Output", "Assign", "Next", "End"],
        "Task" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "Resource",
            "Arguments",
            "Output",
            "Assign",
            "TimeoutSeconds",
            "HeartbeatSeconds",
            "Credentials",
            "Retry",
            "Catch",
            "Next",
            "End",
        ],
        "Choice" => &["Type", "Comment", "QueryLanguage", "Choices", "Default", "Output", "Assign"],
        "Wait" => &["Type", "Comment", "QueryLanguage", "Seconds", "Timestamp", "Output", "Assign", "Next", "End"],
        "Succeed" => &["Type", "Comment", "QueryLanguage", "Output"],
        "Fail" => &["Type", "Comment", "QueryLanguage", "Error", "Cause"],
        "Parallel" => &["Type", "Comment", "QueryLanguage", "Branches", "Arguments", "Output", "Assign", "Retry", "Catch", "Next", "End"],
        "Map" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "ItemProcessor",
            "Iterator",
            "Items",
            "ItemSelector",
            "MaxConcurrency",
            "ToleratedFailureCount",
            "ToleratedFailurePercentage",
            "Label",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "Output",
            "Assign",
            "Retry",
            "Catch",
            "Next",
            "End",
        ],
        _ => &[],
    }
}

impl<'a, 'v> Builder<'a, 'v> {
    /// A state in JSONata mode: `Arguments`, `Output`, `Assign`, `{% %}` expressions.
    #[allow(clippy::too_many_arguments)]
    fn jsonata_state(&mut self, o: &Obj, type_name: &str, id: StateId, scope: usize, name: Rc<str>, pointer: String, children: &[usize]) {
        let allowed = jsonata_mode_fields(type_name);
        for key in o.map.keys() {
            if allowed.contains(&&**key) {
                continue;
            }
            let message = if fields(type_name).contains(&&**key) {
                format!("The QueryLanguage is set to 'JSONata', but field '{}' is only supported for the 'JSONPath' QueryLanguage", key)
            } else {
                format!("Field '{}' is not supported", key)
            };
            self.ctx.error_member(&o.ptr, key, message);
        }
        let comment = self.ctx.string(o, "Comment").map(String::from);
        let output = if type_name != "Fail" { self.jsonata_field(o, "Output") } else { None };
        let assign = if allowed.contains(&"Assign") { self.jsonata_assign(o) } else { None };
        let kind = match type_name {
            "Pass" => self
                .transition(o, scope, id)
                .map(|t| StateKind::Pass(PassState { result: None, parameters: None, result_path: Some(ReferencePath::root()), transition: t })),
            "Task" => self.jsonata_task(o, scope, id),
            "Choice" => self.jsonata_choice(o, scope, id),
            "Wait" => self.jsonata_wait(o, scope, id),
            "Succeed" => {
                self.terminal[id] = true;
                Some(StateKind::Succeed)
            }
            "Fail" => {
                self.terminal[id] = true;
                let error = self.jsonata_string_field(o, "Error");
                let cause = self.jsonata_string_field(o, "Cause");
                Some(StateKind::Fail(FailState { error, cause }))
            }
            "Parallel" => self.jsonata_parallel(o, scope, id, children),
            _ => self.jsonata_map(o, scope, id, children),
        };
        if let Some(kind) = kind {
            let root = Some(Path::root());
            self.states[id] = Some(State {
                name,
                pointer,
                comment,
                query_language: QueryLanguage::Jsonata,
                input_path: root.clone(),
                output_path: root,
                assign,
                output,
                kind,
            });
        }
    }

    /// A JSONata-mode field: any JSON value, `{% %}` strings anywhere in it compiled.
    fn jsonata_field(&mut self, o: &Obj, key: &str) -> Option<Template> {
        let v = o.get(key)?;
        match Template::compile_jsonata(v) {
            Ok(t) => Some(t),
            Err((suffix, message)) => {
                self.ctx.error_value(SCHEMA, &format!("{}{}", o.at(key), suffix), message);
                None
            }
        }
    }

    /// JSONata `Assign`: an object of variable names.
    fn jsonata_assign(&mut self, o: &Obj) -> Option<Template> {
        let v = o.get("Assign")?;
        let Some(map) = v.as_object() else {
            self.ctx.error_value(SCHEMA, &o.at("Assign"), "Expected value of type [OBJECT] for the field 'Assign'".into());
            return None;
        };
        for key in map.keys() {
            if let Some(problem) = variable_name_problem(key) {
                self.ctx.error_head(SCHEMA, &super::parse::child(&o.at("Assign"), key), format!("Invalid variable name '{}': {}", key, problem));
            }
        }
        self.jsonata_field(o, "Assign")
    }

    /// A whole number given literally or as a `{% %}` expression.
    fn jsonata_number(&mut self, o: &Obj, key: &str, min: u64, max: u64) -> Option<NumberSource> {
        match o.get(key)? {
            Value::String(s) if crate::query::jsonata_text(s).is_some() => self.jsonata_field(o, key).map(NumberSource::Jsonata),
            _ => self.ctx.uint(o, key, min, max).map(NumberSource::Literal),
        }
    }

    /// `Error`/`Cause` of a JSONata Fail state: a string, or an expression giving one.
    fn jsonata_string_field(&mut self, o: &Obj, key: &str) -> Option<FailField> {
        match o.get(key)? {
            Value::String(s) if crate::query::jsonata_text(s).is_some() => self.jsonata_field(o, key).map(FailField::Jsonata),
            _ => self.ctx.string(o, key).map(|s| FailField::Literal(s.to_string())),
        }
    }

    fn jsonata_arguments(&mut self, o: &Obj) -> Option<Template> {
        let v = o.get("Arguments")?;
        let is_expr = v.as_str().is_some_and(|s| crate::query::jsonata_text(s).is_some());
        if v.as_object().is_none() && !is_expr {
            self.ctx.error_value(SCHEMA, &o.at("Arguments"), "The field 'Arguments' must be an object or a JSONata expression".into());
            return None;
        }
        self.jsonata_field(o, "Arguments")
    }

    fn jsonata_catchers(&mut self, o: &Obj, scope: usize, id: StateId) -> Vec<Catcher> {
        let Some(items) = self.ctx.array(o, "Catch") else { return Vec::new() };
        let mut out = Vec::with_capacity(items.len());
        for (i, v) in items.iter().enumerate() {
            let Some(c) = self.ctx.item_object(v, item(&o.at("Catch"), i), "a Catcher") else { continue };
            self.ctx.unknown_fields(&c, &["ErrorEquals", "Next", "Output", "Assign", "Comment"], &[]);
            self.ctx.required(&c, &["ErrorEquals", "Next"]);
            let error_equals = self.error_equals(&c, i + 1 == items.len(), "Catcher");
            let next = self.target(&c, "Next", scope, id);
            let output = self.jsonata_field(&c, "Output");
            let assign = self.jsonata_assign(&c);
            if let Some(next) = next {
                out.push(Catcher { error_equals, next, result_path: Some(ReferencePath::root()), assign, output });
            }
        }
        out
    }

    fn jsonata_task(&mut self, o: &Obj, scope: usize, id: StateId) -> Option<StateKind> {
        self.ctx.required(o, &["Resource"]);
        let resource = self.ctx.string(o, "Resource").and_then(|arn| match Resource::parse(arn) {
            Ok(r) => Some(r),
            Err(e) => {
                self.ctx.error_value("INVALID_RESOURCE", &o.at("Resource"), format!("Invalid resource: {}", e));
                None
            }
        });
        let parameters = self.jsonata_arguments(o);
        let timeout_seconds = self.jsonata_number(o, "TimeoutSeconds", 1, 99_999_999);
        let heartbeat_seconds = self.jsonata_number(o, "HeartbeatSeconds", 1, 99_999_999);
        let credentials = self.jsonata_field(o, "Credentials");
        let retry = self.retriers(o);
        let catch = self.jsonata_catchers(o, scope, id);
        let transition = self.transition(o, scope, id);
        Some(StateKind::Task(Box::new(TaskState {
            resource: resource?,
            parameters,
            result_selector: None,
            result_path: Some(ReferencePath::root()),
            timeout_seconds,
            heartbeat_seconds,
            credentials,
            retry,
            catch,
            transition: transition?,
        })))
    }

    fn jsonata_choice(&mut self, o: &Obj, scope: usize, id: StateId) -> Option<StateKind> {
        self.ctx.required(o, &["Choices"]);
        let mut choices = Vec::new();
        let mut complete = true;
        for (i, v) in self.ctx.nonempty_array(o, "Choices").unwrap_or(&[]).iter().enumerate() {
            let Some(r) = self.ctx.item_object(v, item(&o.at("Choices"), i), "a Choice rule") else {
                complete = false;
                continue;
            };
            self.ctx.unknown_fields(&r, &["Condition", "Next", "Output", "Assign", "Comment"], &[]);
            self.ctx.required(&r, &["Condition", "Next"]);
            let condition = match r.get("Condition") {
                Some(Value::Bool(_)) | Some(Value::String(_)) => self.jsonata_field(&r, "Condition").map(Condition::Jsonata),
                Some(_) => {
                    self.ctx.error_value(SCHEMA, &r.at("Condition"), "The field 'Condition' must be true, false or a JSONata expression".into());
                    None
                }
                None => None,
            };
            let next = if r.has("Next") { self.target(&r, "Next", scope, id) } else { None };
            let output = self.jsonata_field(&r, "Output");
            let assign = self.jsonata_assign(&r);
            match (condition, next) {
                (Some(condition), Some(next)) => choices.push(ChoiceRule { condition, next, assign, output }),
                _ => complete = false,
            }
        }
        let default = if o.has("Default") { self.target(o, "Default", scope, id) } else { None };
        if o.has("Default") && default.is_none() {
            complete = false;
        }
        complete.then_some(StateKind::Choice(ChoiceState { choices, default }))
    }

    fn jsonata_wait(&mut self, o: &Obj, scope: usize, id: StateId) -> Option<StateKind> {
        let present: Vec<&str> = ["Seconds", "Timestamp"].into_iter().filter(|k| o.has(k)).collect();
        if present.is_empty() {
            self.ctx.error_head(SCHEMA, &o.ptr, "One of these fields is required: [Seconds, Timestamp]".into());
        } else if present.len() > 1 {
            self.ctx.error_member(&o.ptr, present[1], "Only one of these fields may be set: [Seconds, Timestamp]".into());
        }
        let is_expr = |v: Option<&Value>| v.and_then(Value::as_str).is_some_and(|s| crate::query::jsonata_text(s).is_some());
        let wait = match present.first().copied() {
            Some("Seconds") if is_expr(o.get("Seconds")) => self.jsonata_field(o, "Seconds").map(WaitFor::SecondsJsonata),
            Some("Seconds") => self.ctx.uint(o, "Seconds", 0, 99_999_999).map(WaitFor::Seconds),
            Some(_) if is_expr(o.get("Timestamp")) => self.jsonata_field(o, "Timestamp").map(WaitFor::TimestampJsonata),
            Some(_) => {
                match self.ctx.string(o, "Timestamp").map(|t| (t, parse_timestamp(t))) {
                    Some((_, Some(ms))) => Some(WaitFor::Timestamp(ms)),
                    Some((t, None)) => {
                        self.ctx.error_value(SCHEMA, &o.at("Timestamp"), format!("The value for the field 'Timestamp' must be an ISO-8601 timestamp with an offset, such as 2024-01-01T00:00:00Z: '{}'", t));
                        None
                    }
                    None => None,
                }
            }
            None => None,
        };
        let transition = self.transition(o, scope, id);
        Some(StateKind::Wait(WaitState { wait: wait?, transition: transition? }))
    }

    fn jsonata_parallel(&mut self, o: &Obj, scope: usize, id: StateId, children: &[usize]) -> Option<StateKind> {
        self.ctx.required(o, &["Branches"]);
        self.ctx.nonempty_array(o, "Branches");
        let branches: Option<Vec<Scope>> = children.iter().map(|&s| self.scope_model(s)).collect();
        let parameters = self.jsonata_arguments(o);
        let retry = self.retriers(o);
        let catch = self.jsonata_catchers(o, scope, id);
        let transition = self.transition(o, scope, id);
        Some(StateKind::Parallel(Box::new(ParallelState {
            branches: branches?,
            parameters,
            result_selector: None,
            result_path: Some(ReferencePath::root()),
            retry,
            catch,
            transition: transition?,
        })))
    }

    fn jsonata_map(&mut self, o: &Obj, scope: usize, id: StateId, children: &[usize]) -> Option<StateKind> {
        if !o.has("ItemProcessor") && !o.has("Iterator") {
            self.ctx.required(o, &["ItemProcessor"]);
        }
        let processor_key = if o.has("ItemProcessor") { "ItemProcessor" } else { "Iterator" };
        let mut distributed = false;
        if let Some(processor) = self.ctx.object(o, processor_key) {
            if let Some(config) = self.ctx.object(&processor, "ProcessorConfig") {
                distributed = self.ctx.one_of(&config, "Mode", &["INLINE", "DISTRIBUTED"]) == Some("DISTRIBUTED");
            }
        }
        let processor = children.first().and_then(|&s| self.scope_model(s));
        let items = self.jsonata_field(o, "Items");
        let item_selector = self.jsonata_field(o, "ItemSelector");
        let max_concurrency = self.jsonata_number(o, "MaxConcurrency", 0, MAX_INTEGER).unwrap_or(NumberSource::Literal(0));
        let tolerated_failure_count = self.jsonata_number(o, "ToleratedFailureCount", 0, MAX_INTEGER);
        let tolerated_failure_percentage = match o.get("ToleratedFailurePercentage") {
            Some(Value::String(s)) if crate::query::jsonata_text(s).is_some() => {
                self.jsonata_field(o, "ToleratedFailurePercentage").map(PercentSource::Jsonata)
            }
            Some(_) => self.ctx.number(o, "ToleratedFailurePercentage", 0.0, 100.0).map(PercentSource::Literal),
            None => None,
        };
        let label = self.label(o);
        let item_reader = self.item_reader(o, true);
        let item_batcher = self.item_batcher(o, true);
        let result_writer = self.result_writer(o, true);
        if !distributed {
            self.distributed_only(o);
        }
        let retry = self.retriers(o);
        let catch = self.jsonata_catchers(o, scope, id);
        let transition = self.transition(o, scope, id);
        Some(StateKind::Map(Box::new(MapState {
            processor: processor?,
            items_path: Path::root(),
            items,
            item_selector,
            max_concurrency,
            tolerated_failure_count,
            tolerated_failure_percentage,
            distributed,
            label,
            result_selector: None,
            result_path: Some(ReferencePath::root()),
            retry,
            catch,
            transition: transition?,
            execution_type: None,
            item_reader,
            item_batcher,
            result_writer,
        })))
    }
}
