//! Fuzz target `definition`: definition text: parse, validate, position every diagnostic; run a valid machine a few events.
//! The body is `tests/fuzzing/mod.rs`'s `definition`, which the regression replay runs too.
#![no_main]

#[path = "../../tests/fuzzing/mod.rs"]
mod fuzzing;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::definition(data));
