//! Determinism at scale, in headless Chromium (issue 8, item 3): the wasm build runs
//! the generated machines of `tests/determinism_scale.rs` and must reproduce, byte for
//! byte, the histories the native build wrote (`TARGET/tmp/determinism-scale/native.json`,
//! embedded below at compile time): through the Rust API (the very driver
//! the native test used, `tests/fuzzing/drive.rs`, compiled to wasm) and through the JS
//! API, with `stepBack()` then `step()` giving the same report at the points the native
//! run checked.
//!
//! `npm test` runs the native test first, then this one. By hand:
//! `cargo test --test determinism_scale && CHROMEDRIVER=/usr/bin/chromedriver cargo test
//! --target wasm32-unknown-unknown --test web_determinism`. Without the native run the
//! `include_str!` below fails to compile, naming the missing file.
#![cfg(target_arch = "wasm32")]

mod fuzzing;

use asl_sim::wasm::{JsExecution, JsSimulator, JsonArg, OptionsArg};
use asl_sim::{json, Value};
use fuzzing::generate::{Answer, Case};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// What the native test wrote (run `cargo test --test determinism_scale` first). Its
/// `CARGO_TARGET_TMPDIR` is `TARGET/tmp`; this test's, `TARGET/wasm32-unknown-unknown/tmp`.
const NATIVE: &str = include_str!(concat!(env!("CARGO_TARGET_TMPDIR"), "/../../tmp/determinism-scale/native.json"));

/// One case as the native run wrote it.
struct Native {
    name: String,
    case: Case,
    step_back_at: Vec<usize>,
    status: String,
    error: Option<String>,
    cause: Option<String>,
    output: Option<String>,
    history: String,
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_else(|| panic!("{key} is not a string")).to_string()
}

fn optional(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(String::from)
}

fn answer(v: &Value) -> Answer {
    let (key, value) = v.as_object().and_then(|m| m.first()).expect("an answer is a one-member object");
    let pair = |v: &Value| {
        let p = v.as_array().unwrap();
        (p[0].as_str().unwrap().to_string(), p[1].as_str().unwrap().to_string())
    };
    match &**key {
        "success" => Answer::Success(serde_json::Value::from(value)),
        "failure" => {
            let (e, c) = pair(value);
            Answer::Failure(e, c)
        }
        "heartbeat" => Answer::Heartbeat,
        "stop" => {
            let (e, c) = pair(value);
            Answer::Stop(e, c)
        }
        other => panic!("unknown answer {other}"),
    }
}

fn native() -> Vec<Native> {
    let all = json::parse(NATIVE).expect("native.json is JSON");
    all.get("cases")
        .and_then(Value::as_array)
        .expect("native.json has cases")
        .iter()
        .map(|c| Native {
            name: text(c, "name"),
            case: Case {
                definition: text(c, "definition"),
                input: text(c, "input"),
                mocks: text(c, "mocks"),
                seed: text(c, "seed").parse().unwrap(),
                start_time: text(c, "startTime"),
                max_events: c.get("maxEvents").and_then(Value::as_number).and_then(|n| n.as_i64()).unwrap() as usize,
                answers: c.get("answers").and_then(Value::as_array).unwrap().iter().map(answer).collect(),
            },
            step_back_at: c
                .get("stepBackAt")
                .and_then(Value::as_array)
                .unwrap()
                .iter()
                .map(|p| p.as_number().unwrap().as_i64().unwrap() as usize)
                .collect(),
            status: text(c, "status"),
            error: optional(c, "error"),
            cause: optional(c, "cause"),
            output: optional(c, "output"),
            history: text(c, "history"),
        })
        .collect()
}

/// Where two texts first differ, for a readable failure.
fn first_difference(expected: &str, actual: &str) -> String {
    let at = expected.bytes().zip(actual.bytes()).take_while(|(a, b)| a == b).count();
    let context = |s: &str| s.get(at.saturating_sub(100)..(at + 100).min(s.len())).unwrap_or("").to_string();
    format!("first difference at byte {at} of {}:\n expected …{}…\n   actual …{}…", expected.len(), context(expected), context(actual))
}

fn assert_same_history(n: &Native, how: &str, actual: &str) {
    assert!(actual == n.history, "{}: the wasm history ({how}) differs from the native one: {}", n.name, first_difference(&n.history, actual));
}

#[wasm_bindgen_test]
fn the_native_run_wrote_every_case() {
    let cases = native();
    assert!(cases.len() >= 100, "only {} cases in native.json", cases.len());
}

/// The native driver, compiled to wasm: `run()` and `step()` with step back and forth.
#[wasm_bindgen_test]
fn rust_api_in_wasm_gives_the_native_histories() {
    for n in native() {
        let sim = fuzzing::drive::simulator(&n.case).unwrap_or_else(|| panic!("{}: refused in wasm", n.name));
        let first = fuzzing::drive::run(&sim, &n.case).unwrap();
        let ex = &first.execution;
        assert_same_history(&n, "run()", &ex.history().to_json());
        assert_eq!(ex.status().as_str(), n.status, "{}: status", n.name);
        assert_eq!(ex.error().map(String::from), n.error, "{}: error", n.name);
        assert_eq!(ex.cause().map(String::from), n.cause, "{}: cause", n.name);
        assert_eq!(ex.output().map(Value::to_json), n.output, "{}: output", n.name);
        let points = n.step_back_at.clone();
        let second = fuzzing::drive::step_through(&sim, &n.case, &|k| points.contains(&k)).unwrap();
        assert_same_history(&n, "step() with step_back", &second.execution.history().to_json());
    }
}

