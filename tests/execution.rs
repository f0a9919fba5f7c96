//! Execution semantics as AWS applies them: the history event limit (the last event it allows
//! may end the execution), the maximum durations, timers of tasks waiting for an answer,
//! activities started by a worker, history details (credentials, submitted output).

use asl_sim::{ExecutionType, Options, Simulator, Status, Value};

fn run(definition: &str, options: Options) -> asl_sim::Execution {
    let sim = Simulator::new(definition, options).expect("valid");
    let mut ex = sim.start(Value::empty_object()).expect("start");
    ex.run(None);
    ex
}

fn types(ex: &asl_sim::Execution) -> Vec<String> {
    let h = ex.history();
    h.as_array().unwrap().iter().map(|e| e.get("type").and_then(Value::as_str).unwrap().to_string()).collect()
}

const PASS: &str = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#;

#[test]
fn the_last_event_the_limit_allows_may_end_the_execution() {
    let ex = run(PASS, Options { max_events: 4, ..Options::default() });
    assert_eq!(ex.status(), Status::Succeeded);
    assert_eq!(types(&ex), ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]);
}

#[test]
fn any_other_event_at_the_limit_becomes_the_executions_failure() {
    let ex = run(PASS, Options { max_events: 3, ..Options::default() });
    assert_eq!(ex.status(), Status::Failed);
    assert_eq!(types(&ex), ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]);
    assert_eq!(ex.error(), Some("States.Runtime"));
    assert_eq!(ex.cause(), Some("The execution reached the maximum number of history events (3)."));
}

#[test]
fn at_aws_limit_a_loop_of_exactly_25000_events_succeeds_and_one_more_fails() {
    let def = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"i.$":"States.MathAdd($.i,1)"},"Next":"C"},
        "C":{"Type":"Choice","Choices":[{"Variable":"$.i","NumericGreaterThanEquals":6249,"Next":"Done"}],"Default":"P"},"Done":{"Type":"Succeed"}}}"#;
    let sim = Simulator::new(def, Options::default()).unwrap();
    let mut ex = sim.start(asl_sim::json::parse(r#"{"i":0}"#).unwrap()).unwrap();
    ex.run(None);
    assert_eq!((ex.status(), ex.events().len()), (Status::Succeeded, 25_000));
    let mut ex = sim.start(asl_sim::json::parse(r#"{"i":-1}"#).unwrap()).unwrap();
    ex.run(None);
    assert_eq!((ex.status(), ex.events().len()), (Status::Failed, 25_000));
}

#[test]
fn a_standard_execution_times_out_after_a_year_and_an_express_one_after_five_minutes() {
    let wait = |s: u64| format!(r#"{{"StartAt": "W", "States": {{"W": {{"Type": "Wait", "Seconds": {s}, "End": true}}}}}}"#);
    let ex = run(&wait(365 * 86_400), Options::default());
    assert_eq!(ex.status(), Status::Succeeded);
    let ex = run(&wait(365 * 86_400 + 1), Options::default());
    assert_eq!((ex.status(), ex.error()), (Status::TimedOut, Some("States.Timeout")));
    assert_eq!(ex.clock() - ex.start_time(), 365 * 86_400 * 1000);
    let express = || Options { execution_type: ExecutionType::Express, ..Options::default() };
    assert_eq!(run(&wait(300), express()).status(), Status::Succeeded);
    let ex = run(&wait(301), express());
    assert_eq!(ex.status(), Status::TimedOut);
    assert_eq!(ex.clock() - ex.start_time(), 300_000);
}

const CALLBACK: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"}, "TimeoutSeconds": 100, "HeartbeatSeconds": 30, "End": true}}}"#;

#[test]
fn a_waiting_task_pauses_until_the_clock_is_advanced_then_misses_its_heartbeat() {
    let mut ex = run(CALLBACK, Options::default());
    assert_eq!(ex.status(), Status::Paused);
    let r = ex.advance_clock();
    assert_eq!(r.new_events, 1);
    assert_eq!(ex.clock() - ex.start_time(), 30_000);
    ex.run(None);
    assert_eq!((ex.status(), ex.error()), (Status::Failed, Some("States.Timeout")));
    assert_eq!(types(&ex).iter().rev().nth(1).map(String::as_str), Some("TaskTimedOut"));
}

#[test]
fn a_heartbeat_re_arms_the_timer_and_an_answer_before_the_timeout_wins() {
    // Branch B's Wait moves the clock to 20 s; then the execution pauses on A.
    let def = r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
        {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","TimeoutSeconds":100,"HeartbeatSeconds":30,"Parameters":{"QueueUrl":"q","MessageBody.$":"$$.Task.Token"},"End":true}}},
        {"StartAt":"B","States":{"B":{"Type":"Wait","Seconds":20,"End":true}}}],"End":true}}}"#;
    let mut ex = run(def, Options::default());
    assert_eq!((ex.status(), ex.clock() - ex.start_time()), (Status::Paused, 20_000));
    let token = ex.waiting_for()[0].token.clone();
    ex.send_task_heartbeat(&token).unwrap();
    ex.advance_clock();
    assert_eq!(ex.clock() - ex.start_time(), 50_000, "the heartbeat at 20 s expires at 50 s, not 30 s");
    ex.run(None);
    assert_eq!(ex.status(), Status::Failed);
    let mut ex = run(CALLBACK, Options::default());
    let token = ex.waiting_for()[0].token.clone();
    ex.send_task_success(&token, Value::from("ok")).unwrap();
    ex.run(None);
    assert_eq!(ex.status(), Status::Succeeded);
    assert_eq!(ex.advance_clock().new_events, 0, "nothing left to advance to");
}

#[test]
fn other_branches_keep_running_and_pass_a_waiting_tasks_timeout() {
    let def = r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
        {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","TimeoutSeconds":5,"Parameters":{"QueueUrl":"q","MessageBody.$":"$$.Task.Token"},"End":true}}},
        {"StartAt":"B","States":{"B":{"Type":"Wait","Seconds":100,"End":true}}}],"End":true}}}"#;
    let ex = run(def, Options::default());
    assert_eq!((ex.status(), ex.error()), (Status::Failed, Some("States.Timeout")));
    let h = ex.history();
    let timed_out = h.as_array().unwrap().iter().find(|e| e.get("type").and_then(Value::as_str) == Some("TaskTimedOut")).unwrap();
    assert_eq!(timed_out.get("timestamp").and_then(Value::as_str), Some("2024-01-01T00:00:05.000Z"));
}

