//! AWS's ValidateStateMachineDefinition response, as `asl-sim validate --format aws` prints it:
//! `{"result", "diagnostics": [{"severity", "code", "message", "location"}], "truncated"}` with
//! AWS's texts (the recorded ones in `../shared/conformance/localstack-extra/validation/`), and the
//! `InvalidDefinition` message CreateStateMachine gives for the first error. The definition is
//! read as JSON, as AWS reads it (no YAML, no substitutions). Also the checks an EXPRESS machine
//! adds (activities, `.sync` and `.waitForTaskToken` integrations), shared with `--type EXPRESS`.

use crate::definition::{self, Diagnostic};
use crate::json;
use crate::value::Value;
use serde::Serialize;

/// One entry of the response's `diagnostics`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AwsDiagnostic {
    pub severity: &'static str,
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// The ValidateStateMachineDefinition response.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AwsResponse {
    pub result: &'static str,
    pub diagnostics: Vec<AwsDiagnostic>,
    pub truncated: bool,
}

impl AwsResponse {
    fn new(diagnostics: Vec<AwsDiagnostic>) -> AwsResponse {
        let fail = diagnostics.iter().any(|d| d.severity == "ERROR");
        AwsResponse { result: if fail { "FAIL" } else { "OK" }, diagnostics, truncated: false }
    }

    /// CreateStateMachine's `InvalidDefinition` message for the first error, if any.
    pub fn create_error(&self) -> Option<String> {
        let d = self.diagnostics.iter().find(|d| d.severity == "ERROR")?;
        Some(match &d.location {
            Some(l) => format!("Invalid State Machine Definition: '{}: {} at {}'", d.code, d.message, l),
            None => format!("Invalid State Machine Definition: '{}: {}'", d.code, d.message),
        })
    }
}

/// Codes that are asl-sim's own: AWS's response does not have them.
const OWN_CODES: [&str; 2] = ["UNRESOLVED_SUBSTITUTION", "QUALIFIED_INTEGRATION_ARN"];

/// Validate `text` as AWS's ValidateStateMachineDefinition does (`express`: `type` EXPRESS).
pub fn validate(text: &str, express: bool) -> AwsResponse {
    let not_an_object = || {
        AwsResponse::new(vec![AwsDiagnostic {
            severity: "ERROR",
            code: "SCHEMA_VALIDATION_FAILED".into(),
            message: "Definition must be a valid JSON object".into(),
            location: None,
        }])
    };
    if text.trim().is_empty() {
        return not_an_object();
    }
    let value = match json::parse(text) {
        Ok(v) => v,
        Err(e) => return AwsResponse::new(vec![jackson_error(text, &e)]),
    };
    if value.as_object().is_none() {
        return not_an_object();
    }
    let mut diags = definition::parse(text).diagnostics;
    if express {
        diags.extend(express_diagnostics(&value));
    }
    let mut out: Vec<AwsDiagnostic> = diags.iter().filter(|d| !OWN_CODES.contains(&d.code)).map(aws_diagnostic).collect();
    // AWS checks the schema first: with schema errors, the graph checks (targets, terminal states,
    // reachability) are not reported.
    if out.iter().any(|d| d.code == "SCHEMA_VALIDATION_FAILED") {
        out.retain(|d| d.code == "SCHEMA_VALIDATION_FAILED" || d.severity != "ERROR");
    }
    AwsResponse::new(out)
}

/// Our diagnostic in AWS's words.
fn aws_diagnostic(d: &Diagnostic) -> AwsDiagnostic {
    let mut code = d.code.to_string();
    let mut message = d.message.clone();
    let mut location = if d.pointer.is_empty() { "/".to_string() } else { d.pointer.clone() };
    if message == "These fields are required: [StartAt, States]" {
        message = "These fields are required: [States, StartAt]".into();
    }
    if message.starts_with("The value for the field 'Timestamp' must be an ISO-8601 timestamp") {
        message = "String does not match RFC3339 timestamp".into();
    }
    if let Some(m) = message.strip_prefix("Invalid resource: ").filter(|m| m.starts_with("The resource provided")) {
        code = "SCHEMA_VALIDATION_FAILED".into();
        message = m.to_string();
    }
    // A bad `.$` value: AWS points at the payload template holding it, and names only the field.
    if let Some(rest) = message.strip_prefix("The value for the field '") {
        if let Some((field, tail)) = rest.split_once('\'') {
            if tail.starts_with(" must be a valid JSONPath or a valid intrinsic function call") && field.ends_with(".$") {
                message = format!("The value for the field '{}' must be a valid JSONPath or a valid intrinsic function call", field);
                if let Some(i) = location.rfind('/') {
                    location.truncate(i.max(1));
                }
            }
        }
    }
    let severity = if d.is_error() { "ERROR" } else { "WARNING" };
    AwsDiagnostic { severity, code, message, location: Some(location) }
}

/// Jackson's words for text that is not JSON (AWS parses with Jackson), e.g. `Unrecognized token
/// 'not': was expecting (…)` at `[Source: (String)"not a definition"; line: 1, column: 4]`.
fn jackson_error(text: &str, e: &json::JsonError) -> AwsDiagnostic {
    let start = e.offset.min(text.len());
    let token: String = text[start..].chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$').collect();
    let shown: String = text.chars().take(500).collect();
    let (line, column) = json::line_column(text, start + token.len());
    let location = format!("[Source: (String)\"{}\"; line: {}, column: {}]", shown, line, column);
    let what = if token.is_empty() {
        e.message.clone()
    } else {
        format!("Unrecognized token '{}': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", token)
    };
    AwsDiagnostic {
        severity: "ERROR",
        code: "INVALID_JSON_DESCRIPTION".into(),
        message: format!("{}\n at {}", what, location),
        location: Some(location),
    }
}

/// What an EXPRESS machine may not use: activities, `.sync` and `.waitForTaskToken` integrations.
pub fn express_diagnostics(root: &Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    walk(root, &mut String::new(), &mut out);
    out
}

fn walk(v: &Value, pointer: &mut String, out: &mut Vec<Diagnostic>) {
    let len = pointer.len();
    if let Some(o) = v.as_object() {
        if o.get("Type").and_then(Value::as_str) == Some("Task") {
            if let Some(r) = o.get("Resource").and_then(Value::as_str) {
                let message = if r.contains(":activity:") {
                    Some("Express state machine does not support Activity ARN".to_string())
                } else if r.ends_with(".waitForTaskToken") {
                    Some("Express state machine does not support '.waitForTaskToken' service integration ".to_string())
                } else if r.ends_with(".sync") || r.ends_with(".sync:2") {
                    Some("Express state machine does not support '.sync' service integration ".to_string())
                } else {
                    None
                };
                if let Some(m) = message {
                    out.push(Diagnostic::error("SCHEMA_VALIDATION_FAILED", format!("{}/Resource", pointer), m));
                }
            }
        }
        for (k, child) in o.iter() {
            pointer.push('/');
            json::escape_pointer_token(k, pointer);
            walk(child, pointer, out);
            pointer.truncate(len);
        }
    } else if let Some(a) = v.as_array() {
        for (i, child) in a.iter().enumerate() {
            pointer.push('/');
            pointer.push_str(&i.to_string());
            walk(child, pointer, out);
            pointer.truncate(len);
        }
    }
}
