//! Bringing your own workflow, through the built CLI: YAML and SAM / CloudFormation templates as
//! DEFINITION (`--resource`), DefinitionSubstitutions (`--sub`, `--substitutions`, unresolved
//! placeholders as warnings), mocks that match nothing, `--auto-mock`, `--version`.

use std::path::PathBuf;
use std::process::Command;

/// Write `files` into a fresh folder and run the CLI there: (exit code, stdout, stderr).
fn cli(name: &str, files: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("source-cli").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    for (f, text) in files {
        std::fs::write(dir.join(f), text).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_asl-sim")).current_dir(&dir).args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

const SAM: &str = "Parameters:
  Env: {Type: String, Default: dev}
Resources:
  Work:
    Type: AWS::Serverless::Function
    Properties: {FunctionName: !Sub 'work-${Env}'}
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: sm.asl.yaml
      DefinitionSubstitutions:
        WorkArn: !GetAtt Work.Arn
";

const SM: &str = "StartAt: Work
States:
  Work:
    Type: Task
    Resource: ${WorkArn}
    TimeoutSeconds: ${Timeout}
    Next: Done
  Done:
    Type: Pass
    Next: Nowhere
";

#[test]
fn a_sam_template_with_a_yaml_definition_uri_points_into_the_yaml() {
    let (code, out, _) = cli("sam", &[("template.yaml", SAM), ("sm.asl.yaml", SM)], &["validate", "template.yaml"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(r#""code":"UNRESOLVED_SUBSTITUTION","message":"The DefinitionSubstitutions placeholder '${Timeout}' has no value"#),
        "{out}"
    );
    assert!(out.contains(r#""pointer":"/States/Done/Next","line":10,"column":11"#), "{out}");
    let (_, out, _) = cli("sam", &[], &["validate", "template.yaml", "--sub", "Timeout=30"]);
    assert!(!out.contains("UNRESOLVED_SUBSTITUTION"), "{out}");
}

#[test]
fn substitutions_apply_before_parsing_and_run() {
    let def = r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":${Wait},"Next":"P"},"P":{"Type":"Pass","Result":"${Name}","End":true}}}"#;
    let (code, out, _) =
        cli("subs", &[("def.json", def), ("subs.yaml", "Wait: 5\nName: hello\n")], &["run", "def.json", "--substitutions", "subs.yaml"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(r#""output":"hello""#) && out.contains(r#""stopTime":"2024-01-01T00:00:05.000Z""#), "{out}");
    let (code, out, _) = cli("subs", &[], &["run", "def.json", "--sub", "Name=x"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(r#""warnings":[{"code":"UNRESOLVED_SUBSTITUTION""#), "{out}");
}

#[test]
fn several_machines_need_resource_and_s3_locations_are_explained() {
    let t = r#"{"Resources":{"A":{"Type":"AWS::StepFunctions::StateMachine","Properties":{"Definition":{"StartAt":"X","States":{"X":{"Type":"Pass","End":true}}}}},
    "B":{"Type":"AWS::StepFunctions::StateMachine","Properties":{"DefinitionS3Location":{"Bucket":"b","Key":"k"}}}}}"#;
    let (code, _, err) = cli("two", &[("t.json", t)], &["validate", "t.json"]);
    assert_eq!((code, err.trim()), (2, "asl-sim: the template has several state machines; pick one with --resource LOGICAL_ID: A, B"));
    assert_eq!(cli("two", &[], &["run", "t.json", "--resource", "A"]).0, 0);
    let (code, _, err) = cli("two", &[], &["validate", "t.json", "--resource", "B"]);
    assert!(code == 2 && err.contains("cannot read offline"), "{err}");
    let (code, _, err) = cli("none", &[("t.yaml", "Resources:\n  T: {Type: AWS::SNS::Topic}\n")], &["validate", "t.yaml"]);
    assert!(code == 2 && err.contains("has no state machine"), "{err}");
}

#[test]
fn yaml_bombs_are_refused_quickly() {
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12u8 {
        let (me, prev) = ((b'a' + i) as char, (b'a' + i - 1) as char);
        bomb.push_str(&format!("{me}: &{me} [{}]\n", vec![format!("*{prev}"); 10].join(", ")));
    }
    let (code, _, err) = cli("bomb", &[("bomb.yaml", &bomb)], &["validate", "bomb.yaml"]);
    assert!(code == 2 && err.contains("expand to more than"), "{err}");
}

#[test]
fn mocks_that_match_nothing_warn_and_auto_mock_answers_the_rest() {
    let def = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"OutputPath":"$.Payload","End":true}}}"#;
    let mocks = r#"{"Typo":{"Return":1}}"#;
    let (code, out, _) = cli("mocks", &[("def.json", def), ("mocks.json", mocks)], &["run", "def.json", "--mocks", "mocks.json", "--auto-mock"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(r#""output":{}"#), "{out}");
    assert!(out.contains("the mocks name a state 'Typo', which the definition does not have"), "{out}");
    assert!(out.contains(r#""code":"AUTO_MOCKED""#), "{out}");
    let (code, out, _) = cli("mocks", &[], &["validate", "def.json", "--mocks", "mocks.json"]);
    assert!(code == 0 && out.contains(r#""code":"MOCK_MATCHES_NOTHING""#), "{out}");
}

#[test]
fn version_and_several_test_cases() {
    let (code, out, _) = cli("version", &[], &["--version"]);
    assert_eq!((code, out.trim()), (0, concat!("asl-sim ", env!("CARGO_PKG_VERSION"))));
    let def = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}"#;
    let mocks = r#"{"StateMachines":{"M":{"TestCases":{"One":{},"Two":{}}}},"MockedResponses":{}}"#;
    let (code, _, err) = cli("cases", &[("def.json", def), ("mocks.json", mocks)], &["run", "def.json", "--mocks", "mocks.json"]);
    assert!(code == 2 && err.contains("pick one with --test-case NAME") && err.contains("One, Two"), "{err}");
}
