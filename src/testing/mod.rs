//! The users' test runner: every test case of a machine in a Step Functions Local
//! MockConfigFile, checked against expectations, with coverage and failure injection.
//!
//! A [`Suite`] is built once from the definition (parsed once), the MockConfigFile and
//! the expectations; [`Suite::run`] runs each test case as its own execution with that
//! case's mocks, checks it ([`expectations`]), and adds what its history shows to the
//! [`coverage::Coverage`]. With `inject_errors`, every Task gets one more case per error
//! its Retry and Catch name (and one `States.TaskFailed`, which `States.ALL` and
//! `States.TaskFailed` match), built on the first test case that reaches the Task, whose
//! mock then always throws that error; its line says where the error was handled. The
//! CLI (`asl-sim test`), the JS API (`runTests`) and the page all print this one report.

pub mod coverage;
pub mod expectations;
pub mod junit;

use crate::definition::{StateId, StateKind, StateMachine};
use crate::engine::{Options, Simulator, Status};
use crate::mocks::Mocks;
use crate::value::Value;
use coverage::Coverage;
use expectations::{Expectation, Outcome};
use serde_json::{json, Value as Json};

/// The cause every injected error carries.
pub const INJECTED_CAUSE: &str = "Injected by asl-sim test --inject-errors";

/// How to run a suite.
#[derive(Clone, Debug, Default)]
pub struct SuiteOptions {
    /// The machine of the MockConfigFile (needed only when it has several).
    pub state_machine: Option<String>,
    /// The execution input of every case without its own `input` expectation (`{}` when absent).
    pub input: Option<Value>,
    pub inject_errors: bool,
    /// Seed, start time, limits and names; the mocks and the machine name are the suite's.
    pub base: Options,
}

/// The error injected into one Task state.
#[derive(Clone, Debug, PartialEq)]
pub struct Injection {
    pub state: String,
    pub error: String,
    /// The test case whose mocks lead to the state.
    pub base: String,
}

/// What one test case did and whether it passed.
#[derive(Clone, Debug)]
pub struct CaseResult {
    pub name: String,
    pub passed: bool,
    pub status: &'static str,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// The top-level states entered, in order.
    pub path: Vec<String>,
    /// Why it failed (empty when it passed).
    pub failures: Vec<String>,
    /// Things worth knowing that do not fail the case (a mock naming no state).
    pub warnings: Vec<String>,
    pub events: usize,
    pub injected: Option<Injection>,
    /// Where the run's errors were handled: retriers that fired and catchers taken.
    pub handled: Vec<String>,
}

/// The results of a suite.
pub struct Report {
    pub machine_name: String,
    pub cases: Vec<CaseResult>,
    pub coverage: Coverage,
    /// Injections no test case reaches, as `(state, error)`.
    pub not_reached: Vec<(String, String)>,
}

impl Report {
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed).count()
    }
    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }

    /// The line the CLI prints for a case: `PASS name` or `FAIL name: why`, with what
    /// was handled where and any warnings.
    pub fn line(case: &CaseResult) -> String {
        let mut s = format!("{} {}", if case.passed { "PASS" } else { "FAIL" }, case.name);
        let mut notes = Vec::new();
        if !case.failures.is_empty() {
            notes.push(case.failures.join("; "));
        }
        if case.injected.is_some() {
            notes.push(if case.handled.is_empty() { "not retried or caught".into() } else { case.handled.join(", ") });
            notes.push(match (&case.error, case.status) {
                (Some(e), st) => format!("{} ({})", st, e),
                (None, st) => st.to_string(),
            });
        }
        for w in &case.warnings {
            notes.push(format!("warning: {}", w));
        }
        if !notes.is_empty() {
            s.push_str(": ");
            s.push_str(&notes.join("; "));
        }
        s
    }

    /// The report as JSON: `passed`, `failed`, `cases` and `coverage`, as `runTests` returns it.
    pub fn to_json(&self, machine: &StateMachine) -> Json {
        let cases: Vec<Json> = self
            .cases
            .iter()
            .map(|c| {
                let mut m = serde_json::Map::new();
                m.insert("name".into(), c.name.clone().into());
                m.insert("passed".into(), c.passed.into());
                m.insert("status".into(), c.status.into());
                if let Some(o) = &c.output {
                    m.insert("output".into(), Json::from(o));
                }
                if let Some(e) = &c.error {
                    m.insert("error".into(), e.clone().into());
                }
                if let Some(x) = &c.cause {
                    m.insert("cause".into(), x.clone().into());
                }
                m.insert("path".into(), c.path.clone().into());
                m.insert("failures".into(), c.failures.clone().into());
                m.insert("warnings".into(), c.warnings.clone().into());
                m.insert("events".into(), c.events.into());
                if let Some(i) = &c.injected {
                    m.insert("injected".into(), json!({"state": i.state, "error": i.error, "base": i.base}));
                    m.insert("handled".into(), c.handled.clone().into());
                }
                Json::Object(m)
            })
            .collect();
        let not_reached: Vec<Json> = self.not_reached.iter().map(|(s, e)| json!({"state": s, "error": e})).collect();
        json!({
            "stateMachine": self.machine_name,
            "passed": self.passed(),
            "failed": self.failed(),
            "cases": cases,
            "notReached": not_reached,
            "coverage": self.coverage.to_json(machine),
        })
    }
}

