//! Everything that computes a value from data: JSONPath paths, payload
//! templates (`.$` keys), intrinsic functions, and (later) JSONata.
//!
//! Nothing here knows about states or history: an [`Env`] supplies the
//! input, the context object, variables and the seeded random source.

pub mod intrinsics;
pub mod jsonata;
pub mod path;

pub use path::{Path, PathError, ReferencePath, Root};

use crate::value::{Map, Value};
use std::rc::Rc;

/// The lower-case hex digest of `bytes` by AWS's name for the algorithm (`MD5`, `SHA-1`,
/// `SHA-256`, `SHA-384`, `SHA-512`), for `States.Hash` and JSONata's `$hash`; `None` for
/// any other name.
pub fn hex_digest(algorithm: &str, bytes: &[u8]) -> Option<String> {
    use sha2::Digest;
    let digest: Vec<u8> = match algorithm {
        "MD5" => md5::Md5::digest(bytes).to_vec(),
        "SHA-1" => sha1::Sha1::digest(bytes).to_vec(),
        "SHA-256" => sha2::Sha256::digest(bytes).to_vec(),
        "SHA-384" => sha2::Sha384::digest(bytes).to_vec(),
        "SHA-512" => sha2::Sha512::digest(bytes).to_vec(),
        _ => return None,
    };
    let mut hex = String::with_capacity(digest.len() * 2);
    for b in digest {
        hex.push(char::from_digit((b >> 4) as u32, 16).unwrap_or('0'));
        hex.push(char::from_digit((b & 15) as u32, 16).unwrap_or('0'));
    }
    Some(hex)
}

/// An error with AWS's name and cause, e.g. `States.Runtime`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Failure {
    pub error: String,
    pub cause: String,
    /// The failure had no error name / no cause at all (a service error without them):
    /// a catcher then sees `null`, where an empty one (a timeout's cause) is `""`.
    pub error_absent: bool,
    pub cause_absent: bool,
    /// For a JSONata evaluation error: the field it happened in (`Output/result`), which
    /// AWS records in an `EvaluationFailed` event.
    pub location: Option<Rc<str>>,
    /// A missed heartbeat: AWS records it as `States.Timeout`, but a retrier or catcher
    /// naming `States.HeartbeatTimeout` takes it (and only it).
    pub heartbeat: bool,
}

impl Failure {
    /// The name `ErrorEquals` is matched against: `States.HeartbeatTimeout` for a missed
    /// heartbeat (recorded as `States.Timeout`), the error otherwise.
    pub fn match_name(&self) -> &str {
        if self.heartbeat {
            "States.HeartbeatTimeout"
        } else {
            &self.error
        }
    }
    /// A task's `TimeoutSeconds` passed (`heartbeat: false`) or its `HeartbeatSeconds` did.
    pub fn timeout(heartbeat: bool) -> Failure {
        Failure { heartbeat, ..Failure::new("States.Timeout", "") }
    }
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Failure {
        Failure { error: error.into(), cause: cause.into(), ..Failure::default() }
    }
    /// A failure reported by a service, whose error and cause may be missing.
    pub fn reported(error: Option<&str>, cause: Option<&str>) -> Failure {
        Failure {
            error: error.unwrap_or_default().to_string(),
            cause: cause.unwrap_or_default().to_string(),
            error_absent: error.is_none(),
            cause_absent: cause.is_none(),
            location: None,
            heartbeat: false,
        }
    }
    /// `States.QueryEvaluationError` in the field `location`.
    pub fn query_evaluation(location: &str, cause: impl Into<String>) -> Failure {
        Failure { location: Some(Rc::from(location)), ..Failure::new("States.QueryEvaluationError", cause) }
    }
    pub fn runtime(cause: impl Into<String>) -> Failure {
        Failure::new("States.Runtime", cause)
    }
    pub fn intrinsic(cause: impl Into<String>) -> Failure {
        Failure::new("States.IntrinsicFailure", cause)
    }
}

/// What an evaluation can read: the value `$` designates, the context object
/// `$$`, workflow variables, and the execution's seeded random source.
pub trait Env {
    /// The value `$` designates.
    fn input(&self) -> &Value;
    /// The context object `$$`.
    fn context(&mut self) -> Value;
    /// A workflow variable, if assigned.
    fn variable(&self, name: &str) -> Option<Value>;
    /// The next 64 random bits from the execution's seeded generator.
    fn next_random(&mut self) -> u64;
    /// JSONata: the `$states` variable for the field being evaluated.
    fn jsonata_states(&mut self) -> Value {
        Value::empty_object()
    }
    /// JSONata: every workflow variable in scope.
    fn visible_variables(&self) -> Map {
        Map::new()
    }
    /// The virtual clock, for JSONata's `$now()` and `$millis()`.
    fn now_millis(&self) -> i64 {
        0
    }
}

