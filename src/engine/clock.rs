//! The virtual clock's starting point. Time is milliseconds since the Unix epoch
//! (`Execution::clock`); its text, both ways, is [`crate::time`]'s. Nothing here
//! reads the real clock.

/// `2024-01-01T00:00:00Z`, the default start time.
pub const DEFAULT_START: i64 = 1_704_067_200_000;
