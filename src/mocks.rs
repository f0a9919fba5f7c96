//! Mocked task responses: the AWS Step Functions Local MockConfigFile, and
//! the inline form keyed by state name (see DESIGN.md, "Mocks file").

use crate::value::FixedHashMap as HashMap;
use crate::value::Value;
use std::rc::Rc;

/// One mocked answer to a Task call.
#[derive(Clone, Debug, PartialEq)]
pub struct MockResponse {
    pub outcome: MockOutcome,
    /// Virtual latency before the answer arrives.
    pub delay_seconds: u64,
    /// For `.sync` and `.waitForTaskToken` tasks: the start call's response, recorded in
    /// `TaskSubmitted` (an asl-sim extension to the MockConfigFile, key `Submitted`).
    pub submitted: Option<Value>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum MockOutcome {
    Return(Value),
    Throw { error: Option<Rc<str>>, cause: Option<Rc<str>> },
}

/// Responses per Task state name.
#[derive(Clone, Debug, Default)]
pub struct Mocks {
    by_state: HashMap<String, StateMocks>,
    /// Parts of the mocks that match nothing (an unknown key in `Throw`, a test case naming a
    /// response that does not exist): warnings, not errors, so the run still happens.
    warnings: Vec<String>,
    /// Of those, the test case's entries that name no mocked response (a test runner fails such a case).
    missing: Vec<String>,
}

#[derive(Clone, Debug)]
struct StateMocks {
    /// Response for call n (0-based); `None` where the config leaves a gap.
    responses: Vec<Option<MockResponse>>,
    /// The inline form repeats its last response; the MockConfigFile does not.
    repeat_last: bool,
    /// Inline form: a plain payload for `lambda:invoke` is wrapped in the Invoke envelope.
    inline: bool,
}

impl Mocks {
    /// No mocks at all.
    pub fn none() -> Mocks {
        Mocks::default()
    }

    /// Read either format. `test_case` picks the MockConfigFile test case and
    /// `state_machine` the machine when the file holds several.
    pub fn from_value(v: &Value, test_case: Option<&str>, state_machine: Option<&str>) -> Result<Mocks, String> {
        let Some(obj) = v.as_object() else {
            return Err(format!("mocks must be a JSON object, not {}", v.type_name()));
        };
        if obj.contains_key("StateMachines") || obj.contains_key("MockedResponses") {
            return Self::from_config_file(v, test_case, state_machine);
        }
        let mut by_state = HashMap::default();
        let mut warnings = Vec::new();
        for (state, spec) in obj.iter() {
            let list: Vec<&Value> = match spec {
                Value::Array(a) => a.iter().collect(),
                other => vec![other],
            };
            if list.is_empty() {
                return Err(format!("mocks for state '{}' are an empty list", state));
            }
            let mut responses = Vec::new();
            for (i, r) in list.into_iter().enumerate() {
                let where_ = format!("mocks for state '{}', response {}", state, i);
                responses.push(Some(parse_response(r, &where_, &mut warnings).map_err(|e| format!("{}: {}", where_, e))?));
            }
            by_state.insert(state.to_string(), StateMocks { responses, repeat_last: true, inline: true });
        }
        Ok(Mocks { by_state, warnings, missing: Vec::new() })
    }

