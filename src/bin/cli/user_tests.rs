//! `asl-sim test DEFINITION --mocks MOCKCONFIG …`: the users' test runner over
//! `asl_sim::testing`. This file does its IO: it reads the files, prints one line per
//! test case, the coverage table and the summary, and writes the JUnit and coverage
//! files atomically (each to a temporary file beside it, renamed into place only once
//! complete), checking first that they can be written so that bad paths fail before
//! anything runs.

use crate::{die, flags, parse_json, read, USAGE};
use asl_sim::testing::{junit, Report, Suite, SuiteOptions};
use std::path::{Path, PathBuf};
use std::process::exit;

/// Whether `asl-sim test ARGS` is the conformance runner: every positional argument is a
/// folder or a `.jsonl` file, and there is no `--mocks` (DESIGN.md).
pub fn is_conformance(args: &[String]) -> bool {
    let mut positional = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--mocks" => return false,
            "--ignore" | "--exclude-tag" | "--state-machine" | "--expect" | "--junit" | "--coverage" | "--input" | "--input-json" => i += 2,
            a if a.starts_with("--") => i += 1,
            a => {
                positional.push(a);
                i += 1;
            }
        }
    }
    // A path that does not exist goes to the conformance runner too, which names it (the
    // shared data missing is the likely cause).
    !positional.is_empty() && positional.iter().all(|p| p.ends_with(".jsonl") || Path::new(p).is_dir() || !Path::new(p).exists())
}

/// A file to be written at the end of the run: a temporary file beside it, created now.
struct Pending {
    target: PathBuf,
    temp: PathBuf,
}

impl Pending {
    fn create(target: &str, what: &str) -> Pending {
        let target = PathBuf::from(target);
        if target.is_dir() {
            die(format!("cannot write {} {}: it is a folder", what, target.display()));
        }
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = target.with_file_name(format!(".{}.{}.tmp", name, std::process::id()));
        if let Err(e) = std::fs::write(&temp, b"") {
            die(format!("cannot write {} {}: {}", what, target.display(), e));
        }
        Pending { target, temp }
    }
    fn finish(self, text: &str, what: &str) {
        let done = std::fs::write(&self.temp, text).and_then(|_| std::fs::rename(&self.temp, &self.target));
        if let Err(e) = done {
            let _ = std::fs::remove_file(&self.temp);
            die(format!("cannot write {} {}: {}", what, self.target.display(), e));
        }
    }
}

pub fn test(args: &[String]) {
    let f = flags(
        args,
        &[
            "--mocks",
            "--state-machine",
            "--expect",
            "--junit",
            "--coverage",
            "--input",
            "--input-json",
            "--seed",
            "--max-events",
            "--s3",
            "--sub",
            "--substitutions",
            "--resource",
        ],
        &["--inject-errors"],
    );
    let [def_path] = f.positional.as_slice() else { die(format!("test takes one definition file with --mocks\n{}", USAGE)) };
    let mocks_path = f.get("--mocks").unwrap_or_else(|| die(format!("test DEFINITION needs --mocks MOCKCONFIG\n{}", USAGE)));
    // As `run` reads it: JSON or YAML ASL, or a SAM / CloudFormation template, substituted.
    let definition = crate::definition(&f, def_path).0.text;
    let config = parse_json(&read(mocks_path), "the mocks file");
    let expectations = f.get("--expect").map(|p| parse_json(&read(p), "the expectations file"));
    let mut options = SuiteOptions {
        state_machine: f.get("--state-machine").map(String::from),
        inject_errors: f.has("--inject-errors"),
        ..SuiteOptions::default()
    };
    options.input = match (f.get("--input"), f.get("--input-json")) {
        (Some(_), Some(_)) => die("give --input or --input-json, not both"),
        (Some(p), None) => Some(parse_json(&read(p), "the input")),
        (None, Some(t)) => Some(parse_json(t, "--input-json")),
        (None, None) => None,
    };
    // Every test case starts from this S3, each on its own copy.
    if let Some(p) = f.get("--s3") {
        options.base.s3 = asl_sim::s3::S3::from_json(&read(p)).unwrap_or_else(|e| die(format!("--s3: {}", e)));
    }
    if let Some(s) = f.get("--seed") {
        options.base.seed = s.parse().unwrap_or_else(|_| die("--seed takes a whole number"));
    }
    if let Some(n) = f.get("--max-events") {
        options.base.max_events = n.parse().ok().filter(|n| *n >= 2).unwrap_or_else(|| die("--max-events takes a whole number of at least 2"));
    }
    let suite = Suite::new(&definition, &config, expectations.as_ref(), options).unwrap_or_else(|e| die(e));
    let junit_file = f.get("--junit").map(|p| Pending::create(p, "the JUnit report"));
    let coverage_file = f.get("--coverage").map(|p| Pending::create(p, "the coverage report"));
    let report = suite.run();
    for case in &report.cases {
        outln!("{}", Report::line(case));
    }
    for (state, error) in &report.not_reached {
        outln!("not injected: {} throws {}: no test case reaches {}", state, error, state);
    }
    if let Some(p) = junit_file {
        p.finish(&junit::render(&report), "the JUnit report");
    }
    if let Some(p) = coverage_file {
        outln!("{}", report.coverage.table(suite.machine()).trim_end());
        p.finish(&format!("{:#}\n", report.coverage.to_json(suite.machine())), "the coverage report");
    }
    outln!("{} passed, {} failed", report.passed(), report.failed());
    exit(if report.failed() == 0 { 0 } else { 1 })
}
