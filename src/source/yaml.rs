//! YAML text → `Value` with the span of every node by JSON pointer, built from saphyr-parser's
//! events so key order and positions are ours. The YAML 1.2 core schema for plain scalars;
//! CloudFormation's short tags become their long forms (`!Ref X` → `{"Ref": "X"}`, `!GetAtt A.B`
//! → `{"Fn::GetAtt": ["A", "B"]}`, `!Sub`/`!Join`/… → `{"Fn::Sub": …}`). Bounded: nesting deeper
//! than `json::MAX_DEPTH` and aliases that expand past `MAX_NODES` nodes (a "billion laughs" bomb)
//! are errors, found before anything is expanded into text.

use crate::json::{self, escape_pointer_token, SpanMap};
use crate::value::{Map, Number, Value};
use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use std::collections::HashMap;
use std::rc::Rc;

/// The most nodes a document may hold once its aliases are expanded.
pub const MAX_NODES: usize = 1_000_000;

/// A YAML syntax error or a bound exceeded, at a byte offset of the text.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub offset: usize,
}

enum Frame {
    Seq { items: Vec<Value>, size: usize, anchor: usize, tag: Option<String>, pointer: String, start: usize },
    Map { map: Map, key: Option<Rc<str>>, size: usize, anchor: usize, tag: Option<String>, pointer: String, start: usize },
}

struct Builder<'a> {
    text: &'a str,
    /// Byte offset of each character, when the text is not ASCII (the parser counts characters).
    chars: Option<Vec<usize>>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Value, usize)>,
    spans: SpanMap,
    root: Option<(Value, usize)>,
}

/// Parse one YAML document.
pub fn parse(text: &str) -> Result<(Value, SpanMap), YamlError> {
    let chars = (!text.is_ascii()).then(|| text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len())).collect());
    let mut b = Builder { text, chars, stack: Vec::new(), anchors: HashMap::new(), spans: SpanMap::default(), root: None };
    let mut documents = 0;
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| {
            let message = if e.info().contains("recursion limit") { format!("YAML nesting too deep ({})", e.info()) } else { e.info().to_string() };
            YamlError { message, offset: b.byte(e.marker().index()) }
        })?;
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(YamlError {
                        message: "a YAML stream with several documents; give one definition or template".into(),
                        offset: b.byte(span.start.index()),
                    });
                }
            }
            Event::Scalar(v, style, anchor, tag) => {
                let value = scalar(&v, style, tag.as_deref()).map_err(|m| YamlError { message: m, offset: b.byte(span.start.index()) })?;
                let value = wrap_tag(value, tag.as_deref());
                b.push(value, 1, anchor, span)?;
            }
            Event::Alias(id) => {
                let Some((v, size)) = b.anchors.get(&id).cloned() else {
                    return Err(YamlError { message: "an alias to an unknown anchor".into(), offset: b.byte(span.start.index()) });
                };
                b.push(v, size, 0, span)?;
            }
            Event::SequenceStart(anchor, tag) => {
                let pointer = b.child_pointer();
                b.open(
                    Frame::Seq { items: Vec::new(), size: 1, anchor, tag: tag_name(tag.as_deref()), pointer, start: b.byte(span.start.index()) },
                    span,
                )?;
            }
            Event::MappingStart(anchor, tag) => {
                let pointer = b.child_pointer();
                b.open(
                    Frame::Map {
                        map: Map::new(),
                        key: None,
                        size: 1,
                        anchor,
                        tag: tag_name(tag.as_deref()),
                        pointer,
                        start: b.byte(span.start.index()),
                    },
                    span,
                )?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let frame = b.stack.pop().expect("the parser balances collections");
                let (value, size, anchor, tag, start) = match frame {
                    Frame::Seq { items, size, anchor, tag, start, .. } => (Value::array(items), size, anchor, tag, start),
                    Frame::Map { map, size, anchor, tag, start, .. } => (Value::object(map), size, anchor, tag, start),
                };
                let value = match tag {
                    Some(t) => long_form(&t, value),
                    None => value,
                };
                let end = b.byte(span.end.index()).max(start);
                b.finish(value, size, anchor, (start, end))?;
            }
            _ => {}
        }
    }
    let root = b.root.map(|r| r.0).unwrap_or(Value::Null);
    Ok((root, b.spans))
}

