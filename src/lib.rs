//! asl-sim: a deterministic Amazon States Language simulator.
#![deny(unsafe_code)]

pub mod aws;
pub mod definition;
pub mod json;
pub mod query;
pub mod rng;
pub mod source;
pub mod time;
pub mod value;

pub use value::{Map, Number, Value};
pub mod engine;
pub mod history;
pub mod mocks;
pub mod s3;
pub mod testing;
pub mod teststate;

/// The JS API (wasm32 only): the one module that names wasm-bindgen.
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use definition::Diagnostic;
pub use engine::{ApiError, Execution, ExecutionType, FailureHandling, Options, Simulator, Status, StepReport};

/// Validate a definition: every diagnostic (errors and warnings).
pub fn validate(definition: &str) -> Vec<Diagnostic> {
    definition::parse(definition).diagnostics
}
