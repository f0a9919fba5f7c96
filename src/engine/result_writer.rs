//! A distributed Map's `ResultWriter`: the child executions' results as AWS exports
//! them (`SUCCEEDED_0.json`, `FAILED_0.json` and `manifest.json` under
//! `<Prefix>/<map run id>/` in the in-memory S3) or, with only a `WriterConfig`, as the
//! Map's own result; `WriterConfig.OutputType` JSON or JSONL and `Transformation`
//! NONE (the child executions' descriptions), COMPACT (input and output or error) or
//! FLATTEN (the outputs, arrays spliced in). Failures are `States.ResultWriterFailed`.

use crate::definition::WriterConfig;
use crate::query::Failure;
use crate::s3::S3;
use crate::time::format_context_timestamp;
use crate::value::{Map, Value};
use std::rc::Rc;

pub(crate) const RESULT_WRITER_FAILED: &str = "States.ResultWriterFailed";

fn obj(pairs: Vec<(&str, Value)>) -> Value {
    let mut m = Map::with_capacity(pairs.len());
    for (k, v) in pairs {
        m.insert(Rc::from(k), v);
    }
    Value::object(m)
}

/// One child execution as the NONE transformation describes it (DescribeExecution's shape).
fn described(map_run_arn: &str, index: usize, input: &Value, result: &Result<Value, Failure>, now: i64) -> Value {
    let execution_arn = format!("{}:{}", map_run_arn.replacen(":mapRun:", ":execution:", 1), index);
    let name = execution_arn.rsplit(':').next().unwrap_or("").to_string();
    let date = Value::string(&format_context_timestamp(now));
    let mut pairs = vec![
        ("ExecutionArn", Value::string(&execution_arn)),
        ("Input", Value::string(&input.to_json())),
        ("InputDetails", obj(vec![("Included", Value::Bool(true))])),
        ("Name", Value::string(&name)),
    ];
    match result {
        Ok(output) => {
            pairs.push(("Output", Value::string(&output.to_json())));
            pairs.push(("OutputDetails", obj(vec![("Included", Value::Bool(true))])));
            pairs.push(("RedriveCount", Value::int(0)));
            pairs.push(("RedriveStatus", Value::string("NOT_REDRIVABLE")));
            pairs.push(("RedriveStatusReason", Value::string("Execution is SUCCEEDED and cannot be redriven")));
        }
        Err(f) => {
            pairs.push(("Error", Value::string(&f.error)));
            pairs.push(("Cause", Value::string(&f.cause)));
            pairs.push(("RedriveCount", Value::int(0)));
            pairs.push(("RedriveStatus", Value::string("REDRIVABLE")));
        }
    }
    pairs.push(("StartDate", date.clone()));
    // The Map Run's state machine: `stateMachine:<machine>/<label>`, without the run id.
    let machine = map_run_arn.replacen(":mapRun:", ":stateMachine:", 1);
    pairs.push(("StateMachineArn", Value::string(machine.rsplit_once(':').map_or(machine.as_str(), |(m, _)| m))));
    pairs.push(("Status", Value::string(if result.is_ok() { "SUCCEEDED" } else { "FAILED" })));
    pairs.push(("StopDate", date));
    obj(pairs)
}

fn compact(input: &Value, result: &Result<Value, Failure>) -> Value {
    match result {
        Ok(output) => obj(vec![("Input", input.clone()), ("Output", output.clone())]),
        Err(f) => obj(vec![("Input", input.clone()), ("Error", Value::string(&f.error)), ("Cause", Value::string(&f.cause))]),
    }
}

/// The entries of the SUCCEEDED and FAILED result sets under `transformation`.
fn entries(transformation: &str, map_run_arn: &str, results: &[Result<Value, Failure>], inputs: &[Value], now: i64) -> (Vec<Value>, Vec<Value>) {
    let (mut succeeded, mut failed) = (Vec::new(), Vec::new());
    for (i, r) in results.iter().enumerate() {
        let input = inputs.get(i).cloned().unwrap_or(Value::Null);
        let target = if r.is_ok() { &mut succeeded } else { &mut failed };
        match transformation {
            "COMPACT" => target.push(compact(&input, r)),
            "FLATTEN" => match r {
                Ok(Value::Array(a)) => target.extend(a.iter().cloned()),
                Ok(v) => target.push(v.clone()),
                Err(_) => target.push(compact(&input, r)),
            },
            _ => target.push(described(map_run_arn, i, &input, r, now)),
        }
    }
    (succeeded, failed)
}

