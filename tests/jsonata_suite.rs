//! The official JSONata test suite (`shared/conformance/jsonata/`, 1,686
//! cases) run through `asl_sim::query::jsonata`, the project's own API.
//!
//! Each case compiles and evaluates its expression with a fixed virtual
//! clock and seed. Results compare by deep equality (numbers by value,
//! object members in any order, arrays in any order where the case says
//! `unordered`); an expected error compares by code when ours has one, and
//! any error passes when ours has none. Cases the suite time-boxes
//! (`timelimit`/`depth`, expecting the runner's `U1001`) also accept our
//! depth and step-budget errors (`D1011`, `D1012`), as the suite's README allows.
//!
//! `tests/jsonata-ignore.txt` lists the cases that are expected to fail,
//! each with a reason. The test fails when any other case fails, or when a
//! listed case passes (so the list stays true). Ignored cases count as not
//! passed in the pass rate.
//!
//! Built for wasm32 (`cargo test --target wasm32-unknown-unknown --test
//! jsonata_suite`, in Node), the file instead checks what only wasm can
//! show: that no recursion traps the engine's call stack under the default
//! limits, and that the clock and randomness built-ins draw no OS entropy.

#[cfg(not(target_arch = "wasm32"))]
mod official {
    use asl_sim::query::jsonata::{evaluate_with, Expression, FixedHost, Limits};
    use asl_sim::Value;
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::{Path, PathBuf};

    const CASE_COUNT: usize = 1686;

    fn shared_dir() -> PathBuf {
        let dir = match std::env::var_os("ASL_SIM_SHARED") {
            Some(d) => PathBuf::from(d),
            None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
        };
        let suite = dir.join("conformance/jsonata");
        if !suite.join("manifest.json").is_file() {
            panic!("the JSONata suite is missing: no {} (set ASL_SIM_SHARED to the shared folder)", suite.join("manifest.json").display());
        }
        suite
    }

