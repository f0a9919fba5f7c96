//! A distributed Map's data plane around its child executions: where its items come
//! from (`ItemReader`, read from the in-memory S3 after `MapRunStarted`), how they are
//! grouped (`ItemBatcher`: `MaxItemsPerBatch`, `MaxInputBytesPerBatch`, `BatchInput`),
//! and where the results go (`ResultWriter`). `children.rs` runs the children; this
//! module evaluates the fields and shapes the data, with AWS's errors and messages.

use super::dataflow::{plain, runtime, whole_number, whole_number_strict};
use super::item_reader::{read_items, ITEM_READER_FAILED};
use super::result_writer;
use super::thread::Active;
use super::{Execution, ThreadId};
use crate::definition::{MapState, NumberSource, Resource};
use crate::query::{Failure, Template};
use crate::value::{Map, Value};
use std::rc::Rc;

/// What a Map with an `ItemReader` or `ItemBatcher` will do once its run starts.
#[derive(Debug, Default)]
pub(crate) struct DataPlan {
    /// `getObject` / `listObjectsV2` and the evaluated `Parameters` / `Arguments`.
    pub reader: Option<(String, Value)>,
    /// `MaxItems(Path)`, as evaluated (checked when reading: negative fails there).
    pub max_items: i64,
    /// `MaxItemsPerBatch`, `MaxInputBytesPerBatch` (0: no limit) and `BatchInput`.
    pub batch: Option<(u64, u64, Option<Value>)>,
    /// The ResultWriter's evaluated `Parameters` (`Bucket`, `Prefix`), when it exports.
    pub writer: Option<Value>,
    /// The items were read (and batched).
    pub read: bool,
    /// A Map without an ItemReader: its items from the input, before batching.
    pub source: Option<Vec<Value>>,
}

impl Execution {
    /// Evaluate the ItemReader's and ResultWriter's parameters against the Map's
    /// effective input (JSONPath) or `$states.input` (JSONata); `None` for a Map reading
    /// its items from the input without batching or exporting.
    pub(super) fn data_plan(&mut self, tid: ThreadId, a: &Active, m: &MapState, effective: &Value) -> Result<Option<Box<DataPlan>>, Failure> {
        if m.item_reader.is_none() && m.item_batcher.is_none() && m.result_writer.is_none() {
            return Ok(None);
        }
        let jsonata = self.is_jsonata(a);
        let mut plan = DataPlan::default();
        if let Some(r) = &m.item_reader {
            let action = match &r.resource {
                Resource::Integration { resource, .. } => resource.clone(),
                _ => "getObject".to_string(),
            };
            let params = self.parameters(tid, a, &r.parameters, effective, jsonata, "Arguments")?;
            plan.reader = Some((action, params));
        }
        if let Some(w) = m.result_writer.as_ref().filter(|w| w.resource.is_some()) {
            plan.writer = Some(self.parameters(tid, a, &w.parameters, effective, jsonata, "Arguments")?);
        }
        Ok(Some(Box::new(plan)))
    }

    fn parameters(
        &mut self,
        tid: ThreadId,
        a: &Active,
        t: &Option<Template>,
        effective: &Value,
        jsonata: bool,
        field: &str,
    ) -> Result<Value, Failure> {
        match (t, jsonata) {
            (Some(t), true) => self.jsonata(tid, a, t, field, None, None),
            (None, _) => Ok(Value::empty_object()),
            (t, false) => self.template(tid, a, t, effective),
        }
    }

    /// `MaxItems(Path)` and the ItemBatcher's fields, read after `MapStateStarted` (a
    /// `MaxItemsPath` that is not an integer fails there with `States.Runtime`, as AWS records).
    pub(super) fn plan_limits(&mut self, tid: ThreadId, a: &Active, m: &MapState, effective: &Value, plan: &mut DataPlan) -> Result<(), Failure> {
        if let Some(src) = m.item_reader.as_ref().and_then(|r| r.reader_config.max_items.as_ref()) {
            plan.max_items = self.count(tid, a, src, effective, "MaxItems")?;
        }
        if let Some(b) = &m.item_batcher {
            let number = |this: &mut Execution, src: &Option<NumberSource>, field: &str| -> Result<u64, Failure> {
                match src {
                    None => Ok(0),
                    Some(s) => {
                        let n = this.count(tid, a, s, effective, field)?;
                        u64::try_from(n)
                            .ok()
                            .filter(|n| *n > 0)
                            .ok_or_else(|| runtime(&a.ctx, a.entered_event, format!("The field {} must be positive", field)))
                    }
                }
            };
            let per_batch = number(self, &b.max_items_per_batch, "MaxItemsPerBatch")?;
            let bytes = number(self, &b.max_input_bytes_per_batch, "MaxInputBytesPerBatch")?;
            let input = match (&b.batch_input, self.is_jsonata(a)) {
                (None, _) => None,
                (Some(t), true) => Some(self.jsonata(tid, a, t, "BatchInput", None, None)?),
                (t, false) => Some(self.template(tid, a, t, effective)?),
            };
            plan.batch = Some((per_batch, bytes, input));
        }
        Ok(())
    }

