//! A structured generator of whole executions: a definition (state types, Retry and
//! Catch, Parallel and Map nesting, Choice rules, JSONPath and JSONata, variables), an
//! input, inline mocks, options and the answers a caller gives to paused tasks.
//!
//! It reads its choices from an [`Unstructured`] byte source, so the same code serves
//! the `execution` fuzz target (bytes from libFuzzer, which then mutates *choices*
//! rather than JSON text and reaches deep states) and the determinism suite (bytes
//! from a seeded generator, [`Case::from_seed`]). Most choices come from pools of
//! meaningful fragments, so most definitions validate and run far; a few come from
//! the bytes themselves (names, paths, expressions, values), so the fuzzer can also
//! reach the error paths.

use arbitrary::{Result, Unstructured};
use serde_json::{json, Map, Value};

/// What the generator may use; the determinism suite asks for one feature per case.
#[derive(Clone, Copy, Debug, Default)]
pub struct Config {
    /// Let fuzz bytes become raw strings and values (error paths); off for the
    /// determinism suite, whose cases should mostly succeed and all be valid.
    pub raw: bool,
    /// Make the first state use this feature, so every feature is covered.
    pub feature: Option<Feature>,
}

/// The features the determinism suite must cover (issue 8, item 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    Parallel,
    MapWithMaxConcurrency,
    RetryWithJitter,
    Wait,
    Callback,
    Jsonata,
    Variables,
}

impl Feature {
    pub const ALL: [Feature; 7] = [
        Feature::Parallel,
        Feature::MapWithMaxConcurrency,
        Feature::RetryWithJitter,
        Feature::Wait,
        Feature::Callback,
        Feature::Jsonata,
        Feature::Variables,
    ];
}

/// How a caller answers the n-th pause: the first task listed in `waitingFor` gets it.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    Success(Value),
    Failure(String, String),
    /// A heartbeat, then success with `{}`.
    Heartbeat,
    Stop(String, String),
}

/// One generated execution.
#[derive(Clone, Debug)]
pub struct Case {
    pub definition: String,
    pub input: String,
    /// Inline mocks (`{"State": [RESPONSE, …]}`), JSON text.
    pub mocks: String,
    pub seed: u64,
    /// RFC 3339.
    pub start_time: String,
    pub max_events: usize,
    pub answers: Vec<Answer>,
}

const START_TIMES: [&str; 4] = ["2024-01-01T00:00:00Z", "2030-06-15T12:30:45.250Z", "1999-12-31T23:59:59Z", "2024-02-29T00:00:00Z"];

impl Case {
    /// Generate a case from `u`.
    pub fn generate(u: &mut Unstructured, config: Config) -> Result<Case> {
        let mut g = Gen { u, config, next_name: 0, depth: 0, tasks: Vec::new(), variables: Vec::new() };
        let definition = g.machine()?;
        let input = g.input()?;
        let mocks = g.mocks()?;
        let seed = if g.u.ratio(1, 4)? { g.u.arbitrary()? } else { g.u.int_in_range(0..=20)? };
        let start_time = START_TIMES[g.u.choose_index(START_TIMES.len())?].to_string();
        let max_events = if g.config.raw { g.u.int_in_range(2..=400)? } else { g.u.int_in_range(300..=2_000)? };
        let mut answers = Vec::new();
        for _ in 0..g.u.int_in_range(0..=6)? {
            answers.push(g.answer()?);
        }
        Ok(Case { definition: definition.to_string(), input: input.to_string(), mocks: mocks.to_string(), seed, start_time, max_events, answers })
    }

    /// A case from a seed: the bytes come from SplitMix64, so the case depends on the
    /// seed (and this file) alone.
    pub fn from_seed(seed: u64, config: Config) -> Case {
        let mut rng = asl_sim::rng::Rng::from_state(seed);
        let bytes: Vec<u8> = (0..16_384).flat_map(|_| rng.next_u64().to_le_bytes()).collect();
        Case::generate(&mut Unstructured::new(&bytes), config).expect("16 KiB of bytes are enough for any case")
    }
}

struct Gen<'a, 'b> {
    u: &'a mut Unstructured<'b>,
    config: Config,
    next_name: usize,
    depth: usize,
    /// (state name, callback?) of every Task, for the mocks.
    tasks: Vec<(String, bool)>,
    /// Names assigned at the top level's first state.
    variables: Vec<&'static str>,
}

