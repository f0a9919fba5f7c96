//! A crate that tests its own Step Functions workflow with asl-sim: the
//! pattern a user would follow. The workflow and its mocks are files of the
//! crate (`order.asl.json`, a Step Functions Local `mocks.json`); [`run`]
//! executes one MockConfigFile test case to the end on the virtual clock, and
//! `tests/workflow.rs` checks each outcome, natively and in headless Chromium.

use asl_sim::mocks::Mocks;
use asl_sim::{json, Options, Simulator, Status};

/// The workflow under test.
pub const ORDER_WORKFLOW: &str = include_str!("../order.asl.json");
/// Its mocked Lambda responses, one test case per scenario.
pub const ORDER_MOCKS: &str = include_str!("../mocks.json");

/// What a test looks at after an execution.
#[derive(Debug)]
pub struct Outcome {
    pub status: Status,
    /// The output as JSON text, when the execution succeeded.
    pub output: Option<String>,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// The states entered, in order (one per `…StateEntered` event).
    pub states: Vec<String>,
    /// Virtual milliseconds from start to end: waits and retry back-off, no real time.
    pub elapsed_ms: i64,
}

/// Run the order workflow with `input` (JSON text) and the mocks of `test_case`.
pub fn run(test_case: &str, input: &str) -> Result<Outcome, String> {
    let mocks = json::parse(ORDER_MOCKS).map_err(|e| format!("mocks.json: {e}"))?;
    let options = Options { mocks: Mocks::from_value(&mocks, Some(test_case), None)?, ..Options::default() };
    let simulator = Simulator::new(ORDER_WORKFLOW, options).map_err(|diagnostics| {
        let messages: Vec<_> = diagnostics.iter().map(|d| d.message.clone()).collect();
        format!("order.asl.json is not valid: {}", messages.join("; "))
    })?;
    let input = json::parse(input).map_err(|e| format!("input: {e}"))?;
    let mut execution = simulator.start(input).map_err(|e| e.message)?;
    // Bounded, as every call is: a definition that loops forever fails at the history limit.
    execution.run(None);
    let history = execution.history();
    let states = history
        .as_array()
        .unwrap_or_default()
        .iter()
        .filter_map(|event| event.get("stateEnteredEventDetails")?.get("name")?.as_str().map(str::to_string))
        .collect();
    Ok(Outcome {
        status: execution.status(),
        output: execution.output().map(json::to_pretty),
        error: execution.error().map(str::to_string),
        cause: execution.cause().map(str::to_string),
        states,
        elapsed_ms: execution.clock() - execution.start_time(),
    })
}
