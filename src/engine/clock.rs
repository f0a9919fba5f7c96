//! The virtual clock's starting point. Time is milliseconds since the Unix epoch
//! (`Execution::clock`); its text, both ways, is [`crate::time`]'s, and
//! `parse_timestamp` is re-exported here because the state code reads Wait and Choice
//! timestamps through this path. Nothing here reads the real clock.

pub use crate::time::parse_timestamp;

/// `2024-01-01T00:00:00Z`, the default start time.
pub const DEFAULT_START: i64 = 1_704_067_200_000;
