//! Hostile inputs (issue 8, item 2): whatever a definition, input, mocks file or
//! option holds, the simulator ends in a clear error or a normal result within
//! 30 seconds, never a panic, an abort, a stack overflow or a hang.
//!
//! Each test runs in a child process of this test binary (the same test, selected
//! by name and marked by an environment variable), on a thread with Rust's default
//! 2 MiB stack, as a library user's thread would have. The parent kills the child
//! after 30 seconds, and reports a crash (a stack overflow or an abort kills the
//! process) as a failure of that one test rather than of the whole binary. Inside,
//! every call into the library goes through [`engine`], which turns a panic into a
//! failure that says "the engine panicked" (a panic is always a bug).
//!
//! Cases that the engine gets wrong today fail, and each says why; see the comment
//! on the test. `tests/web_hostile.rs` runs the same kinds of cases through the JS
//! API in headless Chromium.

use asl_sim::mocks::Mocks;
use asl_sim::query::jsonata::{evaluate, Expression, FixedHost};
use asl_sim::time::{format_context_timestamp, parse_timestamp};
use asl_sim::{json, Execution, Map, Options, Simulator, Status, Value};
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

/// How long any one test (and so any one case) may take, natively.
const TIME_LIMIT: Duration = Duration::from_secs(30);
/// Rust's default stack for a spawned thread.
const STACK: usize = 2 << 20;
/// Set in the child process to the name of the test it runs.
const CHILD: &str = "ASL_SIM_HOSTILE_CASE";
/// Held by the parent while a child runs.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

// ---------------------------------------------------------------- the harness

/// Run `body` in a child process with a time limit (see the crate doc).
fn isolated(name: &str, body: fn()) {
    if std::env::var(CHILD).as_deref() == Ok(name) {
        let started = Instant::now();
        let outcome = std::thread::Builder::new().stack_size(STACK).spawn(body).unwrap().join();
        if let Err(panic) = outcome {
            std::panic::resume_unwind(panic);
        }
        eprintln!("[{name} finished in {:.1?}]", started.elapsed());
        return;
    }
    // One case at a time, so that each is timed alone (a million states take most of
    // the time limit in the debug profile when nothing else runs).
    let _one_at_a_time = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, name)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the test binary as a child");
    let (out, err) = (drain(child.stdout.take().unwrap()), drain(child.stderr.take().unwrap()));
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = format!("{}{}", out.join().unwrap(), err.join().unwrap());
    let tail = tail(&text, 4000);
    match status {
        None => panic!("{name}: did not finish within {TIME_LIMIT:?}: a hang or a runaway computation\n{tail}"),
        Some(s) if s.success() => {
            assert!(text.contains(&format!("[{name} finished")), "{name}: the child did not run the case\n{tail}");
        }
        Some(s) => match s.code() {
            Some(code) => panic!("{name}: failed (exit status {code})\n{tail}"),
            None => panic!("{name}: CRASHED ({}): an abort or a stack overflow is a bug\n{tail}", signal(&s)),
        },
    }
}

#[cfg(unix)]
fn signal(s: &std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match s.signal() {
        Some(6) => "SIGABRT, e.g. a stack overflow".to_string(),
        Some(9) => "SIGKILL, e.g. out of memory".to_string(),
        Some(11) => "SIGSEGV".to_string(),
        other => format!("signal {other:?}"),
    }
}
#[cfg(not(unix))]
fn signal(s: &std::process::ExitStatus) -> String {
    format!("{s}")
}

fn drain(mut r: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = r.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn tail(s: &str, n: usize) -> &str {
    let mut at = s.len().saturating_sub(n);
    while !s.is_char_boundary(at) {
        at += 1;
    }
    &s[at..]
}

/// `#[test] fn name() { body }`, run isolated.
macro_rules! hostile {
    ($(#[doc = $doc:literal])* fn $name:ident() $body:block) => {
        $(#[doc = $doc])*
        #[test]
        fn $name() {
            isolated(stringify!($name), || $body)
        }
    };
}

/// Call into the library; a panic there fails the case as a bug, with `what` it was given.
fn engine<T>(what: &str, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(p) => {
            let msg = p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()));
            panic!("BUG: the engine panicked on {what}: {}", msg.unwrap_or_default())
        }
    }
}

/// Time one case (a part of a test) and say how long it took.
fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    eprintln!("case: {what}");
    let started = Instant::now();
    let v = f();
    let took = started.elapsed();
    eprintln!("      {took:.1?}");
    assert!(took < TIME_LIMIT, "{what}: took {took:?}");
    v
}

fn short(s: &str) -> String {
    if s.len() <= 120 {
        return s.to_string();
    }
    let mut end = 120;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &s[..end], s.len())
}

fn parse(text: &str) -> Value {
    json::parse(text).unwrap_or_else(|e| panic!("test data is not JSON: {e}: {}", short(text)))
}

/// A definition that must be refused with at least one error, each positioned without panicking.
fn expect_invalid(definition: &str) {
    let what = format!("the definition {}", short(definition));
    let diagnostics = match engine(&what, || Simulator::new(definition, Options::default())) {
        Ok(_) => panic!("{what} was accepted"),
        Err(d) => d,
    };
    assert!(diagnostics.iter().any(|d| d.is_error()), "{what}: no error among {diagnostics:?}");
    engine(&what, || {
        for d in &diagnostics {
            d.positioned(definition, false);
            d.positioned(definition, true);
        }
    });
}

fn simulator(definition: &str, options: Options) -> Simulator {
    let what = format!("the definition {}", short(definition));
    match engine(&what, || Simulator::new(definition, options)) {
        Ok(s) => s,
        Err(d) => panic!("{what} is invalid: {:?}", d.iter().map(|d| &d.message).collect::<Vec<_>>()),
    }
}

/// What a finished run gave.
struct Outcome {
    status: Status,
    error: Option<String>,
    cause: Option<String>,
    events: usize,
    stop: String,
    output: Option<Value>,
}

/// Run to the end (or a pause), then do what a caller does with the result: read the
/// report, the last events and the output as JSON, and drop the execution.
fn finish(what: &str, sim: &Simulator, mut ex: Execution) -> Outcome {
    engine(what, move || {
        let report = ex.run(None);
        serde_json::to_string(&report).unwrap();
        let n = ex.events().len();
        for i in n.saturating_sub(3)..n {
            ex.events().get(i).unwrap().to_value(sim.machine()).to_json();
        }
        let output = ex.output().cloned();
        if let Some(o) = &output {
            o.to_json();
        }
        let outcome = Outcome {
            status: ex.status(),
            error: ex.error().map(String::from),
            cause: ex.cause().map(String::from),
            events: n,
            stop: format_context_timestamp(ex.clock()),
            output,
        };
        drop(ex);
        outcome
    })
}

/// Start and finish `definition` with `input`.
fn run_with(definition: &str, input: Value, options: Options) -> Outcome {
    let what = format!("a run of {}", short(definition));
    let sim = simulator(definition, options);
    let ex = engine(&what, || sim.start(input)).unwrap_or_else(|e| panic!("{what}: start refused: {e}"));
    finish(&what, &sim, ex)
}

fn run(definition: &str, input: &str) -> Outcome {
    run_with(definition, parse(input), Options::default())
}

