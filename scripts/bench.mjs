// Benchmarks (filled in by the lead): will time `cargo run --release --bin asl-sim -- …`.
console.log("not yet");