fn body(output_type: &str, entries: &[Value]) -> String {
    if output_type == "JSONL" {
        entries.iter().map(|e| e.to_json() + "\n").collect()
    } else {
        Value::array(entries.to_vec()).to_json()
    }
}

/// The Map's result with only a `WriterConfig`: the results shaped by its transformation.
pub(crate) fn formatted(config: &WriterConfig, results: &[Result<Value, Failure>], inputs: &[Value]) -> Value {
    let (succeeded, failed) = entries(&config.transformation, "", results, inputs, 0);
    if failed.is_empty() {
        Value::array(succeeded)
    } else {
        Value::array(succeeded.into_iter().chain(failed).collect())
    }
}

/// Write the result files and the manifest; the Map's result `{MapRunArn, ResultWriterDetails}`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn export(
    s3: &mut S3,
    params: &Value,
    config: Option<&WriterConfig>,
    map_run_arn: &str,
    run_id: &str,
    results: &[Result<Value, Failure>],
    inputs: &[Value],
    now: i64,
) -> Result<Value, Failure> {
    let bucket = match params.get("Bucket") {
        Some(Value::String(b)) => b.to_string(),
        _ => return Err(Failure::new(RESULT_WRITER_FAILED, "The ResultWriter's Parameters must give the Bucket as a string")),
    };
    let prefix = params.get("Prefix").and_then(Value::as_str).unwrap_or("");
    let folder = if prefix.is_empty() { run_id.to_string() } else { format!("{}/{}", prefix.trim_end_matches('/'), run_id) };
    let output_type = config.map_or("JSON", |c| c.output_type.as_str());
    let transformation = config.map_or("NONE", |c| c.transformation.as_str());
    let extension = if output_type == "JSONL" { "jsonl" } else { "json" };
    let (succeeded, failed) = entries(transformation, map_run_arn, results, inputs, now);
    let mut files = Map::default();
    for (status, set) in [("SUCCEEDED", &succeeded), ("FAILED", &failed), ("PENDING", &Vec::new())] {
        let mut listed = Vec::new();
        if !set.is_empty() {
            let key = format!("{}/{}_0.{}", folder, status, extension);
            let text = body(output_type, set);
            let size = text.len();
            s3.put_object(&bucket, &key, &text, now).map_err(|e| {
                Failure::new(
                    RESULT_WRITER_FAILED,
                    format!(
                        "Unable to write the results to bucket '{}': {} (Service: S3, Status Code: 404, Error Code: {})",
                        bucket,
                        e.message(),
                        e.code()
                    ),
                )
            })?;
            listed.push(obj(vec![("Key", Value::string(&key)), ("Size", Value::int(size as i64))]));
        }
        files.insert(Rc::from(status), Value::array(listed));
    }
    let manifest =
        obj(vec![("DestinationBucket", Value::string(&bucket)), ("MapRunArn", Value::string(map_run_arn)), ("ResultFiles", Value::object(files))]);
    let manifest_key = format!("{}/manifest.json", folder);
    s3.put_object(&bucket, &manifest_key, &manifest.to_json(), now).map_err(|e| {
        Failure::new(
            RESULT_WRITER_FAILED,
            format!("Unable to write the results to bucket '{}': {} (Service: S3, Status Code: 404, Error Code: {})", bucket, e.message(), e.code()),
        )
    })?;
    Ok(obj(vec![
        ("MapRunArn", Value::string(map_run_arn)),
        ("ResultWriterDetails", obj(vec![("Bucket", Value::string(&bucket)), ("Key", Value::string(&manifest_key))])),
    ]))
}
