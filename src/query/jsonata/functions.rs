//! The functions AWS adds to JSONata (`$partition`, `$range`, `$hash`,
//! `$random([seed])`, `$uuid`, `$parse`), the built-ins replaced so they
//! read the virtual clock and the seeded generator instead of the machine's
//! (`$now`, `$millis`, `$random`, `$shuffle`, and `$toMillis` with a partial
//! picture), `$eval` refused, and the step counter (see [`super::Limits`]).
//!
//! Each is a host function of one evaluation: the closures share a [`Shared`]
//! holding the instant and the generator that evaluation was given.

use super::convert::to_jvalue;
use super::syntax::{JOIN_CHECK, REPLACE_CHECK, STEP, STRING_CHECK, TO_MILLIS_PICTURE, TO_MILLIS_TIMESTAMP, VALUE_CHECK, WIDTH_CHECK};
use super::MAX_STRING_LENGTH;
use crate::query::intrinsics::java;
use crate::rng::Rng;
use jsonata_core::evaluator::{Context, Evaluator, EvaluatorError, HostFnResult};
use jsonata_core::value::JValue;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// The most values an argument of a `function(…){…}` may hold (itself and everything
/// inside): four times what a 256 KiB payload can (`[0,0,…]`), so only values an
/// expression built itself are refused.
pub const MAX_ARGUMENT_ITEMS: usize = 1_000_000;

/// The most bytes of strings one evaluation may build, all together (`D1013` beyond).
pub const MAX_STRING_BYTES: usize = 64 << 20;

/// What one evaluation's host functions read and update.
pub struct Shared {
    /// The virtual clock, in milliseconds since the epoch; fixed for the
    /// whole evaluation, as jsonata's `$now()` is.
    pub now_millis: i64,
    /// The generator, at the state of one draw from the host when the
    /// expression can use randomness.
    pub rng: RefCell<Rng>,
    pub steps: Cell<u64>,
    /// Bytes of the strings built so far (see `string_check`).
    pub string_bytes: Cell<usize>,
    /// The last large values functions were given, measured already (see `step`).
    pub measured: RefCell<Vec<JValue>>,
    pub max_steps: u64,
    pub max_sequence_length: usize,
}

impl Shared {
    fn next_u64(&self) -> u64 {
        self.rng.borrow_mut().next_u64()
    }
    /// Uniform in [0, 1), 53 bits.
    fn next_f64(&self) -> f64 {
        self.rng.borrow_mut().next_f64()
    }
    /// Uniform in [0, n).
    fn below(&self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }
}

/// Register everything on an evaluator.
pub fn register(ev: &mut Evaluator, shared: &Rc<Shared>) -> Result<(), EvaluatorError> {
    let s = shared.clone();
    ev.register_fn(STEP, move |args: &[JValue]| step(&s, args))?;
    ev.register_fn("partition", partition)?;
    let s = shared.clone();
    ev.register_fn("range", move |args: &[JValue]| range(args, s.max_sequence_length))?;
    ev.register_fn("hash", hash)?;
    let s = shared.clone();
    ev.register_fn("uuid", move |args: &[JValue]| uuid(args, &s))?;
    ev.register_fn("parse", parse)?;
    let s = shared.clone();
    ev.register_fn(TO_MILLIS_TIMESTAMP, move |args: &[JValue]| to_millis_timestamp(args, s.now_millis))?;
    ev.register_fn(TO_MILLIS_PICTURE, to_millis_picture)?;
    let s = shared.clone();
    ev.register_fn(STRING_CHECK, move |args: &[JValue]| string_check(args, &s))?;
    ev.register_fn(WIDTH_CHECK, width_check)?;
    ev.register_fn(VALUE_CHECK, value_check)?;
    ev.register_fn(JOIN_CHECK, join_check)?;
    ev.register_fn(REPLACE_CHECK, replace_check)?;

    let s = shared.clone();
    ev.register_fn_override("random", move |args: &[JValue]| random(args, &s))?;
    let s = shared.clone();
    ev.register_fn_override("shuffle", move |args: &[JValue]| shuffle(args, &s))?;
    let s = shared.clone();
    ev.register_fn_override("now", move |args: &[JValue]| now(args, s.now_millis))?;
    let s = shared.clone();
    ev.register_fn_override("millis", move |args: &[JValue]| {
        no_arguments("millis", args)?;
        Ok(JValue::Number(s.now_millis as f64))
    })?;
    ev.register_fn_override("eval", |_: &[JValue]| {
        // As if unbound, which is how AWS disables it.
        Err(EvaluatorError::ReferenceError(
            "T1006: Attempted to invoke a non-function: $eval is not available in AWS Step Functions; use $parse to read JSON text".to_string(),
        ))
    })?;
    Ok(())
}