    fn read_json(path: &Path) -> Result<Value, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {}", path.display(), e))?;
        asl_sim::json::parse(&text).map_err(|e| format!("cannot parse {}: {}", path.display(), e))
    }

    #[derive(Debug, PartialEq)]
    enum Outcome {
        Pass,
        Fail(String),
    }

    fn short(v: &Option<Value>) -> String {
        let mut s = match v {
            Some(v) => v.to_json(),
            None => "undefined".to_string(),
        };
        if s.len() > 200 {
            let mut cut = 200;
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            s.truncate(cut);
            s.push('…');
        }
        s
    }

    /// Equality as the suite means it; `unordered` compares top-level arrays as multisets.
    fn same(actual: &Value, expected: &Value, unordered: bool) -> bool {
        match (actual, expected) {
            (Value::Array(a), Value::Array(b)) if unordered => {
                let mut left: Vec<&Value> = a.iter().collect();
                a.len() == b.len()
                    && b.iter().all(|x| match left.iter().position(|y| *y == x) {
                        Some(i) => {
                            left.swap_remove(i);
                            true
                        }
                        None => false,
                    })
            }
            _ => actual == expected,
        }
    }

    fn run_case(case: &Value, group_dir: &Path, datasets: &mut BTreeMap<String, Value>, suite: &Path) -> Outcome {
        let text = match (case.get("expr"), case.get("expr-file")) {
            (Some(Value::String(e)), _) => e.to_string(),
            (_, Some(Value::String(f))) => match std::fs::read_to_string(group_dir.join(&**f)) {
                Ok(t) => t,
                Err(e) => return Outcome::Fail(format!("cannot read expr-file {}: {}", f, e)),
            },
            _ => return Outcome::Fail("the case has no expression".into()),
        };
        let input: Option<Value> = match (case.get("data"), case.get("dataset")) {
            (Some(d), _) => Some(d.clone()),
            (None, Some(Value::String(name))) => {
                let name = name.to_string();
                if !datasets.contains_key(&name) {
                    match read_json(&suite.join("datasets").join(format!("{}.json", name))) {
                        Ok(v) => datasets.insert(name.clone(), v),
                        Err(e) => return Outcome::Fail(e),
                    };
                }
                Some(datasets[&name].clone())
            }
            _ => None,
        };
        let bindings: Vec<(String, Value)> =
            case.get("bindings").and_then(Value::as_object).map(|o| o.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()).unwrap_or_default();
        let bindings: Vec<(&str, Value)> = bindings.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        let mut limits = Limits::default();
        let timeboxed = case.get("depth").is_some() || case.get("timelimit").is_some();
        if let Some(depth) = case.get("depth").and_then(Value::as_number).and_then(|n| n.as_i64()) {
            limits.max_depth = depth as usize;
        }
        let unordered = case.get("unordered").and_then(Value::as_bool).unwrap_or(false);

        let result: Result<Option<Value>, Option<String>> = match Expression::compile(&text) {
            Err(e) => Err(e.code.clone()).map_err(|c| c.or(Some(format!("(no code) {}", e.message)))),
            Ok(expr) => evaluate_with(&expr, input.as_ref(), &bindings, &mut FixedHost::new(1_704_067_200_000, 0), &limits)
                .map_err(|e| e.code.clone().or(Some(format!("(no code) {}", e.message)))),
        };
        let expected_code =
            case.get("code").and_then(Value::as_str).or_else(|| case.get("error").and_then(|e| e.get("code")).and_then(Value::as_str));
        match (expected_code, result) {
            (Some(want), Err(got)) => {
                let got = got.unwrap_or_default();
                let limit_codes = ["U1001", "D1011", "D1012"];
                if got == want || got.starts_with("(no code)") || (timeboxed && want == "U1001" && limit_codes.contains(&got.as_str())) {
                    Outcome::Pass
                } else {
                    Outcome::Fail(format!("expected error {}, got error {}", want, got))
                }
            }
            (Some(want), Ok(v)) => Outcome::Fail(format!("expected error {}, got {}", want, short(&v))),
            (None, Err(got)) => Outcome::Fail(format!("unexpected error {}", got.unwrap_or_default())),
            (None, Ok(v)) => {
                if case.get("undefinedResult").and_then(Value::as_bool) == Some(true) {
                    if v.is_none() {
                        Outcome::Pass
                    } else {
                        Outcome::Fail(format!("expected undefined, got {}", short(&v)))
                    }
                } else if let Some(want) = case.get("result") {
                    match &v {
                        Some(got) if same(got, want, unordered) => Outcome::Pass,
                        _ => Outcome::Fail(format!("expected {}, got {}", short(&Some(want.clone())), short(&v))),
                    }
                } else {
                    Outcome::Fail("the case expects nothing known".into())
                }
            }
        }
    }

    /// `<case id> # reason` per line; blank lines and lines starting with `#` are comments.
    fn ignore_list() -> BTreeMap<String, String> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/jsonata-ignore.txt");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {}", path.display(), e));
        let mut out = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (id, reason) = line.split_once(" # ").unwrap_or_else(|| panic!("{}:{}: an entry needs ' # reason'", path.display(), n + 1));
            assert!(!reason.trim().is_empty(), "{}:{}: an entry needs a reason", path.display(), n + 1);
            assert!(out.insert(id.trim().to_string(), reason.trim().to_string()).is_none(), "{}:{}: {} is listed twice", path.display(), n + 1, id);
        }
        out
    }

    #[test]
    fn official_jsonata_suite() {
        let suite = shared_dir();
        let manifest = read_json(&suite.join("manifest.json")).unwrap();
        let entries = manifest.get("cases").and_then(Value::as_array).expect("manifest.json has no cases");
        assert_eq!(entries.len(), CASE_COUNT, "the suite should have {} cases", CASE_COUNT);
        let ignored = ignore_list();

        let mut files: BTreeMap<String, Result<Value, String>> = BTreeMap::new();
        let mut datasets = BTreeMap::new();
        let (mut passed, mut failed, mut skipped) = (0, 0, 0);
        let mut report = Vec::new();
        let mut seen = BTreeSet::new();
        for entry in entries {
            let id = entry.get("id").and_then(Value::as_str).expect("a case without id").to_string();
            let group = entry.get("group").and_then(Value::as_str).unwrap();
            let file = entry.get("file").and_then(Value::as_str).unwrap();
            let index = entry.get("index").and_then(Value::as_number).and_then(|n| n.as_i64()).unwrap_or(0) as usize;
            seen.insert(id.clone());
            let group_dir = suite.join("groups").join(group);
            let key = format!("{}/{}", group, file);
            let parsed = files.entry(key).or_insert_with(|| read_json(&group_dir.join(file)));
            let outcome = match parsed {
                Err(e) => Outcome::Fail(e.clone()),
                Ok(content) => {
                    let case = match content {
                        Value::Array(items) => items.get(index).cloned(),
                        other => Some(other.clone()),
                    };
                    match case {
                        None => Outcome::Fail(format!("{} has no case {}", file, index)),
                        Some(case) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_case(&case, &group_dir, &mut datasets, &suite)))
                            .unwrap_or_else(|_| Outcome::Fail("panicked".into())),
                    }
                }
            };
            match (outcome, ignored.get(&id)) {
                (Outcome::Pass, None) => passed += 1,
                (Outcome::Pass, Some(reason)) => {
                    failed += 1;
                    report.push(format!("{}: passes, but the ignore list says: {}", id, reason));
                }
                (Outcome::Fail(_), Some(_)) => skipped += 1,
                (Outcome::Fail(why), None) => {
                    failed += 1;
                    report.push(format!("{}: {}", id, why));
                }
            }
        }
        for id in ignored.keys().filter(|id| !seen.contains(*id)) {
            failed += 1;
            report.push(format!("{}: on the ignore list but not in the suite", id));
        }

        for line in &report {
            println!("FAIL {}", line);
        }
        println!(
            "jsonata suite: {} of {} cases pass ({:.1}%); {} on the ignore list, {} unexpected",
            passed,
            CASE_COUNT,
            100.0 * passed as f64 / CASE_COUNT as f64,
            skipped,
            failed
        );
        println!("{} passed, {} failed, {} skipped", passed, failed, skipped);
        assert!(report.is_empty(), "{} unexpected results (run with --nocapture for the list):\n{}", report.len(), report.join("\n"));
    }
}

