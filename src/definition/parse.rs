//! The definition's JSON → the [`StateMachine`] model, and the diagnostics of its shape.
//!
//! Three passes over the JSON, all reporting into one list so that every problem
//! is found at once (`build` in `mod.rs` runs them in this order):
//!
//! 1. **Scopes** (this file): walk every `StartAt`/`States` block, nested Parallel
//!    branches and Map processors included, give each state its [`StateId`] in one
//!    flat table (depth-first, in definition order), read its `Type`, and check
//!    names, duplicates and `StartAt`.
//! 2. **States** (`states/`): parse each state's fields into the model, resolving
//!    transitions against the names of its own scope (so no transition crosses a
//!    branch boundary) and compiling paths and templates. Values given literally
//!    where an expression may have been meant are noted as [`Literal`]s.
//! 3. **Lints and graph** (`validate.rs`): judges the noted literals, then checks
//!    terminal states and reachability, per scope. It reads this file's types; this
//!    file calls nothing of it.
//!
//! Diagnostics carry AWS's ValidateStateMachineDefinition codes. Their pointer is the
//! location AWS reports (for an unsupported or missing field that is the object that
//! holds it, e.g. `/States/X`), written as a JSON pointer (`/States/P/Branches/0/…`
//! where AWS writes `Branches[0]`, and `~1` for a `/` in a name); their span is as
//! precise as the text allows (the field's key, or the offending value).

use super::{Diagnostic, QueryLanguage, Scope, Severity, State, StateId, StateMachine, StateType};
use crate::json::{self, SpanMap};
use crate::query::{Expr, Path, ReferencePath, Template};
use crate::value::FixedHashMap as HashMap;
use crate::value::{Map, Value};
use std::rc::Rc;

/// How deeply Parallel branches and Map processors may nest inside each other, and how
/// deeply Choice `And`/`Or`/`Not` rules may nest (`TOO_DEEPLY_NESTED` beyond). AWS does
/// not publish its bound; 32 is far beyond any real workflow and keeps every recursion
/// in the parser and the engine shallow on wasm's small stack.
pub const MAX_NESTING: usize = 32;

// ------------------------------------------------------------------ reporting

/// The diagnostics found so far, and where things are in the text.
pub(super) struct Ctx<'a> {
    spans: Option<&'a SpanMap>,
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) errors: usize,
    /// The literals for the lints, each with the number of diagnostics reported before it
    /// was met: a lint's warning goes there, so the list keeps the order of the checks.
    pub(super) literals: Vec<(usize, Literal)>,
}

/// A value the definition gives literally where an expression may have been meant. The
/// second pass notes each one it meets; the lints (`validate.rs`) decide which deserve a warning.
pub(super) enum Literal {
    /// A string member of a payload template whose name does not end in `.$`.
    TemplateString { pointer: String, key: Rc<str>, text: Rc<str> },
    /// A Pass state's `Result`, used as is.
    PassResult { pointer: String, value: Value },
    /// The string a Choice rule's `String…` operator (not `…Path`) compares with.
    ChoiceOperand { pointer: String, key: String, text: Rc<str> },
    /// A Fail state's `Error` or `Cause` (`key`), given as a string rather than by `…Path`.
    FailField { pointer: String, key: String, text: Rc<str> },
}

/// Whether a string value reads like a JSONPath (`$`, `$.a`, `$[0]`, `$$.Execution`).
pub(super) fn looks_like_path(s: &str) -> bool {
    s == "$" || s.starts_with("$.") || s.starts_with("$[") || s.starts_with("$$")
}

pub(super) const SCHEMA: &str = "SCHEMA_VALIDATION_FAILED";

/// The JSON pointer of member `key` of the value at `ptr`.
pub(super) fn child(ptr: &str, key: &str) -> String {
    let mut s = String::with_capacity(ptr.len() + key.len() + 1);
    s.push_str(ptr);
    s.push('/');
    json::escape_pointer_token(key, &mut s);
    s
}

