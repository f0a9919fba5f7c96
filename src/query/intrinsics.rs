//! The 18 intrinsic functions of JSONPath mode (`States.Format`, `States.MathAdd`, …).
//!
//! A call is parsed once, when the definition is compiled, into a [`Call`]
//! tree (function, arguments, and for `States.Format` with a literal
//! template the template already split at its placeholders), and evaluated
//! against an [`Env`] as often as the state runs:
//!
//! ```
//! use asl_sim::query::intrinsics::Call;
//! let call = Call::parse("States.MathAdd(States.ArrayLength($.items), -1)").unwrap();
//! assert_eq!(call.function().name(), "States.MathAdd");
//! assert!(Call::parse("States.MathAdd(1)").is_err());
//! ```
//!
//! Behaviour follows what AWS recorded (the LocalStack parity snapshots under
//! `shared/conformance/localstack/intrinsic_functions__*`), and where the
//! recordings are silent, AWS's documentation and its JVM implementation:
//! numbers in `States.Format` and `States.JsonToString` print as Java prints
//! them, objects in `States.Format` as `java.util.Map.toString` (`{a=1}`),
//! `States.MathAdd` and the other integer arguments round with `Math.round`,
//! `States.StringSplit` splits like `java.util.StringTokenizer`, and a seeded
//! `States.MathRandom` draws from `java.util.Random`. See [`java`].
//!
//! A failed call is a [`Failure`]: `States.IntrinsicFailure` for wrong types
//! and values, `States.Runtime` for a path argument that selects nothing.
//!
//! This file holds the call tree, the argument checks every function shares and
//! the dispatch; `parser.rs` reads the text, and each family of functions, grouped
//! as AWS's documentation groups them, has a file: `arrays.rs`, `json.rs`,
//! `strings.rs` (with the Base64 encodings) and `math.rs` (with `States.Hash` and
//! `States.UUID`).

mod arrays;
pub mod java;
mod json;
mod math;
mod parser;
mod strings;

#[cfg(test)]
mod corpus;
#[cfg(test)]
mod tests;

use super::{select, Env, Failure, Path, Root};
use crate::value::{Map, Number, Value};

/// How deep calls may nest: AWS accepts up to 10 intrinsic functions nested in one field.
pub const MAX_NESTING: usize = 10;
/// The longest input `States.Base64Encode`, `States.Base64Decode` and `States.Hash` accept, in Java chars.
pub const MAX_INPUT_CHARS: usize = 10_000;
/// The most items `States.ArrayRange` may produce.
pub const MAX_RANGE_ITEMS: i128 = 1_000;

/// One of the 18 intrinsic functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Function {
    Format,
    StringToJson,
    JsonToString,
    Array,
    ArrayPartition,
    ArrayContains,
    ArrayRange,
    ArrayGetItem,
    ArrayLength,
    ArrayUnique,
    Base64Encode,
    Base64Decode,
    Hash,
    JsonMerge,
    MathRandom,
    MathAdd,
    StringSplit,
    Uuid,
}

/// Each function with its name and the fewest and most arguments it takes.
const FUNCTIONS: [(Function, &str, usize, usize); 18] = [
    (Function::Format, "States.Format", 1, usize::MAX),
    (Function::StringToJson, "States.StringToJson", 1, 1),
    (Function::JsonToString, "States.JsonToString", 1, 1),
    (Function::Array, "States.Array", 0, usize::MAX),
    (Function::ArrayPartition, "States.ArrayPartition", 2, 2),
    (Function::ArrayContains, "States.ArrayContains", 2, 2),
    (Function::ArrayRange, "States.ArrayRange", 3, 3),
    (Function::ArrayGetItem, "States.ArrayGetItem", 2, 2),
    (Function::ArrayLength, "States.ArrayLength", 1, 1),
    (Function::ArrayUnique, "States.ArrayUnique", 1, 1),
    (Function::Base64Encode, "States.Base64Encode", 1, 1),
    (Function::Base64Decode, "States.Base64Decode", 1, 1),
    (Function::Hash, "States.Hash", 2, 2),
    (Function::JsonMerge, "States.JsonMerge", 3, 3),
    (Function::MathRandom, "States.MathRandom", 2, 3),
    (Function::MathAdd, "States.MathAdd", 2, 2),
    (Function::StringSplit, "States.StringSplit", 2, 2),
    (Function::Uuid, "States.UUID", 0, 0),
];

impl Function {
    /// The function's name as written, e.g. `States.UUID`.
    pub fn name(self) -> &'static str {
        FUNCTIONS.iter().find(|f| f.0 == self).map(|f| f.1).unwrap_or("States.?")
    }

    /// The function a name designates (`States.Format` → `Format`); names are case-sensitive.
    pub fn from_name(name: &str) -> Option<Function> {
        FUNCTIONS.iter().find(|f| f.1 == name).map(|f| f.0)
    }

    fn arity(self) -> (usize, usize) {
        FUNCTIONS.iter().find(|f| f.0 == self).map(|f| (f.2, f.3)).unwrap_or((0, usize::MAX))
    }
}

/// A parsed intrinsic function call.
#[derive(Debug)]
pub struct Call {
    text: String,
    function: Function,
    args: Vec<Arg>,
    /// For `States.Format` whose template is a string literal: the template's
    /// text between its placeholders (n placeholders, n + 1 pieces). Escaped
    /// braces (`\{\}`) are text here, which is why the split happens while
    /// the literal is read rather than on its decoded value.
    template: Option<Vec<String>>,
}

