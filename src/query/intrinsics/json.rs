//! The JSON functions: `States.StringToJson` (Jackson's reading, blank text is `null`),
//! `States.JsonToString` (Java's number text) and `States.JsonMerge` (shallow only, as on AWS).

use super::{describe, java, Call};
use crate::query::Failure;
use crate::value::Value;

impl Call {
    /// `States.StringToJson(text)`
    pub(super) fn string_to_json(&self, args: &[Value]) -> Result<Value, Failure> {
        let s = self.string(&args[0], "argument")?;
        if s.trim().is_empty() {
            // Jackson reads no value from blank text; AWS returns null (recorded).
            return Ok(Value::Null);
        }
        crate::json::parse(s).map_err(|e| self.fail(format_args!("the argument is not valid JSON text: {}", e)))
    }

    /// `States.JsonToString(value)`
    pub(super) fn json_to_string(&self, args: &[Value]) -> Result<Value, Failure> {
        Ok(Value::from(java::to_json(&args[0])))
    }

    /// `States.JsonMerge(object, object, false)`
    pub(super) fn json_merge(&self, args: &[Value]) -> Result<Value, Failure> {
        let left = self.object(&args[0], "first argument")?;
        let right = self.object(&args[1], "second argument")?;
        match args[2] {
            Value::Bool(false) => {}
            Value::Bool(true) => return Err(self.fail("deep merging is not supported: the third argument must be false")),
            ref v => return Err(self.fail(format_args!("the third argument must be the boolean false, but it is {}", describe(v)))),
        }
        // Shallow: the second object's members replace the first's, keeping the first's order.
        let mut merged = left.clone();
        for (k, v) in right.iter() {
            merged.insert(k.clone(), v.clone());
        }
        Ok(Value::object(merged))
    }
}