#[derive(Clone, Copy, PartialEq)]
enum Lang {
    JsonPath,
    Jsonata,
}

/// Names that are hard on a page or a parser, for some states.
const ODD_NAMES: [&str; 6] = ["<b>bold</b>", "a\"quote", "line\nbreak", "Ünïcödé ✓", "$.x", "   "];

const ERRORS: [&str; 6] = ["Err1", "Err2", "States.TaskFailed", "States.Timeout", "States.HeartbeatTimeout", "States.Permissions"];

const PATHS: [&str; 12] =
    ["$", "$.x", "$.s", "$.items", "$.items[0]", "$.nested.a", "$.missing", "$.items[*]", "$..a", "$.items[?(@ > 1)]", "$.items[0:2]", "$.flag"];

const INTRINSICS: [&str; 16] = [
    "States.Format('x={} s={}', $.x, $.s)",
    "States.StringToJson('{\"a\": 1}')",
    "States.JsonToString($)",
    "States.Array($.x, $.s, 1)",
    "States.ArrayPartition($.items, 2)",
    "States.ArrayContains($.items, 1)",
    "States.ArrayRange(1, 9, 2)",
    "States.ArrayGetItem($.items, 0)",
    "States.ArrayLength($.items)",
    "States.ArrayUnique($.items)",
    "States.Base64Encode($.s)",
    "States.Hash($.s, 'SHA-256')",
    "States.JsonMerge($.nested, $.nested, false)",
    "States.MathRandom(1, 1000)",
    "States.MathAdd($.x, 1)",
    "States.UUID()",
];

const JSONATA: [&str; 16] = [
    "$states.input",
    "$states.input.x + 1",
    "$states.input.s & '!'",
    "$count($states.input.items)",
    "$states.input.items[0]",
    "$sum($states.input.records.x)",
    "$random()",
    "$uuid()",
    "$now()",
    "$millis()",
    "$states.context.Execution.StartTime",
    "$states.context.State.Name",
    "$partition([1, 2, 3, 4], 3)",
    "$hash($string($states.input), 'SHA-256')",
    "{'k': $states.input.x, 'l': [1, 2]}",
    "$string($states.input.nested)",
];

const RESOURCES: [(&str, bool); 7] = [
    ("arn:aws:states:::lambda:invoke", false),
    ("arn:aws:lambda:us-east-1:123456789012:function:f", false),
    ("arn:aws:states:::sqs:sendMessage.waitForTaskToken", true),
    ("arn:aws:states:::lambda:invoke.waitForTaskToken", true),
    ("arn:aws:states:us-east-1:123456789012:activity:worker", true),
    ("arn:aws:states:::dynamodb:getItem", false),
    ("arn:aws:states:::ecs:runTask.sync", false),
];

impl Gen<'_, '_> {
    fn name(&mut self) -> Result<String> {
        self.next_name += 1;
        if self.u.ratio(1, 12)? {
            let odd = ODD_NAMES[self.u.choose_index(ODD_NAMES.len())?];
            return Ok(format!("{odd} {}", self.next_name));
        }
        Ok(format!("S{}", self.next_name))
    }

    /// A string from the pool, or (raw mode, sometimes) from the bytes.
    fn pick(&mut self, pool: &[&str]) -> Result<String> {
        if self.config.raw && self.u.ratio(1, 16)? {
            return self.u.arbitrary::<String>();
        }
        Ok(pool[self.u.choose_index(pool.len())?].to_string())
    }

    /// Mostly `safe` (which keeps the data's shape, so later states find their fields),
    /// else one of `pool`; in raw mode, half and half.
    fn likely(&mut self, safe: &str, pool: &[&str]) -> Result<String> {
        let keep = if self.config.raw { self.u.ratio(1, 2)? } else { self.u.ratio(7, 8)? };
        if keep {
            Ok(safe.to_string())
        } else {
            self.pick(pool)
        }
    }

