//! A mocked result checked against the service's result shape (`fieldValidationMode`
//! STRICT, the default, and PRESENT), as TestState checks it.
//!
//! The shapes are data, `shapes.json`, generated from botocore's service models by
//! `scripts/gen-service-shapes.py` for the integrations listed there; they are parsed
//! only when a mock is validated. STRICT checks types, enums, lengths, ranges and the
//! required members; PRESENT only the members given. Member names match
//! case-sensitively and unknown members are accepted, as AWS's recordings show.

use crate::definition::{IntegrationPattern, Resource};
use crate::json;
use crate::value::Value;

const SHAPES: &str = include_str!("shapes.json");

/// Which members must be there.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Strict,
    Present,
}

/// The problem AWS reports for `result` as the result of `resource`, if any.
pub fn check(resource: &Resource, result: &Value, mode: Mode) -> Result<(), String> {
    let Resource::Integration { resource_type, resource, pattern: IntegrationPattern::RequestResponse, .. } = resource else { return Ok(()) };
    let data = json::parse(SHAPES).map_err(|e| format!("internal error: shapes.json: {e}"))?;
    let key = format!("{resource_type}:{resource}");
    let Some(root) = data.get("operations").and_then(|o| o.get(&key)).and_then(Value::as_str) else { return Ok(()) };
    let Some(shapes) = data.get("shapes") else { return Ok(()) };
    let checker = Checker { shapes, mode };
    checker.value(root, result, None, 0).map_err(|m| format!("Mock result schema validation error: {m}"))
}

struct Checker<'a> {
    shapes: &'a Value,
    mode: Mode,
}

/// Deeper than this, a recursive shape (DynamoDB's AttributeValue) is not followed.
const MAX_DEPTH: usize = 64;

impl Checker<'_> {
    fn value(&self, shape: &str, v: &Value, field: Option<&str>, depth: usize) -> Result<(), String> {
        let Some(spec) = self.shapes.get(shape) else { return Ok(()) };
        if depth > MAX_DEPTH {
            return Ok(());
        }
        let name = field.unwrap_or("result");
        let ty = spec.get("type").and_then(Value::as_str).unwrap_or("any");
        let must = |what: &str| Err(format!("Field '{name}' must be {what}"));
        let number = |k: &str| spec.get(k).and_then(Value::as_number).map(|n| n.as_f64());
        match ty {
            "structure" => {
                let Some(members) = v.as_object() else { return must("an object") };
                let known = spec.get("members");
                if self.mode == Mode::Strict {
                    for r in spec.get("required").and_then(Value::as_array).map(|a| a.to_vec()).unwrap_or_default() {
                        if let Some(r) = r.as_str() {
                            if members.get(r).is_none() {
                                return Err(format!("Required field '{r}' is missing"));
                            }
                        }
                    }
                }
                for (k, mv) in members.iter() {
                    if let Some(s) = known.and_then(|m| m.get(k)).and_then(Value::as_str) {
                        self.value(s, mv, Some(k), depth + 1)?;
                    }
                }
                Ok(())
            }
            "list" => {
                let Some(items) = v.as_array() else { return must("an array") };
                let member = spec.get("member").and_then(Value::as_str).unwrap_or("any");
                for item in items.iter() {
                    self.value(member, item, field, depth + 1)?;
                }
                Ok(())
            }
            "map" => {
                let Some(entries) = v.as_object() else { return must("an object") };
                let value = spec.get("value").and_then(Value::as_str).unwrap_or("any");
                for (_, ev) in entries.iter() {
                    self.value(value, ev, field, depth + 1)?;
                }
                Ok(())
            }
            "string" | "blob" => {
                let Some(s) = v.as_str() else { return must("a string") };
                if let Some(allowed) = spec.get("enum").and_then(Value::as_array) {
                    if !allowed.iter().any(|a| a.as_str() == Some(s)) {
                        return Err(format!("Field '{name}' is not an expected value"));
                    }
                }
                let len = s.chars().count() as f64;
                if number("min").is_some_and(|m| len < m) {
                    return Err(format!("Field '{name}' is smaller than the minimum length"));
                }
                if number("max").is_some_and(|m| len > m) {
                    return Err(format!("Field '{name}' exceeds the maximum length"));
                }
                Ok(())
            }
            "number" => {
                let Some(n) = v.as_number().map(|n| n.as_f64()) else { return must("a number") };
                if number("min").is_some_and(|m| n < m) {
                    return Err(format!("Field '{name}' is smaller than the minimum value"));
                }
                if number("max").is_some_and(|m| n > m) {
                    return Err(format!("Field '{name}' exceeds the maximum value"));
                }
                Ok(())
            }
            "boolean" => match v {
                Value::Bool(_) => Ok(()),
                _ => must("a boolean"),
            },
            "timestamp" => match v {
                Value::String(_) | Value::Number(_) => Ok(()),
                _ => must("a string"),
            },
            _ => Ok(()),
        }
    }
}
