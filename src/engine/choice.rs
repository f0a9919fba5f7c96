//! Choice states: the rules tried in order, `Default`, and the comparison operators.
//!
//! JSONPath rules compare a `Variable` with a literal or a `…Path` operand (`compare`,
//! with AWS's type rules: a comparison between different types is false, never an
//! error); JSONata rules evaluate a `Condition` that must be a boolean. The matched
//! rule's index goes to the inspector. `States.NoChoiceMatched` when nothing matches
//! and there is no `Default`.

use super::dataflow::invalid_path;
use super::thread::{Active, Step};
use super::{Execution, ThreadId};
use crate::definition::{ChoiceRule, ChoiceState, Condition, Operand, Operator, QueryLanguage, State, Transition};
use crate::query::{self, Failure};
use crate::time;
use crate::value::Value;

impl Execution {
    pub(super) fn choice(&mut self, tid: ThreadId, a: &mut Active, st: &State, c: &ChoiceState) -> Result<(), Failure> {
        let raw = a.input.clone();
        let jsonata = st.query_language == QueryLanguage::Jsonata;
        let effective = if jsonata {
            raw
        } else {
            let effective = self.apply_path(tid, a, &st.input_path, &raw)?;
            self.record_stage(a, "afterInputPath", &effective);
            effective
        };
        let mut chosen: Option<(usize, &ChoiceRule)> = None;
        for (i, rule) in c.choices.iter().enumerate() {
            if self.condition(tid, a, &rule.condition, &effective)? {
                chosen = Some((i, rule));
                break;
            }
        }
        // A matched rule's own `Assign`/`Output` replace the state's.
        let (next, assign, output) = match chosen {
            Some((i, rule)) => {
                if let Some(ins) = self.inspection(a) {
                    ins.matched_rule = Some(i);
                }
                (
                    rule.next,
                    if rule.assign.is_some() { &rule.assign } else { &st.assign },
                    if rule.output.is_some() { &rule.output } else { &st.output },
                )
            }
            None => match c.default {
                Some(d) => (d, &st.assign, &st.output),
                None => {
                    return Err(Failure::new(
                        "States.NoChoiceMatched",
                        format!("No Matches! from state '{}' for input '{}'", a.ctx.name, effective.to_json()),
                    ))
                }
            },
        };
        let (assigned, output) = if jsonata {
            (self.jsonata_assign(tid, a, assign, None, None)?, self.jsonata_output(tid, a, output, &effective, None, None)?)
        } else {
            (self.assign(tid, a, assign, &effective)?, self.apply_path(tid, a, &st.output_path, &effective)?)
        };
        a.step = Step::Exit { output, next: Transition::Next(next), assigned };
        Ok(())
    }

