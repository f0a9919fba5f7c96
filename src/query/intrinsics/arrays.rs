//! The array functions: `States.Array`, `States.ArrayPartition`, `States.ArrayContains`,
//! `States.ArrayRange`, `States.ArrayGetItem`, `States.ArrayLength` and `States.ArrayUnique`.
//! Items compare as Java's `equals` does (`java::equals`: `1` and `1.0` differ).

use super::{java, Call, MAX_RANGE_ITEMS};
use crate::query::Failure;
use crate::value::Value;

impl Call {
    /// `States.Array(value, …)`
    pub(super) fn array_of(&self, args: &[Value]) -> Result<Value, Failure> {
        Ok(Value::array(args.to_vec()))
    }

    /// `States.ArrayPartition(array, chunk size)`
    pub(super) fn array_partition(&self, args: &[Value]) -> Result<Value, Failure> {
        let items = self.array(&args[0], "first argument")?;
        let size = self.integer(&args[1], "chunk size")?;
        if size <= 0 {
            return Err(self.fail(format_args!("the chunk size must be a positive integer, but it is {}", size)));
        }
        let chunks = items.chunks(usize::try_from(size).unwrap_or(usize::MAX));
        Ok(Value::array(chunks.map(|c| Value::array(c.to_vec())).collect()))
    }

    /// `States.ArrayContains(array, value)`
    pub(super) fn array_contains(&self, args: &[Value]) -> Result<Value, Failure> {
        let items = self.array(&args[0], "first argument")?;
        Ok(Value::Bool(items.iter().any(|v| java::equals(v, &args[1]))))
    }

    /// `States.ArrayRange(start, end, step)`
    pub(super) fn array_range(&self, args: &[Value]) -> Result<Value, Failure> {
        let start = self.integer(&args[0], "start")? as i128;
        let end = self.integer(&args[1], "end")? as i128;
        let step = self.integer(&args[2], "step")? as i128;
        if step == 0 {
            return Err(self.fail("the step must not be 0"));
        }
        // The end is included when a step lands on it (recorded: `(1, 9, 2)` → `[1,3,5,7,9]`).
        let count = if (step > 0 && start <= end) || (step < 0 && start >= end) { (end - start) / step + 1 } else { 0 };
        if count > MAX_RANGE_ITEMS {
            return Err(self.fail(format_args!("the range would hold {} items, but an array can hold at most {}", count, MAX_RANGE_ITEMS)));
        }
        Ok(Value::array((0..count).map(|k| Value::int((start + k * step) as i64)).collect()))
    }

    /// `States.ArrayGetItem(array, index)`
    pub(super) fn array_get_item(&self, args: &[Value]) -> Result<Value, Failure> {
        let items = self.array(&args[0], "first argument")?;
        let index = self.integer(&args[1], "index")?;
        usize::try_from(index)
            .ok()
            .and_then(|i| items.get(i))
            .cloned()
            .ok_or_else(|| self.fail(format_args!("the index {} is out of bounds for an array of {} items", index, items.len())))
    }

    /// `States.ArrayLength(array)`
    pub(super) fn array_length(&self, args: &[Value]) -> Result<Value, Failure> {
        Ok(Value::int(self.array(&args[0], "argument")?.len() as i64))
    }

    /// `States.ArrayUnique(array)`: the first of equal items stays, in order
    pub(super) fn array_unique(&self, args: &[Value]) -> Result<Value, Failure> {
        let items = self.array(&args[0], "argument")?;
        let mut out: Vec<Value> = Vec::with_capacity(items.len());
        for v in items {
            if !out.iter().any(|seen| java::equals(seen, v)) {
                out.push(v.clone());
            }
        }
        Ok(Value::array(out))
    }
}
