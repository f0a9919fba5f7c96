//! Every input the fuzzers ever crashed on, replayed with the stable toolchain: each
//! file under `tests/fuzz-regressions/<target>/` goes to the function of the same
//! name in `tests/fuzzing/`, the very code the fuzz target runs (`fuzz/`,
//! `npm run fuzz`). A panic, or a property that does not hold, fails the test and
//! names the file.

mod fuzzing;

use std::path::{Path, PathBuf};

/// A fuzz target: its folder name and the function that replays one input.
type Target = (&'static str, fn(&[u8]));

const TARGETS: [Target; 5] = [
    ("definition", fuzzing::definition),
    ("jsonpath", fuzzing::jsonpath),
    ("intrinsics", fuzzing::intrinsics),
    ("jsonata", fuzzing::jsonata),
    ("execution", fuzzing::execution),
];

fn regressions(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md" && n != ".gitkeep"))
        .collect();
    files.sort();
    files
}

/// Replay in a thread with Rust's default 2 MiB stack, as a library user's thread has:
/// a stack overflow there is a crash, as it is in the fuzzer.
fn replay(target: &str, f: fn(&[u8])) {
    let files = regressions(target);
    eprintln!("{target}: {} regression inputs", files.len());
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let name = file.display().to_string();
        let outcome = std::thread::Builder::new().stack_size(2 << 20).spawn(move || f(&bytes)).unwrap().join();
        if outcome.is_err() {
            panic!("{name}: the {target} fuzz target fails on it again (see the panic above)");
        }
    }
}

#[test]
fn definition_regressions() {
    replay(TARGETS[0].0, TARGETS[0].1);
}

#[test]
fn jsonpath_regressions() {
    replay(TARGETS[1].0, TARGETS[1].1);
}

#[test]
fn intrinsics_regressions() {
    replay(TARGETS[2].0, TARGETS[2].1);
}

#[test]
fn jsonata_regressions() {
    replay(TARGETS[3].0, TARGETS[3].1);
}

#[test]
fn execution_regressions() {
    replay(TARGETS[4].0, TARGETS[4].1);
}

/// The seed inputs `scripts/fuzz.sh` starts from, run through the targets too: cheap,
/// and it keeps each target's code exercised by `npm test` even with no regression.
#[test]
fn every_target_runs_its_seeds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    for (target, f) in TARGETS {
        let seeds = dir.join(target);
        let Ok(entries) = std::fs::read_dir(&seeds) else { panic!("{}: missing", seeds.display()) };
        for e in entries {
            let path = e.unwrap().path();
            f(&std::fs::read(&path).unwrap());
        }
    }
}
