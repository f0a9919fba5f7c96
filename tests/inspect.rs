//! The inspector's view of a state's latest run (`Execution::inspect`): its data-flow
//! stages, its `$$` and the matched Choice rule, from one run even when Map iterations
//! interleave.

use asl_sim::json;
use asl_sim::{Options, Simulator, Value};

fn run(def: &str, input: &str) -> asl_sim::Execution {
    run_with(def, input, None)
}

fn run_with(def: &str, input: &str, mocks: Option<&str>) -> asl_sim::Execution {
    let mut options = Options::default();
    if let Some(m) = mocks {
        options.mocks = asl_sim::mocks::Mocks::from_value(&json::parse(m).unwrap(), None, None).unwrap();
    }
    let sim = Simulator::new(def, options).expect("valid");
    let mut ex = sim.start(json::parse(input).unwrap()).expect("starts");
    ex.run(None);
    ex
}

#[test]
fn interleaved_map_iterations_do_not_mix_in_the_inspector() {
    let def = r#"{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs","End":true,
        "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
          "Parameters":{"doubled.$":"States.MathAdd($.v, $.v)"},"ResultSelector":{"ok.$":"$.Payload.ok"},"ResultPath":"$.r","End":true}}}}}}"#;
    // Mocked latencies make the iterations overlap and finish in another order than they
    // started: the last one entered (v = 3) finishes first.
    let mocks = r#"{"P":[{"Return":{"ok":"first call"},"DelaySeconds":5},{"Return":{"ok":"second call"},"DelaySeconds":9},{"Return":{"ok":"third call"},"DelaySeconds":1}]}"#;
    let ex = run_with(def, r#"{"xs":[{"v":1},{"v":2},{"v":3}]}"#, Some(mocks));
    assert_eq!(ex.status().as_str(), "SUCCEEDED");
    let ins = ex.inspect("P");
    let input = ins.get("input").expect("input stage").clone();
    let v = input.get("v").and_then(Value::as_number).expect("v").as_f64();
    // Every stage belongs to the same iteration as the input.
    assert_eq!(
        ins.get("afterParameters").and_then(|p| p.get("doubled")).and_then(Value::as_number).map(|n| n.as_f64()),
        Some(2.0 * v),
        "{}",
        ins.to_json()
    );
    let out = ins.get("output").expect("output stage");
    assert_eq!(out.get("v"), input.get("v"), "{}", ins.to_json());
    assert_eq!(v, 3.0, "{}", ins.to_json());
    assert_eq!(out.get("r").and_then(|r| r.get("ok")).and_then(Value::as_str), Some("third call"), "{}", ins.to_json());
    assert_eq!(ins.get("result").and_then(|r| r.get("Payload")).and_then(|p| p.get("ok")).and_then(Value::as_str), Some("third call"));
}

#[test]
fn inspect_shows_the_context_and_the_matched_rule() {
    let def = r#"{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[
        {"Variable":"$.n","NumericGreaterThan":10,"Next":"Big"},
        {"Variable":"$.n","NumericGreaterThan":1,"Next":"Small"}],"Default":"Small"},
        "Big":{"Type":"Succeed"},"Small":{"Type":"Succeed"}}}"#;
    let ex = run(def, r#"{"n":5}"#);
    let ins = ex.inspect("C");
    assert_eq!(ins.get("matchedRule").and_then(Value::as_number).map(|n| n.as_f64()), Some(1.0));
    let ctx = ins.get("context").expect("context once the state has exited");
    assert_eq!(ctx.get("State").and_then(|s| s.get("Name")).and_then(Value::as_str), Some("C"));
    assert!(ctx.get("Execution").and_then(|e| e.get("Id")).is_some());
    // A state that never ran has nothing to show.
    assert!(ex.inspect("Big").is_null());
}
