//! Data-driven engine tests: each `tests/fixtures/run/*.json` holds a definition, an
//! input, optional mocks and what the run must give (status, output, error, cause,
//! stop time, the event sequence as `Type(state)` signatures, the event count).

use asl_sim::json;
use asl_sim::mocks::Mocks;
use asl_sim::{Options, Simulator, Value};

fn signature(e: &Value) -> String {
    let ty = e.get("type").and_then(Value::as_str).unwrap_or("?");
    let name = e
        .as_object()
        .and_then(|m| m.iter().find(|(k, _)| k.ends_with("EventDetails")).map(|(_, v)| v.clone()))
        .and_then(|d| d.get("name").and_then(Value::as_str).map(String::from));
    match name {
        Some(n) => format!("{}({})", ty, n),
        None => ty.to_string(),
    }
}

fn check(path: &std::path::Path) -> Result<(), String> {
    let case = json::parse(&std::fs::read_to_string(path).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let mut options = Options::default();
    if let Some(m) = case.get("mocks") {
        options.mocks = Mocks::from_value(m, None, None)?;
    }
    let def = case.get("definition").ok_or("no definition")?.to_json();
    let sim = Simulator::new(&def, options).map_err(|d| format!("invalid: {:?}", d))?;
    let mut ex = sim.start(case.get("input").cloned().unwrap_or(Value::empty_object())).map_err(|e| e.to_string())?;
    ex.run(None);
    let want = case.get("expected").ok_or("no expected")?;
    let got_status = ex.status().as_str();
    if want.get("status").and_then(Value::as_str) != Some(got_status) {
        return Err(format!("status {} ({:?}: {:?}), want {}", got_status, ex.error(), ex.cause(), want.get("status").unwrap()));
    }
    if let Some(o) = want.get("output") {
        if ex.output() != Some(o) {
            return Err(format!("output {:?}, want {}", ex.output(), o));
        }
    }
    for (field, got) in [("error", ex.error()), ("cause", ex.cause())] {
        if let Some(w) = want.get(field) {
            if w.as_str() != got {
                return Err(format!("{} {:?}, want {}", field, got, w));
            }
        }
    }
    if let Some(t) = want.get("stopTime").and_then(Value::as_str) {
        let got = asl_sim::time::format_context_timestamp(ex.clock());
        if got != t {
            return Err(format!("stop time {}, want {}", got, t));
        }
    }
    let history = ex.history();
    let sigs: Vec<String> = history.as_array().unwrap().iter().map(signature).collect();
    if let Some(events) = want.get("events").and_then(Value::as_array) {
        let want_sigs: Vec<String> = events.iter().filter_map(|e| e.as_str().map(String::from)).collect();
        if sigs != want_sigs {
            return Err(format!("events\n  got  {:?}\n  want {:?}", sigs, want_sigs));
        }
    }
    if let Some(n) = want.get("eventCount").and_then(|n| n.as_number()).and_then(|n| n.as_i64()) {
        if sigs.len() as i64 != n {
            return Err(format!("{} events, want {}", sigs.len(), n));
        }
    }
    Ok(())
}

#[test]
fn fixtures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/run");
    let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    assert!(!paths.is_empty());
    let failures: Vec<String> =
        paths.iter().filter_map(|p| check(p).err().map(|e| format!("{}: {}", p.file_name().unwrap().to_string_lossy(), e))).collect();
    assert!(failures.is_empty(), "{} of {} fixtures failed:\n{}", failures.len(), paths.len(), failures.join("\n"));
}

#[test]
fn same_inputs_same_history() {
    let def = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/run/retry_backoff.json")).unwrap();
    let case = json::parse(&def).unwrap();
    let run = || {
        let options = Options { mocks: Mocks::from_value(case.get("mocks").unwrap(), None, None).unwrap(), ..Options::default() };
        let sim = Simulator::new(&case.get("definition").unwrap().to_json(), options).unwrap();
        let mut ex = sim.start(case.get("input").unwrap().clone()).unwrap();
        ex.run(None);
        ex.history().to_json()
    };
    assert_eq!(run(), run());
}

#[test]
fn a_composites_exit_is_chained_to_the_event_before_its_succeeded() {
    // AWS does not chain the next event to MapStateSucceeded or ParallelStateSucceeded.
    let def = r#"{"StartAt":"M","States":{
        "M":{"Type":"Map","ItemsPath":"$.xs","ItemProcessor":{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},"Next":"P"},
        "P":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}],"End":true}}}"#;
    let chain = previous_ids(def, r#"{"xs":[1]}"#);
    let at = |ty: &str| chain.iter().position(|(t, _)| t == ty).unwrap();
    for (succeeded, exited, before) in
        [("MapStateSucceeded", "MapStateExited", "MapIterationSucceeded"), ("ParallelStateSucceeded", "ParallelStateExited", "PassStateExited")]
    {
        let before_id = chain.iter().rposition(|(t, _)| t == before).unwrap() as i64 + 1;
        assert_eq!(chain[at(succeeded)].1, before_id, "{succeeded} follows {before}");
        assert_eq!(chain[at(exited)].1, before_id, "{exited} skips {succeeded}");
    }
}