/// A state machine of one Pass state whose Parameters hold `fields` (a JSON object's members).
fn pass(fields: &str) -> String {
    format!(r#"{{"StartAt": "P", "States": {{"P": {{"Type": "Pass", "Parameters": {{{fields}}}, "End": true}}}}}}"#)
}

fn assert_failed(o: &Outcome, errors: &[&str], what: &str) {
    assert_eq!(o.status, Status::Failed, "{what}: {:?} {:?} {:?}", o.status, o.error, o.cause);
    let error = o.error.as_deref().unwrap_or("");
    assert!(errors.contains(&error), "{what}: error {error:?} (cause {:?}), expected one of {errors:?}", o.cause);
    assert!(o.cause.as_deref().is_some_and(|c| !c.is_empty()), "{what}: a failure says why");
}

fn assert_at_event_limit(o: &Outcome, limit: usize, what: &str) {
    assert_failed(o, &["States.Runtime"], what);
    assert_eq!(o.events, limit, "{what}: events");
    assert!(o.cause.as_deref().unwrap().contains("maximum number of history events"), "{what}: {:?}", o.cause);
}

fn nested(open: &str, inner: &str, close: &str, depth: usize) -> String {
    let mut s = String::with_capacity((open.len() + close.len()) * depth + inner.len());
    for _ in 0..depth {
        s.push_str(open);
    }
    s.push_str(inner);
    for _ in 0..depth {
        s.push_str(close);
    }
    s
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn golden_texts(suffix: &str) -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_str().is_some_and(|p| p.ends_with(suffix)))
        .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no tests/golden/*{suffix}");
    out
}

/// What the CLI did.
struct Cli {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Run the CLI with a time limit; it must exit (not crash, not panic) in time.
fn cli(args: &[&str]) -> Cli {
    let what = format!("asl-sim {}", short(&args.join(" ")));
    eprintln!("case: {what}");
    let started = Instant::now();
    let mut child =
        Command::new(env!("CARGO_BIN_EXE_asl-sim")).args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let (out, err) = (drain(child.stdout.take().unwrap()), drain(child.stderr.take().unwrap()));
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            panic!("{what}: did not finish within {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let (stdout, stderr) = (out.join().unwrap(), err.join().unwrap());
    eprintln!("      {:.1?}", started.elapsed());
    let code = status.code().unwrap_or_else(|| panic!("{what}: CRASHED ({})\n{}", signal(&status), tail(&stderr, 2000)));
    assert!(!stderr.contains("panicked"), "{what}: the CLI panicked\n{}", tail(&stderr, 2000));
    assert!([0, 1, 2, 3].contains(&code), "{what}: exit status {code}\n{}", tail(&stderr, 2000));
    Cli { code, stdout, stderr }
}

/// The CLI refused with exit status 2 and a message whose first line names `needle`
/// (an unknown option adds the usage text after it).
fn assert_refused(c: &Cli, needle: &str, what: &str) {
    assert_eq!(c.code, 2, "{what}: exit status\nstdout {}\nstderr {}", short(&c.stdout), short(&c.stderr));
    let message = if c.stderr.trim().is_empty() { &c.stdout } else { &c.stderr };
    let first = message.lines().next().unwrap_or("");
    assert!(first.contains(needle), "{what}: the message should say {needle:?}: {}", short(message));
}

// ---------------------------------------------------------------- malformed JSON

/// Texts that are not JSON, or not a definition, or hold what no definition may.
const MALFORMED: &[&str] = &[
    "",
    " \n\t",
    "{",
    "}",
    "[",
    "{\"StartAt\":",
    "{\"StartAt\": \"A\",",
    "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}}}",
    "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}} trailing",
    "nul",
    "tru",
    "-",
    "1e",
    "1.",
    ".5",
    "01",
    "+1",
    "NaN",
    "Infinity",
    "-Infinity",
    "[1e400]",
    "{\"a\": -1e400}",
    "\"abc",
    "\"\\u12\"",
    "\"\\x\"",
    "\"\\ud800\"",
    "\"\\udc00\\ud800\"",
    "{\"a\" 1}",
    "{\"a\": 1,}",
    "[1,]",
    "{1: 2}",
    "{'a': 1}",
    "\u{FEFF}{}",
    "/* comment */ {}",
    "{} {}",
    "\"\u{0}\"",
    "\"tab\there\"",
    "{\"a\": 1}\u{0}",
    "{\"StartAt\": \"\u{1F600}\", \"States\": {\"\u{1F600}\": {\"Type\": \"Pass\", \"Next\": \"\u{1F601}\"}}}",
    "{\"StartAt\": null, \"States\": []}",
    "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true, \"End\": false}}}",
    "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Choice\", \"Choices\": [{\"Not\": {\"Not\": {}}}]}}}",
    "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Map\", \"ItemProcessor\": {\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Map\"}}}, \"End\": true}}}",
    "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Parameters\": {\"x.$\": \"States.Format(\"}, \"End\": true}}}",
    "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Parameters\": {\"x.$\": \"$[?(@.a ==\"}, \"End\": true}}}",
    "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Parameters\": {\"x.$\": \"$..[\"}, \"End\": true}}}",
    // Found by the fuzzer: a union that ends after a comma panicked while validating.
    "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Parameters\": {\"x.$\": \"$['a',\"}, \"End\": true}}}",
    "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"InputPath\": \"$.x['a',\", \"ResultPath\": \"$['b',\", \"End\": true}}}",
    "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Wait\", \"Timestamp\": \"+999999-01-01T00:00:00Z\", \"End\": true}}}",
    "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Wait\", \"Seconds\": 1e400, \"End\": true}}}",
    "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Wait\", \"Seconds\": 100000000, \"End\": true}}}",
    "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Wait\", \"Seconds\": -1, \"End\": true}}}",
    "{\"StartAt\": \"A\", \"TimeoutSeconds\": 0, \"States\": {\"A\": {\"Type\": \"Succeed\"}}}",
    "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"\", \"End\": true}}}",
    "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\", \"Retry\": [{\"ErrorEquals\": [], \"BackoffRate\": 1e400}], \"End\": true}}}",
];

hostile! {
    /// Malformed and truncated JSON, as definitions, inputs and mocks: every one is an
    /// error with a position, never a panic.
    fn malformed_and_truncated_json_is_an_error() {
        timed("malformed definitions", || {
            for text in MALFORMED {
                expect_invalid(text);
            }
        });
        timed("malformed inputs and mocks", || {
            for text in MALFORMED {
                if let Ok(v) = engine(&format!("json::parse({})", short(text)), || json::parse(text)) {
                    // Valid JSON of the wrong shape: mocks must say so, inputs may be anything.
                    let _ = engine("Mocks::from_value", || Mocks::from_value(&v, None, None));
                }
            }
        });
        timed("every prefix of every golden definition", || {
            for (path, text) in golden_texts(".asl.json") {
                for end in (0..text.trim_end().len()).filter(|&e| text.is_char_boundary(e)) {
                    let prefix = &text[..end];
                    let what = format!("{path} cut at byte {end}");
                    match engine(&what, || Simulator::new(prefix, Options::default())) {
                        Ok(_) => panic!("{what} was accepted"),
                        Err(d) => assert!(d.iter().any(|d| d.is_error()), "{what}: no error"),
                    }
                }
            }
        });
        timed("every prefix of every golden input and mocks file", || {
            for (path, text) in golden_texts(".input.json").into_iter().chain(golden_texts(".mocks.json")) {
                for end in (0..text.trim_end().len()).filter(|&e| text.is_char_boundary(e)) {
                    let what = format!("{path} cut at byte {end}");
                    assert!(engine(&what, || json::parse(&text[..end])).is_err(), "{what} parsed");
                }
            }
        });
        timed("malformed input through the CLI", || {
            let definition = scratch("pass.asl.json");
            std::fs::write(&definition, pass("\"x.$\": \"$\"")).unwrap();
            for text in ["{", "[1,]", "{\"a\": 1e400}", "nul", ""] {
                let c = cli(&["run", definition.to_str().unwrap(), "--input-json", text]);
                assert_refused(&c, "not valid JSON", &format!("--input-json {text:?}"));
            }
            let mocks = scratch("broken.mocks.json");
            std::fs::write(&mocks, "{\"P\": {\"Return\": ").unwrap();
            let c = cli(&["run", definition.to_str().unwrap(), "--mocks", mocks.to_str().unwrap()]);
            assert_refused(&c, "not valid JSON", "a truncated mocks file");
        });
    }
}

// ---------------------------------------------------------------- deep nesting

