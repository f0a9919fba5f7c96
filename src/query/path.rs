//! AWS's JSONPath (Jayway dialect): compiled once, evaluated against a value.
//!
//! A [`Path`] is any JSONPath AWS accepts in `InputPath`, `OutputPath`,
//! `ItemsPath`, `…Path` fields and `.$` values: dot and bracket children,
//! indexes (negative too), `*`, slices, unions, filters `[?(…)]`, deep scan
//! `..`. A definite path (no wildcard, slice, union, filter or deep scan)
//! yields its single value; an indefinite one yields the list of matches.
//! A [`ReferencePath`] is the definite subset AWS allows in `ResultPath`.

use crate::value::{Map, Number, Value};
use std::fmt;
use std::rc::Rc;

/// What a path starts from.
#[derive(Clone, Debug, PartialEq)]
pub enum Root {
    /// `$` — the state's input (or the value the path is applied to).
    Input,
    /// `$$` — the context object.
    Context,
    /// `$name` — a workflow variable.
    Variable(Rc<str>),
}

#[derive(Clone, Debug, PartialEq)]
enum Selector {
    Name(Rc<str>),
    Index(i64),
}

#[derive(Clone, Debug, PartialEq)]
enum Segment {
    Child(Rc<str>),
    Index(i64),
    Wildcard,
    Slice(Option<i64>, Option<i64>, i64),
    Union(Vec<Selector>),
    Filter(Rc<Filter>),
    /// `..` followed by the segment it applies to.
    Descendant(Box<Segment>),
    /// `[(@.length-N)]`
    LengthMinus(i64),
}

/// A compiled JSONPath.
#[derive(Clone, PartialEq)]
pub struct Path {
    text: Rc<str>,
    root: Root,
    segments: Vec<Segment>,
    definite: bool,
}

impl fmt::Debug for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Path({})", self.text)
    }
}

/// Why a path gave no value.
#[derive(Clone, Debug, PartialEq)]
pub enum PathError {
    /// A definite path whose last step found nothing: `No results for path: $['a']`.
    NoResults(String),
    /// A definite path that stopped before its last step: `Missing property in path $['a']`.
    MissingProperty(String),
}

impl PathError {
    /// Jayway's message, which AWS quotes in `States.Runtime` causes.
    pub fn message(&self) -> String {
        match self {
            PathError::NoResults(p) => format!("No results for path: {}", p),
            PathError::MissingProperty(p) => format!("Missing property in path {}", p),
        }
    }
}

impl Path {
    /// The root path `$`.
    pub fn root() -> Path {
        Path { text: Rc::from("$"), root: Root::Input, segments: Vec::new(), definite: true }
    }

    /// Compile a path; the error says what is wrong with it.
    pub fn compile(text: &str) -> Result<Path, String> {
        Lexer::new(text).path()
    }

    /// The path as written.
    pub fn text(&self) -> &str {
        &self.text
    }
    pub fn root_kind(&self) -> &Root {
        &self.root
    }
    /// Whether the path names at most one value.
    pub fn is_definite(&self) -> bool {
        self.definite
    }
    /// Whether this is exactly `$`.
    pub fn is_identity(&self) -> bool {
        self.root == Root::Input && self.segments.is_empty()
    }

    /// Evaluate against `root` (the value its [`Root`] designates).
    /// Definite paths give their value; indefinite ones an array of matches.
    pub fn select(&self, root: &Value) -> Result<Value, PathError> {
        if self.definite {
            let mut cur = root;
            for (i, seg) in self.segments.iter().enumerate() {
                let next = match seg {
                    Segment::Child(name) => cur.get(name),
                    Segment::Index(i) => index(cur, *i),
                    Segment::LengthMinus(n) => cur.as_array().and_then(|a| index_in(a, a.len() as i64 - n)),
                    _ => unreachable_definite(),
                };
                match next {
                    Some(v) => cur = v,
                    None => {
                        let shown = self.normalized(i + 1);
                        return Err(if i + 1 == self.segments.len() { PathError::NoResults(shown) } else { PathError::MissingProperty(shown) });
                    }
                }
            }
            Ok(cur.clone())
        } else {
            let mut out = Vec::new();
            walk(root, root, &self.segments, &mut out);
            Ok(Value::array(out))
        }
    }

