//! The JS API in headless Chromium, through the functions `src/wasm.rs` exports.
//!
//! `npm test` runs it; by hand:
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web`.
//! The determinism checks hold the wasm build to every golden run the native CLI
//! wrote (`tests/golden/`, listed in `tests/golden/index.rs` by
//! `scripts/regen-golden.sh`): histories byte for byte, through the Rust API and
//! the JS API, and step back + step at every point of each.
#![cfg(target_arch = "wasm32")]

use asl_sim::wasm::{self, JsExecution, JsSimulator, JsonArg, OptionsArg};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const BROKEN_NEXT: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}"#;
const HELLO: &str = r#"{"StartAt": "Hello", "States": {
  "Hello": {"Type": "Pass", "Result": {"greeting": "hi", "n": 1}, "ResultPath": "$.hello", "Next": "Done"},
  "Done": {"Type": "Succeed"}}}"#;

/// One golden run: the texts the CLI read and its stdout for `run … --history`
/// (`scripts/regen-golden.sh` writes them and the listing below).
struct GoldenCase {
    name: &'static str,
    definition: &'static str,
    input: Option<&'static str>,
    mocks: Option<&'static str>,
    /// Extra CLI flags, e.g. `--seed 7 --start-time 2030-01-01T00:00:00Z`.
    args: Option<&'static str>,
    run: &'static str,
}

/// Every case in `tests/golden/` (tests/determinism.rs checks that none is missing).
const GOLDEN: &[GoldenCase] = include!("golden/index.rs");

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
    let d = diagnostic_at(&wasm::validate(BROKEN_NEXT, None).unwrap(), "/States/A/Next");
    assert_eq!(text(&d, "pointer"), "/States/A/Next");
    assert_eq!(text(&d, "severity"), "ERROR");
    assert_eq!(get(&d, "line").as_f64(), Some(1.0));
    assert_eq!(get(&d, "column").as_f64(), Some(utf16_column(BROKEN_NEXT, "\"Nowhere\"")));
}

#[wasm_bindgen_test]
fn validate_counts_columns_in_utf16_units() {
    let definition = "{\"StartAt\": \"\u{1F600}\",\n \"States\": {\"\u{1F600}\": {\"Type\": \"Pass\", \"Next\": \"X\"}}}";
    let d = diagnostic_at(&wasm::validate(definition, None).unwrap(), "/States/\u{1F600}/Next");
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
fn substitutions_apply_before_parsing() {
    let def = r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":${Wait},"Next":"P"},"P":{"Type":"Pass","Result":"${Name}","End":true}}}"#;
    let sim = JsSimulator::new(def, options(r#"{"substitutions": {"Wait": 5, "Name": "hello"}}"#)).unwrap();
    let mut ex = sim.start(None).unwrap();
    run(&mut ex);
    assert_eq!(stringify(&ex.output().unwrap()), r#""hello""#);
    let list = wasm::validate(def, options(r#"{"substitutions": {"Wait": 5}}"#)).unwrap();
    assert_eq!(text(&diagnostic_at(&list, "/States/P/Result"), "code"), "UNRESOLVED_SUBSTITUTION");
    // Unresolved and broken: the warning comes with the error, both placed in the text as given.
    let e = thrown(JsSimulator::new(&def.replace(r#""End":true"#, r#""Next":"Nowhere""#), options(r#"{"substitutions": {"Wait": 1}}"#)));
    let list = get(&e, "diagnostics");
    assert_eq!(text(&diagnostic_at(&list, "/States/P/Result"), "code"), "UNRESOLVED_SUBSTITUTION");
    diagnostic_at(&list, "/States/P/Next");
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

impl GoldenCase {
    /// The CLI's flags from `args`, as (flag, value) pairs.
    fn flags(&self) -> Vec<(&'static str, &'static str)> {
        let words: Vec<&str> = self.args.unwrap_or("").split_whitespace().collect();
        words.chunks(2).map(|p| (p[0], *p.get(1).unwrap_or_else(|| panic!("{}: {} needs a value", self.name, p[0])))).collect()
    }

    /// The options the CLI builds, for the Rust API.
    fn rust_options(&self) -> asl_sim::Options {
        let mut options = asl_sim::Options::default();
        if let Some(mocks) = self.mocks {
            options.mocks = asl_sim::mocks::Mocks::from_value(&asl_sim::json::parse(mocks).unwrap(), None, None).unwrap();
        }
        for (flag, value) in self.flags() {
            match flag {
                "--seed" => options.seed = value.parse().unwrap(),
                "--start-time" => options.start_time = asl_sim::time::parse_timestamp(value).unwrap(),
                "--max-events" => options.max_events = value.parse().unwrap(),
                _ => panic!("{}: flag {flag} is not known to this test", self.name),
            }
        }
        options
    }

    /// The same options as a JS object, the way a page passes them: mocks as text, a seed
    /// beyond 2^53 as a BigInt, the start time as the RFC 3339 text the CLI was given.
    fn js_options(&self) -> OptionsArg {
        let options = js_sys::Object::new();
        let set = |key: &str, value: JsValue| {
            js_sys::Reflect::set(&options, &key.into(), &value).unwrap();
        };
        if let Some(mocks) = self.mocks {
            set("mocks", mocks.into());
        }
        for (flag, value) in self.flags() {
            match flag {
                "--seed" => {
                    let seed: u64 = value.parse().unwrap();
                    if seed > (1 << 53) {
                        set("seed", js_sys::BigInt::from(seed).into());
                    } else {
                        set("seed", (seed as f64).into());
                    }
                }
                "--start-time" => set("startTime", value.into()),
                "--max-events" => set("maxEvents", value.parse::<f64>().unwrap().into()),
                _ => panic!("{}: flag {flag} is not known to this test", self.name),
            }
        }
        options.unchecked_into()
    }

    fn expected(&self) -> asl_sim::Value {
        asl_sim::json::parse(self.run).unwrap_or_else(|e| panic!("{}: golden run is not JSON: {e}", self.name))
    }

    /// The golden history as compact JSON, checked to be exactly what the file holds.
    fn expected_history(&self) -> String {
        let history = self.expected().get("history").expect("golden run has a history (--history)").to_json();
        assert!(self.run.contains(&format!("\"history\":{history}")), "{}: the golden file is not compact CLI output", self.name);
        history
    }

    fn expected_events(&self) -> Vec<String> {
        self.expected().get("history").unwrap().as_array().unwrap().iter().map(asl_sim::Value::to_json).collect()
    }

    fn js_execution(&self) -> JsExecution {
        let simulator = JsSimulator::new(self.definition, Some(self.js_options())).unwrap_or_else(|e| panic!("{}: {}", self.name, stringify(&e)));
        simulator.start(self.input.and_then(arg)).unwrap_or_else(|e| panic!("{}: {}", self.name, stringify(&e)))
    }
}

fn assert_golden_history(case: &GoldenCase, actual: &str) {
    let expected = case.expected_history();
    assert!(expected == actual, "{}: wasm history differs from the native CLI's: {}", case.name, first_difference(&expected, actual));
}

#[wasm_bindgen_test]
fn the_golden_index_lists_every_case() {
    // determinism.rs checks the listing against the folder; here, that it is not empty
    // and that every case is distinct.
    assert!(GOLDEN.len() >= 8, "only {} golden cases", GOLDEN.len());
    let mut names: Vec<&str> = GOLDEN.iter().map(|c| c.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), GOLDEN.len());
}

#[wasm_bindgen_test]
fn wasm_history_matches_the_native_cli_byte_for_byte() {
    for case in GOLDEN {
        let input = case.input.map(|t| asl_sim::json::parse(t).unwrap()).unwrap_or_else(asl_sim::Value::empty_object);
        let simulator = asl_sim::Simulator::new(case.definition, case.rust_options()).unwrap_or_else(|_| panic!("{}: invalid", case.name));
        let mut ex = simulator.start(input).unwrap();
        ex.run(None);
        assert_golden_history(case, &ex.history().to_json());
        assert_eq!(Some(ex.status().as_str()), case.expected().get("status").and_then(asl_sim::Value::as_str), "{}", case.name);
    }
}

#[wasm_bindgen_test]
fn js_api_run_matches_the_native_cli() {
    for case in GOLDEN {
        let mut ex = case.js_execution();
        let report = run(&mut ex);
        assert_golden_history(case, &stringify(&ex.history().unwrap()));
        let expected = case.expected();
        let field = |k: &str| expected.get(k).cloned();
        assert_eq!(Some(asl_sim::Value::from(text(&report, "status"))), field("status"), "{}: status", case.name);
        assert_eq!(Some(asl_sim::Value::from(ex.status())), field("status"), "{}: status()", case.name);
        // Output, error and cause as the CLI printed them (absent when it printed none).
        let output = ex.output().unwrap();
        let output = if output.is_undefined() { None } else { Some(asl_sim::json::parse(&stringify(&output)).unwrap()) };
        assert_eq!(output, field("output"), "{}: output", case.name);
        assert_eq!(ex.error().map(asl_sim::Value::from), field("error"), "{}: error", case.name);
        assert_eq!(ex.cause().map(asl_sim::Value::from), field("cause"), "{}: cause", case.name);
        // What a paused execution waits for, tokens included (the CLI prints it only when paused).
        let waiting = asl_sim::json::parse(&stringify(&get(&report, "waitingFor"))).unwrap();
        match field("waitingFor") {
            Some(w) => assert_eq!(waiting, w, "{}: waitingFor", case.name),
            None => assert_eq!(waiting.to_json(), "[]", "{}: waitingFor", case.name),
        }
        if let Some(stop) = field("stopTime") {
            assert_eq!(asl_sim::Value::from(text(&report, "clock")), stop, "{}: clock at the end", case.name);
        }
    }
}

/// As `tests/step_back.rs` natively: at every point, `stepBack()` then `step()` gives
/// the event `step()` gave before, and the same report, through the JS API.
#[wasm_bindgen_test]
fn js_step_back_then_step_gives_the_same_event_at_every_point() {
    for case in GOLDEN {
        let golden = case.expected_events();
        let mut ex = case.js_execution();
        let mut at = 1;
        loop {
            let forward = ex.step().unwrap();
            let events = js_sys::Array::from(&get(&forward, "events"));
            if events.length() == 0 {
                break;
            }
            assert_eq!(events.length(), 1, "{}: one step, one event", case.name);
            assert_eq!(stringify(&events.get(0)), golden[at], "{}: event {}", case.name, at + 1);
            let back = ex.step_back().unwrap();
            assert_eq!(get(&back, "eventCount").as_f64(), Some(at as f64), "{}: stepBack from {} events", case.name, at + 1);
            assert_eq!(js_sys::Array::from(&get(&back, "events")).length(), 0);
            let again = ex.step().unwrap();
            assert_eq!(stringify(&again), stringify(&forward), "{}: step after stepBack at event {}", case.name, at + 1);
            at += 1;
        }
        assert_eq!(at, golden.len(), "{}: events stepped", case.name);
        assert_eq!(stringify(&ex.history().unwrap()), case.expected_history(), "{}: the whole history", case.name);
    }
}
