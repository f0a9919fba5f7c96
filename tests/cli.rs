//! Golden tests of the CLI contract (DESIGN.md "CLI"), through the built binary:
//! one JSON line on stdout and the documented exit codes.

use std::io::Write;
use std::process::Command;

fn asl_sim(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_asl-sim")).args(args).output().expect("run asl-sim");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}

fn file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("asl-sim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::File::create(&path).unwrap().write_all(text.as_bytes()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn run_prints_one_line_and_exits_by_status() {
    let def = file("ok.json", r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"x":1},"End":true}}}"#);
    assert_eq!(
        asl_sim(&["run", &def]),
        (0, r#"{"status":"SUCCEEDED","output":{"x":1},"events":4,"transitions":1,"startTime":"2024-01-01T00:00:00.000Z","stopTime":"2024-01-01T00:00:00.000Z"}"#.into())
    );
    let fail = file("fail.json", r#"{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E","Cause":"c"}}}"#);
    assert_eq!(asl_sim(&["run", &fail]).0, 1);
    let pause = file("pause.json", r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}"#);
    let (code, out) = asl_sim(&["run", &pause]);
    assert_eq!(code, 3);
    assert!(out.contains(r#""status":"PAUSED""#) && out.contains(r#""kind":"mock""#), "{}", out);
}

#[test]
fn a_broken_next_is_reported_at_its_pointer() {
    let def = file("broken.json", "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"Next\": \"Nowhere\"}\n  }\n}");
    let (code, out) = asl_sim(&["validate", &def]);
    assert_eq!(code, 1);
    assert!(
        out.contains(r#""code":"MISSING_TRANSITION_TARGET""#) && out.contains(r#""pointer":"/States/A/Next""#) && out.contains(r#""line":4"#),
        "{}",
        out
    );
    let (code, out) = asl_sim(&["run", &def]);
    assert_eq!(code, 2);
    assert!(out.starts_with(r#"{"status":"INVALID","diagnostics":["#), "{}", out);
}

#[test]
fn eval_tries_a_jsonata_expression() {
    let input = file("in.json", r#"{"items":[1,2,3]}"#);
    assert_eq!(asl_sim(&["eval", "--jsonata", "$sum($states.input.items)", "--input", &input]), (0, r#"{"result":6}"#.into()));
    assert_eq!(asl_sim(&["eval", "--jsonata", "{% $states.input.items[1] %}", "--input", &input]), (0, r#"{"result":2}"#.into()));
    let (code, out) = asl_sim(&["eval", "--jsonata", "$nope"]);
    assert_eq!(code, 1);
    assert!(out.contains("returned nothing (undefined)"), "{}", out);
}

#[test]
fn bad_arguments_exit_2() {
    assert_eq!(asl_sim(&["run"]).0, 2);
    assert_eq!(asl_sim(&["run", "/nonexistent/definition.json"]).0, 2);
    assert_eq!(asl_sim(&["frobnicate"]).0, 2);
}

#[test]
fn run_reads_s3_and_reports_what_the_run_wrote() {
    let def = file(
        "s3.json",
        r#"{"StartAt":"Put","States":{"Put":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:putObject","Parameters":{"Bucket":"b","Key":"out.txt","Body":"hi"},"ResultSelector":{"ETag.$":"$.ETag"},"Next":"Get"},
            "Get":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:getObject","Parameters":{"Bucket":"b","Key":"in.txt"},"OutputPath":"$.Body","End":true}}}"#,
    );
    let s3 = file("s3-contents.json", r#"{"b": {"in.txt": "from the fixture"}}"#);
    let (code, out) = asl_sim(&["run", &def, "--s3", &s3]);
    assert_eq!(code, 0, "{}", out);
    assert!(out.starts_with(r#"{"status":"SUCCEEDED","output":"from the fixture","s3Written":{"b":{"out.txt":"hi"}},"#), "{}", out);
    let bad = file("bad-s3.json", r#"{"b": "not a bucket"}"#);
    let (code, out) = asl_sim(&["run", &def, "--s3", &bad]);
    assert_eq!(code, 2, "{}", out);
}
