//! Running a generated [`Case`] as a caller does, and the properties every run has.
//!
//! The caller's protocol (the wasm determinism test follows it through the JS API):
//! run until finished or paused; when paused, give the first task in `waitingFor` the
//! next of the case's answers; when none is left, stop the execution
//! (`Caller.NoMoreAnswers`). So every run ends, and is a function of the case alone.

use super::assert_round_trip;
use super::generate::{Answer, Case};
use asl_sim::mocks::Mocks;
use asl_sim::time::parse_timestamp;
use asl_sim::{json, Execution, Options, Simulator, Status, Value};

/// The options a case asks for; `Err` when its mocks are refused.
pub fn options(case: &Case) -> Result<Options, String> {
    let mocks = json::parse(&case.mocks).map_err(|e| e.to_string())?;
    Ok(Options {
        mocks: Mocks::from_value(&mocks, None, None)?,
        seed: case.seed,
        start_time: parse_timestamp(&case.start_time).ok_or("bad start time")?,
        max_events: case.max_events,
        ..Options::default()
    })
}

/// The simulator of a case, or `None` when the definition or the mocks are refused.
pub fn simulator(case: &Case) -> Option<Simulator> {
    let options = options(case).ok()?;
    Simulator::new(&case.definition, options).ok()
}

/// Answer the first paused task with the next answer, or stop. Returns false when the
/// execution was stopped.
fn answer(ex: &mut Execution, answers: &mut std::slice::Iter<Answer>) -> bool {
    let waiting = ex.waiting_for();
    let token = waiting.first().expect("paused with nothing to wait for").token.clone();
    match answers.next() {
        Some(Answer::Success(v)) => ex.send_task_success(&token, Value::from(v)).expect("answer a paused task"),
        Some(Answer::Failure(e, c)) => ex.send_task_failure(&token, e, c).expect("answer a paused task"),
        Some(Answer::Heartbeat) => {
            ex.send_task_heartbeat(&token).expect("a heartbeat for a paused task");
            ex.send_task_success(&token, Value::empty_object()).expect("answer a paused task")
        }
        Some(Answer::Stop(e, c)) => {
            ex.stop(Some(e), Some(c)).expect("stop a paused execution");
            return false;
        }
        None => {
            ex.stop(Some("Caller.NoMoreAnswers"), Some("the caller has no more answers")).expect("stop a paused execution");
            return false;
        }
    }
    true
}

/// A finished run: the execution, and the event counts at which the caller answered.
pub struct Run {
    pub execution: Execution,
    pub answered_at: Vec<usize>,
}

/// Run with `run()` (unbounded: the event limit ends it), answering pauses.
pub fn run(sim: &Simulator, case: &Case) -> Option<Run> {
    let input = json::parse(&case.input).ok()?;
    let mut ex = sim.start(input).ok()?;
    let mut answers = case.answers.iter();
    let mut answered_at = Vec::new();
    loop {
        ex.run(None);
        if ex.status() != Status::Paused {
            break;
        }
        answered_at.push(ex.events().len());
        if !answer(&mut ex, &mut answers) {
            break;
        }
    }
    assert!(ex.status().is_finished(), "the caller's protocol always ends a run: {:?}", ex.status());
    Some(Run { execution: ex, answered_at })
}

/// The same run one `step()` at a time; at the events in `check_at` (counts of
/// events), step back and forward again and demand the same report.
pub fn step_through(sim: &Simulator, case: &Case, check_at: &dyn Fn(usize) -> bool) -> Option<Run> {
    let input = json::parse(&case.input).ok()?;
    let mut ex = sim.start(input).ok()?;
    let mut answers = case.answers.iter();
    let mut answered_at = Vec::new();
    loop {
        let forward = ex.step();
        if forward.events.is_empty() {
            if ex.status() != Status::Paused {
                break;
            }
            answered_at.push(ex.events().len());
            if !answer(&mut ex, &mut answers) {
                break;
            }
            continue;
        }
        assert_eq!(forward.events.len(), 1, "one step, one event");
        let n = ex.events().len();
        // Stepping back over the first event after an answer takes the answer back too.
        if check_at(n) && !answered_at.contains(&(n - 1)) {
            let back = ex.step_back();
            assert_eq!(back.event_count, n - 1, "step_back from {n} events");
            let again = ex.step();
            assert_eq!(report(&again), report(&forward), "step after step_back at event {n}");
        }
    }
    Some(Run { execution: ex, answered_at })
}

pub fn report(r: &asl_sim::StepReport) -> String {
    serde_json::to_string(r).expect("a report is JSON")
}

/// What every run of a case must do: a history that is valid JSON, within the event
/// limit, with each event pointing back to an earlier one; the same history again,
/// one `step()` at a time, stepping back and forth at `step_back_at` (an index,
/// taken modulo the history's length) and at the end; inspection of every state.
pub fn check(case: &Case, step_back_at: Option<usize>) {
    let Some(sim) = simulator(case) else { return };
    let Some(first) = run(&sim, case) else { return };
    let ex = &first.execution;
    let n = ex.events().len();
    assert!(n <= case.max_events.max(2), "{n} events, over the limit of {}", case.max_events);
    for (i, e) in ex.events().iter().enumerate() {
        assert_eq!(e.id as usize, i + 1, "event ids count from 1");
        assert!((e.previous_event_id as usize) < i + 1, "event {} points forward to {}", e.id, e.previous_event_id);
    }
    let history = ex.history();
    assert_round_trip(&history, "the history");
    if let Some(output) = ex.output() {
        assert_round_trip(output, "the output");
    }
    for state in &sim.machine().states {
        ex.inspect(&state.name).to_json();
        ex.variables(&state.name).to_json();
    }
    let at = step_back_at.map(|k| 1 + k % n.max(1));
    let second = step_through(&sim, case, &|events| Some(events) == at || events == n).expect("the second run starts");
    let again = second.execution.history();
    assert!(again.to_json() == history.to_json(), "step() and run() give different histories:\n{}\n{}", history.to_json(), again.to_json());
    assert_eq!(second.answered_at, first.answered_at);
}
