//! The JS API: a thin, stateful layer over the library for the playground,
//! the npm package and the browser tests.
//!
//! This is the only module that names `wasm_bindgen`, `js_sys` or `web_sys`,
//! and it is compiled only for `wasm32`. It converts and nothing else:
//! values cross as plain JS objects (serde-wasm-bindgen's JSON-compatible
//! serializer), diagnostics get UTF-16 columns here and nowhere else, and
//! misuse of the API throws an `Error` with a `code` through [`throw`].
//! Problems in the user's definition or execution are data, as in the core.

use crate::definition::Diagnostic;
use crate::mocks::Mocks;
use crate::{ApiError, Options, Value};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

// The TypeScript of every boundary type: src/wasm/*.d.ts, which wasm-bindgen copies into pkg/asl_sim.d.ts.
#[wasm_bindgen(typescript_custom_section)]
const TYPESCRIPT: &'static str = include_str!("wasm/types.d.ts");

#[wasm_bindgen]
extern "C" {
    /// `SimulatorOptions` (see the TypeScript section).
    #[wasm_bindgen(typescript_type = "SimulatorOptions")]
    pub type OptionsArg;
    /// `RunOptions`.
    #[wasm_bindgen(typescript_type = "RunOptions")]
    pub type RunOptionsArg;
    /// `RunUntilOptions`.
    #[wasm_bindgen(typescript_type = "RunUntilOptions")]
    pub type RunUntilOptionsArg;
    /// JSON text or a JSON value.
    #[wasm_bindgen(typescript_type = "string | Json")]
    pub type JsonArg;
}

/// Install `console_error_panic_hook` (once), so a panic shows its message in
/// the console instead of a bare `unreachable`. Called by the entry points
/// rather than from a `start` function, which a crate embedding this one may
/// want for itself. After a panic the module's state is unusable (panics abort
/// on wasm32) and std refuses to touch the hook, hence the check.
fn install_panic_hook() {
    if !std::thread::panicking() {
        console_error_panic_hook::set_once();
    }
}

/// Build the `Error` every misuse throws: a message plus a `code` field (and
/// any extra fields), so callers can switch on `e.code`.
fn throw(code: &str, message: &str, extra: &[(&str, JsValue)]) -> JsValue {
    let error = js_sys::Error::new(message);
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&error, &"code".into(), &code.into());
    for (key, value) in extra {
        let _ = js_sys::Reflect::set(&error, &(*key).into(), value);
    }
    error.into()
}

impl From<ApiError> for JsValue {
    fn from(e: ApiError) -> JsValue {
        throw(e.code, &e.message, &[])
    }
}

/// A Rust value as a plain JS value. serde-wasm-bindgen refuses integers
/// beyond 2^53; for those (rare: a user's 64-bit id) go through JSON text,
/// which rounds them as `JSON.parse` would.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    match value.serialize(&serializer) {
        Ok(v) => Ok(v),
        Err(_) => {
            let text = serde_json::to_string(value).map_err(|e| throw("INTERNAL", &e.to_string(), &[]))?;
            js_sys::JSON::parse(&text).map_err(|_| throw("INTERNAL", "could not convert a value to JS", &[]))
        }
    }
}

/// A JSON value from JS: a string is JSON text; anything else is a JS value,
/// turned into text with `JSON.stringify` and parsed by our parser, which
/// keeps key order.
fn from_js(value: &JsValue, what: &str) -> Result<Value, JsValue> {
    let text = match value.as_string() {
        Some(text) => text,
        None => match js_sys::JSON::stringify(value) {
            Ok(s) if s.is_string() => String::from(s),
            _ => return Err(throw("INVALID_JSON", &format!("{what} is not a JSON value"), &[])),
        },
    };
    crate::json::parse(&text).map_err(|e| throw("INVALID_JSON", &format!("{what}: {e}"), &[]))
}

/// Diagnostics as JS objects, with line/column computed for JS (UTF-16 columns).
fn positioned(diagnostics: &[Diagnostic], text: &str) -> Result<JsValue, JsValue> {
    let list: Vec<_> = diagnostics.iter().map(|d| d.positioned(text, true)).collect();
    to_js(&list)
}

