//! A distributed Map's `ItemReader`: the items it reads from the in-memory S3.
//!
//! It owns the formats AWS reads (`ReaderConfig.InputType` JSON, JSONL, CSV, MANIFEST,
//! and `s3:listObjectsV2` with its `Transformation`), AWS's CSV rules (headers from the
//! first row or `CSVHeaders`, extra fields dropped, missing ones `""`, duplicate headers
//! refused, every value a string), `MaxItems` (0 = no limit), and the failures, all
//! `States.ItemReaderFailed`. It is pure: the S3 and the evaluated parameters come in,
//! items or a [`Failure`] go out.

use crate::definition::ReaderConfig;
use crate::json;
use crate::query::Failure;
use crate::s3::{S3Error, S3};
use crate::value::{Map, Value};
use std::rc::Rc;

/// The largest object AWS's ItemReader reads (10 GB for JSON and CSV); kept as a
/// guard here, though an in-memory S3 holds far less.
const MAX_OBJECT_BYTES: u64 = 10 * 1024 * 1024 * 1024;

/// "Step Functions supports CSV headers of up to 10 KiB" (the ItemReader documentation).
const MAX_CSV_HEADER_BYTES: usize = 10 * 1024;

/// AWS's error for anything that stops the ItemReader.
pub(crate) const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";

fn failed(cause: impl Into<String>) -> Failure {
    Failure::new(ITEM_READER_FAILED, cause)
}

fn s3_failure(e: S3Error) -> Failure {
    let what = match &e {
        S3Error::NoSuchBucket { bucket } => format!("bucket '{}'", bucket),
        S3Error::NoSuchKey { bucket, key } => format!("object '{}' in bucket '{}'", key, bucket),
    };
    failed(format!("Unable to read {}: {} (Service: S3, Status Code: 404, Error Code: {})", what, e.message(), e.code()))
}

fn text_param<'a>(params: &'a Value, name: &str) -> Result<Option<&'a str>, Failure> {
    match params.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(failed(format!("The field '{}' of the ItemReader's parameters must be a string, but was: {}", name, other.to_json()))),
    }
}

fn required<'a>(params: &'a Value, name: &str) -> Result<&'a str, Failure> {
    text_param(params, name)?.ok_or_else(|| failed(format!("The ItemReader's parameters must have the field '{}'", name)))
}

/// The items of `action` (`getObject` or `listObjectsV2`) with its evaluated parameters,
/// at most `max_items` of them (0: all). `now` is the virtual clock, for listings.
pub(crate) fn read_items(s3: &S3, action: &str, params: &Value, config: &ReaderConfig, max_items: u64) -> Result<Vec<Value>, Failure> {
    let limit = if max_items == 0 { usize::MAX } else { usize::try_from(max_items).unwrap_or(usize::MAX) };
    let bucket = required(params, "Bucket")?;
    let mut items = match action {
        "listObjectsV2" => {
            let prefix = text_param(params, "Prefix")?.unwrap_or("");
            let listed = s3.list(bucket, prefix, text_param(params, "StartAfter")?).map_err(s3_failure)?;
            if config.transformation.as_deref() == Some("LOAD_AND_FLATTEN") {
                let mut out = Vec::new();
                for (key, o) in listed {
                    if out.len() >= limit {
                        break;
                    }
                    out.extend(parse_body(s3, &o.body, key, config, limit - out.len())?);
                }
                out
            } else {
                listed.into_iter().take(limit).map(|(key, o)| listing_entry(key, o)).collect()
            }
        }
        _ => {
            let key = required(params, "Key")?;
            let o = s3.get_object(bucket, key).map_err(s3_failure)?;
            parse_body(s3, &o.body, key, config, limit)?
        }
    };
    items.truncate(limit);
    Ok(items)
}

/// One object of a listing, as the ItemReader passes it on.
fn listing_entry(key: &str, o: &crate::s3::Object) -> Value {
    let mut m = Map::default();
    m.insert(Rc::from("Etag"), Value::string(&o.etag()));
    m.insert(Rc::from("LastModified"), Value::int(o.last_modified.div_euclid(1000)));
    m.insert(Rc::from("Key"), Value::string(key));
    m.insert(Rc::from("Size"), Value::int(o.size() as i64));
    m.insert(Rc::from("StorageClass"), Value::string("STANDARD"));
    Value::object(m)
}