    /// A whole number from a literal, a `…Path` (AWS's "not a valid integer" message) or JSONata.
    fn count(&mut self, tid: ThreadId, a: &Active, src: &NumberSource, effective: &Value, field: &str) -> Result<i64, Failure> {
        match src {
            NumberSource::Literal(n) => Ok(*n as i64),
            NumberSource::Jsonata(t) => {
                let v = self.jsonata(tid, a, t, field, None, None)?;
                whole_number_strict(&v)
                    .ok_or_else(|| self.query_error(a, field, &format!("The {} field must be an integer, but was: {}", field, v.to_json())))
            }
            NumberSource::Path(p) => {
                let v = self.select(tid, a, p, effective)?;
                whole_number(&v).ok_or_else(|| {
                    runtime(
                        &a.ctx,
                        a.entered_event,
                        format!("The {}Path field refers to value \"{}\" which is not a valid integer: {}", field, plain(&v), p.text()),
                    )
                })
            }
        }
    }

    /// Read the items (when the Map has an ItemReader; otherwise `items` as they are).
    pub(super) fn planned_items(&self, m: &MapState, plan: &DataPlan, items: Vec<Value>) -> Result<Vec<Value>, Failure> {
        Ok(match (&plan.reader, &m.item_reader) {
            (Some((action, params)), Some(r)) => {
                if plan.max_items < 0 {
                    return Err(Failure::new(ITEM_READER_FAILED, "field MaxItems must be positive"));
                }
                read_items(&self.s3, action, params, &r.reader_config, plan.max_items as u64)?
            }
            _ => items,
        })
    }

    /// Export the results (ResultWriter with a Resource): the objects go into the
    /// in-memory S3, and the Map's result becomes `{MapRunArn, ResultWriterDetails}`.
    pub(super) fn write_results(
        &mut self,
        m: &MapState,
        plan: &DataPlan,
        map_run_arn: &str,
        results: &[Result<Value, Failure>],
        inputs: &[Value],
    ) -> Result<Value, Failure> {
        let params = plan.writer.as_ref().cloned().unwrap_or(Value::empty_object());
        let config = m.result_writer.as_ref().and_then(|w| w.writer_config.as_ref());
        let run_id = map_run_arn.rsplit(':').next().unwrap_or("run").to_string();
        let now = self.clock;
        result_writer::export(&mut self.s3, &params, config, map_run_arn, &run_id, results, inputs, now)
    }
}

/// Items grouped as AWS's ItemBatcher does: at most `per_batch` items (0: any number) and
/// at most `bytes` of JSON (0: no limit; a batch always holds at least one item), each
/// batch `{"Items": [...], "BatchInput": ...}` (`BatchInput` only when given).
pub(crate) fn batches(items: Vec<Value>, per_batch: u64, bytes: u64, batch_input: Option<&Value>) -> Vec<Value> {
    let per_batch = if per_batch == 0 { usize::MAX } else { usize::try_from(per_batch).unwrap_or(usize::MAX) };
    let base = "{\"Items\":[]}".len() + batch_input.map_or(0, |b| ",\"BatchInput\":".len() + b.json_len());
    let mut out = Vec::new();
    let mut current: Vec<Value> = Vec::new();
    let mut size = base;
    let close = |current: Vec<Value>, out: &mut Vec<Value>| {
        let mut m = Map::with_capacity(2);
        m.insert(Rc::from("Items"), Value::array(current));
        if let Some(b) = batch_input {
            m.insert(Rc::from("BatchInput"), b.clone());
        }
        out.push(Value::object(m));
    };
    for item in items {
        let len = item.json_len() + usize::from(!current.is_empty());
        let full = current.len() >= per_batch || (bytes > 0 && !current.is_empty() && (size + len) as u64 > bytes);
        if full {
            close(std::mem::take(&mut current), &mut out);
            size = base;
        }
        size += item.json_len() + usize::from(!current.is_empty());
        current.push(item);
    }
    if !current.is_empty() {
        close(current, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn ints(n: i64) -> Vec<Value> {
        (0..n).map(Value::int).collect()
    }

    #[test]
    fn batches_hold_at_most_the_item_count() {
        let b = batches(ints(5), 2, 0, None);
        assert_eq!(Value::array(b).to_json(), r#"[{"Items":[0,1]},{"Items":[2,3]},{"Items":[4]}]"#);
    }

    #[test]
    fn batches_stay_within_the_byte_limit_and_carry_batch_input() {
        let input = json::parse(r#"{"k":1}"#).unwrap();
        // {"Items":[0,1],"BatchInput":{"k":1}} is 36 bytes; a third item would make 38.
        let b = batches(ints(3), 0, 36, Some(&input));
        assert_eq!(Value::array(b).to_json(), r#"[{"Items":[0,1],"BatchInput":{"k":1}},{"Items":[2],"BatchInput":{"k":1}}]"#);
    }

    #[test]
    fn an_item_larger_than_the_byte_limit_gets_a_batch_of_its_own() {
        let b = batches(vec![Value::string("a long string"), Value::int(1)], 0, 5, None);
        assert_eq!(b.len(), 2);
    }
}