/// The JSON pointer of item `i` of the array at `ptr`.
pub(super) fn item(ptr: &str, i: usize) -> String {
    format!("{}/{}", ptr, i)
}

impl<'a> Ctx<'a> {
    /// Span of the value at `ptr` (or of its closest ancestor in the text).
    pub(super) fn value_span(&self, ptr: &str) -> (usize, usize) {
        self.spans.and_then(|s| s.span(ptr)).unwrap_or((0, 0))
    }
    /// Span of the key of the member at `ptr`, else of its value.
    pub(super) fn key_span(&self, ptr: &str) -> (usize, usize) {
        self.spans.and_then(|s| s.key_span(ptr)).unwrap_or((0, 0))
    }
    /// A short span naming the thing at `ptr`: its key, else the first character of its value.
    pub(super) fn head_span(&self, ptr: &str) -> (usize, usize) {
        match self.spans {
            Some(s) => match s.keys.get(ptr) {
                Some(k) => *k,
                None => s.span(ptr).map_or((0, 0), |(a, b)| (a, (a + 1).min(b))),
            },
            None => (0, 0),
        }
    }

    pub(super) fn report(&mut self, code: &'static str, severity: Severity, pointer: &str, span: (usize, usize), message: String) {
        if severity == Severity::Error {
            self.errors += 1;
        }
        self.diagnostics.push(Diagnostic { code, message, severity, pointer: pointer.to_string(), span });
    }

    /// An error about the value at `ptr`.
    pub(super) fn error_value(&mut self, code: &'static str, ptr: &str, message: String) {
        let span = self.value_span(ptr);
        self.report(code, Severity::Error, ptr, span, message);
    }

    /// An error about the thing at `ptr` as a whole, shown at its key.
    pub(super) fn error_head(&mut self, code: &'static str, ptr: &str, message: String) {
        let span = self.head_span(ptr);
        self.report(code, Severity::Error, ptr, span, message);
    }

    /// A schema error located (as AWS locates it) at the object `owner`, shown at the key of its member `key`.
    pub(super) fn error_member(&mut self, owner: &str, key: &str, message: String) {
        let span = self.key_span(&child(owner, key));
        self.report(SCHEMA, Severity::Error, owner, span, message);
    }

    /// Note `literal` for the lints, at this point of the diagnostics.
    pub(super) fn note(&mut self, literal: Literal) {
        self.literals.push((self.diagnostics.len(), literal));
    }

    pub(crate) fn warning_value(&mut self, code: &'static str, ptr: &str, message: String) {
        let span = self.value_span(ptr);
        self.report(code, Severity::Warning, ptr, span, message);
    }

    pub(super) fn warning_key(&mut self, code: &'static str, ptr: &str, message: String) {
        let span = self.key_span(ptr);
        self.report(code, Severity::Warning, ptr, span, message);
    }

    fn type_error(&mut self, ptr: &str, key: &str, expected: &str) {
        self.error_value(SCHEMA, ptr, format!("Expected value of type [{}] for the field '{}'", expected, key));
    }

    /// A type error for a literal-only field; when the value reads like a path, say which `…Path` field to use.
    pub(super) fn literal_type_error(&mut self, o: &Obj, key: &str, expected: &str) {
        // The literal fields that have a `…Path` twin (the machine's own TimeoutSeconds has none).
        const TWINNED: &[&str] = &[
            "Seconds",
            "TimeoutSeconds",
            "HeartbeatSeconds",
            "MaxConcurrency",
            "ToleratedFailureCount",
            "ToleratedFailurePercentage",
            "MaxItems",
            "MaxItemsPerBatch",
            "MaxInputBytesPerBatch",
            "BooleanEquals",
        ];
        let twinned = !o.ptr.is_empty() && (TWINNED.contains(&key) || key.starts_with("Numeric"));
        let hint = match o.get(key) {
            Some(Value::String(s)) if twinned && looks_like_path(s) => format!(" (to read it from the input, use '{}Path')", key),
            _ => String::new(),
        };
        self.error_value(SCHEMA, &o.at(key), format!("Expected value of type [{}] for the field '{}'{}", expected, key, hint));
    }