    fn machine(&mut self) -> Result<Value> {
        let lang = if self.config.feature == Some(Feature::Jsonata) || self.u.ratio(1, 4)? { Lang::Jsonata } else { Lang::JsonPath };
        let mut scope = self.scope(lang, true)?;
        let m = scope.as_object_mut().unwrap();
        if lang == Lang::Jsonata {
            m.insert("QueryLanguage".into(), json!("JSONata"));
        }
        if self.u.ratio(1, 8)? {
            m.insert("TimeoutSeconds".into(), json!(self.u.int_in_range(1..=600)?));
        }
        if self.u.ratio(1, 8)? {
            m.insert("Comment".into(), json!("<script>alert(1)</script>"));
        }
        Ok(scope)
    }

    /// `{"StartAt", "States"}`: a chain where each state goes on to the next, the last
    /// ends, and Choice rules and Catchers may jump anywhere in the scope (loops too).
    fn scope(&mut self, lang: Lang, top: bool) -> Result<Value> {
        let mut n: usize = if self.depth == 0 { self.u.int_in_range(2..=8)? } else { self.u.int_in_range(1..=4)? };
        // Sometimes a counted loop back to the start: a state that counts, then a Choice.
        let looped = n >= 2 && self.u.ratio(1, 3)?;
        if looped {
            n += 2;
        }
        let names: Vec<String> = (0..n).map(|_| self.name()).collect::<Result<_>>()?;
        let mut states = Map::new();
        for i in 0..n {
            let last = i + 1 == n;
            let feature = if top && i == 0 { self.config.feature } else { None };
            let state = if looped && i + 3 == n {
                self.count(lang, &names[i + 1])?
            } else if looped && i + 2 == n {
                self.again(lang, &names[0], &names[i + 1])?
            } else {
                self.state(lang, &names, i, last, top && i == 0, feature)?
            };
            states.insert(names[i].clone(), state);
        }
        Ok(json!({"StartAt": names[0], "States": states}))
    }

