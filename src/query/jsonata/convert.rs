//! The boundary between our [`Value`] and `jsonata-core`'s `JValue`.
//!
//! Both are reference-counted trees, so strings cross without copying.
//! Numbers: JSONata has only doubles; a double that is a whole number (and
//! exact, below 2⁵³) comes back as [`Number::Int`], which is how jsonata
//! prints it (`1+1` is `2`, not `2.0`). Object member order is kept both ways.
//!
//! Coming back, values JSON cannot hold are treated as `JSON.stringify`
//! treats them: functions and `undefined` are left out of objects and become
//! `null` in arrays, a regex is `{}`; `NaN` and infinities are an error.

use super::EvalError;
use crate::value::{Map, Number, Value};
use indexmap::IndexMap;
use jsonata_core::value::JValue;
use std::rc::Rc;

/// The deepest value that crosses the boundary, either way. Our JSON parser
/// accepts 512 levels; results may be as deep, and a little more.
pub const MAX_DEPTH: usize = 1024;

/// The largest result that comes back, counting one per value plus the bytes of every
/// string and key: JSONata values share their parts, so a few steps can build a value
/// whose copy would be exponentially large (`$reduce([1..40], function($a, $b){[$a, $a]}, 1)`
/// is forty steps and 2^40 leaves); copying stops here with `D1014` instead of
/// running out of time or memory. Eight times the 256 KiB any state may hold (a value
/// this large would fail the state anyway, with `States.DataLimitExceeded`).
pub const MAX_RESULT_SIZE: usize = 2 << 20;

fn too_large() -> EvalError {
    EvalError::new(Some("D1014"), format!("The result is larger than {} (a value, plus the bytes of each string, counts one)", MAX_RESULT_SIZE))
}

fn too_deep() -> EvalError {
    EvalError::new(None, format!("The value is nested deeper than {} levels", MAX_DEPTH))
}

/// Our value as a JSONata input, binding or function result.
pub fn to_jvalue(v: &Value) -> Result<JValue, EvalError> {
    to_j(v, 0)
}

fn to_j(v: &Value, depth: usize) -> Result<JValue, EvalError> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    Ok(match v {
        Value::Null => JValue::Null,
        Value::Bool(b) => JValue::Bool(*b),
        Value::Number(n) => JValue::Number(n.as_f64()),
        Value::String(s) => JValue::String(s.clone()),
        Value::Array(a) => {
            let mut items = Vec::with_capacity(a.len());
            for item in a.iter() {
                items.push(to_j(item, depth + 1)?);
            }
            JValue::array(items)
        }
        Value::Object(o) => {
            let mut members = IndexMap::with_capacity(o.len());
            for (k, item) in o.iter() {
                members.insert(k.to_string(), to_j(item, depth + 1)?);
            }
            JValue::object(members)
        }
    })
}

/// A JSONata result as our value; `None` for `undefined` (and for a bare
/// function, which JSON cannot hold either).
pub fn from_jvalue(v: &JValue) -> Result<Option<Value>, EvalError> {
    from_j(v, 0, &mut { MAX_RESULT_SIZE })
}

/// `budget`: what may still be copied (see [`MAX_RESULT_SIZE`]).
fn from_j(v: &JValue, depth: usize, budget: &mut usize) -> Result<Option<Value>, EvalError> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    let cost = 1 + match v {
        JValue::String(s) => s.len(),
        _ => 0,
    };
    *budget = budget.checked_sub(cost).ok_or_else(too_large)?;
    Ok(Some(match v {
        JValue::Undefined | JValue::Lambda(_) | JValue::Builtin { .. } => return Ok(None),
        JValue::Null => Value::Null,
        JValue::Bool(b) => Value::Bool(*b),
        JValue::Number(f) => Value::Number(number(*f)?),
        JValue::String(s) => Value::String(s.clone()),
        JValue::Regex { .. } => Value::empty_object(),
        JValue::Array(a) => {
            let mut items = Vec::with_capacity(a.len());
            for item in a.iter() {
                items.push(from_j(item, depth + 1, budget)?.unwrap_or(Value::Null));
            }
            Value::array(items)
        }
        JValue::Object(o) => {
            let mut members = Map::with_capacity(o.len());
            for (k, item) in o.iter() {
                *budget = budget.checked_sub(k.len()).ok_or_else(too_large)?;
                if let Some(item) = from_j(item, depth + 1, budget)? {
                    members.insert(Rc::from(k.as_str()), item);
                }
            }
            Value::object(members)
        }
    }))
}

/// A double as JSONata prints it: whole numbers below 2⁵³ as integers.
pub fn number(f: f64) -> Result<Number, EvalError> {
    if !f.is_finite() {
        return Err(EvalError::new(Some("D1001"), format!("Number out of range: {}", f)));
    }
    Ok(if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 { Number::Int(f as i64) } else { Number::Float(f) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(json: &str) -> String {
        let v = crate::json::parse(json).unwrap();
        from_jvalue(&to_jvalue(&v).unwrap()).unwrap().unwrap().to_json()
    }

    #[test]
    fn values_cross_unchanged() {
        assert_eq!(round_trip(r#"{"b":1,"a":[true,null,"x",1.5,-0]}"#), r#"{"b":1,"a":[true,null,"x",1.5,0]}"#);
        assert_eq!(round_trip("9007199254740993"), "9007199254740992");
        assert_eq!(round_trip("1e300"), "1e+300");
    }

    #[test]
    fn what_json_cannot_hold() {
        assert_eq!(from_jvalue(&JValue::Undefined).unwrap(), None);
        let arr = JValue::array(vec![JValue::Undefined, JValue::builtin("sum")]);
        assert_eq!(from_jvalue(&arr).unwrap().unwrap().to_json(), "[null,null]");
        let mut m = IndexMap::new();
        m.insert("f".to_string(), JValue::builtin("sum"));
        m.insert("r".to_string(), JValue::regex("a", ""));
        assert_eq!(from_jvalue(&JValue::object(m)).unwrap().unwrap().to_json(), r#"{"r":{}}"#);
        assert_eq!(from_jvalue(&JValue::Number(f64::INFINITY)).unwrap_err().code.as_deref(), Some("D1001"));
    }

    #[test]
    fn depth_is_bounded() {
        let mut v = JValue::Null;
        for _ in 0..MAX_DEPTH + 2 {
            v = JValue::array(vec![v]);
        }
        assert!(from_jvalue(&v).unwrap_err().message.contains("nested deeper"));
    }
}