    // ------------------------------------------------------------ field shapes

    /// `These fields are required: [..]` for each of `fields` that `o` lacks.
    pub(super) fn required(&mut self, o: &Obj, fields: &[&str]) -> bool {
        let missing: Vec<&str> = fields.iter().copied().filter(|f| !o.has(f)).collect();
        if missing.is_empty() {
            return true;
        }
        self.error_head(SCHEMA, &o.ptr, format!("These fields are required: [{}]", missing.join(", ")));
        false
    }

    /// Report every member of `o` not in `allowed`: JSONata-only ones (valid here in a JSONata
    /// state) with AWS's query-language message, the rest as `Field 'X' is not supported`.
    pub(super) fn unknown_fields(&mut self, o: &Obj, allowed: &[&str], jsonata_only: &[&str]) {
        for key in o.map.keys() {
            if allowed.contains(&&**key) {
                continue;
            }
            let message = if jsonata_only.contains(&&**key) {
                format!("The QueryLanguage is set to 'JSONPath', but field '{}' is only supported for the 'JSONata' QueryLanguage", key)
            } else {
                format!("Field '{}' is not supported", key)
            };
            self.error_member(&o.ptr, key, message);
        }
    }

    /// Report `a` and `b` both present; true when at most one is.
    pub(super) fn exclusive(&mut self, o: &Obj, a: &str, b: &str) -> bool {
        if o.has(a) && o.has(b) {
            let ptr = child(&o.ptr, a);
            let span = self.key_span(&ptr);
            self.report(SCHEMA, Severity::Error, &ptr, span, format!("The fields '{}' and '{}' are mutually exclusive", a, b));
            return false;
        }
        true
    }

    // ------------------------------------------------------------ typed fields