/// Validate a definition: every diagnostic found, columns in UTF-16 units. With
/// `options.substitutions` (the same as `Simulator`'s), the text is substituted first and the
/// unresolved placeholders are `UNRESOLVED_SUBSTITUTION` warnings.
#[wasm_bindgen(unchecked_return_type = "Diagnostic[]")]
pub fn validate(
    definition: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "{ substitutions?: { [key: string]: string | number | boolean } }")] options: Option<OptionsArg>,
) -> Result<JsValue, JsValue> {
    install_panic_hook();
    match read_substitutions(options.as_ref())? {
        Some(subs) => positioned(&crate::source::prepare(definition, &subs).validate(), definition),
        None => positioned(&crate::validate(definition), definition),
    }
}

/// Evaluate one JSONata expression as a state machine's JSONata fields would (AWS's
/// functions, `$eval` refused, `??` and `?:` rejected), on its own: by default the clock
/// reads the default start time (2024-01-01T00:00:00Z) and `$random`, `$uuid` and
/// `$shuffle` draw from seed 0, so every call gives the same answer (`options.now` and
/// `options.seed` change them). `expression` may keep its `{% %}`; `input` is JSON text or
/// a value, and `undefined` (or absent) is no input at all, not `null`; `bindings` maps
/// names to values (`{x: 1}` is `$x`). JSONata's own errors are data (`{error: {code,
/// message}}`, with a `position` for a syntax error); only misuse of the arguments throws.
#[wasm_bindgen(js_name = evalJsonata, unchecked_return_type = "JsonataOutcome")]
pub fn eval_jsonata(
    expression: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "string | Json")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "{ [name: string]: Json } | null")] bindings: Option<JsValue>,
    #[wasm_bindgen(unchecked_optional_param_type = "JsonataOptions | null")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    use crate::query::jsonata::{evaluate_with, Expression, FixedHost};
    use crate::query::{ExpressionProblem, Failure};
    install_panic_hook();
    let text = crate::query::jsonata_text(expression.trim()).unwrap_or(expression);
    // A plain JsValue, not an Option: wasm-bindgen's glue would turn `null` into None too.
    let input = if input.is_undefined() { None } else { Some(from_js(&input, "input")?) };
    let bindings = read_bindings(bindings)?;
    let bindings: Vec<(&str, Value)> = bindings.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let options = read_jsonata_options(options)?;

    let mut host = FixedHost::new(options.now, options.seed);

    /// Exactly one of `result`, `json`, `undefined` and `error`; for a failure, AWS's error and
    /// cause too (the engine's texts, so no caller spells them). A struct rather than an enum
    /// beside `failure`: serde's `flatten` made the module 27 KB larger (before wasm-opt).
    #[derive(Serialize, Default)]
    struct Reply<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        result: Option<&'a Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        json: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        undefined: Option<bool>,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<ErrorInfo<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        failure: Option<ExpressionFailure>,
    }
    #[derive(Serialize)]
    struct ErrorInfo<'a> {
        code: Option<&'a str>,
        message: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        position: Option<usize>,
    }
    #[derive(Serialize)]
    struct ExpressionFailure {
        error: String,
        cause: String,
    }
    let failure = |problem: ExpressionProblem| {
        let f = Failure::expression(text, problem);
        Some(ExpressionFailure { error: f.error, cause: f.cause })
    };
    let expr = match Expression::compile(text) {
        Ok(expr) => expr,
        Err(e) => {
            let position = Some(utf16_position(expression, text, e.offset));
            let error = Some(ErrorInfo { code: e.code.as_deref(), message: &e.message, position });
            return to_js(&Reply { error, failure: failure(ExpressionProblem::Invalid(&e.message)), ..Reply::default() });
        }
    };
    match evaluate_with(&expr, input.as_ref(), &bindings, &mut host, &options.limits) {
        Ok(Some(value)) if options.json => to_js(&Reply { json: Some(value.to_json()), ..Reply::default() }),
        Ok(Some(value)) => to_js(&Reply { result: Some(&value), ..Reply::default() }),
        Ok(None) => to_js(&Reply { undefined: Some(true), failure: failure(ExpressionProblem::Undefined), ..Reply::default() }),
        Err(e) => {
            let error = Some(ErrorInfo { code: e.code.as_deref(), message: &e.message, position: None });
            to_js(&Reply { error, failure: failure(ExpressionProblem::Threw(&e)), ..Reply::default() })
        }
    }
}

