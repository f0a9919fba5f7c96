//! The string functions: `States.Format` (values printed as Java prints them),
//! `States.StringSplit` (`java.util.StringTokenizer`'s splitting), and the encodings
//! `States.Base64Encode` and `States.Base64Decode` (Java's basic Base64, inputs within
//! [`MAX_INPUT_CHARS`](super::MAX_INPUT_CHARS)).

use super::{java, Call};
use crate::query::Failure;
use crate::value::Value;
use base64::Engine as _;

impl Call {
    /// `States.Format(template, value, …)`
    pub(super) fn format(&self, args: &[Value]) -> Result<Value, Failure> {
        let split;
        let pieces: &[String] = match &self.template {
            Some(t) => t,
            None => {
                let t = self.string(&args[0], "template (first argument)")?;
                split = t.split("{}").map(str::to_string).collect::<Vec<_>>();
                &split
            }
        };
        let values = &args[1..];
        if pieces.len() - 1 != values.len() {
            return Err(self.fail(format_args!(
                "the template has {} placeholder(s) '{{}}' but {} value(s) follow it",
                pieces.len() - 1,
                values.len()
            )));
        }
        let mut out = String::new();
        for (i, piece) in pieces.iter().enumerate() {
            out.push_str(piece);
            if let Some(v) = values.get(i) {
                java::write_to_string(&mut out, v);
            }
        }
        Ok(Value::from(out))
    }

    /// `States.StringSplit(text, delimiters)`
    pub(super) fn string_split(&self, args: &[Value]) -> Result<Value, Failure> {
        let s = self.string(&args[0], "first argument")?;
        let delimiters = self.string(&args[1], "delimiter")?;
        // `StringTokenizer`: every character of the second argument is a
        // delimiter, and empty tokens are dropped (recorded: `", , ,"` → `[" ", " "]`).
        let parts = s.split(|c: char| delimiters.contains(c)).filter(|t| !t.is_empty());
        Ok(Value::array(parts.map(Value::from).collect()))
    }

    /// `States.Base64Encode(text)`
    pub(super) fn base64_encode(&self, args: &[Value]) -> Result<Value, Failure> {
        let s = self.limited_string(&args[0], "input")?;
        Ok(Value::from(base64::engine::general_purpose::STANDARD.encode(s.as_bytes())))
    }

    /// `States.Base64Decode(base64)`
    pub(super) fn base64_decode(&self, args: &[Value]) -> Result<Value, Failure> {
        let s = self.limited_string(&args[0], "input")?;
        let bytes = BASE64_DECODER.decode(s.as_bytes()).map_err(|e| self.fail(format_args!("the input is not valid Base64: {}", e)))?;
        // Java's `new String(bytes, UTF_8)`: malformed sequences become U+FFFD.
        Ok(Value::from(String::from_utf8_lossy(&bytes).into_owned()))
    }
}

/// Java's basic Base64 decoder: padding optional, no whitespace, trailing bits ignored.
const BASE64_DECODER: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);