fn error(code: &str, message: String) -> EvaluatorError {
    EvaluatorError::EvaluationError(format!("{}: {}", code, message))
}

fn type_error(function: &str, position: usize, what: &str) -> EvaluatorError {
    EvaluatorError::TypeError(format!(
        "T0410: Argument {} of function \"{}\" does not match function signature: it must be {}",
        position, function, what
    ))
}

fn arity(function: &str, args: &[JValue], min: usize, max: usize) -> Result<(), EvaluatorError> {
    if args.len() < min || args.len() > max {
        return Err(EvaluatorError::TypeError(format!(
            "T0410: The function \"{}\" takes {} arguments, but {} were given",
            function,
            if min == max { min.to_string() } else { format!("{} to {}", min, max) },
            args.len()
        )));
    }
    Ok(())
}

fn no_arguments(function: &str, args: &[JValue]) -> Result<(), EvaluatorError> {
    arity(function, args, 0, 0)
}

/// An argument as a number, `None` when it is undefined.
fn number(function: &str, args: &[JValue], i: usize) -> Result<Option<f64>, EvaluatorError> {
    match args.get(i) {
        None | Some(JValue::Undefined) => Ok(None),
        Some(JValue::Number(n)) => Ok(Some(*n)),
        Some(_) => Err(type_error(function, i + 1, "a number")),
    }
}

/// An argument as a string, `None` when it is undefined.
fn string<'a>(function: &str, args: &'a [JValue], i: usize) -> Result<Option<&'a str>, EvaluatorError> {
    match args.get(i) {
        None | Some(JValue::Undefined) => Ok(None),
        Some(JValue::String(s)) => Ok(Some(s)),
        Some(_) => Err(type_error(function, i + 1, "a string")),
    }
}

fn too_long(what: &str) -> EvaluatorError {
    error("D1013", format!("{} would be longer than {} bytes", what, MAX_STRING_LENGTH))
}

fn first(args: &[JValue]) -> JValue {
    args.first().cloned().unwrap_or(JValue::Undefined)
}

/// The result of `&` or of a function that builds a string (see `syntax::bound_strings`):
/// at most `MAX_STRING_LENGTH` bytes, and all of them together at most
/// `MAX_STRING_BYTES` (a path can build a string for each of ten million items).
fn string_check(args: &[JValue], shared: &Shared) -> HostFnResult {
    if let Some(JValue::String(s)) = args.first() {
        if s.len() > MAX_STRING_LENGTH {
            return Err(too_long("The string"));
        }
        let total = shared.string_bytes.get().saturating_add(s.len());
        shared.string_bytes.set(total);
        if total > MAX_STRING_BYTES {
            return Err(error("D1013", format!("The strings built would be longer than {} bytes in all", MAX_STRING_BYTES)));
        }
    }
    Ok(first(args))
}

/// `$pad`'s width, before `$pad` builds the string.
fn width_check(args: &[JValue]) -> HostFnResult {
    match args.first() {
        Some(JValue::Number(w)) if w.abs() > MAX_STRING_LENGTH as f64 => Err(too_long("The padded string")),
        _ => Ok(first(args)),
    }
}