    /// Jayway's normalised form of the first `n` segments: `$['a'][0]`.
    fn normalized(&self, n: usize) -> String {
        let mut s = match &self.root {
            Root::Input => "$".to_string(),
            Root::Context => "$$".to_string(),
            Root::Variable(v) => format!("${}", v),
        };
        for seg in &self.segments[..n.min(self.segments.len())] {
            match seg {
                Segment::Child(name) => {
                    s.push_str("['");
                    s.push_str(name);
                    s.push_str("']");
                }
                Segment::Index(i) => s.push_str(&format!("[{}]", i)),
                Segment::LengthMinus(i) => s.push_str(&format!("[(@.length-{})]", i)),
                _ => s.push_str("[*]"),
            }
        }
        s
    }
}

fn unreachable_definite() -> Option<&'static Value> {
    None
}

fn index(v: &Value, i: i64) -> Option<&Value> {
    v.as_array().and_then(|a| index_in(a, i))
}

fn index_in(a: &[Value], i: i64) -> Option<&Value> {
    let i = if i < 0 { a.len() as i64 + i } else { i };
    if i < 0 {
        None
    } else {
        a.get(i as usize)
    }
}

fn walk(root: &Value, cur: &Value, segs: &[Segment], out: &mut Vec<Value>) {
    let Some((seg, rest)) = segs.split_first() else {
        out.push(cur.clone());
        return;
    };
    match seg {
        Segment::Child(name) => {
            if let Some(v) = cur.get(name) {
                walk(root, v, rest, out);
            }
        }
        Segment::Index(i) => {
            if let Some(v) = index(cur, *i) {
                walk(root, v, rest, out);
            }
        }
        Segment::LengthMinus(n) => {
            if let Some(a) = cur.as_array() {
                if let Some(v) = index_in(a, a.len() as i64 - n) {
                    walk(root, v, rest, out);
                }
            }
        }
        Segment::Wildcard => match cur {
            Value::Array(a) => a.iter().for_each(|v| walk(root, v, rest, out)),
            Value::Object(o) => o.values().for_each(|v| walk(root, v, rest, out)),
            _ => {}
        },
        Segment::Slice(start, end, step) => {
            if let Some(a) = cur.as_array() {
                for i in slice_indexes(a.len(), *start, *end, *step) {
                    walk(root, &a[i], rest, out);
                }
            }
        }
        Segment::Union(sels) if rest.is_empty() && sels.len() > 1 && sels.iter().all(|s| matches!(s, Selector::Name(_))) => {
            // Jayway's multi-property merge: a last `['a','b']` on an object gives one object
            // with the properties found, not each value.
            if let Some(o) = cur.as_object() {
                let mut merged = crate::value::Map::new();
                for sel in sels {
                    if let Selector::Name(n) = sel {
                        if let Some(v) = o.get(n) {
                            merged.insert(n.clone(), v.clone());
                        }
                    }
                }
                out.push(Value::object(merged));
            }
        }
        Segment::Union(sels) => {
            for sel in sels {
                let v = match sel {
                    Selector::Name(n) => cur.get(n),
                    Selector::Index(i) => index(cur, *i),
                };
                if let Some(v) = v {
                    walk(root, v, rest, out);
                }
            }
        }
        Segment::Filter(f) => {
            let items: Vec<&Value> = match cur {
                Value::Array(a) => a.iter().collect(),
                Value::Object(o) => o.values().collect(),
                _ => Vec::new(),
            };
            for v in items {
                if f.test(root, v) {
                    walk(root, v, rest, out);
                }
            }
        }
        Segment::Descendant(inner) => {
            let mut stack = vec![cur];
            // Pre-order: a node, then its children, as Jayway scans.
            let mut order = Vec::new();
            while let Some(v) = stack.pop() {
                order.push(v);
                match v {
                    Value::Array(a) => stack.extend(a.iter().rev()),
                    Value::Object(o) => stack.extend(o.values().rev()),
                    _ => {}
                }
            }
            let single = std::slice::from_ref(&**inner);
            for v in order {
                let mut matched = Vec::new();
                walk(root, v, single, &mut matched);
                for m in matched {
                    walk(root, &m, rest, out);
                }
            }
        }
    }
}

