//! What the user gave, turned into the ASL JSON text the definition parser reads: the
//! DefinitionSubstitutions applied textually first (`substitute`), with an `UNRESOLVED_SUBSTITUTION`
//! warning at the pointer of each `${KEY}` left without a value, and every diagnostic's span taken
//! back to the user's text so lines and columns point at what they wrote. `load` first finds the
//! definition in what the user gave: ASL as JSON or YAML (`yaml`), or a SAM / CloudFormation
//! template (`template`). Pure: the CLI and the JS API read the files and pass the text in.

pub mod substitute;
pub mod template;
pub mod yaml;

use crate::definition::{self, Diagnostic};
use crate::json;
use indexmap::IndexMap;
pub use substitute::{OffsetMap, Placeholder, Substituted};

/// The warning code for a `${KEY}` with no value.
pub const UNRESOLVED_SUBSTITUTION: &str = "UNRESOLVED_SUBSTITUTION";

/// A definition ready for the parser, and the way back to the user's text.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The ASL JSON text, substitutions applied.
    pub text: String,
    /// Every `${KEY}` met, resolved or not.
    pub placeholders: Vec<Placeholder>,
    /// Warnings about the source itself (unresolved substitutions), spans in the user's text.
    pub warnings: Vec<Diagnostic>,
    /// A template's `Type`/`StateMachineType`: the default `--type`.
    pub machine_type: Option<String>,
    map: OffsetMap,
    /// When the ASL text was produced from the user's file (YAML, a template): the spans of
    /// that file by pointer, and the pointer of the definition within it.
    origin: Option<(json::SpanMap, String)>,
}

/// What a file turned out to hold.
#[derive(Clone, Debug)]
pub enum Loaded {
    /// A definition ready to validate and run.
    Ready(Prepared),
    /// A SAM template whose `DefinitionUri` names this file (relative to the template): read it
    /// and call [`load_definition`] with these substitutions (the template's, then the caller's).
    NeedsFile { path: String, substitutions: IndexMap<String, String>, machine_type: Option<String> },
}

/// Is this file YAML? By extension (`.yaml`, `.yml`, `.asl.yaml`); other names are sniffed:
/// JSON starts with `{` or `[`.
pub fn is_yaml(file_name: &str, text: &str) -> bool {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        return true;
    }
    if lower.ends_with(".json") {
        return false;
    }
    !matches!(text.trim_start_matches('\u{feff}').trim_start().as_bytes().first(), Some(b'{') | Some(b'['))
}

/// Read what the user gave (ASL or a SAM/CloudFormation template, JSON or YAML) and apply the
/// substitutions: a template's `DefinitionSubstitutions` first, then `substitutions`. `resource`
/// picks the state machine of a template that has several. `Err` is a message for the user.
pub fn load(text: &str, file_name: &str, substitutions: &IndexMap<String, String>, resource: Option<&str>) -> Result<Loaded, String> {
    let yaml = is_yaml(file_name, text);
    let (doc, spans) = if yaml {
        yaml::parse(text).map_err(|e| {
            let (l, c) = json::line_column(text, e.offset);
            format!("{}: invalid YAML at line {}, column {}: {}", file_name, l, c, e.message)
        })?
    } else {
        match json::parse_with_spans(text) {
            Ok(parsed) => parsed,
            // Not JSON (perhaps until substituted: `"TimeoutSeconds": ${T}`): ASL text.
            Err(_) => return Ok(Loaded::Ready(prepare(text, substitutions))),
        }
    };
    if !template::is_template(&doc) {
        if !yaml {
            return Ok(Loaded::Ready(prepare(text, substitutions)));
        }
        let mut p = prepare(&doc.to_json(), substitutions);
        p.set_origin(spans, String::new());
        return Ok(Loaded::Ready(p));
    }
    let m = template::machine(&doc, resource)?;
    let mut subs = m.substitutions.clone();
    for (k, v) in substitutions {
        subs.entry(k.clone()).or_insert_with(|| v.clone());
    }
    let mut p = match m.source {
        template::DefinitionSource::File { path } => return Ok(Loaded::NeedsFile { path, substitutions: subs, machine_type: m.machine_type }),
        template::DefinitionSource::Inline { pointer, definition: def } => {
            let mut p = prepare(&def.to_json(), &subs);
            p.set_origin(spans, pointer);
            p
        }
        template::DefinitionSource::Text { text: def, pointer } => {
            let mut p = prepare(&def, &subs);
            // Positions inside the string are the string's own: point at the field.
            let mut only = json::SpanMap::default();
            if let Some(s) = spans.span(&pointer) {
                only.values.insert(String::new(), s);
            }
            p.set_origin(only, String::new());
            p
        }
    };
    p.machine_type = m.machine_type;
    Ok(Loaded::Ready(p))
}