    pub(super) fn string<'v>(&mut self, o: &Obj<'v>, key: &str) -> Option<&'v str> {
        match o.get(key)? {
            Value::String(s) => Some(s),
            _ => {
                self.type_error(&o.at(key), key, "STRING");
                None
            }
        }
    }

    pub(super) fn boolean(&mut self, o: &Obj, key: &str) -> Option<bool> {
        match o.get(key)? {
            Value::Bool(b) => Some(*b),
            _ => {
                self.type_error(&o.at(key), key, "BOOLEAN");
                None
            }
        }
    }

    /// An integer field within `min..=max`.
    pub(super) fn uint(&mut self, o: &Obj, key: &str, min: u64, max: u64) -> Option<u64> {
        let v = o.get(key)?;
        let ptr = o.at(key);
        let Some(i) = v.as_number().and_then(|n| n.as_i64()) else {
            self.literal_type_error(o, key, "INTEGER");
            return None;
        };
        if i < 0 || (i as u64) < min {
            self.error_value(SCHEMA, &ptr, format!("Minimum value is {} for the field '{}'", min, key));
            return None;
        }
        if i as u64 > max {
            self.error_value(SCHEMA, &ptr, format!("Maximum value is {} for the field '{}'", max, key));
            return None;
        }
        Some(i as u64)
    }

    /// A number field within `min..=max`.
    pub(super) fn number(&mut self, o: &Obj, key: &str, min: f64, max: f64) -> Option<f64> {
        let v = o.get(key)?;
        let ptr = o.at(key);
        let Some(n) = v.as_number().map(|n| n.as_f64()) else {
            self.literal_type_error(o, key, "NUMBER");
            return None;
        };
        if n < min {
            self.error_value(SCHEMA, &ptr, format!("Minimum value is {:?} for the field '{}'", min, key));
            return None;
        }
        if n > max {
            self.error_value(SCHEMA, &ptr, format!("Maximum value is {:?} for the field '{}'", max, key));
            return None;
        }
        Some(n)
    }

    /// A string field whose value must be one of `values`.
    pub(super) fn one_of<'v>(&mut self, o: &Obj<'v>, key: &str, values: &[&str]) -> Option<&'v str> {
        let s = self.string(o, key)?;
        if values.contains(&s) {
            return Some(s);
        }
        self.error_value(SCHEMA, &o.at(key), format!("Value should be one of the following: [{}] for the field '{}'", values.join(", "), key));
        None
    }

    pub(super) fn object<'v>(&mut self, o: &Obj<'v>, key: &str) -> Option<Obj<'v>> {
        let v = o.get(key)?;
        let ptr = o.at(key);
        match v.as_object() {
            Some(map) => Some(Obj { map, ptr }),
            None => {
                self.type_error(&ptr, key, "OBJECT");
                None
            }
        }
    }

    pub(super) fn array<'v>(&mut self, o: &Obj<'v>, key: &str) -> Option<&'v [Value]> {
        let v = o.get(key)?;
        match v.as_array() {
            Some(a) => Some(a),
            None => {
                self.type_error(&o.at(key), key, "ARRAY");
                None
            }
        }
    }

    /// A non-empty array field.
    pub(super) fn nonempty_array<'v>(&mut self, o: &Obj<'v>, key: &str) -> Option<&'v [Value]> {
        let a = self.array(o, key)?;
        if a.is_empty() {
            self.error_value(SCHEMA, &o.at(key), format!("The field '{}' must not be empty", key));
            return None;
        }
        Some(a)
    }

    /// The array item at `ptr` as an object.
    pub(super) fn item_object<'v>(&mut self, v: &'v Value, ptr: String, what: &str) -> Option<Obj<'v>> {
        match v.as_object() {
            Some(map) => Some(Obj { map, ptr }),
            None => {
                self.error_value(SCHEMA, &ptr, format!("Expected value of type [OBJECT] for {}", what));
                None
            }
        }
    }

    /// A JSONPath field (`$`, `$.a`, `$$.Execution`, `$var`, filters, wildcards…).
    pub(super) fn path(&mut self, o: &Obj, key: &str) -> Option<Path> {
        let text = self.string(o, key)?;
        match Path::compile(text) {
            Ok(p) => Some(p),
            Err(e) => {
                self.error_value(SCHEMA, &o.at(key), format!("The value for the field '{}' must be a valid JSONPath: {}", key, e));
                None
            }
        }
    }

    /// A path that must name a single value (the `…Path` fields that read a number or a timestamp).
    pub(super) fn definite_path(&mut self, o: &Obj, key: &str) -> Option<Path> {
        let p = self.path(o, key)?;
        if !p.is_definite() {
            self.error_value(
                SCHEMA,
                &o.at(key),
                format!(
                    "The value for the field '{}' must be a path to a single value (no wildcard, slice, union, filter or '..'): '{}'",
                    key,
                    p.text()
                ),
            );
            return None;
        }
        Some(p)
    }

    /// `InputPath`/`OutputPath`: absent → `$`, `null` → `None`.
    pub(super) fn io_path(&mut self, o: &Obj, key: &str) -> Option<Path> {
        match o.get(key) {
            None => Some(Path::root()),
            Some(Value::Null) => None,
            Some(Value::String(_)) => self.path(o, key).or_else(|| Some(Path::root())),
            Some(_) => {
                self.type_error(&o.at(key), key, "STRING, NULL");
                Some(Path::root())
            }
        }
    }

    /// `ResultPath`: absent → `$`, `null` → `None`; a reference path on the input
    /// (no `$$`, no variable, no wildcard or filter).
    pub(super) fn result_path(&mut self, o: &Obj, key: &str) -> Option<ReferencePath> {
        match o.get(key) {
            None => Some(ReferencePath::root()),
            Some(Value::Null) => None,
            Some(Value::String(text)) => match ReferencePath::compile(text) {
                Ok(p) => Some(p),
                Err(e) => {
                    self.error_value(SCHEMA, &o.at(key), format!("The value for the field '{}' must be a valid ReferencePath: {}", key, e));
                    Some(ReferencePath::root())
                }
            },
            Some(_) => {
                self.type_error(&o.at(key), key, "STRING, NULL");
                Some(ReferencePath::root())
            }
        }
    }

    /// A `.$`-style expression field (`ErrorPath`, `CausePath`): a path or an intrinsic function call.
    pub(super) fn expr(&mut self, o: &Obj, key: &str) -> Option<Expr> {
        let text = self.string(o, key)?;
        match Expr::compile(text) {
            Ok(e) => Some(e),
            Err(e) => {
                self.error_value(
                    SCHEMA,
                    &o.at(key),
                    format!("The value for the field '{}' must be a valid JSONPath or a valid intrinsic function call: {}", key, e),
                );
                None
            }
        }
    }

    /// A payload template field (`Parameters`, `ResultSelector`, `ItemSelector`, `Assign`, …):
    /// an object whose `.$` members hold paths or intrinsic calls. Every bad member is reported.
    pub(super) fn template(&mut self, o: &Obj, key: &str) -> Option<Template> {
        let v = o.get(key)?;
        let ptr = o.at(key);
        if v.as_object().is_none() {
            self.type_error(&ptr, key, "OBJECT");
            return None;
        }
        let before = self.errors;
        self.check_template(v, &ptr);
        if self.errors > before {
            return None;
        }
        match Template::compile(v) {
            Ok(t) => Some(t),
            Err((suffix, message)) => {
                self.error_value(SCHEMA, &format!("{}{}", ptr, suffix), message);
                None
            }
        }
    }

    fn check_template(&mut self, v: &Value, ptr: &str) {
        match v {
            Value::Object(o) => {
                let mut names: HashMap<&str, &str> = HashMap::default();
                for (k, val) in o.iter() {
                    let at = child(ptr, k);
                    let name = k.strip_suffix(".$").unwrap_or(k);
                    if let Some(first) = names.insert(name, k) {
                        self.error_head(SCHEMA, &at, format!("The fields '{}' and '{}' both give the field '{}' of the payload", first, k, name));
                    }
                    if k.ends_with(".$") {
                        match val {
                            Value::String(text) => {
                                if let Err(e) = Expr::compile(text) {
                                    self.error_value(
                                        SCHEMA,
                                        &at,
                                        format!("The value for the field '{}' must be a valid JSONPath or a valid intrinsic function call: {}", k, e),
                                    );
                                }
                            }
                            _ => self.error_value(
                                SCHEMA,
                                &at,
                                format!("The value for the field '{}' must be a STRING that contains a JSONPath or an intrinsic function call", k),
                            ),
                        }
                    } else if let Value::String(text) = val {
                        self.note(Literal::TemplateString { pointer: at, key: k.clone(), text: text.clone() });
                    } else {
                        self.check_template(val, &at);
                    }
                }
            }
            Value::Array(a) => {
                for (i, val) in a.iter().enumerate() {
                    self.check_template(val, &item(ptr, i));
                }
            }
            _ => {}
        }
    }
}

