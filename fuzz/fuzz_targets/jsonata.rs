//! Fuzz target `jsonata`: JSONata through the project's API (query::jsonata), default limits, and as a {% %} field.
//! The body is `tests/fuzzing/mod.rs`'s `jsonata`, which the regression replay runs too.
#![no_main]

#[path = "../../tests/fuzzing/mod.rs"]
mod fuzzing;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::jsonata(data));
