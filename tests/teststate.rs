//! `asl-sim test-state` through the built binary (one line, exit 0 or exit 2 for an
//! exception), and TestState's rules that the AWS recordings show, one request each.

use std::io::Write;
use std::process::Command;

fn test_state(request: &str) -> (i32, String) {
    let dir = std::env::temp_dir().join(format!("asl-sim-teststate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("request-{:x}.json", request.len() * 31 + request.bytes().map(u64::from).sum::<u64>() as usize));
    std::fs::File::create(&path).unwrap().write_all(request.as_bytes()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_asl-sim")).args(["test-state", &path.to_string_lossy()]).output().expect("run asl-sim");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}

/// The response through the library, for the rules below.
fn answer(request: &str) -> String {
    let v = asl_sim::json::parse(request).unwrap();
    asl_sim::teststate::response_or_exception(&v).0.to_json()
}

#[test]
fn a_pass_state_answers_on_one_line_with_exit_0() {
    let (code, out) = test_state(r#"{"definition": "{\"Type\": \"Pass\", \"Result\": {\"x\": 1}, \"Next\": \"After\"}", "input": "{}"}"#);
    assert_eq!((code, out.as_str()), (0, r#"{"status":"SUCCEEDED","output":"{\"x\":1}","nextState":"After"}"#));
}

#[test]
fn a_rejected_request_prints_the_exception_with_exit_2() {
    let (code, out) = test_state(r#"{"definition": {"Type": "Pass", "End": true}, "mock": {"result": "{}"}}"#);
    assert_eq!(code, 2);
    assert_eq!(out, r#"{"exception":{"code":"ValidationException","message":"State type 'Pass' is not supported when a mock is specified"}}"#);
}

#[test]
fn debug_shows_the_stages_aws_shows_for_a_pass_state() {
    let out = answer(
        r#"{"definition": {"Type": "Pass", "InputPath": "$.a", "ResultPath": "$.b", "End": true}, "input": "{\"a\": {\"x\": 1}}", "inspectionLevel": "DEBUG"}"#,
    );
    assert_eq!(
        out,
        r#"{"status":"SUCCEEDED","output":"{\"a\":{\"x\":1},\"b\":{\"x\":1}}","inspectionData":{"input":"{\"a\": {\"x\": 1}}","afterParameters":"{\"x\":1}","afterInputPath":"{\"x\":1}","afterResultSelector":"{\"x\":1}","afterResultPath":"{\"a\":{\"x\":1},\"b\":{\"x\":1}}"}}"#
    );
}

#[test]
fn a_mocked_result_the_state_does_not_reshape_comes_back_verbatim() {
    let out = answer(
        r#"{"definition": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}, "mock": {"result": "[1, 4, 9]", "fieldValidationMode": "NONE"}}"#,
    );
    assert_eq!(out, r#"{"status":"SUCCEEDED","output":"[1, 4, 9]"}"#);
}

#[test]
fn a_retrier_with_attempts_left_is_retriable_with_its_backoff() {
    let def = r#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 1, "MaxAttempts": 5, "BackoffRate": 2.0}], "End": true}"#;
    let req = |n: u32| {
        format!(
            r#"{{"definition": {def}, "inspectionLevel": "DEBUG", "mock": {{"errorOutput": {{"error": "E", "cause": "c"}}}}, "stateConfiguration": {{"retrierRetryCount": {n}}}}}"#
        )
    };
    let retriable = answer(&req(4));
    assert!(retriable.starts_with(r#"{"status":"RETRIABLE","error":"E","cause":"c""#), "{retriable}");
    assert!(retriable.contains(r#""errorDetails":{"retryIndex":0,"retryBackoffIntervalSeconds":16}"#), "{retriable}");
    let failed = answer(&req(5));
    assert!(failed.starts_with(r#"{"status":"FAILED","error":"E","cause":"c""#) && failed.contains(r#""errorDetails":{"retryIndex":0}"#), "{failed}");
}

#[test]
fn a_caught_error_names_the_catcher_and_its_next_state() {
    let out = answer(
        r#"{"definition": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Catch": [{"ErrorEquals": ["X"], "Next": "A"}, {"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "B"}], "End": true}, "input": "{}", "inspectionLevel": "DEBUG", "mock": {"errorOutput": {"error": "E", "cause": "c"}}}"#,
    );
    assert!(
        out.starts_with(r#"{"status":"CAUGHT_ERROR","output":"{\"err\":{\"Error\":\"E\",\"Cause\":\"c\"}}","error":"E","cause":"c","nextState":"B""#),
        "{out}"
    );
    assert!(out.contains(r#""errorDetails":{"catchIndex":1}"#), "{out}");
}

#[test]
fn a_state_of_a_whole_machine_sees_the_given_variables_and_context() {
    let machine = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"v.$": "$v", "id.$": "$$.Execution.Id"}, "End": true}}}"#;
    let out = answer(&format!(
        r#"{{"definition": {machine}, "stateName": "A", "variables": "{{\"v\": 7}}", "context": "{{\"Execution\": {{\"Id\": \"my-id\"}}}}"}}"#
    ));
    assert_eq!(out, r#"{"status":"SUCCEEDED","output":"{\"v\":7,\"id\":\"my-id\"}"}"#);
    assert_eq!(
        answer(&format!(r#"{{"definition": {machine}, "stateName": "B"}}"#)),
        r#"{"exception":{"code":"ValidationException","message":"State not found in definition"}}"#
    );
}

#[test]
fn a_map_over_its_tolerance_fails_only_when_it_declares_one() {
    let map = |tolerance: &str| {
        format!(
            r#"{{"definition": {{"Type": "Map", {tolerance} "ItemProcessor": {{"StartAt": "P", "States": {{"P": {{"Type": "Pass", "End": true}}}}}}, "End": true}}, "input": "[1, 2, 3]", "mock": {{"result": "[1, 2, 3]"}}, "stateConfiguration": {{"mapIterationFailureCount": 2}}}}"#
        )
    };
    assert_eq!(answer(&map("")), r#"{"status":"SUCCEEDED","output":"[1, 2, 3]"}"#);
    assert_eq!(
        answer(&map(r#""ToleratedFailureCount": 1,"#)),
        r#"{"status":"FAILED","error":"States.ExceedToleratedFailureThreshold","cause":"The specified tolerated failure threshold was exceeded"}"#
    );
}

#[test]
fn trace_without_reveal_secrets_is_valid_and_reveal_secrets_with_a_mock_is_not() {
    assert!(answer(r#"{"definition": {"Type": "Succeed"}, "inspectionLevel": "TRACE"}"#).starts_with(r#"{"status":"SUCCEEDED""#));
    assert_eq!(
        answer(
            r#"{"definition": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}, "revealSecrets": true, "mock": {"result": "{}"}}"#
        ),
        r#"{"exception":{"code":"ValidationException","message":"TestState does not support RevealSecrets when a mock is specified."}}"#
    );
}

#[test]
fn strict_validation_checks_the_service_shape_and_present_only_the_fields_given() {
    let req = |result: &str, mode: &str| {
        format!(
            r#"{{"definition": {{"Type": "Task", "Resource": "arn:aws:states:::states:startExecution", "End": true}}, "mock": {{"result": "{result}", "fieldValidationMode": "{mode}"}}}}"#
        )
    };
    let missing =
        r#"{"exception":{"code":"ValidationException","message":"Mock result schema validation error: Required field 'ExecutionArn' is missing"}}"#;
    assert_eq!(answer(&req("{}", "STRICT")), missing);
    assert!(answer(&req("{}", "PRESENT")).starts_with(r#"{"status":"SUCCEEDED""#));
    assert_eq!(
        answer(&req(r#"{\"StartDate\": true}"#, "PRESENT")),
        r#"{"exception":{"code":"ValidationException","message":"Mock result schema validation error: Field 'StartDate' must be a string"}}"#
    );
    assert!(answer(&req(r#"{\"StartDate\": true}"#, "NONE")).starts_with(r#"{"status":"SUCCEEDED""#));
}

#[test]
fn a_task_without_a_mock_is_refused_since_no_service_is_called() {
    let task = r#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}"#;
    assert_eq!(
        answer(&format!(r#"{{"definition": {task}}}"#)),
        r#"{"exception":{"code":"ValidationException","message":"RoleArn must be specified when testing a Task state"}}"#
    );
    assert!(answer(&format!(r#"{{"definition": {task}, "roleArn": "arn:aws:iam::1:role/r"}}"#)).contains(r#""code":"MockRequired""#));
}

#[test]
fn a_wait_state_shows_its_input_path_and_goes_on_to_its_next_state() {
    assert_eq!(
        answer(
            r#"{"definition": {"Type": "Wait", "Seconds": 5, "InputPath": "$.a", "Next": "X"}, "input": "{\"a\": 1}", "inspectionLevel": "DEBUG"}"#
        ),
        r#"{"status":"SUCCEEDED","output":"1","nextState":"X","inspectionData":{"input":"{\"a\": 1}","afterInputPath":"1"}}"#
    );
}
