//! JSON text ↔ [`Value`]: a strict parser that can record where each value
//! sits in the text (for diagnostics), and a compact writer.
//!
//! Our own parser rather than serde_json's because definitions need byte spans
//! per JSON pointer, duplicate keys must be seen rather than silently merged,
//! and hostile input (100,000-deep nesting, huge numbers) must end in an
//! error value, never a stack overflow.

use crate::value::FixedHashMap as HashMap;
use crate::value::{Map, Number, Value};
use std::rc::Rc;

/// Deepest nesting accepted in any JSON text.
pub const MAX_DEPTH: usize = 512;

/// A JSON syntax error at a byte offset.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonError {
    pub message: String,
    pub offset: usize,
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

/// Where values sit in the source text: JSON pointer → byte span of the value,
/// and of the member's key when the value is an object member.
#[derive(Clone, Debug, Default)]
pub struct SpanMap {
    pub values: HashMap<String, (usize, usize)>,
    pub keys: HashMap<String, (usize, usize)>,
    /// Pointers of object members whose key appeared more than once (the later one wins).
    pub duplicates: Vec<String>,
}

impl SpanMap {
    /// The span of the value at `pointer`, or of its closest ancestor that has one.
    pub fn span(&self, pointer: &str) -> Option<(usize, usize)> {
        let mut p = pointer;
        loop {
            if let Some(s) = self.values.get(p) {
                return Some(*s);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return None,
            }
        }
    }
    /// The span of the key of the member at `pointer`, falling back to the value's span.
    pub fn key_span(&self, pointer: &str) -> Option<(usize, usize)> {
        self.keys.get(pointer).copied().or_else(|| self.span(pointer))
    }
}

/// Parse JSON text into a value.
pub fn parse(text: &str) -> Result<Value, JsonError> {
    let mut p = Parser { s: text.as_bytes(), text, i: 0, spans: None, depth: 0 };
    p.document()
}

/// Parse JSON text, recording the span of every value by JSON pointer.
pub fn parse_with_spans(text: &str) -> Result<(Value, SpanMap), JsonError> {
    let mut p = Parser { s: text.as_bytes(), text, i: 0, spans: Some((SpanMap::default(), String::new())), depth: 0 };
    let v = p.document()?;
    Ok((v, p.spans.map(|s| s.0).unwrap_or_default()))
}

