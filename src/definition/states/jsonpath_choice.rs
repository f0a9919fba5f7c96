//! JSONPath Choice rules: `And`/`Or`/`Not` nesting, `Variable` with exactly one
//! comparison operator (literal or `…Path` form), the type each operator compares, and
//! AWS's messages for rules that mix these up. JSONata rules (`Condition`) are in `jsonata.rs`.

use crate::definition::parse::{item, looks_like_path, Builder, Literal, Obj, MAX_NESTING, SCHEMA};
use crate::definition::*;
use crate::time::parse_timestamp;
use crate::value::Value;

/// What a Choice comparison operator compares.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Compared {
    String,
    Number,
    Boolean,
    Timestamp,
    /// `Is…` type tests take `true` or `false`.
    TypeTest,
}

/// Every data-test operator: its field name, the operator, what it compares and whether it is a `…Path` form.
const OPERATORS: &[(&str, Operator, Compared, bool)] = {
    use Compared as C;
    use Operator as O;
    &[
        ("StringEquals", O::StringEquals, C::String, false),
        ("StringEqualsPath", O::StringEquals, C::String, true),
        ("StringLessThan", O::StringLessThan, C::String, false),
        ("StringLessThanPath", O::StringLessThan, C::String, true),
        ("StringGreaterThan", O::StringGreaterThan, C::String, false),
        ("StringGreaterThanPath", O::StringGreaterThan, C::String, true),
        ("StringLessThanEquals", O::StringLessThanEquals, C::String, false),
        ("StringLessThanEqualsPath", O::StringLessThanEquals, C::String, true),
        ("StringGreaterThanEquals", O::StringGreaterThanEquals, C::String, false),
        ("StringGreaterThanEqualsPath", O::StringGreaterThanEquals, C::String, true),
        ("StringMatches", O::StringMatches, C::String, false),
        ("NumericEquals", O::NumericEquals, C::Number, false),
        ("NumericEqualsPath", O::NumericEquals, C::Number, true),
        ("NumericLessThan", O::NumericLessThan, C::Number, false),
        ("NumericLessThanPath", O::NumericLessThan, C::Number, true),
        ("NumericGreaterThan", O::NumericGreaterThan, C::Number, false),
        ("NumericGreaterThanPath", O::NumericGreaterThan, C::Number, true),
        ("NumericLessThanEquals", O::NumericLessThanEquals, C::Number, false),
        ("NumericLessThanEqualsPath", O::NumericLessThanEquals, C::Number, true),
        ("NumericGreaterThanEquals", O::NumericGreaterThanEquals, C::Number, false),
        ("NumericGreaterThanEqualsPath", O::NumericGreaterThanEquals, C::Number, true),
        ("BooleanEquals", O::BooleanEquals, C::Boolean, false),
        ("BooleanEqualsPath", O::BooleanEquals, C::Boolean, true),
        ("TimestampEquals", O::TimestampEquals, C::Timestamp, false),
        ("TimestampEqualsPath", O::TimestampEquals, C::Timestamp, true),
        ("TimestampLessThan", O::TimestampLessThan, C::Timestamp, false),
        ("TimestampLessThanPath", O::TimestampLessThan, C::Timestamp, true),
        ("TimestampGreaterThan", O::TimestampGreaterThan, C::Timestamp, false),
        ("TimestampGreaterThanPath", O::TimestampGreaterThan, C::Timestamp, true),
        ("TimestampLessThanEquals", O::TimestampLessThanEquals, C::Timestamp, false),
        ("TimestampLessThanEqualsPath", O::TimestampLessThanEquals, C::Timestamp, true),
        ("TimestampGreaterThanEquals", O::TimestampGreaterThanEquals, C::Timestamp, false),
        ("TimestampGreaterThanEqualsPath", O::TimestampGreaterThanEquals, C::Timestamp, true),
        ("IsNull", O::IsNull, C::TypeTest, false),
        ("IsPresent", O::IsPresent, C::TypeTest, false),
        ("IsNumeric", O::IsNumeric, C::TypeTest, false),
        ("IsString", O::IsString, C::TypeTest, false),
        ("IsBoolean", O::IsBoolean, C::TypeTest, false),
        ("IsTimestamp", O::IsTimestamp, C::TypeTest, false),
    ]
};

impl<'a, 'v> Builder<'a, 'v> {
    pub(super) fn choice(&mut self, o: &Obj, scope: usize, id: StateId) -> Option<StateKind> {
        self.ctx.required(o, &["Choices"]);
        let mut choices = Vec::new();
        let mut complete = true;
        if let Some(rules) = self.ctx.nonempty_array(o, "Choices") {
            for (i, v) in rules.iter().enumerate() {
                match self.choice_rule(v, item(&o.at("Choices"), i), scope, id) {
                    Some(rule) => choices.push(rule),
                    None => complete = false,
                }
            }
        } else {
            complete = false;
        }
        let default = if o.has("Default") { self.target(o, "Default", scope, id) } else { None };
        if o.has("Default") && default.is_none() {
            complete = false;
        }
        complete.then_some(StateKind::Choice(ChoiceState { choices, default }))
    }

    fn choice_rule(&mut self, v: &Value, ptr: String, scope: usize, id: StateId) -> Option<ChoiceRule> {
        let o = self.ctx.item_object(v, ptr, "a Choice rule")?;
        let condition = self.condition(&o, true, 0);
        let next = if o.has("Next") {
            self.target(&o, "Next", scope, id)
        } else {
            self.ctx.required(&o, &["Next"]);
            None
        };
        let assign = self.assign(&o);
        Some(ChoiceRule { condition: condition?, next: next?, assign, output: None })
    }