/// An object of the definition and its JSON pointer.
#[derive(Clone)]
pub(super) struct Obj<'v> {
    pub(super) map: &'v Map,
    pub(super) ptr: String,
}

impl<'v> Obj<'v> {
    pub(super) fn get(&self, key: &str) -> Option<&'v Value> {
        self.map.get(key)
    }
    pub(super) fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }
    /// The pointer of member `key`.
    pub(super) fn at(&self, key: &str) -> String {
        child(&self.ptr, key)
    }
}

// ------------------------------------------------------------------ scopes

/// What kind of `StartAt`/`States` block a scope is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum ScopeKind {
    Root,
    Branch,
    ItemProcessor,
    Iterator,
}

/// One `StartAt`/`States` block found by the first pass.
pub(super) struct ScopeInfo {
    pub(super) pointer: String,
    pub(super) kind: ScopeKind,
    pub(super) start_at: Option<StateId>,
    /// Whether `StartAt` is a string (resolved or not): reachability is checked only then.
    pub(super) start_named: bool,
    /// Names of this scope's own states (the first one wins if a name repeats).
    pub(super) names: HashMap<Rc<str>, StateId>,
    pub(super) ids: Vec<StateId>,
}

/// One state found by the first pass.
pub(super) struct Slot<'v> {
    pub(super) name: Rc<str>,
    pub(super) pointer: String,
    pub(super) scope: usize,
    pub(super) value: &'v Value,
    /// Its `Type`, when that is one of the state types (the second pass reports why not).
    pub(super) state_type: Option<StateType>,
    /// Scopes nested in this state: a Parallel's branches in order, or a Map's processor.
    pub(super) children: Vec<usize>,
}

