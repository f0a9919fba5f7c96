//! Unmocked `arn:aws:states:::aws-sdk:s3:*` tasks acting on the in-memory S3:
//! getObject, putObject, headObject, deleteObject, copyObject, listObjectsV2 and
//! listObjects, answering with the SDK's response shapes (as AWS records them in
//! `TaskSucceeded`) and failing with its errors (`S3.NoSuchKeyException`, …). A mock,
//! when there is one, wins; an action not listed here pauses like any unmocked task.

use super::Execution;
use crate::definition::{IntegrationPattern, Resource};
use crate::query::Failure;
use crate::s3::{Object, S3Error, S3};
use crate::time::format_context_timestamp;
use crate::value::{Map, Value};
use std::rc::Rc;

fn obj(pairs: Vec<(&str, Value)>) -> Value {
    let mut m = Map::with_capacity(pairs.len());
    for (k, v) in pairs {
        m.insert(Rc::from(k), v);
    }
    Value::object(m)
}

fn sdk(e: S3Error) -> Failure {
    Failure::new(e.sdk_error(), e.sdk_cause())
}

fn param<'a>(params: &'a Value, name: &str) -> Result<&'a str, Failure> {
    match params.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(Failure::new("S3.S3Exception", format!("The parameter {} must be a string, but was: {}", name, other.to_json()))),
        None => Err(Failure::new("S3.S3Exception", format!("The parameter {} is required (Service: S3, Status Code: 400)", name))),
    }
}

fn optional<'a>(params: &'a Value, name: &str) -> Option<&'a str> {
    params.get(name).and_then(Value::as_str)
}

fn head(o: &Object) -> Vec<(&'static str, Value)> {
    vec![
        ("AcceptRanges", Value::string("bytes")),
        ("ContentLength", Value::int(o.size() as i64)),
        ("ContentType", Value::string("binary/octet-stream")),
        ("ETag", Value::string(&o.etag())),
        ("LastModified", Value::string(&format_context_timestamp(o.last_modified))),
        ("Metadata", Value::empty_object()),
        ("ServerSideEncryption", Value::string("AES256")),
    ]
}

fn entry(key: &str, o: &Object) -> Value {
    obj(vec![
        ("ETag", Value::string(&o.etag())),
        ("Key", Value::string(key)),
        ("LastModified", Value::string(&format_context_timestamp(o.last_modified))),
        ("Size", Value::int(o.size() as i64)),
        ("StorageClass", Value::string("STANDARD")),
    ])
}

impl Execution {
    /// An `aws-sdk:s3` request-response task with no mock, answered by the in-memory S3.
    pub(super) fn unmocked_s3(&mut self, resource: &Resource, params: &Value) -> Option<Result<Value, Failure>> {
        match resource {
            Resource::Integration { resource_type, resource, pattern: IntegrationPattern::RequestResponse, .. } if resource_type == "aws-sdk:s3" => {
                let now = self.clock;
                call(&mut self.s3, resource, params, now)
            }
            _ => None,
        }
    }
}

