//! The call parser: `States.Name(arg, …)` text → a [`Call`] tree, checking names,
//! arities and nesting (at most [`MAX_NESTING`]), with AWS's string escapes (`\'`,
//! `\{`, `\}`, `\\`) and paths that may hold brackets, quotes and commas. Errors
//! say what is wrong and at which character.

use super::{Arg, Call, Function, MAX_NESTING};
use crate::query::Path;
use crate::value::Value;

/// Parse one whole call: `States.Name(…)` and nothing after it but spaces.
pub(super) fn parse(text: &str) -> Result<Call, String> {
    let mut p = Parser { text, s: text.as_bytes(), i: 0 };
    let call = p.call(1)?;
    p.ws();
    if p.i < p.s.len() {
        return p.err("unexpected text after the call");
    }
    Ok(call)
}

struct Parser<'a> {
    text: &'a str,
    s: &'a [u8],
    i: usize,
}

impl<'a> Parser<'a> {
    /// An error at the current position (counted in characters).
    fn err<T>(&self, what: &str) -> Result<T, String> {
        self.err_at(self.i, what)
    }

    fn err_at<T>(&self, at: usize, what: &str) -> Result<T, String> {
        let mut at = at.min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        let pos = self.text[..at].chars().count();
        Err(format!("{} at position {} of '{}'", what, pos, self.text))
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    /// `States.Name(args)`; `depth` is 1 for the outermost call.
    fn call(&mut self, depth: usize) -> Result<Call, String> {
        let start = self.i;
        if !self.text[self.i..].starts_with("States.") {
            return self.err("an intrinsic function call 'States.Name(…)' is expected");
        }
        self.i += "States.".len();
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
            self.i += 1;
        }
        let name = &self.text[start..self.i];
        let Some(function) = Function::from_name(name) else {
            return self.err_at(start, &format!("'{}' is not an intrinsic function", name));
        };
        if depth > MAX_NESTING {
            return self.err_at(start, &format!("intrinsic functions can be nested at most {} deep", MAX_NESTING));
        }
        self.ws();
        if self.peek() != Some(b'(') {
            return self.err(&format!("'(' is expected after '{}'", name));
        }
        let open = self.i;
        self.i += 1;
        self.ws();
        let mut args = Vec::new();
        let mut template = None;
        if self.peek() != Some(b')') {
            loop {
                let (arg, pieces) = self.arg(depth)?;
                if args.is_empty() && function == Function::Format {
                    template = pieces;
                }
                args.push(arg);
                self.ws();
                match self.peek() {
                    Some(b',') => {
                        self.i += 1;
                        self.ws();
                    }
                    Some(b')') => break,
                    None => return self.err_at(open, &format!("the '(' of '{}' is never closed", name)),
                    Some(_) => return self.err("',' or ')' is expected after an argument"),
                }
            }
        }
        self.i += 1; // ')'
        let (min, max) = function.arity();
        if args.len() < min || args.len() > max {
            let wanted = match (min, max) {
                (n, m) if n == m => format!("{} argument{}", n, if n == 1 { "" } else { "s" }),
                (n, usize::MAX) => format!("at least {} argument{}", n, if n == 1 { "" } else { "s" }),
                (n, m) => format!("{} to {} arguments", n, m),
            };
            return Err(format!("{} takes {}, but {} were given in '{}'", name, wanted, args.len(), &self.text[start..self.i]));
        }
        Ok(Call { text: self.text[start..self.i].to_string(), function, args, template })
    }