/// The items in one object's body, by `InputType` (JSON when absent).
fn parse_body(s3: &S3, body: &str, key: &str, config: &ReaderConfig, limit: usize) -> Result<Vec<Value>, Failure> {
    if body.len() as u64 > MAX_OBJECT_BYTES {
        return Err(failed(format!("The object '{}' exceeds the ItemReader's maximum size of 10 GB", key)));
    }
    match config.input_type.as_deref().unwrap_or("JSON") {
        "CSV" => csv_items(body, config, limit),
        "JSONL" => jsonl_items(body, key, limit),
        "MANIFEST" => manifest_items(s3, body, key, limit),
        "PARQUET" => Err(failed(format!(
            "Unable to read the object '{}': InputType PARQUET is not supported by this simulator (use CSV, JSON, JSONL or MANIFEST)",
            key
        ))),
        _ => json_items(body, key, config.items_pointer.as_deref()),
    }
}

fn json_items(body: &str, key: &str, pointer: Option<&str>) -> Result<Vec<Value>, Failure> {
    let v = json::parse(body).map_err(|e| failed(format!("The object '{}' is not valid JSON: {}", key, e)))?;
    let target = match pointer {
        None => &v,
        Some(p) => {
            resolve_pointer(&v, p).ok_or_else(|| failed(format!("The ItemsPointer '{}' does not point at a value in the object '{}'", p, key)))?
        }
    };
    match target {
        Value::Array(a) => Ok(a.to_vec()),
        Value::Object(o) => Ok(o.values().cloned().collect()),
        other => Err(failed(format!("Attempting to map over non-iterable node: the object '{}' holds a {}, not an array", key, other.type_name()))),
    }
}