/// Recursive functions that reach the depth limit by different routes
/// (plain, through constructors, callbacks, partial application, a
/// transform…); `N` is the number of nested calls.
pub const RECURSIONS: &[&str] = &[
    "( $f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(N) )",
    "( $f := function($n){ $n = 0 ? 0 : {'a': [$f($n - 1)]}.a[0] + 1 }; $f(N) )",
    "( $f := function($n){ $n = 0 ? 0 : $sum($map([1], function($x){ $f($n - 1) })) }; $f(N) )",
    "( $f := function($n){ $n = 0 ? '' : $string($f($n - 1)) & 'x' }; $length($f(N)) )",
    "( $f := function($n){ $n = 0 ? 0 : ($x := $f($n - 1); $x + 1) }; $f(N) )",
    "( $f := function($n){ $n = 0 ? {'v': 0} : {'v': $f($n - 1).v + 1} }; $f(N).v )",
    "( $f := function($n){ $n = 0 ? 0 : $reduce([1], function($a, $b){ $f($n - 1) + $b }, 0) }; $f(N) )",
    "( $f := function($n){ $n = 0 ? [0] : [$f($n - 1)[0] + 1][$ >= 0] }; $f(N)[0] )",
    "( $f := function($n){ $n = 0 ? 0 : $filter([1], function($v){ $f($n - 1) >= 0 })[0] }; $f(N) )",
    "( $f := function($n){ $n = 0 ? 0 : $each({'a': 1}, function($v){ $f($n - 1) })[0] }; $f(N) )",
    "( $f := function($n){ $n = 0 ? 0 : $sift({'a': 1}, function($v){ $f($n - 1) >= 0 }).a }; $f(N) )",
    "( $g := function($n, $m){ $n = 0 ? 0 : $f($n - 1) }; $f := function($n){ $g($n, ?)(1) }; $f(N) )",
    "( $f := function($n){ $n = 0 ? 0 : ($n - 1 ~> $f) + 1 }; $f(N) )",
    "( $f := function($n){ $n = 0 ? 0 : $single([$n], function($v){ $f($n - 1) >= 0 }) }; $f(N) )",
    "( $f := function($n){ $n = 0 ? 0 : [1].($f($n - 1)) }; $f(N) )",
    "( $f := function($n){ $n = 0 ? {} : $f($n - 1) ~> |$|{'a': 1}| }; $f(N) )",
    "( $f := function($n){ $n = 0 ? 0 : $reduce([1, 2], function($a, $b){ $f($n - 1) }) }; $f(N) )",
];