/// Escape one JSON-pointer reference token (`~` → `~0`, `/` → `~1`).
pub fn escape_pointer_token(token: &str, out: &mut String) {
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    spans: Option<(SpanMap, String)>,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn err<T>(&self, message: &str) -> Result<T, JsonError> {
        Err(JsonError { message: message.to_string(), offset: self.i })
    }

    fn document(&mut self) -> Result<Value, JsonError> {
        self.ws();
        if self.i >= self.s.len() {
            return self.err("empty JSON text");
        }
        let v = self.value()?;
        self.ws();
        if self.i < self.s.len() {
            return self.err("unexpected text after the JSON value");
        }
        Ok(v)
    }

    fn ws(&mut self) {
        while let Some(&c) = self.s.get(self.i) {
            if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    fn value(&mut self) -> Result<Value, JsonError> {
        let start = self.i;
        let v = match self.s.get(self.i) {
            None => return self.err("unexpected end of JSON text"),
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => Value::String(Rc::from(self.string()?)),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(c) if *c == b'-' || c.is_ascii_digit() => self.number()?,
            Some(_) => return self.err("unexpected character, expected a JSON value"),
        };
        if let Some((spans, ptr)) = &mut self.spans {
            spans.values.insert(ptr.clone(), (start, self.i));
        }
        Ok(v)
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, JsonError> {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(v)
        } else {
            self.err("invalid literal")
        }
    }

    fn enter(&mut self) -> Result<(), JsonError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err(&format!("JSON nesting deeper than {} levels", MAX_DEPTH));
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Value, JsonError> {
        self.enter()?;
        self.i += 1;
        let mut map = Map::default();
        self.ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            self.depth -= 1;
            return Ok(Value::object(map));
        }
        loop {
            self.ws();
            if self.s.get(self.i) != Some(&b'"') {
                return self.err("expected a string key");
            }
            let key_start = self.i;
            let key = self.string()?;
            let key_end = self.i;
            self.ws();
            if self.s.get(self.i) != Some(&b':') {
                return self.err("expected ':' after an object key");
            }
            self.i += 1;
            self.ws();
            let saved = match &mut self.spans {
                Some((spans, ptr)) => {
                    let len = ptr.len();
                    ptr.push('/');
                    escape_pointer_token(&key, ptr);
                    spans.keys.insert(ptr.clone(), (key_start, key_end));
                    if map.contains_key(key.as_str()) {
                        spans.duplicates.push(ptr.clone());
                    }
                    Some(len)
                }
                None => None,
            };
            let v = self.value()?;
            if let (Some(len), Some((_, ptr))) = (saved, &mut self.spans) {
                ptr.truncate(len);
            }
            map.insert(Rc::from(key), v);
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    break;
                }
                None => return self.err("unexpected end of JSON text inside an object"),
                _ => return self.err("expected ',' or '}' in an object"),
            }
        }
        self.depth -= 1;
        Ok(Value::object(map))
    }

    fn array(&mut self) -> Result<Value, JsonError> {
        self.enter()?;
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            self.depth -= 1;
            return Ok(Value::array(items));
        }
        loop {
            self.ws();
            let saved = match &mut self.spans {
                Some((_, ptr)) => {
                    let len = ptr.len();
                    ptr.push('/');
                    ptr.push_str(&items.len().to_string());
                    Some(len)
                }
                None => None,
            };
            let v = self.value()?;
            if let (Some(len), Some((_, ptr))) = (saved, &mut self.spans) {
                ptr.truncate(len);
            }
            items.push(v);
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    break;
                }
                None => return self.err("unexpected end of JSON text inside an array"),
                _ => return self.err("expected ',' or ']' in an array"),
            }
        }
        self.depth -= 1;
        Ok(Value::array(items))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let h = self.s.get(self.i..self.i + 4).ok_or(JsonError { message: "truncated \\u escape".into(), offset: self.i })?;
        let mut n = 0u32;
        for &c in h {
            let d = (c as char).to_digit(16).ok_or(JsonError { message: "invalid \\u escape".into(), offset: self.i })?;
            n = n * 16 + d;
        }
        self.i += 4;
        Ok(n)
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let run_start = self.i;
            while let Some(&c) = self.s.get(self.i) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
            }
            out.push_str(&self.text[run_start..self.i]);
            match self.s.get(self.i) {
                None => return self.err("unterminated string"),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = match self.s.get(self.i) {
                        None => return self.err("unterminated string"),
                        Some(c) => *c,
                    };
                    self.i += 1;
                    match c {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi) {
                                if self.s.get(self.i) == Some(&b'\\') && self.s.get(self.i + 1) == Some(&b'u') {
                                    let save = self.i;
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    if (0xDC00..0xE000).contains(&lo) {
                                        let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                        out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                                    } else {
                                        out.push('\u{FFFD}');
                                        self.i = save;
                                    }
                                } else {
                                    // A lone surrogate cannot be held in UTF-8: keep a replacement character.
                                    out.push('\u{FFFD}');
                                }
                            } else {
                                out.push(char::from_u32(hi).unwrap_or('\u{FFFD}'));
                            }
                        }
                        _ => {
                            self.i -= 1;
                            return self.err("invalid escape in string");
                        }
                    }
                }
                Some(_) => return self.err("control character in string"),
            }
        }
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.i;
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        while self.s.get(self.i).is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if self.i == int_start {
            return self.err("invalid number");
        }
        if self.s[int_start] == b'0' && self.i - int_start > 1 {
            return self.err("leading zero in number");
        }
        let mut integer = true;
        if self.s.get(self.i) == Some(&b'.') {
            integer = false;
            self.i += 1;
            let f = self.i;
            while self.s.get(self.i).is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
            if self.i == f {
                return self.err("invalid number: digits expected after '.'");
            }
        }
        if matches!(self.s.get(self.i), Some(b'e') | Some(b'E')) {
            integer = false;
            self.i += 1;
            if matches!(self.s.get(self.i), Some(b'+') | Some(b'-')) {
                self.i += 1;
            }
            let e = self.i;
            while self.s.get(self.i).is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
            if self.i == e {
                return self.err("invalid number: digits expected in exponent");
            }
        }
        let text = &self.text[start..self.i];
        if integer {
            if let Ok(i) = text.parse::<i64>() {
                return Ok(Value::Number(Number::Int(i)));
            }
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Number(Number::Float(f))),
            _ => Err(JsonError { message: "number out of range".into(), offset: start }),
        }
    }
}

