//! What the fuzz targets run, shared with the tests that replay their findings.
//!
//! Each `pub fn` here takes the bytes libFuzzer gives a target in `fuzz/fuzz_targets/`
//! and is the whole of that target: `fuzz/` includes this folder with `#[path]`, and
//! `tests/fuzz_regressions.rs` feeds every file under `tests/fuzz-regressions/<target>/`
//! to the function of the same name with a stable toolchain, so a crash found once is
//! checked by every `npm test`. A function panics (a crash, for libFuzzer) when the
//! library panics or when one of the properties it checks does not hold.
//!
//! Inputs of the expression targets are `EXPRESSION\nDOCUMENT`: the text up to the
//! first newline, and a JSON document (the default one below when the rest does not
//! parse). `generate` builds whole executions from bytes; `drive` runs them the way a
//! caller does, answering paused tasks.
#![allow(dead_code)]

pub mod drive;
pub mod generate;

use asl_sim::query::intrinsics::Call;
use asl_sim::query::jsonata::{self, Expression, FixedHost, Host, Limits};
use asl_sim::query::{Env, Expr, Path, ReferencePath, Template};
use asl_sim::rng::Rng;
use asl_sim::{json, Map, Value};
use std::rc::Rc;

/// The document expressions read when the input gives none (or none that parses).
pub const DEFAULT_DOCUMENT: &str = r#"{"a": 1, "b": [1, 2.5, "x", null, true, {"c": [3, 4]}], "s": "hello, world", "n": -7,
  "o": {"a": {"a": {"a": 2}}, "k": "v"}, "items": [{"id": 1, "p": 9.5, "tags": ["a"]}, {"id": 2, "p": 0.5, "tags": []}],
  "t": "2024-01-01T00:00:00Z", "big": 123456789012345678901234567890, "e": "", "u": "\u00e9\ud83d\ude00"}"#;

/// Split `EXPRESSION\nDOCUMENT`.
pub fn split(data: &[u8]) -> (String, Value) {
    let (expression, rest) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let expression = String::from_utf8_lossy(expression).into_owned();
    let document = std::str::from_utf8(rest).ok().and_then(|t| json::parse(t).ok()).unwrap_or_else(|| json::parse(DEFAULT_DOCUMENT).unwrap());
    (expression, document)
}

/// A value's JSON text must read back as the same value (when it is within the
/// nesting every parser in the project accepts).
pub fn assert_round_trip(v: &Value, what: &str) {
    if v.depth() as usize >= json::MAX_DEPTH {
        return;
    }
    let text = v.to_json();
    match json::parse(&text) {
        Ok(back) => assert!(back == *v, "{what}: {text} reads back as {}", back.to_json()),
        Err(e) => panic!("{what}: the JSON text written is not JSON ({e}): {text}"),
    }
    assert_eq!(text.len(), v.json_len(), "{what}: json_len disagrees with the text {text}");
}

/// An [`Env`] over a document, with a context object, two variables, and a host for
/// the clock (2024-01-01T00:00:00Z) and the random source: what a state sees, without
/// an execution.
pub struct FuzzEnv {
    pub input: Value,
    pub context: Value,
    pub variables: Map,
    pub host: FixedHost,
}

impl FuzzEnv {
    pub fn new(input: Value) -> FuzzEnv {
        let context = json::parse(
            r#"{"Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:m:e", "Input": {}, "StartTime": "2024-01-01T00:00:00.000Z"},
                "State": {"Name": "S", "EnteredTime": "2024-01-01T00:00:00.000Z", "RetryCount": 0}, "Task": {"Token": "t0"}, "Map": {"Item": {"Index": 0, "Value": 1}}}"#,
        )
        .unwrap();
        let mut variables = Map::new();
        variables.insert(Rc::from("v"), input.clone());
        variables.insert(Rc::from("n"), Value::int(3));
        // The generator from state 0 rather than a seed, so that the inputs kept in
        // tests/fuzz-regressions/ draw what they drew when they were found.
        FuzzEnv { input, context, variables, host: FixedHost { now_millis: 1_704_067_200_000, rng: Rng::from_state(0) } }
    }
}

impl Env for FuzzEnv {
    fn input(&self) -> &Value {
        &self.input
    }
    fn context(&mut self) -> Value {
        self.context.clone()
    }
    fn variable(&self, name: &str) -> Option<Value> {
        self.variables.get(name).cloned()
    }
    fn next_random(&mut self) -> u64 {
        self.host.next_random()
    }
    fn jsonata_states(&mut self) -> Value {
        let mut m = Map::new();
        m.insert(Rc::from("input"), self.input.clone());
        m.insert(Rc::from("context"), self.context.clone());
        Value::object(m)
    }
    fn visible_variables(&self) -> Map {
        self.variables.clone()
    }
    fn now_millis(&self) -> i64 {
        self.host.now_millis()
    }
}