/// About the length of a value's JSON text, counting one per value plus the bytes of
/// its strings and keys; `None` past `limit` (it stops there: values share their
/// parts, so the full walk can be exponentially long).
fn text_size(v: &JValue, limit: usize) -> Option<usize> {
    fn walk(v: &JValue, left: &mut usize) -> Option<()> {
        let cost = 1 + match v {
            JValue::String(s) => s.len(),
            _ => 0,
        };
        *left = left.checked_sub(cost)?;
        match v {
            JValue::Array(a) => a.iter().try_for_each(|x| walk(x, left)),
            JValue::Object(o) => o.iter().try_for_each(|(k, x)| {
                *left = left.checked_sub(k.len())?;
                walk(x, left)
            }),
            _ => Some(()),
        }
    }
    let mut left = limit;
    walk(v, &mut left).map(|()| limit - left)
}

/// `$string`'s argument, before it is written as text.
fn value_check(args: &[JValue]) -> HostFnResult {
    match args.first() {
        Some(v) if text_size(v, MAX_STRING_LENGTH).is_none() => Err(too_long("The string of the value")),
        _ => Ok(first(args)),
    }
}

/// `$join(strings, separator)`'s arguments, before the join.
fn join_check(args: &[JValue]) -> HostFnResult {
    let separator = match args.get(1) {
        Some(JValue::String(s)) => s.len(),
        _ => 0,
    };
    if let Some(v) = args.first() {
        let items = match v {
            JValue::Array(a) => a.len(),
            _ => 1,
        };
        let size = text_size(v, MAX_STRING_LENGTH).unwrap_or(usize::MAX);
        if size.saturating_add(items.saturating_mul(separator)) > MAX_STRING_LENGTH {
            return Err(too_long("The joined string"));
        }
    }
    Ok(JValue::Undefined)
}

/// `$replace(string, pattern, replacement)`'s arguments, before the replacement: a
/// string pattern's matches are counted, a regex is taken to match everywhere.
fn replace_check(args: &[JValue]) -> HostFnResult {
    if let (Some(JValue::String(s)), Some(JValue::String(r))) = (args.first(), args.get(2)) {
        let matches = match args.get(1) {
            Some(JValue::String(p)) if !p.is_empty() => s.matches(&**p).count(),
            _ => s.chars().count() + 1,
        };
        if s.len().saturating_add(matches.saturating_mul(r.len())) > MAX_STRING_LENGTH {
            return Err(too_long("The string after replacement"));
        }
    }
    Ok(JValue::Undefined)
}

/// The step counter every function body calls (see `syntax::STEP`).
///
/// It also measures the function's arguments: one that holds more than
/// [`MAX_ARGUMENT_ITEMS`] values, counting those inside and each shared part each time
/// it appears, fails (`D2015`). Without that, forty steps of a `$reduce` can build 2^40
/// values: jsonata-core does not hold array constructors to the sequence limit
/// (`[$a, $a]` copies), and values share their parts (`{'l': $a, 'r': $a}`), which
/// `=`, `**` or `$string` then walk in full, for hours or until memory runs out. Each
/// doubling passes through a function's arguments, and stops here.
fn step(s: &Shared, args: &[JValue]) -> HostFnResult {
    let n = s.steps.get() + 1;
    s.steps.set(n);
    if n > s.max_steps {
        return Err(error("D1012", format!("Evaluation stopped after {} function calls, its step budget. Check for infinite loop", s.max_steps)));
    }
    for a in args {
        if !matches!(a, JValue::Array(_) | JValue::Object(_)) || s.measured.borrow().iter().any(|m| same(m, a)) {
            continue;
        }
        match node_count(a, MAX_ARGUMENT_ITEMS) {
            None => {
                return Err(error(
                    "D2015",
                    format!("A function was given a value of more than {} values in all (counting those inside)", MAX_ARGUMENT_ITEMS),
                ));
            }
            // Remember large ones: a callback given the same array on every call ($map's
            // third argument) measures it once.
            Some(n) if n >= 1024 => {
                let mut measured = s.measured.borrow_mut();
                if measured.len() == 8 {
                    measured.remove(0);
                }
                measured.push(a.clone());
            }
            Some(_) => {}
        }
    }
    Ok(JValue::Bool(true))
}

