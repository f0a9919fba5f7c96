//! DefinitionSubstitutions as CloudFormation applies them: textually, before the definition is
//! parsed, so `"TimeoutSeconds": ${Timeout}` works. A `${KEY}` with no value takes a placeholder
//! that fits where it stands (an ARN of a plausible service in `Resource` or an `…Arn` field, a
//! number outside a string, the key's own name elsewhere), so the definition still validates and
//! runs; each one becomes an `UNRESOLVED_SUBSTITUTION` warning. `OffsetMap` takes byte offsets in
//! the substituted text back to the user's text, so diagnostics point at what the user wrote.

use indexmap::IndexMap;

/// The defaults of DESIGN.md, used for pseudo-parameters and the ARNs of placeholders.
pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";

/// A `${KEY}` found in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Placeholder {
    pub key: String,
    /// Byte span of `${KEY}` in the user's text.
    pub original: (usize, usize),
    /// Byte span of what replaced it in the substituted text.
    pub replaced: (usize, usize),
    /// What stands in for it: the given value, or the placeholder chosen when none was given.
    pub value: String,
    pub resolved: bool,
}

/// The substituted text and where each replacement sits.
#[derive(Clone, Debug)]
pub struct Substituted {
    pub text: String,
    pub placeholders: Vec<Placeholder>,
}

/// Byte offsets in the substituted text → byte offsets in the user's text.
#[derive(Clone, Debug, Default)]
pub struct OffsetMap {
    /// `(replaced, original)` spans, in text order.
    pieces: Vec<((usize, usize), (usize, usize))>,
}

impl OffsetMap {
    pub fn new(placeholders: &[Placeholder]) -> OffsetMap {
        OffsetMap { pieces: placeholders.iter().map(|p| (p.replaced, p.original)).collect() }
    }

    /// The user's offset for `offset` in the substituted text: inside a replacement, the start
    /// (or, at its end, the end) of the `${KEY}` it replaced.
    pub fn original(&self, offset: usize) -> usize {
        let mut shift: isize = 0;
        for &((rs, re), (os, oe)) in &self.pieces {
            if offset < rs {
                break;
            }
            if offset < re {
                return os;
            }
            if offset == re {
                return oe;
            }
            shift = oe as isize - re as isize;
        }
        (offset as isize + shift).max(0) as usize
    }
}

/// Is `key` a name CloudFormation could give a placeholder (`${Name}`, `${AWS::Region}`, `${Fn.Arn}`)?
fn key_end(s: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    while i < s.len() && (s[i].is_ascii_alphanumeric() || matches!(s[i], b'_' | b'-' | b'.' | b':')) {
        i += 1;
    }
    (i > start && s.get(i) == Some(&b'}')).then_some(i)
}

