//! The golden runs in `tests/golden/` against the CLI binary as built for this
//! test (the debug profile), byte for byte. `tests/web.rs` holds the wasm build
//! to the same files, so native and wasm histories are proven identical.
//! After an intended change to the history: `scripts/regen-golden.sh`.

use std::path::Path;
use std::process::Command;

fn golden(name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let file = |suffix: &str| dir.join(format!("{name}.{suffix}"));
    let mut command = Command::new(env!("CARGO_BIN_EXE_asl-sim"));
    command.arg("run").arg(file("asl.json")).arg("--history");
    for (flag, suffix) in [("--input", "input.json"), ("--mocks", "mocks.json")] {
        if file(suffix).exists() {
            command.arg(flag).arg(file(suffix));
        }
    }
    let out = command.output().expect("run the asl-sim binary");
    assert_ne!(out.status.code(), Some(2), "asl-sim failed: {}", String::from_utf8_lossy(&out.stderr));
    let expected = std::fs::read_to_string(file("run.json")).expect("golden run (scripts/regen-golden.sh)");
    let actual = String::from_utf8(out.stdout).unwrap();
    assert!(
        actual == expected,
        "{name}: the CLI's run differs from tests/golden/{name}.run.json; if intended, run scripts/regen-golden.sh\n{actual}"
    );
}

#[test]
fn determinism_golden_run() {
    golden("determinism");
}