/// Everything the passes share.
pub(super) struct Builder<'a, 'v> {
    pub(super) ctx: Ctx<'a>,
    pub(super) scopes: Vec<ScopeInfo>,
    pub(super) slots: Vec<Slot<'v>>,
    /// Every state name of the machine → where it was first defined.
    all_names: HashMap<Rc<str>, String>,
    pub(super) machine_language: QueryLanguage,
    /// The parsed states (`None` where a state could not be parsed; there is then an error).
    pub(super) states: Vec<Option<State>>,
    /// Resolved transitions out of each state (Next, Choice rules and Default, Catch).
    pub(super) edges: Vec<Vec<StateId>>,
    /// States that end their scope (Succeed, Fail, `End: true`).
    pub(super) terminal: Vec<bool>,
    /// Map `Label`s seen → pointer of the first.
    pub(super) labels: HashMap<String, String>,
}

const TOP_LEVEL_FIELDS: &[&str] = &["StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"];

impl<'a, 'v> Builder<'a, 'v> {
    pub(super) fn new(spans: Option<&'a SpanMap>) -> Builder<'a, 'v> {
        Builder {
            ctx: Ctx { spans, diagnostics: Vec::new(), errors: 0, literals: Vec::new() },
            scopes: Vec::new(),
            slots: Vec::new(),
            all_names: HashMap::default(),
            machine_language: QueryLanguage::JsonPath,
            states: Vec::new(),
            edges: Vec::new(),
            terminal: Vec::new(),
            labels: HashMap::default(),
        }
    }

    /// The first two passes over the definition `root`: its model, when they found no error.
    pub(super) fn machine(&mut self, root: &'v Value) -> Option<StateMachine> {
        let Some(map) = root.as_object() else {
            self.ctx.error_value(SCHEMA, "", "Expected value of type [OBJECT] for the state machine definition".into());
            return None;
        };
        let o = Obj { map, ptr: String::new() };
        self.ctx.unknown_fields(&o, TOP_LEVEL_FIELDS, &[]);
        let comment = self.ctx.string(&o, "Comment").map(String::from);
        let version = self.ctx.string(&o, "Version").map(String::from);
        let timeout_seconds = self.ctx.uint(&o, "TimeoutSeconds", 1, 99_999_999);
        self.machine_language = self.query_language(&o);

        self.scope(o, ScopeKind::Root, 0);
        self.repeated_keys();
        self.states = (0..self.slots.len()).map(|_| None).collect();
        self.edges = vec![Vec::new(); self.slots.len()];
        self.terminal = vec![false; self.slots.len()];
        for id in 0..self.slots.len() {
            self.state(id);
        }

        if self.ctx.errors > 0 {
            return None;
        }
        let states: Option<Vec<State>> = std::mem::take(&mut self.states).into_iter().collect();
        let root = self.scope_model(0)?;
        Some(StateMachine { comment, version, timeout_seconds, query_language: self.machine_language, states: states?, root })
    }

    /// A `QueryLanguage` field's language, reporting values outside the enum. As measured on
    /// AWS, anything but exactly `JSONPath` counts as JSONata.
    pub(super) fn query_language(&mut self, o: &Obj) -> QueryLanguage {
        match o.get("QueryLanguage") {
            Some(Value::String(s)) if &**s == "JSONPath" => QueryLanguage::JsonPath,
            Some(Value::String(s)) if &**s == "JSONata" => QueryLanguage::Jsonata,
            Some(Value::String(_)) => {
                self.ctx.error_value(SCHEMA, &o.at("QueryLanguage"), "Value should be one of the following: [JSONPath, JSONata]".into());
                QueryLanguage::Jsonata
            }
            Some(_) => {
                self.ctx.error_value(SCHEMA, &o.at("QueryLanguage"), "Expected value of type [STRING] for the field 'QueryLanguage'".into());
                QueryLanguage::Jsonata
            }
            None => self.machine_language,
        }
    }