/// A `{% … %}` expression in a JSONata-mode field.
#[derive(Clone, Debug)]
pub struct JsonataField {
    pub expr: jsonata::Expression,
}

/// Whether a string is a JSONata expression field: `{%` … `%}` with nothing outside.
pub fn jsonata_text(s: &str) -> Option<&str> {
    s.strip_prefix("{%").and_then(|r| r.strip_suffix("%}"))
}

struct HostAdapter<'e>(&'e mut dyn Env);

impl jsonata::Host for HostAdapter<'_> {
    fn now_millis(&self) -> i64 {
        self.0.now_millis()
    }
    fn next_random(&mut self) -> u64 {
        self.0.next_random()
    }
}

/// The error text AWS shows: jsonata-js's message, `CODE: message`.
fn aws_jsonata_message(e: &jsonata::EvalError) -> String {
    let message = match &e.code {
        Some(c) if !e.message.starts_with(c.as_str()) => format!("{}: {}", c, e.message),
        _ => e.message.clone(),
    };
    // jsonata-core names the callee ("…non-function: $f"); jsonata-js, and so AWS, does not.
    match message.find("Attempted to invoke a non-function") {
        Some(i) if e.code.as_deref() == Some("T1006") => message[..i + "Attempted to invoke a non-function".len()].to_string(),
        _ => message,
    }
}