/// What an execution uses for each option not given (`Options::default()`, the engine's one
/// spelling of them), with the ARNs built from them: callers such as the playground read them
/// here rather than spelling them again.
#[wasm_bindgen(unchecked_return_type = "Defaults")]
pub fn defaults() -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Defaults {
        start_time: String,
        seed: u64,
        region: String,
        account: String,
        state_machine_name: String,
        execution_name: String,
        state_machine_arn: String,
        execution_arn: String,
        max_events: usize,
    }
    let o = Options::default();
    to_js(&Defaults {
        start_time: crate::time::format_context_timestamp(o.start_time),
        seed: o.seed,
        state_machine_arn: o.state_machine_arn(),
        execution_arn: o.execution_arn(),
        max_events: o.max_events,
        region: o.region,
        account: o.account,
        state_machine_name: o.state_machine_name,
        execution_name: o.execution_name,
    })
}

/// A byte offset in `text`, a slice of `expression` (without its `{% %}`), as UTF-16
/// units from the start of `expression`: what a JS caller can index its string with.
fn utf16_position(expression: &str, text: &str, offset: usize) -> usize {
    let start = (text.as_ptr() as usize).saturating_sub(expression.as_ptr() as usize);
    let mut end = (start + offset).min(expression.len());
    while !expression.is_char_boundary(end) {
        end -= 1;
    }
    expression[..end].encode_utf16().count()
}

/// `{name: value}` → the bindings `$name`. Values are JS values (a string is a string,
/// not JSON text), turned into JSON with `JSON.stringify` like every other value.
fn read_bindings(bindings: Option<JsValue>) -> Result<Vec<(String, Value)>, JsValue> {
    let Some(bindings) = bindings.filter(|b| !b.is_null()) else { return Ok(Vec::new()) };
    let Some(object) = bindings.dyn_ref::<js_sys::Object>().filter(|o| o.is_object() && !js_sys::Array::is_array(o)) else {
        return Err(throw("INVALID_OPTION", "bindings must be an object of names and values", &[]));
    };
    let mut out = Vec::new();
    for entry in js_sys::Object::entries(object).iter() {
        let entry: js_sys::Array = entry.unchecked_into();
        let name = entry.get(0).as_string().unwrap_or_default();
        let value = entry.get(1);
        let what = format!("binding `{name}`");
        let text = match js_sys::JSON::stringify(&value) {
            Ok(s) if s.is_string() => String::from(s),
            _ => return Err(throw("INVALID_JSON", &format!("{what} is not a JSON value"), &[])),
        };
        let value = crate::json::parse(&text).map_err(|e| throw("INVALID_JSON", &format!("{what}: {e}"), &[]))?;
        out.push((name, value));
    }
    Ok(out)
}

/// The recognised `JsonataOptions` names.
const JSONATA_OPTION_NAMES: [&str; 6] = ["maxDepth", "maxSteps", "maxSequenceLength", "now", "seed", "json"];

/// `JsonataOptions`, read.
struct JsonataOptions {
    limits: crate::query::jsonata::Limits,
    now: i64,
    seed: u64,
    json: bool,
}

fn read_jsonata_options(options: Option<JsValue>) -> Result<JsonataOptions, JsValue> {
    let mut out = JsonataOptions { limits: crate::query::jsonata::Limits::default(), now: crate::engine::clock::DEFAULT_START, seed: 0, json: false };
    let Some(options) = options.filter(|o| !o.is_null()) else { return Ok(out) };
    let Some(object) = options.dyn_ref::<js_sys::Object>().filter(|o| o.is_object()) else {
        return Err(throw("INVALID_OPTION", "limits must be an object", &[]));
    };
    for key in js_sys::Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !JSONATA_OPTION_NAMES.contains(&key.as_str()) {
            let message = format!("unknown limit or option `{key}` (known: {})", JSONATA_OPTION_NAMES.join(", "));
            return Err(throw("INVALID_OPTION", &message, &[]));
        }
    }
    let field = |name: &str| js_sys::Reflect::get(object, &name.into()).unwrap_or(JsValue::UNDEFINED);
    let now = field("now");
    if !now.is_undefined() {
        out.now = time_millis(&now, "now")?;
    }
    let seed = field("seed");
    if !seed.is_undefined() {
        out.seed = seed_value(&seed)?;
    }
    let json = field("json");
    if !json.is_undefined() {
        out.json = json.as_bool().ok_or_else(|| throw("INVALID_OPTION", "`json` must be a boolean", &[]))?;
    }
    let result = &mut out.limits;
    let get = |name: &str| -> Result<Option<u64>, JsValue> {
        let v = field(name);
        if v.is_undefined() {
            Ok(None)
        } else {
            whole_number(&v, name).map(Some)
        }
    };
    if let Some(n) = get("maxDepth")? {
        // Measured in Chromium: no recursion shape overflows the browser's stack at 400 levels
        // and the official suite's run at 500; past that a recursion can overflow it (a
        // RangeError) instead of failing with D1011, so larger values are refused.
        if n > MAX_SAFE_JSONATA_DEPTH {
            let message = format!("`maxDepth` must be at most {MAX_SAFE_JSONATA_DEPTH} (deeper recursion overflows the browser's stack)");
            return Err(throw("INVALID_OPTION", &message, &[]));
        }
        result.max_depth = n as usize;
    }
    if let Some(n) = get("maxSteps")? {
        result.max_steps = n;
    }
    if let Some(n) = get("maxSequenceLength")? {
        result.max_sequence_length = n as usize;
    }
    Ok(out)
}