// ---------------------------------------------------------------- the targets

/// `definition`: any bytes as definition text → parse and validate (every diagnostic
/// positioned for the CLI and for JS); a valid machine runs for a few events.
pub fn definition(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let outcome = asl_sim::definition::parse(&text);
    for d in &outcome.diagnostics {
        assert!(d.span.0 <= d.span.1 && d.span.1 <= text.len(), "span {:?} outside the text: {d:?}", d.span);
        assert!(text.is_char_boundary(d.span.0) && text.is_char_boundary(d.span.1), "span {:?} splits a character: {d:?}", d.span);
        d.positioned(&text, false);
        d.positioned(&text, true);
    }
    let errors = outcome.diagnostics.iter().filter(|d| d.is_error()).count();
    match outcome.machine {
        Some(machine) => {
            assert_eq!(errors, 0, "a machine despite errors: {:?}", outcome.diagnostics);
            let options = asl_sim::Options { max_events: 64, ..asl_sim::Options::default() };
            let sim = asl_sim::Simulator::from_machine(machine, options);
            for input in ["{}", DEFAULT_DOCUMENT] {
                let mut ex = sim.start(json::parse(input).unwrap()).unwrap();
                ex.run(None);
                assert!(ex.events().len() <= 64);
                assert_round_trip(&ex.history(), "the history");
            }
        }
        None => assert!(errors > 0, "no machine and no error: {:?}", outcome.diagnostics),
    }
}

/// `jsonpath`: a path compiled as a JSONPath (`InputPath`, `.$` values: the input, `$$`
/// and variables), as a reference path (`ResultPath`), and evaluated on the document.
pub fn jsonpath(data: &[u8]) {
    let (text, document) = split(data);
    if let Ok(path) = Path::compile(&text) {
        if let Ok(v) = path.select(&document) {
            assert_round_trip(&v, &format!("the path {text:?}"));
        }
    }
    if let Ok(expr) = Expr::compile(&text) {
        let mut env = FuzzEnv::new(document.clone());
        if let Ok(v) = expr.evaluate(&mut env, "x.$") {
            assert_round_trip(&v, &format!("the expression {text:?}"));
        }
    }
    if let Ok(reference) = ReferencePath::compile(&text) {
        for result in [Value::int(1), document.clone()] {
            if let Ok(v) = reference.apply(&document, result) {
                assert_round_trip(&v, &format!("ResultPath {text:?}"));
            }
        }
    }
}

/// `intrinsics`: an intrinsic function call parsed and evaluated on the document.
pub fn intrinsics(data: &[u8]) {
    let (text, document) = split(data);
    if let Ok(call) = Call::parse(&text) {
        let mut env = FuzzEnv::new(document);
        match call.evaluate(&mut env) {
            Ok(v) => assert_round_trip(&v, &format!("the call {text:?}")),
            Err(f) => assert!(!f.error.is_empty(), "{text:?}: a failure without an error name"),
        }
    }
}

/// `jsonata`: an expression compiled and evaluated through the project's API
/// (`query::jsonata`), with the document as `$` and `$states.input`, variables
/// bound, the default limits; and as a JSONata-mode field (`{% … %}`).
pub fn jsonata(data: &[u8]) {
    let (text, document) = split(data);
    let mut env = FuzzEnv::new(document.clone());
    if let Ok(expr) = Expression::compile(&text) {
        let states = env.jsonata_states();
        let bindings = [("states", states), ("v", document.clone()), ("n", Value::int(3))];
        let limits = Limits::default();
        if let Ok(Some(v)) = jsonata::evaluate_with(&expr, Some(&document), &bindings, &mut env.host, &limits) {
            assert_round_trip(&v, &format!("the result of {text:?}"));
        }
    }
    let field = Value::from(format!("{{% {text} %}}"));
    if let Ok(template) = Template::compile_jsonata(&field) {
        if let Ok(v) = template.evaluate_jsonata(&mut env, "Output") {
            assert_round_trip(&v, &format!("the field {text:?}"));
        }
    }
}

/// `execution`: a generated definition, input, mocks and answers (see `generate`),
/// run as a caller does; then the properties every run must have (see `drive`).
pub fn execution(data: &[u8]) {
    let mut u = arbitrary::Unstructured::new(data);
    let Ok(case) = generate::Case::generate(&mut u, generate::Config { raw: true, feature: None }) else { return };
    let step_back_at = u.arbitrary::<u16>().unwrap_or(0) as usize;
    drive::check(&case, Some(step_back_at));
}
