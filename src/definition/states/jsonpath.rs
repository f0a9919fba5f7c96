//! JSONPath mode, the default query language: which fields each state type accepts
//! (and AWS's message for a JSONata-only field), and each state type's fields read into
//! the model: `InputPath`/`OutputPath`, `Parameters` and the other payload templates,
//! `ResultSelector`, `ResultPath`, `…Path` twins of literal fields, intrinsic functions.
//! Choice rules are in `jsonpath_choice.rs`.

use super::{variable_name_problem, MAX_INTEGER};
use crate::definition::parse::{child, item, looks_like_path, Builder, Literal, Obj, SCHEMA};
use crate::definition::*;
use crate::query::{Path, Template};
use crate::time::parse_timestamp;
use crate::value::Value;
use std::rc::Rc;

/// The fields each state type accepts in JSONPath mode (`Type`, `Comment`, `QueryLanguage` everywhere).
pub(super) fn fields(state_type: StateType) -> &'static [&'static str] {
    match state_type {
        StateType::Pass => {
            &["Type", "Comment", "QueryLanguage", "InputPath", "OutputPath", "ResultPath", "Parameters", "Result", "Assign", "Next", "End"]
        }
        StateType::Task => &[
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
        StateType::Choice => &["Type", "Comment", "QueryLanguage", "InputPath", "OutputPath", "Choices", "Default", "Assign"],
        StateType::Wait => &[
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
        StateType::Succeed => &["Type", "Comment", "QueryLanguage", "InputPath", "OutputPath"],
        StateType::Fail => &["Type", "Comment", "QueryLanguage", "Error", "ErrorPath", "Cause", "CausePath"],
        StateType::Parallel => &[
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
        StateType::Map => &[
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
    }
}

/// The JSONata-only fields a state of this type could carry in a JSONata state (reported
/// with AWS's "only supported for the 'JSONata' QueryLanguage" message rather than as unknown).
fn jsonata_fields(state_type: StateType) -> &'static [&'static str] {
    match state_type {
        StateType::Task | StateType::Parallel => &["Output", "Arguments"],
        StateType::Map => &["Output", "Items"],
        StateType::Fail => &[],
        StateType::Pass | StateType::Choice | StateType::Wait | StateType::Succeed => &["Output"],
    }
}

const CATCHER_FIELDS: &[&str] = &["ErrorEquals", "Next", "ResultPath", "Assign", "Comment"];

impl<'a, 'v> Builder<'a, 'v> {
    /// A state in JSONPath mode: paths, payload templates with `.$` keys, intrinsic functions.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn jsonpath_state(
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
        self.ctx.unknown_fields(o, allowed, jsonata_fields(state_type));
        let comment = self.ctx.string(o, "Comment").map(String::from);
        let input_path = if allowed.contains(&"InputPath") { self.ctx.io_path(o, "InputPath") } else { Some(Path::root()) };
        let output_path = if allowed.contains(&"OutputPath") { self.ctx.io_path(o, "OutputPath") } else { Some(Path::root()) };
        let assign = if allowed.contains(&"Assign") { self.assign(o) } else { None };
        let kind = match state_type {
            StateType::Pass => self.pass(o, scope, id),
            StateType::Task => self.task(o, scope, id),
            StateType::Choice => self.choice(o, scope, id),
            StateType::Wait => self.wait(o, scope, id),
            StateType::Succeed => {
                self.terminal[id] = true;
                Some(StateKind::Succeed)
            }
            StateType::Fail => self.fail(o, id),
            StateType::Parallel => self.parallel(o, scope, id, children),
            StateType::Map => self.map(o, scope, id, children),
        };
        if let Some(kind) = kind {
            self.states[id] =
                Some(State { name, pointer, comment, query_language: QueryLanguage::JsonPath, input_path, output_path, assign, output: None, kind });
        }
    }

    /// JSONPath `Assign`: a payload template whose names are variable names.
    pub(super) fn assign(&mut self, o: &Obj) -> Option<Template> {
        let template = self.ctx.template(o, "Assign");
        if let Some(map) = o.get("Assign").and_then(Value::as_object) {
            for key in map.keys() {
                let name = key.strip_suffix(".$").unwrap_or(key);
                if let Some(problem) = variable_name_problem(name) {
                    self.ctx.error_head(SCHEMA, &child(&o.at("Assign"), key), format!("Invalid variable name '{}': {}", name, problem));
                }
            }
        }
        template
    }

    fn pass(&mut self, o: &Obj, scope: usize, id: StateId) -> Option<StateKind> {
        let result = o.get("Result").cloned();
        if let Some(r) = &result {
            self.ctx.note(Literal::PassResult { pointer: o.at("Result"), value: r.clone() });
        }
        let parameters = self.ctx.template(o, "Parameters");
        let result_path = self.ctx.result_path(o, "ResultPath");
        let transition = self.transition(o, scope, id);
        Some(StateKind::Pass(PassState { result, parameters, result_path, transition: transition? }))
    }

    fn task(&mut self, o: &Obj, scope: usize, id: StateId) -> Option<StateKind> {
        let resource = self.task_resource(o);
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
    pub(super) fn number_source(&mut self, o: &Obj, key: &str, min: u64, max: u64) -> Option<NumberSource> {
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
            self.ctx.note(Literal::FailField { pointer: o.at(key), key: key.to_string(), text: s.into() });
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
}
