//! The few pieces of Java behaviour that AWS's intrinsic functions show
//! through: how `Double.toString` prints a number, how `Map.toString` and
//! `List.toString` render a value in `States.Format`, how Jackson writes
//! compact JSON in `States.JsonToString`, `Math.round`, and the
//! `java.util.Random` generator.
//!
//! AWS runs Step Functions on the JVM: `States.Format('{}', $.obj)` renders
//! `{"Arg1": 1, "Arg2": []}` as `{Arg1=1, Arg2=[]}` in a recorded AWS case,
//! which is `java.util.Map.toString`, and `States.MathAdd` rounds halves up
//! (`-2.5` → `-2`), which is `Math.round`.

use crate::value::{Number, Value};

/// `Double.toString(d)`: plain notation with at least one fraction digit
/// for 10⁻³ ≤ |d| < 10⁷ (`100.0`, `0.001`), otherwise computerised
/// scientific notation (`1.0E7`, `1.5E-5`), with the shortest digits that
/// round-trip (the JDK 19+ algorithm; Rust's `{:e}` finds the same digits).
pub fn double_to_string(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    let sign = if f < 0.0 { "-" } else { "" };
    let abs = f.abs();
    let sci = format!("{:e}", abs);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (1e-3..1e7).contains(&abs) {
        // Digits before the decimal point.
        let point = exp + 1;
        if point <= 0 {
            format!("{}0.{}{}", sign, "0".repeat((-point) as usize), digits)
        } else if point as usize >= digits.len() {
            format!("{}{}{}.0", sign, digits, "0".repeat(point as usize - digits.len()))
        } else {
            let (int, frac) = digits.split_at(point as usize);
            format!("{}{}.{}", sign, int, frac)
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { "0" } else { rest };
        format!("{}{}.{}E{}", sign, first, rest, exp)
    }
}

/// A JSON number as Java prints it: integers as integers, doubles with `Double.toString`.
pub fn write_number(out: &mut String, n: Number) {
    match n {
        Number::Int(i) => out.push_str(&i.to_string()),
        Number::Float(f) => out.push_str(&double_to_string(f)),
    }
}

/// `String.valueOf` of the Java object a JSON value becomes: strings bare,
/// lists as `[a, b]`, maps as `{k=v, k2=v2}` (what `States.Format` prints).
pub fn write_to_string(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, *n),
        Value::String(s) => out.push_str(s),
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_to_string(out, item);
            }
            out.push(']');
        }
        Value::Object(o) => {
            out.push('{');
            for (i, (k, v)) in o.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                write_to_string(out, v);
            }
            out.push('}');
        }
    }
}

/// Compact JSON as Jackson writes it: Java number text (`1.0`, `1.0E21`),
/// `\b \t \n \f \r` as short escapes and other control characters as
/// `\u00XX` with upper-case hex; nothing else escaped.
pub fn write_json(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, *n),
        Value::String(s) => write_json_string(out, s),
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item);
            }
            out.push(']');
        }
        Value::Object(o) => {
            out.push('{');
            for (i, (k, v)) in o.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(out, k);
                out.push(':');
                write_json(out, v);
            }
            out.push('}');
        }
    }
}

fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Jackson's compact JSON text of a value.
pub fn to_json(v: &Value) -> String {
    let mut s = String::new();
    write_json(&mut s, v);
    s
}

/// `Math.round(double)`: the nearest integer, halves rounded up
/// (`0.5` → `1`, `-0.5` → `0`, `-2.5` → `-2`); `None` outside the `i64` range.
pub fn round(f: f64) -> Option<i64> {
    if !f.is_finite() {
        return None;
    }
    let floor = f.floor();
    // `f - floor` is exact for every double, so 0.49999999999999994 stays below one half.
    let r = if f - floor >= 0.5 { floor + 1.0 } else { floor };
    // i64::MIN as f64 is exactly -2^63; 2^63 itself is out of range.
    if (i64::MIN as f64..-(i64::MIN as f64)).contains(&r) {
        Some(r as i64)
    } else {
        None
    }
}

/// Equality of the Java objects two JSON values become (`Integer`, `Double`,
/// `String`, `List`, `Map`): `1` and `1.0` differ, object members compare
/// regardless of order. `States.ArrayContains` and `States.ArrayUnique` use it.
pub fn equals(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(Number::Int(x)), Value::Number(Number::Int(y))) => x == y,
        (Value::Number(Number::Float(x)), Value::Number(Number::Float(y))) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| equals(p, q)),
        (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equals(v, w))),
        _ => false,
    }
}

