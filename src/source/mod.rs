//! What the user gave, turned into the ASL JSON text the definition parser reads: the
//! DefinitionSubstitutions applied textually first (`substitute`), with an `UNRESOLVED_SUBSTITUTION`
//! warning at the pointer of each `${KEY}` left without a value, and every diagnostic's span taken
//! back to the user's text so lines and columns point at what they wrote. Pure: the CLI and the
//! JS API read the files and pass the text in.

pub mod substitute;

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
    map: OffsetMap,
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
    Prepared { text: s.text, placeholders: s.placeholders, warnings, map }
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
    /// A diagnostic of the substituted text, its span moved to the user's text.
    pub fn to_original(&self, d: &Diagnostic) -> Diagnostic {
        let mut d = d.clone();
        d.span = (self.map.original(d.span.0), self.map.original(d.span.1));
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
    fn errors_point_into_the_users_text() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Comment":"${Long}","Next":"Nowhere"}}}"#;
        let subs: IndexMap<String, String> = [("Long".to_string(), "a much longer value than the key".to_string())].into_iter().collect();
        let p = prepare(text, &subs);
        let d = p.validate();
        let e = d.iter().find(|d| d.is_error()).unwrap();
        assert_eq!(&text[e.span.0..e.span.1], "\"Nowhere\"");
    }
}