fn slice_indexes(len: usize, start: Option<i64>, end: Option<i64>, step: i64) -> Vec<usize> {
    let len = len as i64;
    let norm = |i: i64| if i < 0 { (len + i).max(0) } else { i.min(len) };
    let mut out = Vec::new();
    if step > 0 {
        let (mut i, e) = (norm(start.unwrap_or(0)), norm(end.unwrap_or(len)));
        while i < e {
            out.push(i as usize);
            i += step;
        }
    } else if step < 0 {
        let mut i = start.map(|s| if s < 0 { len + s } else { s.min(len - 1) }).unwrap_or(len - 1);
        let e = end.map(|e| if e < 0 { len + e } else { e }).unwrap_or(-1);
        while i > e && i >= 0 {
            out.push(i as usize);
            i += step;
        }
    }
    out
}

// ---------------------------------------------------------------- filters

#[derive(Clone, Debug, PartialEq)]
enum Filter {
    /// `a || b || …`, flat (a chain of thousands of terms must not nest).
    Or(Vec<Filter>),
    And(Vec<Filter>),
    Not(Box<Filter>),
    Compare(Operand, CmpOp, Operand),
    Exists(Operand),
}

#[derive(Clone, Debug, PartialEq)]
enum Operand {
    Current(Vec<Segment>),
    Root(Vec<Segment>),
    Literal(Value),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Nin,
}

impl Filter {
    fn test(&self, root: &Value, current: &Value) -> bool {
        match self {
            Filter::Or(terms) => terms.iter().any(|t| t.test(root, current)),
            Filter::And(terms) => terms.iter().all(|t| t.test(root, current)),
            Filter::Not(a) => !a.test(root, current),
            Filter::Exists(op) => match op.resolve(root, current) {
                Some(Value::Bool(b)) => b,
                Some(_) => true,
                None => false,
            },
            Filter::Compare(l, op, r) => {
                let (Some(l), Some(r)) = (l.resolve(root, current), r.resolve(root, current)) else {
                    return *op == CmpOp::Ne;
                };
                compare(&l, *op, &r)
            }
        }
    }
}

impl Operand {
    fn resolve(&self, root: &Value, current: &Value) -> Option<Value> {
        let (base, segs) = match self {
            Operand::Literal(v) => return Some(v.clone()),
            Operand::Current(s) => (current, s),
            Operand::Root(s) => (root, s),
        };
        let mut out = Vec::new();
        walk(root, base, segs, &mut out);
        if segs.iter().all(|s| matches!(s, Segment::Child(_) | Segment::Index(_))) {
            out.pop()
        } else {
            Some(Value::array(out))
        }
    }
}

fn compare(l: &Value, op: CmpOp, r: &Value) -> bool {
    use std::cmp::Ordering;
    let ord = match (l, r) {
        (Value::Number(a), Value::Number(b)) => a.as_f64().partial_cmp(&b.as_f64()),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        _ => None,
    };
    match op {
        CmpOp::Eq => l == r,
        CmpOp::Ne => l != r,
        CmpOp::Lt => ord == Some(Ordering::Less),
        CmpOp::Le => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
        CmpOp::Gt => ord == Some(Ordering::Greater),
        CmpOp::Ge => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
        CmpOp::In => r.as_array().is_some_and(|a| a.contains(l)),
        CmpOp::Nin => r.as_array().is_some_and(|a| !a.contains(l)),
    }
}

// ---------------------------------------------------------------- parser

struct Lexer<'a> {
    text: &'a str,
    s: &'a [u8],
    i: usize,
    /// Nesting of filter sub-expressions, bounded so no path can exhaust the stack.
    depth: usize,
}

/// Deepest nesting of parentheses, `!` and filters within one path.
const MAX_FILTER_DEPTH: usize = 64;