/// A validated state machine with its execution options; `start` runs it.
#[wasm_bindgen(js_name = Simulator)]
pub struct JsSimulator {
    inner: crate::Simulator,
}

#[wasm_bindgen(js_class = Simulator)]
impl JsSimulator {
    /// Parse and validate `definition`; throws `INVALID_DEFINITION` with the `diagnostics`.
    #[wasm_bindgen(constructor)]
    pub fn new(definition: &str, options: Option<OptionsArg>) -> Result<JsSimulator, JsValue> {
        install_panic_hook();
        let substitutions = read_substitutions(options.as_ref())?;
        let options = read_options(options)?;
        // With `substitutions`, the definition is substituted first (unresolved `${KEY}`s take
        // placeholders) and diagnostics point into the text as given.
        let prepared = substitutions.map(|subs| crate::source::prepare(definition, &subs));
        let text = prepared.as_ref().map_or(definition, |p| p.text.as_str());
        let express = options.execution_type == crate::ExecutionType::Express;
        let refused = match (express, crate::json::parse_with_spans(text)) {
            (true, Ok((value, spans))) => crate::aws::express_diagnostics(&value)
                .into_iter()
                .map(|mut d| {
                    d.span = spans.span(&d.pointer).unwrap_or((0, 0));
                    d
                })
                .collect(),
            _ => Vec::new(),
        };
        let outcome = if refused.is_empty() { crate::Simulator::new(text, options) } else { Err(refused) };
        match outcome {
            Ok(inner) => Ok(JsSimulator { inner }),
            Err(diagnostics) => {
                let diagnostics: Vec<Diagnostic> = match &prepared {
                    Some(p) => p.warnings.iter().cloned().chain(diagnostics.iter().map(|d| p.to_original(d))).collect(),
                    None => diagnostics,
                };
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                let first = diagnostics.iter().find(|d| d.is_error()).or(diagnostics.first());
                let message = match first {
                    Some(d) if errors > 1 => format!("invalid definition: {} ({} more)", d.message, errors - 1),
                    Some(d) => format!("invalid definition: {}", d.message),
                    None => "invalid definition".to_string(),
                };
                let list = positioned(&diagnostics, definition)?;
                Err(throw("INVALID_DEFINITION", &message, &[("diagnostics", list)]))
            }
        }
    }

    /// Start an execution with `input`: JSON text or a value; `{}` when absent
    /// (as StartExecution; pass the text `"null"` for a null input).
    pub fn start(&self, input: Option<JsonArg>) -> Result<JsExecution, JsValue> {
        let input = match input {
            None => Value::empty_object(),
            Some(input) => from_js(&input, "input")?,
        };
        Ok(JsExecution { inner: self.inner.start(input)? })
    }
}

/// The deepest JSONata recursion `evalJsonata` accepts (see `read_jsonata_options`): the official
/// suite needs 500.
const MAX_SAFE_JSONATA_DEPTH: u64 = 500;

/// The recognised option names, in the order the docs list them.
const OPTION_NAMES: [&str; 9] = ["mocks", "testCase", "stateMachine", "seed", "startTime", "maxEvents", "s3", "substitutions", "type"];