/// Why an expression evaluated on its own failed (see [`Failure::expression`]).
pub enum ExpressionProblem<'a> {
    /// It does not parse; the detail is the parser's message.
    Invalid(&'a str),
    /// It produced no value.
    Undefined,
    Threw(&'a jsonata::EvalError),
}

impl Failure {
    /// An expression evaluated on its own (`asl-sim eval`, the JS API's `evalJsonata`) that
    /// failed: AWS's error and cause as a state's field words them, without the field's name.
    /// The one spelling of these texts: the CLI and the playground take them from here.
    pub fn expression(text: &str, problem: ExpressionProblem) -> Failure {
        let text = text.trim();
        let cause = match problem {
            ExpressionProblem::Invalid(detail) => format!("The JSONata expression '{text}' is invalid: {detail}"),
            ExpressionProblem::Undefined => format!("The JSONata expression '{text}' returned nothing (undefined)."),
            ExpressionProblem::Threw(e) => format!("The JSONata expression '{text}' threw an error during evaluation. {}", aws_jsonata_message(e)),
        };
        Failure::new("States.QueryEvaluationError", cause)
    }
}

impl JsonataField {
    /// Evaluate; `location` names the field for AWS's messages (`Arguments/FunctionName`).
    pub fn evaluate(&self, env: &mut dyn Env, location: &str) -> Result<Value, Failure> {
        let states = env.jsonata_states();
        let vars = env.visible_variables();
        let mut bindings: Vec<(&str, Value)> = Vec::with_capacity(vars.len() + 1);
        bindings.push(("states", states));
        for (k, v) in vars.iter() {
            bindings.push((k, v.clone()));
        }
        let text = self.expr.text().trim();
        match jsonata::evaluate_with(&self.expr, None, &bindings, &mut HostAdapter(env), &jsonata::Limits::default()) {
            Ok(Some(v)) => Ok(v),
            Ok(None) => Err(Failure::query_evaluation(
                location,
                format!("The JSONata expression '{}' specified for the field '{}' returned nothing (undefined).", text, location),
            )),
            Err(e) => Err(Failure::query_evaluation(
                location,
                format!(
                    "The JSONata expression '{}' specified for the field '{}' threw an error during evaluation. {}",
                    text,
                    location,
                    aws_jsonata_message(&e)
                ),
            )),
        }
    }
}

/// An expression in a `.$` value: a path on the input, the context or a
/// variable, or an intrinsic function call.
#[derive(Clone, Debug)]
pub enum Expr {
    Path(Path),
    Intrinsic(Rc<intrinsics::Call>),
}

impl Expr {
    /// Compile a `.$` value: `$…`, `$$…`, `$var…` or `States.Fn(…)`.
    pub fn compile(text: &str) -> Result<Expr, String> {
        if text.starts_with('$') {
            Path::compile(text).map(Expr::Path)
        } else if text.starts_with("States.") {
            intrinsics::Call::parse(text).map(|c| Expr::Intrinsic(Rc::new(c)))
        } else {
            Err(format!("'{}' is neither a JSONPath nor an intrinsic function call", text))
        }
    }

    pub fn text(&self) -> &str {
        match self {
            Expr::Path(p) => p.text(),
            Expr::Intrinsic(c) => c.text(),
        }
    }

    /// Evaluate; `field` names the field for error messages (e.g. `value.$`, `ErrorPath`).
    pub fn evaluate(&self, env: &mut dyn Env, field: &str) -> Result<Value, Failure> {
        match self {
            Expr::Path(p) => select(p, env).map_err(|_| {
                Failure::runtime(format!(
                    "The JSONPath '{}' specified for the field '{}' could not be found in the input '{}'",
                    p.text(),
                    field,
                    env.input().to_json()
                ))
            }),
            Expr::Intrinsic(c) => c.evaluate(env),
        }
    }
}

/// Evaluate a path against whichever root it names.
pub fn select(path: &Path, env: &mut dyn Env) -> Result<Value, PathError> {
    match path.root_kind() {
        Root::Input => path.select(env.input()),
        Root::Context => path.select(&env.context()),
        Root::Variable(name) => match env.variable(name) {
            Some(v) => path.select(&v),
            None => Err(PathError::NoResults(format!("${}", name))),
        },
    }
}

/// A payload template (`Parameters`, `ResultSelector`, `ItemSelector`, JSONPath `Assign`):
/// static parts kept as values, `.$` members compiled.
#[derive(Clone, Debug)]
pub enum Template {
    /// A subtree with no `.$` key (or, in JSONata mode, no `{% %}` string) anywhere: used as is.
    Static(Value),
    /// JSONata mode: a `{% … %}` string.
    Jsonata(Rc<JsonataField>),
    Object(Vec<(Rc<str>, TemplateMember)>),
    Array(Vec<Template>),
}

#[derive(Clone, Debug)]
pub enum TemplateMember {
    /// `"key": value`
    Plain(Template),
    /// `"key.$": "expr"` (stored under `key`; the original field name is kept for messages)
    Dynamic { field: Rc<str>, expr: Expr },
}

impl Template {
    /// Compile a template from its JSON; errors carry a JSON pointer suffix relative to it.
    pub fn compile(v: &Value) -> Result<Template, (String, String)> {
        Self::compile_at(v, &mut String::new())
    }

    fn compile_at(v: &Value, ptr: &mut String) -> Result<Template, (String, String)> {
        match v {
            Value::Object(o) => {
                if !has_dynamic(v) {
                    return Ok(Template::Static(v.clone()));
                }
                let mut members = Vec::with_capacity(o.len());
                for (k, val) in o.iter() {
                    let len = ptr.len();
                    ptr.push('/');
                    crate::json::escape_pointer_token(k, ptr);
                    if let Some(name) = k.strip_suffix(".$") {
                        let Some(text) = val.as_str() else {
                            return Err((
                                ptr.clone(),
                                format!("The value for the field '{}' must be a STRING that contains a JSONPath or an intrinsic function call", k),
                            ));
                        };
                        let expr = Expr::compile(text).map_err(|e| {
                            (
                                ptr.clone(),
                                format!("The value for the field '{}' must be a valid JSONPath or a valid intrinsic function call: {}", k, e),
                            )
                        })?;
                        members.push((Rc::from(name), TemplateMember::Dynamic { field: k.clone(), expr }));
                    } else {
                        members.push((k.clone(), TemplateMember::Plain(Self::compile_at(val, ptr)?)));
                    }
                    ptr.truncate(len);
                }
                Ok(Template::Object(members))
            }
            Value::Array(a) => {
                if !has_dynamic(v) {
                    return Ok(Template::Static(v.clone()));
                }
                let mut items = Vec::with_capacity(a.len());
                for (i, item) in a.iter().enumerate() {
                    let len = ptr.len();
                    ptr.push('/');
                    ptr.push_str(&i.to_string());
                    items.push(Self::compile_at(item, ptr)?);
                    ptr.truncate(len);
                }
                Ok(Template::Array(items))
            }
            _ => Ok(Template::Static(v.clone())),
        }
    }

    /// Compile a JSONata-mode field: `{% … %}` strings anywhere in the value are expressions;
    /// `.$` keys mean nothing special. Errors carry a JSON pointer suffix and a message.
    pub fn compile_jsonata(v: &Value) -> Result<Template, (String, String)> {
        Self::compile_jsonata_at(v, &mut String::new())
    }

    fn compile_jsonata_at(v: &Value, ptr: &mut String) -> Result<Template, (String, String)> {
        match v {
            Value::String(s) => match jsonata_text(s) {
                Some(text) => match jsonata::Expression::compile(text) {
                    Ok(expr) => Ok(Template::Jsonata(Rc::new(JsonataField { expr }))),
                    Err(e) => Err((ptr.clone(), format!("The JSONata expression '{}' is invalid: {}", text.trim(), e))),
                },
                None => Ok(Template::Static(v.clone())),
            },
            Value::Object(o) if has_jsonata(v) => {
                let mut members = Vec::with_capacity(o.len());
                for (k, val) in o.iter() {
                    let len = ptr.len();
                    ptr.push('/');
                    crate::json::escape_pointer_token(k, ptr);
                    members.push((k.clone(), TemplateMember::Plain(Self::compile_jsonata_at(val, ptr)?)));
                    ptr.truncate(len);
                }
                Ok(Template::Object(members))
            }
            Value::Array(a) if has_jsonata(v) => {
                let mut items = Vec::with_capacity(a.len());
                for (i, item) in a.iter().enumerate() {
                    let len = ptr.len();
                    ptr.push('/');
                    ptr.push_str(&i.to_string());
                    items.push(Self::compile_jsonata_at(item, ptr)?);
                    ptr.truncate(len);
                }
                Ok(Template::Array(items))
            }
            _ => Ok(Template::Static(v.clone())),
        }
    }

    /// Evaluate a JSONata-mode template; `location` is the field (`Output`), extended with
    /// member names for nested expressions (`Output/result`) as AWS reports them.
    pub fn evaluate_jsonata(&self, env: &mut dyn Env, location: &str) -> Result<Value, Failure> {
        match self {
            Template::Static(v) => Ok(v.clone()),
            Template::Jsonata(f) => f.evaluate(env, location),
            Template::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, t) in items.iter().enumerate() {
                    out.push(t.evaluate_jsonata(env, &format!("{}[{}]", location, i))?);
                }
                Ok(Value::array(out))
            }
            Template::Object(members) => {
                let mut out = Map::with_capacity(members.len());
                for (k, m) in members {
                    let v = match m {
                        TemplateMember::Plain(t) => t.evaluate_jsonata(env, &format!("{}/{}", location, k))?,
                        TemplateMember::Dynamic { field, expr } => expr.evaluate(env, field)?,
                    };
                    out.insert(k.clone(), v);
                }
                Ok(Value::object(out))
            }
        }
    }

    /// Build the payload.
    pub fn evaluate(&self, env: &mut dyn Env) -> Result<Value, Failure> {
        match self {
            Template::Static(v) => Ok(v.clone()),
            Template::Jsonata(f) => f.evaluate(env, "?"),
            Template::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for t in items {
                    out.push(t.evaluate(env)?);
                }
                Ok(Value::array(out))
            }
            Template::Object(members) => {
                let mut out = Map::with_capacity_and_hasher(members.len(), Default::default());
                for (k, m) in members {
                    let v = match m {
                        TemplateMember::Plain(t) => t.evaluate(env)?,
                        TemplateMember::Dynamic { field, expr } => expr.evaluate(env, field)?,
                    };
                    out.insert(k.clone(), v);
                }
                Ok(Value::object(out))
            }
        }
    }

    /// Every `.$` member, with its key (for validation and the inspector).
    pub fn dynamic_members(&self, out: &mut Vec<(Rc<str>, Expr)>) {
        match self {
            Template::Static(_) | Template::Jsonata(_) => {}
            Template::Array(items) => items.iter().for_each(|t| t.dynamic_members(out)),
            Template::Object(members) => {
                for (_, m) in members {
                    match m {
                        TemplateMember::Plain(t) => t.dynamic_members(out),
                        TemplateMember::Dynamic { field, expr } => out.push((field.clone(), expr.clone())),
                    }
                }
            }
        }
    }
}

fn has_jsonata(v: &Value) -> bool {
    match v {
        Value::String(s) => jsonata_text(s).is_some(),
        Value::Object(o) => o.values().any(has_jsonata),
        Value::Array(a) => a.iter().any(has_jsonata),
        _ => false,
    }
}

fn has_dynamic(v: &Value) -> bool {
    match v {
        Value::Object(o) => o.iter().any(|(k, v)| k.ends_with(".$") || has_dynamic(v)),
        Value::Array(a) => a.iter().any(has_dynamic),
        _ => false,
    }
}