/// A name character in dot notation: anything but the path's punctuation.
fn is_name_byte(c: u8) -> bool {
    !matches!(c, b'.' | b'[' | b']' | b'(' | b')' | b' ' | b'\'' | b'"' | b'=' | b'<' | b'>' | b'!' | b'&' | b'|' | b',' | b'*' | b'@' | b'?')
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Lexer<'a> {
        Lexer { text, s: text.as_bytes(), i: 0, depth: 0 }
    }

    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("{} at position {} of '{}'", what, self.i, self.text))
    }

    fn path(mut self) -> Result<Path, String> {
        if self.s.first() != Some(&b'$') {
            return Err(format!("a path must start with '$': '{}'", self.text));
        }
        self.i = 1;
        let root = if self.s.get(1) == Some(&b'$') {
            self.i = 2;
            Root::Context
        } else if self.s.get(1).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_' || *c >= 0x80) {
            let start = self.i;
            while self.i < self.s.len() && is_name_byte(self.s[self.i]) {
                self.i += 1;
            }
            Root::Variable(Rc::from(&self.text[start..self.i]))
        } else {
            Root::Input
        };
        // Jayway trims the path before compiling it: a trailing space (seen in a deployed
        // definition, `"$$.Execution.Name "`) is accepted. A leading one is not: AWS checks the `$` first.
        let end = self.s.len() - self.s.iter().rev().take_while(|c| **c == b' ').count();
        self.s = &self.s[..end];
        let segments = self.segments(false)?;
        if self.i != self.s.len() {
            return self.err("unexpected character in path");
        }
        let definite = segments.iter().all(|s| matches!(s, Segment::Child(_) | Segment::Index(_) | Segment::LengthMinus(_)));
        Ok(Path { text: Rc::from(self.text), root, segments, definite })
    }

    /// Segments until the end (or, inside a filter, until a character that is not a segment).
    fn segments(&mut self, in_filter: bool) -> Result<Vec<Segment>, String> {
        let mut segs = Vec::new();
        loop {
            match self.s.get(self.i) {
                None => break,
                Some(b'.') => {
                    if self.s.get(self.i + 1) == Some(&b'.') {
                        self.i += 2;
                        let inner = if self.s.get(self.i) == Some(&b'[') { self.bracket()? } else { self.dot_name()? };
                        segs.push(Segment::Descendant(Box::new(inner)));
                    } else {
                        self.i += 1;
                        // Jayway's `readDotToken` takes one `.` and then any token, so `$.[0]`,
                        // `$.a.[0].b`, `$.[*]` and `$.[?(…)]` mean `$[0]`, `$.a[0].b`, … (AWS accepts them).
                        // Jayway reads `$.length()`-style functions; AWS rejects them, and so do we.
                        if self.s.get(self.i) == Some(&b'[') {
                            segs.push(self.bracket()?);
                        } else {
                            segs.push(self.dot_name()?);
                        }
                    }
                }
                Some(b'[') => segs.push(self.bracket()?),
                Some(_) if in_filter => break,
                Some(_) => return self.err("unexpected character in path"),
            }
        }
        Ok(segs)
    }

    fn dot_name(&mut self) -> Result<Segment, String> {
        if self.s.get(self.i) == Some(&b'*') {
            self.i += 1;
            return Ok(Segment::Wildcard);
        }
        let start = self.i;
        while self.i < self.s.len() && is_name_byte(self.s[self.i]) {
            self.i += 1;
        }
        if self.i == start {
            return self.err("a name is expected after '.'");
        }
        if self.s.get(self.i) == Some(&b'(') {
            return self.err("path functions are not supported");
        }
        Ok(Segment::Child(Rc::from(&self.text[start..self.i])))
    }

    fn skip_ws(&mut self) {
        while self.s.get(self.i) == Some(&b' ') {
            self.i += 1;
        }
    }

    fn bracket(&mut self) -> Result<Segment, String> {
        self.i += 1; // '['
        self.skip_ws();
        let seg = match self.s.get(self.i) {
            Some(b'*') => {
                self.i += 1;
                Segment::Wildcard
            }
            Some(b'?') => {
                self.i += 1;
                self.skip_ws();
                if self.s.get(self.i) != Some(&b'(') {
                    return self.err("'(' expected after '?'");
                }
                self.i += 1;
                let f = self.filter_or()?;
                self.skip_ws();
                if self.s.get(self.i) != Some(&b')') {
                    return self.err("')' expected to close the filter");
                }
                self.i += 1;
                Segment::Filter(Rc::new(f))
            }
            Some(b'(') => {
                // [(@.length-N)]
                let rest = &self.text[self.i..];
                let Some(close) = rest.find(')') else { return self.err("')' expected") };
                let inner = rest[1..close].replace(' ', "");
                let n = inner
                    .strip_prefix("@.length-")
                    .and_then(|n| n.parse::<i64>().ok())
                    .ok_or_else(|| format!("unsupported script expression '{}' in '{}'", inner, self.text))?;
                self.i += close + 1;
                Segment::LengthMinus(n)
            }
            Some(b'\'') | Some(b'"') => {
                let mut names = vec![Selector::Name(Rc::from(self.quoted()?))];
                self.skip_ws();
                while self.s.get(self.i) == Some(&b',') {
                    self.i += 1;
                    self.skip_ws();
                    names.push(Selector::Name(Rc::from(self.quoted()?)));
                    self.skip_ws();
                }
                if names.len() == 1 {
                    match names.pop() {
                        Some(Selector::Name(n)) => Segment::Child(n),
                        _ => unreachable!(),
                    }
                } else {
                    Segment::Union(names)
                }
            }
            Some(c) if c.is_ascii_digit() || *c == b'-' || *c == b':' => {
                let first = self.opt_int()?;
                self.skip_ws();
                if self.s.get(self.i) == Some(&b':') {
                    self.i += 1;
                    let end = self.opt_int()?;
                    let mut step = 1;
                    if self.s.get(self.i) == Some(&b':') {
                        self.i += 1;
                        step = self.opt_int()?.unwrap_or(1);
                        if step == 0 {
                            return self.err("slice step cannot be zero");
                        }
                    }
                    Segment::Slice(first, end, step)
                } else {
                    let Some(first) = first else { return self.err("index expected") };
                    let mut idx = vec![Selector::Index(first)];
                    while self.s.get(self.i) == Some(&b',') {
                        self.i += 1;
                        self.skip_ws();
                        match self.opt_int()? {
                            Some(n) => idx.push(Selector::Index(n)),
                            None => return self.err("index expected"),
                        }
                        self.skip_ws();
                    }
                    if idx.len() == 1 {
                        Segment::Index(first)
                    } else {
                        Segment::Union(idx)
                    }
                }
            }
            _ => return self.err("unexpected character after '['"),
        };
        self.skip_ws();
        if self.s.get(self.i) != Some(&b']') {
            return self.err("']' expected");
        }
        self.i += 1;
        Ok(seg)
    }

    fn opt_int(&mut self) -> Result<Option<i64>, String> {
        let start = self.i;
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        while self.s.get(self.i).is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if self.i == start {
            return Ok(None);
        }
        self.text[start..self.i].parse::<i64>().map(Some).map_err(|_| format!("invalid index in '{}'", self.text))
    }

    fn quoted(&mut self) -> Result<String, String> {
        // Was a panic, found by the fuzzer: after a union's last comma (`$['a',`) nothing is left.
        let Some(&q) = self.s.get(self.i) else { return self.err("quoted name expected") };
        if q != b'\'' && q != b'"' {
            return self.err("quoted name expected");
        }
        self.i += 1;
        let mut out = String::new();
        loop {
            match self.s.get(self.i) {
                None => return self.err("unterminated quoted name"),
                Some(&c) if c == q => {
                    self.i += 1;
                    return Ok(out);
                }
                // Only the quote character itself is escaped; other backslashes are literal (as in Jayway).
                Some(b'\\') if self.s.get(self.i + 1) == Some(&q) => {
                    out.push(q as char);
                    self.i += 2;
                }
                Some(_) => {
                    let c = self.text[self.i..].chars().next().unwrap_or('\u{FFFD}');
                    out.push(c);
                    self.i += c.len_utf8();
                }
            }
        }
    }

    fn filter_or(&mut self) -> Result<Filter, String> {
        let mut terms = vec![self.filter_and()?];
        loop {
            self.skip_ws();
            if self.text[self.i..].starts_with("||") {
                self.i += 2;
                terms.push(self.filter_and()?);
            } else {
                return Ok(if terms.len() == 1 { terms.pop().unwrap_or(Filter::And(Vec::new())) } else { Filter::Or(terms) });
            }
        }
    }

    fn filter_and(&mut self) -> Result<Filter, String> {
        let mut terms = vec![self.filter_unary()?];
        loop {
            self.skip_ws();
            if self.text[self.i..].starts_with("&&") {
                self.i += 2;
                terms.push(self.filter_unary()?);
            } else {
                return Ok(if terms.len() == 1 { terms.pop().unwrap_or(Filter::And(Vec::new())) } else { Filter::And(terms) });
            }
        }
    }

    fn filter_unary(&mut self) -> Result<Filter, String> {
        self.depth += 1;
        if self.depth > MAX_FILTER_DEPTH {
            return self.err(&format!("filter expressions nest deeper than {} levels", MAX_FILTER_DEPTH));
        }
        let r = self.filter_unary_inner();
        self.depth -= 1;
        r
    }

    fn filter_unary_inner(&mut self) -> Result<Filter, String> {
        self.skip_ws();
        if self.s.get(self.i) == Some(&b'!') && self.s.get(self.i + 1) != Some(&b'=') {
            self.i += 1;
            return Ok(Filter::Not(Box::new(self.filter_unary()?)));
        }
        if self.s.get(self.i) == Some(&b'(') {
            self.i += 1;
            let f = self.filter_or()?;
            self.skip_ws();
            if self.s.get(self.i) != Some(&b')') {
                return self.err("')' expected");
            }
            self.i += 1;
            return Ok(f);
        }
        let left = self.operand()?;
        self.skip_ws();
        let rest = &self.text[self.i..];
        let (op, len) = if rest.starts_with("==") {
            (CmpOp::Eq, 2)
        } else if rest.starts_with("!=") {
            (CmpOp::Ne, 2)
        } else if rest.starts_with("<=") {
            (CmpOp::Le, 2)
        } else if rest.starts_with(">=") {
            (CmpOp::Ge, 2)
        } else if rest.starts_with('<') {
            (CmpOp::Lt, 1)
        } else if rest.starts_with('>') {
            (CmpOp::Gt, 1)
        } else if rest.starts_with("nin ") {
            (CmpOp::Nin, 3)
        } else if rest.starts_with("in ") {
            (CmpOp::In, 2)
        } else {
            return Ok(Filter::Exists(left));
        };
        self.i += len;
        let right = self.operand()?;
        Ok(Filter::Compare(left, op, right))
    }

    fn operand(&mut self) -> Result<Operand, String> {
        self.skip_ws();
        match self.s.get(self.i) {
            Some(b'@') => {
                self.i += 1;
                self.depth += 1;
                if self.depth > MAX_FILTER_DEPTH {
                    return self.err(&format!("filter expressions nest deeper than {} levels", MAX_FILTER_DEPTH));
                }
                let segs = self.segments(true);
                self.depth -= 1;
                Ok(Operand::Current(segs?))
            }
            Some(b'$') => {
                self.i += 1;
                Ok(Operand::Root(self.segments(true)?))
            }
            Some(b'\'') | Some(b'"') => Ok(Operand::Literal(Value::from(self.quoted()?))),
            Some(b'[') => {
                // a literal array: parse up to the matching ']' as JSON (single quotes allowed)
                let start = self.i;
                let mut depth = 0;
                while let Some(&c) = self.s.get(self.i) {
                    self.i += 1;
                    match c {
                        b'[' => depth += 1,
                        b']' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let text = self.text[start..self.i].replace('\'', "\"");
                crate::json::parse(&text).map(Operand::Literal).map_err(|e| format!("invalid array literal in filter: {}", e.message))
            }
            _ => {
                let start = self.i;
                while self.s.get(self.i).is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'+' | b'.')) {
                    self.i += 1;
                }
                let word = &self.text[start..self.i];
                match word {
                    "true" => Ok(Operand::Literal(Value::Bool(true))),
                    "false" => Ok(Operand::Literal(Value::Bool(false))),
                    "null" => Ok(Operand::Literal(Value::Null)),
                    _ => match crate::json::parse(word) {
                        Ok(v @ Value::Number(_)) => Ok(Operand::Literal(v)),
                        _ => self.err("filter operand expected"),
                    },
                }
            }
        }
    }
}