/// A machine and its test cases, ready to run.
pub struct Suite {
    simulator: Simulator,
    config: Value,
    machine_name: String,
    cases: Vec<String>,
    expectations: Vec<(String, Expectation)>,
    options: SuiteOptions,
}

impl Suite {
    /// Check everything before running anything: the definition, that the MockConfigFile
    /// has the machine and test cases, that the expectations name only those cases. An
    /// `Err` is bad input (the CLI's exit 2).
    pub fn new(definition: &str, mock_config: &Value, expectations: Option<&Value>, options: SuiteOptions) -> Result<Suite, String> {
        let machines = mock_config
            .get("StateMachines")
            .and_then(Value::as_object)
            .ok_or("the mocks file is not a MockConfigFile: it has no \"StateMachines\" object")?;
        let names: Vec<String> = machines.keys().map(|k| k.to_string()).collect();
        let machine_name = match &options.state_machine {
            Some(n) if machines.contains_key(n.as_str()) => n.clone(),
            Some(n) => return Err(format!("the MockConfigFile has no state machine '{}' (it has: {})", n, names.join(", "))),
            None if names.len() == 1 => names[0].clone(),
            None if names.is_empty() => return Err("the MockConfigFile's \"StateMachines\" is empty".into()),
            None => return Err(format!("the MockConfigFile has several state machines; pick one with --state-machine ({})", names.join(", "))),
        };
        let cases: Vec<String> = machines
            .get(machine_name.as_str())
            .and_then(|m| m.get("TestCases"))
            .and_then(Value::as_object)
            .ok_or_else(|| format!("state machine '{}' of the MockConfigFile has no \"TestCases\" object", machine_name))?
            .keys()
            .map(|k| k.to_string())
            .collect();
        let expectations = match expectations {
            Some(v) => expectations::parse(v, &cases)?,
            None => Vec::new(),
        };
        let mut base = options.base.clone();
        base.state_machine_name = machine_name.clone();
        let simulator = Simulator::new(definition, base).map_err(|d| {
            let first: Vec<String> =
                d.iter().filter(|d| d.is_error()).take(3).map(|d| format!("{} {} at {}", d.code, d.message, d.pointer)).collect();
            format!("the definition is invalid: {}", first.join("; "))
        })?;
        Ok(Suite { simulator, config: mock_config.clone(), machine_name, cases, expectations, options })
    }

    pub fn machine(&self) -> &StateMachine {
        self.simulator.machine()
    }

    /// The test case names, in the file's order.
    pub fn cases(&self) -> &[String] {
        &self.cases
    }

