//! `asl-sim test DEFINITION --mocks MOCKCONFIG` through the built binary (DESIGN.md, "More
//! contracts"): a line per test case and the summary, exit codes, expectations, JUnit,
//! coverage, failure injection, bad input, and `conformance` beside the old spelling.

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

/// Exit code, stdout and stderr.
fn asl_sim(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_asl-sim")).args(args).output().expect("run asl-sim");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("asl-sim-user-tests-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn file(name: &str, text: &str) -> String {
    let path = dir().join(name);
    std::fs::File::create(&path).unwrap().write_all(text.as_bytes()).unwrap();
    path.to_string_lossy().into_owned()
}

fn shared(rel: &str) -> String {
    let root = std::env::var("ASL_SIM_SHARED").unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared").to_string());
    let p = PathBuf::from(root).join(rel);
    assert!(p.exists(), "shared data missing: {} (set ASL_SIM_SHARED)", p.display());
    p.to_string_lossy().into_owned()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({}): {}", e, text))
}

const SAMPLE: &str = "realworld/cases/ase-local-testing-mock-config";
const SAMPLE_EXPECT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/testing/ase-local-testing-mock-config.expect.json");

#[test]
fn the_aws_sample_passes_its_own_expectations_with_full_state_coverage() {
    let cov = dir().join("sample-coverage.json").to_string_lossy().into_owned();
    let junit = dir().join("sample-junit.xml").to_string_lossy().into_owned();
    let (def, mocks) = (shared(&format!("{}/def.json", SAMPLE)), shared(&format!("{}/mocks.json", SAMPLE)));
    let (code, out, err) = asl_sim(&["test", &def, "--mocks", &mocks, "--expect", SAMPLE_EXPECT, "--coverage", &cov, "--junit", &junit]);
    assert_eq!(code, 0, "{}{}", out, err);
    for case in
        ["HappyPathTest", "NegativeSentimentTest", "CustomValidationFailedCatchTest", "ValidationExceptionCatchTest", "RetryOnServiceExceptionTest"]
    {
        assert!(out.lines().any(|l| l == format!("PASS {}", case)), "{}", out);
    }
    assert_eq!(out.lines().last(), Some("5 passed, 0 failed"));
    assert!(out.contains("coverage: 10/10 states, 7/7 transitions, 2/3 retriers"), "{}", out);
    let c = json(&std::fs::read_to_string(&cov).unwrap());
    assert_eq!(c["states"], json(r#"{"total":10,"covered":10,"missed":[]}"#));
    assert_eq!(c["transitions"], json(r#"{"total":7,"covered":7,"missed":[]}"#));
    // Check Address only ever throws CustomAddressValidationError, which its retrier does not name.
    assert_eq!(c["retriers"]["missed"][0]["state"], "Check Address");
    let x = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(x.matches("<testcase ").count(), 5);
    assert!(!x.contains("<failure"), "{}", x);
}

const LOOP: &str = r#"{"StartAt":"Count","States":{
  "Count":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","OutputPath":"$.Payload","Next":"Check",
           "Retry":[{"ErrorEquals":["Busy"],"IntervalSeconds":1,"MaxAttempts":2},{"ErrorEquals":["States.ALL"],"MaxAttempts":1}],
           "Catch":[{"ErrorEquals":["Fatal"],"Next":"Check"},{"ErrorEquals":["States.ALL"],"Next":"Broken"}]},
  "Check":{"Type":"Choice","Choices":[
           {"Variable":"$.n","IsPresent":false,"Next":"Done"},
           {"Variable":"$.n","NumericGreaterThan":5,"Next":"Done"},
           {"Variable":"$.n","NumericEquals":3,"Next":"Done"},
           {"Variable":"$.again","BooleanEquals":true,"Next":"Count"}],"Default":"Done"},
  "Broken":{"Type":"Fail","Error":"Broken"},
  "Done":{"Type":"Succeed"}}}"#;

const LOOP_MOCKS: &str = r#"{"StateMachines":{"Loop":{"TestCases":{
   "Twice":{"Count":"AgainThenThree"},
   "Busy":{"Count":"BusyThenSeven"},
   "Fatal":{"Count":"Fatal"},
   "NoMock":{}}}},
 "MockedResponses":{
   "AgainThenThree":{"0":{"Return":{"Payload":{"n":1,"again":true}}},"1":{"Return":{"Payload":{"n":3}}}},
   "BusyThenSeven":{"0":{"Throw":{"Error":"Busy"}},"1":{"Return":{"Payload":{"n":7}}}},
   "Fatal":{"0-1":{"Throw":{"Error":"Fatal","Cause":"no"}}}}}"#;

