//! Definition text → validated [`StateMachine`] plus diagnostics.

use super::{Diagnostic, StateMachine};
use crate::value::Value;

/// The result of parsing: the machine when there is no error, and every diagnostic found.
pub struct ParseOutcome {
    pub machine: Option<StateMachine>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parse and validate definition text.
pub fn parse(text: &str) -> ParseOutcome {
    let _ = text;
    ParseOutcome { machine: None, diagnostics: vec![Diagnostic::error("SCHEMA_VALIDATION_FAILED", "", "not implemented")] }
}

/// Parse and validate a definition already parsed as JSON (no spans).
pub fn parse_value(v: &Value) -> ParseOutcome {
    parse(&v.to_json())
}
