//! Step back is replay (DESIGN.md, "Step back"): at every point of the golden runs,
//! `step_back` followed by `step` must give the very event `step` gave before, byte for
//! byte, with the same report (status, active states, clock, waitingFor), and leave the
//! history a prefix of the golden one. `tests/web.rs` checks the same through the JS API.

use asl_sim::mocks::Mocks;
use asl_sim::time::parse_timestamp;
use asl_sim::{json, Execution, Options, Simulator, StepReport, Value};
use std::path::Path;

fn read(name: &str, suffix: &str) -> Option<String> {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(format!("{name}.{suffix}"))).ok()
}

/// The options the CLI builds from the case's files and `NAME.args`.
fn options(name: &str) -> Options {
    let mut options = Options::default();
    if let Some(mocks) = read(name, "mocks.json") {
        options.mocks = Mocks::from_value(&json::parse(&mocks).unwrap(), None, None).unwrap();
    }
    let args = read(name, "args").unwrap_or_default();
    let args: Vec<&str> = args.split_whitespace().collect();
    for pair in args.chunks(2) {
        match pair {
            ["--seed", n] => options.seed = n.parse().unwrap(),
            ["--start-time", t] => options.start_time = parse_timestamp(t).unwrap(),
            ["--max-events", n] => options.max_events = n.parse().unwrap(),
            other => panic!("{name}.args: flag {other:?} is not known to this test"),
        }
    }
    options
}

fn start(name: &str) -> Execution {
    let definition = read(name, "asl.json").unwrap();
    let simulator = Simulator::new(&definition, options(name)).unwrap_or_else(|d| panic!("{name} is invalid: {d:?}"));
    let input = read(name, "input.json").map(|t| json::parse(&t).unwrap()).unwrap_or_else(Value::empty_object);
    simulator.start(input).unwrap()
}

/// The golden history's events, each as compact JSON.
fn golden_events(name: &str) -> Vec<String> {
    let run = json::parse(&read(name, "run.json").unwrap()).unwrap();
    run.get("history").unwrap().as_array().unwrap().iter().map(Value::to_json).collect()
}

fn report_json(r: &StepReport) -> String {
    serde_json::to_string(r).unwrap()
}

fn history_json(ex: &Execution) -> Vec<String> {
    ex.history().as_array().unwrap().iter().map(Value::to_json).collect()
}

/// Step `ex` to its end (or pause); before each step after the first, step back and
/// forward again and demand the same event and report. Returns the events stepped.
fn step_back_and_forth(name: &str, ex: &mut Execution, golden: &[String]) -> usize {
    let mut stepped = 0;
    loop {
        let at = ex.events().len();
        let forward = ex.step();
        if forward.events.is_empty() {
            return stepped;
        }
        stepped += 1;
        assert_eq!(forward.events.len(), 1, "{name}: one step, one event");
        let event = forward.events[0].to_json();
        if let Some(g) = golden.get(at) {
            assert_eq!(&event, g, "{name}: event {} differs from the golden history", at + 1);
        }
        // Back to `at` events, then forward again.
        let back = ex.step_back();
        assert!(back.events.is_empty(), "{name}: step_back reports no new event");
        assert_eq!(ex.events().len(), at.max(1), "{name}: step_back from {} events", at + 1);
        assert_eq!(back.event_count, ex.events().len());
        if at >= 1 {
            let prefix = history_json(ex);
            for (i, (got, want)) in prefix.iter().zip(golden).enumerate() {
                assert_eq!(got, want, "{name}: event {} after stepping back from {} events", i + 1, at + 1);
            }
            let again = ex.step();
            assert_eq!(report_json(&again), report_json(&forward), "{name}: step after step_back at event {}", at + 1);
        }
    }
}

#[test]
fn step_back_then_step_gives_the_same_event_at_every_point() {
    for name in ["determinism", "parallel_waits", "map_concurrency", "retry_jitter", "callback_mocked", "random_seeded", "start_time", "jsonata"] {
        let golden = golden_events(name);
        let mut ex = start(name);
        let stepped = step_back_and_forth(name, &mut ex, &golden);
        assert_eq!(stepped + 1, golden.len(), "{name}: stepped events (after ExecutionStarted)");
        assert_eq!(history_json(&ex), golden, "{name}: the whole history");
    }
}

/// A paused callback answered from outside: step back must replay the answer at the
/// point it was given, so stepping back and forth after it changes nothing.
#[test]
fn step_back_replays_an_answer_given_while_paused() {
    let name = "callback_paused";
    let golden = golden_events(name);
    let mut ex = start(name);
    step_back_and_forth(name, &mut ex, &golden);
    assert_eq!(history_json(&ex), golden);
    assert_eq!(ex.status().as_str(), "PAUSED");
    let waiting = ex.waiting_for();
    assert_eq!(waiting.len(), 1);
    let token = waiting[0].token.clone();
    ex.send_task_success(&token, json::parse(r#"{"approved": true}"#).unwrap()).unwrap();
    // Take the first event after the answer, then check every later point.
    let first = ex.step();
    assert_eq!(first.events.len(), 1, "the answer lets the execution go on");
    // Stepping back over the first event after the answer takes the answer back too (it was
    // given at that point): the execution is paused again on the same token, so the
    // page can answer differently. This is the one point where step_back + step does not
    // give the same event; answering again does.
    // (Its status is RUNNING, as after the `step` that recorded that event: only the next
    // `step` finds nothing to run and reports PAUSED.)
    let back = ex.step_back();
    assert_eq!(back.event_count, golden.len());
    assert_eq!(back.waiting_for.iter().map(|w| w.token.as_str()).collect::<Vec<_>>(), [token.as_str()]);
    let idle = ex.step();
    assert!(idle.events.is_empty(), "paused until answered again");
    assert_eq!(idle.status, "PAUSED");
    ex.send_task_success(&token, json::parse(r#"{"approved": true}"#).unwrap()).unwrap();
    assert_eq!(report_json(&ex.step()), report_json(&first), "answered again, the same event");
    let mut after: Vec<String> = history_json(&ex);
    step_back_and_forth(name, &mut ex, &after);
    assert_eq!(ex.status().as_str(), "SUCCEEDED", "{:?} {:?}", ex.error(), ex.cause());
    let full = history_json(&ex);
    assert_eq!(full[..after.len()], after[..]);
    // A fresh replay of the whole run from the end lands on the same history.
    after = full.clone();
    while ex.events().len() > golden.len() + 1 {
        ex.step_back();
    }
    ex.run(None);
    assert_eq!(history_json(&ex), after, "step back to just after the answer, then run");
}