#[test]
fn the_hello_world_sample_chains_its_events_as_aws_recorded_them() {
    // The console's Hello World sample as run in us-east-1 (turbot/steampipe-plugin-aws#873
    // lists its GetExecutionHistory): 20 events; the first state's previous is 0; the
    // Parallel goes on from the branch that ended last, past ParallelStateSucceeded.
    let def = r#"{"StartAt":"Pass","States":{"Pass":{"Type":"Pass","Next":"Choice"},
        "Choice":{"Type":"Choice","Choices":[{"Variable":"$.IsHelloWorldExample","BooleanEquals":true,"Next":"Yes"}],"Default":"No"},
        "Yes":{"Type":"Pass","Next":"Wait"},"No":{"Type":"Fail"},"Wait":{"Type":"Wait","Seconds":3,"Next":"Parallel"},
        "Parallel":{"Type":"Parallel","Next":"Hello World","Branches":[{"StartAt":"Hello","States":{"Hello":{"Type":"Pass","End":true}}},{"StartAt":"World","States":{"World":{"Type":"Pass","End":true}}}]},
        "Hello World":{"Type":"Pass","End":true}}}"#;
    let chain = previous_ids(def, r#"{"IsHelloWorldExample":true}"#);
    assert_eq!(chain.len(), 20);
    for (id, previous, ty) in [
        (1, 0, "ExecutionStarted"),
        (2, 0, "PassStateEntered"),
        (3, 2, "PassStateExited"),
        (5, 4, "ChoiceStateExited"),
        (6, 5, "PassStateEntered"),
        (17, 15, "ParallelStateExited"),
        (20, 19, "ExecutionSucceeded"),
    ] {
        assert_eq!(chain[id - 1], (ty.to_string(), previous), "event {id}");
    }
    assert_eq!(chain[15].0, "ParallelStateSucceeded");
}

/// Each event's type and previousEventId, for a run of `def` on `input`.
fn previous_ids(def: &str, input: &str) -> Vec<(String, i64)> {
    let sim = Simulator::new(def, Options::default()).unwrap();
    let mut ex = sim.start(json::parse(input).unwrap()).unwrap();
    ex.run(None);
    let history = ex.history();
    let field = |e: &asl_sim::Value, k: &str| e.get(k).unwrap().clone();
    history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (field(e, "type").as_str().unwrap().to_string(), field(e, "previousEventId").as_number().unwrap().as_i64().unwrap()))
        .collect()
}

/// `(case id, previousEventId of each event)` as AWS recorded them: LocalStack's snapshots
/// (`tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.snapshot.json`,
/// AWS-validated) keep the ids that `../shared/conformance` strips. `test_map_state` there
/// is the same machine as the `_legacy` case here; in `test_parallel_state` the recorder's
/// transformer zeroed the branch events' ids and dropped ParallelStateSucceeded (18), so
/// only the events around the branches are checked.
const RECORDED_CHAINS: &[(&str, &[(usize, i64)])] = &[
    (
        "scenarios.test_base_scenarios::test_map_state_retry",
        &[
            (1, 0),
            (2, 0),
            (3, 2),
            (4, 3),
            (5, 4),
            (6, 5),
            (7, 6),
            (8, 7),
            (9, 7),
            (10, 9),
            (11, 10),
            (12, 11),
            (13, 11),
            (14, 13),
            (15, 14),
            (16, 15),
            (17, 15),
            (18, 17),
        ],
    ),
    ("scenarios.test_base_scenarios::test_map_state_catch_legacy", &[(6, 5), (7, 6), (8, 7), (9, 7), (10, 9), (11, 10), (12, 11), (13, 12)]),
    (
        "scenarios.test_base_scenarios::test_map_state_break_condition",
        &[(6, 5), (7, 6), (11, 10), (12, 10), (17, 16), (18, 16), (33, 32), (34, 33), (35, 33), (36, 35)],
    ),
    ("scenarios.test_base_scenarios::test_map_state_legacy", &[(6, 5), (9, 8), (10, 8), (37, 36), (38, 37), (39, 37), (40, 39), (42, 41)]),
    ("scenarios.test_base_scenarios::test_parallel_state[PARALLEL_STATE]", &[(1, 0), (2, 0), (3, 2), (4, 3), (5, 4), (19, 17), (20, 19)]),
];

#[test]
fn previous_event_ids_chain_as_aws_recorded_them() {
    let dir = match std::env::var_os("ASL_SIM_SHARED") {
        Some(d) => std::path::PathBuf::from(d),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    };
    let text = std::fs::read_to_string(dir.join("conformance/localstack/scenarios__test_base_scenarios.jsonl"))
        .expect("the shared conformance cases (set ASL_SIM_SHARED)");
    let cases: Vec<asl_sim::Value> = text.lines().filter(|l| !l.trim().is_empty()).map(|l| json::parse(l).unwrap()).collect();
    for (id, recorded) in RECORDED_CHAINS {
        let case =
            cases.iter().find(|c| c.get("id").and_then(|v| v.as_str()) == Some(id)).unwrap_or_else(|| panic!("{id} is not in the shared cases"));
        let chain = previous_ids(&case.get("definition").unwrap().to_json(), &case.get("input").unwrap().to_json());
        for &(event, previous) in *recorded {
            assert_eq!(chain.get(event - 1).map(|c| c.1), Some(previous), "{id}: event {event} ({:?})", chain.get(event - 1).map(|c| &c.0));
        }
    }
}