/// `options.substitutions`: DefinitionSubstitutions, `{KEY: "value"}` (numbers and booleans as
/// their text); `None` when absent, so a definition is substituted only when asked.
fn read_substitutions(options: Option<&OptionsArg>) -> Result<Option<indexmap::IndexMap<String, String>>, JsValue> {
    let Some(object) = options.and_then(|o| o.dyn_ref::<js_sys::Object>()).filter(|o| o.is_object()) else { return Ok(None) };
    let v = js_sys::Reflect::get(object, &"substitutions".into()).unwrap_or(JsValue::UNDEFINED);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    let value = from_js(&v, "substitutions")?;
    let Some(map) = value.as_object() else {
        return Err(throw("INVALID_OPTION", "`substitutions` must be an object of KEY to value", &[]));
    };
    Ok(Some(map.iter().map(|(k, v)| (k.to_string(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_json()))).collect()))
}

fn read_options(options: Option<OptionsArg>) -> Result<Options, JsValue> {
    let mut result = Options::default();
    let Some(options) = options else { return Ok(result) };
    let Some(object) = options.dyn_ref::<js_sys::Object>().filter(|o| o.is_object()) else {
        return Err(throw("INVALID_OPTION", "options must be an object", &[]));
    };
    for key in js_sys::Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !OPTION_NAMES.contains(&key.as_str()) {
            let message = format!("unknown option `{key}` (known: {})", OPTION_NAMES.join(", "));
            return Err(throw("INVALID_OPTION", &message, &[]));
        }
    }
    let get = |name: &str| js_sys::Reflect::get(object, &name.into()).unwrap_or(JsValue::UNDEFINED);
    let text = |name: &str| -> Result<Option<String>, JsValue> {
        let v = get(name);
        if v.is_undefined() || v.is_null() {
            return Ok(None);
        }
        v.as_string().map(Some).ok_or_else(|| throw("INVALID_OPTION", &format!("`{name}` must be a string"), &[]))
    };
    let test_case = text("testCase")?;
    let state_machine = text("stateMachine")?;
    // As the CLI's --state-machine: the mocks' machine and `$$.StateMachine.Name`.
    if let Some(name) = &state_machine {
        result.state_machine_name = name.clone();
    }
    result.execution_type = match text("type")?.as_deref() {
        None | Some("STANDARD") => crate::ExecutionType::Standard,
        Some("EXPRESS") => crate::ExecutionType::Express,
        Some(other) => return Err(throw("INVALID_OPTION", &format!("`type` must be \"STANDARD\" or \"EXPRESS\", not \"{other}\""), &[])),
    };
    let mocks = get("mocks");
    if !mocks.is_undefined() && !mocks.is_null() {
        let value = from_js(&mocks, "mocks")?;
        let parsed = Mocks::from_value(&value, test_case.as_deref(), state_machine.as_deref()).map_err(|e| throw("INVALID_MOCKS", &e, &[]))?;
        result.mocks = parsed;
    }
    let s3 = get("s3");
    if !s3.is_undefined() && !s3.is_null() {
        let value = from_js(&s3, "s3")?;
        result.s3 = crate::s3::S3::from_value(&value).map_err(|e| throw("INVALID_OPTION", &format!("s3: {e}"), &[]))?;
    }
    let seed = get("seed");
    if !seed.is_undefined() {
        result.seed = seed_value(&seed)?;
    }
    let start = get("startTime");
    if !start.is_undefined() {
        result.start_time = time_millis(&start, "startTime")?;
    }
    let max_events = get("maxEvents");
    if !max_events.is_undefined() {
        result.max_events = whole_number(&max_events, "maxEvents")? as usize;
    }
    Ok(result)
}

/// A seed: a number or a bigint that fits in 64 bits.
fn seed_value(seed: &JsValue) -> Result<u64, JsValue> {
    if let Some(big) = seed.dyn_ref::<js_sys::BigInt>() {
        u64::try_from(big.clone()).map_err(|_| throw("INVALID_OPTION", "`seed` must fit in 64 bits", &[]))
    } else {
        whole_number(seed, "seed")
    }
}