impl Builder<'_> {
    fn byte(&self, char_index: usize) -> usize {
        match &self.chars {
            Some(c) => c.get(char_index).copied().unwrap_or(self.text.len()),
            None => char_index.min(self.text.len()),
        }
    }

    /// The pointer of the node about to start.
    fn child_pointer(&self) -> String {
        match self.stack.last() {
            None => String::new(),
            Some(Frame::Seq { items, pointer, .. }) => format!("{}/{}", pointer, items.len()),
            Some(Frame::Map { key, pointer, .. }) => {
                let mut p = pointer.clone();
                p.push('/');
                escape_pointer_token(key.as_deref().unwrap_or(""), &mut p);
                p
            }
        }
    }

    fn open(&mut self, frame: Frame, span: Span) -> Result<(), YamlError> {
        if matches!(self.stack.last(), Some(Frame::Map { key: None, .. })) {
            return Err(YamlError { message: "a mapping key must be a scalar".into(), offset: self.byte(span.start.index()) });
        }
        if self.stack.len() >= json::MAX_DEPTH {
            return Err(YamlError {
                message: format!("YAML nesting too deep (more than {} levels)", json::MAX_DEPTH),
                offset: self.byte(span.start.index()),
            });
        }
        self.stack.push(frame);
        Ok(())
    }

    fn push(&mut self, value: Value, size: usize, anchor: usize, span: Span) -> Result<(), YamlError> {
        let (s, e) = (self.byte(span.start.index()), self.byte(span.end.index()));
        // A scalar in key position is the key of the next member.
        if let Some(Frame::Map { key: key @ None, pointer, .. }) = self.stack.last_mut() {
            let k: Rc<str> = match &value {
                Value::String(s) => s.clone(),
                Value::Null => Rc::from(""),
                other => Rc::from(other.to_json().as_str()),
            };
            let mut p = pointer.clone();
            p.push('/');
            escape_pointer_token(&k, &mut p);
            self.spans.keys.insert(p, (s, e));
            *key = Some(k);
            return Ok(());
        }
        self.finish(value, size, anchor, (s, e))
    }

    /// A complete node: record its span and anchor, and add it to its parent.
    fn finish(&mut self, value: Value, size: usize, anchor: usize, span: (usize, usize)) -> Result<(), YamlError> {
        let pointer = self.child_pointer();
        self.spans.values.insert(pointer, span);
        if anchor != 0 {
            self.anchors.insert(anchor, (value.clone(), size));
        }
        let bomb = || YamlError { message: format!("the YAML aliases expand to more than {} nodes", MAX_NODES), offset: span.0 };
        match self.stack.last_mut() {
            None => self.root = Some((value, size)),
            Some(Frame::Seq { items, size: total, .. }) => {
                *total += size;
                if *total > MAX_NODES {
                    return Err(bomb());
                }
                items.push(value);
            }
            Some(Frame::Map { map, key, size: total, .. }) => {
                *total += size;
                if *total > MAX_NODES {
                    return Err(bomb());
                }
                let k = key.take().unwrap_or_else(|| Rc::from(""));
                map.insert(k, value);
            }
        }
        Ok(())
    }
}

/// `!Name` → `Some("Name")` for the local tags CloudFormation uses; `!!str`-style tags are `None`.
fn tag_name(tag: Option<&Tag>) -> Option<String> {
    tag.filter(|t| t.handle == "!").map(|t| t.suffix.clone())
}

/// A scalar of the YAML 1.2 core schema (tags `!!str`, `!!int`, … honoured).
fn scalar(v: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    if let Some(t) = tag.filter(|t| t.handle == "!!") {
        return Ok(match t.suffix.as_str() {
            "str" | "binary" | "timestamp" => Value::string(v),
            "null" => Value::Null,
            "bool" | "int" | "float" => plain(v),
            other => return Err(format!("the YAML tag '!!{}' is not supported", other)),
        });
    }
    if let Some(t) = tag.filter(|t| t.handle != "!") {
        return Err(format!("the YAML tag '{}{}' is not supported", t.handle, t.suffix));
    }
    Ok(if style == ScalarStyle::Plain && tag.is_none() { plain(v) } else { Value::string(v) })
}