// ---------------------------------------------------------------- reference paths

/// A `ResultPath`: a definite path of names and indexes into which a result is written.
#[derive(Clone, Debug, PartialEq)]
pub struct ReferencePath {
    text: Rc<str>,
    steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Name(Rc<str>),
    Index(usize),
}

impl ReferencePath {
    /// `$`
    pub fn root() -> ReferencePath {
        ReferencePath { text: Rc::from("$"), steps: Vec::new() }
    }

    /// Compile a reference path: `$`, `$.a.b`, `$['a'][0]`; no wildcards, filters, `$$` or variables.
    pub fn compile(text: &str) -> Result<ReferencePath, String> {
        let p = Path::compile(text)?;
        if p.root != Root::Input {
            return Err(format!("a reference path must start with '$.' or be '$': '{}'", text));
        }
        let mut steps = Vec::new();
        for seg in &p.segments {
            match seg {
                Segment::Child(n) => steps.push(Step::Name(n.clone())),
                Segment::Index(i) if *i >= 0 => steps.push(Step::Index(*i as usize)),
                _ => return Err(format!("a reference path may only name fields and indexes: '{}'", text)),
            }
        }
        Ok(ReferencePath { text: p.text, steps })
    }

    pub fn text(&self) -> &str {
        &self.text
    }
    pub fn is_root(&self) -> bool {
        self.steps.is_empty()
    }

