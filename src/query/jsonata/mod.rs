//! JSONata as AWS Step Functions runs it, on the `jsonata-core` engine.
//!
//! Compile an expression once, then evaluate it against an input, a few
//! bindings (`$states`, workflow variables) and a [`Host`] that supplies the
//! virtual clock and the seeded random source ([`FixedHost`], or one's own):
//!
//! ```
//! use asl_sim::query::jsonata::{evaluate, Expression, FixedHost};
//! use asl_sim::Value;
//!
//! let mut host = FixedHost::new(1_704_067_200_000, 42); // 2024-01-01T00:00:00Z, seed 42
//! let expr = Expression::compile("$sum($states.input.items) & ' at ' & $now()").unwrap();
//! let states = asl_sim::json::parse(r#"{"input": {"items": [1, 2]}}"#).unwrap();
//! let result = evaluate(&expr, &Value::Null, &[("states", states)], &mut host).unwrap();
//! assert_eq!(result, Some(Value::from("3 at 2024-01-01T00:00:00.000Z")));
//! ```
//!
//! What differs from plain JSONata, as on AWS:
//! - `$partition`, `$range`, `$hash`, `$random([seed])` (seeded like
//!   `java.util.Random`), `$uuid` and `$parse` exist; `$eval` fails.
//! - The `??` and `?:` operators (JSONata 2.1) are syntax errors.
//! - `$now()`, `$millis()` and `$toMillis` with a partial picture read the
//!   host's clock; `$random()`, `$uuid()` and `$shuffle` its generator.
//!   Nothing reads the machine's clock or draws OS entropy.
//! - Every evaluation is bounded by [`Limits`]: nesting depth, function
//!   calls, sequence length. None of them is a wall-clock timeout.
//!
//! Nothing outside this module names a `jsonata-core` type, so the engine
//! behind it can be replaced.

mod convert;
mod functions;
mod syntax;

use crate::rng::Rng;
use crate::value::Value;
use jsonata_core::ast::AstNode;
use jsonata_core::evaluator::{Context, Evaluator, EvaluatorError, EvaluatorOptions};
use jsonata_core::value::JValue;
use std::fmt;
use std::rc::Rc;

/// A compiled JSONata expression. Cloning is O(1).
#[derive(Clone)]
pub struct Expression(Rc<Compiled>);

struct Compiled {
    text: Box<str>,
    ast: AstNode,
    draws_randomness: bool,
}

impl Expression {
    /// Parse `text` (the part between `{%` and `%}`).
    pub fn compile(text: &str) -> Result<Expression, SyntaxError> {
        let c = syntax::compile(text)?;
        Ok(Expression(Rc::new(Compiled { text: text.into(), ast: c.ast, draws_randomness: c.draws_randomness })))
    }

    /// The text it was compiled from.
    pub fn text(&self) -> &str {
        &self.0.text
    }
}

impl fmt::Debug for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Expression({:?})", self.text())
    }
}

/// An expression that does not parse, e.g. `1 +` or `$a ?? 1`.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    /// JSONata's error code, such as `S0202`, when there is one.
    pub code: Option<String>,
    /// The message, starting with the code when there is one.
    pub message: String,
    /// Byte offset in the expression text of the character where parsing
    /// failed (the text's length when it ended too early).
    pub offset: usize,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

/// An evaluation that failed, e.g. `1 + 'a'` (`T2002`) or an endless
/// recursion (`D1011`, `D1012`). AWS reports these as
/// `States.QueryEvaluationError`.
#[derive(Clone, Debug, PartialEq)]
pub struct EvalError {
    /// JSONata's error code, such as `T2002`, when there is one.
    pub code: Option<String>,
    /// The message, starting with the code when there is one.
    pub message: String,
}

impl EvalError {
    fn new(code: Option<&str>, message: String) -> EvalError {
        let message = match code {
            Some(c) => format!("{}: {}", c, message),
            None => message,
        };
        EvalError { code: code.map(str::to_string), message }
    }
}