    /// The model of a scope found by the first pass (`None` when its `StartAt` is unresolved).
    pub(super) fn scope_model(&self, scope: usize) -> Option<Scope> {
        let s = &self.scopes[scope];
        Some(Scope { start_at: s.start_at?, states: s.ids.clone() })
    }

    /// First pass over one `StartAt`/`States` block and, recursively, the blocks nested in its states.
    fn scope(&mut self, o: Obj<'v>, kind: ScopeKind, depth: usize) -> usize {
        let index = self.scopes.len();
        self.scopes.push(ScopeInfo { pointer: o.ptr.clone(), kind, start_at: None, start_named: false, names: HashMap::default(), ids: Vec::new() });
        match kind {
            ScopeKind::Root => {}
            // AWS accepts a ProcessorConfig in the deprecated Iterator too (recorded cases
            // `test_map_state_legacy_config_*`).
            ScopeKind::ItemProcessor | ScopeKind::Iterator => self.ctx.unknown_fields(&o, &["StartAt", "States", "Comment", "ProcessorConfig"], &[]),
            ScopeKind::Branch => self.ctx.unknown_fields(&o, &["StartAt", "States", "Comment"], &[]),
        }
        if kind != ScopeKind::Root {
            self.ctx.string(&o, "Comment");
        }
        self.ctx.required(&o, &["StartAt", "States"]);
        let start_name = self.ctx.string(&o, "StartAt");
        if let Some(states) = self.ctx.object(&o, "States") {
            if states.map.is_empty() {
                self.ctx.error_value(SCHEMA, &states.ptr, "The field 'States' must contain at least one state".into());
            }
            for (name, value) in states.map.iter() {
                self.register(index, &states.ptr, name, value, depth);
            }
            if let Some(spans) = self.ctx.spans {
                let prefix = format!("{}/", states.ptr);
                let repeated: Vec<String> =
                    spans.duplicates.iter().filter(|d| d.strip_prefix(&prefix).is_some_and(|rest| !rest.contains('/'))).cloned().collect();
                for d in repeated {
                    let name = unescape_token(&d[prefix.len()..]);
                    self.ctx.error_head(
                        "DUPLICATE_STATE_NAME",
                        &d,
                        format!("Duplicate state name '{}': the 'States' object defines it more than once", name),
                    );
                }
            }
        }
        if let Some(name) = start_name {
            self.scopes[index].start_named = true;
            let ptr = o.at("StartAt");
            self.scopes[index].start_at = self.resolve(index, name, &ptr);
        }
        index
    }

