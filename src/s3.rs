//! The in-memory S3 a run reads and writes: buckets of objects the user gives
//! (`--s3 FILE`, the JS option `s3`, the page's S3 editor), read by a distributed Map's
//! ItemReader and unmocked `aws-sdk:s3` tasks, written by ResultWriter and `putObject`.
//!
//! It owns the objects, the record of what a run wrote (`s3Written`), the error codes
//! and messages S3 answers with (`NoSuchBucket`, `NoSuchKey`), and the shapes of the
//! SDK's responses that do not depend on the caller (ETag, size, listing entries).
//! Nothing here reads a clock: `LastModified` is the time the caller passes in.

use crate::json;
use crate::value::{Map, Value};
use std::collections::BTreeMap;
use std::rc::Rc;

/// One stored object: its body as text (S3 bodies are bytes; the simulator's are UTF-8).
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    pub body: Rc<str>,
    /// Milliseconds since the Unix epoch of the write; 0 for objects the user gave.
    pub last_modified: i64,
}

impl Object {
    /// The ETag S3 gives a single-part upload: the body's MD5 in quotes. The simulator
    /// has no MD5 dependency, so it is a stable 128-bit digest of the body in the same form.
    pub fn etag(&self) -> String {
        let mut h = [0xcbf2_9ce4_8422_2325u64, 0x8422_2325_cbf2_9ce4u64];
        for b in self.body.bytes() {
            h[0] = (h[0] ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
            h[1] = (h[1] ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(7);
        }
        format!("\"{:016x}{:016x}\"", h[0], h[1])
    }
    pub fn size(&self) -> usize {
        self.body.len()
    }
}

/// The request ids S3 would put in an error's text; fixed, as nothing here is random.
const REQUEST_ID: &str = "ASLSIM0000000000";
const EXTENDED_REQUEST_ID: &str = "asl-sim/in-memory-s3";

/// What S3 answers when a request cannot be served, as the SDK names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum S3Error {
    NoSuchBucket { bucket: String },
    NoSuchKey { bucket: String, key: String },
}

impl S3Error {
    /// The S3 error code (`NoSuchBucket`, `NoSuchKey`).
    pub fn code(&self) -> &'static str {
        match self {
            S3Error::NoSuchBucket { .. } => "NoSuchBucket",
            S3Error::NoSuchKey { .. } => "NoSuchKey",
        }
    }
    /// S3's message for the code.
    pub fn message(&self) -> &'static str {
        match self {
            S3Error::NoSuchBucket { .. } => "The specified bucket does not exist",
            S3Error::NoSuchKey { .. } => "The specified key does not exist.",
        }
    }
    /// The error name a Step Functions `aws-sdk:s3` task fails with (`S3.NoSuchKeyException`).
    pub fn sdk_error(&self) -> String {
        format!("S3.{}Exception", self.code())
    }
    /// The cause text as the SDK renders a service error.
    pub fn sdk_cause(&self) -> String {
        format!("{} (Service: S3, Status Code: 404, Request ID: {}, Extended Request ID: {})", self.message(), REQUEST_ID, EXTENDED_REQUEST_ID)
    }
}

/// Buckets → keys → objects, in key order (as S3 lists them), plus what the run wrote.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct S3 {
    buckets: BTreeMap<String, BTreeMap<String, Object>>,
    written: BTreeMap<String, BTreeMap<String, Rc<str>>>,
}

impl S3 {
    /// An S3 with no buckets.
    pub fn new() -> S3 {
        S3::default()
    }

    /// The `--s3` form: `{"<bucket>": {"<key>": "<body text>", ...}, ...}`; a bucket may be
    /// `{}`, and a body that is not a string is stored as its JSON text.
    pub fn from_value(v: &Value) -> Result<S3, String> {
        let buckets = v.as_object().ok_or("the S3 contents must be an object of buckets, {\"bucket\": {\"key\": \"body\"}}")?;
        let mut s3 = S3::new();
        for (bucket, objects) in buckets.iter() {
            let objects = objects.as_object().ok_or_else(|| format!("bucket {:?} must be an object of keys to bodies", bucket))?;
            s3.create_bucket(bucket);
            for (key, body) in objects.iter() {
                let text = match body {
                    Value::String(s) => s.to_string(),
                    other => other.to_json(),
                };
                s3.insert(bucket, key, &text, 0);
            }
        }
        Ok(s3)
    }

    /// Parse the `--s3` form from JSON text.
    pub fn from_json(text: &str) -> Result<S3, String> {
        let v = json::parse(text).map_err(|e| e.to_string())?;
        S3::from_value(&v)
    }