/// RFC 6901 JSON Pointer (`/a/0/b`, `~0` and `~1` escapes).
fn resolve_pointer<'v>(v: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(v);
    }
    let mut at = v;
    for token in pointer.strip_prefix('/')?.split('/') {
        let token = token.replace("~1", "/").replace("~0", "~");
        at = match at {
            Value::Object(o) => o.get(&token)?,
            Value::Array(a) => a.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(at)
}

fn jsonl_items(body: &str, key: &str, limit: usize) -> Result<Vec<Value>, Failure> {
    let mut out = Vec::new();
    for (n, line) in body.lines().enumerate() {
        if out.len() >= limit {
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        let v = json::parse(line).map_err(|e| failed(format!("The object '{}' is not valid JSON Lines: line {}: {}", key, n + 1, e)))?;
        out.push(v);
    }
    Ok(out)
}

fn delimiter(config: &ReaderConfig) -> char {
    match config.csv_delimiter.as_deref() {
        Some("PIPE") => '|',
        Some("SEMICOLON") => ';',
        Some("SPACE") => ' ',
        Some("TAB") => '\t',
        _ => ',',
    }
}

/// CSV records: fields split at `delim`, double-quoted fields may hold the delimiter,
/// newlines and `""`; a final newline ends the last record (it adds none) and empty
/// lines are skipped, while a line of spaces is a record of one field.
fn csv_records(text: &str, delim: char, key: &str) -> Result<Vec<Vec<String>>, Failure> {
    let mut records = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let (mut in_quotes, mut line_started) = (false, false);
    let mut line = 1;
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => {
                in_quotes = true;
                line_started = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                if line_started {
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                line_started = false;
                line += 1;
            }
            c if c == delim => {
                record.push(std::mem::take(&mut field));
                line_started = true;
            }
            _ => {
                field.push(c);
                line_started = true;
            }
        }
    }
    if in_quotes {
        return Err(failed(format!("The object '{}' is not valid CSV: a quoted field opened on or before line {} is never closed", key, line)));
    }
    if line_started {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

/// CSV rows as objects of strings, keys in AWS's (sorted) order.
fn csv_items(body: &str, config: &ReaderConfig, limit: usize) -> Result<Vec<Value>, Failure> {
    let mut records = csv_records(body, delimiter(config), "CSV")?.into_iter();
    let headers: Vec<String> = if config.csv_header_location.as_deref() == Some("GIVEN") {
        config.csv_headers.clone()
    } else {
        match records.next() {
            Some(h) => h,
            None => return Ok(Vec::new()),
        }
    };
    let header_bytes = headers.iter().map(|h| h.len() + 1).sum::<usize>().saturating_sub(1);
    if header_bytes > MAX_CSV_HEADER_BYTES {
        return Err(failed(format!("CSV headers are {} bytes; Step Functions supports CSV headers of up to 10 KiB", header_bytes)));
    }
    let mut sorted: Vec<(usize, Rc<str>)> = headers.iter().enumerate().map(|(i, h)| (i, Rc::from(h.as_str()))).collect();
    sorted.sort_by(|a, b| a.1.cmp(&b.1));
    if sorted.windows(2).any(|w| w[0].1 == w[1].1) {
        return Err(failed("CSV headers cannot contain duplicates."));
    }
    let mut out = Vec::new();
    for row in records.take(limit) {
        let mut m = Map::with_capacity(sorted.len());
        for (i, h) in &sorted {
            m.insert(h.clone(), Value::string(row.get(*i).map(String::as_str).unwrap_or("")));
        }
        out.push(Value::object(m));
    }
    Ok(out)
}

/// An S3 Inventory `manifest.json`: its CSV files (in `destinationBucket`), each row an
/// object named by `fileSchema`, every value a string.
fn manifest_items(s3: &S3, body: &str, key: &str, limit: usize) -> Result<Vec<Value>, Failure> {
    let m = json::parse(body).map_err(|e| failed(format!("The manifest '{}' is not valid JSON: {}", key, e)))?;
    let field = |name: &str| m.get(name).and_then(Value::as_str);
    let bucket = field("destinationBucket")
        .map(|b| b.rsplit(":::").next().unwrap_or(b).to_string())
        .ok_or_else(|| failed(format!("The manifest '{}' has no destinationBucket", key)))?;
    if let Some(format) = field("fileFormat").filter(|f| !f.eq_ignore_ascii_case("CSV")) {
        return Err(failed(format!("The manifest '{}' names file format {}; only CSV inventories are supported", key, format)));
    }
    let schema: Vec<String> = field("fileSchema")
        .ok_or_else(|| failed(format!("The manifest '{}' has no fileSchema", key)))?
        .split(',')
        .map(|s| s.trim().to_string())
        .collect();
    let files = m.get("files").and_then(Value::as_array).ok_or_else(|| failed(format!("The manifest '{}' has no files list", key)))?;
    let mut out = Vec::new();
    for f in files {
        let file_key = f.get("key").and_then(Value::as_str).ok_or_else(|| failed(format!("A file of the manifest '{}' has no key", key)))?;
        if file_key.ends_with(".gz") {
            return Err(failed(format!("The inventory file '{}' is compressed; this simulator reads inventory files as plain CSV", file_key)));
        }
        let o = s3.get_object(&bucket, file_key).map_err(s3_failure)?;
        for row in csv_records(&o.body, ',', file_key)? {
            if out.len() >= limit {
                return Ok(out);
            }
            let mut item = Map::with_capacity(schema.len());
            for (i, name) in schema.iter().enumerate() {
                item.insert(Rc::from(name.as_str()), Value::string(row.get(i).map(String::as_str).unwrap_or("")));
            }
            out.push(Value::object(item));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(body: &str) -> String {
        let config = ReaderConfig { input_type: Some("CSV".into()), ..ReaderConfig::default() };
        Value::array(csv_items(body, &config, usize::MAX).unwrap()).to_json()
    }

    #[test]
    fn quoted_fields_hold_delimiters_quotes_and_newlines() {
        assert_eq!(csv("a,b\n\"x,1\",\"say \"\"hi\"\"\"\n\"two\nlines\",z"), r#"[{"a":"x,1","b":"say \"hi\""},{"a":"two\nlines","b":"z"}]"#);
    }

    #[test]
    fn empty_lines_are_skipped_and_space_lines_are_rows() {
        assert_eq!(csv("a\n\n  \r\nb\n"), r#"[{"a":"  "},{"a":"b"}]"#);
    }

    #[test]
    fn an_unclosed_quote_is_an_item_reader_failure() {
        let config = ReaderConfig { input_type: Some("CSV".into()), ..ReaderConfig::default() };
        let f = csv_items("a\n\"x", &config, 10).unwrap_err();
        assert_eq!(f.error, ITEM_READER_FAILED);
    }

    #[test]
    fn pointers_follow_rfc_6901() {
        let v = json::parse(r#"{"a/b": [0, {"c": [7]}]}"#).unwrap();
        assert_eq!(resolve_pointer(&v, "/a~1b/1/c").map(Value::to_json).as_deref(), Some("[7]"));
        assert!(resolve_pointer(&v, "/x").is_none());
    }
}