impl From<EvaluatorError> for EvalError {
    fn from(e: EvaluatorError) -> EvalError {
        EvalError { code: e.code().map(str::to_string), message: e.message().to_string() }
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The outside world an evaluation may read: the execution's virtual clock
/// and its seeded random source.
pub trait Host {
    /// The current virtual time, in milliseconds since the Unix epoch.
    /// Read once per evaluation: `$now()` is the same instant throughout.
    fn now_millis(&self) -> i64;
    /// The next 64 random bits. An evaluation draws once, and only if the
    /// expression names `$random`, `$uuid` or `$shuffle`; further numbers
    /// come from a generator seeded with that draw.
    fn next_random(&mut self) -> u64;
}

/// A [`Host`] whose clock stands still at one instant and whose randomness is the
/// crate's seeded generator: what `asl-sim eval` and `evalJsonata` evaluate with,
/// and the host of every test that evaluates JSONata outside an execution (the
/// engine's own host is the execution, through `query::Env`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixedHost {
    /// The instant `$now()` and `$millis()` read, in milliseconds since the epoch.
    pub now_millis: i64,
    pub rng: Rng,
}

impl FixedHost {
    /// At `now_millis`, drawing from [`Rng::new`]`(seed)`.
    pub fn new(now_millis: i64, seed: u64) -> FixedHost {
        FixedHost { now_millis, rng: Rng::new(seed) }
    }
}

impl Host for FixedHost {
    fn now_millis(&self) -> i64 {
        self.now_millis
    }
    fn next_random(&mut self) -> u64 {
        self.rng.next_u64()
    }
}

/// Bounds on one evaluation, so that no expression can hang or overflow
/// the stack, natively or in wasm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// How deeply evaluation may nest (`D1011` beyond). A non-tail-recursive
    /// call costs about four levels.
    pub max_depth: usize,
    /// How many function bodies may run (`D1012` beyond): each call of a
    /// `function(…){…}`, as a callback or in a tail-call loop, is one step.
    pub max_steps: u64,
    /// The longest sequence a step may produce (`D2015` beyond), and the
    /// most items `$range` returns.
    pub max_sequence_length: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_depth: DEFAULT_MAX_DEPTH, max_steps: 100_000, max_sequence_length: 10_000_000 }
    }
}

/// The longest string an evaluation may build, in bytes (`D1013` beyond): `&` and the
/// functions that build strings (`$pad`, `$join`, `$string`, `$replace`, the
/// `$format…` functions, `$base64encode`, `$encodeUrl…`) check their result, and
/// `$pad`, `$join`, `$string` and `$replace` their arguments first, so no expression
/// builds a huge string in one call or by repetition. 64 times the 256 KiB any state
/// may hold.
pub const MAX_STRING_LENGTH: usize = 16 << 20;

/// The default depth limit, the same on every target so that results are.
/// In wasm the evaluator's recursion runs on the engine's call stack (about
/// 1 MiB in V8), which `stacker` cannot grow: measured in Node, the
/// costliest recursion found (through a transform, `~> |$|{…}|`) overflows
/// near 450 levels, a callback of `$map` near 650, a plain `1 + $f($n-1)`
/// near 1,600. 200 keeps well clear of all of them and still allows some
/// 50 nested calls of a simple recursive function (tail calls do not nest).
pub const DEFAULT_MAX_DEPTH: usize = 200;

/// Evaluate with the default [`Limits`]. `Ok(None)` is JSONata's
/// `undefined` (no value), which AWS treats as an error where a value is
/// needed. A binding `("x", v)` is `$x` in the expression.
pub fn evaluate(expr: &Expression, input: &Value, bindings: &[(&str, Value)], host: &mut dyn Host) -> Result<Option<Value>, EvalError> {
    evaluate_with(expr, Some(input), bindings, host, &Limits::default())
}

/// Evaluate with explicit limits; `input: None` evaluates with no input at
/// all (JavaScript `undefined`, not `null`).
pub fn evaluate_with(
    expr: &Expression,
    input: Option<&Value>,
    bindings: &[(&str, Value)],
    host: &mut dyn Host,
    limits: &Limits,
) -> Result<Option<Value>, EvalError> {
    let shared = Rc::new(functions::Shared {
        now_millis: host.now_millis(),
        rng: std::cell::RefCell::new(Rng::from_state(if expr.0.draws_randomness { host.next_random() } else { 0 })),
        steps: std::cell::Cell::new(0),
        string_bytes: std::cell::Cell::new(0),
        measured: Default::default(),
        max_steps: limits.max_steps,
        max_sequence_length: limits.max_sequence_length,
    });
    let mut context = Context::new();
    for (name, value) in bindings {
        context.bind(name.to_string(), convert::to_jvalue(value)?);
    }
    let options = EvaluatorOptions {
        max_stack_depth: Some(limits.max_depth),
        max_sequence_length: Some(limits.max_sequence_length),
        ..EvaluatorOptions::default()
    };
    let mut evaluator = Evaluator::with_options(context, options);
    functions::register(&mut evaluator, &shared)?;
    let data = match input {
        Some(v) => convert::to_jvalue(v)?,
        None => JValue::Undefined,
    };
    let result = evaluator.evaluate(&expr.0.ast, &data)?;
    convert::from_jvalue(&result)
}

#[cfg(test)]
mod tests;