/// The same array or object (not just equal).
fn same(a: &JValue, b: &JValue) -> bool {
    match (a, b) {
        (JValue::Array(x), JValue::Array(y)) => jsonata_core::value::JArray::ptr_eq(x, y),
        (JValue::Object(x), JValue::Object(y)) => Rc::ptr_eq(x, y),
        _ => false,
    }
}

/// How many values `v` holds, itself and everything inside, each shared part counted
/// each time it appears; `None` past `limit` (the walk stops there).
fn node_count(v: &JValue, limit: usize) -> Option<usize> {
    fn walk(v: &JValue, left: &mut usize) -> Option<()> {
        *left = left.checked_sub(1)?;
        match v {
            JValue::Array(a) => a.iter().try_for_each(|x| walk(x, left)),
            JValue::Object(o) => o.values().try_for_each(|x| walk(x, left)),
            _ => Some(()),
        }
    }
    let mut left = limit;
    walk(v, &mut left).map(|()| limit - left)
}

/// `$partition(array, size)`: chunks of `size` items, the last maybe shorter.
fn partition(args: &[JValue]) -> HostFnResult {
    arity("partition", args, 2, 2)?;
    let items: Vec<JValue> = match &args[0] {
        JValue::Undefined => return Ok(JValue::Undefined),
        JValue::Array(a) => a.iter().cloned().collect(),
        other => vec![other.clone()],
    };
    let size = match number("partition", args, 1)? {
        Some(n) if n >= 1.0 && n.fract() == 0.0 => n as usize,
        _ => return Err(type_error("partition", 2, "a positive integer")),
    };
    Ok(JValue::array(items.chunks(size).map(|c| JValue::array(c.to_vec())).collect()))
}

/// `$range(start, end[, step])`: from `start` by `step` (default 1) up to and
/// including `end` when a step lands on it; empty when `step` is 0 or points
/// away from `end`.
fn range(args: &[JValue], max_items: usize) -> HostFnResult {
    arity("range", args, 2, 3)?;
    let (Some(start), Some(end)) = (number("range", args, 0)?, number("range", args, 1)?) else {
        return Ok(JValue::Undefined);
    };
    let step = number("range", args, 2)?.unwrap_or(1.0);
    let span = (end - start) / step;
    if step == 0.0 || span < 0.0 || !span.is_finite() {
        return Ok(JValue::array(Vec::new()));
    }
    let count = span.floor() + 1.0;
    if count > max_items as f64 {
        return Err(error("D2014", format!("The size of the sequence allocated by $range must not exceed {}", max_items)));
    }
    // AWS returns a JSONata sequence: one item comes back as that item, not as an array
    // (`$range(1, 9, 9)` is `1` on AWS, as recorded).
    if count == 1.0 {
        return Ok(JValue::Number(start));
    }
    Ok(JValue::array((0..count as usize).map(|k| JValue::Number(start + k as f64 * step)).collect()))
}

/// `$hash(string, algorithm)`: the lower-case hex digest of the UTF-8 bytes.
fn hash(args: &[JValue]) -> HostFnResult {
    arity("hash", args, 2, 2)?;
    let Some(text) = string("hash", args, 0)? else { return Ok(JValue::Undefined) };
    let algorithm = string("hash", args, 1)?.unwrap_or("");
    match crate::query::hex_digest(algorithm, text.as_bytes()) {
        Some(hex) => Ok(JValue::string(hex)),
        None => Err(error("D3137", format!("The algorithm '{}' is not supported by $hash; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512", algorithm))),
    }
}

