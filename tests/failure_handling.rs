//! `Execution::failure_handling`: how the engine handled each failure (the retrier, its retry
//! and delay, the catcher, or neither). The page colours states and draws back-offs from it
//! instead of matching `ErrorEquals` itself; the cases are those its old rule got wrong.
//! Each decision is also previewed (`pending`) between the failure event and the turn that
//! takes it, and the preview must be the decision; stepping back replays the record.

use asl_sim::engine::FailureHandling;
use asl_sim::mocks::Mocks;
use asl_sim::{json, Execution, Options, Simulator};

fn start(definition: &str, mocks: &str, input: &str) -> Execution {
    let options = Options { mocks: Mocks::from_value(&json::parse(mocks).unwrap(), None, None).unwrap(), ..Options::default() };
    let simulator = Simulator::new(definition, options).unwrap_or_else(|d| panic!("invalid: {d:?}"));
    simulator.start(json::parse(input).unwrap()).unwrap()
}

/// A decision as one line: `state error → retry i#n after ms`, `→ catch i` or `→ fail`.
fn line(h: &FailureHandling) -> String {
    let what = match h.outcome {
        "retry" => format!("retry {}#{} after {} ms", h.retrier.unwrap(), h.retry.unwrap(), h.delay_millis.map_or("?".into(), |d| d.to_string())),
        "catch" => format!("catch {}", h.catcher.unwrap()),
        other => other.to_string(),
    };
    format!("{} {} \u{2192} {what}", h.state, h.error)
}

/// Step to the end; every pending preview must match the decision taken for it (the delay
/// of a FULL jitter aside: it is drawn only then). The decisions, one line each.
fn decisions(definition: &str, mocks: &str, input: &str) -> Vec<String> {
    let mut ex = start(definition, mocks, input);
    let mut previews: Vec<FailureHandling> = Vec::new();
    for _ in 0..1000 {
        let taken = ex.failure_handling(0).into_iter().filter(|h| !h.pending).count();
        for p in ex.failure_handling(taken) {
            if !previews.iter().any(|q| q.entered_event_id == p.entered_event_id && q.after_event_id == p.after_event_id) {
                previews.push(p);
            }
        }
        if ex.step().events.is_empty() {
            break;
        }
    }
    let taken = ex.failure_handling(0);
    assert!(taken.iter().all(|h| !h.pending), "a finished execution has nothing pending");
    assert_eq!(previews.is_empty(), taken.is_empty(), "a failure event is followed by its preview");
    for p in &previews {
        let Some(h) = taken.iter().find(|h| h.entered_event_id == p.entered_event_id && h.after_event_id >= p.after_event_id) else {
            panic!("preview {} was never taken", line(p));
        };
        assert_eq!(
            (&h.error, h.outcome, h.retrier, h.retry, h.catcher),
            (&p.error, p.outcome, p.retrier, p.retry, p.catcher),
            "preview of {}",
            line(h)
        );
        assert_eq!(h.timestamp, p.timestamp, "a preview's time is the decision's");
        if p.jitter_bound_millis.is_none() {
            assert_eq!(h.delay_millis, p.delay_millis);
        }
    }
    taken.iter().map(line).collect()
}

const TASK: &str = r#""Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}"#;

#[test]
fn task_failed_matches_errors_named_states_but_not_timeouts() {
    let definition = format!(
        r#"{{"StartAt": "T", "States": {{"T": {{{TASK}, "Retry": [{{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 1}}], "End": true}}}}}}"#
    );
    let mocks = r#"{"T": [{"Throw": {"Error": "States.Permissions"}}, {"Return": 1}]}"#;
    assert_eq!(decisions(&definition, mocks, "{}"), ["T States.Permissions \u{2192} retry 0#1 after 1000 ms"]);
    let timeout = r#"{"T": [{"Throw": {"Error": "States.Timeout"}}]}"#;
    assert_eq!(decisions(&definition, timeout, "{}"), ["T States.Timeout \u{2192} fail"]);
}