fn plain(v: &str) -> Value {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    if !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()) {
        if let Ok(i) = v.trim_start_matches('+').parse::<i64>() {
            return Value::from(i);
        }
    }
    if let Some(h) = v.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(h, 16) {
            return Value::from(i);
        }
    }
    if let Some(o) = v.strip_prefix("0o") {
        if let Ok(i) = i64::from_str_radix(o, 8) {
            return Value::from(i);
        }
    }
    let float_like =
        digits.bytes().any(|c| c.is_ascii_digit()) && digits.bytes().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'-' | b'+'));
    if float_like {
        if let Ok(f) = v.parse::<f64>() {
            if f.is_finite() {
                return Value::Number(Number::from_f64(f));
            }
        }
    }
    Value::string(v)
}

/// The value of a scalar with a CloudFormation short tag.
fn wrap_tag(value: Value, tag: Option<&Tag>) -> Value {
    match tag_name(tag) {
        Some(t) => long_form(&t, value),
        None => value,
    }
}

/// `!Ref x` → `{"Ref": x}`; `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`; `!Name v` → `{"Fn::Name": v}`.
fn long_form(tag: &str, value: Value) -> Value {
    let (key, value) = match tag {
        "Ref" | "Condition" => (tag.to_string(), value),
        "GetAtt" => {
            let v = match value.as_str().and_then(|s| s.split_once('.')) {
                Some((r, a)) => Value::array(vec![Value::string(r), Value::string(a)]),
                None => value,
            };
            ("Fn::GetAtt".to_string(), v)
        }
        other => (format!("Fn::{}", other), value),
    };
    let mut m = Map::new();
    m.insert(Rc::from(key.as_str()), value);
    Value::object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> String {
        match parse(text) {
            Ok((v, _)) => v.to_json(),
            Err(e) => format!("error at {}: {}", e.offset, e.message),
        }
    }

    #[test]
    fn scalars_keep_order_and_core_schema_types() {
        assert_eq!(json("b: 1\na: x\nc: [true, null, 1.5, '2', 0x10]\n"), r#"{"b":1,"a":"x","c":[true,null,1.5,"2",16]}"#);
        assert_eq!(
            json("Resource: !GetAtt Fn.Arn\nX: !Ref P\nY: !Sub 'a-${P}'\nZ: !Join [',', [a, b]]\n"),
            r#"{"Resource":{"Fn::GetAtt":["Fn","Arn"]},"X":{"Ref":"P"},"Y":{"Fn::Sub":"a-${P}"},"Z":{"Fn::Join":[",",["a","b"]]}}"#
        );
    }

    #[test]
    fn spans_are_byte_offsets_by_pointer() {
        let text = "é: 1\nStates:\n  A:\n    Type: Pass\n";
        let (_, spans) = parse(text).unwrap();
        let (s, e) = spans.values["/States/A/Type"];
        assert_eq!(&text[s..e], "Pass");
    }

    #[test]
    fn bombs_and_deep_nesting_are_errors() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            bomb.push_str(&format!(
                "{}: &{} [*{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}]\n",
                (b'a' + i) as char,
                (b'a' + i) as char,
                (b'a' + i - 1) as char,
                (b'a' + i - 1) as char,
                (b'a' + i - 1) as char,
                (b'a' + i - 1) as char,
                (b'a' + i - 1) as char,
                (b'a' + i - 1) as char,
                (b'a' + i - 1) as char,
                (b'a' + i - 1) as char,
                (b'a' + i - 1) as char,
                (b'a' + i - 1) as char
            ));
        }
        assert!(json(&bomb).contains("expand to more than"), "{}", json(&bomb));
        let deep = "[".repeat(5000);
        assert!(json(&deep).contains("nesting too deep"), "{}", json(&deep));
        assert!(json("a: 1\n---\nb: 2\n").contains("several documents"));
    }
}
