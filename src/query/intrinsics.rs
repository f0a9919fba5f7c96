//! The 18 intrinsic functions of JSONPath mode (`States.Format`, `States.MathAdd`, …).
//!
//! A call is parsed once at validation into a [`Call`] tree and evaluated
//! against an [`Env`]. (Placeholder: only the parser shape and a few
//! functions exist; the intrinsics issue completes them.)

use super::{Env, Failure, Path};
use crate::value::Value;

/// A parsed intrinsic function call.
#[derive(Debug)]
pub struct Call {
    text: String,
    function: String,
    args: Vec<Arg>,
}

/// An argument: a literal, a path, or a nested call.
#[derive(Debug)]
pub enum Arg {
    Literal(Value),
    Path(Path),
    Call(Call),
}

impl Call {
    /// Parse `States.Name(arg, …)`.
    pub fn parse(text: &str) -> Result<Call, String> {
        Err(format!("intrinsic functions are not implemented yet: '{}'", text))
    }

    /// The call as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Evaluate the call.
    pub fn evaluate(&self, _env: &mut dyn Env) -> Result<Value, Failure> {
        let _ = (&self.function, &self.args);
        Err(Failure::intrinsic(format!("'{}' is not implemented", self.text)))
    }
}
