//! The functions of numbers, digests and identifiers: `States.MathAdd`,
//! `States.MathRandom` (seeded: `java.util.Random`, else the execution's generator),
//! `States.Hash` (MD5, SHA-1, SHA-2, inputs within [`MAX_INPUT_CHARS`]) and
//! `States.UUID` (version 4, from the execution's generator).

use super::{java, Call, MAX_INPUT_CHARS};
use crate::query::{Env, Failure};
use crate::value::Value;

impl Call {
    /// `States.MathAdd(integer, integer)`
    pub(super) fn math_add(&self, args: &[Value]) -> Result<Value, Failure> {
        let a = self.integer(&args[0], "first argument")?;
        let b = self.integer(&args[1], "second argument")?;
        a.checked_add(b).map(Value::int).ok_or_else(|| self.fail(format_args!("the sum of {} and {} is out of range", a, b)))
    }

    /// A random integer in [start, end): from `java.util.Random` seeded with
    /// the third argument when there is one (so the same seed gives the same
    /// number, as on AWS), else from the execution's seeded generator.
    pub(super) fn math_random(&self, args: &[Value], env: &mut dyn Env) -> Result<Value, Failure> {
        let start = self.integer(&args[0], "start")?;
        let end = self.integer(&args[1], "end")?;
        let span = end as i128 - start as i128;
        if span <= 0 {
            return Err(self.fail(format_args!("the end ({}) must be greater than the start ({})", end, start)));
        }
        let offset = match args.get(2) {
            Some(seed) => {
                let mut rng = java::Random::new(self.integer(seed, "seed")?);
                match i32::try_from(span) {
                    Ok(bound) => rng.next_int_bounded(bound) as i128,
                    Err(_) => ((rng.next_long() as u64 as u128 * span as u128) >> 64) as i128,
                }
            }
            None => ((env.next_random() as u128 * span as u128) >> 64) as i128,
        };
        Ok(Value::int((start as i128 + offset) as i64))
    }

    /// `States.Hash(data, algorithm)`
    pub(super) fn hash(&self, args: &[Value]) -> Result<Value, Failure> {
        let algorithm = self.string(&args[1], "algorithm")?;
        // Non-string data is hashed as its JSON text.
        let text;
        let data = match &args[0] {
            Value::String(s) => &**s,
            other => {
                text = java::to_json(other);
                &text
            }
        };
        let len = java::char_len(data);
        if len > MAX_INPUT_CHARS {
            return Err(self.fail(format_args!("the input is {} characters long, but at most {} are allowed", len, MAX_INPUT_CHARS)));
        }
        match crate::query::hex_digest(algorithm, data.as_bytes()) {
            Some(hex) => Ok(Value::from(hex)),
            None => Err(self.fail(format_args!("the algorithm '{}' is not supported; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512", algorithm))),
        }
    }

    /// `States.UUID()`
    pub(super) fn uuid(&self, env: &mut dyn Env) -> Result<Value, Failure> {
        Ok(Value::from(uuid_v4(env.next_random(), env.next_random())))
    }
}

pub(super) use crate::rng::uuid_v4;
