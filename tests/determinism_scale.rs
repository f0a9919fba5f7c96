//! Determinism at scale (issue 8, item 3): the structured generator of
//! `tests/fuzzing/generate.rs`, explicitly seeded, makes `CASES` state machines with
//! inputs, mocks and the answers a caller gives, each built around one feature
//! (Parallel, Map with MaxConcurrency, Retry with FULL jitter, Wait, callbacks,
//! JSONata, variables) and whatever else the generator adds. Natively, each runs
//! twice: with `run()`, and one `step()` at a time, stepping back and forth at ten
//! points; both histories must be the same. Then the native histories are written to
//! `$CARGO_TARGET_TMPDIR/determinism-scale/` (one folder per case, which the CLI can
//! rerun, and `native.json` with everything), which `tests/web_determinism.rs`
//! embeds: the wasm build in headless Chromium must reproduce every history byte for
//! byte. `scripts/test.sh` runs this test before that one.

mod fuzzing;

use asl_sim::{json, Map, Value};
use fuzzing::drive;
use fuzzing::generate::{Answer, Case, Config, Feature};
use std::path::PathBuf;
use std::rc::Rc;

/// How many cases, and the seed they all derive from.
const CASES: usize = 140;
const SEED: u64 = 20_240_101;
const MAX_HISTORY_BYTES: usize = 250_000;

/// The cases: case `i` is built around feature `i mod 7`, from the first seed
/// (`SEED + 1000 i + attempt`) that gives a valid definition whose history stays
/// under `MAX_HISTORY_BYTES` (so the file the wasm test embeds stays small).
fn cases() -> Vec<(String, Case)> {
    let mut seen = std::collections::HashSet::new();
    (0..CASES)
        .map(|i| {
            let feature = Feature::ALL[i % Feature::ALL.len()];
            let config = Config { raw: false, feature: Some(feature) };
            let fits = |c: &Case| {
                drive::simulator(c).is_some_and(|sim| drive::run(&sim, c).is_some_and(|r| r.execution.history().json_len() < MAX_HISTORY_BYTES))
            };
            let case = (0..100)
                .map(|attempt| Case::from_seed(SEED + 1000 * i as u64 + attempt, config))
                .find(|c| !seen.contains(&c.definition) && fits(c))
                .unwrap_or_else(|| panic!("case {i}: no valid definition in 100 seeds"));
            seen.insert(case.definition.clone());
            (format!("case-{i:03}-{feature:?}"), case)
        })
        .collect()
}

/// The event counts at which both runs step back and forth: ten, spread over the run.
fn step_back_points(events: usize) -> Vec<usize> {
    let mut points: Vec<usize> = (1..=10).map(|k| (k * events / 10).max(2)).collect();
    points.dedup();
    points
}

fn answer_value(a: &Answer) -> Value {
    let pair = |a: &str, b: &str| Value::array(vec![Value::from(a), Value::from(b)]);
    let (key, value) = match a {
        Answer::Success(v) => ("success", Value::from(v)),
        Answer::Failure(e, c) => ("failure", pair(e, c)),
        Answer::Heartbeat => ("heartbeat", Value::Bool(true)),
        Answer::Stop(e, c) => ("stop", pair(e, c)),
    };
    object(vec![(key, value)])
}

fn object(members: Vec<(&str, Value)>) -> Value {
    let mut m = Map::new();
    for (k, v) in members {
        m.insert(Rc::from(k), v);
    }
    Value::object(m)
}

fn text(s: Option<&str>) -> Value {
    s.map_or(Value::Null, Value::from)
}

