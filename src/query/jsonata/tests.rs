use super::*;

/// A host on 2024-01-01T00:00:00Z.
fn host() -> FixedHost {
    FixedHost::new(1_704_067_200_000, 0)
}

/// The result as JSON text, `undefined`, or `error CODE: message`.
fn eval_with(text: &str, input: &str, limits: &Limits) -> String {
    let expr = match Expression::compile(text) {
        Ok(e) => e,
        Err(e) => return format!("syntax {}", e),
    };
    let input = crate::json::parse(input).unwrap();
    match evaluate_with(&expr, Some(&input), &[], &mut host(), limits) {
        Ok(Some(v)) => v.to_json(),
        Ok(None) => "undefined".to_string(),
        Err(e) => format!("error {}", e.message),
    }
}

fn eval(text: &str) -> String {
    eval_with(text, "null", &Limits::default())
}

#[test]
fn numbers_keep_integer_ness_and_objects_their_order() {
    assert_eq!(eval("1+1"), "2");
    assert_eq!(eval("1/4"), "0.25");
    assert_eq!(eval("{'b': 1, 'a': 2, 'c': [3]}"), r#"{"b":1,"a":2,"c":[3]}"#);
    assert_eq!(eval_with("$.x.y", r#"{"x":{"y":[1,2]}}"#, &Limits::default()), "[1,2]");
    assert_eq!(eval("$nothing"), "undefined");
    assert_eq!(eval("{'a': $nothing, 'b': 1}"), r#"{"b":1}"#);
}

#[test]
fn bindings_and_no_input() {
    let expr = Expression::compile("$states.input.n * $factor").unwrap();
    let states = crate::json::parse(r#"{"input":{"n":21}}"#).unwrap();
    let result = evaluate(&expr, &Value::Null, &[("states", states), ("factor", Value::int(2))], &mut host());
    assert_eq!(result.unwrap(), Some(Value::int(42)));
    let expr = Expression::compile("$").unwrap();
    assert_eq!(evaluate_with(&expr, None, &[], &mut host(), &Limits::default()).unwrap(), None);
    assert_eq!(expr.text(), "$");
}

#[test]
fn partition() {
    assert_eq!(eval("$partition([1,2,3,4,5,6,7,8,9], 4)"), "[[1,2,3,4],[5,6,7,8],[9]]");
    assert_eq!(eval("$partition([1,2], 5)"), "[[1,2]]");
    assert_eq!(eval("$partition([], 2)"), "[]");
    assert_eq!(eval("[1,2,3] ~> $partition(2)"), "[[1,2],[3]]");
    assert!(eval("$partition([1], 0)").starts_with("error T0410"));
    assert_eq!(eval("$partition($nothing, 2)"), "undefined");
}

#[test]
fn range_includes_the_end_when_a_step_lands_on_it() {
    assert_eq!(eval("$range(0, 6, 2)"), "[0,2,4,6]");
    assert_eq!(eval("$range(0, 10, 3)"), "[0,3,6,9]");
    assert_eq!(eval("$range(1, 3)"), "[1,2,3]");
    assert_eq!(eval("$range(5, 1, -2)"), "[5,3,1]");
    assert_eq!(eval("$range(0, 5, 0)"), "[]");
    assert_eq!(eval("$range(0, 5, -1)"), "[]");
    assert_eq!(eval("$range(0, 1, 0.5)"), "[0,0.5,1]");
    assert!(eval("$range(0, 1e9)").starts_with("error D2014"));
    assert!(eval("$range('a', 2)").starts_with("error T0410"));
}

#[test]
fn hash_supports_aws_algorithms() {
    // Values as AWS gives them (SHA-1 recorded against AWS; the others are the standard test vectors).
    assert_eq!(eval("$hash('input', 'SHA-1')"), r#""140f86aae51ab9e1cda9b4254fe98a74eb54c1a1""#);
    assert_eq!(eval("$hash('abc', 'MD5')"), r#""900150983cd24fb0d6963f7d28e17f72""#);
    assert_eq!(eval("$hash('abc', 'SHA-256')"), r#""ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad""#);
    assert_eq!(
        eval("$hash('abc', 'SHA-384')"),
        r#""cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7""#
    );
    assert_eq!(
        eval("$hash('abc', 'SHA-512')"),
        r#""ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f""#
    );
    assert!(eval("$hash('abc', 'SHA-3')").contains("not supported by $hash"));
}

#[test]
fn random_with_a_seed_is_java_util_random() {
    assert_eq!(eval("$random(42)"), "0.7275636800328681");
    assert_eq!(eval("$random(0)"), "0.730967787376657");
    // Without a seed: from the host, the same for the same host state.
    let a = eval("$random()");
    let x: f64 = a.parse().unwrap();
    assert!((0.0..1.0).contains(&x));
    assert_eq!(a, eval("$random()"));
    assert_ne!(eval("[$random(), $random()]").split(',').next(), eval("[$random(), $random()]").split(',').nth(1));
}

#[test]
fn uuid_is_version_4_from_the_host() {
    let u = eval("$uuid()");
    let u = u.trim_matches('"');
    assert_eq!(u.len(), 36);
    assert_eq!(&u[14..15], "4");
    assert!("89ab".contains(&u[19..20]));
    assert_eq!(eval("$uuid()"), eval("$uuid()"));
    assert_ne!(eval("$uuid() = $uuid()"), "true");
}

#[test]
fn randomness_is_drawn_once_and_only_when_named() {
    let mut h = host();
    let mut drawn_once = host();
    drawn_once.next_random();
    let expr = Expression::compile("[$random(), $uuid(), $shuffle([1,2,3])]").unwrap();
    evaluate(&expr, &Value::Null, &[], &mut h).unwrap();
    assert_eq!(h, drawn_once);
    let expr = Expression::compile("$sum([1,2])").unwrap();
    evaluate(&expr, &Value::Null, &[], &mut h).unwrap();
    assert_eq!(h, drawn_once);
}

#[test]
fn shuffle_is_seeded() {
    let s = eval("$shuffle([1,2,3,4,5,6,7,8])");
    assert_eq!(s, eval("$shuffle([1,2,3,4,5,6,7,8])"));
    assert_eq!(eval("$sort($shuffle([3,1,2]))"), "[1,2,3]");
    assert_eq!(eval("$shuffle($nothing)"), "undefined");
}

#[test]
fn parse_reads_json() {
    assert_eq!(eval(r#"$parse('{"a":[1,2.5,"x"]}').a"#), r#"[1,2.5,"x"]"#);
    assert_eq!(eval("$parse('1')"), "1");
    assert!(eval("$parse('{')").starts_with("error D3140"));
}

#[test]
fn eval_is_refused() {
    assert!(eval("$eval('1+1')").contains("not available in AWS Step Functions"));
}

#[test]
fn the_clock_is_the_hosts() {
    assert_eq!(eval("$now()"), r#""2024-01-01T00:00:00.000Z""#);
    assert_eq!(eval("$millis()"), "1704067200000");
    assert_eq!(eval("$now('[Y0001]/[M01]/[D01]')"), r#""2024/01/01""#);
    assert_eq!(eval("$now('[H01]:[m01]', '+0130')"), r#""01:30""#);
    assert_eq!(eval("$now() = $now()"), "true");
    let later = FixedHost::new(1_704_067_200_000 + 90_061_001, 0);
    let expr = Expression::compile("$now()").unwrap();
    let r = evaluate(&expr, &Value::Null, &[], &mut { later }).unwrap();
    assert_eq!(r, Some(Value::from("2024-01-02T01:01:01.001Z")));
}

#[test]
fn to_millis_with_a_partial_picture_reads_the_virtual_clock() {
    // 2024-01-01 10:30 UTC
    assert_eq!(eval("$toMillis('10:30', '[H]:[m]')"), "1704105000000");
    assert_eq!(eval("$toMillis('15', '[D]')"), (1_704_067_200_000i64 + 14 * 86_400_000).to_string());
    assert_eq!(eval("$toMillis('2024-02-03', '[Y]-[M]-[D]')"), "1706918400000");
    assert_eq!(eval("$toMillis('2024-01-01T00:00:00Z')"), "1704067200000");
    assert_eq!(eval("$toMillis('nothing', '[H]:[m]')"), "undefined");
}

#[test]
fn coalescing_and_default_operators_are_syntax_errors() {
    let e = Expression::compile("$states.input.a ?? 0").unwrap_err();
    assert_eq!((e.code.as_deref(), e.offset), (Some("S0201"), 16));
    assert!(Expression::compile("$a ?: 0").is_err());
}

#[test]
fn endless_recursion_ends_in_an_error() {
    // A tail call: runs in a loop, stopped by the step budget.
    let r = eval("( $f := function($x){ $f($x) }; $f(1) )");
    assert!(r.starts_with("error D1012"), "{}", r);
    // Not a tail call: stopped by the depth limit.
    let r = eval("( $f := function($x){ 1 + $f($x) }; $f(1) )");
    assert!(r.starts_with("error D1011"), "{}", r);
    // Exponential but shallow: stopped by the step budget.
    let limits = Limits { max_steps: 10_000, ..Limits::default() };
    let r = eval_with("( $f := function($n){ $n = 0 ? 0 : $f($n-1) + $f($n-1) }; $f(40) )", "null", &limits);
    assert!(r.starts_with("error D1012"), "{}", r);
    // Callbacks count too.
    let limits = Limits { max_steps: 100, ..Limits::default() };
    assert!(eval_with("$map([1..1000], function($x){ $x })", "null", &limits).starts_with("error D1012"));
    assert_eq!(eval_with("$count($map([1..100], function($x){ $x }))", "null", &limits), "100");
}

#[test]
fn sequences_are_bounded() {
    let limits = Limits { max_sequence_length: 1000, ..Limits::default() };
    assert!(eval_with("[1..5000].($ * 2)", "null", &limits).starts_with("error D2015"));
}

#[test]
fn limits_allow_ordinary_recursion() {
    assert_eq!(eval("( $f := function($n){ $n <= 1 ? 1 : $n * $f($n - 1) }; $f(20) )"), "2432902008176640000");
    // Tail recursion far deeper than the depth limit.
    assert_eq!(eval("( $f := function($n, $a){ $n = 0 ? $a : $f($n - 1, $a + 1) }; $f(50000, 0) )"), "50000");
}

#[test]
fn strings_are_bounded() {
    // One call, and repetition: `D1013` before the string is built (or grows further).
    for e in [
        "$pad('', 100000000)",
        "$pad('', -100000000)",
        "'x' ~> $pad(100000000)",
        "$reduce([1..30], function($a, $b){ $a & $a }, 'x')",
        "$join([1..1000000].('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'), '-')",
        "[1..1000000].('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx') ~> $join('-')",
        "$replace($pad('', 1000000), ' ', $pad('', 1000))",
    ] {
        let r = eval(e);
        assert!(r.starts_with("error D1013"), "{e}: {r}");
    }
    // Within the limit, and the pipe form, unchanged.
    assert_eq!(eval("$length($pad('', 1000000))"), "1000000");
    assert_eq!(eval("['a', 'b'] ~> $join(', ')"), "\"a, b\"");
    assert_eq!(eval("$replace('a-b-c', '-', '+') & $string([1, {'x': 2}]) & ('x' ~> $pad(-3, '.'))"), "\"a+b+c[1,{\\\"x\\\":2}]..x\"");
}

#[test]
fn values_that_double_are_bounded() {
    // Through a function's arguments: shared parts ({'l': $a, 'r': $a}), copies ([$a, $a]),
    // copies nested deeper; each doubling passes through `$step`, which measures.
    for e in [
        "$reduce([1..40], function($a, $b){ {'l': $a, 'r': $a} }, 1)",
        "$reduce([1..40], function($a, $b){ [$a, $a] }, [1])",
        "$reduce([1..40], function($a, $b){ {'k': [$a.k, $a.k]} }, {'k': [1]})",
        "($f := function($a, $n){ $n = 0 ? $a : $f({'l': $a, 'r': $a}, $n - 1) }; $f(1, 40)) = 1",
    ] {
        let r = eval(e);
        assert!(r.starts_with("error D2015"), "{e}: {r}");
    }
    assert_eq!(eval("$count($reduce([1..10], function($a, $b){ [$a, $a] }, [1]))"), "1024");
    // A callback given the same large array on every call is fast.
    assert_eq!(eval("$count($map([1..100000], function($v, $i, $a){ $v }))"), "100000");
    // Written out, without a function: copying the result stops with D1014, `$string` with D1013.
    let mut blocks = String::from("($v0 := {'l': 1, 'r': 1}; ");
    for i in 1..=24 {
        blocks.push_str(&format!("$v{i} := {{'l': $v{}, 'r': $v{}}}; ", i - 1, i - 1));
    }
    assert!(eval(&format!("{blocks}$v24)")).starts_with("error D1014"));
    assert!(eval(&format!("{blocks}$string($v24))")).starts_with("error D1013"));
}