#[test]
fn states_timeout_matches_a_missed_heartbeat_and_heartbeat_timeout_only_that() {
    let retry = |names: &str| {
        format!(
            r#"{{"StartAt": "T", "States": {{"T": {{{TASK}, "HeartbeatSeconds": 5, "TimeoutSeconds": 100, "Retry": [{{"ErrorEquals": [{names}], "MaxAttempts": 1}}], "End": true}}}}}}"#
        )
    };
    let slow = r#"{"T": [{"Return": 1, "DelaySeconds": 10}, {"Return": 2}]}"#;
    assert_eq!(decisions(&retry(r#""States.Timeout""#), slow, "{}"), ["T States.Timeout \u{2192} retry 0#1 after 1000 ms"]);
    assert_eq!(decisions(&retry(r#""States.HeartbeatTimeout""#), slow, "{}"), ["T States.Timeout \u{2192} retry 0#1 after 1000 ms"]);
    let timed_out = r#"{"T": [{"Throw": {"Error": "States.Timeout"}}]}"#;
    assert_eq!(decisions(&retry(r#""States.HeartbeatTimeout""#), timed_out, "{}"), ["T States.Timeout \u{2192} fail"]);
}

#[test]
fn the_delay_is_the_one_waited_capped_and_jittered() {
    let definition = |retrier: &str| format!(r#"{{"StartAt": "T", "States": {{"T": {{{TASK}, "Retry": [{retrier}], "End": true}}}}}}"#);
    let fails = |n: usize| format!("{{\"T\": [{}{{\"Return\": 1}}]}}", "{\"Throw\": {\"Error\": \"E\"}}, ".repeat(n));
    let capped = definition(r#"{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "BackoffRate": 3, "MaxAttempts": 3, "MaxDelaySeconds": 15}"#);
    assert_eq!(
        decisions(&capped, &fails(3), "{}"),
        ["T E \u{2192} retry 0#1 after 10000 ms", "T E \u{2192} retry 0#2 after 15000 ms", "T E \u{2192} retry 0#3 after 15000 ms",]
    );
    // FULL jitter: a seeded draw below IntervalSeconds × BackoffRate^n, which the history's gaps show.
    let jittered = definition(r#"{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "MaxAttempts": 2, "JitterStrategy": "FULL"}"#);
    let mut ex = start(&jittered, &fails(2), "{}");
    ex.run(None);
    let taken = ex.failure_handling(0);
    assert_eq!(taken.iter().map(|h| h.jitter_bound_millis).collect::<Vec<_>>(), [Some(10_000), Some(20_000)]);
    let scheduled: Vec<i64> = ex
        .history()
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e.get("type").and_then(|t| t.as_str()) == Some("TaskScheduled"))
        .map(|e| asl_sim::time::parse_timestamp(e.get("timestamp").unwrap().as_str().unwrap()).unwrap())
        .collect();
    for (h, gap) in taken.iter().zip(scheduled.windows(2).map(|w| w[1] - w[0])) {
        let delay = h.delay_millis.unwrap();
        assert!(delay < h.jitter_bound_millis.unwrap() && delay != 10_000, "a drawn delay: {delay}");
        assert_eq!(gap, delay, "the attempt waits the delay recorded");
    }
    decisions(&jittered, &fails(2), "{}");
}

#[test]
fn an_exhausted_first_match_hands_over_to_catch_not_to_a_later_retrier() {
    let definition = format!(
        r#"{{"StartAt": "T", "States": {{"T": {{{TASK}, "Retry": [{{"ErrorEquals": ["E"], "MaxAttempts": 1}}, {{"ErrorEquals": ["States.ALL"], "MaxAttempts": 3}}],
           "Catch": [{{"ErrorEquals": ["Other"], "Next": "C"}}, {{"ErrorEquals": ["States.ALL"], "Next": "C"}}], "End": true}}, "C": {{"Type": "Succeed"}}}}}}"#
    );
    let mocks = r#"{"T": [{"Throw": {"Error": "E"}}, {"Throw": {"Error": "E"}}, {"Return": 1}]}"#;
    assert_eq!(decisions(&definition, mocks, "{}"), ["T E \u{2192} retry 0#1 after 1000 ms", "T E \u{2192} catch 1"]);
}

#[test]
fn failures_without_a_failure_event_are_handled_too() {
    // A Parallel's Catch sees the branch's error (not States.BranchFailed); the branch's state fails first.
    let parallel = format!(
        r#"{{"StartAt": "P", "States": {{"P": {{"Type": "Parallel", "Branches": [{{"StartAt": "B", "States": {{"B": {{{TASK}, "End": true}}}}}}],
           "Catch": [{{"ErrorEquals": ["Boom"], "Next": "C"}}], "End": true}}, "C": {{"Type": "Succeed"}}}}}}"#
    );
    assert_eq!(decisions(&parallel, r#"{"B": {"Throw": {"Error": "Boom"}}}"#, "{}"), ["B Boom \u{2192} fail", "P Boom \u{2192} catch 0"]);
    // A ResultPath that cannot be applied: TaskSucceeded, then the state fails.
    let result_path = format!(
        r#"{{"StartAt": "T", "States": {{"T": {{{TASK}, "ResultPath": "$.a.b", "Catch": [{{"ErrorEquals": ["States.ALL"], "Next": "C"}}], "End": true}}, "C": {{"Type": "Succeed"}}}}}}"#
    );
    assert_eq!(decisions(&result_path, r#"{"T": {"Return": {"x": 1}}}"#, r#"{"a": 5}"#), ["T States.ResultPathMatchFailure \u{2192} catch 0"]);
    // A JSONata error (EvaluationFailed comes after the decision) and a Map over its tolerance.
    let jsonata = r#"{"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "{% $nothing.x %}"}, "Retry": [{"ErrorEquals": ["States.QueryEvaluationError"], "MaxAttempts": 1}],
        "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"], "Next": "C"}], "End": true}, "C": {"Type": "Succeed"}}}"#;
    assert_eq!(
        decisions(jsonata, "{}", "{}"),
        ["T States.QueryEvaluationError \u{2192} retry 0#1 after 1000 ms", "T States.QueryEvaluationError \u{2192} catch 0"]
    );
    let map = format!(
        r#"{{"StartAt": "M", "States": {{"M": {{"Type": "Map", "ItemsPath": "$.items", "ToleratedFailureCount": 0,
           "ItemProcessor": {{"StartAt": "I", "States": {{"I": {{{TASK}, "End": true}}}}}},
           "Catch": [{{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "Next": "C"}}], "End": true}}, "C": {{"Type": "Succeed"}}}}}}"#
    );
    let mocks = r#"{"I": [{"Throw": {"Error": "E"}}, {"Return": 1}]}"#;
    assert_eq!(decisions(&map, mocks, r#"{"items": [1, 2]}"#), ["I E \u{2192} fail", "M States.ExceedToleratedFailureThreshold \u{2192} catch 0"]);
}

#[test]
fn a_catcher_whose_result_path_fails_fails_the_state() {
    let definition = format!(
        r#"{{"StartAt": "T", "States": {{"T": {{{TASK}, "Catch": [{{"ErrorEquals": ["States.ALL"], "ResultPath": "$.a.b", "Next": "C"}}], "End": true}}, "C": {{"Type": "Succeed"}}}}}}"#
    );
    assert_eq!(
        decisions(&definition, r#"{"T": {"Throw": {"Error": "E"}}}"#, r#"{"a": 5}"#),
        ["T E \u{2192} catch 0", "T States.ResultPathMatchFailure \u{2192} fail"]
    );
}

#[test]
fn stepping_back_replays_the_decisions() {
    let definition = format!(
        r#"{{"StartAt": "T", "States": {{"T": {{{TASK}, "Retry": [{{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2, "JitterStrategy": "FULL"}}], "End": true}}}}}}"#
    );
    let mut ex = start(&definition, r#"{"T": [{"Throw": {"Error": "E"}}, {"Throw": {"Error": "E"}}, {"Return": 1}]}"#, "{}");
    let mut seen = vec![ex.failure_handling(0)];
    while !ex.step().events.is_empty() {
        seen.push(ex.failure_handling(0));
    }
    assert_eq!(seen.last().unwrap().len(), 2);
    for expected in seen.iter().rev().skip(1) {
        ex.step_back();
        assert_eq!(&ex.failure_handling(0), expected, "at event {}", ex.events().len());
    }
}