    pub fn create_bucket(&mut self, bucket: &str) {
        self.buckets.entry(bucket.to_string()).or_default();
    }

    pub fn has_bucket(&self, bucket: &str) -> bool {
        self.buckets.contains_key(bucket)
    }

    /// Store an object without recording it as written (the user's fixtures).
    pub fn insert(&mut self, bucket: &str, key: &str, body: &str, last_modified: i64) {
        self.buckets.entry(bucket.to_string()).or_default().insert(key.to_string(), Object { body: Rc::from(body), last_modified });
    }

    /// PutObject: the bucket must exist; the write is recorded in [`S3::written`].
    pub fn put_object(&mut self, bucket: &str, key: &str, body: &str, now: i64) -> Result<&Object, S3Error> {
        let objects = self.buckets.get_mut(bucket).ok_or_else(|| S3Error::NoSuchBucket { bucket: bucket.to_string() })?;
        objects.insert(key.to_string(), Object { body: Rc::from(body), last_modified: now });
        self.written.entry(bucket.to_string()).or_default().insert(key.to_string(), Rc::from(body));
        Ok(&self.buckets[bucket][key])
    }

    pub fn get_object(&self, bucket: &str, key: &str) -> Result<&Object, S3Error> {
        let objects = self.buckets.get(bucket).ok_or_else(|| S3Error::NoSuchBucket { bucket: bucket.to_string() })?;
        objects.get(key).ok_or_else(|| S3Error::NoSuchKey { bucket: bucket.to_string(), key: key.to_string() })
    }

    /// DeleteObject: S3 answers success for a key that is not there; the bucket must exist.
    pub fn delete_object(&mut self, bucket: &str, key: &str) -> Result<bool, S3Error> {
        let objects = self.buckets.get_mut(bucket).ok_or_else(|| S3Error::NoSuchBucket { bucket: bucket.to_string() })?;
        Ok(objects.remove(key).is_some())
    }

    /// The keys of `bucket` starting with `prefix`, in S3's (byte) order, after
    /// `start_after` when given.
    pub fn list(&self, bucket: &str, prefix: &str, start_after: Option<&str>) -> Result<Vec<(&str, &Object)>, S3Error> {
        let objects = self.buckets.get(bucket).ok_or_else(|| S3Error::NoSuchBucket { bucket: bucket.to_string() })?;
        Ok(objects
            .iter()
            .filter(|(k, _)| k.starts_with(prefix) && start_after.is_none_or(|s| k.as_str() > s))
            .map(|(k, o)| (k.as_str(), o))
            .collect())
    }

    /// What the run wrote, as the CLI's `s3Written`: `{"<bucket>": {"<key>": "<body>"}}`.
    pub fn written(&self) -> Value {
        let mut out = Map::default();
        for (bucket, objects) in &self.written {
            let mut m = Map::default();
            for (key, body) in objects {
                m.insert(Rc::from(key.as_str()), Value::String(body.clone()));
            }
            out.insert(Rc::from(bucket.as_str()), Value::object(m));
        }
        Value::object(out)
    }

    pub fn has_written(&self) -> bool {
        !self.written.is_empty()
    }

    /// Every bucket and object, in the `--s3` form.
    pub fn to_value(&self) -> Value {
        let mut out = Map::default();
        for (bucket, objects) in &self.buckets {
            let mut m = Map::default();
            for (key, o) in objects {
                m.insert(Rc::from(key.as_str()), Value::String(o.body.clone()));
            }
            out.insert(Rc::from(bucket.as_str()), Value::object(m));
        }
        Value::object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_form_keeps_empty_buckets_and_stores_json_bodies_as_text() {
        let s3 = S3::from_json(r#"{"a": {}, "b": {"k.json": [1, 2], "t.txt": "hi"}}"#).unwrap();
        assert!(s3.has_bucket("a"));
        assert_eq!(&*s3.get_object("b", "k.json").unwrap().body, "[1,2]");
        assert_eq!(s3.get_object("b", "nope").unwrap_err().code(), "NoSuchKey");
        assert_eq!(s3.get_object("c", "x").unwrap_err().code(), "NoSuchBucket");
        assert!(!s3.has_written());
    }

    #[test]
    fn writes_are_recorded_and_listed_in_key_order() {
        let mut s3 = S3::from_json(r#"{"b": {"p/2": "x"}}"#).unwrap();
        s3.put_object("b", "p/1", "y", 5).unwrap();
        assert!(s3.put_object("none", "k", "", 0).is_err());
        let keys: Vec<&str> = s3.list("b", "p/", None).unwrap().iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["p/1", "p/2"]);
        assert_eq!(s3.written().to_json(), r#"{"b":{"p/1":"y"}}"#);
    }
}
