//! Validation findings as data.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in a definition: an AWS ValidateStateMachineDefinition code, a
/// message, the JSON pointer of the offending field and its byte span in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub message: String,
    pub severity: Severity,
    /// e.g. `/States/Check/Choices/0/Next`
    pub pointer: String,
    /// Byte range in the definition text (empty when parsed from a value).
    pub span: (usize, usize),
}

/// A diagnostic with 1-based line/column positions, as the CLI and JS API print it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PositionedDiagnostic {
    pub code: &'static str,
    pub message: String,
    pub severity: Severity,
    pub pointer: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Diagnostic {
    pub fn error(code: &'static str, pointer: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic { code, message: message.into(), severity: Severity::Error, pointer: pointer.into(), span: (0, 0) }
    }
    pub fn warning(code: &'static str, pointer: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic { code, message: message.into(), severity: Severity::Warning, pointer: pointer.into(), span: (0, 0) }
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Positions for `text`; `utf16` counts columns in UTF-16 units (JavaScript), else in scalar values.
    pub fn positioned(&self, text: &str, utf16: bool) -> PositionedDiagnostic {
        let lc = if utf16 { crate::json::line_column_utf16 } else { crate::json::line_column };
        let (line, column) = lc(text, self.span.0);
        let (end_line, end_column) = lc(text, self.span.1);
        PositionedDiagnostic {
            code: self.code,
            message: self.message.clone(),
            severity: self.severity,
            pointer: self.pointer.clone(),
            line,
            column,
            end_line,
            end_column,
        }
    }
}
