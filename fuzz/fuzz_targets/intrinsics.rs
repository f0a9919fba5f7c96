//! Fuzz target `intrinsics`: intrinsic function calls: parse and evaluate on a document.
//! The body is `tests/fuzzing/mod.rs`'s `intrinsics`, which the regression replay runs too.
#![no_main]

#[path = "../../tests/fuzzing/mod.rs"]
mod fuzzing;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::intrinsics(data));