hostile! {
    /// 100,000-deep nesting in definitions, inputs, mocks, intrinsic calls and paths: a
    /// clear error (the JSON parser stops at `json::MAX_DEPTH`), never a stack overflow.
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        const DEEP: usize = 100_000;
        let arrays = nested("[", "", "]", DEEP);
        let objects = nested("{\"a\": ", "1", "}", DEEP);
        let unclosed = "[".repeat(DEEP);
        timed("100,000-deep definitions", || {
            for deep in [&arrays, &objects, &unclosed] {
                expect_invalid(deep);
                expect_invalid(&format!(r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Pass", "Result": {deep}, "End": true}}}}}}"#));
            }
            let not = nested("{\"Not\": ", "{\"Variable\": \"$.a\", \"IsPresent\": true}", "}", DEEP);
            let rule = format!(r#"{{"Choices": [{{"Not": {not}, "Next": "B"}}], "Default": "B"}}"#);
            expect_invalid(&format!(r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Choice", {}, "B": {{"Type": "Succeed"}}}}}}"#, &rule[1..rule.len() - 1]));
        });
        timed("100,000-deep inputs and mocks", || {
            for deep in [&arrays, &objects, &unclosed] {
                let e = engine("json::parse(deep)", || json::parse(deep)).expect_err("100,000-deep JSON parsed");
                assert!(e.message.contains("nesting") || unclosed == *deep, "{e}");
            }
        });
        timed("100,000-deep intrinsic calls and paths", || {
            let call = nested("States.Array(", "1", ")", DEEP);
            expect_invalid(&pass(&format!("\"x.$\": \"{call}\"")));
            let format = nested("States.Format('{}', ", "1", ")", DEEP);
            expect_invalid(&pass(&format!("\"x.$\": \"{format}\"")));
            // A long path is not a deep one: 100,000 steps must parse, or be refused, quickly.
            let long = format!("$.{}", vec!["a"; DEEP].join("."));
            let _ = engine("a 100,000-step path", || Simulator::new(&pass(&format!("\"x.$\": \"{long}\"")), Options::default()));
            let indexes = format!("${}", "[0]".repeat(DEEP));
            let _ = engine("a 100,000-index path", || Simulator::new(&pass(&format!("\"x.$\": \"{indexes}\"")), Options::default()));
        });
        timed("100,000-deep files through the CLI", || {
            let definition = scratch("deep.asl.json");
            std::fs::write(&definition, &arrays).unwrap();
            let c = cli(&["run", definition.to_str().unwrap()]);
            assert_eq!(c.code, 2, "a deep definition is INVALID");
            assert!(c.stdout.contains("\"status\":\"INVALID\"") && c.stdout.contains("nesting"), "{}", short(&c.stdout));
            let good = scratch("pass.asl.json");
            std::fs::write(&good, pass("\"x.$\": \"$\"")).unwrap();
            let input = scratch("deep.input.json");
            std::fs::write(&input, &objects).unwrap();
            assert_refused(&cli(&["run", good.to_str().unwrap(), "--input", input.to_str().unwrap()]), "nesting", "a deep input");
            assert_refused(&cli(&["run", good.to_str().unwrap(), "--mocks", input.to_str().unwrap()]), "nesting", "deep mocks");
        });
    }
}

hostile! {
    /// JSONPath filter expressions nest within a bound. Was a bug: the path parser
    /// recursed for each `!`, each `(` and each filter inside a filter, and overflowed a
    /// 2 MiB stack at about 690 nested filters (a 10 KB definition); 17fd24f caps that
    /// nesting at 64.
    ///
    /// BUG (src/query/path.rs), still: a long `&&`/`||` chain builds a left-deep tree as
    /// deep as the chain (`Filter::And(Box<Filter>, Box<Filter>)`), which is evaluated and
    /// dropped recursively: 100,000 terms overflow a 2 MiB stack natively, and in wasm
    /// 10,000 terms (a 120 KB definition) trap the instance (tests/page/hostile.test.mjs).
    /// Suggested fix: parse a chain into one n-ary node (`And(Vec<Filter>)`,
    /// `Or(Vec<Filter>)`), evaluated by a loop, so depth is only what `(` adds, which the
    /// 64-level cap already bounds.
    fn deeply_nested_jsonpath_filters_are_an_error() {
        let nested_filters = format!("$[?(@.a{}", "[?(@.a".repeat(999)) + &")]".repeat(1000);
        let parentheses = format!("$[?({})]", nested("(", "@.a == 1", ")", 10_000));
        let negations = format!("$[?({}@.a)]", "!".repeat(10_000));
        let conjunction = format!("$[?({})]", vec!["@.a == 1"; 100_000].join(" && "));
        for (what, path) in [("1,000 nested filters", nested_filters), ("10,000 parentheses", parentheses), ("10,000 negations", negations), ("100,000 && terms", conjunction)] {
            timed(what, || {
                let definition = pass(&format!("\"x.$\": {}", Value::from(path.as_str()).to_json()));
                // An error or a machine, either is fine; then run it on a small input.
                if let Ok(sim) = engine(what, || Simulator::new(&definition, Options::default())) {
                    let ex = sim.start(parse(r#"{"a": [{"a": 1}]}"#)).unwrap();
                    finish(what, &sim, ex);
                }
            });
        }
    }
}

hostile! {
    /// Data nested just under the parser's limit flows through every data-flow field,
    /// deep scans and intrinsics, and comes out intact.
    fn nesting_up_to_the_parser_limit_runs() {
        let depth = json::MAX_DEPTH - 4;
        let input = format!("{{\"deep\": {}}}", nested("{\"a\": ", "[1, \"leaf\"]", "}", depth));
        let path = format!("$.deep{}", ".a".repeat(depth));
        let definition = format!(
            r#"{{"StartAt": "Flow", "States": {{
              "Flow": {{"Type": "Pass", "InputPath": "$", "Parameters": {{"copy.$": "$.deep", "text.$": "States.JsonToString($.deep)", "leaves.$": "$..a[1]", "leaf.$": "{path}[1]"}},
                        "ResultPath": "$.flow", "Next": "Back"}},
              "Back": {{"Type": "Pass", "Parameters": {{"again.$": "States.StringToJson($.flow.text)", "copy.$": "$.flow.copy", "leaf.$": "$.flow.leaf", "list.$": "$.list"}}, "Next": "Check"}},
              "Check": {{"Type": "Choice", "Choices": [{{"Variable": "{}", "IsPresent": true, "Next": "Each"}}], "Default": "Bad"}},
              "Each": {{"Type": "Map", "ItemsPath": "$.list", "Parameters": {{"item.$": "$$.Map.Item.Value"}}, "ItemProcessor": {{"StartAt": "Keep", "States": {{"Keep": {{"Type": "Pass", "End": true}}}}}}, "ResultPath": "$.each", "OutputPath": "$", "End": true}},
              "Bad": {{"Type": "Fail", "Error": "Lost"}}}}}}"#,
            path.replacen("$.deep", "$.copy", 1)
        );
        let o = timed("a 508-deep input through Pass, intrinsics, deep scan, Choice and Map", || {
            let input = parse(&input);
            let mut with_list = input.as_object().unwrap().clone();
            with_list.insert(Rc::from("list"), Value::array(vec![input.get("deep").unwrap().clone(); 3]));
            run_with(&definition, Value::object(with_list), Options::default())
        });
        assert_eq!(o.status, Status::Succeeded, "{:?} {:?}", o.error, o.cause);
        let output = o.output.unwrap();
        assert_eq!(output.get("leaf").and_then(Value::as_str), Some("leaf"));
        assert_eq!(output.get("again"), output.get("copy"));
        assert_eq!(json::parse(&output.to_json()).unwrap(), output, "round trip of the deep output");
    }
}

/// A value nested `depth` levels deep, built in code (no parser to stop it).
fn deep_value(depth: usize) -> Value {
    let mut v = Value::from(1i64);
    for _ in 0..depth {
        v = Value::array(vec![v]);
    }
    v
}

/// Ten array levels around `inner`, as an intrinsic call.
fn ten_arrays(inner: &str) -> String {
    format!("{}{inner}{}", "States.Array(".repeat(10), ")".repeat(10))
}

hostile! {
    /// Nesting built at run time is bounded by `json::MAX_DEPTH` like parsed nesting: each
    /// turn of these loops wraps the data ten arrays deeper (2 bytes a level, so the
    /// payload limit alone would allow 130,000 levels, and every recursive walk of a value
    /// would overflow the stack). Was a bug, fixed in 17fd24f: a state whose result is
    /// nested deeper fails with States.DataLimitExceeded.
    fn nesting_built_at_run_time_is_bounded() {
        let deepen = format!(
            r#"{{"StartAt": "Deepen", "States": {{
              "Deepen": {{"Type": "Pass", "Parameters": {{"d.$": "{}"}}, "Next": "Again?"}},
              "Again?": {{"Type": "Choice", "Choices": [{{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}}], "Default": "Deepen"}},
              "Done": {{"Type": "Succeed"}}}}}}"#,
            ten_arrays("$")
        );
        let jsonata = r#"{"QueryLanguage": "JSONata", "StartAt": "Deepen", "States": {
          "Deepen": {"Type": "Pass", "Output": "{% [[[[[[[[[[$states.input]]]]]]]]]] %}", "Next": "Again?"},
          "Again?": {"Type": "Choice", "Choices": [{"Condition": "{% $exists($states.input.stop) %}", "Next": "Done"}], "Default": "Deepen"},
          "Done": {"Type": "Succeed"}}}"#;
        let jsonata_assign = r#"{"QueryLanguage": "JSONata", "StartAt": "Init", "States": {
          "Init": {"Type": "Pass", "Assign": {"v": []}, "Next": "Deepen"},
          "Deepen": {"Type": "Pass", "Assign": {"v": "{% [[[[[[[[[[$v]]]]]]]]]] %}"}, "Next": "Again?"},
          "Again?": {"Type": "Choice", "Choices": [{"Condition": "{% $exists($states.input.stop) %}", "Next": "Done"}], "Default": "Deepen"},
          "Done": {"Type": "Succeed"}}}"#;
        for (what, definition) in [("Parameters", deepen.as_str()), ("JSONata Output", jsonata), ("JSONata Assign", jsonata_assign)] {
            for max_events in [25_000, 1_000_000] {
                let o = timed(&format!("a loop that deepens its {what}, max_events {max_events}"), || {
                    run_with(definition, Value::empty_object(), Options { max_events, ..Options::default() })
                });
                assert_failed(&o, &["States.DataLimitExceeded", "States.QueryEvaluationError"], what);
                assert!(o.events < 5_000, "{what}: stopped by depth, not by the event limit ({} events)", o.events);
            }
        }
    }
}

hostile! {
    /// BUG (engine, src/engine/run.rs `assign`): variables assigned with JSONPath escape
    /// the depth bound that 17fd24f puts on state results. This loop wraps the variable
    /// `$v` ten arrays deeper each turn while the state's output stays `{}`; under the
    /// default limits it reaches 62,500 levels, and writing the `…StateExited` event's
    /// `assignedVariables` (the history, `asl-sim run --history`, every `step()` in the
    /// playground) overflows the stack: the release CLI aborts on its 8 MiB main thread,
    /// and the wasm instance traps (tests/page/hostile.test.mjs). Suggested fix: in
    /// `assign`, fail with States.DataLimitExceeded when the assigned object's `depth()`
    /// exceeds `json::MAX_DEPTH`, as `check_size` does for results (JSONata's Assign is
    /// already stopped at 1,024 levels by its conversion).
    fn variables_built_at_run_time_are_bounded() {
        let definition = format!(
            r#"{{"StartAt": "Init", "States": {{
              "Init": {{"Type": "Pass", "Assign": {{"v": []}}, "Next": "Deepen"}},
              "Deepen": {{"Type": "Pass", "Assign": {{"v.$": "{}"}}, "Next": "Again?"}},
              "Again?": {{"Type": "Choice", "Choices": [{{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}}], "Default": "Deepen"}},
              "Done": {{"Type": "Succeed"}}}}}}"#,
            ten_arrays("$v")
        );
        let o = timed("a loop that deepens a variable", || run(&definition, "{}"));
        assert_failed(&o, &["States.DataLimitExceeded", "States.Runtime"], "a deepening variable");
    }
}