    /// Run every test case (and the injected ones).
    pub fn run(&self) -> Report {
        let machine = self.machine();
        let mut coverage = Coverage::new(machine);
        let mut results = Vec::new();
        let mut per_case: Vec<Coverage> = Vec::new();
        for name in &self.cases {
            let (result, cov) = self.run_case(name, None);
            coverage.merge(&cov);
            per_case.push(cov);
            results.push(result);
        }
        let mut not_reached = Vec::new();
        if self.options.inject_errors {
            for (state, error) in injections(machine) {
                let base = self.cases.iter().zip(&per_case).find(|(_, c)| c.state_entries[state] > 0).map(|(n, _)| n.clone());
                let state_name = machine.states[state].name.to_string();
                let Some(base) = base else {
                    not_reached.push((state_name, error));
                    continue;
                };
                let inj = Injection { state: state_name, error, base: base.clone() };
                let (result, cov) = self.run_case(&base, Some(inj));
                coverage.merge(&cov);
                results.push(result);
            }
        }
        Report { machine_name: self.machine_name.clone(), cases: results, coverage, not_reached }
    }

    /// One test case: its mocks (with the injection, if any), its run, its checks.
    fn run_case(&self, name: &str, injection: Option<Injection>) -> (CaseResult, Coverage) {
        let machine = self.machine();
        // An injected case runs on its base case's input, but checks none of its expectations.
        let base_expectation = self.expectations.iter().find(|(n, _)| n == name).map(|(_, e)| e);
        let expectation = if injection.is_some() { None } else { base_expectation };
        let case_name = match &injection {
            Some(i) => format!("{} throws {} (on {})", i.state, i.error, i.base),
            None => name.to_string(),
        };
        let mut result = CaseResult {
            name: case_name,
            passed: false,
            status: "INVALID",
            output: None,
            error: None,
            cause: None,
            path: Vec::new(),
            failures: Vec::new(),
            warnings: self.unknown_states(name),
            events: 0,
            injected: injection.clone(),
            handled: Vec::new(),
        };
        let mut cov = Coverage::new(machine);
        let config = match &injection {
            Some(_) => self.borrowing_config(name),
            None => self.config.clone(),
        };
        let mut mocks = match Mocks::from_value(&config, Some(name), Some(&self.machine_name)) {
            Ok(m) => m,
            Err(e) => {
                result.failures.push(format!("mocks: {}", e));
                return (result, cov);
            }
        };
        // A test case naming a response that does not exist fails, whatever its expectations.
        if !mocks.missing_responses().is_empty() {
            result.failures.extend(mocks.missing_responses().iter().map(|m| format!("mocks: {}", m)));
            return (result, cov);
        }
        if let Some(i) = &injection {
            mocks.set_always_throw(&i.state, &i.error, INJECTED_CAUSE);
        }
        let mut options = self.options.base.clone();
        options.state_machine_name = self.machine_name.clone();
        options.mocks = mocks;
        let input = base_expectation.and_then(|e| e.input.clone()).or_else(|| self.options.input.clone()).unwrap_or_else(Value::empty_object);
        let sim = self.simulator.with_options(options);
        let mut ex = match sim.start(input) {
            Ok(ex) => ex,
            Err(e) => {
                result.failures.push(e.to_string());
                return (result, cov);
            }
        };
        let choices = cov.run(machine, &mut ex);
        cov.record(machine, &ex, &choices);
        let top: Vec<bool> = {
            let mut v = vec![false; machine.states.len()];
            for &s in &machine.root.states {
                v[s] = true;
            }
            v
        };
        for e in ex.events().iter() {
            if let crate::history::EventKind::StateEntered { state, .. } = &*e.kind {
                if top[*state as usize] {
                    result.path.push(machine.states[*state as usize].name.to_string());
                }
            }
        }
        result.status = ex.status().as_str();
        result.output = ex.output().cloned();
        result.error = ex.error().map(String::from);
        result.cause = ex.cause().map(String::from);
        result.events = ex.events().len();
        // An injected error is handled by its Task or by a Parallel or Map around it.
        let relevant: Option<Vec<StateId>> = injection.as_ref().and_then(|i| machine.state_id(&i.state)).map(|s| cov.ancestry(s));
        let counts = |s: &StateId| relevant.as_ref().is_none_or(|r| r.contains(s));
        for (s, i, n) in cov.retries_fired().into_iter().filter(|(s, _, _)| counts(s)) {
            result.handled.push(format!("retried by {}.Retry[{}] ×{}", machine.states[s].name, i, n));
        }
        for (s, i, _) in cov.catches_taken().into_iter().filter(|(s, _, _)| counts(s)) {
            let (_, catch) = coverage::handlers(&machine.states[s].kind);
            result.handled.push(format!("caught by {}.Catch[{}] → {}", machine.states[s].name, i, machine.states[catch[i].next].name));
        }
        let expects_pause = expectation.and_then(|e| e.status.as_deref()) == Some("PAUSED");
        if ex.status() == Status::Paused && !expects_pause {
            let waiting: Vec<String> = ex.waiting_for().iter().map(|w| format!("{} ({})", w.state, w.kind)).collect();
            result.failures.push(format!("did not end: PAUSED waiting for {}", waiting.join(", ")));
        } else if let Some(e) = expectation {
            let outcome = Outcome { status: result.status, output: result.output.as_ref(), error: ex.error(), cause: ex.cause(), path: &result.path };
            result.failures.extend(e.check(&outcome));
        }
        result.passed = result.failures.is_empty();
        (result, cov)
    }

