//! Fuzz target `jsonpath`: JSONPath and reference paths: compile, evaluate on a document, write JSON that reads back.
//! The body is `tests/fuzzing/mod.rs`'s `jsonpath`, which the regression replay runs too.
#![no_main]

#[path = "../../tests/fuzzing/mod.rs"]
mod fuzzing;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::jsonpath(data));