#[test]
fn generated_machines_run_the_same_every_time_and_the_native_histories_are_written() {
    let cases = cases();
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("determinism-scale");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let mut written = Vec::new();
    let mut statuses: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut total_events = 0;
    for (name, case) in &cases {
        let sim = drive::simulator(case).unwrap();
        let first = drive::run(&sim, case).unwrap_or_else(|| panic!("{name}: the input is refused"));
        let ex = &first.execution;
        let history = ex.history().to_json();
        let points = step_back_points(ex.events().len());
        let second = drive::step_through(&sim, case, &|n| points.contains(&n)).unwrap();
        assert!(second.execution.history().to_json() == history, "{name}: step() and run() give different histories");
        *statuses.entry(ex.status().as_str()).or_default() += 1;
        total_events += ex.events().len();

        // The case as files the CLI reads (`asl-sim run NAME/definition.asl.json --input … --mocks … --history`
        // reproduces the history when the case needs no answers), and its history.
        let dir = out.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("definition.asl.json"), &case.definition).unwrap();
        std::fs::write(dir.join("input.json"), &case.input).unwrap();
        std::fs::write(dir.join("mocks.json"), &case.mocks).unwrap();
        std::fs::write(dir.join("args"), format!("--seed {} --start-time {} --max-events {}\n", case.seed, case.start_time, case.max_events))
            .unwrap();
        std::fs::write(dir.join("history.json"), &history).unwrap();

        written.push(object(vec![
            ("name", Value::from(name.as_str())),
            ("definition", Value::from(case.definition.as_str())),
            ("input", Value::from(case.input.as_str())),
            ("mocks", Value::from(case.mocks.as_str())),
            // As text: a seed may not fit in a double.
            ("seed", Value::from(case.seed.to_string())),
            ("startTime", Value::from(case.start_time.as_str())),
            ("maxEvents", Value::int(case.max_events as i64)),
            ("answers", Value::array(case.answers.iter().map(answer_value).collect())),
            ("stepBackAt", Value::array(points.iter().map(|&p| Value::int(p as i64)).collect())),
            ("status", Value::from(ex.status().as_str())),
            ("error", text(ex.error())),
            ("cause", text(ex.cause())),
            ("output", ex.output().map_or(Value::Null, |o| Value::from(o.to_json()))),
            ("history", Value::from(history)),
        ]));
    }
    let all = object(vec![("seed", Value::int(SEED as i64)), ("cases", Value::array(written))]);
    std::fs::write(out.join("native.json"), all.to_json()).unwrap();
    eprintln!("{} cases, {total_events} events, statuses {statuses:?}; written to {}", cases.len(), out.display());

    // Not all one outcome: the cases should run far, and end in different ways.
    assert!(statuses.get("SUCCEEDED").copied().unwrap_or(0) >= CASES / 5, "few cases succeed: {statuses:?}");
    assert!(statuses.len() >= 3, "every case ends the same way: {statuses:?}");
    assert!(total_events >= 20 * CASES, "the cases are too short: {total_events} events");
}

/// Every feature of the issue in at least ten cases, and the cases all different.
#[test]
fn the_generated_cases_cover_every_feature() {
    let cases = cases();
    let has = |needle: &str| cases.iter().filter(|(_, c)| c.definition.contains(needle)).count();
    for (what, count) in [
        ("Parallel", has("\"Parallel\"")),
        ("Map with MaxConcurrency", has("\"MaxConcurrency\"")),
        ("Retry with jitter", has("\"JitterStrategy\":\"FULL\"")),
        ("Wait", has("\"Wait\"")),
        ("callbacks", cases.iter().filter(|(_, c)| c.definition.contains("waitForTaskToken") || c.definition.contains(":activity:")).count()),
        ("JSONata", has("\"JSONata\"")),
        ("variables", has("\"Assign\"")),
        ("Choice", has("\"Choice\"")),
        ("Catch", has("\"Catch\"")),
        ("paused tasks answered", cases.iter().filter(|(_, c)| !c.answers.is_empty()).count()),
    ] {
        assert!(count >= 10, "only {count} of {CASES} cases have {what}");
    }
    let mut definitions: Vec<&str> = cases.iter().map(|(_, c)| c.definition.as_str()).collect();
    definitions.sort();
    definitions.dedup();
    assert_eq!(definitions.len(), CASES, "some generated definitions are the same");
    for (name, case) in &cases {
        json::parse(&case.definition).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}