    fn condition(&mut self, tid: ThreadId, a: &Active, c: &Condition, input: &Value) -> Result<bool, Failure> {
        match c {
            Condition::And(cs) => {
                for c in cs {
                    if !self.condition(tid, a, c, input)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Condition::Or(cs) => {
                for c in cs {
                    if self.condition(tid, a, c, input)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Condition::Not(c) => Ok(!self.condition(tid, a, c, input)?),
            Condition::Jsonata(t) => {
                let v = self.jsonata(tid, a, t, "Condition", None, None)?;
                match v {
                    Value::Bool(b) => Ok(b),
                    other => Err(self.query_error(
                        a,
                        "Condition",
                        &format!("The Condition field must evaluate to a boolean, but was '{}' for value: {}", other.type_name(), other.to_json()),
                    )),
                }
            }
            Condition::Compare { variable, operator, operand } => {
                let value = self.with_env(tid, &a.ctx, input, |env| query::select(variable, env));
                let value = match value {
                    Ok(v) => v,
                    Err(_) if *operator == Operator::IsPresent => {
                        return Ok(matches!(operand, Operand::Literal(Value::Bool(false))));
                    }
                    Err(e) => return Err(invalid_path(a, variable, &e)),
                };
                let rhs = match operand {
                    Operand::Literal(v) => v.clone(),
                    Operand::Path(p) => self.select(tid, a, p, input)?,
                };
                Ok(compare(*operator, &value, &rhs))
            }
        }
    }
}

fn compare(op: Operator, v: &Value, rhs: &Value) -> bool {
    use std::cmp::Ordering::*;
    use Operator::*;
    match op {
        IsNull => v.is_null() == rhs.as_bool().unwrap_or(true),
        IsPresent => rhs.as_bool().unwrap_or(true),
        IsNumeric => matches!(v, Value::Number(_)) == rhs.as_bool().unwrap_or(true),
        IsString => matches!(v, Value::String(_)) == rhs.as_bool().unwrap_or(true),
        IsBoolean => matches!(v, Value::Bool(_)) == rhs.as_bool().unwrap_or(true),
        IsTimestamp => v.as_str().and_then(time::parse_timestamp).is_some() == rhs.as_bool().unwrap_or(true),
        StringMatches => match (v.as_str(), rhs.as_str()) {
            (Some(s), Some(p)) => string_matches(s, p),
            _ => false,
        },
        BooleanEquals => matches!((v, rhs), (Value::Bool(a), Value::Bool(b)) if a == b),
        StringEquals | StringLessThan | StringGreaterThan | StringLessThanEquals | StringGreaterThanEquals => {
            let (Some(a), Some(b)) = (v.as_str(), rhs.as_str()) else { return false };
            let o = a.cmp(b);
            match op {
                StringEquals => o == Equal,
                StringLessThan => o == Less,
                StringGreaterThan => o == Greater,
                StringLessThanEquals => o != Greater,
                _ => o != Less,
            }
        }
        NumericEquals | NumericLessThan | NumericGreaterThan | NumericLessThanEquals | NumericGreaterThanEquals => {
            let (Some(a), Some(b)) = (v.as_number(), rhs.as_number()) else { return false };
            let (a, b) = (a.as_f64(), b.as_f64());
            match op {
                NumericEquals => a == b,
                NumericLessThan => a < b,
                NumericGreaterThan => a > b,
                NumericLessThanEquals => a <= b,
                _ => a >= b,
            }
        }
        TimestampEquals | TimestampLessThan | TimestampGreaterThan | TimestampLessThanEquals | TimestampGreaterThanEquals => {
            let (Some(a), Some(b)) = (v.as_str().and_then(time::parse_timestamp), rhs.as_str().and_then(time::parse_timestamp)) else {
                return false;
            };
            match op {
                TimestampEquals => a == b,
                TimestampLessThan => a < b,
                TimestampGreaterThan => a > b,
                TimestampLessThanEquals => a <= b,
                _ => a >= b,
            }
        }
    }
}

/// `StringMatches`: `*` matches any run of characters; `\*` and `\\` are literal.
/// Iterative with backtracking to the last star only, so no pattern can blow up.
fn string_matches(s: &str, pattern: &str) -> bool {
    #[derive(PartialEq)]
    enum Tok {
        Star,
        Ch(char),
    }
    let mut toks = Vec::new();
    let mut it = pattern.chars();
    while let Some(c) = it.next() {
        match c {
            '\\' => match it.next() {
                Some(n) => toks.push(Tok::Ch(n)),
                None => toks.push(Tok::Ch('\\')),
            },
            '*' => toks.push(Tok::Star),
            c => toks.push(Tok::Ch(c)),
        }
    }
    let s: Vec<char> = s.chars().collect();
    let (mut i, mut p) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        if p < toks.len() {
            match toks[p] {
                Tok::Star => {
                    star = Some((p, i));
                    p += 1;
                    continue;
                }
                Tok::Ch(c) if c == s[i] => {
                    i += 1;
                    p += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, si)) => {
                p = sp + 1;
                i = si + 1;
                star = Some((sp, si + 1));
            }
            None => return false,
        }
    }
    while p < toks.len() && toks[p] == Tok::Star {
        p += 1;
    }
    p == toks.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn string_matching() {
        assert!(string_matches("log-2024.txt", "log-*.txt"));
        assert!(string_matches("a*b", "a\\*b"));
        assert!(!string_matches("axb", "a\\*b"));
        assert!(string_matches("", "*"));
        assert!(!string_matches(&"a".repeat(5000), &format!("{}b", "*a".repeat(50))));
    }
}