hostile! {
    /// Values built in Rust (no parser to bound them) and handed to the API deeper than
    /// the parser allows: refused, or failed by the state that receives them. (10,000
    /// levels: far deeper and Rust's own recursive `Drop` of the value overflows a 2 MiB
    /// stack in the caller's code, before the simulator sees it.)
    fn deep_values_from_the_rust_api_are_bounded() {
        let deep = deep_value(10_000);
        timed("a 10,000-deep input", || {
            let sim = simulator(&pass("\"x.$\": \"$\""), Options::default());
            if let Ok(ex) = engine("start with a deep input", || sim.start(deep.clone())) {
                let o = finish("a deep input", &sim, ex);
                assert_failed(&o, &["States.DataLimitExceeded", "States.Runtime"], "a deep input");
            }
        });
        timed("a 10,000-deep answer", || {
            let definition = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"}, "End": true}}}"#;
            let sim = simulator(definition, Options::default());
            let mut ex = sim.start(Value::empty_object()).unwrap();
            engine("run to the pause", || ex.run(None));
            let token = ex.waiting_for()[0].token.clone();
            if engine("a deep answer", || ex.send_task_success(&token, deep.clone())).is_ok() {
                let o = finish("a deep answer", &sim, ex);
                assert_failed(&o, &["States.DataLimitExceeded", "States.Runtime"], "a deep answer");
            }
        });
        timed("a 10,000-deep mocked result", || {
            let definition = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "End": true}}}"#;
            let mut response = Map::default();
            response.insert(Rc::from("Return"), deep.clone());
            let mut m = Map::default();
            m.insert(Rc::from("T"), Value::object(response));
            let mocks = Mocks::from_value(&Value::object(m), None, None).unwrap();
            let o = run_with(definition, Value::empty_object(), Options { mocks, ..Options::default() });
            assert_failed(&o, &["States.DataLimitExceeded", "States.Runtime"], "a deep mocked result");
        });
    }
}

// ---------------------------------------------------------------- sizes

hostile! {
    /// A 50 MiB input is refused (AWS's payload limit is 256 KiB), through the API and
    /// the CLI; payloads past the limit inside an execution fail the state.
    fn oversized_payloads_are_refused() {
        let blob = format!("{{\"blob\": \"{}\"}}", "x".repeat(50 << 20));
        timed("a 50 MiB input through the API", || {
            let input = engine("parse 50 MiB", || json::parse(&blob)).unwrap();
            let sim = simulator(&pass("\"x.$\": \"$\""), Options::default());
            let e = engine("start with 50 MiB", || sim.start(input)).err().expect("a 50 MiB input is refused");
            assert_eq!(e.code, "INVALID_EXECUTION_INPUT");
            assert!(e.message.contains("262144"), "{e}");
        });
        timed("inputs at the 256 KiB boundary", || {
            let sim = simulator(&pass("\"x.$\": \"$.s\""), Options::default());
            let at_limit = |extra: usize| {
                let s = "y".repeat(262_144 - "{\"s\":\"\"}".len() + extra);
                let mut m = Map::default();
                m.insert(Rc::from("s"), Value::from(s.as_str()));
                Value::object(m)
            };
            assert!(sim.start(at_limit(0)).is_ok(), "262,144 bytes are allowed");
            assert!(sim.start(at_limit(1)).is_err(), "262,145 bytes are not");
        });
        timed("a state whose result grows past 256 KiB", || {
            let s = "z".repeat(100_000);
            let o = run_with(&pass("\"x.$\": \"States.Array($.s, $.s, $.s)\""), parse(&format!("{{\"s\": \"{s}\"}}")), Options::default());
            assert_failed(&o, &["States.DataLimitExceeded"], "a 300 KB Parameters result");
        });
        timed("a 50 MiB mocked result", || {
            let definition = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "End": true}}}"#;
            let mocks = parse(&format!("{{\"T\": {{\"Return\": {blob}}}}}"));
            let mocks = engine("50 MiB mocks", || Mocks::from_value(&mocks, None, None)).unwrap();
            let o = run_with(definition, Value::empty_object(), Options { mocks, ..Options::default() });
            assert_failed(&o, &["States.DataLimitExceeded"], "a 50 MiB mocked result");
        });
        timed("a 50 MiB answer to a paused task", || {
            let definition = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"}, "End": true}}}"#;
            let sim = simulator(definition, Options::default());
            let mut ex = sim.start(Value::empty_object()).unwrap();
            engine("run to the pause", || ex.run(None));
            let token = ex.waiting_for()[0].token.clone();
            let answer = json::parse(&blob).unwrap();
            let e = engine("a 50 MiB answer", || ex.send_task_success(&token, answer)).expect_err("a 50 MiB answer is refused");
            assert_eq!(e.code, "INVALID_OUTPUT");
            assert_eq!(ex.status(), Status::Paused, "still waiting");
        });
        timed("a 50 MiB input file through the CLI", || {
            let definition = scratch("pass.asl.json");
            std::fs::write(&definition, pass("\"x.$\": \"$\"")).unwrap();
            let input = scratch("50mib.input.json");
            std::fs::write(&input, &blob).unwrap();
            let c = cli(&["run", definition.to_str().unwrap(), "--input", input.to_str().unwrap()]);
            assert_refused(&c, "262144", "a 50 MiB input file");
        });
        timed("a definition with a 50 MiB Comment", || {
            let definition = format!(r#"{{"Comment": "{}", "StartAt": "A", "States": {{"A": {{"Type": "Succeed"}}}}}}"#, "c".repeat(50 << 20));
            // AWS refuses definitions over 1 MiB; here a clear error or a quick validation will do.
            let _ = engine("a 50 MiB definition", || Simulator::new(&definition, Options::default()));
        });
    }
}

hostile! {
    /// A definition with a million states: validated (or refused) well within the time
    /// limit, and its run bounded by the event limit. (Measured: about 14 s and 1.9 GB in
    /// the debug profile, 12 s in release, for 47 MB of text. AWS refuses definitions
    /// over 1 MiB; refusing them likewise, before parsing, would make this instant.)
    fn a_million_states_validate_in_bounded_time() {
        let n = 1_000_000;
        let mut text = String::with_capacity(50 * n);
        text.push_str("{\"StartAt\": \"S0\", \"States\": {");
        for i in 0..n - 1 {
            text.push_str(&format!("\"S{i}\": {{\"Type\": \"Pass\", \"Next\": \"S{}\"}}, ", i + 1));
        }
        text.push_str(&format!("\"S{}\": {{\"Type\": \"Succeed\"}}}}}}", n - 1));
        let outcome = timed("validate a million states", || engine("a million states", || Simulator::new(&text, Options::default())));
        if let Ok(sim) = outcome {
            let ex = sim.start(Value::empty_object()).unwrap();
            let o = timed("run a million states", || finish("a million states", &sim, ex));
            assert_at_event_limit(&o, 25_000, "a million states");
        }
    }
}

// ---------------------------------------------------------------- endless work

/// Machines that never end by themselves.
const ENDLESS: &[(&str, &str)] = &[
    (
        "a Pass/Choice loop",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Choice", "Choices": [{"Variable": "$.never", "IsPresent": true, "Next": "C"}], "Default": "A"}, "C": {"Type": "Succeed"}}}"#,
    ),
    (
        "a Wait loop",
        r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "Next": "B"}, "B": {"Type": "Choice", "Choices": [{"Variable": "$.never", "IsPresent": true, "Next": "C"}], "Default": "W"}, "C": {"Type": "Succeed"}}}"#,
    ),
    (
        "a retry that never gives up",
        r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 99999999, "BackoffRate": 1.0}], "End": true}}}"#,
    ),
    (
        "a Catch that loops",
        r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "T"}], "End": true}}}"#,
    ),
    (
        "a Parallel in a loop",
        r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [{"StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}}, {"StartAt": "Y", "States": {"Y": {"Type": "Wait", "Seconds": 1, "End": true}}}], "ResultPath": null, "Next": "B"}, "B": {"Type": "Choice", "Choices": [{"Variable": "$.never", "IsPresent": true, "Next": "C"}], "Default": "P"}, "C": {"Type": "Succeed"}}}"#,
    ),
    (
        "a Map in a loop",
        r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}}, "ResultPath": null, "Next": "B"}, "B": {"Type": "Choice", "Choices": [{"Variable": "$.never", "IsPresent": true, "Next": "C"}], "Default": "M"}, "C": {"Type": "Succeed"}}}"#,
    ),
    (
        "a loop inside every Map iteration",
        r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "Y"}, "Y": {"Type": "Choice", "Choices": [{"Variable": "$.never", "IsPresent": true, "Next": "Z"}], "Default": "X"}, "Z": {"Type": "Succeed"}}}, "End": true}}}"#,
    ),
    (
        "a distributed Map whose iterations loop",
        r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "Y"}, "Y": {"Type": "Choice", "Choices": [{"Variable": "$.never", "IsPresent": true, "Next": "Z"}], "Default": "X"}, "Z": {"Type": "Succeed"}}}, "End": true}}}"#,
    ),
];