/// `$random([seed])`: with a seed, `new java.util.Random(seed).nextDouble()`
/// as on AWS (`$random(42)` is 0.7275636800328681); without, the next number
/// from the evaluation's seeded generator.
fn random(args: &[JValue], s: &Shared) -> HostFnResult {
    arity("random", args, 0, 1)?;
    match number("random", args, 0)? {
        // Java's `(long) double`: truncation, saturating.
        Some(seed) => Ok(JValue::Number(java::Random::new(seed as i64).next_double())),
        None => Ok(JValue::Number(s.next_f64())),
    }
}

/// `$uuid()`: a version-4 UUID from the seeded generator.
fn uuid(args: &[JValue], s: &Shared) -> HostFnResult {
    no_arguments("uuid", args)?;
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&s.next_u64().to_be_bytes());
    b[8..].copy_from_slice(&s.next_u64().to_be_bytes());
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from_digit((byte >> 4) as u32, 16).unwrap_or('0'));
        out.push(char::from_digit((byte & 15) as u32, 16).unwrap_or('0'));
    }
    Ok(JValue::string(out))
}

/// `$parse(json)`: `JSON.parse`.
fn parse(args: &[JValue]) -> HostFnResult {
    arity("parse", args, 1, 1)?;
    let Some(text) = string("parse", args, 0)? else { return Ok(JValue::Undefined) };
    let value = crate::json::parse(text).map_err(|e| error("D3140", format!("$parse could not read the JSON text: {}", e)))?;
    to_jvalue(&value).map_err(|e| EvaluatorError::EvaluationError(e.message))
}

/// `$shuffle(array)`: Fisher–Yates with the seeded generator.
fn shuffle(args: &[JValue], s: &Shared) -> HostFnResult {
    arity("shuffle", args, 1, 1)?;
    let mut items: Vec<JValue> = match &args[0] {
        JValue::Undefined => return Ok(JValue::Undefined),
        JValue::Array(a) => a.iter().cloned().collect(),
        other => vec![other.clone()],
    };
    for i in (1..items.len()).rev() {
        items.swap(i, s.below(i + 1));
    }
    Ok(JValue::array(items))
}

/// `$now([picture[, timezone]])`: the virtual instant, formatted as
/// `$fromMillis` formats it (ISO 8601 by default).
fn now(args: &[JValue], now_millis: i64) -> HostFnResult {
    arity("now", args, 0, 2)?;
    let mut call = vec![JValue::Number(now_millis as f64)];
    call.extend(args.iter().cloned());
    builtin("fromMillis", call)
}

/// Call a built-in by name on values, in an evaluator of its own.
fn builtin(name: &str, args: Vec<JValue>) -> HostFnResult {
    let params: Vec<String> = (0..args.len()).map(|i| format!("$a{}", i)).collect();
    let text = format!("${}({})", name, params.join(", "));
    let ast = jsonata_core::parser::parse(&text).map_err(|e| EvaluatorError::EvaluationError(e.to_string()))?;
    let mut context = Context::new();
    for (i, v) in args.into_iter().enumerate() {
        context.bind(format!("a{}", i), v);
    }
    Evaluator::with_context(context).evaluate(&ast, &JValue::Undefined)
}