    /// A Choice rule's test: `And`/`Or`/`Not`, or `Variable` with one comparison operator.
    fn condition(&mut self, o: &Obj, top: bool, depth: usize) -> Option<Condition> {
        let boolean: Vec<&str> = ["And", "Or", "Not"].into_iter().filter(|k| o.has(k)).collect();
        let operators: Vec<&(&str, Operator, Compared, bool)> = OPERATORS.iter().filter(|op| o.has(op.0)).collect();
        let mut allowed: Vec<&str> = vec!["Comment"];
        if top {
            allowed.extend(["Next", "Assign"]);
        } else if o.has("Next") {
            self.ctx.error_member(
                &o.ptr,
                "Next",
                "Field 'Next' is not supported in a nested Choice rule: only the rules directly in 'Choices' have 'Next'".into(),
            );
            allowed.push("Next");
        }
        let jsonata_only: &[&str] = if top { &["Condition", "Output"] } else { &[] };

        if !boolean.is_empty() {
            allowed.extend(&boolean);
            self.ctx.unknown_fields(o, &allowed, jsonata_only);
            if boolean.len() > 1 {
                self.ctx.error_head(
                    SCHEMA,
                    &o.ptr,
                    format!("A Choice rule may hold only one of 'And', 'Or' and 'Not', not [{}]", boolean.join(", ")),
                );
                return None;
            }
            if depth >= MAX_NESTING {
                self.ctx.error_head(
                    "TOO_DEEPLY_NESTED",
                    &o.ptr,
                    format!("Choice rules nest 'And', 'Or' and 'Not' more than {} levels deep", MAX_NESTING),
                );
                return None;
            }
            return match boolean[0] {
                "Not" => {
                    let inner = self.ctx.object(o, "Not")?;
                    self.condition(&inner, false, depth + 1).map(|c| Condition::Not(Box::new(c)))
                }
                key => {
                    let rules = self.ctx.nonempty_array(o, key)?;
                    let mut out = Vec::with_capacity(rules.len());
                    let mut complete = true;
                    for (i, v) in rules.iter().enumerate() {
                        match self.ctx.item_object(v, item(&o.at(key), i), "a Choice rule") {
                            Some(inner) => match self.condition(&inner, false, depth + 1) {
                                Some(c) => out.push(c),
                                None => complete = false,
                            },
                            None => complete = false,
                        }
                    }
                    if !complete {
                        return None;
                    }
                    Some(if key == "And" { Condition::And(out) } else { Condition::Or(out) })
                }
            };
        }

        allowed.push("Variable");
        allowed.extend(operators.iter().map(|op| op.0));
        self.ctx.unknown_fields(o, &allowed, jsonata_only);
        if !o.has("Variable") && operators.is_empty() {
            if o.has("Condition") {
                return None; // a JSONata rule, already reported as such
            }
            self.ctx.error_head(
                SCHEMA,
                &o.ptr,
                "A Choice rule needs a Boolean expression ('And', 'Or', 'Not') or a 'Variable' and a comparison operator such as 'StringEquals' or 'IsPresent'"
                    .into(),
            );
            return None;
        }
        self.ctx.required(o, &["Variable"]);
        let variable = self.ctx.path(o, "Variable");
        if operators.is_empty() {
            self.ctx.error_head(
                SCHEMA,
                &o.ptr,
                "The Choice rule has a 'Variable' but no comparison operator such as 'StringEquals', 'NumericLessThan' or 'IsPresent'".into(),
            );
            return None;
        }
        if operators.len() > 1 {
            let names: Vec<&str> = operators.iter().map(|op| op.0).collect();
            let span = self.ctx.key_span(&o.at(names[1]));
            self.ctx.report(
                SCHEMA,
                Severity::Error,
                &o.ptr,
                span,
                format!("A Choice rule must have exactly one comparison operator, found [{}]", names.join(", ")),
            );
            return None;
        }
        let &(key, operator, compared, is_path) = operators[0];
        let operand = self.operand(o, key, compared, is_path);
        Some(Condition::Compare { variable: variable?, operator, operand: operand? })
    }

    fn operand(&mut self, o: &Obj, key: &str, compared: Compared, is_path: bool) -> Option<Operand> {
        if is_path {
            return self.ctx.path(o, key).map(Operand::Path);
        }
        let v = o.get(key)?;
        let ok = match compared {
            Compared::String => {
                let s = self.ctx.string(o, key)?;
                self.ctx.note(Literal::ChoiceOperand { pointer: o.at(key), key: key.to_string(), text: s.into() });
                true
            }
            Compared::Number => {
                if v.as_number().is_none() {
                    self.ctx.literal_type_error(o, key, "NUMBER");
                    return None;
                }
                true
            }
            Compared::Boolean => {
                if v.as_bool().is_none() {
                    self.ctx.literal_type_error(o, key, "BOOLEAN");
                    return None;
                }
                true
            }
            Compared::TypeTest => self.ctx.boolean(o, key).is_some(),
            Compared::Timestamp => {
                let s = self.ctx.string(o, key)?;
                if looks_like_path(s) {
                    self.ctx.error_value(
                        SCHEMA,
                        &o.at(key),
                        format!(
                            "The value for the field '{}' must be a timestamp, not a path: to compare with the value at '{}', use '{}Path'",
                            key, s, key
                        ),
                    );
                    return None;
                }
                if parse_timestamp(s).is_none() {
                    self.ctx.error_value(
                        SCHEMA,
                        &o.at(key),
                        format!(
                            "The value for the field '{}' must be an ISO-8601 timestamp with an offset, such as 2024-01-01T00:00:00Z: '{}'",
                            key, s
                        ),
                    );
                    return None;
                }
                true
            }
        };
        ok.then(|| Operand::Literal(v.clone()))
    }
}
