//! The context object (`$$`): built only when a path asks for it.

use super::{Options, VarScope};
use crate::query::Env;
use crate::value::{Map, Value};
use std::rc::Rc;

fn put(m: &mut Map, k: &str, v: Value) {
    m.insert(Rc::from(k), v);
}

/// The parts of `$$` fixed for the whole execution (`Execution`, `StateMachine`).
pub(crate) fn base(options: &Options, input: &Value) -> Value {
    let mut exec = Map::default();
    put(&mut exec, "Id", Value::from(options.execution_arn()));
    put(&mut exec, "Input", input.clone());
    put(&mut exec, "Name", Value::from(options.execution_name.as_str()));
    put(&mut exec, "RoleArn", Value::from(options.role_arn()));
    put(&mut exec, "StartTime", Value::from(crate::time::format_context_timestamp(options.start_time)));
    if options.execution_type == super::ExecutionType::Standard {
        put(&mut exec, "RedriveCount", Value::int(0));
    }
    let mut sm = Map::default();
    put(&mut sm, "Id", Value::from(options.state_machine_arn()));
    put(&mut sm, "Name", Value::from(options.state_machine_name.as_str()));
    let mut m = Map::default();
    put(&mut m, "Execution", Value::object(exec));
    put(&mut m, "StateMachine", Value::object(sm));
    Value::object(m)
}

/// What varies per state run.
#[derive(Clone, Debug, Default)]
pub(crate) struct StateContext {
    pub name: Rc<str>,
    pub entered_time: i64,
    pub retry_count: u64,
    /// Only states that can retry (Task, Parallel, Map) show `RetryCount`, as AWS records.
    pub retriable: bool,
    pub token: Option<Rc<str>>,
    /// `(index, value, key)` inside a Map's ItemSelector.
    pub map_item: Option<(usize, Value, Option<Rc<str>>)>,
    /// The whole `$$`, when the caller fixed it (TestState's `context`).
    pub fixed: Option<Value>,
}

impl StateContext {
    pub fn build(&self, base: &Value) -> Value {
        if let Some(fixed) = &self.fixed {
            return fixed.clone();
        }
        let mut m = base.as_object().cloned().unwrap_or_default();
        let mut st = Map::default();
        put(&mut st, "EnteredTime", Value::from(crate::time::format_context_timestamp(self.entered_time)));
        put(&mut st, "Name", Value::String(self.name.clone()));
        if self.retriable {
            put(&mut st, "RetryCount", Value::int(self.retry_count as i64));
        }
        put(&mut m, "State", Value::object(st));
        if let Some(t) = &self.token {
            let mut task = Map::default();
            put(&mut task, "Token", Value::String(t.clone()));
            put(&mut m, "Task", Value::object(task));
        }
        if let Some((index, value, key)) = &self.map_item {
            let mut item = Map::default();
            put(&mut item, "Index", Value::int(*index as i64));
            put(&mut item, "Value", value.clone());
            if let Some(k) = key {
                put(&mut item, "Key", Value::String(k.clone()));
            }
            let mut map = Map::default();
            put(&mut map, "Item", Value::object(item));
            put(&mut m, "Map", Value::object(map));
        }
        Value::object(m)
    }
}

/// The [`Env`] a state's fields are evaluated in.
pub(crate) struct StateEnv<'a> {
    pub input: Value,
    pub base: &'a Value,
    pub state: &'a StateContext,
    pub rng: &'a mut crate::rng::Rng,
    pub vars: &'a VarScope,
    pub built: Option<Value>,
    /// JSONata: `$states.result` / `$states.errorOutput` for the field being evaluated.
    pub result: Option<Value>,
    pub error_output: Option<Value>,
    /// The virtual clock.
    pub now: i64,
}

impl Env for StateEnv<'_> {
    fn input(&self) -> &Value {
        &self.input
    }
    fn context(&mut self) -> Value {
        if let Some(c) = &self.built {
            return c.clone();
        }
        let c = self.state.build(self.base);
        self.built = Some(c.clone());
        c
    }
    fn variable(&self, name: &str) -> Option<Value> {
        self.vars.lookup(name)
    }
    fn next_random(&mut self) -> u64 {
        self.rng.next_u64()
    }
    fn jsonata_states(&mut self) -> Value {
        let mut m = Map::new();
        put(&mut m, "input", self.input.clone());
        put(&mut m, "context", self.context());
        if let Some(r) = &self.result {
            put(&mut m, "result", r.clone());
        }
        if let Some(e) = &self.error_output {
            put(&mut m, "errorOutput", e.clone());
        }
        Value::object(m)
    }
    fn visible_variables(&self) -> Map {
        self.vars.visible()
    }
    fn now_millis(&self) -> i64 {
        self.now
    }
}
