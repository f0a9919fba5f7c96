//! JSONata mode: which fields each state type accepts (and AWS's message for a
//! JSONPath-only field), and each state type's fields read into the model: `Arguments`,
//! `Output`, `Assign`, `Condition`, and `{% %}` expressions wherever a field may hold one.

use super::{jsonpath, variable_name_problem, MAX_INTEGER};
use crate::definition::parse::{child, item, Builder, Obj, SCHEMA};
use crate::definition::*;
use crate::query::{Path, Template};
use crate::time::parse_timestamp;
use crate::value::Value;
use std::rc::Rc;

/// The fields each state type accepts in JSONata mode (`Type`, `Comment`, `QueryLanguage` everywhere).
pub(super) fn fields(state_type: StateType) -> &'static [&'static str] {
    match state_type {
        StateType::Pass => &["Type", "Comment", "QueryLanguage", "Output", "Assign", "Next", "End"],
        StateType::Task => &[
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
        StateType::Choice => &["Type", "Comment", "QueryLanguage", "Choices", "Default", "Output", "Assign"],
        StateType::Wait => &["Type", "Comment", "QueryLanguage", "Seconds", "Timestamp", "Output", "Assign", "Next", "End"],
        StateType::Succeed => &["Type", "Comment", "QueryLanguage", "Output"],
        StateType::Fail => &["Type", "Comment", "QueryLanguage", "Error", "Cause"],
        StateType::Parallel => &["Type", "Comment", "QueryLanguage", "Branches", "Arguments", "Output", "Assign", "Retry", "Catch", "Next", "End"],
        StateType::Map => &[
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
    }
}

impl<'a, 'v> Builder<'a, 'v> {
    /// A state in JSONata mode: `Arguments`, `Output`, `Assign`, `{% %}` expressions.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn jsonata_state(
        &mut self,
        o: &Obj,
        state_type: StateType,
        id: StateId,
        scope: usize,
        name: Rc<str>,
        pointer: String,
        children: &[usize],
    ) {
        let allowed = fields(state_type);
        for key in o.map.keys() {
            if allowed.contains(&&**key) {
                continue;
            }
            let message = if jsonpath::fields(state_type).contains(&&**key) {
                format!("The QueryLanguage is set to 'JSONata', but field '{}' is only supported for the 'JSONPath' QueryLanguage", key)
            } else {
                format!("Field '{}' is not supported", key)
            };
            self.ctx.error_member(&o.ptr, key, message);
        }
        let comment = self.ctx.string(o, "Comment").map(String::from);
        let output = if allowed.contains(&"Output") { self.jsonata_field(o, "Output") } else { None };
        let assign = if allowed.contains(&"Assign") { self.jsonata_assign(o) } else { None };
        let kind = match state_type {
            StateType::Pass => self
                .transition(o, scope, id)
                .map(|t| StateKind::Pass(PassState { result: None, parameters: None, result_path: Some(ReferencePath::root()), transition: t })),
            StateType::Task => self.jsonata_task(o, scope, id),
            StateType::Choice => self.jsonata_choice(o, scope, id),
            StateType::Wait => self.jsonata_wait(o, scope, id),
            StateType::Succeed => {
                self.terminal[id] = true;
                Some(StateKind::Succeed)
            }
            StateType::Fail => {
                self.terminal[id] = true;
                let error = self.jsonata_string_field(o, "Error");
                let cause = self.jsonata_string_field(o, "Cause");
                Some(StateKind::Fail(FailState { error, cause }))
            }
            StateType::Parallel => self.jsonata_parallel(o, scope, id, children),
            StateType::Map => self.jsonata_map(o, scope, id, children),
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
    pub(super) fn jsonata_field(&mut self, o: &Obj, key: &str) -> Option<Template> {
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
                self.ctx.error_head(SCHEMA, &child(&o.at("Assign"), key), format!("Invalid variable name '{}': {}", key, problem));
            }
        }
        self.jsonata_field(o, "Assign")
    }

    /// A whole number given literally or as a `{% %}` expression.
    pub(super) fn jsonata_number(&mut self, o: &Obj, key: &str, min: u64, max: u64) -> Option<NumberSource> {
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

    pub(super) fn jsonata_arguments(&mut self, o: &Obj) -> Option<Template> {
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
        let resource = self.task_resource(o);
        let parameters = self.jsonata_arguments(o);
        let timeout_seconds = self.jsonata_number(o, "TimeoutSeconds", 1, 99_999_999);
        let heartbeat_seconds = self.jsonata_number(o, "HeartbeatSeconds", 1, 99_999_999);
        // As AWS words it for JSONata (JSONPath says "These fields are required: [RoleArn]").
        if o.get("Credentials").and_then(Value::as_object).is_some_and(|c| c.get("RoleArn").is_none()) {
            self.ctx.error_value(SCHEMA, &o.at("Credentials"), "The field 'RoleArn' is required but was missing".into());
        }
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
