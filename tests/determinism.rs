//! The golden runs in `tests/golden/` against the CLI binary as built for this
//! test (the debug profile), byte for byte. `tests/web.rs` holds the wasm build
//! to the same files, so native and wasm histories are proven identical.
//! After an intended change to the history: `scripts/regen-golden.sh`.
//!
//! A case is `NAME.asl.json`, with `NAME.input.json`, `NAME.mocks.json` and
//! `NAME.args` (extra CLI flags on one line, e.g. `--seed 7`) when present, and
//! its expected stdout `NAME.run.json`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Every case name: the `NAME` of each `NAME.asl.json`.
fn case_names() -> BTreeSet<String> {
    std::fs::read_dir(golden_dir())
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().to_str().and_then(|n| n.strip_suffix(".asl.json")).map(String::from))
        .collect()
}

/// Run one case through the CLI; `Err` says how it differs.
fn golden(name: &str) -> Result<(), String> {
    let dir = golden_dir();
    let file = |suffix: &str| dir.join(format!("{name}.{suffix}"));
    let mut command = Command::new(env!("CARGO_BIN_EXE_asl-sim"));
    command.arg("run").arg(file("asl.json")).arg("--history");
    for (flag, suffix) in [("--input", "input.json"), ("--mocks", "mocks.json")] {
        if file(suffix).exists() {
            command.arg(flag).arg(file(suffix));
        }
    }
    if let Ok(args) = std::fs::read_to_string(file("args")) {
        command.args(args.split_whitespace());
    }
    let out = command.output().expect("run the asl-sim binary");
    if out.status.code() == Some(2) {
        return Err(format!("{name}: asl-sim failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let expected = std::fs::read_to_string(file("run.json")).map_err(|_| format!("{name}: no golden run (scripts/regen-golden.sh)"))?;
    let actual = String::from_utf8(out.stdout).unwrap();
    if actual != expected {
        return Err(format!("{name}: the CLI's run differs from tests/golden/{name}.run.json; if intended, run scripts/regen-golden.sh\n{actual}"));
    }
    Ok(())
}

#[test]
fn every_golden_run_matches_the_cli_byte_for_byte() {
    let names = case_names();
    assert!(names.len() >= 8, "expected the golden cases in {}, found {names:?}", golden_dir().display());
    let failures: Vec<String> = names.iter().filter_map(|n| golden(n).err()).collect();
    assert!(failures.is_empty(), "{} of {} golden runs differ:\n{}", failures.len(), names.len(), failures.join("\n"));
}

/// `tests/web.rs` reaches the cases through the generated `tests/golden/index.rs`
/// (wasm tests cannot list a folder): it must name exactly the cases on disk.
#[test]
fn the_wasm_index_lists_every_golden_case() {
    let index = std::fs::read_to_string(golden_dir().join("index.rs")).expect("tests/golden/index.rs (scripts/regen-golden.sh)");
    let listed: BTreeSet<String> =
        index.lines().filter_map(|l| l.trim().strip_prefix("name: \"").and_then(|l| l.strip_suffix("\",")).map(String::from)).collect();
    assert_eq!(listed, case_names(), "tests/golden/index.rs is stale: run scripts/regen-golden.sh");
    for name in case_names() {
        for suffix in ["input.json", "mocks.json", "args"] {
            let on_disk = golden_dir().join(format!("{name}.{suffix}")).exists();
            let included = index.contains(&format!("include_str!(\"{name}.{suffix}\")"));
            assert_eq!(on_disk, included, "tests/golden/index.rs is stale for {name}.{suffix}: run scripts/regen-golden.sh");
        }
    }
}
