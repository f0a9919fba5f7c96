//! asl-sim: a deterministic Amazon States Language simulator.
#![forbid(unsafe_code)]

pub mod definition;
pub mod json;
pub mod query;
pub mod value;

pub use value::{Map, Number, Value};

#[cfg(target_arch = "wasm32")]
pub mod wasm;