    /// Count one more turn of a loop in `$.i.n`.
    fn count(&mut self, lang: Lang, next: &str) -> Result<Value> {
        Ok(match lang {
            Lang::JsonPath => json!({"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.i.n, 1)"}, "ResultPath": "$.i", "Next": next}),
            Lang::Jsonata => json!({"Type": "Pass", "Output": "{% $merge([$states.input, {'i': {'n': $states.input.i.n + 1}}]) %}", "Next": next}),
        })
    }

    /// Go round again while `$.i.n` is below a bound.
    fn again(&mut self, lang: Lang, start: &str, next: &str) -> Result<Value> {
        let bound: u32 = self.u.int_in_range(2..=6)?;
        let rule = match lang {
            Lang::JsonPath => json!({"Variable": "$.i.n", "NumericLessThan": bound, "Next": start}),
            Lang::Jsonata => json!({"Condition": format!("{{% $states.input.i.n < {bound} %}}"), "Next": start}),
        };
        Ok(json!({"Type": "Choice", "Choices": [rule], "Default": next}))
    }

    fn target(&mut self, names: &[String]) -> Result<String> {
        Ok(names[self.u.choose_index(names.len())?].clone())
    }

    fn state(&mut self, lang: Lang, names: &[String], i: usize, last: bool, first: bool, feature: Option<Feature>) -> Result<Value> {
        // The first state of the machine assigns the variables later states read.
        let assigns = match feature {
            Some(f) => f == Feature::Variables,
            None => first && self.u.ratio(1, 3)?,
        };
        if assigns {
            self.variables = vec!["v0", "v1"];
            let mut s = Map::new();
            s.insert("Type".into(), json!("Pass"));
            let assign = match lang {
                Lang::JsonPath => json!({"v0": 1, "v1.$": "$.x"}),
                Lang::Jsonata => json!({"v0": 1, "v1": "{% $states.input.x %}"}),
            };
            s.insert("Assign".into(), assign);
            return self.link(s, names, i, last);
        }
        let kind = match feature {
            Some(Feature::Parallel) => 6,
            Some(Feature::MapWithMaxConcurrency) => 7,
            Some(Feature::RetryWithJitter) | Some(Feature::Callback) => 1,
            Some(Feature::Wait) => 3,
            _ if last => *self.u.choose(&[0, 0, 1, 4, 5])?,
            _ => self.u.int_in_range(0..=if self.depth < 2 { 7 } else { 3 })?,
        };
        let s = match kind {
            0 => self.pass(lang)?,
            1 => {
                let (s, callback) = self.task(lang, names, feature)?;
                self.tasks.push((names[i].clone(), callback));
                s
            }
            2 if !last => return self.choice(lang, names, i),
            2 | 3 => self.wait(lang)?,
            4 => return Ok(json!({"Type": "Succeed"})),
            5 => return self.fail(lang),
            6 => self.parallel(lang, names)?,
            _ => self.map(lang, names, feature == Some(Feature::MapWithMaxConcurrency))?,
        };
        self.link(s, names, i, last)
    }

    /// Next to the following state, or End for the last.
    fn link(&mut self, mut s: Map<String, Value>, names: &[String], i: usize, last: bool) -> Result<Value> {
        if last {
            s.insert("End".into(), json!(true));
        } else {
            s.insert("Next".into(), json!(names[i + 1]));
        }
        Ok(Value::Object(s))
    }

    fn path(&mut self) -> Result<String> {
        let mut p = self.pick(&PATHS)?;
        if !self.variables.is_empty() && self.u.ratio(1, 6)? {
            p = format!("${}", self.variables[self.u.choose_index(self.variables.len())?]);
        }
        Ok(p)
    }

    fn jsonata(&mut self) -> Result<String> {
        let mut e = self.pick(&JSONATA)?;
        if !self.variables.is_empty() && self.u.ratio(1, 5)? {
            e = format!("${} & ''", self.variables[self.u.choose_index(self.variables.len())?]);
        }
        Ok(format!("{{% {e} %}}"))
    }

    /// A JSONPath payload template: static members and `.$` members.
    fn template(&mut self) -> Result<Value> {
        let mut m = Map::new();
        for k in 0..self.u.int_in_range(0..=3)? {
            match self.u.int_in_range(0..=3)? {
                0 => {
                    m.insert(format!("k{k}"), self.value(2)?);
                }
                1 => {
                    m.insert(format!("k{k}.$"), json!(self.pick(&INTRINSICS)?));
                }
                2 => {
                    m.insert(format!("k{k}.$"), json!("$$.State.EnteredTime"));
                }
                _ => {
                    m.insert(format!("k{k}.$"), json!(self.path()?));
                }
            }
        }
        Ok(Value::Object(m))
    }

    /// JSONata Output / Arguments: an expression or an object of them.
    fn jsonata_template(&mut self) -> Result<Value> {
        if self.u.ratio(1, 2)? {
            return Ok(json!(self.jsonata()?));
        }
        let mut m = Map::new();
        for k in 0..self.u.int_in_range(0..=3)? {
            let v = if self.u.ratio(1, 3)? { self.value(1)? } else { json!(self.jsonata()?) };
            m.insert(format!("k{k}"), v);
        }
        Ok(Value::Object(m))
    }

    /// The data-flow fields of a state that has them.
    /// `has_result`: the state has a result that would replace its input (a Task, a
    /// Parallel, a Map, a Pass with `Result` or `Parameters`); it then usually goes to
    /// `$.r` (JSONPath) or is merged into the input as `r` (JSONata), so the data keeps
    /// its shape and later states find their fields.
    fn data_flow(&mut self, s: &mut Map<String, Value>, lang: Lang, has_result: bool) -> Result<()> {
        match lang {
            Lang::JsonPath => {
                if self.u.ratio(1, 5)? {
                    s.insert("InputPath".into(), json!(self.likely("$", &["$.nested", "$.missing", "$.records[0]"])?));
                }
                if has_result && self.u.ratio(1, 4)? {
                    s.insert("ResultSelector".into(), self.template()?);
                }
                if has_result || self.u.ratio(1, 4)? {
                    let p = self.likely("$.r", &["$", "$.nested.r", "$.items", "$.r.deeper", "$.x"])?;
                    s.insert("ResultPath".into(), if self.u.ratio(1, 10)? { Value::Null } else { json!(p) });
                }
                if self.u.ratio(1, 6)? {
                    s.insert("OutputPath".into(), json!(self.likely("$", &["$.r", "$.missing", "$.x"])?));
                }
                if !self.variables.is_empty() && self.u.ratio(1, 5)? {
                    s.insert("Assign".into(), json!({"v0.$": "States.MathAdd($v0, 1)"}));
                }
            }
            Lang::Jsonata => {
                let keep = if self.config.raw { self.u.ratio(1, 2)? } else { self.u.ratio(6, 7)? };
                if keep {
                    let r = if has_result {
                        "$states.result".to_string()
                    } else {
                        self.jsonata()?.trim_start_matches("{% ").trim_end_matches(" %}").to_string()
                    };
                    s.insert("Output".into(), json!(format!("{{% $merge([$states.input, {{'r': {r}}}]) %}}")));
                } else if self.u.ratio(1, 2)? {
                    s.insert("Output".into(), self.jsonata_template()?);
                }
                if !self.variables.is_empty() && self.u.ratio(1, 4)? {
                    s.insert("Assign".into(), json!({"v0": "{% $v0 + 1 %}", "v1": "{% $states.input %}"}));
                }
            }
        }
        Ok(())
    }

    fn pass(&mut self, lang: Lang) -> Result<Map<String, Value>> {
        let mut s = Map::new();
        s.insert("Type".into(), json!("Pass"));
        let mut has_result = false;
        if lang == Lang::JsonPath {
            match self.u.int_in_range(0..=2)? {
                0 => {
                    s.insert("Result".into(), self.value(3)?);
                    has_result = true;
                }
                1 => {
                    s.insert("Parameters".into(), self.template()?);
                    has_result = true;
                }
                _ => {}
            }
        }
        self.data_flow(&mut s, lang, has_result)?;
        Ok(s)
    }

    fn wait(&mut self, lang: Lang) -> Result<Map<String, Value>> {
        let mut s = Map::new();
        s.insert("Type".into(), json!("Wait"));
        match (lang, self.u.int_in_range(0..=3)?) {
            (Lang::Jsonata, 0) => s.insert("Seconds".into(), json!("{% $states.input.n %}")),
            (Lang::Jsonata, 1) => s.insert("Timestamp".into(), json!("{% $states.input.t %}")),
            (Lang::JsonPath, 1) => s.insert("SecondsPath".into(), json!("$.n")),
            (Lang::JsonPath, 2) => s.insert("TimestampPath".into(), json!("$.t")),
            (_, 3) => {
                s.insert("Timestamp".into(), json!(self.pick(&["2024-01-01T00:10:00Z", "2020-01-01T00:00:00Z", "2031-01-01T00:00:00.5+01:00"])?))
            }
            _ => s.insert("Seconds".into(), json!(self.u.int_in_range(0..=120)?)),
        };
        self.data_flow(&mut s, lang, false)?;
        Ok(s)
    }

    fn fail(&mut self, lang: Lang) -> Result<Value> {
        Ok(match (lang, self.u.int_in_range(0..=2)?) {
            (_, 0) => json!({"Type": "Fail"}),
            (Lang::JsonPath, 1) => json!({"Type": "Fail", "ErrorPath": "$.s", "CausePath": "States.Format('x is {}', $.x)"}),
            (Lang::Jsonata, 1) => json!({"Type": "Fail", "Error": "{% 'E' & $states.input.x %}", "Cause": "{% $string($states.input) %}"}),
            _ => json!({"Type": "Fail", "Error": self.pick(&ERRORS)?, "Cause": self.pick(&["<img src=x onerror=alert(1)>", "boom", ""])?}),
        })
    }

    fn choice(&mut self, lang: Lang, names: &[String], i: usize) -> Result<Value> {
        let mut choices = Vec::new();
        for _ in 0..self.u.int_in_range(1..=3)? {
            let mut rule = match lang {
                Lang::JsonPath => self.rule(0)?,
                Lang::Jsonata => {
                    let c = self.pick(&[
                        "$states.input.x > 3",
                        "$states.input.flag",
                        "$count($states.input.items) = 3",
                        "$random() < 0.5",
                        "$exists($states.input.missing)",
                        "$states.input.n < 10",
                    ])?;
                    json!({"Condition": format!("{{% {c} %}}")})
                }
            };
            rule.as_object_mut().unwrap().insert("Next".into(), json!(self.target(names)?));
            choices.push(rule);
        }
        let mut s = json!({"Type": "Choice", "Choices": choices});
        // Usually a Default to the next state; without one, no match fails the execution.
        if self.u.ratio(5, 6)? {
            s.as_object_mut().unwrap().insert("Default".into(), json!(names[i + 1]));
        }
        Ok(s)
    }

    /// A JSONPath Choice rule, `And`/`Or`/`Not` nested up to two levels.
    fn rule(&mut self, depth: usize) -> Result<Value> {
        if depth < 2 && self.u.ratio(1, 4)? {
            return Ok(match self.u.int_in_range(0..=2)? {
                0 => json!({"Not": self.rule(depth + 1)?}),
                1 => json!({"And": [self.rule(depth + 1)?, self.rule(depth + 1)?]}),
                _ => json!({"Or": [self.rule(depth + 1)?, self.rule(depth + 1)?]}),
            });
        }
        let variable = self.pick(&["$.x", "$.s", "$.flag", "$.missing", "$.items[0]", "$.t", "$.n"])?;
        let (op, operand) = match self.u.int_in_range(0..=9)? {
            0 => ("NumericEquals", json!(self.u.int_in_range(0..=5)?)),
            1 => ("NumericLessThan", json!(self.u.int_in_range(0..=5)?)),
            2 => ("NumericGreaterThanEquals", json!(2.5)),
            3 => ("StringEquals", json!("abc")),
            4 => ("StringMatches", json!("a*c")),
            5 => ("BooleanEquals", json!(true)),
            6 => ("IsPresent", json!(self.u.arbitrary::<bool>()?)),
            7 => ("IsNumeric", json!(true)),
            8 => ("TimestampLessThan", json!("2024-06-01T00:00:00Z")),
            _ => ("NumericLessThanPath", json!("$.n")),
        };
        Ok(json!({"Variable": variable, op: operand}))
    }

    fn retry(&mut self, jitter: bool) -> Result<Value> {
        let mut retriers = Vec::new();
        let n = self.u.int_in_range(1..=2)?;
        for k in 0..n {
            let errors = if k + 1 == n && self.u.ratio(1, 2)? { json!(["States.ALL"]) } else { json!([self.pick(&ERRORS[..5])?]) };
            let mut r = json!({"ErrorEquals": errors, "IntervalSeconds": self.u.int_in_range(1..=5)?, "MaxAttempts": self.u.int_in_range(0..=3)?, "BackoffRate": *self.u.choose(&[1.0, 1.5, 2.0])?});
            let m = r.as_object_mut().unwrap();
            if jitter || self.u.ratio(1, 3)? {
                m.insert("JitterStrategy".into(), json!(if jitter { "FULL" } else { *self.u.choose(&["FULL", "NONE"])? }));
            }
            if self.u.ratio(1, 3)? {
                m.insert("MaxDelaySeconds".into(), json!(self.u.int_in_range(1..=10)?));
            }
            retriers.push(r);
        }
        Ok(Value::Array(retriers))
    }

    fn catch(&mut self, lang: Lang, names: &[String]) -> Result<Value> {
        let mut c =
            json!({"ErrorEquals": [self.pick(&["States.ALL", "Err1", "States.TaskFailed", "States.BranchFailed"])?], "Next": self.target(names)?});
        let m = c.as_object_mut().unwrap();
        match lang {
            Lang::JsonPath if self.u.ratio(1, 2)? => {
                m.insert("ResultPath".into(), json!("$.error"));
            }
            Lang::Jsonata if self.u.ratio(1, 2)? => {
                m.insert("Output".into(), json!({"error": "{% $states.errorOutput %}", "input": "{% $states.input %}"}));
            }
            _ => {}
        }
        Ok(Value::Array(vec![c]))
    }

    /// Retry and Catch on a Task, Parallel or Map.
    fn errors(&mut self, s: &mut Map<String, Value>, lang: Lang, names: &[String], jitter: bool) -> Result<()> {
        if jitter || self.u.ratio(1, 3)? {
            s.insert("Retry".into(), self.retry(jitter)?);
        }
        if self.u.ratio(1, 2)? {
            s.insert("Catch".into(), self.catch(lang, names)?);
        }
        Ok(())
    }

    /// A Task, and whether it is a callback (a `.waitForTaskToken` task or an activity).
    fn task(&mut self, lang: Lang, names: &[String], feature: Option<Feature>) -> Result<(Map<String, Value>, bool)> {
        let callback_only = feature == Some(Feature::Callback);
        let candidates: Vec<(&str, bool)> = RESOURCES.iter().copied().filter(|(_, cb)| !callback_only || *cb).collect();
        let (resource, callback) = candidates[self.u.choose_index(candidates.len())?];
        let mut s = Map::new();
        s.insert("Type".into(), json!("Task"));
        s.insert("Resource".into(), json!(resource));
        let activity = resource.contains(":activity:");
        match lang {
            Lang::JsonPath if !activity => {
                let mut p = self.template()?;
                let m = p.as_object_mut().unwrap();
                if callback {
                    m.insert("Token.$".into(), json!("$$.Task.Token"));
                }
                m.insert("FunctionName".into(), json!("f"));
                s.insert("Parameters".into(), p);
            }
            Lang::Jsonata if !activity => {
                let mut args = json!({"FunctionName": "f", "Payload": self.jsonata_template()?});
                if callback {
                    args.as_object_mut().unwrap().insert("Token".into(), json!("{% $states.context.Task.Token %}"));
                }
                s.insert("Arguments".into(), args);
            }
            _ => {}
        }
        if self.u.ratio(1, 3)? {
            let timeout: u32 = self.u.int_in_range(2..=60)?;
            s.insert("TimeoutSeconds".into(), json!(timeout));
            if self.u.ratio(1, 2)? {
                s.insert("HeartbeatSeconds".into(), json!(self.u.int_in_range(1..=timeout - 1)?));
            }
        }
        self.data_flow(&mut s, lang, true)?;
        self.errors(&mut s, lang, names, feature == Some(Feature::RetryWithJitter))?;
        Ok((s, callback))
    }

    fn parallel(&mut self, lang: Lang, names: &[String]) -> Result<Map<String, Value>> {
        self.depth += 1;
        let mut branches = Vec::new();
        for _ in 0..self.u.int_in_range(1..=3)? {
            branches.push(self.scope(lang, false)?);
        }
        self.depth -= 1;
        let mut s = Map::new();
        s.insert("Type".into(), json!("Parallel"));
        s.insert("Branches".into(), Value::Array(branches));
        self.data_flow(&mut s, lang, true)?;
        self.errors(&mut s, lang, names, false)?;
        Ok(s)
    }

    fn map(&mut self, lang: Lang, names: &[String], with_max_concurrency: bool) -> Result<Map<String, Value>> {
        self.depth += 1;
        let mut processor = self.scope(lang, false)?;
        self.depth -= 1;
        if self.u.ratio(1, 8)? {
            processor.as_object_mut().unwrap().insert("ProcessorConfig".into(), json!({"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}));
        }
        let mut s = Map::new();
        s.insert("Type".into(), json!("Map"));
        match lang {
            Lang::JsonPath => {
                s.insert("ItemsPath".into(), json!(self.likely("$.records", &["$.items", "$.nested.list", "$.missing", "$.s"])?));
                if self.u.ratio(1, 6)? {
                    s.insert("ItemSelector".into(), json!({"value.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index", "x.$": "$.x"}));
                }
            }
            Lang::Jsonata => {
                s.insert(
                    "Items".into(),
                    json!(self.likely(
                        "{% $states.input.records %}",
                        &["{% $states.input.items %}", "{% [1, 2, 3] %}", "{% $states.input.nested.list %}"]
                    )?),
                );
                if self.u.ratio(1, 6)? {
                    s.insert(
                        "ItemSelector".into(),
                        json!({"value": "{% $states.context.Map.Item.Value %}", "index": "{% $states.context.Map.Item.Index %}"}),
                    );
                }
            }
        }
        s.insert("ItemProcessor".into(), processor);
        if with_max_concurrency || self.u.ratio(1, 2)? {
            s.insert("MaxConcurrency".into(), json!(self.u.int_in_range(if with_max_concurrency { 1 } else { 0 }..=3)?));
        }
        if self.u.ratio(1, 4)? {
            s.insert("ToleratedFailurePercentage".into(), json!(self.u.int_in_range(0..=100)?));
        }
        self.data_flow(&mut s, lang, true)?;
        self.errors(&mut s, lang, names, false)?;
        Ok(s)
    }

    /// A JSON value nested at most `depth` levels; in raw mode sometimes from the bytes.
    fn value(&mut self, depth: usize) -> Result<Value> {
        let max = if depth == 0 { 4 } else { 6 };
        Ok(match self.u.int_in_range(0..=max)? {
            0 => Value::Null,
            1 => json!(self.u.arbitrary::<bool>()?),
            2 => json!(self.u.int_in_range(-3i64..=10)?),
            3 if self.config.raw => {
                let f: f64 = self.u.arbitrary()?;
                serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)
            }
            3 => json!(1.5),
            4 if self.config.raw => json!(self.u.arbitrary::<String>()?),
            4 => json!(self.pick(&["abc", "", "<b>x</b>", "ünï ✓", "a\"b\\c"])?),
            5 => Value::Array((0..self.u.int_in_range(0..=3)?).map(|_| self.value(depth - 1)).collect::<Result<_>>()?),
            _ => {
                let mut m = Map::new();
                for k in 0..self.u.int_in_range(0..=3)? {
                    m.insert(["a", "b", "x", "Payload"][k].to_string(), self.value(depth - 1)?);
                }
                Value::Object(m)
            }
        })
    }

    /// The input: a record whose `records` are records too (one level), so a Map's
    /// iterations see data of the same shape as the states around it.
    fn input(&mut self) -> Result<Value> {
        let mut input = self.record(1)?;
        if self.config.raw && self.u.ratio(1, 8)? {
            input = self.value(3)?;
        }
        Ok(input)
    }

    fn record(&mut self, depth: usize) -> Result<Value> {
        let items: Vec<Value> = (0..self.u.int_in_range(0..=5)?).map(|i| json!(i)).collect();
        let records: Vec<Value> =
            if depth == 0 { Vec::new() } else { (0..self.u.int_in_range(0..=4)?).map(|_| self.record(depth - 1)).collect::<Result<_>>()? };
        Ok(json!({
            "i": {"n": 0},
            "x": self.u.int_in_range(-2..=8)?,
            "s": self.pick(&["abc", "", "<script>alert('x')</script>", "x".repeat(40).as_str()])?,
            "flag": self.u.arbitrary::<bool>()?,
            "n": self.u.int_in_range(0..=30)?,
            "t": self.pick(&["2024-01-01T00:05:00Z", "2023-01-01T00:00:00Z", "not a time"])?,
            "items": items,
            "nested": {"a": self.value(2)?, "list": [{"a": 1}, {"a": 2}]},
            "records": records,
        }))
    }

    fn response(&mut self) -> Result<Value> {
        let mut r = if self.u.ratio(4, 5)? {
            let mut v = self.value(2)?;
            if self.u.ratio(1, 3)? {
                v = json!({"Payload": v, "StatusCode": 200});
            }
            json!({"Return": v})
        } else {
            json!({"Throw": {"Error": self.pick(&ERRORS)?, "Cause": self.pick(&["boom", "<svg onload=alert(1)>", ""])?}})
        };
        if self.u.ratio(1, 4)? {
            r.as_object_mut().unwrap().insert("DelaySeconds".into(), json!(self.u.int_in_range(0..=90)?));
        }
        Ok(r)
    }

    /// Inline mocks for most Task states; a callback task without one pauses.
    fn mocks(&mut self) -> Result<Value> {
        let mut m = Map::new();
        for (name, callback) in self.tasks.clone() {
            if self.u.ratio(1, if callback { 2 } else { 8 })? {
                continue;
            }
            let responses: Vec<Value> = (0..self.u.int_in_range(1..=4)?).map(|_| self.response()).collect::<Result<_>>()?;
            m.insert(name, Value::Array(responses));
        }
        Ok(Value::Object(m))
    }

    fn answer(&mut self) -> Result<Answer> {
        Ok(match self.u.int_in_range(0..=5)? {
            0 | 1 => Answer::Success(self.value(2)?),
            2 => Answer::Failure(self.pick(&ERRORS)?, "answered with a failure".into()),
            3 => Answer::Heartbeat,
            4 => Answer::Success(json!({"approved": true})),
            _ => Answer::Stop("Caller.Stopped".into(), "<i>stopped</i>".into()),
        })
    }
}