/// Replace every `${KEY}` whose KEY is in `values`; give the others a placeholder (see the module doc).
pub fn substitute(text: &str, values: &IndexMap<String, String>) -> Substituted {
    let s = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut placeholders = Vec::new();
    // A light JSON scan: whether we are inside a string, where it started, and the member key
    // the current value belongs to (the last string followed by ':').
    let mut in_string = false;
    let mut string_start = 0;
    let mut last_string: (usize, usize) = (0, 0);
    let mut field = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if in_string {
            match c {
                b'\\' => {
                    i += 2;
                    continue;
                }
                b'"' => {
                    in_string = false;
                    last_string = (string_start + 1, i);
                }
                _ => {}
            }
        } else {
            match c {
                b'"' => {
                    in_string = true;
                    string_start = i;
                }
                b':' => field = text[last_string.0..last_string.1].to_string(),
                _ => {}
            }
        }
        if c == b'$' && s.get(i + 1) == Some(&b'{') {
            if let Some(end) = key_end(s, i + 2) {
                let key = &text[i + 2..end];
                let whole_string = in_string && string_start + 1 == i && s.get(end + 1) == Some(&b'"');
                let (value, resolved) = match values.get(key) {
                    Some(v) => (v.clone(), true),
                    None => (placeholder(key, &field, in_string, whole_string), false),
                };
                out.push_str(&text[copied..i]);
                let start = out.len();
                out.push_str(&value);
                placeholders.push(Placeholder { key: key.to_string(), original: (i, end + 1), replaced: (start, out.len()), value, resolved });
                copied = end + 1;
                i = end + 1;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    Substituted { text: out, placeholders }
}

/// A value fitting the field an unresolved `${key}` stands in.
pub fn placeholder(key: &str, field: &str, in_string: bool, whole_string: bool) -> String {
    if let Some(v) = pseudo_parameter(key) {
        return v.to_string();
    }
    if !in_string {
        // A bare placeholder is a number field (`"TimeoutSeconds": ${Timeout}`). The largest
        // timeout AWS takes leaves room for any HeartbeatSeconds.
        return if field == "TimeoutSeconds" { "99999999".into() } else { "1".into() };
    }
    let arn_field = field == "Resource" || field.ends_with("Arn") || field.ends_with("ARN") || field == "FunctionName";
    let arn_key = key.ends_with("Arn") || key.ends_with("ARN") || key.ends_with("Url") || key.ends_with("URL");
    if whole_string && field == "Resource" {
        return task_resource(key);
    }
    if whole_string && (arn_field || arn_key) {
        return arn_for(key, field);
    }
    key.to_string()
}

/// A Task `Resource`: an optimised integration when the key says it names one
/// (`${SQSSendMessageAction}`), an activity, or else a Lambda function.
fn task_resource(key: &str) -> String {
    let k = key.to_ascii_lowercase();
    if k.contains("action") || k.contains("integration") {
        let action = if k.contains("sqs") {
            "sqs:sendMessage"
        } else if k.contains("sns") || k.contains("topic") {
            "sns:publish"
        } else if k.contains("event") {
            "events:putEvents"
        } else if k.contains("dynamo") || k.contains("table") {
            "dynamodb:putItem"
        } else if k.contains("statemachine") || k.contains("execution") {
            "states:startExecution"
        } else {
            "lambda:invoke"
        };
        return format!("arn:aws:states:::{action}");
    }
    if k.contains("activity") {
        return arn_for(key, "activity");
    }
    format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{key}")
}

/// AWS's pseudo-parameters, with DESIGN.md's defaults.
pub fn pseudo_parameter(key: &str) -> Option<&'static str> {
    Some(match key {
        "AWS::Region" => REGION,
        "AWS::AccountId" => ACCOUNT,
        "AWS::Partition" => "aws",
        "AWS::URLSuffix" => "amazonaws.com",
        "AWS::StackName" => "stack",
        "AWS::StackId" => "arn:aws:cloudformation:us-east-1:123456789012:stack/stack/00000000-0000-0000-0000-000000000000",
        "AWS::NoValue" => "",
        _ => return None,
    })
}

/// A plausible ARN (or queue URL) for a resource called `name`, its service guessed from the
/// name and the field (`TopicArn`, `QueueUrl`, …); a Lambda function when nothing says otherwise.
pub fn arn_for(name: &str, field: &str) -> String {
    let both = format!("{} {}", name, field).to_ascii_lowercase();
    let has = |w: &str| both.contains(w);
    if has("url") {
        format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}")
    } else if has("statemachine") || has("state_machine") {
        format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{name}")
    } else if has("activity") {
        format!("arn:aws:states:{REGION}:{ACCOUNT}:activity:{name}")
    } else if has("topic") || has("sns") {
        format!("arn:aws:sns:{REGION}:{ACCOUNT}:{name}")
    } else if has("queue") || has("sqs") {
        format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{name}")
    } else if has("table") || has("dynamo") {
        format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}")
    } else if has("bucket") {
        format!("arn:aws:s3:::{}", name.to_ascii_lowercase())
    } else if has("role") {
        format!("arn:aws:iam::{ACCOUNT}:role/{name}")
    } else if has("eventbus") || has("event_bus") {
        format!("arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{name}")
    } else {
        format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(text: &str, pairs: &[(&str, &str)]) -> Substituted {
        substitute(text, &pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn given_values_replace_text_anywhere() {
        let s = sub(r#"{"TimeoutSeconds": ${T}, "Resource": "${Fn}", "x": "a-${T}-b"}"#, &[("T", "30"), ("Fn", "arn:x")]);
        assert_eq!(s.text, r#"{"TimeoutSeconds": 30, "Resource": "arn:x", "x": "a-30-b"}"#);
        assert!(s.placeholders.iter().all(|p| p.resolved));
    }

    #[test]
    fn unresolved_placeholders_fit_their_field() {
        let s = sub(r#"{"TimeoutSeconds": ${T}, "Resource": "${DoWork}", "TopicArn": "${Alerts}", "Table": "${Tbl}", "M": ${N}}"#, &[]);
        assert_eq!(
            s.text,
            r#"{"TimeoutSeconds": 99999999, "Resource": "arn:aws:lambda:us-east-1:123456789012:function:DoWork", "TopicArn": "arn:aws:sns:us-east-1:123456789012:Alerts", "Table": "Tbl", "M": 1}"#
        );
        assert!(s.placeholders.iter().all(|p| !p.resolved));
    }

    #[test]
    fn offsets_map_back_to_the_users_text() {
        let text = r#"{"a": "${Long}", "b": 1}"#;
        let s = sub(text, &[("Long", "x")]);
        let map = OffsetMap::new(&s.placeholders);
        let b = s.text.find("\"b\"").unwrap();
        assert_eq!(map.original(b), text.find("\"b\"").unwrap());
        assert_eq!(map.original(s.text.find('x').unwrap()), text.find('$').unwrap());
    }

    #[test]
    fn escaped_quotes_and_lone_dollars_are_left_alone() {
        let s = sub(r#"{"a": "\"${X}\"", "b": "$.c", "d": "${"}"#, &[("X", "1")]);
        assert_eq!(s.text, r#"{"a": "\"1\"", "b": "$.c", "d": "${"}"#);
    }
}