/// A time: RFC 3339 text, milliseconds since the epoch or a Date, as milliseconds.
fn time_millis(value: &JsValue, name: &str) -> Result<i64, JsValue> {
    let ms = if let Some(date) = value.dyn_ref::<js_sys::Date>() {
        date.get_time()
    } else if let Some(text) = value.as_string() {
        js_sys::Date::parse(&text)
    } else {
        value.as_f64().unwrap_or(f64::NAN)
    };
    if !ms.is_finite() || ms.fract() != 0.0 {
        let message = format!("`{name}` must be an RFC 3339 time, milliseconds since the epoch or a Date");
        return Err(throw("INVALID_OPTION", &message, &[]));
    }
    Ok(ms as i64)
}

/// A non-negative integer that a JS number holds exactly.
fn whole_number(value: &JsValue, name: &str) -> Result<u64, JsValue> {
    match value.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 => Ok(n as u64),
        _ => Err(throw("INVALID_OPTION", &format!("`{name}` must be a non-negative integer"), &[])),
    }
}

/// `{maxSteps}` from an options object.
fn max_steps(options: &JsValue) -> Result<Option<u64>, JsValue> {
    let v = js_sys::Reflect::get(options, &"maxSteps".into()).unwrap_or(JsValue::UNDEFINED);
    if v.is_undefined() {
        Ok(None)
    } else {
        whole_number(&v, "maxSteps").map(Some)
    }
}

/// One execution: all its mutable state. Every call is bounded.
#[wasm_bindgen(js_name = Execution)]
pub struct JsExecution {
    inner: crate::Execution,
}