#[test]
fn choice_rules_catchers_and_retriers_are_covered_as_the_engine_took_them() {
    let (def, mocks) = (file("loop.json", LOOP), file("loop-mocks.json", LOOP_MOCKS));
    let cov = dir().join("loop-coverage.json").to_string_lossy().into_owned();
    let (code, out, _) = asl_sim(&["test", &def, "--mocks", &mocks, "--coverage", &cov]);
    // NoMock pauses at Count: it did not end, so it fails.
    assert_eq!(code, 1, "{}", out);
    assert!(out.lines().any(|l| l.starts_with("FAIL NoMock: did not end: PAUSED waiting for Count (mock)")), "{}", out);
    assert!(["PASS Twice", "PASS Busy", "PASS Fatal"].iter().all(|p| out.lines().any(|l| l == *p)), "{}", out);
    assert_eq!(out.lines().last(), Some("3 passed, 1 failed"));
    let c = json(&std::fs::read_to_string(&cov).unwrap());
    // Three Choice rules and the Default lead to Done: which one matched comes from the engine.
    let missed: Vec<String> =
        c["transitions"]["missed"].as_array().unwrap().iter().map(|m| format!("{}-{}->{}", m["from"], m["via"], m["to"])).collect();
    assert_eq!(missed, vec![r#""Count"-"Catch[1]"->"Broken""#, r#""Check"-"Default"->"Done""#]);
    assert_eq!(c["states"]["missed"], json(r#"["Broken"]"#));
    let counts = &c["counts"]["transitions"];
    let count = |via: &str| counts.as_array().unwrap().iter().find(|t| t["from"] == "Count" && t["via"] == via).unwrap()["count"].clone();
    // Fatal is caught by Catch[0] (to Check, like Next): told apart by the failure before the exit.
    assert_eq!((count("Next"), count("Catch[0]")), (json("3"), json("1")));
    assert_eq!(c["retriers"], json(r#"{"total":2,"covered":2,"missed":[]}"#));
}

#[test]
fn a_failing_expectation_is_a_failing_case_in_the_output_and_the_junit_report() {
    let (def, mocks) = (file("loop2.json", LOOP), file("loop2-mocks.json", LOOP_MOCKS));
    let expect = file(
        "loop2-expect.json",
        r#"{"Twice":{"status":"SUCCEEDED","path":["Count","Check","Count","Check","Done"],"output":{"n":3}},
            "Fatal":{"status":"FAILED","error":"Fatal","path":["Count","Broken"]},
            "NoMock":{"status":"PAUSED"}}"#,
    );
    let junit = dir().join("loop2.xml").to_string_lossy().into_owned();
    let (code, out, _) = asl_sim(&["test", &def, "--mocks", &mocks, "--expect", &expect, "--junit", &junit]);
    assert_eq!(code, 1, "{}", out);
    assert!(out.lines().any(|l| l == "PASS Twice") && out.lines().any(|l| l == "PASS NoMock"), "{}", out);
    let fatal = out.lines().find(|l| l.starts_with("FAIL Fatal: ")).unwrap_or_else(|| panic!("{}", out));
    assert!(fatal.contains("status SUCCEEDED, expected FAILED") && fatal.contains("error none, expected \"Fatal\""), "{}", fatal);
    assert!(fatal.contains("path [Count, Check, Done], expected [Count, Broken] (first difference at step 2)"), "{}", fatal);
    assert_eq!(out.lines().last(), Some("3 passed, 1 failed"));
    let x = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(x.matches("<testcase ").count(), 4);
    assert_eq!(x.matches("<failure ").count(), 1);
    assert!(x.contains(r#"<testcase name="Fatal" classname="Loop">"#), "{}", x);
}

#[test]
fn injected_errors_say_where_they_are_handled() {
    let (def, mocks) = (file("loop3.json", LOOP), file("loop3-mocks.json", LOOP_MOCKS));
    let (_, out, _) = asl_sim(&["test", &def, "--mocks", &mocks, "--inject-errors"]);
    let line = |start: &str| out.lines().find(|l| l.starts_with(start)).unwrap_or_else(|| panic!("no {} in {}", start, out)).to_string();
    assert_eq!(
        line("PASS Count throws Busy"),
        "PASS Count throws Busy (on Twice): retried by Count.Retry[0] ×2, caught by Count.Catch[1] → Broken; FAILED (Broken)"
    );
    assert_eq!(
        line("PASS Count throws Fatal"),
        "PASS Count throws Fatal (on Twice): retried by Count.Retry[1] ×1, caught by Count.Catch[0] → Check; SUCCEEDED"
    );
    assert!(line("PASS Count throws States.TaskFailed").contains("caught by Count.Catch[1] → Broken"), "{}", out);
}

#[test]
fn bad_input_exits_2_with_a_clear_message_and_writes_nothing() {
    let (def, mocks) = (file("loop4.json", LOOP), file("loop4-mocks.json", LOOP_MOCKS));
    let unknown = file("unknown-expect.json", r#"{"Twice":{},"Thrice":{"status":"SUCCEEDED"}}"#);
    let (code, out, err) = asl_sim(&["test", &def, "--mocks", &mocks, "--expect", &unknown]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("test case 'Thrice', which the MockConfigFile does not have"), "{}", err);
    let typo = file("typo-expect.json", r#"{"Twice":{"stauts":"SUCCEEDED"}}"#);
    let (code, _, err) = asl_sim(&["test", &def, "--mocks", &mocks, "--expect", &typo]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown key \"stauts\""), "{}", err);
    let (code, _, err) = asl_sim(&["test", &def, "--mocks", &mocks, "--state-machine", "Other"]);
    assert_eq!(code, 2);
    assert!(err.contains("no state machine 'Other' (it has: Loop)"), "{}", err);
    let inline = file("inline-mocks.json", r#"{"Count":{"Return":{}}}"#);
    let (code, _, err) = asl_sim(&["test", &def, "--mocks", &inline]);
    assert_eq!(code, 2);
    assert!(err.contains("not a MockConfigFile"), "{}", err);
    let nowhere = dir().join("no-such-folder").join("junit.xml");
    let (code, out, err) = asl_sim(&["test", &def, "--mocks", &mocks, "--junit", &nowhere.to_string_lossy()]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("cannot write the JUnit report"), "{}", err);
    assert!(!nowhere.parent().unwrap().exists());
    let folder = dir().to_string_lossy().into_owned();
    let (code, _, err) = asl_sim(&["test", &def, "--mocks", &mocks, "--coverage", &folder]);
    assert_eq!(code, 2);
    assert!(err.contains("it is a folder"), "{}", err);
    let (code, _, err) = asl_sim(&["test", &def]);
    assert_eq!(code, 2);
    assert!(err.contains("needs --mocks"), "{}", err);
}

#[test]
fn a_case_without_expectations_needs_its_responses_to_exist() {
    let def = file("one.json", r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}"#);
    let mocks = file(
        "one-mocks.json",
        r#"{"StateMachines":{"M":{"TestCases":{"Ok":{"T":"R"},"Missing":{"T":"Nope"},"Typo":{"T":"R","X":"R"}}}},
            "MockedResponses":{"R":{"0":{"Return":{"Payload":1}}}}}"#,
    );
    let (code, out, _) = asl_sim(&["test", &def, "--mocks", &mocks]);
    assert_eq!(code, 1);
    assert!(out.lines().any(|l| l == "PASS Ok"), "{}", out);
    assert!(out.lines().any(|l| l.starts_with("FAIL Missing: mocks: state 'T' uses mocked response 'Nope'")), "{}", out);
    assert!(out.lines().any(|l| l == "PASS Typo: warning: the test case mocks 'X', which names no state of the machine"), "{}", out);
    assert_eq!(out.lines().last(), Some("2 passed, 1 failed"));
}

#[test]
fn nested_states_are_covered_at_every_level() {
    let def = file(
        "nested.json",
        r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
             {"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","End":true,"ItemProcessor":{"StartAt":"Inner","States":{
                 "Inner":{"Type":"Choice","Choices":[{"Variable":"$","NumericGreaterThan":1,"Next":"Big"}],"Default":"Small"},
                 "Big":{"Type":"Pass","End":true},"Small":{"Type":"Pass","End":true}}}}}},
             {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"X"},"X":{"Type":"Pass","End":true}}}]}}}"#,
    );
    let mocks = file("nested-mocks.json", r#"{"StateMachines":{"N":{"TestCases":{"Small":{}}}},"MockedResponses":{}}"#);
    let cov = dir().join("nested-coverage.json").to_string_lossy().into_owned();
    let (code, out, _) = asl_sim(&["test", &def, "--mocks", &mocks, "--input-json", r#"{"items":[0,1]}"#, "--coverage", &cov]);
    assert_eq!(code, 0, "{}", out);
    let c = json(&std::fs::read_to_string(&cov).unwrap());
    assert_eq!(c["states"]["missed"], json(r#"["Big"]"#));
    assert_eq!(c["transitions"]["missed"], json(r#"[{"from":"Inner","to":"Big","via":"Choices[0]"}]"#));
    assert_eq!(c["counts"]["states"]["Small"], 2);
    assert!(out.contains("      Inner "), "indented by nesting: {}", out);
}

#[test]
fn conformance_is_the_conformance_runner_under_both_spellings() {
    let cases = file(
        "cases.jsonl",
        concat!(
            r#"{"id":"pass-1","definition":{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},"input":{"a":1},"expected":{"status":"SUCCEEDED","output":{"a":1}}}"#,
            "\n",
            r#"{"id":"fail-1","definition":{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},"input":{},"expected":{"status":"FAILED"}}"#,
            "\n"
        ),
    );
    let ignore = file("ignore.txt", "fail-1 # expected to fail: a test of the runner\n");
    for command in ["conformance", "test"] {
        let (code, out, err) = asl_sim(&[command, &cases, "--ignore", &ignore]);
        assert_eq!(code, 0, "{}{}", out, err);
        assert_eq!(out.lines().last(), Some("1 passed, 0 failed, 1 skipped"), "{}", out);
    }
    let (code, out, _) = asl_sim(&["conformance", &cases]);
    assert_eq!(code, 1);
    assert!(out.contains("FAIL fail-1"), "{}", out);
}

#[test]
fn the_readme_example_prints_what_the_readme_shows() {
    let at = |f: &str| format!("{}/tests/fixtures/testing/{}", env!("CARGO_MANIFEST_DIR"), f);
    let cov = dir().join("order-coverage.json").to_string_lossy().into_owned();
    let (code, out, _) =
        asl_sim(&["test", &at("order.json"), "--mocks", &at("order.mocks.json"), "--expect", &at("order.expect.json"), "--coverage", &cov]);
    assert_eq!(code, 0, "{}", out);
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let shown = readme.split("--coverage coverage.json\n").nth(1).and_then(|s| s.split("```").next()).expect("the README's console block");
    assert_eq!(out, shown);
    let (_, out, _) = asl_sim(&["test", &at("order.json"), "--mocks", &at("order.mocks.json"), "--inject-errors"]);
    assert!(
        out.contains("PASS Charge throws CardDeclined (on SmallOrder): caught by Charge.Catch[0] → Declined; FAILED (OrderDeclined)\n"),
        "{}",
        out
    );
}

#[test]
fn retries_and_catches_of_a_parallel_are_credited_by_the_error_its_branch_failed_with() {
    let at = |f: &str| format!("{}/tests/fixtures/testing/{}", env!("CARGO_MANIFEST_DIR"), f);
    let cov = dir().join("nested-retries-coverage.json").to_string_lossy().into_owned();
    let (code, out, _) = asl_sim(&["test", &at("nested-retries.json"), "--mocks", &at("nested-retries.mocks.json"), "--coverage", &cov]);
    assert_eq!(code, 0, "{}", out);
    let c = json(&std::fs::read_to_string(&cov).unwrap());
    // OuterTwice: P's Retry[0] twice; Other: P's Retry[1] once, then Catch[1]; InnerOnce: the inner Q's retrier.
    assert_eq!(
        c["counts"]["retriers"],
        json(r#"[{"state":"P","index":0,"count":2},{"state":"P","index":1,"count":1},{"state":"Q","index":0,"count":1}]"#)
    );
    let catches: Vec<i64> = c["counts"]["transitions"].as_array().unwrap().iter().map(|t| t["count"].as_i64().unwrap()).collect();
    assert_eq!(catches, vec![2, 0, 1, 0], "Next, Catch[0] (Inner), Catch[1] (Other), Catch[2] (States.ALL)");
}

/// `--s3` gives every test case the same in-memory S3 to start from: a distributed Map
/// reads its items there and its ResultWriter writes there.
#[test]
fn test_cases_read_the_in_memory_s3_each_from_its_own_copy() {
    let def = file(
        "s3-machine.json",
        r#"{"StartAt": "Each", "States": {"Each": {"Type": "Map",
            "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSONL"},
                           "Parameters": {"Bucket": "in", "Key": "items.jsonl"}},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                              "StartAt": "Double", "States": {"Double": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                "Parameters": {"Payload.$": "$"}, "OutputPath": "$.Payload", "End": true}}},
            "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "out", "Prefix": "runs"}},
            "End": true}}}"#,
    );
    let mocks = file(
        "s3-mocks.json",
        r#"{"StateMachines": {"M": {"TestCases": {"First": {"Double": "Two"}, "Second": {"Double": "Two"}}}},
            "MockedResponses": {"Two": {"0-9": {"Return": {"StatusCode": 200, "Payload": {"n": 2}}}}}}"#,
    );
    let s3 = file("s3.json", r#"{"in": {"items.jsonl": "{\"n\":1}\n{\"n\":2}\n"}, "out": {}}"#);
    let expect = file("s3-expect.json", r#"{"First": {"status": "SUCCEEDED"}, "Second": {"status": "SUCCEEDED"}}"#);
    let (code, out, err) = asl_sim(&["test", &def, "--mocks", &mocks, "--s3", &s3, "--expect", &expect]);
    assert_eq!(code, 0, "{}{}", out, err);
    assert_eq!(out.lines().last(), Some("2 passed, 0 failed"), "{}", out);
    // Without the objects the reader fails, as AWS's does.
    let empty = file("s3-empty.json", r#"{"out": {}}"#);
    let (code, out, _) = asl_sim(&["test", &def, "--mocks", &mocks, "--s3", &empty, "--expect", &expect]);
    assert_eq!(code, 1, "{}", out);
    assert_eq!(out.lines().last(), Some("0 passed, 2 failed"), "{}", out);
}

/// `test` reads the definition as `run` does: here a SAM template in YAML whose
/// `${Wanted}` is left to `--sub` (inside a string, as CloudFormation substitutes it).
#[test]
fn test_reads_templates_and_takes_substitutions() {
    let template = file(
        "template.yaml",
        r#"Resources:
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Check
        States:
          Check:
            Type: Choice
            Choices:
              - Variable: $.kind
                StringEquals: ${Wanted}
                Next: Wanted
            Default: Other
          Wanted: {Type: Succeed}
          Other: {Type: Fail, Error: NotWanted}
"#,
    );
    let mocks = file("template-mocks.json", r#"{"StateMachines": {"Flow": {"TestCases": {"Big": {}}}}, "MockedResponses": {}}"#);
    let expect = file("template-expect.json", r#"{"Big": {"status": "SUCCEEDED", "path": ["Check", "Wanted"]}}"#);
    let args = ["test", &template, "--mocks", &mocks, "--expect", &expect, "--input-json", r#"{"kind": "big"}"#];
    let (code, out, err) = asl_sim(&[&args[..], &["--sub", "Wanted=big"]].concat());
    assert_eq!(code, 0, "{}{}", out, err);
    let (code, out, _) = asl_sim(&[&args[..], &["--sub", "Wanted=small"]].concat());
    assert_eq!(code, 1, "{}", out);
    assert!(out.contains("FAIL Big"), "{}", out);
}