/// The length of a string in Java `char`s (UTF-16 code units), which is what AWS's size limits count.
pub fn char_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// `java.util.Random`: the 48-bit linear congruential generator, bit for bit.
pub struct Random {
    seed: u64,
}

const MULTIPLIER: u64 = 0x5_DEEC_E66D;
const ADDEND: u64 = 0xB;
const MASK: u64 = (1 << 48) - 1;

impl Random {
    /// `new Random(seed)`.
    pub fn new(seed: i64) -> Random {
        Random { seed: (seed as u64 ^ MULTIPLIER) & MASK }
    }

    fn next(&mut self, bits: u32) -> i32 {
        self.seed = self.seed.wrapping_mul(MULTIPLIER).wrapping_add(ADDEND) & MASK;
        (self.seed >> (48 - bits)) as u32 as i32
    }

    /// `nextInt()`.
    pub fn next_int(&mut self) -> i32 {
        self.next(32)
    }

    /// `nextInt(bound)`, for `bound > 0`.
    pub fn next_int_bounded(&mut self, bound: i32) -> i32 {
        debug_assert!(bound > 0);
        let mut r = self.next(31);
        let m = bound - 1;
        if bound & m == 0 {
            return ((bound as i64 * r as i64) >> 31) as i32;
        }
        let mut u = r;
        loop {
            r = u % bound;
            if u.wrapping_sub(r).wrapping_add(m) < 0 {
                u = self.next(31);
            } else {
                return r;
            }
        }
    }

    /// `nextLong()`.
    pub fn next_long(&mut self) -> i64 {
        ((self.next(32) as i64) << 32).wrapping_add(self.next(32) as i64)
    }

    /// `nextDouble()`.
    pub fn next_double(&mut self) -> f64 {
        let hi = (self.next(26) as i64) << 27;
        let lo = self.next(27) as i64;
        (hi + lo) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn double_to_string_matches_java() {
        let cases = [
            (1.1, "1.1"),
            (1.0, "1.0"),
            (100.0, "100.0"),
            (0.001, "0.001"),
            (0.0001, "1.0E-4"),
            (1234567.5, "1234567.5"),
            (1e7, "1.0E7"),
            (12345678.9, "1.23456789E7"),
            (1e21, "1.0E21"),
            (-2.5e-5, "-2.5E-5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (44.51, "44.51"),
        ];
        for (f, want) in cases {
            assert_eq!(double_to_string(f), want, "{}", f);
        }
    }

    #[test]
    fn round_is_math_round() {
        let cases = [(0.5, 1), (-0.5, 0), (-1.5, -1), (-2.5, -2), (2.5, 3), (1.49, 1), (-1.51, -2), (0.49999999999999994, 0)];
        for (f, want) in cases {
            assert_eq!(round(f), Some(want), "{}", f);
        }
        assert_eq!(round(1e300), None);
    }

    #[test]
    fn random_matches_java_util_random() {
        // Values printed by a JVM.
        assert_eq!(Random::new(42).next_int(), -1170105035);
        assert_eq!(Random::new(42).next_double(), 0.7275636800328681);
        let mut r = Random::new(42);
        let first: Vec<i32> = (0..5).map(|_| r.next_int_bounded(10)).collect();
        assert_eq!(first, [0, 3, 8, 4, 0]);
        assert_eq!(Random::new(0).next_int(), -1155484576);
        assert_eq!(Random::new(0).next_long(), -4962768465676381896);
        assert_eq!(Random::new(3).next_int_bounded(999), 239);
        assert_eq!(Random::new(7).next_int_bounded(1 << 20), 766193);
    }

    #[test]
    fn jackson_json_and_java_to_string() {
        let v = crate::json::parse(r#"{"a":[1,2.0,"x\u0001\n"],"b":{"c":null,"d":true}}"#).unwrap();
        assert_eq!(to_json(&v), r#"{"a":[1,2.0,"x\u0001\n"],"b":{"c":null,"d":true}}"#);
        let mut s = String::new();
        write_to_string(&mut s, &v);
        assert_eq!(s, "{a=[1, 2.0, x\u{1}\n], b={c=null, d=true}}");
    }
}