#[wasm_bindgen(js_class = Execution)]
impl JsExecution {
    /// Advance by one history event.
    #[wasm_bindgen(unchecked_return_type = "StepReport")]
    pub fn step(&mut self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.step())
    }

    /// When only an outside answer can move the execution, let time pass to the next timer
    /// (a waiting task's timeout or heartbeat, the execution's timeout) and go on by one
    /// event; otherwise as `step`.
    #[wasm_bindgen(js_name = advanceClock, unchecked_return_type = "StepReport")]
    pub fn advance_clock(&mut self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.advance_clock())
    }

    /// Go back one event (by replay).
    #[wasm_bindgen(js_name = stepBack, unchecked_return_type = "StepReport")]
    pub fn step_back(&mut self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.step_back())
    }

    /// Step until finished, paused or `maxSteps` steps; call again to resume.
    #[wasm_bindgen(unchecked_return_type = "StepReport")]
    pub fn run(&mut self, options: Option<RunOptionsArg>) -> Result<JsValue, JsValue> {
        let steps = match options {
            Some(options) => max_steps(&options)?,
            None => None,
        };
        to_js(&self.inner.run(steps))
    }

    /// Like `run`, but stop before entering `state`.
    #[wasm_bindgen(js_name = runUntil, unchecked_return_type = "StepReport")]
    pub fn run_until(&mut self, options: RunUntilOptionsArg) -> Result<JsValue, JsValue> {
        let state = js_sys::Reflect::get(&options, &"state".into()).ok().and_then(|s| s.as_string());
        let Some(state) = state else {
            return Err(throw("INVALID_OPTION", "runUntil needs `{state: \"StateName\"}`", &[]));
        };
        let steps = max_steps(&options)?;
        to_js(&self.inner.run_until(&state, steps))
    }

    /// The events so far, in GetExecutionHistory shape.
    #[wasm_bindgen(unchecked_return_type = "HistoryEvent[]")]
    pub fn history(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.history())
    }

    /// The execution's output once it has succeeded, else `undefined`.
    #[wasm_bindgen(unchecked_return_type = "Json | undefined")]
    pub fn output(&self) -> Result<JsValue, JsValue> {
        match self.inner.output() {
            Some(v) => to_js(v),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// The objects the run wrote to the in-memory S3 (ResultWriter, `putObject`), as the CLI's `s3Written`.
    #[wasm_bindgen(js_name = s3Written, unchecked_return_type = "Record<string, Record<string, string>>")]
    pub fn s3_written(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.s3_written())
    }

    /// `RUNNING`, `PAUSED`, `SUCCEEDED`, `FAILED`, `TIMED_OUT` or `ABORTED`.
    #[wasm_bindgen(unchecked_return_type = "ExecutionStatus")]
    pub fn status(&self) -> String {
        self.inner.status().as_str().to_string()
    }

    /// State entries so far (one per `…StateEntered` event), as the benchmarks count them.
    pub fn transitions(&self) -> f64 {
        self.inner.transitions() as f64
    }

    /// The error name of a failed, timed-out or aborted execution.
    pub fn error(&self) -> Option<String> {
        self.inner.error().map(str::to_string)
    }

    /// The cause of a failed, timed-out or aborted execution.
    pub fn cause(&self) -> Option<String> {
        self.inner.cause().map(str::to_string)
    }

    /// Each stage of the named state's data flow, for its latest entry.
    #[wasm_bindgen(unchecked_return_type = "Json")]
    pub fn inspect(&self, state: &str) -> Result<JsValue, JsValue> {
        to_js(&self.inner.inspect(state))
    }

    /// How each failure was handled (which retrier, after what delay, which catcher), from the
    /// `from`-th decision on (default 0), then the failures recorded but not handled yet
    /// (`pending`, not counted by `from`): a caller reads new decisions as it reads new events.
    #[wasm_bindgen(js_name = failureHandling, unchecked_return_type = "FailureHandling[]")]
    pub fn failure_handling(&self, from: Option<f64>) -> Result<JsValue, JsValue> {
        let from = match from {
            Some(n) => whole_number(&JsValue::from_f64(n), "from")? as usize,
            None => 0,
        };
        to_js(&self.inner.failure_handling(from))
    }

    /// The variables in scope at the named state.
    #[wasm_bindgen(unchecked_return_type = "{ [name: string]: Json }")]
    pub fn variables(&self, state: &str) -> Result<JsValue, JsValue> {
        to_js(&self.inner.variables(state))
    }

    /// Answer a paused task (any kind) with its result (JSON text or a value).
    #[wasm_bindgen(js_name = sendTaskSuccess)]
    pub fn send_task_success(&mut self, token: &str, output: JsonArg) -> Result<(), JsValue> {
        let output = from_js(&output, "output")?;
        Ok(self.inner.send_task_success(token, output)?)
    }

    /// Fail a paused task with an error name and cause.
    #[wasm_bindgen(js_name = sendTaskFailure)]
    pub fn send_task_failure(&mut self, token: &str, error: Option<String>, cause: Option<String>) -> Result<(), JsValue> {
        Ok(self.inner.send_task_failure(token, error.as_deref().unwrap_or(""), cause.as_deref().unwrap_or(""))?)
    }

    /// Record a heartbeat for a paused task.
    #[wasm_bindgen(js_name = sendTaskHeartbeat)]
    pub fn send_task_heartbeat(&mut self, token: &str) -> Result<(), JsValue> {
        Ok(self.inner.send_task_heartbeat(token)?)
    }

    /// Abort the execution (`ExecutionAborted`).
    pub fn stop(&mut self, error: Option<String>, cause: Option<String>) -> Result<(), JsValue> {
        Ok(self.inner.stop(error.as_deref(), cause.as_deref())?)
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TYPESCRIPT_TESTS: &'static str = include_str!("wasm/tests.d.ts");

/// The recognised `runTests` option names.
const TEST_OPTION_NAMES: [&str; 6] = ["definition", "mockConfig", "stateMachine", "expectations", "input", "injectErrors"];

/// Run every test case of the machine in a MockConfigFile, as `asl-sim test` does: per-case
/// results and coverage. Failing cases are data; bad input (no such machine, expectations
/// naming unknown cases, an invalid definition) throws.
#[wasm_bindgen(js_name = runTests, unchecked_return_type = "TestReport")]
pub fn run_tests(#[wasm_bindgen(unchecked_param_type = "RunTestsOptions")] options: JsValue) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let Some(object) = options.dyn_ref::<js_sys::Object>().filter(|o| o.is_object()) else {
        return Err(throw("INVALID_OPTION", "runTests takes an object {definition, mockConfig, stateMachine, expectations}", &[]));
    };
    for key in js_sys::Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !TEST_OPTION_NAMES.contains(&key.as_str()) {
            return Err(throw("INVALID_OPTION", &format!("unknown option `{key}` (known: {})", TEST_OPTION_NAMES.join(", ")), &[]));
        }
    }
    let get =
        |name: &str| Some(js_sys::Reflect::get(object, &name.into()).unwrap_or(JsValue::UNDEFINED)).filter(|v| !v.is_undefined() && !v.is_null());
    let definition = match get("definition") {
        Some(d) => d.as_string().map(Ok).unwrap_or_else(|| from_js(&d, "definition").map(|v| v.to_json()))?,
        None => return Err(throw("INVALID_OPTION", "runTests needs `definition`", &[])),
    };
    let diagnostics = crate::validate(&definition);
    if diagnostics.iter().any(|d| d.is_error()) {
        let list = positioned(&diagnostics, &definition)?;
        return Err(throw("INVALID_DEFINITION", "invalid definition", &[("diagnostics", list)]));
    }
    let config = from_js(&get("mockConfig").ok_or_else(|| throw("INVALID_OPTION", "runTests needs `mockConfig`", &[]))?, "mockConfig")?;
    let expectations = get("expectations").map(|e| from_js(&e, "expectations")).transpose()?;
    let mut suite_options = crate::testing::SuiteOptions { input: get("input").map(|i| from_js(&i, "input")).transpose()?, ..Default::default() };
    if let Some(m) = get("stateMachine") {
        suite_options.state_machine = Some(m.as_string().ok_or_else(|| throw("INVALID_OPTION", "`stateMachine` must be a string", &[]))?);
    }
    suite_options.inject_errors = get("injectErrors").is_some_and(|v| v.is_truthy());
    let suite =
        crate::testing::Suite::new(&definition, &config, expectations.as_ref(), suite_options).map_err(|e| throw("INVALID_TESTS", &e, &[]))?;
    to_js(&suite.run().to_json(suite.machine()))
}