/// An argument: a literal, a path, or a nested call.
#[derive(Debug)]
pub enum Arg {
    /// `'text'`, `12`, `-1.5`, `null`, `true`, `false`.
    Literal(Value),
    /// `$.a[0]`, `$$.Execution.Id`, `$var.x`.
    Path(Path),
    /// `States.…(…)`.
    Call(Call),
}

impl Call {
    /// Parse `States.Name(arg, …)`. The error says what is wrong and where
    /// (positions count characters from 0), e.g. an unknown function, a wrong
    /// number of arguments, an unterminated string or a bad path.
    pub fn parse(text: &str) -> Result<Call, String> {
        parser::parse(text)
    }

    /// The call as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The function called.
    pub fn function(&self) -> Function {
        self.function
    }

    /// The arguments as written.
    pub fn args(&self) -> &[Arg] {
        &self.args
    }

    /// Evaluate the call: arguments left to right, then the function.
    pub fn evaluate(&self, env: &mut dyn Env) -> Result<Value, Failure> {
        let mut values = Vec::with_capacity(self.args.len());
        for arg in &self.args {
            values.push(match arg {
                Arg::Literal(v) => v.clone(),
                Arg::Path(p) => match select(p, env) {
                    Ok(v) => v,
                    Err(_) => return Err(path_failure(p, env)),
                },
                Arg::Call(c) => c.evaluate(env)?,
            });
        }
        self.apply(&values, env)
    }

    /// An `States.IntrinsicFailure` naming this call.
    fn fail(&self, detail: impl std::fmt::Display) -> Failure {
        Failure::intrinsic(format!("The function '{}' had the following error: {}", self.text, detail))
    }

    fn string<'v>(&self, v: &'v Value, what: &str) -> Result<&'v str, Failure> {
        v.as_str().ok_or_else(|| self.fail(format_args!("the {} must be a string, but it is {}", what, describe(v))))
    }

    fn array<'v>(&self, v: &'v Value, what: &str) -> Result<&'v [Value], Failure> {
        v.as_array().ok_or_else(|| self.fail(format_args!("the {} must be an array, but it is {}", what, describe(v))))
    }

    fn object<'v>(&self, v: &'v Value, what: &str) -> Result<&'v Map, Failure> {
        v.as_object().ok_or_else(|| self.fail(format_args!("the {} must be an object, but it is {}", what, describe(v))))
    }

    /// An integer argument; AWS rounds other numbers to the nearest integer (`Math.round`).
    fn integer(&self, v: &Value, what: &str) -> Result<i64, Failure> {
        match v.as_number() {
            Some(Number::Int(i)) => Ok(i),
            Some(Number::Float(f)) => java::round(f).ok_or_else(|| self.fail(format_args!("the {} {} is out of range", what, describe(v)))),
            None => Err(self.fail(format_args!("the {} must be a number, but it is {}", what, describe(v)))),
        }
    }

    /// A string argument within AWS's input size limit.
    fn limited_string<'v>(&self, v: &'v Value, what: &str) -> Result<&'v str, Failure> {
        let s = self.string(v, what)?;
        let len = java::char_len(s);
        if len > MAX_INPUT_CHARS {
            return Err(self.fail(format_args!("the {} is {} characters long, but at most {} are allowed", what, len, MAX_INPUT_CHARS)));
        }
        Ok(s)
    }

    fn apply(&self, args: &[Value], env: &mut dyn Env) -> Result<Value, Failure> {
        match self.function {
            Function::Format => self.format(args),
            Function::StringToJson => self.string_to_json(args),
            Function::JsonToString => self.json_to_string(args),
            Function::Array => self.array_of(args),
            Function::ArrayPartition => self.array_partition(args),
            Function::ArrayContains => self.array_contains(args),
            Function::ArrayRange => self.array_range(args),
            Function::ArrayGetItem => self.array_get_item(args),
            Function::ArrayLength => self.array_length(args),
            Function::ArrayUnique => self.array_unique(args),
            Function::Base64Encode => self.base64_encode(args),
            Function::Base64Decode => self.base64_decode(args),
            Function::Hash => self.hash(args),
            Function::JsonMerge => self.json_merge(args),
            Function::MathRandom => self.math_random(args, env),
            Function::MathAdd => self.math_add(args),
            Function::StringSplit => self.string_split(args),
            Function::Uuid => self.uuid(env),
        }
    }
}

/// The `States.Runtime` failure of a path argument that selects nothing.
fn path_failure(path: &Path, env: &mut dyn Env) -> Failure {
    let root = match path.root_kind() {
        Root::Input => env.input().to_json(),
        Root::Context => env.context().to_json(),
        Root::Variable(name) => match env.variable(name) {
            Some(v) => v.to_json(),
            None => {
                return Failure::runtime(format!(
                    "The JsonPath argument for the field '{}' refers to the variable '{}', which is not assigned",
                    path.text(),
                    name
                ))
            }
        },
    };
    Failure::runtime(format!("The JsonPath argument for the field '{}' could not be found in the input '{}'", path.text(), root))
}

/// A value's type and (shortened) JSON text, for messages: `string "a"`.
fn describe(v: &Value) -> String {
    let mut json = v.to_json();
    if json.len() > 100 {
        let mut cut = 100;
        while !json.is_char_boundary(cut) {
            cut -= 1;
        }
        json.truncate(cut);
        json.push('…');
    }
    format!("{} {}", v.type_name(), json)
}
