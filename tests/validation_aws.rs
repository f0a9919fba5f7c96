//! AWS's recorded validation answers (`$ASL_SIM_SHARED/conformance/localstack-extra/validation/`):
//! every ValidateStateMachineDefinition response reproduced exactly through `validate --format aws`
//! (the built CLI), and every CreateStateMachine `InvalidDefinition` message as the first error.
//! The data must be there (the suite fails, naming the path, if not).

use std::path::PathBuf;
use std::process::Command;

fn cases_dir() -> PathBuf {
    let shared = match std::env::var_os("ASL_SIM_SHARED") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    };
    let dir = shared.join("conformance/localstack-extra/validation");
    assert!(dir.is_dir(), "the validation cases folder {} is missing (set ASL_SIM_SHARED)", dir.display());
    dir
}

#[test]
fn aws_validation_answers_through_validate_format_aws() {
    let dir = cases_dir();
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "jsonl")).collect();
    files.sort();
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("validation-aws");
    std::fs::create_dir_all(&tmp).unwrap();
    let (mut passed, mut failures) = (0, Vec::new());
    for file in files {
        for (n, line) in std::fs::read_to_string(&file).unwrap().lines().filter(|l| !l.trim().is_empty()).enumerate() {
            let case: serde_json::Value = serde_json::from_str(line).unwrap();
            let id = case["id"].as_str().unwrap_or("?").to_string();
            let text = match &case["definition"] {
                serde_json::Value::String(s) => s.clone(),
                v => serde_json::to_string(v).unwrap(),
            };
            let def = tmp.join(format!("{}-{}.json", file.file_stem().unwrap().to_string_lossy(), n));
            std::fs::write(&def, &text).unwrap();
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_asl-sim"));
            cmd.arg("validate").arg(&def).args(["--format", "aws"]);
            if case["state_machine_type"] == "EXPRESS" {
                cmd.args(["--type", "EXPRESS"]);
            }
            let out = cmd.output().unwrap();
            let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{id}: not JSON: {:?}", out));
            let expected = &case["expected"];
            let ok = if let Some(message) = expected["exception"]["message"].as_str() {
                let d = got["diagnostics"].as_array().and_then(|d| d.iter().find(|d| d["severity"] == "ERROR"));
                let mine = d.map(|d| {
                    format!(
                        "Invalid State Machine Definition: '{}: {} at {}'",
                        d["code"].as_str().unwrap(),
                        d["message"].as_str().unwrap(),
                        d["location"].as_str().unwrap_or("")
                    )
                });
                // The one recording with a masked ARN (`nondeterministic`).
                let mine = mine.map(|m| if message.contains("arn:<partition>:") { m.replace("arn:aws:", "arn:<partition>:") } else { m });
                if mine.as_deref() == Some(message) {
                    true
                } else {
                    failures.push(format!("{id}:\n  want {message}\n  got  {}", mine.unwrap_or_else(|| got.to_string())));
                    false
                }
            } else if &got == expected {
                true
            } else {
                failures.push(format!("{id}:\n  want {expected}\n  got  {got}"));
                false
            };
            passed += ok as usize;
        }
    }
    println!("validation (AWS-recorded): {} passed, {} failed", passed, failures.len());
    assert!(passed + failures.len() >= 22, "too few cases in {}", dir.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