/// Append `v` as compact JSON.
pub fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(out, *n),
        Value::String(s) => write_string(out, s),
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(o) => {
            out.push('{');
            for (i, (k, v)) in o.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                write_value(out, v);
            }
            out.push('}');
        }
    }
}

/// Append a number as JSON text, JavaScript style (`1.5`, `1e+21`).
pub fn write_number(out: &mut String, n: Number) {
    use std::fmt::Write;
    match n {
        Number::Int(i) => {
            let _ = write!(out, "{}", i);
        }
        Number::Float(f) => {
            if !f.is_finite() {
                out.push_str("null");
            } else if f == 0.0 {
                out.push('0');
            } else if f.fract() == 0.0 && f.abs() < 1e21 {
                let _ = write!(out, "{}", f);
            } else if f.abs() >= 1e21 || f.abs() < 1e-6 {
                let s = format!("{:e}", f);
                match s.split_once('e') {
                    Some((m, e)) if !e.starts_with('-') => {
                        let _ = write!(out, "{}e+{}", m, e);
                    }
                    _ => out.push_str(&s),
                }
            } else {
                let _ = write!(out, "{}", f);
            }
        }
    }
}

/// Append a JSON string literal.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            use std::fmt::Write;
            let _ = write!(out, "\\u{:04x}", b);
        } else {
            out.push_str(esc);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Pretty JSON text with two-space indentation (for the CLI's human output and the page).
pub fn to_pretty(v: &Value) -> String {
    fn go(out: &mut String, v: &Value, indent: usize) {
        match v {
            Value::Array(a) if !a.is_empty() => {
                out.push_str("[\n");
                for (i, item) in a.iter().enumerate() {
                    if i > 0 {
                        out.push_str(",\n");
                    }
                    out.push_str(&"  ".repeat(indent + 1));
                    go(out, item, indent + 1);
                }
                out.push('\n');
                out.push_str(&"  ".repeat(indent));
                out.push(']');
            }
            Value::Object(o) if !o.is_empty() => {
                out.push_str("{\n");
                for (i, (k, v)) in o.iter().enumerate() {
                    if i > 0 {
                        out.push_str(",\n");
                    }
                    out.push_str(&"  ".repeat(indent + 1));
                    write_string(out, k);
                    out.push_str(": ");
                    go(out, v, indent + 1);
                }
                out.push('\n');
                out.push_str(&"  ".repeat(indent));
                out.push('}');
            }
            _ => write_value(out, v),
        }
    }
    let mut s = String::new();
    go(&mut s, v, 0);
    s
}

/// 1-based line and column of a byte offset; columns in Unicode scalar values.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, before[line_start..].chars().count() + 1)
}

/// 1-based line and column of a byte offset; columns in UTF-16 code units (for JavaScript).
pub fn line_column_utf16(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, before[line_start..].encode_utf16().count() + 1)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(s: &str) -> String {
        parse(s).map(|v| v.to_json()).unwrap_or_else(|e| format!("error: {}", e.message))
    }

    #[test]
    fn round_trips() {
        assert_eq!(round(r#" {"a": [1, 2.5, -3e2, true, null, "x\"\u00e9\ud83d\ude00"]} "#), r#"{"a":[1,2.5,-300,true,null,"x\"é😀"]}"#);
        assert_eq!(round("1e400"), "error: number out of range");
        assert_eq!(round("[1,]"), "error: unexpected character, expected a JSON value");
        assert_eq!(round("{\"a\":1} x"), "error: unexpected text after the JSON value");
        assert_eq!(round(r#""\ud800""#), "\"\u{FFFD}\"");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let s = "[".repeat(100_000);
        assert!(parse(&s).unwrap_err().message.contains("nesting"));
    }

    #[test]
    fn spans_by_pointer() {
        let text = "{\n  \"States\": {\"A/b\": {\"Next\": \"X\"}}\n}";
        let (_, spans) = parse_with_spans(text).unwrap();
        let (s, e) = spans.values["/States/A~1b/Next"];
        assert_eq!(&text[s..e], "\"X\"");
        assert_eq!(line_column(text, s), (2, 30));
    }

    #[test]
    fn json_len_matches_text() {
        let v = parse(r#"{"a":[1,"é\n",{"b":null}],"c":1.5}"#).unwrap();
        assert_eq!(v.json_len(), v.to_json().len());
    }
}
