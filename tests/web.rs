//! The JS API in headless Chromium, through the functions `src/wasm.rs` exports.
//!
//! `npm test` runs it; by hand:
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web`.
//! The determinism check compares the wasm run's history with a golden file the
//! native CLI wrote (`scripts/regen-golden.sh`), byte for byte.
#![cfg(target_arch = "wasm32")]

use asl_sim::wasm::{self, JsExecution, JsSimulator, JsonArg, OptionsArg};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const BROKEN_NEXT: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}"#;
const HELLO: &str = r#"{"StartAt": "Hello", "States": {
  "Hello": {"Type": "Pass", "Result": {"greeting": "hi", "n": 1}, "ResultPath": "$.hello", "Next": "Done"},
  "Done": {"Type": "Succeed"}}}"#;

const GOLDEN_DEFINITION: &str = include_str!("golden/determinism.asl.json");
const GOLDEN_INPUT: &str = include_str!("golden/determinism.input.json");
const GOLDEN_MOCKS: &str = include_str!("golden/determinism.mocks.json");
/// The CLI's stdout for `run determinism.asl.json --input … --mocks … --history`.
const GOLDEN_RUN: &str = include_str!("golden/determinism.run.json");

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &key.into()).unwrap()
}
fn text(v: &JsValue, key: &str) -> String {
    get(v, key).as_string().unwrap_or_else(|| panic!("{key} is not a string in {}", stringify(v)))
}
fn stringify(v: &JsValue) -> String {
    js_sys::JSON::stringify(v).unwrap().into()
}
fn json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap()
}
fn arg(text: &str) -> Option<JsonArg> {
    Some(JsValue::from_str(text).unchecked_into())
}
fn options(text: &str) -> Option<OptionsArg> {
    Some(json(text).unchecked_into())
}
fn simulator(definition: &str) -> JsSimulator {
    JsSimulator::new(definition, None).unwrap_or_else(|e| panic!("not valid: {}", stringify(&get(&e, "diagnostics"))))
}
fn thrown(result: Result<JsSimulator, JsValue>) -> JsValue {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => {
            assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
            e
        }
    }
}
fn run(ex: &mut JsExecution) -> JsValue {
    ex.run(None).unwrap()
}
/// 1-based UTF-16 column of the first occurrence of `needle`, as JS counts it.
fn utf16_column(haystack: &str, needle: &str) -> f64 {
    let at = haystack.find(needle).unwrap();
    let line_start = haystack[..at].rfind('\n').map_or(0, |i| i + 1);
    (haystack[line_start..at].encode_utf16().count() + 1) as f64
}

/// The diagnostic at `pointer`, failing the test when there is none.
fn diagnostic_at(list: &JsValue, pointer: &str) -> JsValue {
    let list = js_sys::Array::from(list);
    list.iter().find(|d| text(d, "pointer") == pointer).unwrap_or_else(|| panic!("no diagnostic at {pointer}: {}", stringify(&list)))
}

#[wasm_bindgen_test]
fn validate_points_at_a_missing_next() {
    let d = diagnostic_at(&wasm::validate(BROKEN_NEXT).unwrap(), "/States/A/Next");
    assert_eq!(text(&d, "pointer"), "/States/A/Next");
    assert_eq!(text(&d, "severity"), "ERROR");
    assert_eq!(get(&d, "line").as_f64(), Some(1.0));
    assert_eq!(get(&d, "column").as_f64(), Some(utf16_column(BROKEN_NEXT, "\"Nowhere\"")));
}

#[wasm_bindgen_test]
fn validate_counts_columns_in_utf16_units() {
    let definition = "{\"StartAt\": \"\u{1F600}\",\n \"States\": {\"\u{1F600}\": {\"Type\": \"Pass\", \"Next\": \"X\"}}}";
    let d = diagnostic_at(&wasm::validate(definition).unwrap(), "/States/\u{1F600}/Next");
    assert_eq!(get(&d, "line").as_f64(), Some(2.0));
    assert_eq!(get(&d, "column").as_f64(), Some(utf16_column(definition, "\"X\"")));
}

#[wasm_bindgen_test]
fn an_invalid_definition_throws_with_its_diagnostics() {
    let e = thrown(JsSimulator::new(BROKEN_NEXT, None));
    assert_eq!(text(&e, "code"), "INVALID_DEFINITION");
    diagnostic_at(&get(&e, "diagnostics"), "/States/A/Next");
}

#[wasm_bindgen_test]
fn misuse_throws_an_error_with_a_code() {
    assert_eq!(text(&thrown(JsSimulator::new(HELLO, options(r#"{"sed": 1}"#))), "code"), "INVALID_OPTION");
    assert_eq!(text(&thrown(JsSimulator::new(HELLO, options(r#"{"seed": -1}"#))), "code"), "INVALID_OPTION");
    assert_eq!(text(&thrown(JsSimulator::new(HELLO, options(r#"{"mocks": "{"}"#))), "code"), "INVALID_JSON");
    let e = simulator(HELLO).start(arg("{not json")).err().unwrap();
    assert_eq!(text(&e, "code"), "INVALID_JSON");
}

#[wasm_bindgen_test]
fn a_pass_succeed_machine_succeeds_with_its_output() {
    let mut ex = simulator(HELLO).start(arg(r#"{"who": "world"}"#)).unwrap();
    assert_eq!(ex.status(), "RUNNING");
    let report = run(&mut ex);
    assert_eq!(text(&report, "status"), "SUCCEEDED");
    assert_eq!(ex.status(), "SUCCEEDED");
    assert_eq!(stringify(&ex.output().unwrap()), r#"{"who":"world","hello":{"greeting":"hi","n":1}}"#);
    let history = js_sys::Array::from(&ex.history().unwrap());
    assert_eq!(text(&history.get(0), "type"), "ExecutionStarted");
    assert_eq!(text(&history.get(history.length() - 1), "type"), "ExecutionSucceeded");
}

#[wasm_bindgen_test]
fn step_returns_one_event_at_a_time() {
    let mut ex = simulator(HELLO).start(None).unwrap();
    let history = |ex: &JsExecution| js_sys::Array::from(&ex.history().unwrap());
    let before = history(&ex).length();
    let events = js_sys::Array::from(&get(&ex.step().unwrap(), "events"));
    assert_eq!(events.length(), 1);
    assert_eq!(history(&ex).length(), before + 1);
    assert_eq!(stringify(&events.get(0)), stringify(&history(&ex).get(before)));
    assert_eq!(ex.output().unwrap(), JsValue::UNDEFINED);
    let back = ex.step_back().unwrap();
    assert_eq!(text(&back, "status"), "RUNNING");
    assert_eq!(history(&ex).length(), before);
}

#[wasm_bindgen_test]
fn input_as_a_value_or_as_text_is_the_same() {
    let mut from_text = simulator(HELLO).start(arg(r#"{"b": 1, "a": [true, null]}"#)).unwrap();
    let mut from_value = simulator(HELLO).start(Some(json(r#"{"b": 1, "a": [true, null]}"#).unchecked_into())).unwrap();
    run(&mut from_text);
    run(&mut from_value);
    assert_eq!(stringify(&from_text.output().unwrap()), stringify(&from_value.output().unwrap()));
}

/// Where two texts first differ, for a readable failure.
fn first_difference(expected: &str, actual: &str) -> String {
    let at = expected.bytes().zip(actual.bytes()).take_while(|(a, b)| a == b).count();
    let context = |s: &str| s.get(at.saturating_sub(80)..(at + 80).min(s.len())).unwrap_or("").to_string();
    format!("first difference at byte {at}:\n expected …{}…\n   actual …{}…", context(expected), context(actual))
}

fn expected_history() -> String {
    let run = asl_sim::json::parse(GOLDEN_RUN).expect("golden run is JSON");
    run.get("history").expect("golden run has a history (--history)").to_json()
}

fn assert_golden_history(actual: &str) {
    let expected = expected_history();
    assert!(GOLDEN_RUN.contains(&format!("\"history\":{expected}")), "the golden file is not compact CLI output");
    assert!(expected == actual, "wasm history differs from the native CLI's: {}", first_difference(&expected, actual));
}

#[wasm_bindgen_test]
fn wasm_history_matches_the_native_cli_byte_for_byte() {
    let input = asl_sim::json::parse(GOLDEN_INPUT).unwrap();
    let mocks = asl_sim::mocks::Mocks::from_value(&asl_sim::json::parse(GOLDEN_MOCKS).unwrap(), None, None).unwrap();
    let options = asl_sim::Options { mocks, ..asl_sim::Options::default() };
    let simulator = asl_sim::Simulator::new(GOLDEN_DEFINITION, options).unwrap_or_else(|_| panic!("invalid"));
    let mut ex = simulator.start(input).unwrap();
    ex.run(None);
    assert_golden_history(&ex.history().to_json());
}

#[wasm_bindgen_test]
fn js_api_history_matches_the_native_cli() {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"mocks".into(), &GOLDEN_MOCKS.into()).unwrap();
    let simulator = JsSimulator::new(GOLDEN_DEFINITION, Some(options.unchecked_into())).unwrap_or_else(|_| panic!("invalid"));
    let mut ex = simulator.start(arg(GOLDEN_INPUT)).unwrap();
    run(&mut ex);
    assert_golden_history(&stringify(&ex.history().unwrap()));
}