/// Natively, `stacker` would grow the stack anyway; the limit must hold the
/// same, so that results do not depend on the target.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn deep_recursion_ends_in_an_error() {
    use asl_sim::query::jsonata::{evaluate, Expression, FixedHost};
    for shape in RECURSIONS {
        let expr = Expression::compile(&shape.replace('N', "5000")).unwrap();
        let e = evaluate(&expr, &asl_sim::Value::Null, &[], &mut FixedHost::new(0, 0)).unwrap_err();
        assert!(matches!(e.code.as_deref(), Some("D1011") | Some("D1012")), "{}: {}", shape, e.message);
    }
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use super::RECURSIONS;
    use asl_sim::query::jsonata::{evaluate, Expression, FixedHost};
    use asl_sim::Value;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn eval(text: &str) -> String {
        let expr = Expression::compile(text).unwrap();
        match evaluate(&expr, &Value::Null, &[], &mut FixedHost::new(1_704_067_200_000, 0)) {
            Ok(v) => format!("{:?}", v),
            Err(e) => e.message,
        }
    }

    /// A trap here would be "RangeError: Maximum call stack size exceeded"
    /// and would leave the wasm instance unusable.
    #[wasm_bindgen_test]
    fn deep_recursion_ends_in_an_error_not_a_trap() {
        for shape in RECURSIONS {
            let r = eval(&shape.replace('N', "5000"));
            assert!(r.starts_with("D1011") || r.starts_with("D1012"), "{}: {}", shape, r);
        }
        assert!(eval("( $f := function($x){ $f($x) }; $f(1) )").starts_with("D1012"));
        let deep = format!("{}1{}", "[".repeat(400), "]".repeat(400));
        assert!(eval(&deep).starts_with("D1011"));
    }

    /// getrandom is built with its `unsupported` backend: drawing OS entropy
    /// would panic, so these show nothing does.
    #[wasm_bindgen_test]
    fn randomness_and_time_come_from_the_host() {
        assert_eq!(eval("$random(42)"), "Some(0.7275636800328681)");
        assert!(eval("$random()").starts_with("Some(0."));
        assert_eq!(eval("$count($shuffle([1,2,3,4]))"), "Some(4)");
        assert_eq!(eval("$length($uuid())"), "Some(36)");
        assert_eq!(eval("$now()"), "Some(\"2024-01-01T00:00:00.000Z\")");
        assert_eq!(eval("$toMillis('10:30', '[H]:[m]')"), "Some(1704105000000)");
        assert_eq!(eval("$hash('input', 'SHA-1')"), "Some(\"140f86aae51ab9e1cda9b4254fe98a74eb54c1a1\")");
    }
}
