//! The intrinsic functions one call at a time: parsing and its errors, then each
//! function's results and failures as AWS recorded or documents them.

use super::math::uuid_v4;
use super::*;
use crate::query::Env;

/// An environment over a JSON input, with a fixed context and variables and a SplitMix64 random source.
pub(crate) struct TestEnv {
    pub input: Value,
    pub context: Value,
    pub variables: Map,
    pub state: u64,
}

impl TestEnv {
    pub fn new(input: Value) -> TestEnv {
        TestEnv { input, context: Value::empty_object(), variables: Map::default(), state: 0 }
    }
}

impl Env for TestEnv {
    fn input(&self) -> &Value {
        &self.input
    }
    fn context(&mut self) -> Value {
        self.context.clone()
    }
    fn variable(&self, name: &str) -> Option<Value> {
        self.variables.get(name).cloned()
    }
    fn next_random(&mut self) -> u64 {
        crate::rng::step(&mut self.state)
    }
}

/// Evaluate a call on an input: the result's JSON, or `Error: cause`.
fn eval(call: &str, input: &str) -> String {
    let call = Call::parse(call).unwrap_or_else(|e| panic!("parse error: {}", e));
    let mut env = TestEnv::new(crate::json::parse(input).expect("test input is JSON"));
    env.variables.insert("greeting".into(), Value::from("hi"));
    env.variables.insert("list".into(), crate::json::parse("[3,4]").unwrap());
    env.context = crate::json::parse(r#"{"Execution":{"Id":"arn:aws:states:us-east-1:123456789012:execution:StateMachine:execution","Name":"execution"},"StateMachine":{"Id":"arn:aws:states:us-east-1:123456789012:stateMachine:StateMachine","Name":"StateMachine"}}"#).unwrap();
    match call.evaluate(&mut env) {
        Ok(v) => v.to_json(),
        Err(f) => format!("{}: {}", f.error, f.cause),
    }
}

/// The error of a call that fails, without the "The function '…' had the following error: " prefix.
fn fails(call: &str, input: &str) -> String {
    let out = eval(call, input);
    let prefix = format!("States.IntrinsicFailure: The function '{}' had the following error: ", call);
    match out.strip_prefix(&prefix) {
        Some(rest) => rest.to_string(),
        None => out,
    }
}

/// The message of a call that does not parse.
fn parse_err(call: &str) -> String {
    match Call::parse(call) {
        Ok(c) => panic!("'{}' parsed as {:?}", call, c),
        Err(e) => e,
    }
}

// ------------------------------------------------------------ parsing

#[test]
fn parses_literals_paths_and_nested_calls() {
    assert_eq!(eval("States.Array('a', 1, -2, 1.5, -0.25, 1e3, null, true, false)", "{}"), r#"["a",1,-2,1.5,-0.25,1000,null,true,false]"#);
    assert_eq!(eval("States.Array( $.a ,$$.Execution.Name,  $greeting , $list[1] )", r#"{"a":[1]}"#), r#"[[1],"execution","hi",4]"#);
    assert_eq!(eval("States.Array(States.Array(States.Array()))", "{}"), "[[[]]]");
    assert_eq!(eval("States.Array($)", r#"{"x":1}"#), r#"[{"x":1}]"#);
    assert_eq!(eval("States.Array() ", "{}"), "[]");
    assert_eq!(eval("States.Array ( 1 )", "{}"), "[1]");
}

#[test]
fn paths_may_hold_brackets_quotes_commas_and_filters() {
    let input = r#"{"a":[{"b":"x, y)","c":1},{"b":"z","c":2}],"k e":{"d":5}}"#;
    assert_eq!(eval("States.Array($.a[?(@.b == 'x, y)')].c, 7)", input), "[[1],7]");
    assert_eq!(eval("States.Array($['k e'].d, $.a[0]['c'], $.a[-1:].c)", input), "[5,1,[2]]");
    assert_eq!(eval("States.Array($.a[?(@.c > 1)].b)", input), r#"[["z"]]"#);
    assert_eq!(eval("States.ArrayLength($.a[*])", input), "2");
}

#[test]
fn string_literals_take_awss_escapes() {
    assert_eq!(eval(r"States.Format('it\'s')", "{}"), r#""it's""#);
    assert_eq!(eval(r"States.Format('a\\b')", "{}"), r#""a\\b""#);
    assert_eq!(eval(r"States.Format('\{\} {}', 1)", "{}"), r#""{} 1""#);
    assert_eq!(eval(r"States.Format('{\}{}', 1)", "{}"), r#""{}1""#);
    // `\"` is refused, as AWS refuses it at CreateStateMachine (localstack-extra/validation,
    // test_illegal_escapes); other backslashes and braces that are no placeholder stay as written.
    assert!(Call::parse(r#"States.StringToJson('{"t":"a \"q\""}')"#).is_err());
    assert_eq!(eval(r"States.Format('a\qb')", "{}"), r#""a\\qb""#);
    assert_eq!(eval("States.Format('Hello\nWorld')", "{}"), r#""Hello\nWorld""#);
    assert_eq!(eval("States.Format('é ✓ 🆗')", "{}"), r#""é ✓ 🆗""#);
    assert_eq!(eval("States.Format('')", "{}"), r#""""#);
}

#[test]
fn parse_errors_say_what_is_wrong() {
    assert_eq!(parse_err("States.Nope(1)"), "'States.Nope' is not an intrinsic function at position 0 of 'States.Nope(1)'");
    assert_eq!(parse_err("States.format('x')"), "'States.format' is not an intrinsic function at position 0 of 'States.format('x')'");
    assert_eq!(parse_err("States.MathAdd(1)"), "States.MathAdd takes 2 arguments, but 1 were given in 'States.MathAdd(1)'");
    assert_eq!(parse_err("States.UUID(1)"), "States.UUID takes 0 arguments, but 1 were given in 'States.UUID(1)'");
    assert_eq!(parse_err("States.Format()"), "States.Format takes at least 1 argument, but 0 were given in 'States.Format()'");
    assert_eq!(
        parse_err("States.MathRandom(1, 2, 3, 4)"),
        "States.MathRandom takes 2 to 3 arguments, but 4 were given in 'States.MathRandom(1, 2, 3, 4)'"
    );
    assert_eq!(parse_err("States.JsonMerge($.a, $.b)"), "States.JsonMerge takes 3 arguments, but 2 were given in 'States.JsonMerge($.a, $.b)'");
    assert_eq!(parse_err("States.Format('x"), "the string literal is never closed at position 14 of 'States.Format('x'");
    assert_eq!(parse_err("States.Array(1"), "the '(' of 'States.Array' is never closed at position 12 of 'States.Array(1'");
    assert_eq!(parse_err("States.Array(1 2)"), "',' or ')' is expected after an argument at position 15 of 'States.Array(1 2)'");
    assert_eq!(parse_err("States.Array(1,)"), "an argument is expected at position 15 of 'States.Array(1,)'");
    assert_eq!(parse_err("States.Array(,1)"), "an argument is expected at position 13 of 'States.Array(,1)'");
    assert_eq!(parse_err("States.Array(1) x"), "unexpected text after the call at position 16 of 'States.Array(1) x'");
    assert_eq!(parse_err("States.Array"), "'(' is expected after 'States.Array' at position 12 of 'States.Array'");
    assert_eq!(
        parse_err("States.Array(abc)"),
        "'abc' is not an argument (strings are written in single quotes, paths start with '$') at position 13 of 'States.Array(abc)'"
    );
    assert_eq!(
        parse_err("States.Array(\"a\")"),
        "an argument is expected (a 'string', a number, null, true, false, a path or a call) at position 13 of 'States.Array(\"a\")'"
    );
    assert_eq!(parse_err("States.Array(1.2.3)"), "'1.2.3' is not a number at position 13 of 'States.Array(1.2.3)'");
    assert_eq!(parse_err("States.Array(-)"), "'-' is not a number at position 13 of 'States.Array(-)'");
    assert!(parse_err("States.Array($.a[)").starts_with("the argument '$.a[)' is not a valid path: "));
    assert!(parse_err("States.Array($.a.length())").starts_with("the argument '$.a.length(' is not a valid path"));
    assert!(parse_err("States.Array(States.Nope())").starts_with("'States.Nope' is not an intrinsic function at position 13"));
}

#[test]
fn calls_nest_at_most_ten_deep() {
    let nested = |n: usize| format!("{}1{}", "States.Array(".repeat(n), ")".repeat(n));
    assert!(Call::parse(&nested(10)).is_ok());
    assert_eq!(parse_err(&nested(11)), format!("intrinsic functions can be nested at most 10 deep at position 130 of '{}'", nested(11)));
}

#[test]
fn call_text_and_structure() {
    let c = Call::parse("States.Format('{}', States.UUID())").unwrap();
    assert_eq!(c.text(), "States.Format('{}', States.UUID())");
    assert_eq!(c.function(), Function::Format);
    assert!(matches!(&c.args()[1], Arg::Call(inner) if inner.text() == "States.UUID()"));
    assert_eq!(Function::from_name("States.UUID"), Some(Function::Uuid));
    assert_eq!(Function::Uuid.name(), "States.UUID");
    assert_eq!(FUNCTIONS.len(), 18);
}

#[test]
fn path_arguments_that_select_nothing_are_runtime_errors() {
    assert_eq!(
        eval("States.Format('{}', $.missing)", r#"{"a":1}"#),
        r#"States.Runtime: The JsonPath argument for the field '$.missing' could not be found in the input '{"a":1}'"#
    );
    assert_eq!(
        eval("States.Array($nope)", "{}"),
        "States.Runtime: The JsonPath argument for the field '$nope' refers to the variable 'nope', which is not assigned"
    );
    assert!(eval("States.Array($$.Nope)", "{}")
        .starts_with("States.Runtime: The JsonPath argument for the field '$$.Nope' could not be found in the input '{\"Execution\""));
}

// ------------------------------------------------------------ States.Format

#[test]
fn format() {
    // AWS docs: "Hello, my name is Arnav."
    assert_eq!(eval("States.Format('Hello, my name is {}.', $.name)", r#"{"name":"Arnav"}"#), r#""Hello, my name is Arnav.""#);
    assert_eq!(eval("States.Format('{} {} {} {} {}', 'a', 1, 1.5, true, null)", "{}"), r#""a 1 1.5 true null""#);
    // Objects and arrays print as Java's Map/List toString (recorded AWS case).
    assert_eq!(eval("States.Format('fst={}', $.o)", r#"{"o":{"Arg1":1,"Arg2":[]}}"#), r#""fst={Arg1=1, Arg2=[]}""#);
    assert_eq!(eval("States.Format('{}', $.a)", r#"{"a":[1,"x",[2.0,null],{"k":"v"}]}"#), r#""[1, x, [2.0, null], {k=v}]""#);
    assert_eq!(eval("States.Format('{}|{}|{}', 1e21, 0.0001, 100.0)", "{}"), r#""1.0E21|1.0E-4|100.0""#);
    assert_eq!(
        eval("States.Format('{}', $$.StateMachine)", "{}"),
        r#""{Id=arn:aws:states:us-east-1:123456789012:stateMachine:StateMachine, Name=StateMachine}""#
    );
    // A template from a path: its `{}` are placeholders.
    assert_eq!(eval("States.Format($greeting)", "{}"), r#""hi""#);
    assert_eq!(eval("States.Format($.t, 'Pikachu')", r#"{"t":"It's {}!"}"#), r#""It's Pikachu!""#);
    assert_eq!(eval("States.Format('{}{}', 'a', States.Format('<{}>', 'b'))", "{}"), r#""a<b>""#);
}

#[test]
fn format_errors() {
    assert_eq!(fails("States.Format('{} {}', 1)", "{}"), "the template has 2 placeholder(s) '{}' but 1 value(s) follow it");
    assert_eq!(fails("States.Format('x', 1)", "{}"), "the template has 0 placeholder(s) '{}' but 1 value(s) follow it");
    assert_eq!(fails("States.Format($.n)", r#"{"n":1}"#), "the template (first argument) must be a string, but it is number 1");
}

// ------------------------------------------------------------ JSON

#[test]
fn string_to_json() {
    assert_eq!(eval("States.StringToJson($.s)", r#"{"s":"{\"a\":[1,2.5,null]}"}"#), r#"{"a":[1,2.5,null]}"#);
    // AWS docs: {"attr_name":"attr_value"}.
    assert_eq!(eval(r#"States.StringToJson($.escapedJsonString)"#, r#"{"escapedJsonString":"{\"foo\": \"bar\"}"}"#), r#"{"foo":"bar"}"#);
    assert_eq!(eval("States.StringToJson('')", "{}"), "null");
    assert_eq!(eval("States.StringToJson('  ')", "{}"), "null");
    assert_eq!(eval("States.StringToJson('-0')", "{}"), "0");
    assert_eq!(eval("States.StringToJson('\"x\"')", "{}"), r#""x""#);
    assert!(fails("States.StringToJson('{')", "{}").starts_with("the argument is not valid JSON text: "));
    assert_eq!(fails("States.StringToJson(1)", "{}"), "the argument must be a string, but it is number 1");
}

#[test]
fn json_to_string() {
    // AWS docs example.
    assert_eq!(eval("States.JsonToString($.dataJson)", r#"{"dataJson":{"foo":"bar"}}"#), r#""{\"foo\":\"bar\"}""#);
    assert_eq!(
        eval("States.JsonToString($.x)", r#"{"x":{"b":[1,2.0,1.5e300],"a":null,"s":"q\"\u0001"}}"#),
        r#""{\"b\":[1,2.0,1.5E300],\"a\":null,\"s\":\"q\\\"\\u0001\"}""#
    );
    assert_eq!(eval("States.JsonToString($.x)", r#"{"x":"HelloWorld"}"#), r#""\"HelloWorld\"""#);
    assert_eq!(eval("States.JsonToString($.x)", r#"{"x":null}"#), r#""null""#);
    assert_eq!(eval("States.JsonToString($.x)", r#"{"x":true}"#), r#""true""#);
}

#[test]
fn json_merge() {
    // AWS docs example: shallow, the second object's `a` replaces the first's.
    let input = r#"{"json1":{"a":{"a1":1,"a2":2},"b":2},"json2":{"a":{"a3":1,"a4":2},"c":3}}"#;
    assert_eq!(eval("States.JsonMerge($.json1, $.json2, false)", input), r#"{"a":{"a3":1,"a4":2},"b":2,"c":3}"#);
    assert_eq!(eval("States.JsonMerge($.json2, $.json1, false)", input), r#"{"a":{"a1":1,"a2":2},"c":3,"b":2}"#);
    assert_eq!(fails("States.JsonMerge($.json1, $.json2, true)", input), "deep merging is not supported: the third argument must be false");
    assert_eq!(
        fails("States.JsonMerge($.json1, $.json2, 'false')", input),
        r#"the third argument must be the boolean false, but it is string "false""#
    );
    assert_eq!(fails("States.JsonMerge($.json1, 1, false)", input), "the second argument must be an object, but it is number 1");
    assert_eq!(fails("States.JsonMerge(States.Array(), $.json1, false)", input), "the first argument must be an object, but it is array []");
}

// ------------------------------------------------------------ arrays

#[test]
fn array() {
    // AWS docs: ["Foo", 2020, "Bar", {"Bar": "Baz"}] style.
    assert_eq!(eval("States.Array('Foo', 2020, $.b)", r#"{"b":{"Bar":"Baz"}}"#), r#"["Foo",2020,{"Bar":"Baz"}]"#);
    assert_eq!(eval("States.Array()", "{}"), "[]");
}

#[test]
fn array_partition() {
    // AWS docs: [[1,2,3,4],[5,6,7,8],[9]].
    assert_eq!(eval("States.ArrayPartition($.a, 4)", r#"{"a":[1,2,3,4,5,6,7,8,9]}"#), "[[1,2,3,4],[5,6,7,8],[9]]");
    assert_eq!(eval("States.ArrayPartition($.a, 5)", r#"{"a":[0,1]}"#), "[[0,1]]");
    assert_eq!(eval("States.ArrayPartition($.a, 2)", r#"{"a":[]}"#), "[]");
    assert_eq!(eval("States.ArrayPartition($.a, 1.5)", r#"{"a":[1,2,3]}"#), "[[1,2],[3]]");
    assert_eq!(fails("States.ArrayPartition($.a, 0)", r#"{"a":[1]}"#), "the chunk size must be a positive integer, but it is 0");
    assert_eq!(fails("States.ArrayPartition($.a, -1)", r#"{"a":[1]}"#), "the chunk size must be a positive integer, but it is -1");
    assert_eq!(fails("States.ArrayPartition($.a, '2')", r#"{"a":[1]}"#), r#"the chunk size must be a number, but it is string "2""#);
    assert_eq!(fails("States.ArrayPartition($.a, 2)", r#"{"a":{}}"#), "the first argument must be an array, but it is object {}");
}

#[test]
fn array_contains() {
    // AWS docs: true.
    assert_eq!(eval("States.ArrayContains($.inputArray, $.lookingFor)", r#"{"inputArray":[1,2,3,4,5,6,7,8,9],"lookingFor":5}"#), "true");
    assert_eq!(eval("States.ArrayContains($.a, $.v)", r#"{"a":[[1,2,3],2],"v":[1,2,3]}"#), "true");
    assert_eq!(eval("States.ArrayContains($.a, $.v)", r#"{"a":[[1,2,3],2],"v":[1,2]}"#), "false");
    assert_eq!(eval("States.ArrayContains($.a, $.v)", r#"{"a":[{"x":1,"y":[]}],"v":{"y":[],"x":1}}"#), "true");
    assert_eq!(eval("States.ArrayContains($.a, null)", r#"{"a":[]}"#), "false");
    assert_eq!(eval("States.ArrayContains($.a, null)", r#"{"a":[null]}"#), "true");
    assert_eq!(eval("States.ArrayContains($.a, false)", r#"{"a":[true,false]}"#), "true");
    // Java equality: an Integer is not a Double.
    assert_eq!(eval("States.ArrayContains($.a, 1.0)", r#"{"a":[1]}"#), "false");
    assert_eq!(fails("States.ArrayContains('x', 1)", "{}"), r#"the first argument must be an array, but it is string "x""#);
}

#[test]
fn array_range() {
    // AWS docs: [1,3,5,7,9].
    assert_eq!(eval("States.ArrayRange(1, 9, 2)", "{}"), "[1,3,5,7,9]");
    assert_eq!(eval("States.ArrayRange(0, 10, 3)", "{}"), "[0,3,6,9]");
    assert_eq!(eval("States.ArrayRange(1, 9, 9)", "{}"), "[1]");
    assert_eq!(eval("States.ArrayRange(5, 5, 1)", "{}"), "[5]");
    assert_eq!(eval("States.ArrayRange(5, 1, 1)", "{}"), "[]");
    assert_eq!(eval("States.ArrayRange(5, 1, -2)", "{}"), "[5,3,1]");
    assert_eq!(eval("States.ArrayRange(0.5, 3.4, 1.2)", "{}"), "[1,2,3]");
    assert_eq!(eval("States.ArrayLength(States.ArrayRange(1, 1000, 1))", "{}"), "1000");
    assert_eq!(fails("States.ArrayRange(0, 1000, 1)", "{}"), "the range would hold 1001 items, but an array can hold at most 1000");
    assert_eq!(fails("States.ArrayRange(0, 10, 0)", "{}"), "the step must not be 0");
    assert_eq!(fails("States.ArrayRange('0', 10, 1)", "{}"), r#"the start must be a number, but it is string "0""#);
    assert_eq!(
        fails("States.ArrayRange(-9223372036854775808, 9223372036854775807, 1)", "{}"),
        "the range would hold 18446744073709551616 items, but an array can hold at most 1000"
    );
}

#[test]
fn array_get_item() {
    // AWS docs: 6.
    assert_eq!(eval("States.ArrayGetItem($.inputArray, $.index)", r#"{"inputArray":[1,2,3,4,5,6,7,8,9],"index":5}"#), "6");
    assert_eq!(eval("States.ArrayGetItem(States.StringSplit('a-b', '-'), 0)", "{}"), r#""a""#);
    assert_eq!(fails("States.ArrayGetItem($.a, 3)", r#"{"a":[1,2,3]}"#), "the index 3 is out of bounds for an array of 3 items");
    assert_eq!(fails("States.ArrayGetItem($.a, -1)", r#"{"a":[1,2,3]}"#), "the index -1 is out of bounds for an array of 3 items");
    assert_eq!(fails("States.ArrayGetItem($.a, null)", r#"{"a":[1]}"#), "the index must be a number, but it is null null");
}

#[test]
fn array_length_and_unique() {
    // AWS docs: 9, and [1,2,3,4].
    assert_eq!(eval("States.ArrayLength($.inputArray)", r#"{"inputArray":[1,2,3,4,5,6,7,8,9]}"#), "9");
    assert_eq!(eval("States.ArrayUnique($.inputArray)", r#"{"inputArray":[1,2,3,3,3,3,3,3,4]}"#), "[1,2,3,4]");
    let mixed = r#"{"a":[null,null,true,true,false,false,1,1,1.1,0,0,"HelloWorld","HelloWorld",[],[],[null],[null],{"a":1,"b":2},{"b":2,"a":1},{"a":1,"b":1},1.0]}"#;
    assert_eq!(eval("States.ArrayUnique($.a)", mixed), r#"[null,true,false,1,1.1,0,"HelloWorld",[],[null],{"a":1,"b":2},{"a":1,"b":1},1]"#);
    assert_eq!(eval("States.ArrayLength(States.ArrayUnique($.a))", mixed), "12");
    assert_eq!(fails("States.ArrayLength($.a)", r#"{"a":"abc"}"#), r#"the argument must be an array, but it is string "abc""#);
    assert_eq!(fails("States.ArrayUnique($.a)", r#"{"a":null}"#), "the argument must be an array, but it is null null");
}

// ------------------------------------------------------------ encoding and hashing

#[test]
fn base64() {
    // AWS docs: "RGF0YSB0byBlbmNvZGU=" ↔ "Data to encode".
    assert_eq!(eval("States.Base64Encode($.input)", r#"{"input":"Data to encode"}"#), r#""RGF0YSB0byBlbmNvZGU=""#);
    assert_eq!(eval("States.Base64Decode($.base64)", r#"{"base64":"RGF0YSB0byBlbmNvZGU="}"#), r#""Data to encode""#);
    assert_eq!(eval("States.Base64Encode('')", "{}"), r#""""#);
    assert_eq!(eval("States.Base64Decode('')", "{}"), r#""""#);
    assert_eq!(eval("States.Base64Encode('é✓')", "{}"), r#""w6ninJM=""#);
    assert_eq!(eval("States.Base64Decode('w6nijJM')", "{}"), r#""é⌓""#);
    assert_eq!(eval("States.Base64Decode('/w==')", "{}"), "\"\u{fffd}\"");
    assert!(fails("States.Base64Decode('not base64!')", "{}").starts_with("the input is not valid Base64: "));
    assert_eq!(fails("States.Base64Encode(1)", "{}"), "the input must be a string, but it is number 1");
    let long = format!(r#"{{"s":"{}"}}"#, "a".repeat(10_001));
    assert_eq!(fails("States.Base64Encode($.s)", &long), "the input is 10001 characters long, but at most 10000 are allowed");
    assert_eq!(fails("States.Base64Decode($.s)", &long), "the input is 10001 characters long, but at most 10000 are allowed");
    let max = format!(r#"{{"s":"{}"}}"#, "a".repeat(10_000));
    assert!(eval("States.Base64Encode($.s)", &max).starts_with("\"YWFh"));
}

#[test]
fn hash() {
    // AWS docs: SHA-1 of "input data".
    assert_eq!(
        eval("States.Hash($.Data, $.Algorithm)", r#"{"Data":"input data","Algorithm":"SHA-1"}"#),
        r#""aaff4a450a104cd177d28d18d74485e8cae074b7""#
    );
    assert_eq!(eval("States.Hash('input data', 'MD5')", "{}"), r#""812f45842bc6d66ee14572ce20db8e86""#);
    assert_eq!(eval("States.Hash('input data', 'SHA-256')", "{}"), r#""b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3""#);
    assert_eq!(
        eval("States.Hash('input data', 'SHA-384')", "{}"),
        r#""d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562""#
    );
    assert_eq!(
        eval("States.Hash('input data', 'SHA-512')", "{}"),
        r#""6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4""#
    );
    // Non-string data is hashed as its JSON text: MD5("{\"a\":1}") and MD5("1").
    assert_eq!(eval("States.Hash($.o, 'MD5')", r#"{"o":{"a":1}}"#), r#""bb6cb5c68df4652941caf652a366f2d8""#);
    assert_eq!(eval("States.Hash(1, 'MD5')", "{}"), r#""c4ca4238a0b923820dcc509a6f75849b""#);
    assert_eq!(fails("States.Hash('x', 'SHA-3')", "{}"), "the algorithm 'SHA-3' is not supported; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512");
    assert_eq!(fails("States.Hash('x', 'sha-1')", "{}"), "the algorithm 'sha-1' is not supported; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512");
    assert_eq!(fails("States.Hash('x', null)", "{}"), "the algorithm must be a string, but it is null null");
    let long = format!(r#"{{"s":"{}"}}"#, "a".repeat(10_001));
    assert_eq!(fails("States.Hash($.s, 'MD5')", &long), "the input is 10001 characters long, but at most 10000 are allowed");
}

// ------------------------------------------------------------ math

#[test]
fn math_add() {
    // AWS docs: 111 + -1 = 110.
    assert_eq!(eval("States.MathAdd($.value1, $.step)", r#"{"value1":111,"step":-1}"#), "110");
    assert_eq!(eval("States.MathAdd(1, 2)", "{}"), "3");
    // Each argument is rounded half up first (recorded: 1.49 + 1.5 = 3, -1.5 + -1.51 = -3, -0.5 + 0 = 0).
    assert_eq!(eval("States.MathAdd(1.49, 1.5)", "{}"), "3");
    assert_eq!(eval("States.MathAdd(-1.5, -1.51)", "{}"), "-3");
    assert_eq!(eval("States.MathAdd(-0.5, 0)", "{}"), "0");
    assert_eq!(eval("States.MathAdd(-2.5, 0)", "{}"), "-2");
    assert_eq!(eval("States.MathAdd(2.5, 0)", "{}"), "3");
    assert_eq!(eval("States.MathAdd(States.MathAdd(44, 9), 4.3)", "{}"), "57");
    assert_eq!(fails("States.MathAdd('1', 2)", "{}"), r#"the first argument must be a number, but it is string "1""#);
    assert_eq!(fails("States.MathAdd(1, null)", "{}"), "the second argument must be a number, but it is null null");
    assert_eq!(fails("States.MathAdd(9223372036854775807, 1)", "{}"), "the sum of 9223372036854775807 and 1 is out of range");
    assert_eq!(fails("States.MathAdd(1e300, 1)", "{}"), "the first argument number 1e+300 is out of range");
}

#[test]
fn math_random() {
    let draws: Vec<String> = (0..50).map(|_| eval("States.MathRandom(1, 999)", "{}")).collect();
    // Same environment seed, same number.
    assert!(draws.windows(2).all(|w| w[0] == w[1]));
    let n: i64 = draws[0].parse().unwrap();
    assert!((1..999).contains(&n));
    // A seed gives java.util.Random's number: new Random(3).nextInt(999) = 239.
    assert_eq!(eval("States.MathRandom(0, 999, 3)", "{}"), "239");
    assert_eq!(eval("States.MathRandom(10, 1009, 3)", "{}"), "249");
    assert_eq!(eval("States.MathRandom(12.5, 44.51, 3.2)", "{}"), eval("States.MathRandom(13, 45, 3)", "{}"));
    assert_eq!(eval("States.MathRandom(5, 6)", "{}"), "5");
    assert_eq!(fails("States.MathRandom(5, 5)", "{}"), "the end (5) must be greater than the start (5)");
    assert_eq!(fails("States.MathRandom(5, 1, 1)", "{}"), "the end (1) must be greater than the start (5)");
    assert_eq!(fails("States.MathRandom('a', 1)", "{}"), r#"the start must be a number, but it is string "a""#);
    assert_eq!(fails("States.MathRandom(1, 2, 'x')", "{}"), r#"the seed must be a number, but it is string "x""#);
    // Over the whole range, unseeded.
    let mut env = TestEnv::new(Value::Null);
    let call = Call::parse("States.MathRandom(0, 3)").unwrap();
    let mut seen = [false; 3];
    for _ in 0..100 {
        let v = call.evaluate(&mut env).unwrap().as_number().unwrap().as_i64().unwrap();
        seen[v as usize] = true;
    }
    assert_eq!(seen, [true; 3]);
}

// ------------------------------------------------------------ strings and ids

#[test]
fn string_split() {
    // AWS docs: ["1","2","3","4","5"].
    assert_eq!(eval("States.StringSplit($.inputString, $.splitter)", r#"{"inputString":"1,2,3,4,5","splitter":","}"#), r#"["1","2","3","4","5"]"#);
    // Every character of the delimiter splits; empty pieces are dropped (recorded).
    assert_eq!(eval("States.StringSplit($.s, $.d)", r#"{"s":"split on T and \nnew line","d":"T\n"}"#), r#"["split on "," and ","new line"]"#);
    assert_eq!(eval("States.StringSplit(', , ,', ',')", "{}"), r#"[" "," "]"#);
    assert_eq!(eval("States.StringSplit(',,,,', ',')", "{}"), "[]");
    assert_eq!(eval("States.StringSplit('', ',')", "{}"), "[]");
    assert_eq!(eval("States.StringSplit('abc', '')", "{}"), r#"["abc"]"#);
    assert_eq!(eval("States.StringSplit('This.is+a,test=string', '.+,=')", "{}"), r#"["This","is","a","test","string"]"#);
    assert_eq!(eval("States.StringSplit('Hello\nWorld', '\n')", "{}"), r#"["Hello","World"]"#);
    assert_eq!(fails("States.StringSplit(1, ',')", "{}"), "the first argument must be a string, but it is number 1");
    assert_eq!(fails("States.StringSplit('a', 1)", "{}"), "the delimiter must be a string, but it is number 1");
}

#[test]
fn uuid() {
    let first = eval("States.UUID()", "{}");
    assert_eq!(first, eval("States.UUID()", "{}"), "deterministic for one environment seed");
    let u = first.trim_matches('"');
    assert_eq!(u.len(), 36);
    let groups: Vec<&str> = u.split('-').collect();
    assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12]);
    assert!(groups[2].starts_with('4'));
    assert!(matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
    assert!(u.chars().all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_eq!(uuid_v4(0, 0), "00000000-0000-4000-8000-000000000000");
    assert_eq!(uuid_v4(u64::MAX, u64::MAX), "ffffffff-ffff-4fff-bfff-ffffffffffff");
    // Two calls in one environment differ.
    let mut env = TestEnv::new(Value::Null);
    let call = Call::parse("States.Array(States.UUID(), States.UUID())").unwrap();
    let v = call.evaluate(&mut env).unwrap();
    let a = v.as_array().unwrap();
    assert_ne!(a[0], a[1]);
}

#[test]
fn a_failing_nested_call_names_itself() {
    assert_eq!(
        eval("States.Format('{}', States.ArrayGetItem($.a, 9))", r#"{"a":[1]}"#),
        "States.IntrinsicFailure: The function 'States.ArrayGetItem($.a, 9)' had the following error: the index 9 is out of bounds for an array of 1 items"
    );
}

#[test]
fn fail_state_paths_take_string_intrinsics() {
    // Recorded AWS case: Fail with ErrorPath/CausePath intrinsics.
    let expr = crate::query::Expr::compile("States.Format('This is a custom error message for {}, caused by {}.', $.Error, $.Cause)").unwrap();
    let mut env = TestEnv::new(crate::json::parse(r#"{"Error":"error string","Cause":"cause string"}"#).unwrap());
    assert_eq!(
        expr.evaluate(&mut env, "CausePath").unwrap().as_str(),
        Some("This is a custom error message for error string, caused by cause string.")
    );
}

#[test]
fn positions_count_characters() {
    assert_eq!(
        parse_err("States.Format('é✓', x)"),
        "'x' is not an argument (strings are written in single quotes, paths start with '$') at position 20 of 'States.Format('é✓', x)'"
    );
    assert!(parse_err("States.Array($['é)").starts_with("the argument '$['é)' is not a valid path"));
}

#[test]
fn payload_templates_use_intrinsics() {
    use crate::query::Template;
    let t = Template::compile(
        &crate::json::parse(r#"{"sum.$":"States.MathAdd($.a, 1)","fixed":[1],"nested":{"s.$":"States.Format('{}!', $.b)"}}"#).unwrap(),
    )
    .unwrap();
    let mut env = TestEnv::new(crate::json::parse(r#"{"a":41,"b":"x"}"#).unwrap());
    assert_eq!(t.evaluate(&mut env).unwrap().to_json(), r#"{"sum":42,"fixed":[1],"nested":{"s":"x!"}}"#);
    let err = Template::compile(&crate::json::parse(r#"{"a.$":"States.Nope()"}"#).unwrap()).unwrap_err();
    assert_eq!(err.0, "/a.$");
    assert!(err.1.ends_with("'States.Nope' is not an intrinsic function at position 0 of 'States.Nope()'"));
}