    fn from_config_file(v: &Value, test_case: Option<&str>, state_machine: Option<&str>) -> Result<Mocks, String> {
        let machines = v.get("StateMachines").and_then(Value::as_object);
        let responses = v.get("MockedResponses").and_then(Value::as_object);
        let Some(machines) = machines else {
            return Err("the mock config has no \"StateMachines\" object".into());
        };
        let machine = match state_machine {
            Some(name) => {
                machines.get(name).ok_or_else(|| format!("the mock config has no state machine '{}' (it has: {})", name, keys(machines)))?
            }
            None if machines.len() == 1 => machines.values().next().ok_or("no state machine")?,
            None => {
                return Err(format!(
                    "the mock config has several state machines; pick one with --state-machine NAME (stateMachine in the JS API): {}",
                    keys(machines)
                ))
            }
        };
        let cases = machine.get("TestCases").and_then(Value::as_object).ok_or("the state machine has no \"TestCases\" object")?;
        let case = match test_case {
            Some(name) => cases.get(name).ok_or_else(|| format!("no test case '{}' (there are: {})", name, keys(cases)))?,
            None if cases.len() == 1 => cases.values().next().ok_or("no test case")?,
            None => {
                return Err(format!(
                    "the mock config has several test cases; pick one with --test-case NAME (testCase in the JS API): {}",
                    keys(cases)
                ))
            }
        };
        let case = case.as_object().ok_or("a test case must map state names to mocked response names")?;
        let mut by_state = HashMap::default();
        let mut warnings = Vec::new();
        let mut missing = Vec::new();
        for (state, response_name) in case.iter() {
            let name = response_name.as_str().ok_or_else(|| format!("test case entry '{}' must name a mocked response", state))?;
            let Some(spec) = responses.and_then(|r| r.get(name)).and_then(Value::as_object) else {
                let message =
                    format!("state '{}' uses mocked response '{}', which \"MockedResponses\" does not define: the state is not mocked", state, name);
                warnings.push(message.clone());
                missing.push(message);
                continue;
            };
            let mut list: Vec<Option<MockResponse>> = Vec::new();
            for (range, r) in spec.iter() {
                let (from, to) = parse_range(range)
                    .ok_or_else(|| format!("mocked response '{}': '{}' is not an invocation number or range like \"0\" or \"1-2\"", name, range))?;
                let where_ = format!("mocked response '{}' \"{}\"", name, range);
                let resp = parse_response(r, &where_, &mut warnings).map_err(|e| format!("{}: {}", where_, e))?;
                if to >= 10_000 {
                    return Err(format!("mocked response '{}': invocation range '{}' is too large", name, range));
                }
                if list.len() <= to {
                    list.resize(to + 1, None);
                }
                for slot in &mut list[from..=to] {
                    *slot = Some(resp.clone());
                }
            }
            by_state.insert(state.to_string(), StateMocks { responses: list, repeat_last: false, inline: false });
        }
        Ok(Mocks { by_state, warnings, missing })
    }

    /// The test case's entries that name a mocked response the file does not define.
    pub fn missing_responses(&self) -> &[String] {
        &self.missing
    }

    /// What in the mocks matches nothing in a machine whose states are `states` (name, and
    /// whether it is a Task): mocks naming no Task state, and the warnings found while reading them.
    pub fn warnings(&self, states: &[(&str, bool)]) -> Vec<String> {
        let mut out = self.warnings.clone();
        let mut names: Vec<&String> = self.by_state.keys().collect();
        names.sort();
        for name in names {
            match states.iter().find(|(s, _)| *s == name.as_str()) {
                None => out.push(format!("the mocks name a state '{}', which the definition does not have", name)),
                Some((_, false)) => out.push(format!("the mocks name the state '{}', which is not a Task: the mock is never used", name)),
                Some(_) => {}
            }
        }
        out
    }

    /// `--auto-mock`: every Task state (of `states`, as for [`Mocks::warnings`]) with no mock
    /// answers `{"Return": {}}` (the inline form, so a `lambda:invoke` result is wrapped in the
    /// Invoke envelope with `Payload` `{}`). Returns the names of the states mocked so.
    pub fn auto_mock(&mut self, states: &[(&str, bool)]) -> Vec<String> {
        let mut added = Vec::new();
        for (name, task) in states {
            if *task && !self.by_state.contains_key(*name) {
                let response = MockResponse { outcome: MockOutcome::Return(Value::empty_object()), delay_seconds: 0, submitted: None };
                self.by_state.insert(name.to_string(), StateMocks { responses: vec![Some(response)], repeat_last: true, inline: true });
                added.push(name.to_string());
            }
        }
        added
    }

    /// Make every call of `state` throw `error` with `cause`, whatever was configured
    /// (the test runner's failure injection).
    pub fn set_always_throw(&mut self, state: &str, error: &str, cause: &str) {
        let r = MockResponse {
            outcome: MockOutcome::Throw { error: Some(Rc::from(error)), cause: Some(Rc::from(cause)) },
            delay_seconds: 0,
            submitted: None,
        };
        self.by_state.insert(state.to_string(), StateMocks { responses: vec![Some(r)], repeat_last: true, inline: false });
    }

    /// Whether any mock is configured for this state.
    pub fn has(&self, state: &str) -> bool {
        self.by_state.contains_key(state)
    }

    /// The response to call number `call` (0-based) of `state`, if mocked.
    pub fn response(&self, state: &str, call: usize) -> Option<&MockResponse> {
        let m = self.by_state.get(state)?;
        match m.responses.get(call) {
            Some(r) => r.as_ref(),
            None if m.repeat_last => m.responses.last().and_then(|r| r.as_ref()),
            None => None,
        }
    }