fn js(text: &str) -> JsonArg {
    JsValue::from_str(text).unchecked_into()
}

fn stringify(v: &JsValue) -> String {
    js_sys::JSON::stringify(v).unwrap().into()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &key.into()).unwrap()
}

/// The options a page passes: mocks as text, a seed beyond 2^53 as a BigInt.
fn js_options(case: &Case) -> OptionsArg {
    let options = js_sys::Object::new();
    let set = |key: &str, value: JsValue| {
        js_sys::Reflect::set(&options, &key.into(), &value).unwrap();
    };
    set("mocks", case.mocks.as_str().into());
    set("seed", if case.seed > (1 << 53) { js_sys::BigInt::from(case.seed).into() } else { (case.seed as f64).into() });
    set("startTime", case.start_time.as_str().into());
    set("maxEvents", (case.max_events as f64).into());
    options.unchecked_into()
}

/// The caller's protocol of `tests/fuzzing/drive.rs`, through the JS API: answer the
/// first task waited for with the next answer, or stop. False when stopped.
fn js_answer(ex: &mut JsExecution, waiting: &JsValue, answers: &mut std::slice::Iter<Answer>) -> bool {
    let first = js_sys::Array::from(waiting).get(0);
    let token = get(&first, "token").as_string().expect("a paused execution waits for a token");
    match answers.next() {
        Some(Answer::Success(v)) => ex.send_task_success(&token, js(&v.to_string())).unwrap(),
        Some(Answer::Failure(e, c)) => ex.send_task_failure(&token, Some(e.clone()), Some(c.clone())).unwrap(),
        Some(Answer::Heartbeat) => {
            ex.send_task_heartbeat(&token).unwrap();
            ex.send_task_success(&token, js("{}")).unwrap();
        }
        Some(Answer::Stop(e, c)) => {
            ex.stop(Some(e.clone()), Some(c.clone())).unwrap();
            return false;
        }
        None => {
            ex.stop(Some("Caller.NoMoreAnswers".into()), Some("the caller has no more answers".into())).unwrap();
            return false;
        }
    }
    true
}

fn js_start(n: &Native) -> JsExecution {
    let sim = JsSimulator::new(&n.case.definition, Some(js_options(&n.case))).unwrap_or_else(|e| panic!("{}: {}", n.name, stringify(&e)));
    sim.start(Some(js(&n.case.input))).unwrap_or_else(|e| panic!("{}: {}", n.name, stringify(&e)))
}

#[wasm_bindgen_test]
fn js_api_gives_the_native_histories() {
    for n in native() {
        let mut ex = js_start(&n);
        let mut answers = n.case.answers.iter();
        loop {
            let report = ex.run(None).unwrap();
            if ex.status() != "PAUSED" || !js_answer(&mut ex, &get(&report, "waitingFor"), &mut answers) {
                break;
            }
        }
        assert_same_history(&n, "JS run()", &stringify(&ex.history().unwrap()));
        assert_eq!(ex.status(), n.status, "{}: status()", n.name);
        assert_eq!(ex.error(), n.error, "{}: error()", n.name);
        assert_eq!(ex.cause(), n.cause, "{}: cause()", n.name);
        let output = ex.output().unwrap();
        let output = if output.is_undefined() { None } else { Some(json::parse(&stringify(&output)).unwrap()) };
        assert_eq!(output, n.output.as_deref().map(|o| json::parse(o).unwrap()), "{}: output()", n.name);
    }
}

/// `stepBack()` then `step()` gives the same report at the native run's points, and the
/// whole history is the native one.
#[wasm_bindgen_test]
fn js_step_back_then_step_gives_the_same_events() {
    for n in native() {
        let mut ex = js_start(&n);
        let mut answers = n.case.answers.iter();
        let mut answered_at = Vec::new();
        loop {
            let forward = ex.step().unwrap();
            let events = js_sys::Array::from(&get(&forward, "events"));
            if events.length() == 0 {
                if ex.status() != "PAUSED" {
                    break;
                }
                answered_at.push(js_sys::Array::from(&ex.history().unwrap()).length() as usize);
                if !js_answer(&mut ex, &get(&forward, "waitingFor"), &mut answers) {
                    break;
                }
                continue;
            }
            let count = get(&forward, "eventCount").as_f64().unwrap() as usize;
            if n.step_back_at.contains(&count) && !answered_at.contains(&(count - 1)) {
                let back = ex.step_back().unwrap();
                assert_eq!(get(&back, "eventCount").as_f64(), Some((count - 1) as f64), "{}: stepBack from {count}", n.name);
                let again = ex.step().unwrap();
                assert_eq!(stringify(&again), stringify(&forward), "{}: step after stepBack at event {count}", n.name);
            }
        }
        assert_same_history(&n, "JS step() with stepBack()", &stringify(&ex.history().unwrap()));
    }
}