/// A definition file named by a template's `DefinitionUri`, read by the caller.
pub fn load_definition(
    text: &str,
    file_name: &str,
    substitutions: &IndexMap<String, String>,
    machine_type: Option<String>,
) -> Result<Prepared, String> {
    match load(text, file_name, substitutions, None)? {
        Loaded::Ready(mut p) => {
            p.machine_type = p.machine_type.or(machine_type);
            Ok(p)
        }
        Loaded::NeedsFile { path, .. } => Err(format!("{}: a template's DefinitionUri names another template ({})", file_name, path)),
    }
}

/// Apply `substitutions` to the user's ASL text.
pub fn prepare(text: &str, substitutions: &IndexMap<String, String>) -> Prepared {
    let s = substitute::substitute(text, substitutions);
    let map = OffsetMap::new(&s.placeholders);
    let spans = json::parse_with_spans(&s.text).ok().map(|(_, spans)| spans);
    let mut warnings = Vec::new();
    for p in s.placeholders.iter().filter(|p| !p.resolved) {
        let pointer = spans.as_ref().map(|m| innermost(m, p.replaced.0)).unwrap_or_default();
        let mut d = Diagnostic::warning(
            UNRESOLVED_SUBSTITUTION,
            pointer,
            format!("The DefinitionSubstitutions placeholder '${{{}}}' has no value; '{}' stands in for it", p.key, p.value),
        );
        d.span = p.original;
        warnings.push(d);
    }
    Prepared { text: s.text, placeholders: s.placeholders, warnings, machine_type: None, map, origin: None }
}

/// The pointer of the smallest value whose span holds `offset` (`""`, the root, when none does).
fn innermost(spans: &json::SpanMap, offset: usize) -> String {
    spans
        .values
        .iter()
        .filter(|(_, (s, e))| *s <= offset && offset < *e)
        .min_by_key(|(p, (s, e))| (e - s, std::cmp::Reverse(p.len())))
        .map(|(p, _)| p.clone())
        .unwrap_or_default()
}

impl Prepared {
    /// The ASL text came from `spans`' file, at `prefix`: diagnostics are placed by pointer.
    fn set_origin(&mut self, spans: json::SpanMap, prefix: String) {
        for w in &mut self.warnings {
            w.span = spans.span(&format!("{}{}", prefix, w.pointer)).unwrap_or((0, 0));
        }
        self.origin = Some((spans, prefix));
    }

    /// A diagnostic of the substituted text, its span moved to the user's text.
    pub fn to_original(&self, d: &Diagnostic) -> Diagnostic {
        let mut d = d.clone();
        // Text that is no longer JSON once substituted: name the substitution the error is in
        // (the position in the message would be the substituted text's, so it goes).
        if d.code == "INVALID_JSON_DESCRIPTION" {
            if let Some(p) = self.placeholders.iter().find(|p| p.replaced.0 <= d.span.0 && d.span.0 <= p.replaced.1 + 1) {
                let what = d.message.strip_prefix("Invalid JSON: ").unwrap_or(&d.message);
                let what = what.rfind(" at line ").map_or(what, |i| &what[..i]);
                d.message = format!("Invalid JSON once '${{{}}}' is replaced by '{}': {}", p.key, p.value, what);
            }
        }
        d.span = match &self.origin {
            Some((spans, prefix)) => spans.span(&format!("{}{}", prefix, d.pointer)).unwrap_or((0, 0)),
            None => (self.map.original(d.span.0), self.map.original(d.span.1)),
        };
        d
    }

    /// The source's warnings, then every diagnostic of the definition, spans in the user's text.
    pub fn validate(&self) -> Vec<Diagnostic> {
        let mut out = self.warnings.clone();
        out.extend(definition::parse(&self.text).diagnostics.iter().map(|d| self.to_original(d)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unresolved_placeholders_are_warnings_at_their_pointer() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"${Fn}","TimeoutSeconds":${T},"End":true}}}"#;
        let p = prepare(text, &IndexMap::new());
        let d = p.validate();
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().all(|d| d.code == UNRESOLVED_SUBSTITUTION && !d.is_error()));
        assert_eq!(d[0].pointer, "/States/A/Resource");
        assert_eq!(d[1].pointer, "/States/A/TimeoutSeconds");
        assert_eq!(&text[d[1].span.0..d[1].span.1], "${T}");
    }

    #[test]
    fn a_substitution_that_breaks_the_json_is_named() {
        let text = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"${X}","End":true}}}"#;
        let subs: IndexMap<String, String> = [("X".to_string(), "a\"b".to_string())].into_iter().collect();
        let d = prepare(text, &subs).validate();
        assert_eq!(d[0].message, "Invalid JSON once '${X}' is replaced by 'a\"b': expected ',' or '}' in an object");
        assert_eq!(&text[d[0].span.0..d[0].span.0 + 4], "${X}");
    }

    #[test]
    fn errors_point_into_the_users_text() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Comment":"${Long}","Next":"Nowhere"}}}"#;
        let subs: IndexMap<String, String> = [("Long".to_string(), "a much longer value than the key".to_string())].into_iter().collect();
        let p = prepare(text, &subs);
        let d = p.validate();
        let e = d.iter().find(|d| d.is_error()).unwrap();
        assert_eq!(&text[e.span.0..e.span.1], "\"Nowhere\"");
    }
}