#[test]
fn the_executions_own_timeout_fires_when_the_clock_is_advanced() {
    let def = r#"{"TimeoutSeconds": 10, "StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"}, "End": true}}}"#;
    let mut ex = run(def, Options::default());
    assert_eq!(ex.status(), Status::Paused);
    ex.advance_clock();
    assert_eq!(ex.status(), Status::TimedOut);
    assert_eq!(ex.clock() - ex.start_time(), 10_000);
    assert_eq!(types(&ex).last().map(String::as_str), Some("ExecutionTimedOut"));
}

#[test]
fn step_back_replays_an_advanced_clock() {
    let mut ex = run(CALLBACK, Options::default());
    ex.advance_clock();
    ex.run(None);
    let n = ex.events().len();
    let full = ex.history().to_json();
    ex.step_back();
    assert_eq!(ex.events().len(), n - 1);
    ex.run(None);
    assert_eq!(ex.history().to_json(), full);
}

#[test]
fn absurd_retry_backoff_ends_at_the_one_year_maximum() {
    let def = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
        "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 99999999, "MaxAttempts": 99999999, "BackoffRate": 1.7976931348623157e308}], "End": true}}}"#;
    let mocks = asl_sim::mocks::Mocks::from_value(&asl_sim::json::parse(r#"{"T": {"Throw": {"Error": "E"}}}"#).unwrap(), None, None).unwrap();
    let ex = run(def, Options { mocks, ..Options::default() });
    assert_eq!(ex.status(), Status::TimedOut);
    assert_eq!(ex.clock() - ex.start_time(), 365 * 86_400 * 1000);
}

const ACTIVITY: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:work",
    "HeartbeatSeconds": 10, "TimeoutSeconds": 100, "End": true}}}"#;