fn always_failing_mocks() -> Mocks {
    Mocks::from_value(&parse(r#"{"T": {"Throw": {"Error": "Nope", "Cause": "always"}}}"#), None, None).unwrap()
}

hostile! {
    /// Cycles with no exit end at the 25,000-event limit as FAILED (States.Runtime),
    /// and at whatever `max_events` says, from 0 up.
    fn endless_loops_stop_at_the_event_limit() {
        let input = parse(&format!("{{\"items\": {}}}", Value::array(vec![Value::from(1i64); 40]).to_json()));
        for (name, definition) in ENDLESS {
            let o = timed(name, || run_with(definition, input.clone(), Options { mocks: always_failing_mocks(), ..Options::default() }));
            if name.contains("distributed") {
                // Child executions record their events elsewhere; the parent must still end.
                assert!(o.status.is_finished(), "{name}: {:?}", o.status);
                assert_failed(&o, &["States.Runtime", "States.ExceedToleratedFailureThreshold"], name);
            } else {
                assert_at_event_limit(&o, 25_000, name);
            }
        }
        let (name, definition) = ENDLESS[0];
        for max_events in [0, 1, 2, 3, 1_000_000] {
            let o = timed(&format!("{name}, max_events {max_events}"), || {
                run_with(definition, Value::empty_object(), Options { max_events, ..Options::default() })
            });
            assert_at_event_limit(&o, max_events.max(2), &format!("max_events {max_events}"));
        }
        // A raised limit is capped (was a gap: any value was taken, and an endless loop under
        // usize::MAX ran until memory ran out).
        let o = timed(&format!("{name}, max_events usize::MAX"), || {
            run_with(definition, Value::empty_object(), Options { max_events: usize::MAX, ..Options::default() })
        });
        assert_at_event_limit(&o, asl_sim::engine::MAX_EVENTS, "max_events usize::MAX");
        let o = timed("a finite machine with max_events usize::MAX", || {
            run_with(&pass("\"x\": 1"), Value::empty_object(), Options { max_events: usize::MAX, ..Options::default() })
        });
        assert_eq!(o.status, Status::Succeeded);
        let o = timed("a Wait loop under TimeoutSeconds", || {
            run(&ENDLESS[1].1.replacen("{\"StartAt\"", "{\"TimeoutSeconds\": 3600, \"StartAt\"", 1), "{}")
        });
        assert_eq!(o.status, Status::TimedOut, "{:?} {:?}", o.error, o.cause);
        // Long waits in a loop: a Standard execution's one-year maximum ends it first.
        let o = timed("a loop of long Waits", || run(&ENDLESS[1].1.replacen("\"Seconds\": 1,", "\"Seconds\": 99999999,", 1), "{}"));
        assert_eq!((o.status, o.stop.as_str()), (Status::TimedOut, "2024-12-31T00:00:00.000Z"));
    }
}

hostile! {
    /// Each iteration of a distributed Map is a child execution, whose events the parent's
    /// history does not record: one that loops must still stop at the event limit, as any
    /// execution does. Was a bug, found by the determinism generator: nothing bounded a
    /// child but the step's budget of 10,000,000 units of work, all spent inside one
    /// `step()`; with JSONata conditions over a modest input, that one step took four
    /// minutes (a frozen tab in the playground).
    fn looping_child_executions_stop_at_the_event_limit() {
        let definition = r#"{"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {"Type": "Map", "Items": "{% $states.input.items %}",
          "ItemSelector": {"all": "{% $states.context.Execution.Input %}"},
          "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "StartAt": "Loop",
            "States": {"Loop": {"Type": "Choice", "Choices": [{"Condition": "{% $count($states.input.all.items) > 0 %}", "Next": "Loop"}], "Default": "Done"}, "Done": {"Type": "Succeed"}}},
          "End": true}}}"#;
        let input = parse(&format!(r#"{{"items": {}, "pad": "{}"}}"#, Value::array(vec![Value::from(1i64); 40]).to_json(), "p".repeat(20_000)));
        for max_events in [1_000, 25_000] {
            let started = Instant::now();
            let o = timed(&format!("40 looping child executions, max_events {max_events}"), || {
                run_with(definition, input.clone(), Options { max_events, ..Options::default() })
            });
            assert_failed(&o, &["States.Runtime", "States.ExceedToleratedFailureThreshold"], "looping children");
            assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
        }
    }
}

hostile! {
    /// Map over huge item lists: bounded by the payload limit or the event limit.
    fn huge_maps_are_bounded() {
        let map = |config: &str, distributed: bool| {
            let processor = if distributed { "\"ProcessorConfig\": {\"Mode\": \"DISTRIBUTED\", \"ExecutionType\": \"EXPRESS\"}," } else { "" };
            format!(
                r#"{{"StartAt": "M", "States": {{"M": {{"Type": "Map", "ItemsPath": "$.items", {config} "ItemProcessor": {{{processor} "StartAt": "X", "States": {{"X": {{"Type": "Pass", "End": true}}}}}}, "End": true}}}}}}"#
            )
        };
        // 100,000 items fit in 256 KiB as [0,0,…].
        let items = Value::array(vec![Value::from(0i64); 100_000]);
        let mut m = Map::default();
        m.insert(Rc::from("items"), items);
        let input = Value::object(m);
        for config in ["", "\"MaxConcurrency\": 1,", "\"MaxConcurrency\": 2, \"ToleratedFailurePercentage\": 100,"] {
            let o = timed(&format!("an inline Map over 100,000 items {config}"), || run_with(&map(config, false), input.clone(), Options::default()));
            assert_at_event_limit(&o, 25_000, config);
        }
        // A distributed Map's iterations are child executions, recorded elsewhere: it may
        // succeed, as long as it ends in time.
        let o = timed("a distributed Map over 100,000 items", || run_with(&map("", true), input.clone(), Options::default()));
        assert!(o.status.is_finished(), "{:?}", o.status);
        let o = timed("a Map over a million mocked items", || {
            let definition = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "ResultSelector": {"items.$": "$.Payload"}, "Next": "M"},
              "M": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}}, "End": true}}}"#;
            let million = Value::array((0..1_000_000).map(Value::from).collect());
            let mut r = Map::default();
            r.insert(Rc::from("Return"), million);
            let mut m = Map::default();
            m.insert(Rc::from("T"), Value::object(r));
            let mocks = Mocks::from_value(&Value::object(m), None, None).unwrap();
            run_with(definition, Value::empty_object(), Options { mocks, ..Options::default() })
        });
        assert_failed(&o, &["States.DataLimitExceeded"], "a million mocked items");
        let o = timed("Maps nested 1,000 × 1,000 (ArrayRange)", || {
            let inner = r#"{"Type": "Map", "ItemsPath": "States.ArrayRange(1, 1000, 1)", "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}}, "End": true}"#;
            let definition = format!(
                r#"{{"StartAt": "R", "States": {{"R": {{"Type": "Pass", "Parameters": {{"items.$": "States.ArrayRange(1, 1000, 1)"}}, "Next": "M"}},
                  "M": {{"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {{"StartAt": "I", "States": {{"I": {{"Type": "Pass", "Parameters": {{"items.$": "States.ArrayRange(1, 1000, 1)"}}, "Next": "N"}}, "N": {}}}}}, "End": true}}}}}}"#,
                inner.replace("States.ArrayRange(1, 1000, 1)", "$.items")
            );
            run(&definition, "{}")
        });
        assert_at_event_limit(&o, 25_000, "nested Maps");
    }
}

// ---------------------------------------------------------------- values