    /// Write `result` into `input` at this path, creating objects on the way.
    /// `Err` carries AWS's cause for `States.ResultPathMatchFailure`.
    pub fn apply(&self, input: &Value, result: Value) -> Result<Value, String> {
        if self.steps.is_empty() {
            return Ok(result);
        }
        // The common `$.field` into an object: one new member list with room for the field,
        // rather than a copy-on-write clone that then grows.
        // Writing back the very node already there (a loop re-storing an unchanged result)
        // shares the input instead of copying it.
        if let ([Step::Name(name)], Some(members)) = (self.steps.as_slice(), input.as_object()) {
            if members.get(name).is_some_and(|v| v.same(&result)) {
                return Ok(input.clone());
            }
            let mut m = members.clone_with_room(usize::from(!members.contains_key(name)));
            m.insert(name.clone(), result);
            return Ok(Value::object(m));
        }
        let mut out = input.clone();
        self.set(&mut out, 0, result)?;
        Ok(out)
    }

    fn set(&self, target: &mut Value, at: usize, result: Value) -> Result<(), String> {
        let last = at + 1 == self.steps.len();
        match &self.steps[at] {
            Step::Name(name) => {
                let Some(map) = target.object_mut() else {
                    return Err(self.mismatch(target));
                };
                if last {
                    map.insert(name.clone(), result);
                    return Ok(());
                }
                let child = map.entry_or_insert_with(name.clone(), || Value::object(Map::default()));
                self.set(child, at + 1, result)
            }
            Step::Index(i) => {
                let mismatch = self.mismatch(target);
                let Some(items) = target.array_mut() else {
                    return Err(mismatch);
                };
                let Some(slot) = items.get_mut(*i) else {
                    return Err(mismatch);
                };
                if last {
                    *slot = result;
                    return Ok(());
                }
                self.set(slot, at + 1, result)
            }
        }
    }