/// The result of `action` with `params`, or `None` when the action is not simulated.
pub(crate) fn call(s3: &mut S3, action: &str, params: &Value, now: i64) -> Option<Result<Value, Failure>> {
    let result = match action {
        "getObject" => (|| {
            let o = s3.get_object(param(params, "Bucket")?, param(params, "Key")?).map_err(sdk)?;
            let mut pairs = head(o);
            pairs.push(("Body", Value::String(o.body.clone())));
            Ok(obj(pairs))
        })(),
        "headObject" => (|| Ok(obj(head(s3.get_object(param(params, "Bucket")?, param(params, "Key")?).map_err(sdk)?))))(),
        "putObject" => (|| {
            let body = match params.get("Body") {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.to_string(),
                Some(other) => other.to_json(),
            };
            let o = s3.put_object(param(params, "Bucket")?, param(params, "Key")?, &body, now).map_err(sdk)?;
            Ok(obj(vec![("ETag", Value::string(&o.etag())), ("ServerSideEncryption", Value::string("AES256"))]))
        })(),
        "deleteObject" => (|| {
            s3.delete_object(param(params, "Bucket")?, param(params, "Key")?).map_err(sdk)?;
            Ok(Value::empty_object())
        })(),
        "copyObject" => (|| {
            let source = param(params, "CopySource")?;
            let (from_bucket, from_key) = source.trim_start_matches('/').split_once('/').ok_or_else(|| {
                Failure::new("S3.S3Exception", format!("Invalid copy source object key: {} (Service: S3, Status Code: 400)", source))
            })?;
            let body = s3.get_object(from_bucket, from_key).map_err(sdk)?.body.clone();
            let o = s3.put_object(param(params, "Bucket")?, param(params, "Key")?, &body, now).map_err(sdk)?;
            let result = obj(vec![("ETag", Value::string(&o.etag())), ("LastModified", Value::string(&format_context_timestamp(now)))]);
            Ok(obj(vec![("CopyObjectResult", result), ("ServerSideEncryption", Value::string("AES256"))]))
        })(),
        "listObjectsV2" | "listObjects" => (|| {
            let bucket = param(params, "Bucket")?;
            let prefix = optional(params, "Prefix").unwrap_or("");
            let max_keys = params.get("MaxKeys").and_then(Value::as_number).and_then(|n| n.as_i64()).unwrap_or(1000).clamp(0, 1000) as usize;
            let after = if action == "listObjects" {
                optional(params, "Marker")
            } else {
                optional(params, "ContinuationToken").or(optional(params, "StartAfter"))
            };
            let listed = s3.list(bucket, prefix, after).map_err(sdk)?;
            let truncated = listed.len() > max_keys;
            let page: Vec<Value> = listed.iter().take(max_keys).map(|(k, o)| entry(k, o)).collect();
            let last = listed[..listed.len().min(max_keys)].last().map(|(k, _)| k.to_string());
            let mut pairs = vec![("Contents", Value::array(page.clone())), ("IsTruncated", Value::Bool(truncated))];
            if action == "listObjectsV2" {
                pairs.push(("KeyCount", Value::int(page.len() as i64)));
            } else {
                pairs.push(("Marker", Value::string(after.unwrap_or(""))));
            }
            pairs.push(("MaxKeys", Value::int(max_keys as i64)));
            pairs.push(("Name", Value::string(bucket)));
            if let (true, Some(last)) = (truncated, last) {
                pairs.push((if action == "listObjectsV2" { "NextContinuationToken" } else { "NextMarker" }, Value::string(&last)));
            }
            pairs.push(("Prefix", Value::string(prefix)));
            Ok(obj(pairs))
        })(),
        _ => return None,
    };
    Some(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn run(s3: &mut S3, action: &str, params: &str) -> Result<Value, Failure> {
        call(s3, action, &json::parse(params).unwrap(), 0).unwrap()
    }

    #[test]
    fn put_then_get_round_trips_and_a_missing_key_fails_as_the_sdk_does() {
        let mut s3 = S3::from_json(r#"{"b": {}}"#).unwrap();
        run(&mut s3, "putObject", r#"{"Bucket": "b", "Key": "k", "Body": {"x": 1}}"#).unwrap();
        let got = run(&mut s3, "getObject", r#"{"Bucket": "b", "Key": "k"}"#).unwrap();
        assert_eq!(got.get("Body").and_then(Value::as_str), Some(r#"{"x":1}"#));
        let f = run(&mut s3, "getObject", r#"{"Bucket": "b", "Key": "nope"}"#).unwrap_err();
        assert_eq!(f.error, "S3.NoSuchKeyException");
        assert!(f.cause.starts_with("The specified key does not exist. (Service: S3, Status Code: 404"));
        let f = run(&mut s3, "headObject", r#"{"Bucket": "x", "Key": "k"}"#).unwrap_err();
        assert_eq!(f.error, "S3.NoSuchBucketException");
    }

    #[test]
    fn listings_page_by_max_keys() {
        let mut s3 = S3::from_json(r#"{"b": {"a": "1", "b": "2", "c": "3"}}"#).unwrap();
        let page = run(&mut s3, "listObjectsV2", r#"{"Bucket": "b", "MaxKeys": 2}"#).unwrap();
        assert_eq!(page.get("KeyCount").map(Value::to_json).as_deref(), Some("2"));
        assert_eq!(page.get("NextContinuationToken").and_then(Value::as_str), Some("b"));
        let rest = run(&mut s3, "listObjectsV2", r#"{"Bucket": "b", "ContinuationToken": "b"}"#).unwrap();
        assert_eq!(rest.get("KeyCount").map(Value::to_json).as_deref(), Some("1"));
    }

    #[test]
    fn copy_and_delete() {
        let mut s3 = S3::from_json(r#"{"b": {"a": "1"}, "c": {}}"#).unwrap();
        run(&mut s3, "copyObject", r#"{"Bucket": "c", "Key": "z", "CopySource": "b/a"}"#).unwrap();
        assert_eq!(&*s3.get_object("c", "z").unwrap().body, "1");
        run(&mut s3, "deleteObject", r#"{"Bucket": "b", "Key": "a"}"#).unwrap();
        assert!(s3.get_object("b", "a").is_err());
        assert!(call(&mut s3, "selectObjectContent", &Value::empty_object(), 0).is_none());
    }
}