    fn register(&mut self, scope: usize, states_ptr: &str, name: &Rc<str>, value: &'v Value, depth: usize) {
        let ptr = child(states_ptr, name);
        let chars = name.chars().count();
        if chars == 0 {
            self.ctx.error_head("INVALID_STATE_NAME", &ptr, "State names must not be empty".into());
        } else if chars > 80 {
            self.ctx.error_head("INVALID_STATE_NAME", &ptr, format!("State name '{}' is {} characters long; the maximum is 80", name, chars));
        } else if name.chars().any(char::is_control) {
            self.ctx.error_head("INVALID_STATE_NAME", &ptr, format!("State name {:?} contains a control character", &**name));
        }
        if let Some(first) = self.all_names.get(name) {
            let message =
                format!("Duplicate state name '{}': state names must be unique in the whole state machine (first defined at {})", name, first);
            self.ctx.error_head("DUPLICATE_STATE_NAME", &ptr, message);
        } else {
            self.all_names.insert(name.clone(), ptr.clone());
        }
        let map = value.as_object();
        let state_type = map.and_then(|m| m.get("Type")).and_then(Value::as_str).and_then(StateType::from_name);
        let id = self.slots.len();
        self.slots.push(Slot { name: name.clone(), pointer: ptr.clone(), scope, value, state_type, children: Vec::new() });
        self.scopes[scope].ids.push(id);
        self.scopes[scope].names.entry(name.clone()).or_insert(id);

        // Descend into the blocks this state nests, as its Type says.
        let Some(map) = map else { return };
        let nested: Vec<(Obj<'v>, ScopeKind)> = match state_type {
            Some(StateType::Parallel) => match map.get("Branches").and_then(Value::as_array) {
                Some(branches) => branches
                    .iter()
                    .enumerate()
                    .filter_map(|(i, b)| b.as_object().map(|m| (Obj { map: m, ptr: item(&child(&ptr, "Branches"), i) }, ScopeKind::Branch)))
                    .collect(),
                None => Vec::new(),
            },
            Some(StateType::Map) => {
                let processor = map.get("ItemProcessor").and_then(Value::as_object).map(|m| (m, "ItemProcessor", ScopeKind::ItemProcessor));
                let iterator = map.get("Iterator").and_then(Value::as_object).map(|m| (m, "Iterator", ScopeKind::Iterator));
                processor.or(iterator).map(|(m, key, kind)| (Obj { map: m, ptr: child(&ptr, key) }, kind)).into_iter().collect()
            }
            Some(StateType::Pass | StateType::Task | StateType::Choice | StateType::Wait | StateType::Succeed | StateType::Fail) | None => Vec::new(),
        };
        if nested.is_empty() {
            return;
        }
        if depth + 1 > MAX_NESTING {
            self.ctx.error_head(
                "TOO_DEEPLY_NESTED",
                &ptr,
                format!("State '{}' nests Parallel branches or Map processors more than {} levels deep", name, MAX_NESTING),
            );
            return;
        }
        let children = nested.into_iter().map(|(o, kind)| self.scope(o, kind, depth + 1)).collect();
        self.slots[id].children = children;
    }

    /// A key repeated in any object other than a `States` block (those are duplicate state
    /// names, reported by [`Builder::scope`]): the JSON reader keeps the last value, so warn.
    fn repeated_keys(&mut self) {
        let Some(spans) = self.ctx.spans else { return };
        let states_blocks: Vec<String> = self.scopes.iter().map(|s| child(&s.pointer, "States")).collect();
        for d in &spans.duplicates {
            let (parent, key) = d.rsplit_once('/').unwrap_or(("", d));
            if states_blocks.iter().any(|b| b == parent) {
                continue;
            }
            let message = format!("The field '{}' appears more than once in this object: only the last value is used", unescape_token(key));
            self.ctx.warning_key(SCHEMA, d, message);
        }
    }

    /// The state `name` in `scope`, reporting `MISSING_TRANSITION_TARGET` at `ptr` when there is none.
    pub(super) fn resolve(&mut self, scope: usize, name: &str, ptr: &str) -> Option<StateId> {
        if let Some(&id) = self.scopes[scope].names.get(name) {
            return Some(id);
        }
        let message = match self.all_names.get(name) {
            Some(at) => format!(
                "Missing 'Next' target: {} (the state at {} is in another scope: a transition cannot leave or enter a Parallel branch or a Map processor)",
                name, at
            ),
            None => format!("Missing 'Next' target: {}", name),
        };
        self.ctx.error_value("MISSING_TRANSITION_TARGET", ptr, message);
        None
    }

    /// Resolve the string transition target at `o[key]`, recording the edge from `from`.
    pub(super) fn target(&mut self, o: &Obj, key: &str, scope: usize, from: StateId) -> Option<StateId> {
        let name = self.ctx.string(o, key)?;
        let id = self.resolve(scope, name, &o.at(key))?;
        self.edges[from].push(id);
        Some(id)
    }
}

/// Undo JSON-pointer escaping of one reference token.
fn unescape_token(t: &str) -> String {
    t.replace("~1", "/").replace("~0", "~")
}