    fn mismatch(&self, target: &Value) -> String {
        format!("Unable to apply ReferencePath {} to input {}", self.text, target.to_json())
    }
}

impl Number {
    /// Helper for callers that need a usize index.
    pub fn as_index(self) -> Option<usize> {
        self.as_i64().and_then(|i| usize::try_from(i).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    fn sel(path: &str, input: &str) -> String {
        let p = Path::compile(path).unwrap();
        match p.select(&parse(input).unwrap()) {
            Ok(v) => v.to_json(),
            Err(e) => e.message(),
        }
    }

    #[test]
    fn unfinished_unions_are_errors() {
        // Found by the fuzzer (tests/fuzz-regressions/jsonpath/): each panicked.
        for text in ["$['a',", "$[\"a\", ", "$.x['a','b',", "$[?(@ in ['a',"] {
            assert!(Path::compile(text).is_err(), "{text}");
            assert!(ReferencePath::compile(text).is_err(), "{text}");
        }
    }

    #[test]
    fn jayway_dot_bracket_and_trailing_space() {
        // Spellings from deployed definitions (../shared/realworld/REPORT.md, FP-1 and FP-2).
        assert_eq!(sel("$.[0]", "[1,2]"), "1");
        assert_eq!(sel("$.[1].State", r#"[1,{"State":"x"}]"#), r#""x""#);
        assert_eq!(sel("$.Snapshots.[0].State", r#"{"Snapshots":[{"State":"ok"}]}"#), r#""ok""#);
        assert_eq!(sel("$.[*]", "[1,2]"), "[1,2]");
        assert_eq!(sel("$.[?(@.OU > 0)]", r#"[{"OU":1},{"OU":0}]"#), r#"[{"OU":1}]"#);
        assert_eq!(sel("$.[*].['bucket', 'key']", r#"[{"bucket":"b","key":"k","x":1}]"#), r#"[{"bucket":"b","key":"k"}]"#);
        assert_eq!(sel("$.a ", r#"{"a":1}"#), "1");
        assert_eq!(ReferencePath::compile("$.[0]").map(|r| r.steps.len()), Ok(1));
        // Still rejected, as AWS rejects them: a leading space, an empty name, a bare word in a filter.
        for text in [" $.a", "$.", "$..", "$.a.", "$.[", "$[?(@.s==Failure)]", "$.a b"] {
            assert!(Path::compile(text).is_err(), "{text}");
        }
    }

    #[test]
    fn definite_paths_give_the_value() {
        assert_eq!(sel("$", r#"{"a":1}"#), r#"{"a":1}"#);
        assert_eq!(sel("$.a.b", r#"{"a":{"b":[1]}}"#), "[1]");
        assert_eq!(sel("$['a'][1]", r#"{"a":[1,2]}"#), "2");
        assert_eq!(sel("$.a[-1]", r#"{"a":[1,2]}"#), "2");
        assert_eq!(sel("$.x", "{}"), "No results for path: $['x']");
        assert_eq!(sel("$.no.such", "{}"), "Missing property in path $['no']");
    }

    #[test]
    fn indefinite_paths_give_a_list() {
        let doc = r#"{"books":[{"p":8,"t":"a"},{"p":12,"t":"b"},{"p":5,"t":"c"}]}"#;
        assert_eq!(sel("$.books[*].t", doc), r#"["a","b","c"]"#);
        assert_eq!(sel("$.books[?(@.p < 10)].t", doc), r#"["a","c"]"#);
        assert_eq!(sel("$.books[?(@.p > 6 && @.t != 'a')].t", doc), r#"["b"]"#);
        assert_eq!(sel("$..t", doc), r#"["a","b","c"]"#);
        assert_eq!(sel("$.books[0:2].p", doc), "[8,12]");
        assert_eq!(sel("$.books[0,2].p", doc), "[8,5]");
        assert_eq!(sel("$.books[(@.length-1)].t", doc), r#""c""#);
    }

    #[test]
    fn result_paths_create_objects() {
        let r = ReferencePath::compile("$.a.b").unwrap();
        assert_eq!(r.apply(&parse(r#"{"x":1}"#).unwrap(), Value::int(2)).unwrap().to_json(), r#"{"x":1,"a":{"b":2}}"#);
        assert!(r.apply(&Value::string("s"), Value::Null).is_err());
        assert!(ReferencePath::compile("$.a[*]").is_err());
    }

    #[test]
    fn result_path_shares_input_only_for_the_same_node() {
        let r = ReferencePath::compile("$.last").unwrap();
        let tick = parse(r#"{"tick":true}"#).unwrap();
        let input = r.apply(&parse(r#"{"i":1}"#).unwrap(), tick.clone()).unwrap();
        let again = r.apply(&input, tick.clone()).unwrap();
        assert!(again.same(&input), "re-storing the same node copies nothing");
        let equal = r.apply(&input, parse(r#"{"tick":true}"#).unwrap()).unwrap();
        assert!(!equal.same(&input) && equal == input);
        let n = ReferencePath::compile("$.i").unwrap();
        let float = n.apply(&input, Value::Number(crate::value::Number::Float(1.0))).unwrap();
        assert!(!float.same(&input), "1.0 is not the node 1");
        assert!(n.apply(&input, Value::int(1)).unwrap().same(&input));
    }
}
