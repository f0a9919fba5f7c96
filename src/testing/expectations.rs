//! The expectations file: what each test case of a MockConfigFile should do.
//!
//! `{"<TestCase>": {"status"?, "output"?, "error"?, "cause"?, "path"?}}` (DESIGN.md, "More
//! contracts"): `output` is compared as a JSON value, `path` is the exact list of
//! top-level states entered, in order. Two keys of our own may sit beside them: `input`,
//! the execution input of that case, and `comment`, free text (where an expectation comes
//! from). Any other key is refused, so a misspelt expectation cannot pass silently.

use crate::value::Value;

/// The statuses an execution can end in (or pause at).
const STATUSES: [&str; 5] = ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PAUSED"];

/// What one test case should do; every field is optional.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Expectation {
    pub status: Option<String>,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub path: Option<Vec<String>>,
    /// The execution input for this case (overrides the suite's input).
    pub input: Option<Value>,
}

/// What a finished (or paused) execution did, as far as expectations look.
pub struct Outcome<'a> {
    pub status: &'a str,
    pub output: Option<&'a Value>,
    pub error: Option<&'a str>,
    pub cause: Option<&'a str>,
    pub path: &'a [String],
}

/// Read the expectations file; `cases` are the test cases of the machine, so that an
/// expectation for a case that does not exist is an error, not a silent pass.
pub fn parse(v: &Value, cases: &[String]) -> Result<Vec<(String, Expectation)>, String> {
    let obj = v.as_object().ok_or_else(|| format!("the expectations must be a JSON object of test case names, not {}", v.type_name()))?;
    let mut out = Vec::new();
    for (name, spec) in obj.iter() {
        if !cases.iter().any(|c| **c == **name) {
            return Err(format!("the expectations name test case '{}', which the MockConfigFile does not have (it has: {})", name, cases.join(", ")));
        }
        let fields = spec.as_object().ok_or_else(|| format!("the expectations of '{}' must be an object, not {}", name, spec.type_name()))?;
        let mut e = Expectation::default();
        let text = |k: &str, v: &Value| -> Result<String, String> {
            v.as_str().map(String::from).ok_or_else(|| format!("expectations of '{}': \"{}\" must be a string, not {}", name, k, v.type_name()))
        };
        for (k, v) in fields.iter() {
            match &**k {
                "status" => {
                    let s = text(k, v)?;
                    if !STATUSES.contains(&s.as_str()) {
                        return Err(format!("expectations of '{}': \"status\" must be one of {}, not \"{}\"", name, STATUSES.join(", "), s));
                    }
                    e.status = Some(s);
                }
                "output" => e.output = Some(v.clone()),
                "error" => e.error = Some(text(k, v)?),
                "cause" => e.cause = Some(text(k, v)?),
                "path" => {
                    let list = v.as_array().ok_or_else(|| format!("expectations of '{}': \"path\" must be a list of state names", name))?;
                    e.path = Some(list.iter().map(|s| text("path", s)).collect::<Result<_, _>>()?);
                }
                "input" => e.input = Some(v.clone()),
                "comment" => {}
                other => {
                    return Err(format!(
                        "expectations of '{}': unknown key \"{}\" (expected status, output, error, cause, path, input or comment)",
                        name, other
                    ))
                }
            }
        }
        out.push((name.to_string(), e));
    }
    Ok(out)
}

fn shown(v: Option<&str>) -> String {
    match v {
        Some(s) => format!("{:?}", s),
        None => "none".into(),
    }
}

impl Expectation {
    /// How `got` differs from this expectation: one message per difference.
    pub fn check(&self, got: &Outcome) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(s) = &self.status {
            if s != got.status {
                out.push(format!("status {}, expected {}", got.status, s));
            }
        }
        if let Some(want) = &self.output {
            if got.output != Some(want) {
                out.push(format!("output {}, expected {}", got.output.map(|o| o.to_json()).unwrap_or_else(|| "none".into()), want.to_json()));
            }
        }
        if let Some(want) = &self.error {
            if got.error != Some(want.as_str()) {
                out.push(format!("error {}, expected {:?}", shown(got.error), want));
            }
        }
        if let Some(want) = &self.cause {
            if got.cause != Some(want.as_str()) {
                out.push(format!("cause {}, expected {:?}", shown(got.cause), want));
            }
        }
        if let Some(want) = &self.path {
            if want.as_slice() != got.path {
                let at = want.iter().zip(got.path).position(|(a, b)| a != b).unwrap_or(want.len().min(got.path.len()));
                out.push(format!("path [{}], expected [{}] (first difference at step {})", got.path.join(", "), want.join(", "), at + 1));
            }
        }
        out
    }
}