hostile! {
    /// Intrinsic functions with absurd arguments fail the state (States.IntrinsicFailure)
    /// or succeed; none panics, overflows or allocates without bound.
    fn intrinsics_with_absurd_arguments() {
        let big = "a".repeat(200_000);
        let cases: &[(&str, String)] = &[
            ("States.ArrayRange(1, 9223372036854775807, 1)", "{}".into()),
            ("States.ArrayRange(-9223372036854775808, 9223372036854775807, 1)", "{}".into()),
            ("States.ArrayRange(9223372036854775807, -9223372036854775808, -1)", "{}".into()),
            ("States.ArrayRange(-9223372036854775808, 9223372036854775807, 9223372036854775807)", "{}".into()),
            ("States.ArrayRange(1, 10, 0)", "{}".into()),
            ("States.ArrayRange($.a, $.b, $.c)", r#"{"a": -1e308, "b": 1e308, "c": 1e-308}"#.into()),
            ("States.ArrayRange($.a, $.b, 1)", r#"{"a": 0, "b": 123456789012345678901234567890}"#.into()),
            ("States.MathAdd(9223372036854775807, 1)", "{}".into()),
            ("States.MathAdd(-9223372036854775808, -1)", "{}".into()),
            ("States.MathAdd($.a, $.a)", r#"{"a": 1e308}"#.into()),
            ("States.MathAdd($.a, $.b)", r#"{"a": 1.7976931348623157e308, "b": -0}"#.into()),
            ("States.MathAdd($.a, 1)", r#"{"a": 123456789012345678901234567890}"#.into()),
            ("States.MathRandom(-9223372036854775808, 9223372036854775807)", "{}".into()),
            ("States.MathRandom(5, 5)", "{}".into()),
            ("States.MathRandom(10, 1)", "{}".into()),
            ("States.MathRandom(1, 10, -9223372036854775808)", "{}".into()),
            ("States.MathRandom($.a, $.b)", r#"{"a": -1e308, "b": 1e308}"#.into()),
            ("States.ArrayPartition($.a, 9223372036854775807)", r#"{"a": [1, 2, 3]}"#.into()),
            ("States.ArrayPartition($.a, -9223372036854775808)", r#"{"a": [1, 2, 3]}"#.into()),
            ("States.ArrayPartition($.a, 1)", format!("{{\"a\": {}}}", Value::array(vec![Value::from(0i64); 60_000]).to_json())),
            ("States.ArrayGetItem($.a, 9223372036854775807)", r#"{"a": [1]}"#.into()),
            ("States.ArrayGetItem($.a, -1)", r#"{"a": [1]}"#.into()),
            ("States.ArrayUnique($.a)", format!("{{\"a\": {}}}", Value::array((0..40_000).map(Value::from).collect()).to_json())),
            ("States.ArrayContains($.a, $.a)", format!("{{\"a\": {}}}", Value::array((0..40_000).map(Value::from).collect()).to_json())),
            ("States.ArrayLength($.a)", r#"{"a": "not an array"}"#.into()),
            ("States.StringSplit($.s, ',')", format!("{{\"s\": \"{}\"}}", ",".repeat(200_000))),
            ("States.StringSplit($.s, $.s)", format!("{{\"s\": \"{big}\"}}")),
            ("States.Hash($.s, 'SHA-512')", format!("{{\"s\": \"{big}\"}}")),
            ("States.Hash($.s, 'MD4')", r#"{"s": "x"}"#.into()),
            ("States.Base64Encode($.s)", format!("{{\"s\": \"{big}\"}}")),
            ("States.Base64Decode($.s)", format!("{{\"s\": \"{}\"}}", "QUJD".repeat(50_000))),
            ("States.Base64Decode($.s)", r#"{"s": "//79/A=="}"#.into()),
            ("States.Base64Decode('!!!!')", "{}".into()),
            ("States.Format($.t, $.a)", format!("{{\"t\": \"{}\", \"a\": 1}}", "{}".repeat(100_000))),
            ("States.Format('{}', $.a)", format!("{{\"a\": {}}}", Value::array(vec![Value::from("x"); 60_000]).to_json())),
            ("States.StringToJson($.s)", format!("{{\"s\": {}}}", Value::from(nested("[", "", "]", 600).as_str()).to_json())),
            ("States.StringToJson($.s)", r#"{"s": "{\"a\": 1e400}"}"#.into()),
            ("States.StringToJson($.s)", r#"{"s": "\"\\ud800\""}"#.into()),
            ("States.JsonToString($)", r#"{"a": -0.0, "b": 1e21, "c": 5e-324, "d": 1.7976931348623157e308}"#.into()),
            ("States.JsonMerge($.a, $.a, false)", format!("{{\"a\": {}}}", nested("{\"a\": ", "1", "}", 400))),
            ("States.UUID()", "{}".into()),
        ];
        for (expression, input) in cases {
            let what = format!("{expression} on {}", short(input));
            let o = timed(&what, || run(&pass(&format!("\"r.$\": \"{expression}\"")), input));
            match o.status {
                Status::Succeeded => {}
                _ => assert_failed(&o, &["States.IntrinsicFailure", "States.Runtime", "States.DataLimitExceeded"], &what),
            }
        }
    }
}

hostile! {
    /// Waits of 99,999,999 seconds complete at once in virtual time; timestamps far out
    /// of range are refused or compared, never overflow the clock.
    fn far_away_times() {
        // A Wait beyond a Standard execution's one-year maximum times it out at the year.
        let o = timed("Wait 99,999,999 seconds", || run(r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 99999999, "End": true}}}"#, "{}"));
        assert_eq!(o.status, Status::TimedOut);
        assert_eq!(o.stop, "2024-12-31T00:00:00.000Z");
        let wait_path = r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "TimestampPath": "$.t", "Next": "P"}, "P": {"Type": "Pass", "Parameters": {"now.$": "$$.State.EnteredTime"}, "End": true}}}"#;
        for t in ["+999999-01-01T00:00:00Z", "-999999-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "2024-02-30T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T23:59:60Z", "2024-01-01T00:00:00.123456789012345678901234567890Z", "2024-01-01T00:00:00+99:99", "２０２４-01-01T00:00:00Z", "", "x"] {
            let o = timed(&format!("TimestampPath {t:?}"), || run(wait_path, &format!("{{\"t\": {}}}", Value::from(t).to_json())));
            match o.status {
                // A far-future timestamp: the execution's one-year maximum comes first.
                Status::Succeeded | Status::TimedOut => {}
                _ => assert_failed(&o, &["States.Runtime"], t),
            }
        }
        // SecondsPath and JSONata Seconds: at most 99,999,999, as the literal field (was a
        // gap: any 64-bit value was a wait until the year 292,278,994).
        let seconds_path = r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.s", "End": true}}}"#;
        let seconds_jsonata = r#"{"QueryLanguage": "JSONata", "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": "{% $states.input.s %}", "End": true}}}"#;
        for (definition, error) in [(seconds_path, "States.Runtime"), (seconds_jsonata, "States.QueryEvaluationError")] {
            for s in ["9223372036854775807", "100000000", "-9223372036854775808", "1e300", "123456789012345678901234567890", "0.5", "\"10\""] {
                let o = timed(&format!("Seconds {s}"), || run(definition, &format!("{{\"s\": {s}}}")));
                assert_failed(&o, &[error], s);
            }
            let o = timed("Seconds 99999999", || run(definition, r#"{"s": 99999999}"#));
            assert_eq!(o.status, Status::TimedOut, "{:?} (beyond the one-year maximum)", o.cause);
            assert_eq!(o.stop, "2024-12-31T00:00:00.000Z");
        }
        let chain = r#"{"TimeoutSeconds": 99999999, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 99999999, "Next": "T"},
          "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f", "at.$": "$$.State.EnteredTime"}, "TimeoutSeconds": 99999999, "HeartbeatSeconds": 99999998, "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 99999999, "MaxAttempts": 3}], "End": true}}}"#;
        for start in [i64::MIN, i64::MIN / 2, -62_167_219_200_000, 0, 253_402_300_799_999, i64::MAX / 2, i64::MAX - 1, i64::MAX] {
            let o = timed(&format!("start time {start} ms, long waits, timeouts and retries"), || {
                run_with(chain, Value::empty_object(), Options { start_time: start, mocks: always_failing_mocks(), ..Options::default() })
            });
            assert!(o.status.is_finished(), "start {start}: {:?}", o.status);
        }
        timed("format and parse extreme times", || {
            for ms in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX] {
                let text = engine("format_context_timestamp", || format_context_timestamp(ms));
                let _ = engine("parse_timestamp", || parse_timestamp(&text));
            }
            for t in ["", "2024", "2024-01-01T00:00:00", "2024-01-01T00:00:00.Z", "9999999999-01-01T00:00:00Z", "2024-01-01T00:00:00\u{e9}Z", "2024-01-01T00:00:00+01:0\u{e9}"] {
                assert!(engine(t, || parse_timestamp(t)).is_none(), "{t:?} parsed");
            }
        });
        timed("absurd start times through the CLI", || {
            let definition = scratch("wait.asl.json");
            std::fs::write(&definition, r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 99999999, "End": true}}}"#).unwrap();
            for t in ["+999999-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "garbage", ""] {
                let c = cli(&["run", definition.to_str().unwrap(), "--start-time", t]);
                if c.code == 2 {
                    assert_refused(&c, "--start-time", t);
                } else {
                    // The Wait outlasts a Standard execution's one year: TIMED_OUT (exit 1).
                    assert_eq!(c.code, 1, "{t}: {}", c.stdout);
                    assert!(c.stdout.contains("TIMED_OUT"), "{t}: {}", c.stdout);
                }
            }
        });
    }
}

hostile! {
    /// Numbers at the edges: out of range is a parse error; -0, subnormals, the largest
    /// double and integers beyond 64 bits pass through Pass, Choice and paths.
    fn numbers_at_the_edges() {
        timed("numbers out of range", || {
            for text in ["1e400", "-1e400", "[1e309]", "{\"a\": 1e99999999999}"] {
                let e = engine(text, || json::parse(text)).expect_err(text);
                assert!(e.message.contains("out of range"), "{text}: {e}");
            }
        });
        let input = r#"{"z": -0, "zf": -0.0, "tiny": 5e-324, "max": 1.7976931348623157e308, "min": -1.7976931348623157e308,
            "big": 123456789012345678901234567890, "i64max": 9223372036854775807, "past": 9223372036854775808, "i64min": -9223372036854775808, "e": 1E+2}"#;
        let definition = r#"{"StartAt": "C", "States": {
          "C": {"Type": "Choice", "Choices": [
            {"And": [{"Variable": "$.max", "NumericGreaterThanPath": "$.big"}, {"Variable": "$.z", "NumericEquals": 0}, {"Variable": "$.zf", "NumericEqualsPath": "$.z"},
                     {"Variable": "$.tiny", "NumericGreaterThan": 0}, {"Variable": "$.past", "NumericGreaterThanPath": "$.i64min"}, {"Variable": "$.min", "NumericLessThan": -1e308}], "Next": "P"}],
            "Default": "Wrong"},
          "P": {"Type": "Pass", "Parameters": {"all.$": "$", "filtered.$": "$[?(@.max > 1e308)]", "sum.$": "States.MathAdd($.i64max, 0)", "text.$": "States.JsonToString($)"}, "End": true},
          "Wrong": {"Type": "Fail", "Error": "Wrong"}}}"#;
        let o = timed("edge numbers through Choice, paths and intrinsics", || run(definition, input));
        assert_eq!(o.status, Status::Succeeded, "{:?} {:?}", o.error, o.cause);
        let output = o.output.unwrap();
        let all = output.get("all").unwrap();
        assert_eq!(json::parse(&all.to_json()).unwrap(), *all, "edge numbers survive a round trip");
        assert_eq!(serde_json::to_string(all).map(|s| s.is_empty()).ok(), Some(false));
        let o = timed("MathAdd past the largest double", || run(&pass("\"r.$\": \"States.MathAdd($.max, $.max)\""), input));
        assert_failed(&o, &["States.IntrinsicFailure"], "1e308 + 1e308");
    }
}

hostile! {
    /// `StringMatches` with patterns made to backtrack (`*a*a*…*b` against `aaaa…`)
    /// stays linear.
    fn string_matches_does_not_backtrack() {
        let subject = Value::from("a".repeat(200_000).as_str()).to_json();
        for pattern in [format!("{}*b", "*a".repeat(40)), format!("{}b", "*".repeat(100_000)), format!("{}*", "a*".repeat(30_000)), "\\\\*\\\\\\\\*\\\\".to_string()] {
            let definition = format!(
                r#"{{"StartAt": "C", "States": {{"C": {{"Type": "Choice", "Choices": [{{"Variable": "$.s", "StringMatches": {}, "Next": "Y"}}], "Default": "N"}}, "Y": {{"Type": "Succeed"}}, "N": {{"Type": "Succeed"}}}}}}"#,
                Value::from(pattern.as_str()).to_json()
            );
            let started = Instant::now();
            let o = timed(&format!("StringMatches {}", short(&pattern)), || run(&definition, &format!("{{\"s\": {subject}}}")));
            assert_eq!(o.status, Status::Succeeded);
            assert!(started.elapsed() < Duration::from_secs(5), "{}: {:?}", short(&pattern), started.elapsed());
        }
    }
}

// ---------------------------------------------------------------- mocks, options, callers

hostile! {
    /// Mocks of the wrong shape are refused with a message; odd but valid ones run.
    fn mocks_of_the_wrong_shape() {
        let refused = [
            "[]",
            "\"x\"",
            "null",
            "{\"T\": 5}",
            "{\"T\": []}",
            "{\"T\": [1]}",
            "{\"T\": {}}",
            "{\"T\": {\"Return\": 1, \"Throw\": {}}}",
            "{\"T\": {\"Throw\": \"x\"}}",
            "{\"T\": {\"Return\": 1, \"DelaySeconds\": -1}}",
            "{\"T\": {\"Return\": 1, \"DelaySeconds\": 100000000}}",
            "{\"T\": {\"Return\": 1, \"DelaySeconds\": 1.5}}",
            "{\"T\": {\"Return\": 1, \"DelaySeconds\": \"5\"}}",
            "{\"T\": {\"Return\": 1, \"Delay\": 5}}",
            "{\"StateMachines\": 5}",
            "{\"StateMachines\": {}}",
            "{\"StateMachines\": {\"M\": {}}}",
            "{\"StateMachines\": {\"M\": {\"TestCases\": {\"C\": {\"T\": 5}}}}}",
            // A test case naming a response that does not exist is a warning (Mocks::warnings), not refused.
            "{\"StateMachines\": {\"M\": {\"TestCases\": {\"C\": {\"T\": \"R\"}}}}, \"MockedResponses\": {\"R\": {\"0-99999999999\": {\"Return\": 1}}}}",
            "{\"StateMachines\": {\"M\": {\"TestCases\": {\"C\": {\"T\": \"R\"}}}}, \"MockedResponses\": {\"R\": {\"0-18446744073709551615\": {\"Return\": 1}}}}",
            "{\"StateMachines\": {\"M\": {\"TestCases\": {\"C\": {\"T\": \"R\"}}}}, \"MockedResponses\": {\"R\": {\"5-2\": {\"Return\": 1}}}}",
            "{\"StateMachines\": {\"M\": {\"TestCases\": {\"C\": {\"T\": \"R\"}}}}, \"MockedResponses\": {\"R\": {\"-1\": {\"Return\": 1}}}}",
            "{\"StateMachines\": {\"M\": {\"TestCases\": {\"C\": {\"T\": \"R\"}}}}, \"MockedResponses\": {\"R\": {\"x\": {\"Return\": 1}}}}",
            "{\"StateMachines\": {\"M\": {\"TestCases\": {\"C\": {\"T\": \"R\"}}}, \"N\": {}}, \"MockedResponses\": {}}",
        ];
        timed("refused mocks", || {
            for text in refused {
                let v = parse(text);
                let e = engine(text, || Mocks::from_value(&v, None, None)).err().unwrap_or_else(|| panic!("{text} was accepted"));
                assert!(!e.is_empty(), "{text}: an empty message");
            }
            let v = parse(refused[refused.len() - 1]);
            assert!(engine("unknown names", || Mocks::from_value(&v, Some("nope"), Some("nobody"))).is_err());
        });
        timed("odd but valid mocks", || {
            let definition = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Next": "T"}, "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"}, "TimeoutSeconds": 5, "End": true}}}"#;
            for text in [
                r#"{"P": {"Return": 1}, "Nobody": {"Return": 2}, "T": {"Return": null}}"#,
                r#"{"T": {"Throw": {"Error": {"an": "object"}, "Cause": [1, 2]}}}"#,
                r#"{"T": {"Throw": {}}}"#,
                r#"{"T": {"Throw": {"Error": "States.Timeout"}}}"#,
                r#"{"T": {"Throw": {"Error": "States.HeartbeatTimeout"}}}"#,
                r#"{"T": {"Return": 1, "DelaySeconds": 99999999}}"#,
                r#"{"StateMachines": {"M": {"TestCases": {"C": {"T": "R"}}}}, "MockedResponses": {"R": {"1-9999": {"Return": 1}}}}"#,
            ] {
                let mocks = engine(text, || Mocks::from_value(&parse(text), None, None)).unwrap_or_else(|e| panic!("{text}: {e}"));
                let o = timed(text, || run_with(definition, Value::empty_object(), Options { mocks, ..Options::default() }));
                assert!(o.status.is_finished() || o.status == Status::Paused, "{text}: {:?}", o.status);
            }
        });
        timed("mocks of the wrong shape through the CLI", || {
            let definition = scratch("pass.asl.json");
            std::fs::write(&definition, pass("\"x.$\": \"$\"")).unwrap();
            let mocks = scratch("wrong.mocks.json");
            std::fs::write(&mocks, "{\"P\": {\"Return\": 1, \"Throw\": {}}}").unwrap();
            assert_refused(&cli(&["run", definition.to_str().unwrap(), "--mocks", mocks.to_str().unwrap()]), "mocks", "mocks with both Return and Throw");
        });
    }
}

hostile! {
    /// Absurd option values and misuse of the execution's API: errors with a code, never
    /// a panic; the CLI refuses bad flags with exit status 2.
    fn absurd_options_and_misuse() {
        timed("seeds, limits and times at their extremes", || {
            for seed in [0, 1, u64::MAX, 1 << 63] {
                let o = run_with(&pass("\"u.$\": \"States.UUID()\", \"r.$\": \"States.MathRandom(-9223372036854775808, 9223372036854775807)\""), Value::empty_object(), Options { seed, ..Options::default() });
                assert_eq!(o.status, Status::Succeeded, "seed {seed}");
            }
        });
        timed("answers, heartbeats and stops out of turn", || {
            let definition = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"}, "End": true}}}"#;
            let sim = simulator(definition, Options::default());
            let mut ex = sim.start(Value::empty_object()).unwrap();
            engine("misuse", || {
                assert!(ex.send_task_success("", Value::Null).is_err());
                assert!(ex.send_task_failure("nope", "", "").is_err());
                assert!(ex.send_task_heartbeat(&"x".repeat(1 << 20)).is_err());
                ex.run(Some(0));
                ex.run(Some(u64::MAX));
                ex.run_until("Nowhere", Some(u64::MAX));
                ex.run_until("", None);
                ex.inspect("Nowhere");
                ex.variables("");
                for _ in 0..5 {
                    ex.step_back();
                }
                ex.run(None);
                let token = ex.waiting_for()[0].token.clone();
                ex.send_task_heartbeat(&token).unwrap();
                ex.send_task_success(&token, Value::Null).unwrap();
                assert!(ex.send_task_success(&token, Value::Null).is_err(), "a token is answered once");
                ex.stop(Some(&"e".repeat(1 << 20)), None).ok();
                assert!(ex.stop(None, None).is_err(), "stopping a finished execution");
                ex.run(None);
                ex.step();
                ex.step_back();
                ex.step_back();
                ex.history().to_json();
            });
        });
        timed("absurd CLI flags", || {
            let definition = scratch("pass.asl.json");
            std::fs::write(&definition, pass("\"x.$\": \"$\"")).unwrap();
            let d = definition.to_str().unwrap();
            for (args, needle) in [
                (vec!["--max-events", "0"], "--max-events"),
                (vec!["--max-events", "1"], "--max-events"),
                (vec!["--max-events", "-1"], "--max-events"),
                (vec!["--max-events", "18446744073709551616"], "--max-events"),
                (vec!["--max-events", "1e9"], "--max-events"),
                (vec!["--seed", "-1"], "--seed"),
                (vec!["--seed", "18446744073709551616"], "--seed"),
                (vec!["--seed", "0x10"], "--seed"),
                (vec!["--start-time", "yesterday"], "--start-time"),
                (vec!["--max-events"], "--max-events"),
                (vec!["--frobnicate"], "unknown option"),
                (vec!["--input", "/nonexistent/input.json"], "cannot read"),
                (vec!["--mocks", "/"], "cannot read"),
                (vec!["--input", "-", "--input-json", "{}"], "not both"),
            ] {
                let mut all = vec!["run", d];
                all.extend(args.iter());
                assert_refused(&cli(&all), needle, &args.join(" "));
            }
            let c = cli(&["run", d, "--max-events", "18446744073709551615", "--seed", "18446744073709551615"]);
            assert_eq!(c.code, 0, "the largest values are allowed: {}", c.stdout);
            assert_refused(&cli(&["run", "/nonexistent.asl.json"]), "cannot read", "a missing definition");
            assert_refused(&cli(&["run", "/"]), "cannot read", "a folder as the definition");
            assert_refused(&cli(&[]), "expected a command", "no command");
        });
    }
}

hostile! {
    /// Files that are not UTF-8 text, through the CLI: refused with a message.
    fn invalid_utf8_through_the_cli() {
        let valid = pass("\"x.$\": \"$\"");
        let definition = scratch("pass.asl.json");
        std::fs::write(&definition, &valid).unwrap();
        let d = definition.to_str().unwrap();
        // Each variant puts its bytes inside the string "x" of the valid text.
        let with = |bytes: &[u8]| -> Vec<u8> {
            let at = valid.find("\"x").unwrap() + 1;
            [&valid.as_bytes()[..at], bytes, &valid.as_bytes()[at..]].concat()
        };
        let variants: [(&str, Vec<u8>); 5] = [
            ("a 0xFF byte", with(&[0xFF])),
            ("an overlong encoding", with(&[0xC0, 0xAF])),
            ("an encoded surrogate", with(&[0xED, 0xA0, 0x80])),
            ("a truncated sequence", with(&[0xE2, 0x82])),
            ("a UTF-16 code unit", with(&[0x3D, 0xD8])),
        ];
        for (name, bytes) in &variants {
            let bad = scratch("bad.json");
            std::fs::write(&bad, bytes).unwrap();
            let b = bad.to_str().unwrap();
            assert_refused(&cli(&["run", b]), "cannot read", &format!("a definition with {name}"));
            assert_refused(&cli(&["validate", b]), "cannot read", &format!("validate a definition with {name}"));
            assert_refused(&cli(&["run", d, "--input", b]), "cannot read", &format!("an input with {name}"));
            assert_refused(&cli(&["run", d, "--mocks", b]), "cannot read", &format!("mocks with {name}"));
        }
        // UTF-16 text of ASCII, a byte-order mark and NUL bytes are valid UTF-8: a JSON error, then.
        let utf16 = scratch("utf16.json");
        std::fs::write(&utf16, valid.encode_utf16().flat_map(|u| u.to_le_bytes()).collect::<Vec<u8>>()).unwrap();
        let c = cli(&["run", utf16.to_str().unwrap()]);
        assert!(c.code == 2 && c.stdout.contains("INVALID"), "UTF-16 text: {}", short(&c.stdout));
        let bom = scratch("bom.json");
        std::fs::write(&bom, format!("\u{FEFF}{valid}")).unwrap();
        let c = cli(&["run", bom.to_str().unwrap()]);
        assert_eq!(c.code, 2, "{}", c.stdout);
        let nul = scratch("nul.json");
        std::fs::write(&nul, format!("{valid}\u{0}")).unwrap();
        assert_eq!(cli(&["run", nul.to_str().unwrap()]).code, 2);
    }
}

// ---------------------------------------------------------------- JSONata

hostile! {
    /// JSONata evaluations stay within their depth, step and sequence limits.
    fn jsonata_evaluations_are_bounded() {
        let input = parse(&format!("{{\"s\": \"{}\"}}", "a".repeat(10_000)));
        for (expression, expected) in [
            ("($f := function($n){$n = 0 ? 0 : 1 + $f($n - 1)}; $f(100000))", Some("D1011")),
            ("($f := function($n){$f($n + 1)}; $f(0))", Some("D1012")),
            ("($f := function(){$f()}; $f())", Some("D1012")),
            ("$count([1..100000000])", Some("D2014")),
            ("$range(0, 100000000)", Some("D2014")),
            ("$reduce([1..10000000], function($a, $b){$a + $b})", Some("D1012")),
            ("$sort([1..1000000], function($a, $b){$a < $b})", Some("D1012")),
            ("1e308 * 10", Some("D1001")),
            ("$power(10, 400)", Some("D3061")),
            ("$eval('1 + 1')", None),
            ("$match($.s & 'c', /(a+)+b/)", None),
            ("$replace($.s, /(a|aa)+c/, 'x')", None),
            ("$parse($join([1..100000].'['))", None),
            ("$fromMillis(9e18)", None),
            ("$toMillis('+999999-01-01T00:00:00Z')", None),
            ("$formatInteger(1e300, 'w')", None),
            ("$length($pad('', 10000000))", None),
            ("$string([1..1000000])", None),
            // Strings and values that grow without a function call per byte (were gaps:
            // each of these ran out of memory, natively and in wasm).
            ("$length($pad('', 1000000000))", Some("D1013")),
            ("$reduce([1..40], function($a, $b){ $a & $a }, 'x')", Some("D1013")),
            ("$join([1..1000000].($pad('', 1000)), $pad('', 1000))", Some("D1013")),
            ("$replace($pad('', 1000000), ' ', $pad('', 1000))", Some("D1013")),
            ("$string($reduce([1..40], function($a, $b){ {'l': $a, 'r': $a} }, 1))", Some("D2015")),
            ("$reduce([1..40], function($a, $b){ {'l': $a, 'r': $a} }, 1)", Some("D2015")),
            ("$reduce([1..40], function($a, $b){ [$a, $a] }, [1])", Some("D2015")),
            ("$reduce([1..40], function($a, $b){ {'k': [$a.k, $a.k]} }, {'k': [1]})", Some("D2015")),
            ("($a := $reduce([1..40], function($x, $y){ {'k': $x, 'l': $x} }, 1); $a = $a.k)", Some("D2015")),
        ] {
            let result = timed(expression, || {
                engine(expression, || match Expression::compile(expression) {
                    Ok(e) => evaluate(&e, &input, &[], &mut FixedHost::new(1_704_067_200_000, 0)).map(|v| v.map(|v| v.to_json().len())),
                    Err(e) => Ok(Some(e.message.len())),
                })
            });
            if let Some(code) = expected {
                let e = result.expect_err(expression);
                assert_eq!(e.code.as_deref(), Some(code), "{expression}: {e}");
            }
        }
    }
}

hostile! {
    /// JSONata in a definition: runaway expressions fail the state
    /// (States.QueryEvaluationError) or its payload check (States.DataLimitExceeded).
    fn jsonata_states_are_bounded() {
        let state = |field: &str, expression: &str| {
            format!(
                r#"{{"QueryLanguage": "JSONata", "StartAt": "P", "States": {{"P": {{"Type": "Pass", {field}: {}, "End": true}}}}}}"#,
                Value::from(format!("{{% {expression} %}}").as_str()).to_json()
            )
        };
        for (field, expression) in [
            ("\"Output\"", "($f := function($n){$n = 0 ? 0 : 1 + $f($n - 1)}; $f(100000))"),
            ("\"Output\"", "($f := function($n){$f($n + 1)}; $f(0))"),
            ("\"Output\"", "[1..100000000]"),
            ("\"Output\"", "$range(0, 10000000)"),
            ("\"Output\"", "$pad('', 100000000)"),
            ("\"Output\"", "$reduce([1..40], function($a, $b){ [$a, $a] }, [1])"),
            ("\"Output\"", "$reduce([1..40], function($a, $b){ {'l': $a, 'r': $a} }, 1)"),
            ("\"Output\"", "$reduce([1..40], function($a, $b){ $a & $a }, 'x')"),
            ("\"Output\"", "$parse($join([1..100000].'['))"),
            ("\"Output\"", "1e308 * 10"),
            ("\"Output\"", "$eval('1')"),
            ("\"Output\"", "$states.input.missing.deeper"),
            ("\"Assign\"", "{'v': $pad('', 300000)}"),
        ] {
            let definition = if field.contains("Assign") {
                format!(r#"{{"QueryLanguage": "JSONata", "StartAt": "P", "States": {{"P": {{"Type": "Pass", "Assign": {{"v": {}}}, "End": true}}}}}}"#, Value::from("{% $pad('', 300000) %}").to_json())
            } else {
                state(field, expression)
            };
            let o = timed(expression, || run(&definition, "{}"));
            match o.status {
                Status::Succeeded => assert!(expression.contains("missing"), "{expression} succeeded"),
                _ => assert_failed(&o, &["States.QueryEvaluationError", "States.DataLimitExceeded", "States.Runtime"], expression),
            }
        }
    }
}