#[test]
fn an_activity_starts_only_when_a_worker_takes_it() {
    let mut ex = run(ACTIVITY, Options::default());
    assert_eq!(types(&ex), ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled"]);
    let token = ex.waiting_for()[0].token.clone();
    ex.send_task_success(&token, Value::from(1i64)).unwrap();
    ex.run(None);
    assert_eq!(types(&ex)[3..], ["ActivityStarted", "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"]);
    let started = ex.history().as_array().unwrap()[3].clone();
    assert_eq!(started.get("activityStartedEventDetails").map(|d| d.to_json()), Some("{}".to_string()), "no worker name given");
    // A heartbeat is a worker too: it starts the activity and re-arms the timer.
    let mut ex = run(ACTIVITY, Options::default());
    let token = ex.waiting_for()[0].token.clone();
    ex.send_task_heartbeat(&token).unwrap();
    ex.run(None);
    assert_eq!(types(&ex).last().map(String::as_str), Some("ActivityStarted"));
    assert_eq!(ex.status(), Status::Paused);
    ex.advance_clock();
    assert_eq!(types(&ex).last().map(String::as_str), Some("ActivityTimedOut"));
    // Stepping back over the answer's second event keeps the answer and ActivityStarted.
    let mut ex = run(ACTIVITY, Options::default());
    let token = ex.waiting_for()[0].token.clone();
    ex.send_task_failure(&token, "Err1", "failed").unwrap();
    ex.step();
    ex.step();
    assert_eq!(types(&ex)[3..], ["ActivityStarted", "ActivityFailed"]);
    let back = ex.step_back();
    assert_eq!(back.event_count, 4, "{:?}", types(&ex));
    // Nobody takes it: it times out without ever starting.
    let mut ex = run(ACTIVITY, Options::default());
    ex.advance_clock();
    ex.run(None);
    assert_eq!(types(&ex)[2..], ["ActivityScheduled", "ActivityTimedOut", "ExecutionFailed"]);
}

fn mocked(definition: &str, mocks: &str, input: &str) -> asl_sim::Execution {
    let mocks = asl_sim::mocks::Mocks::from_value(&asl_sim::json::parse(mocks).unwrap(), None, None).unwrap();
    let sim = Simulator::new(definition, Options { mocks, ..Options::default() }).unwrap();
    let mut ex = sim.start(asl_sim::json::parse(input).unwrap()).unwrap();
    ex.run(None);
    ex
}

fn details(ex: &asl_sim::Execution, event_type: &str, key: &str) -> Option<Value> {
    let h = ex.history();
    let e = h.as_array().unwrap().iter().find(|e| e.get("type").and_then(Value::as_str) == Some(event_type))?.clone();
    e.get(key).cloned()
}

#[test]
fn a_sync_tasks_submitted_output_can_be_mocked() {
    let def = r#"{"StartAt": "G", "States": {"G": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "Parameters": {"JobName": "j"}, "End": true}}}"#;
    let ex = mocked(def, r#"{"G": {"Return": {"JobRunState": "SUCCEEDED"}, "Submitted": {"JobRunId": "jr_1"}}}"#, "{}");
    let d = details(&ex, "TaskSubmitted", "taskSubmittedEventDetails").unwrap();
    assert_eq!(d.get("output").and_then(Value::as_str), Some(r#"{"JobRunId":"jr_1"}"#));
    let ex = mocked(def, r#"{"G": {"Return": {}}}"#, "{}");
    let d = details(&ex, "TaskSubmitted", "taskSubmittedEventDetails").unwrap();
    assert_eq!(d.get("output").and_then(Value::as_str), Some(r#"{"SdkHttpMetadata":{}}"#));
}

#[test]
fn credentials_are_evaluated_and_recorded_and_timeout_only_when_set() {
    let def = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
        "Credentials": {"RoleArn.$": "$.role"}, "End": true}}}"#;
    let ex = mocked(def, r#"{"T": {"Return": 1}}"#, r#"{"role": "arn:aws:iam::111111111111:role/x"}"#);
    let d = details(&ex, "TaskScheduled", "taskScheduledEventDetails").unwrap();
    assert_eq!(d.get("taskCredentials").map(|c| c.to_json()), Some(r#"{"roleArn":"arn:aws:iam::111111111111:role/x"}"#.to_string()));
    assert!(d.get("timeoutInSeconds").is_none(), "no TimeoutSeconds, no timeoutInSeconds (as AWS records)");
    let ex = mocked(def, r#"{"T": {"Return": 1}}"#, "{}");
    assert_eq!((ex.status(), ex.error()), (Status::Failed, Some("States.Runtime")), "a RoleArn.$ path that is missing fails the state");
    let with_timeout = def.replace(r#""End": true"#, r#""TimeoutSeconds": 30, "End": true"#);
    let ex = mocked(&with_timeout, r#"{"T": {"Return": 1}}"#, r#"{"role": "r"}"#);
    let d = details(&ex, "TaskScheduled", "taskScheduledEventDetails").unwrap();
    assert_eq!(d.get("timeoutInSeconds").map(|v| v.to_json()), Some("30".to_string()));
}
