//! Fuzz target `execution`: whole executions of generated definitions, inputs, mocks and answers (tests/fuzzing/generate.rs).
//! The body is `tests/fuzzing/mod.rs`'s `execution`, which the regression replay runs too.
#![no_main]

#[path = "../../tests/fuzzing/mod.rs"]
mod fuzzing;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::execution(data));
