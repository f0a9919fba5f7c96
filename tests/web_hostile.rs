//! Hostile inputs through the JS API in headless Chromium (issue 8, item 2): the
//! same kinds of cases as `tests/hostile.rs`, scaled so the suite takes seconds.
//! Every case must end in a thrown `Error` with a `code`, or a normal result; never
//! a trap (a Rust panic or a stack overflow traps the wasm instance and leaves it
//! unusable, so a page would die with it).
//!
//! Calls go through the JS glue that `wasm-bindgen` generates, as a page's would:
//! the `Simulator` class is taken from an instance's `constructor` and every call is
//! made with `Reflect`, so strings cross the real boundary (where a JS string with
//! a lone surrogate becomes U+FFFD).
//!
//! `npm test` runs it; by hand:
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_hostile`.
//! Cases that trap the instance (or did) run in fresh instances of `pkg/` in
//! `tests/page/hostile.test.mjs`, since after a trap even this harness hangs.
#![cfg(target_arch = "wasm32")]

use asl_sim::wasm::JsSimulator;
use js_sys::{Array, Function, JsString, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// How long one case may take in the browser.
const TIME_LIMIT_MS: f64 = 30_000.0;

const HELLO: &str = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#;

// ---------------------------------------------------------------- the JS boundary

/// The `Simulator` class of the generated glue.
fn simulator_class() -> Function {
    let instance: JsValue = JsSimulator::new(HELLO, None).unwrap().into();
    Reflect::get(&instance, &"constructor".into()).unwrap().unchecked_into()
}

/// Fail the test if `e` is a trap rather than an API error.
fn no_trap(what: &str, e: &JsValue) {
    let kind = if e.is_instance_of::<js_sys::WebAssembly::RuntimeError>() {
        Some("a wasm trap (a Rust panic or an abort)")
    } else if e.is_instance_of::<js_sys::RangeError>() {
        Some("a RangeError (a stack overflow)")
    } else {
        None
    };
    if let Some(kind) = kind {
        panic!("TRAP: {what} threw {kind}: {}", message(e));
    }
}

fn message(e: &JsValue) -> String {
    Reflect::get(e, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_else(|| format!("{e:?}"))
}

/// `new Simulator(definition, options)`.
fn construct(definition: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
    let r = Reflect::construct(&simulator_class(), &Array::of2(definition, options));
    if let Err(e) = &r {
        no_trap("new Simulator", e);
    }
    r
}

/// `object.method(...args)`.
fn call(object: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(object, &method.into()).unwrap().dyn_into().unwrap_or_else(|_| panic!("no method {method}"));
    let r = f.apply(object, &args.iter().collect::<Array>());
    if let Err(e) = &r {
        no_trap(method, e);
    }
    r
}

/// The `code` of what `r` threw; panics when it did not throw.
fn code(what: &str, r: Result<JsValue, JsValue>) -> String {
    match r {
        Ok(v) => panic!("{what}: expected an error, got {}", stringify(&v)),
        Err(e) => {
            assert!(e.is_instance_of::<js_sys::Error>(), "{what}: threw a non-Error {e:?}");
            Reflect::get(&e, &"code".into()).unwrap().as_string().unwrap_or_else(|| panic!("{what}: an Error without a code: {}", message(&e)))
        }
    }
}

fn stringify(v: &JsValue) -> String {
    js_sys::JSON::stringify(v).ok().and_then(|s| s.as_string()).unwrap_or_else(|| format!("{v:?}"))
}

fn json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn text(v: &JsValue, key: &str) -> String {
    get(v, key).as_string().unwrap_or_else(|| panic!("{key} is not a string in {}", stringify(v)))
}

/// Time a case; it must finish within the limit.
fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let started = js_sys::Date::now();
    let v = f();
    let took = js_sys::Date::now() - started;
    console_log!("{what}: {took:.0} ms");
    assert!(took < TIME_LIMIT_MS, "{what}: took {took} ms");
    v
}

fn short(s: &str) -> String {
    s.chars().take(100).collect()
}

/// A simulator through the JS API, or the test fails.
fn simulator(definition: &str, options: &str) -> JsValue {
    construct(&definition.into(), &json(options)).unwrap_or_else(|e| panic!("{}: {}", short(definition), message(&e)))
}

/// `new Simulator(definition, options).start(input).run()`: the report and the execution.
fn run(definition: &str, options: &str, input: JsValue) -> (JsValue, JsValue) {
    let ex = call(&simulator(definition, options), "start", &[input]).unwrap_or_else(|e| panic!("start: {}", message(&e)));
    let report = call(&ex, "run", &[]).unwrap_or_else(|e| panic!("run: {}", message(&e)));
    // Read what a page reads.
    call(&ex, "history", &[]).unwrap();
    call(&ex, "output", &[]).unwrap();
    (report, ex)
}

fn assert_status(report: &JsValue, ex: &JsValue, status: &str, errors: &[&str], what: &str) {
    assert_eq!(text(report, "status"), status, "{what}: {}", stringify(report));
    if !errors.is_empty() {
        let error = call(ex, "error", &[]).unwrap().as_string().unwrap_or_default();
        assert!(errors.contains(&error.as_str()), "{what}: error {error:?}, expected one of {errors:?}");
    }
}

fn pass(fields: &str) -> String {
    format!(r#"{{"StartAt": "P", "States": {{"P": {{"Type": "Pass", "Parameters": {{{fields}}}, "End": true}}}}}}"#)
}

fn nested(open: &str, inner: &str, close: &str, depth: usize) -> String {
    format!("{}{}{}", open.repeat(depth), inner, close.repeat(depth))
}

const GOLDEN_DEFINITION: &str = include_str!("golden/determinism.asl.json");

// ---------------------------------------------------------------- cases

#[wasm_bindgen_test]
fn malformed_and_truncated_definitions_throw_invalid_definition() {
    let malformed = [
        "",
        "{",
        "[",
        "nul",
        "1e",
        "-",
        "\"abc",
        "\"\\u12\"",
        "{\"a\": 1,}",
        "[1e400]",
        "\u{FEFF}{}",
        "{} {}",
        "\"\u{0}\"",
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Wait\", \"Timestamp\": \"+999999-01-01T00:00:00Z\", \"End\": true}}}",
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Parameters\": {\"x.$\": \"States.Format(\"}, \"End\": true}}}",
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Parameters\": {\"x.$\": \"$['a',\"}, \"End\": true}}}",
    ];
    timed("malformed definitions", || {
        for text in malformed {
            assert_eq!(code(text, construct(&text.into(), &JsValue::UNDEFINED)), "INVALID_DEFINITION", "{text}");
        }
    });
    timed("every prefix of a definition", || {
        let validate = |t: &str| asl_sim::wasm::validate(t, None).unwrap_or_else(|e| panic!("validate threw {}", message(&e)));
        for end in (0..GOLDEN_DEFINITION.trim_end().len()).filter(|&e| GOLDEN_DEFINITION.is_char_boundary(e)) {
            let prefix = &GOLDEN_DEFINITION[..end];
            assert!(Array::from(&validate(prefix)).length() > 0, "a prefix of {end} bytes validated");
        }
        for end in (0..GOLDEN_DEFINITION.len()).step_by(97).filter(|&e| GOLDEN_DEFINITION.is_char_boundary(e)) {
            code("a truncated definition", construct(&GOLDEN_DEFINITION[..end].into(), &JsValue::UNDEFINED));
        }
    });
}

#[wasm_bindgen_test]
fn malformed_inputs_mocks_and_answers_throw_invalid_json() {
    let sim = simulator(HELLO, "{}");
    for text in ["{", "[1,]", "{\"a\": 1e400}", "nul", "", "\"\\u12\""] {
        assert_eq!(code(text, call(&sim, "start", &[text.into()])), "INVALID_JSON", "input {text:?}");
        let options = js_sys::Object::new();
        Reflect::set(&options, &"mocks".into(), &text.into()).unwrap();
        assert_eq!(code(text, construct(&HELLO.into(), &options)), "INVALID_JSON", "mocks {text:?}");
    }
    // JS values that JSON cannot hold.
    let cyclic = js_sys::Object::new();
    Reflect::set(&cyclic, &"self".into(), &cyclic).unwrap();
    for (what, value) in [
        ("a cyclic object", cyclic.into()),
        ("a BigInt", js_sys::BigInt::from(1u64 << 60).into()),
        ("a function", Function::new_no_args("return 1").into()),
        ("a symbol", JsValue::symbol(Some("s"))),
    ] {
        assert_eq!(code(what, call(&sim, "start", &[value])), "INVALID_JSON", "{what}");
    }
    // Values JSON.stringify turns into something else are fine.
    for value in
        [JsValue::UNDEFINED, JsValue::NULL, js_sys::Number::NAN.into(), f64::INFINITY.into(), (-0.0f64).into(), json("[1, 2]"), "\"text\"".into()]
    {
        call(&sim, "start", &[value]).expect("a JSON value");
    }
}

#[wasm_bindgen_test]
fn deep_nesting_throws_an_error_not_a_trap() {
    let deep_text = nested("[", "", "]", 100_000);
    timed("100,000-deep definition and input text", || {
        assert_eq!(code("deep definition", construct(&deep_text.as_str().into(), &JsValue::UNDEFINED)), "INVALID_DEFINITION");
        let diagnostics = asl_sim::wasm::validate(&deep_text, None).unwrap();
        assert!(stringify(&diagnostics).contains("nesting"), "{}", stringify(&diagnostics));
        let sim = simulator(HELLO, "{}");
        assert_eq!(code("deep input", call(&sim, "start", &[deep_text.as_str().into()])), "INVALID_JSON");
        let options = js_sys::Object::new();
        Reflect::set(&options, &"mocks".into(), &deep_text.as_str().into()).unwrap();
        assert_eq!(code("deep mocks", construct(&HELLO.into(), &options)), "INVALID_JSON");
    });
    timed("a 100,000-deep JS object as the input", || {
        // JSON.stringify itself overflows the JS stack on it: that RangeError is the
        // glue's to catch, and the input is refused.
        let mut value: JsValue = 1.into();
        for _ in 0..100_000 {
            let o = js_sys::Object::new();
            Reflect::set(&o, &"a".into(), &value).unwrap();
            value = o.into();
        }
        let sim = simulator(HELLO, "{}");
        match call(&sim, "start", &[value]) {
            Ok(_) => panic!("a 100,000-deep input was accepted"),
            Err(e) => assert!(e.is_instance_of::<js_sys::Error>()),
        }
    });
    timed("intrinsics nested 100,000 deep", || {
        let call_text = nested("States.Array(", "1", ")", 100_000);
        assert_eq!(code("deep intrinsic", construct(&pass(&format!("\"x.$\": \"{call_text}\"")).into(), &JsValue::UNDEFINED)), "INVALID_DEFINITION");
    });
    timed("data nested just under the parser's limit", || {
        let depth = asl_sim::json::MAX_DEPTH - 4;
        let input = format!("{{\"deep\": {}}}", nested("{\"a\": ", "[1]", "}", depth));
        let (report, ex) =
            run(&pass("\"copy.$\": \"$.deep\", \"text.$\": \"States.JsonToString($.deep)\", \"all.$\": \"$..a[0]\""), "{}", input.as_str().into());
        assert_status(&report, &ex, "SUCCEEDED", &[], "deep data");
    });
}

#[wasm_bindgen_test]
fn oversized_payloads_are_refused() {
    let blob = format!("{{\"blob\": \"{}\"}}", "x".repeat(50 << 20));
    timed("a 50 MiB input", || {
        let sim = simulator(HELLO, "{}");
        assert_eq!(code("50 MiB input", call(&sim, "start", &[blob.as_str().into()])), "INVALID_EXECUTION_INPUT");
    });
    timed("a 50 MiB answer", || {
        let definition = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"}, "End": true}}}"#;
        let (report, ex) = run(definition, "{}", JsValue::UNDEFINED);
        let token = text(&Array::from(&get(&report, "waitingFor")).get(0), "token");
        assert_eq!(code("50 MiB answer", call(&ex, "sendTaskSuccess", &[token.into(), blob.as_str().into()])), "INVALID_OUTPUT");
        assert_eq!(call(&ex, "status", &[]).unwrap().as_string().unwrap(), "PAUSED");
    });
    timed("a 5 MiB mocked result", || {
        let definition = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "End": true}}}"#;
        let mocks = format!("{{\"mocks\": {{\"T\": {{\"Return\": \"{}\"}}}}}}", "m".repeat(5 << 20));
        let (report, ex) = run(definition, &mocks, JsValue::UNDEFINED);
        assert_status(&report, &ex, "FAILED", &["States.DataLimitExceeded"], "5 MiB mock");
    });
}

#[wasm_bindgen_test]
fn many_states_validate_in_bounded_time() {
    let chain = |n: usize| {
        let mut definition = String::from("{\"StartAt\": \"S0\", \"States\": {");
        for i in 0..n - 1 {
            definition.push_str(&format!("\"S{i}\": {{\"Type\": \"Pass\", \"Next\": \"S{}\"}}, ", i + 1));
        }
        definition.push_str(&format!("\"S{}\": {{\"Type\": \"Succeed\"}}}}}}", n - 1));
        definition
    };
    // As many states as fit in AWS's 1 MB definition quota: validated, then run to the event limit.
    let (report, ex) = timed("validate and run 15,000 states", || run(&chain(15_000), "{}", JsValue::UNDEFINED));
    assert_status(&report, &ex, "FAILED", &["States.Runtime"], "15,000 states");
    // Past the quota, refused at once.
    let big = chain(100_000);
    let e = timed("refuse a 5 MB definition", || construct(&big.as_str().into(), &json("{}")).expect_err("over 1 MB is refused"));
    let code = Reflect::get(&e, &"code".into()).ok().and_then(|c| c.as_string());
    assert_eq!(code.as_deref(), Some("INVALID_DEFINITION"), "{}", message(&e));
}

#[wasm_bindgen_test]
fn endless_loops_stop_at_the_event_limit_and_run_is_resumable() {
    let looping = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Choice", "Choices": [{"Variable": "$.never", "IsPresent": true, "Next": "C"}], "Default": "A"}, "C": {"Type": "Succeed"}}}"#;
    let (report, ex) = timed("an endless loop", || run(looping, "{}", JsValue::UNDEFINED));
    assert_status(&report, &ex, "FAILED", &["States.Runtime"], "endless loop");
    assert_eq!(get(&report, "eventCount").as_f64(), Some(25_000.0));
    for max in [0.0f64, 1.0, 2.0, 100_000.0] {
        let (report, _) = run(looping, &format!("{{\"maxEvents\": {max}}}"), JsValue::UNDEFINED);
        assert_eq!(text(&report, "status"), "FAILED", "maxEvents {max}");
        assert_eq!(get(&report, "eventCount").as_f64(), Some(max.max(2.0)), "maxEvents {max}");
    }
    timed("run({maxSteps}) in slices", || {
        let ex = call(&simulator(looping, "{}"), "start", &[]).unwrap();
        let mut slices = 0;
        loop {
            let report = call(&ex, "run", &[json("{\"maxSteps\": 1000}")]).unwrap();
            slices += 1;
            if text(&report, "status") != "RUNNING" {
                break;
            }
            assert_eq!(get(&report, "newEvents").as_f64(), Some(1000.0));
        }
        assert_eq!(slices, 25, "25,000 events in slices of 1,000");
    });
    let retry = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 99999999, "BackoffRate": 1.0}], "End": true}}}"#;
    let (report, ex) = timed("a retry that never gives up", || run(retry, r#"{"mocks": {"T": {"Throw": {"Error": "Nope"}}}}"#, JsValue::UNDEFINED));
    assert_status(&report, &ex, "FAILED", &["States.Runtime"], "endless retry");
    // With a huge backoff the waits outgrow a Standard execution's year first.
    let far = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 99999999, "MaxAttempts": 99999999, "BackoffRate": 1.7976931348623157e308}], "End": true}}}"#;
    let (report, ex) =
        timed("a retry backing off past the year", || run(far, r#"{"mocks": {"T": {"Throw": {"Error": "Nope"}}}}"#, JsValue::UNDEFINED));
    assert_status(&report, &ex, "TIMED_OUT", &[], "a retry backing off past the year");
    assert_eq!(text(&report, "clock"), "2024-12-31T00:00:00.000Z");
}

#[wasm_bindgen_test]
fn huge_maps_are_bounded() {
    let map = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}}, "End": true}}}"#;
    let items = format!("{{\"items\": [{}]}}", vec!["0"; 100_000].join(","));
    let (report, ex) = timed("a Map over 100,000 items", || run(map, "{}", items.as_str().into()));
    assert_status(&report, &ex, "FAILED", &["States.Runtime"], "a Map over 100,000 items");
    let definition = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "ResultSelector": {"items.$": "$.Payload"}, "Next": "M"},
      "M": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}}, "End": true}}}"#;
    let mocks = format!("{{\"mocks\": {{\"T\": {{\"Return\": [{}]}}}}}}", (0..1_000_000).map(|i| i.to_string()).collect::<Vec<_>>().join(","));
    let (report, ex) = timed("a Map over a million mocked items", || run(definition, &mocks, JsValue::UNDEFINED));
    assert_status(&report, &ex, "FAILED", &["States.DataLimitExceeded"], "a million mocked items");
}

#[wasm_bindgen_test]
fn intrinsics_numbers_and_patterns_at_the_edges() {
    let cases = [
        ("States.ArrayRange(1, 9223372036854775807, 1)", "{}"),
        ("States.ArrayRange(-9223372036854775808, 9223372036854775807, 9223372036854775807)", "{}"),
        ("States.MathAdd(9223372036854775807, 1)", "{}"),
        ("States.MathAdd($.a, $.a)", r#"{"a": 1e308}"#),
        ("States.MathRandom(-9223372036854775808, 9223372036854775807)", "{}"),
        ("States.ArrayPartition($.a, -9223372036854775808)", r#"{"a": [1]}"#),
        ("States.StringToJson($.s)", r#"{"s": "{\"a\": 1e400}"}"#),
        ("States.JsonToString($)", r#"{"a": -0.0, "b": 1e21, "c": 5e-324, "d": 1.7976931348623157e308, "e": 123456789012345678901234567890}"#),
        ("$", r#"{"big": 9007199254740993, "i64": 9223372036854775807, "neg": -9223372036854775808, "z": -0}"#),
    ];
    for (expression, input) in cases {
        let (report, ex) = timed(expression, || run(&pass(&format!("\"r.$\": \"{expression}\"")), "{}", input.into()));
        let status = text(&report, "status");
        assert!(status == "SUCCEEDED" || status == "FAILED", "{expression}: {status}");
        assert_status(&report, &ex, &status, if status == "FAILED" { &["States.IntrinsicFailure", "States.Runtime"] } else { &[] }, expression);
    }
    let subject = format!("{{\"s\": \"{}\"}}", "a".repeat(100_000));
    for pattern in [format!("{}*b", "*a".repeat(40)), format!("{}b", "*".repeat(10_000))] {
        let definition = format!(
            r#"{{"StartAt": "C", "States": {{"C": {{"Type": "Choice", "Choices": [{{"Variable": "$.s", "StringMatches": "{pattern}", "Next": "Y"}}], "Default": "N"}}, "Y": {{"Type": "Succeed"}}, "N": {{"Type": "Succeed"}}}}}}"#
        );
        let (report, _) = timed(&format!("StringMatches {}", short(&pattern)), || run(&definition, "{}", subject.as_str().into()));
        assert_eq!(text(&report, "status"), "SUCCEEDED");
    }
}

#[wasm_bindgen_test]
fn far_away_times_complete_in_virtual_time() {
    let wait = r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 99999999, "Next": "P"}, "P": {"Type": "Pass", "Parameters": {"at.$": "$$.State.EnteredTime"}, "End": true}}}"#;
    // A Wait beyond a Standard execution's one-year maximum times it out at the year.
    let (report, _) = timed("Wait 99,999,999 seconds", || run(wait, "{}", JsValue::UNDEFINED));
    assert_eq!(text(&report, "status"), "TIMED_OUT");
    assert_eq!(text(&report, "clock"), "2024-12-31T00:00:00.000Z");
    // Start times a Date can hold, and numbers no Date can.
    for start in [
        "\"+275760-09-13T00:00:00.000Z\"",
        "\"-271821-04-20T00:00:00.000Z\"",
        "8640000000000000",
        "-8640000000000000",
        "9007199254740991",
        "1e300",
        "-1e300",
        "0",
    ] {
        let (report, _) = run(wait, &format!("{{\"startTime\": {start}}}"), JsValue::UNDEFINED);
        // The Wait outlasts the year from any start time; at the end of time (a clamped
        // start) both deadlines saturate and the Wait comes first.
        let status = text(&report, "status");
        assert!(
            status == "TIMED_OUT"
                || (status == "SUCCEEDED" && ["1e300", "8640000000000000", "\"+275760-09-13T00:00:00.000Z\"", "9007199254740991"].contains(&start)),
            "startTime {start}: {status}"
        );
    }
    for start in ["\"+999999-01-01T00:00:00Z\"", "\"garbage\"", "1.5", "null", "true", "{}"] {
        let options = json(&format!("{{\"startTime\": {start}}}"));
        let r = construct(&wait.into(), &options);
        if start != "null" {
            assert_eq!(code(start, r), "INVALID_OPTION", "startTime {start}");
        }
    }
    let invalid_date = js_sys::Object::new();
    Reflect::set(&invalid_date, &"startTime".into(), &js_sys::Date::new(&js_sys::Number::NAN.into()).into()).unwrap();
    assert_eq!(code("an invalid Date", construct(&wait.into(), &invalid_date)), "INVALID_OPTION");
    let path = r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "TimestampPath": "$.t", "End": true}}}"#;
    for t in ["+999999-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z"] {
        let (report, _) = run(path, "{}", format!("{{\"t\": \"{t}\"}}").as_str().into());
        let status = text(&report, "status");
        // A far-future timestamp: the execution's one-year maximum comes first.
        assert!(status == "SUCCEEDED" || status == "FAILED" || status == "TIMED_OUT", "{t}: {status}");
    }
}

#[wasm_bindgen_test]
fn mocks_of_the_wrong_shape_throw_invalid_mocks() {
    for mocks in [
        "[]", "5", "{\"T\": 5}", "{\"T\": []}", "{\"T\": {}}", "{\"T\": {\"Return\": 1, \"Throw\": {}}}", "{\"T\": {\"Throw\": \"x\"}}",
        "{\"T\": {\"Return\": 1, \"DelaySeconds\": -1}}", "{\"T\": {\"Return\": 1, \"DelaySeconds\": 1e300}}",
        "{\"StateMachines\": 5}", "{\"StateMachines\": {\"M\": {\"TestCases\": {\"C\": {\"T\": \"R\"}}}}, \"MockedResponses\": {\"R\": {\"0-18446744073709551615\": {\"Return\": 1}}}}",
    ] {
        let options = js_sys::Object::new();
        Reflect::set(&options, &"mocks".into(), &json(mocks)).unwrap();
        assert_eq!(code(mocks, construct(&HELLO.into(), &options)), "INVALID_MOCKS", "{mocks}");
    }
}

#[wasm_bindgen_test]
fn absurd_options_throw_invalid_option() {
    let bad = [
        r#"{"maxEvents": -1}"#,
        r#"{"maxEvents": 1.5}"#,
        r#"{"maxEvents": 1e300}"#,
        r#"{"maxEvents": "5"}"#,
        r#"{"maxEvents": null}"#,
        r#"{"seed": -1}"#,
        r#"{"seed": 1.5}"#,
        r#"{"seed": 9007199254740993}"#,
        r#"{"seed": "1"}"#,
        r#"{"seed": null}"#,
        r#"{"testCase": 5}"#,
        r#"{"mocks": {}, "testCase": {}}"#,
        r#"{"seeds": 1}"#,
        "5",
        "\"text\"",
    ];
    for options in bad {
        let r = construct(&HELLO.into(), &json(options));
        assert_eq!(code(options, r), "INVALID_OPTION", "{options}");
    }
    let object = |key: &str, value: JsValue| {
        let o = js_sys::Object::new();
        Reflect::set(&o, &key.into(), &value).unwrap();
        JsValue::from(o)
    };
    for (what, options) in [
        ("seed NaN", object("seed", js_sys::Number::NAN.into())),
        ("seed Infinity", object("seed", f64::INFINITY.into())),
        ("seed BigInt(-1)", object("seed", js_sys::BigInt::from(-1i64).into())),
        ("seed BigInt(2^64)", object("seed", (js_sys::BigInt::from(u64::MAX) + js_sys::BigInt::from(1u64)).into())),
        ("maxEvents NaN", object("maxEvents", js_sys::Number::NAN.into())),
    ] {
        assert_eq!(code(what, construct(&HELLO.into(), &options)), "INVALID_OPTION", "{what}");
    }
    // Extremes that are allowed.
    for options in [r#"{"seed": 0}"#, r#"{"seed": -0}"#, r#"{"seed": 9007199254740991}"#, r#"{"maxEvents": 0}"#, r#"{"maxEvents": 9007199254740991}"#]
    {
        let (report, _) = run(HELLO, options, JsValue::UNDEFINED);
        let status = text(&report, "status");
        assert!(status == "SUCCEEDED" || status == "FAILED", "{options}: {status}");
    }
    let big_seed = object("seed", js_sys::BigInt::from(u64::MAX).into());
    construct(&HELLO.into(), &big_seed).expect("seed 2^64 - 1 as a BigInt");
    // run({maxSteps}) and runUntil with absurd values.
    let ex = call(&simulator(HELLO, "{}"), "start", &[]).unwrap();
    for options in [r#"{"maxSteps": -1}"#, r#"{"maxSteps": 1.5}"#, r#"{"maxSteps": "1"}"#, r#"{"maxSteps": 1e300}"#] {
        assert_eq!(code(options, call(&ex, "run", &[json(options)])), "INVALID_OPTION", "run({options})");
    }
    assert_eq!(code("runUntil({})", call(&ex, "runUntil", &[json("{}")])), "INVALID_OPTION");
    assert_eq!(code("runUntil(5)", call(&ex, "runUntil", &[5.into()])), "INVALID_OPTION");
    call(&ex, "run", &[json(r#"{"maxSteps": 0}"#)]).unwrap();
    call(&ex, "run", &[json(r#"{"maxSteps": 9007199254740991}"#)]).unwrap();
    call(&ex, "run", &[JsValue::NULL]).ok();
    call(&ex, "runUntil", &[json(r#"{"state": "Nowhere", "maxSteps": 9007199254740991}"#)]).unwrap();
    for _ in 0..5 {
        call(&ex, "stepBack", &[]).unwrap();
    }
    call(&ex, "inspect", &["Nowhere".into()]).unwrap();
    call(&ex, "variables", &["".into()]).unwrap();
}

#[wasm_bindgen_test]
fn lone_surrogates_cross_the_boundary_as_replacement_characters() {
    let lone = JsString::from_char_code1(0xD800);
    let with_lone = |s: &str| -> JsValue { JsString::from(s).concat(&lone).concat(&JsString::from("\u{1F600}")).into() };
    // In the definition text: a state name and a Result string.
    let definition: JsValue =
        json(r#""{\"StartAt\": \"A\ud800\", \"States\": {\"A\ud800\": {\"Type\": \"Pass\", \"Result\": \"r\udc00\", \"End\": true}}}""#);
    let sim = construct(&definition, &JsValue::UNDEFINED).unwrap_or_else(|e| panic!("{}", message(&e)));
    // A string is JSON text: a lone surrogate inside JSON text, then as a value in an array.
    let quoted: JsValue = JsString::from("\"in").concat(&lone).concat(&JsString::from("\"")).into();
    call(&sim, "start", &[quoted]).unwrap();
    let ex = call(&sim, "start", &[Array::of1(&with_lone("in")).into()]).unwrap();
    let report = call(&ex, "run", &[]).unwrap();
    assert_eq!(text(&report, "status"), "SUCCEEDED");
    assert_eq!(call(&ex, "output", &[]).unwrap().as_string().as_deref(), Some("r\u{FFFD}"));
    let history = stringify(&call(&ex, "history", &[]).unwrap());
    assert!(history.contains("A\u{FFFD}"), "{}", short(&history));
    call(&ex, "inspect", &[with_lone("A")]).unwrap();
    call(&ex, "variables", &[with_lone("A")]).unwrap();
    // In an input value, its keys, mocks, answers, errors and stop causes.
    let value = js_sys::Object::new();
    Reflect::set(&value, &with_lone("key"), &with_lone("value")).unwrap();
    let task = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody.$": "$"}, "End": true}}}"#;
    let ex = call(&simulator(task, "{}"), "start", &[value.into()]).unwrap();
    let report = call(&ex, "run", &[]).unwrap();
    let token = text(&Array::from(&get(&report, "waitingFor")).get(0), "token");
    assert_eq!(code("a lone-surrogate token", call(&ex, "sendTaskSuccess", &[with_lone(&token), "{}".into()])), "INVALID_TOKEN");
    call(&ex, "sendTaskHeartbeat", &[token.as_str().into()]).unwrap();
    call(&ex, "sendTaskFailure", &[token.as_str().into(), with_lone("Err"), with_lone("cause")]).unwrap();
    call(&ex, "run", &[]).unwrap();
    assert_eq!(call(&ex, "error", &[]).unwrap().as_string().as_deref(), Some("Err\u{FFFD}\u{1F600}"));
    let ex = call(&simulator(task, "{}"), "start", &[]).unwrap();
    call(&ex, "run", &[]).unwrap();
    call(&ex, "stop", &[with_lone("Stop"), with_lone("why")]).unwrap();
    assert_eq!(call(&ex, "status", &[]).unwrap().as_string().as_deref(), Some("ABORTED"));
    let options = js_sys::Object::new();
    let mocks = js_sys::Object::new();
    let response = js_sys::Object::new();
    Reflect::set(&response, &"Return".into(), &with_lone("mocked")).unwrap();
    Reflect::set(&mocks, &"T".into(), &response).unwrap();
    Reflect::set(&options, &"mocks".into(), &mocks).unwrap();
    Reflect::set(&options, &"testCase".into(), &with_lone("case")).unwrap();
    let sim = construct(&task.into(), &options).unwrap();
    let report = call(&call(&sim, "start", &[]).unwrap(), "run", &[]).unwrap();
    assert_eq!(text(&report, "status"), "SUCCEEDED");
    // And the validator's columns on a line holding one (counted in UTF-16 units).
    let diagnostics =
        asl_sim::wasm::validate("{\"StartAt\": \"\u{FFFD}\", \"States\": {\"\u{FFFD}\": {\"Type\": \"Pass\", \"Next\": \"X\"}}}", None).unwrap();
    assert!(Array::from(&diagnostics).length() > 0);
}

#[wasm_bindgen_test]
fn nesting_built_at_run_time_fails_the_state() {
    // Each turn wraps the data ten arrays deeper; the state fails at json::MAX_DEPTH
    // levels (it used to overflow the stack while stepping: tests/page/hostile.test.mjs).
    let ten = format!("{}$${}", "States.Array(".repeat(10), ")".repeat(10)).replace("$$", "$");
    let definition = format!(
        r#"{{"StartAt": "Deepen", "States": {{
          "Deepen": {{"Type": "Pass", "Parameters": {{"d.$": "{ten}"}}, "Next": "Again?"}},
          "Again?": {{"Type": "Choice", "Choices": [{{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}}], "Default": "Deepen"}},
          "Done": {{"Type": "Succeed"}}}}}}"#
    );
    let ex = call(&simulator(&definition, "{}"), "start", &[]).unwrap();
    timed("stepping through a loop that deepens its data", || loop {
        let report = call(&ex, "step", &[]).unwrap();
        if Array::from(&get(&report, "events")).length() == 0 {
            break;
        }
    });
    assert_eq!(call(&ex, "error", &[]).unwrap().as_string().as_deref(), Some("States.DataLimitExceeded"));
    call(&ex, "history", &[]).unwrap();
}

#[wasm_bindgen_test]
fn deeply_nested_jsonpath_filters_are_refused() {
    // Filters nest at most 64 deep (1,000 used to run the stack out while validating).
    let filters = format!("$[?(@.a{}", "[?(@.a".repeat(999)) + &")]".repeat(1000);
    let definition = pass(&format!("\"x.$\": \"{filters}\""));
    let diagnostics = timed("1,000 nested filters", || asl_sim::wasm::validate(&definition, None).unwrap());
    assert!(Array::from(&diagnostics).length() > 0, "1,000 nested filters validated");
    assert_eq!(code("1,000 nested filters", construct(&definition.as_str().into(), &JsValue::UNDEFINED)), "INVALID_DEFINITION");
}

#[wasm_bindgen_test]
fn eval_jsonata_is_bounded_under_its_default_limits() {
    let eval = |expression: &str, limits: JsValue| {
        asl_sim::wasm::eval_jsonata(expression, JsValue::NULL, None, if limits.is_undefined() { None } else { Some(limits) })
    };
    for (expression, want) in [
        ("($f := function($n){$n = 0 ? 0 : 1 + $f($n - 1)}; $f(100000))", "D1011"),
        ("($f := function($n){$f($n + 1)}; $f(0))", "D1012"),
        ("$count([1..100000000])", "D2014"),
        ("1e308 * 10", "D1001"),
        (&nested("(", "1", ")", 100_000), "U1002"),
        ("$pad('', 1000000000)", "D1013"),
        ("$reduce([1..40], function($a, $b){ $a & $a }, 'x')", "D1013"),
        ("$string($reduce([1..40], function($a, $b){ {'l': $a, 'r': $a} }, 1))", "D2015"),
        ("$reduce([1..40], function($a, $b){ {'l': $a, 'r': $a} }, 1)", "D2015"),
        ("$reduce([1..40], function($a, $b){ {'k': [$a.k, $a.k]} }, {'k': [1]})", "D2015"),
        ("$reduce([1..40], function($a, $b){ [$a, $a] }, [1])", "D2015"),
    ] {
        let outcome = timed(&short(expression), || eval(expression, JsValue::UNDEFINED)).unwrap_or_else(|e| {
            no_trap(expression, &e);
            panic!("{}: threw {}", short(expression), message(&e))
        });
        let error = get(&outcome, "error");
        assert!(!error.is_undefined(), "{}: {}", short(expression), stringify(&outcome));
        assert_eq!(get(&error, "code").as_string().as_deref(), Some(want), "{}: {}", short(expression), stringify(&outcome));
    }
    for limits in [r#"{"maxDepth": -1}"#, r#"{"maxSteps": 1.5}"#, r#"{"maxSequenceLength": "9"}"#, r#"{"depth": 1}"#, "5"] {
        let r = eval("1", json(limits));
        assert_eq!(code(limits, r), "INVALID_OPTION", "limits {limits}");
    }
}

#[wasm_bindgen_test]
fn jsonata_states_fail_the_state_not_the_page() {
    // JSONata in a definition, through the JS API: runaway recursion, huge ranges and
    // values that grow by doubling fail the state (States.QueryEvaluationError), never trap.
    for expression in [
        "($f := function($n){$n = 0 ? 0 : 1 + $f($n - 1)}; $f(100000))",
        "($f := function($n){$f($n + 1)}; $f(0))",
        "$range(0, 100000000)",
        "[1..100000000]",
        "$pad('', 1000000000)",
        "$reduce([1..40], function($a, $b){ [$a, $a] }, [1])",
        "$reduce([1..40], function($a, $b){ {'l': $a, 'r': $a} }, 1)",
        "$string($reduce([1..40], function($a, $b){ {'l': $a, 'r': $a} }, 1))",
        "$reduce([1..40], function($a, $b){ $a & $a }, 'x')",
    ] {
        let definition = format!(
            r#"{{"QueryLanguage": "JSONata", "StartAt": "P", "States": {{"P": {{"Type": "Pass", "Output": {}, "End": true}}}}}}"#,
            asl_sim::Value::from(format!("{{% {expression} %}}").as_str()).to_json()
        );
        let (report, ex) = timed(&short(expression), || run(&definition, "{}", JsValue::UNDEFINED));
        assert_status(&report, &ex, "FAILED", &["States.QueryEvaluationError", "States.DataLimitExceeded"], expression);
    }
}

#[wasm_bindgen_test]
fn a_million_states_and_undecodable_bytes_are_refused() {
    // A million states (about 47 MB of text) are refused at once: AWS's quota is 1 MB.
    let mut definition = String::from("{\"StartAt\": \"S0\", \"States\": {");
    for i in 0..999_999 {
        definition.push_str(&format!("\"S{i}\": {{\"Type\": \"Pass\", \"Next\": \"S{}\"}}, ", i + 1));
    }
    definition.push_str("\"S999999\": {\"Type\": \"Succeed\"}}}");
    let e = timed("refuse a million states", || construct(&definition.as_str().into(), &JsValue::UNDEFINED).expect_err("refused"));
    assert_eq!(Reflect::get(&e, &"code".into()).unwrap().as_string().as_deref(), Some("INVALID_DEFINITION"));
    // Bytes that are not UTF-8, as a page reads a file (`TextDecoder`, `file.text()`): each
    // bad sequence becomes U+FFFD, and the text is validated and run like any other.
    let valid = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "X", "End": true}}}"#;
    let at = valid.find('X').unwrap();
    for bad in [&[0xFFu8][..], &[0xC0, 0xAF], &[0xED, 0xA0, 0x80], &[0xE2, 0x82], &[0x3D, 0xD8]] {
        let bytes = [&valid.as_bytes()[..at], bad, &valid.as_bytes()[at + 1..]].concat();
        let decoder = web_sys_free_decode(&bytes);
        let (report, ex) = run(&decoder, "{}", JsValue::UNDEFINED);
        assert_status(&report, &ex, "SUCCEEDED", &[], "undecodable bytes");
        assert!(stringify(&call(&ex, "output", &[]).unwrap()).contains('\u{FFFD}'));
    }
    // And text that is not a definition at all, decoded the same way.
    let garbage = web_sys_free_decode(&[0xFF, 0xFE, 0x00, 0x7B, 0x80]);
    assert_eq!(code("garbage bytes", construct(&garbage.as_str().into(), &JsValue::UNDEFINED)), "INVALID_DEFINITION");
}

/// `new TextDecoder().decode(bytes)`, through `Reflect` (this crate does not depend on web-sys).
fn web_sys_free_decode(bytes: &[u8]) -> String {
    let global = js_sys::global();
    let class: Function = Reflect::get(&global, &"TextDecoder".into()).unwrap().unchecked_into();
    let decoder = Reflect::construct(&class, &Array::new()).unwrap();
    let array = js_sys::Uint8Array::from(bytes);
    call(&decoder, "decode", &[array.into()]).unwrap().as_string().unwrap()
}