    /// Whether this state's mocks are in the inline form (payload wrapping applies).
    pub fn is_inline(&self, state: &str) -> bool {
        self.by_state.get(state).is_some_and(|m| m.inline)
    }
}

fn keys(m: &crate::value::Map) -> String {
    m.keys().map(|k| k.to_string()).collect::<Vec<_>>().join(", ")
}

fn parse_range(s: &str) -> Option<(usize, usize)> {
    match s.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            (a <= b).then_some((a, b))
        }
        None => s.trim().parse().ok().map(|n| (n, n)),
    }
}

fn parse_response(r: &Value, where_: &str, warnings: &mut Vec<String>) -> Result<MockResponse, String> {
    let Some(obj) = r.as_object() else {
        return Err(format!("a response must be an object with \"Return\" or \"Throw\", not {}", r.type_name()));
    };
    let delay_seconds = match obj.get("DelaySeconds") {
        None => 0,
        Some(d) => match d.as_number().and_then(|n| n.as_i64()) {
            Some(n) if (0..=99_999_999).contains(&n) => n as u64,
            _ => return Err("\"DelaySeconds\" must be a whole number from 0 to 99999999".into()),
        },
    };
    for k in obj.keys() {
        if !matches!(&**k, "Return" | "Throw" | "DelaySeconds" | "Submitted") {
            return Err(format!("unknown field \"{}\" (expected \"Return\", \"Throw\", \"DelaySeconds\" or \"Submitted\")", k));
        }
    }
    let outcome = match (obj.get("Return"), obj.get("Throw")) {
        (Some(v), None) => MockOutcome::Return(v.clone()),
        (None, Some(t)) => {
            let Some(t) = t.as_object() else {
                return Err("\"Throw\" must be an object with \"Error\" and \"Cause\"".into());
            };
            for k in t.keys().filter(|k| !matches!(&***k, "Error" | "Cause")) {
                warnings.push(format!("{}: \"Throw\" has an unknown key \"{}\" (only \"Error\" and \"Cause\" are read)", where_, k));
            }
            let field = |k: &str| -> Result<Option<Rc<str>>, String> {
                match t.get(k) {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::String(s)) => Ok(Some(s.clone())),
                    Some(other) => Ok(Some(Rc::from(other.to_json()))),
                }
            };
            MockOutcome::Throw { error: field("Error")?, cause: field("Cause")? }
        }
        (Some(_), Some(_)) => return Err("a response has either \"Return\" or \"Throw\", not both".into()),
        (None, None) => return Err("a response needs \"Return\" or \"Throw\"".into()),
    };
    Ok(MockResponse { outcome, delay_seconds, submitted: obj.get("Submitted").cloned() })
}

#[cfg(test)]
mod tests {
    #[test]
    fn mocks_that_match_nothing_are_warnings() {
        let v = parse(r#"{"StateMachines":{"M":{"TestCases":{"C":{"T":"Missing","Pass":"R"}}}},"MockedResponses":{"R":{"0":{"Throw":{"Error":"E","Message":"m"}}}}}"#).unwrap();
        let m = Mocks::from_value(&v, None, None).unwrap();
        assert!(!m.has("T"));
        let w = m.warnings(&[("T", true), ("Pass", false)]);
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(w[0].contains("'Missing', which \"MockedResponses\" does not define"), "{w:?}");
        assert!(w[1].contains("\"Throw\" has an unknown key \"Message\""), "{w:?}");
        assert!(w[2].contains("'Pass', which is not a Task"), "{w:?}");
    }

    use super::*;
    use crate::json::parse;

    #[test]
    fn config_file_ranges() {
        let v = parse(
            r#"{"StateMachines":{"M":{"TestCases":{"Happy":{"A":"R"}}}},
            "MockedResponses":{"R":{"0":{"Return":{"ok":1}},"1-2":{"Throw":{"Error":"E","Cause":"c"}}}}}"#,
        )
        .unwrap();
        let m = Mocks::from_value(&v, None, None).unwrap();
        assert!(matches!(m.response("A", 0).unwrap().outcome, MockOutcome::Return(_)));
        assert!(matches!(m.response("A", 2).unwrap().outcome, MockOutcome::Throw { .. }));
        assert!(m.response("A", 3).is_none());
    }

    #[test]
    fn inline_repeats_last() {
        let v = parse(r#"{"A":[{"Throw":{"Error":"E"}},{"Return":1,"DelaySeconds":5}]}"#).unwrap();
        let m = Mocks::from_value(&v, None, None).unwrap();
        assert_eq!(m.response("A", 7).unwrap().delay_seconds, 5);
        assert!(Mocks::from_value(&parse(r#"{"A":{"Nope":1}}"#).unwrap(), None, None).is_err());
    }
}