    /// One argument; for a string literal also its pieces between unescaped `{}`.
    fn arg(&mut self, depth: usize) -> Result<(Arg, Option<Vec<String>>), String> {
        match self.peek() {
            Some(b'\'') => {
                let (value, pieces) = self.string()?;
                Ok((Arg::Literal(Value::from(value)), Some(pieces)))
            }
            Some(b'$') => Ok((Arg::Path(self.path()?), None)),
            Some(b'S') if self.text[self.i..].starts_with("States.") => Ok((Arg::Call(self.call(depth + 1)?), None)),
            Some(c) if c == b'-' || c.is_ascii_digit() => Ok((Arg::Literal(self.number()?), None)),
            Some(c) if c.is_ascii_alphabetic() => {
                let start = self.i;
                while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.') {
                    self.i += 1;
                }
                let value = match &self.text[start..self.i] {
                    "null" => Value::Null,
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    word => {
                        return self
                            .err_at(start, &format!("'{}' is not an argument (strings are written in single quotes, paths start with '$')", word))
                    }
                };
                Ok((Arg::Literal(value), None))
            }
            Some(b')') | Some(b',') => self.err("an argument is expected"),
            None => self.err("the call ends where an argument is expected"),
            Some(_) => self.err("an argument is expected (a 'string', a number, null, true, false, a path or a call)"),
        }
    }

    /// `'…'` with AWS's escapes `\'`, `\{`, `\}`, `\\`; any other backslash stays as written.
    fn string(&mut self) -> Result<(String, Vec<String>), String> {
        let start = self.i;
        self.i += 1;
        let mut value = String::new();
        let mut pieces = Vec::new();
        let mut piece = String::new();
        loop {
            let Some(c) = self.text[self.i..].chars().next() else {
                return self.err_at(start, "the string literal is never closed");
            };
            match c {
                '\'' => {
                    self.i += 1;
                    pieces.push(piece);
                    return Ok((value, pieces));
                }
                '\\' => {
                    let Some(next) = self.text[self.i + 1..].chars().next() else {
                        return self.err_at(start, "the string literal is never closed");
                    };
                    // AWS refuses `\"` (recorded: "must be a valid JSONPath or a valid intrinsic
                    // function call"); any other backslash stays as written.
                    if next == '"' {
                        return self.err_at(self.i, "'\\\"' is not an escape AWS accepts in an intrinsic string literal");
                    }
                    if !matches!(next, '\'' | '{' | '}' | '\\') {
                        value.push('\\');
                        piece.push('\\');
                    }
                    value.push(next);
                    piece.push(next);
                    self.i += 1 + next.len_utf8();
                }
                '{' if self.s.get(self.i + 1) == Some(&b'}') => {
                    value.push_str("{}");
                    pieces.push(std::mem::take(&mut piece));
                    self.i += 2;
                }
                c => {
                    value.push(c);
                    piece.push(c);
                    self.i += c.len_utf8();
                }
            }
        }
    }

    /// A JSON number: `-?int(.frac)?(e±exp)?`; integers stay integers.
    fn number(&mut self) -> Result<Value, String> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        while self.peek().is_some_and(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-')) {
            self.i += 1;
        }
        let text = &self.text[start..self.i];
        match crate::json::parse(text) {
            Ok(v @ Value::Number(_)) => Ok(v),
            _ => self.err_at(start, &format!("'{}' is not a number", text)),
        }
    }

    /// A path runs to the first `,`, `)` or space outside brackets; inside
    /// brackets quotes, commas and parentheses belong to it (`$.a[?(@.b == 'x, y')]`).
    fn path(&mut self) -> Result<Path, String> {
        let start = self.i;
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            match c {
                b'[' => depth += 1,
                b']' => depth = depth.saturating_sub(1),
                b'\'' | b'"' if depth > 0 => {
                    self.i += 1;
                    while let Some(q) = self.peek() {
                        if q == b'\\' {
                            self.i += 1;
                        } else if q == c {
                            break;
                        }
                        self.i += 1;
                    }
                }
                b',' | b')' if depth == 0 => break,
                c if c.is_ascii_whitespace() && depth == 0 => break,
                _ => {}
            }
            self.i += 1;
        }
        self.i = self.i.min(self.s.len());
        let text = &self.text[start..self.i];
        Path::compile(text).map_err(|e| format!("the argument '{}' is not a valid path: {}", text, e))
    }
}