/// `$toMillis(timestamp, picture)` takes the components a picture leaves out
/// at the front (the year, say, of `[H]:[m]`) from the current instant. So
/// that this is the virtual one, the call's arguments are rewritten (see
/// `syntax`) to put those components, read off the virtual clock, in front
/// of both: `"10:30"`, `"[H]:[m]"` becomes `"2024␁01␁01␁10:30"`,
/// `"[Y0001]␁[M01]␁[D01]␁[H]:[m]"`.
fn to_millis_timestamp(args: &[JValue], now_millis: i64) -> HostFnResult {
    let (Some(JValue::String(timestamp)), Some(JValue::String(picture))) = (args.first(), args.get(1)) else {
        return Ok(args.first().cloned().unwrap_or(JValue::Undefined));
    };
    let missing = missing_components(picture)?;
    if missing.is_empty() {
        return Ok(JValue::String(timestamp.clone()));
    }
    let (year, month, day) = crate::time::civil_from_days(now_millis.div_euclid(86_400_000));
    let in_day = now_millis.rem_euclid(86_400_000);
    let (hour, minute, second, milli) = (in_day / 3_600_000, in_day / 60_000 % 60, in_day / 1000 % 60, in_day % 1000);
    let mut out = String::new();
    for c in missing {
        let text = match c {
            'Y' => format!("{:04}", year),
            'M' => format!("{:02}", month),
            'D' => format!("{:02}", day),
            'H' => format!("{:02}", hour),
            'P' => (if hour >= 12 { "pm" } else { "am" }).to_string(),
            'h' => format!("{:02}", if hour % 12 == 0 { 12 } else { hour % 12 }),
            'm' => format!("{:02}", minute),
            's' => format!("{:02}", second),
            _ => format!("{:03}", milli),
        };
        out.push_str(&text);
        out.push(SEPARATOR);
    }
    out.push_str(timestamp);
    Ok(JValue::string(out))
}

fn to_millis_picture(args: &[JValue]) -> HostFnResult {
    let Some(JValue::String(picture)) = args.first() else {
        return Ok(args.first().cloned().unwrap_or(JValue::Undefined));
    };
    let mut out = String::new();
    for c in missing_components(picture)? {
        out.push_str(match c {
            'Y' => "[Y0001]",
            'M' => "[M01]",
            'D' => "[D01]",
            'H' => "[H01]",
            'P' => "[P]",
            'h' => "[h01]",
            'm' => "[m01]",
            's' => "[s01]",
            _ => "[f001]",
        });
        out.push(SEPARATOR);
    }
    out.push_str(picture);
    Ok(JValue::string(out))
}

/// Between the components put in front; a character no timestamp has.
const SEPARATOR: char = '\u{1}';

/// The components jsonata would take from the clock for this picture: the
/// leading ones of `YMD` + `Hmsf` (or `Phmsf` for a 12-hour clock) before
/// the first the picture has, or all of them when it has none of them but
/// has other components (`[Z]`). Mirrors `parse_date_time` in jsonata-core.
fn missing_components(picture: &str) -> Result<Vec<char>, EvaluatorError> {
    let present = picture_components(picture);
    if present.is_empty() {
        return Ok(Vec::new());
    }
    let has = |set: &str| present.iter().filter(|c| set.contains(**c)).count();
    let date = has("YXMxWwdD");
    let time = has("PHhmsf");
    // Day-of-year and ISO week pictures take their defaults another way; ask
    // for the year rather than read the machine's clock.
    if date > has("YMD") && !present.contains(&'Y') {
        return Err(error("D3136", "A $toMillis picture without months and days must include the year ([Y])".to_string()));
    }
    let twelve_hour = time > 0 && time > has("Hmsf") && time == has("Phmsf");
    let order: &str = if twelve_hour { "YMDPhmsf" } else { "YMDHmsf" };
    Ok(order.chars().take_while(|c| !present.contains(c)).collect())
}

/// The component letters of a picture's `[…]` markers (`[[` and `]]` are literal brackets).
fn picture_components(picture: &str) -> Vec<char> {
    let mut out = Vec::new();
    let mut chars = picture.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' if chars.peek() == Some(&'[') => {
                chars.next();
            }
            '[' => {
                let mut marker = String::new();
                for m in chars.by_ref() {
                    if m == ']' {
                        break;
                    }
                    marker.push(m);
                }
                if let Some(first) = marker.chars().find(|c| !c.is_whitespace()) {
                    out.push(first);
                }
            }
            _ => {}
        }
    }
    out
}