    /// The MockConfigFile with test case `base` completed from the other test cases: a
    /// state it does not mock gets the first other case's mock for it, so that the path
    /// an injected error takes (a catcher's fallback) runs with the suite's own mocks.
    fn borrowing_config(&self, base: &str) -> Value {
        let mut config = self.config.clone();
        let machine = self.machine_name.as_str();
        let cases =
            |c: &Value| c.get("StateMachines").and_then(|m| m.get(machine)).and_then(|m| m.get("TestCases")).and_then(Value::as_object).cloned();
        let Some(all) = cases(&self.config) else { return config };
        let Some(mut merged) = all.get(base).and_then(Value::as_object).cloned() else { return config };
        for (_, other) in all.iter() {
            for (state, response) in other.as_object().into_iter().flat_map(|o| o.iter()) {
                if !merged.contains_key(state) {
                    merged.insert(state.clone(), response.clone());
                }
            }
        }
        let mut all = all;
        all.insert(std::rc::Rc::from(base), Value::object(merged));
        let put = |v: &mut Value, key: &str, child: Value| {
            if let Some(o) = v.object_mut() {
                o.insert(std::rc::Rc::from(key), child);
            }
        };
        let mut m = self.config.get("StateMachines").and_then(|m| m.get(machine)).cloned().unwrap_or_else(Value::empty_object);
        put(&mut m, "TestCases", Value::object(all));
        let mut machines = self.config.get("StateMachines").cloned().unwrap_or_else(Value::empty_object);
        put(&mut machines, machine, m);
        put(&mut config, "StateMachines", machines);
        config
    }

    /// The states a test case mocks that the machine does not have.
    fn unknown_states(&self, case: &str) -> Vec<String> {
        let entries = self
            .config
            .get("StateMachines")
            .and_then(|m| m.get(&self.machine_name))
            .and_then(|m| m.get("TestCases"))
            .and_then(|c| c.get(case))
            .and_then(Value::as_object);
        let Some(entries) = entries else { return Vec::new() };
        entries
            .keys()
            .filter(|k| self.machine().state_id(k).is_none())
            .map(|k| format!("the test case mocks '{}', which names no state of the machine", k))
            .collect()
    }
}

/// Every `(Task, error)` to inject, Tasks in tree order: the errors its Retry and Catch
/// name, in order, then `States.TaskFailed` (what `States.ALL` and `States.TaskFailed` stand for).
pub fn injections(machine: &StateMachine) -> Vec<(StateId, String)> {
    let mut out = Vec::new();
    for (s, _) in Coverage::new(machine).tree {
        let StateKind::Task(t) = &machine.states[s].kind else { continue };
        let mut errors: Vec<String> = Vec::new();
        let named = t.retry.iter().flat_map(|r| r.error_equals.iter()).chain(t.catch.iter().flat_map(|c| c.error_equals.iter()));
        for e in named {
            if &**e != "States.ALL" && &**e != "States.TaskFailed" && !errors.iter().any(|x| **x == **e) {
                errors.push(e.to_string());
            }
        }
        errors.push("States.TaskFailed".into());
        out.extend(errors.into_iter().map(|e| (s, e)));
    }
    out
}