/// The wasm heap grows geometrically.
///
/// Rust's wasm allocator (dlmalloc) asks `memory.grow` for just what it lacks, so a long
/// run grows memory thousands of times, and every grow makes V8 run a full garbage
/// collection (the new pages count as external memory): measured, 7.5 s of a 12.6 s run.
/// When the allocator has just grown memory, this wrapper at once allocates and frees as
/// much again, so the heap doubles in one step and the next growth is far off.
mod heap {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub struct Geometric;

    static PAGES: AtomicUsize = AtomicUsize::new(0);
    const PAGE: usize = 65_536;
    /// Do not reserve ahead beyond this (the 4 GiB address space has to hold everything).
    const MAX_RESERVE: usize = 256 << 20;

    // SAFETY: every call is forwarded to `System`, the allocator Rust uses on wasm32
    // anyway, with the caller's layout; the extra block is allocated and freed with one
    // layout, before anything else can run (wasm32-unknown-unknown is single-threaded).
    #[allow(unsafe_code)]
    unsafe impl GlobalAlloc for Geometric {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let p = System.alloc(layout);
            reserve_after_growth();
            p
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            System.dealloc(ptr, layout)
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let p = System.realloc(ptr, layout, new_size);
            reserve_after_growth();
            p
        }
    }

    /// If memory grew since the last look, grow it as much again through the allocator.
    #[allow(unsafe_code)]
    fn reserve_after_growth() {
        let pages = core::arch::wasm32::memory_size(0);
        let seen = PAGES.swap(pages, Ordering::Relaxed);
        if pages == seen || seen == 0 {
            return;
        }
        let reserve = (pages * PAGE).min(MAX_RESERVE);
        if let Ok(l) = Layout::from_size_align(reserve, 16) {
            // SAFETY: a block allocated and freed at once with the same layout.
            unsafe {
                let extra = System.alloc(l);
                if !extra.is_null() {
                    System.dealloc(extra, l);
                }
            }
        }
        PAGES.store(core::arch::wasm32::memory_size(0), Ordering::Relaxed);
    }

    #[global_allocator]
    static GLOBAL: Geometric = Geometric;
}

#[wasm_bindgen(typescript_custom_section)]
const TESTSTATE_TYPES: &'static str = include_str!("wasm/teststate.d.ts");

/// AWS's TestState API: run one state (a lone state, or `stateName` of a whole machine)
/// with the request's input, mock, context, variables and state configuration. Returns
/// the response as `asl-sim test-state` prints it, or `{exception: {code, message}}` for a
/// request AWS rejects; only a request that is not JSON throws.
#[wasm_bindgen(js_name = testState, unchecked_return_type = "TestStateResponse")]
pub fn test_state(#[wasm_bindgen(unchecked_param_type = "TestStateRequest | string")] request: JsValue) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let request = from_js(&request, "request")?;
    let (answer, _) = crate::teststate::response_or_exception(&request);
    to_js(&answer)
}
