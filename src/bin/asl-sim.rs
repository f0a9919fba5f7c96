//! The `asl-sim` command line: `run`, `validate`, `test`, `conformance`, `eval`, `bench`.
//! The only code in the crate that touches files, stdout and the environment; a
//! subcommand of some size lives in its own file under `src/bin/cli/`.

use asl_sim::definition::Severity;
use asl_sim::json;
use asl_sim::mocks::Mocks;
use asl_sim::{Options, Simulator, Status, Value};
use std::collections::BTreeMap;
use std::process::exit;
use std::rc::Rc;

const USAGE: &str = "usage:
  asl-sim run DEFINITION [--input FILE | --input-json TEXT] [--mocks FILE] [--test-case NAME] [--s3 FILE]
              [--state-machine NAME] [--seed N] [--start-time RFC3339] [--history] [--max-events N]
              [--sub KEY=VALUE]... [--substitutions FILE] [--resource LOGICAL_ID] [--auto-mock]
  asl-sim validate DEFINITION [--sub KEY=VALUE]... [--substitutions FILE] [--resource LOGICAL_ID]
              [--type STANDARD|EXPRESS] [--mocks FILE [--test-case NAME] [--state-machine NAME]]
  asl-sim validate DEFINITION.json --format aws [--type STANDARD|EXPRESS]
  asl-sim test DEFINITION --mocks MOCKCONFIG [--state-machine NAME] [--expect FILE] [--junit FILE]
               [--coverage FILE] [--inject-errors] [--input FILE | --input-json TEXT] [--seed N] [--max-events N] [--s3 FILE]
               [--sub KEY=VALUE]... [--substitutions FILE] [--resource LOGICAL_ID]
  asl-sim conformance PATH... [--ignore FILE] [--exclude-tag TAG]... [--service-free] [--verbose]
  asl-sim test CASES.jsonl|DIR...   (the conformance runner, as `conformance`)
  asl-sim test-state REQUEST.json
  asl-sim --version
  DEFINITION: ASL as JSON or YAML, or a SAM / CloudFormation template (JSON or YAML)
  asl-sim eval --jsonata EXPR [--input FILE] [--variables FILE]
  asl-sim bench --definition DEF.json --input IN.json [--mocks MOCKS.json] [--max-events N]";

fn die(msg: impl AsRef<str>) -> ! {
    eprintln!("asl-sim: {}", msg.as_ref());
    exit(2)
}

fn read(path: &str) -> String {
    if path == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).unwrap_or_else(|e| die(format!("cannot read stdin: {}", e)));
        return s;
    }
    std::fs::read_to_string(path).unwrap_or_else(|e| die(format!("cannot read {}: {}", path, e)))
}

fn parse_json(text: &str, what: &str) -> Value {
    json::parse(text).unwrap_or_else(|e| die(format!("{} is not valid JSON: {}", what, e)))
}

#[macro_use]
mod macros {
    /// `println!` that does not panic when stdout is closed (`asl-sim run … | head`).
    macro_rules! outln {
        ($($t:tt)*) => {{
            use std::io::Write;
            let _ = writeln!(std::io::stdout(), $($t)*);
        }};
    }
}

#[path = "cli/conformance.rs"]
mod conformance;
#[path = "cli/teststate.rs"]
mod teststate;
#[path = "cli/user_tests.rs"]
mod user_tests;
use conformance::conformance;

/// mimalloc instead of glibc's malloc: a run keeps its whole history and every
/// state's output in memory (about 830 MB for pass_loop at N = 1,000,000), and
/// mimalloc asks the kernel for transparent huge pages for its segments, so the
/// process takes a few hundred page faults instead of ~200,000 (the kernel's
/// time for those was a third of the run). Output is the same either way.
#[cfg(all(feature = "mimalloc", not(target_arch = "wasm32")))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("validate") => validate(&args[1..]),
        Some("test") if user_tests::is_conformance(&args[1..]) => conformance(&args[1..]),
        Some("test") => user_tests::test(&args[1..]),
        Some("conformance") => conformance(&args[1..]),
        Some("test-state") => teststate::command(&args[1..]),
        Some("eval") => eval(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("--help") | Some("-h") | Some("help") => outln!("{}", USAGE),
        Some("--version") | Some("-V") => outln!("asl-sim {}", env!("CARGO_PKG_VERSION")),
        _ => die(format!("expected a command\n{}", USAGE)),
    }
}

struct Flags {
    positional: Vec<String>,
    values: BTreeMap<String, Vec<String>>,
    switches: Vec<String>,
}

fn flags(args: &[String], with_value: &[&str], switches: &[&str]) -> Flags {
    let mut f = Flags { positional: Vec::new(), values: BTreeMap::default(), switches: Vec::new() };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if with_value.contains(&a.as_str()) {
            let v = args.get(i + 1).unwrap_or_else(|| die(format!("{} needs a value", a)));
            f.values.entry(a.clone()).or_default().push(v.clone());
            i += 2;
        } else if switches.contains(&a.as_str()) {
            f.switches.push(a.clone());
            i += 1;
        } else if a.starts_with("--") {
            die(format!("unknown option {} (see `asl-sim --help`)", a));
        } else {
            f.positional.push(a.clone());
            i += 1;
        }
    }
    f
}

impl Flags {
    fn get(&self, k: &str) -> Option<&str> {
        self.values.get(k).and_then(|v| v.last()).map(String::as_str)
    }
    fn all(&self, k: &str) -> Vec<String> {
        self.values.get(k).cloned().unwrap_or_default()
    }
    fn has(&self, k: &str) -> bool {
        self.switches.iter().any(|s| s == k)
    }
}

fn run(args: &[String]) {
    let f = flags(
        args,
        &[
            "--input",
            "--input-json",
            "--mocks",
            "--test-case",
            "--state-machine",
            "--seed",
            "--start-time",
            "--max-events",
            "--sub",
            "--substitutions",
            "--resource",
            "--s3",
            "--type",
        ],
        &["--history", "--auto-mock", "--advance-clock"],
    );
    let [def_path] = f.positional.as_slice() else { die(format!("run takes one definition file\n{}", USAGE)) };
    let (prepared, text) = definition(&f, def_path);
    let input = match (f.get("--input"), f.get("--input-json")) {
        (Some(_), Some(_)) => die("give --input or --input-json, not both"),
        (Some(p), None) => parse_json(&read(p), "the input"),
        (None, Some(t)) => parse_json(t, "--input-json"),
        (None, None) => Value::empty_object(),
    };
    let mut options = Options::default();
    if let Some(m) = f.get("--mocks") {
        let v = parse_json(&read(m), "the mocks file");
        options.mocks = Mocks::from_value(&v, f.get("--test-case"), f.get("--state-machine")).unwrap_or_else(|e| die(format!("mocks: {}", e)));
    }
    if let Some(p) = f.get("--s3") {
        options.s3 = asl_sim::s3::S3::from_json(&read(p)).unwrap_or_else(|e| die(format!("--s3: {}", e)));
    }
    if let Some(s) = f.get("--seed") {
        options.seed = s.parse().unwrap_or_else(|_| die("--seed takes a whole number"));
    }
    if let Some(t) = f.get("--start-time") {
        options.start_time =
            asl_sim::time::parse_timestamp(t).unwrap_or_else(|| die("--start-time takes an RFC 3339 date-time like 2024-01-01T00:00:00Z"));
    }
    if let Some(n) = f.get("--max-events") {
        options.max_events = n.parse().ok().filter(|n| *n >= 2).unwrap_or_else(|| die("--max-events takes a whole number of at least 2"));
    }
    if let Some(name) = f.get("--state-machine") {
        options.state_machine_name = name.to_string();
    }
    options.execution_type = execution_type(&f, &prepared);
    if options.execution_type == asl_sim::ExecutionType::Express {
        let diags = express_diagnostics(&prepared);
        if !diags.is_empty() {
            let d: Vec<_> = diags.iter().map(|d| d.positioned(&text, false)).collect();
            outln!("{}", serde_json::json!({"status": "INVALID", "diagnostics": d}));
            exit(2)
        }
    }
    let mut warnings: Vec<_> = prepared.warnings.iter().map(|d| serde_json::json!({"code": d.code, "message": d.message})).collect();
    if f.get("--mocks").is_some() || f.has("--auto-mock") {
        if let Some(machine) = asl_sim::definition::parse(&prepared.text).machine {
            let states = task_states(&machine);
            for w in options.mocks.warnings(&states) {
                warnings.push(serde_json::json!({"code": "MOCK_MATCHES_NOTHING", "message": w}));
            }
            let auto = if f.has("--auto-mock") { options.mocks.auto_mock(&states) } else { Vec::new() };
            if !auto.is_empty() {
                let message = format!("auto-mocked with an empty result (no mock given): {}", auto.join(", "));
                warnings.push(serde_json::json!({"code": "AUTO_MOCKED", "message": message, "states": auto}));
            }
        }
    }
    let sim = match Simulator::new(&prepared.text, options) {
        Ok(s) => s,
        Err(diags) => {
            let all = prepared.warnings.iter().cloned().chain(diags.iter().map(|d| prepared.to_original(d)));
            let d: Vec<_> = all.map(|d| d.positioned(&text, false)).collect();
            outln!("{}", serde_json::json!({"status": "INVALID", "diagnostics": d}));
            exit(2)
        }
    };
    let mut ex = sim.start(input).unwrap_or_else(|e| die(e.to_string()));
    ex.run(None);
    // With --advance-clock, time passes while the execution waits for an answer.
    while f.has("--advance-clock") && ex.status() == Status::Paused && ex.advance_clock().new_events > 0 {
        ex.run(None);
    }
    let mut out = outcome(&ex);
    if ex.status() == Status::Paused {
        out.insert("waitingFor".into(), serde_json::to_value(ex.waiting_for()).unwrap_or_default());
    }
    if ex.s3().has_written() {
        out.insert("s3Written".into(), serde_json::Value::from(&ex.s3_written()));
    }
    out.insert("events".into(), ex.events().len().into());
    out.insert("transitions".into(), ex.transitions().into());
    out.insert("startTime".into(), asl_sim::time::format_context_timestamp(ex.start_time()).into());
    if ex.status().is_finished() {
        out.insert("stopTime".into(), asl_sim::time::format_context_timestamp(ex.clock()).into());
    }
    if !warnings.is_empty() {
        out.insert("warnings".into(), warnings.into());
    }
    let mut line = serde_json::Value::Object(out).to_string();
    if f.has("--history") {
        // Splice the lazily built history in without converting it through serde_json.
        line.pop();
        line.push_str(",\"history\":");
        line.push_str(&ex.history().to_json());
        line.push('}');
    }
    outln!("{}", line);
    exit(match ex.status() {
        Status::Succeeded => 0,
        Status::Paused | Status::Running => 3,
        _ => 1,
    })
}

/// `status`, then `output` or `error`/`cause` where the execution has them: the head of
/// the one JSON line `run` and `bench` print.
fn outcome(ex: &asl_sim::Execution) -> serde_json::Map<String, serde_json::Value> {
    let mut out = serde_json::Map::default();
    out.insert("status".into(), ex.status().as_str().into());
    if let Some(o) = ex.output() {
        out.insert("output".into(), serde_json::Value::from(o));
    }
    if let Some(e) = ex.error() {
        out.insert("error".into(), e.into());
    }
    if let Some(c) = ex.cause() {
        out.insert("cause".into(), c.into());
    }
    out
}

fn validate(args: &[String]) {
    let f = flags(args, &["--sub", "--substitutions", "--resource", "--format", "--type", "--mocks", "--test-case", "--state-machine"], &[]);
    let [def_path] = f.positional.as_slice() else { die(format!("validate takes one definition file\n{}", USAGE)) };
    let express = match f.get("--type") {
        None | Some("STANDARD") => false,
        Some("EXPRESS") => true,
        Some(t) => die(format!("--type takes STANDARD or EXPRESS, not '{}'", t)),
    };
    match f.get("--format") {
        None => {}
        Some("aws") => {
            // AWS reads the definition as JSON text, as given.
            let response = asl_sim::aws::validate(&read(def_path), express);
            outln!("{}", serde_json::to_string(&response).unwrap_or_default());
            exit(if response.result == "OK" { 0 } else { 1 })
        }
        Some(other) => die(format!("--format takes aws, not '{}'", other)),
    }
    let (prepared, text) = definition(&f, def_path);
    let express = execution_type(&f, &prepared) == asl_sim::ExecutionType::Express;
    let mut diags = prepared.validate();
    if let Some(m) = f.get("--mocks") {
        let v = parse_json(&read(m), "the mocks file");
        let mocks = Mocks::from_value(&v, f.get("--test-case"), f.get("--state-machine")).unwrap_or_else(|e| die(format!("mocks: {}", e)));
        if let Some(machine) = asl_sim::definition::parse(&prepared.text).machine {
            diags.extend(mocks.warnings(&task_states(&machine)).into_iter().map(|w| asl_sim::Diagnostic::warning("MOCK_MATCHES_NOTHING", "", w)));
        }
    }
    if express {
        diags.extend(express_diagnostics(&prepared));
    }
    let errors = diags.iter().any(|d| d.severity == Severity::Error);
    let d: Vec<_> = diags.iter().map(|d| d.positioned(&text, false)).collect();
    outln!("{}", serde_json::json!({"diagnostics": d}));
    exit(if errors { 1 } else { 0 })
}

/// `--type`, else the template's `Type`/`StateMachineType`, else STANDARD.
fn execution_type(f: &Flags, prepared: &asl_sim::source::Prepared) -> asl_sim::ExecutionType {
    match f.get("--type").or(prepared.machine_type.as_deref()) {
        None | Some("STANDARD") => asl_sim::ExecutionType::Standard,
        Some("EXPRESS") => asl_sim::ExecutionType::Express,
        Some(t) => die(format!("--type takes STANDARD or EXPRESS, not '{}'", t)),
    }
}

/// What an EXPRESS machine may not use, pointing into the file the user gave.
fn express_diagnostics(prepared: &asl_sim::source::Prepared) -> Vec<asl_sim::Diagnostic> {
    let Ok((value, spans)) = json::parse_with_spans(&prepared.text) else { return Vec::new() };
    let mut out = Vec::new();
    for mut d in asl_sim::aws::express_diagnostics(&value) {
        d.span = spans.span(&d.pointer).unwrap_or((0, 0));
        out.push(prepared.to_original(&d));
    }
    out
}

/// The definition the user gave (ASL or a template, JSON or YAML; a SAM `DefinitionUri` read
/// beside the template), substitutions applied, and the text its diagnostics point into.
fn definition(f: &Flags, path: &str) -> (asl_sim::source::Prepared, String) {
    use asl_sim::source::{load, load_definition, Loaded};
    let text = read(path);
    match load(&text, path, &substitutions(f), f.get("--resource")).unwrap_or_else(|e| die(e)) {
        Loaded::Ready(p) => (p, text),
        Loaded::NeedsFile { path: uri, substitutions, machine_type } => {
            let file = std::path::Path::new(path).parent().unwrap_or(std::path::Path::new(".")).join(&uri);
            let file = file.to_string_lossy().into_owned();
            let def = read(&file);
            (load_definition(&def, &file, &substitutions, machine_type).unwrap_or_else(|e| die(e)), def)
        }
    }
}

/// Every state of `machine` (nested ones too) and whether it is a Task: what mocks can name.
fn task_states(machine: &asl_sim::definition::StateMachine) -> Vec<(&str, bool)> {
    machine.states.iter().map(|s| (&*s.name, matches!(s.kind, asl_sim::definition::StateKind::Task(_)))).collect()
}

/// DefinitionSubstitutions from `--substitutions FILE` (a JSON map), then each `--sub KEY=VALUE`.
fn substitutions(f: &Flags) -> indexmap::IndexMap<String, String> {
    let mut out = indexmap::IndexMap::new();
    if let Some(p) = f.get("--substitutions") {
        let text = read(p);
        let v = if asl_sim::source::is_yaml(p, &text) {
            asl_sim::source::yaml::parse(&text)
                .map(|(v, _)| v)
                .unwrap_or_else(|e| die(format!("the substitutions file: invalid YAML: {}", e.message)))
        } else {
            parse_json(&text, "the substitutions file")
        };
        let Some(o) = v.as_object() else { die("--substitutions takes a file holding a map of KEY to value") };
        for (k, v) in o.iter() {
            let text = v.as_str().map(str::to_string).unwrap_or_else(|| v.to_json());
            out.insert(k.to_string(), text);
        }
    }
    for kv in f.all("--sub") {
        let Some((k, v)) = kv.split_once('=') else { die(format!("--sub takes KEY=VALUE, not '{}'", kv)) };
        out.insert(k.to_string(), v.to_string());
    }
    out
}

/// Try a JSONata expression as AWS evaluates it: the input is `$states.input` and the
/// context `$`; variables come from a JSON object; the clock is the default start time and
/// randomness the default seed, as in `run`.
fn eval(args: &[String]) {
    let f = flags(args, &["--jsonata", "--input", "--variables"], &[]);
    let text = f.get("--jsonata").unwrap_or_else(|| die(format!("eval needs --jsonata EXPR\n{}", USAGE)));
    let text = asl_sim::query::jsonata_text(text.trim()).unwrap_or(text);
    let input = f.get("--input").map(|p| parse_json(&read(p), "the input")).unwrap_or(Value::empty_object());
    let variables = f.get("--variables").map(|p| parse_json(&read(p), "the variables")).unwrap_or(Value::empty_object());
    let Some(vars) = variables.as_object() else { die("--variables must hold a JSON object of variable names") };
    let fail = |error: &str, cause: String| -> ! {
        outln!("{}", serde_json::json!({"error": error, "cause": cause}));
        exit(1)
    };
    let expr = asl_sim::query::jsonata::Expression::compile(text)
        .unwrap_or_else(|e| fail("States.QueryEvaluationError", format!("The JSONata expression '{}' is invalid: {}", text.trim(), e)));
    let mut states = asl_sim::Map::new();
    states.insert(Rc::from("input"), input.clone());
    let mut bindings: Vec<(&str, Value)> = vec![("states", Value::object(states))];
    for (k, v) in vars.iter() {
        bindings.push((k, v.clone()));
    }
    let mut host = asl_sim::query::jsonata::FixedHost::new(asl_sim::engine::clock::DEFAULT_START, 0);
    match asl_sim::query::jsonata::evaluate(&expr, &input, &bindings, &mut host) {
        Ok(Some(v)) => {
            outln!("{{\"result\":{}}}", v.to_json());
            exit(0)
        }
        Ok(None) => fail("States.QueryEvaluationError", format!("The JSONata expression '{}' returned nothing (undefined).", text.trim())),
        Err(e) => fail("States.QueryEvaluationError", format!("The JSONata expression '{}' threw an error during evaluation. {}", text.trim(), e)),
    }
}

/// The benchmark runner contract of `../shared/bench/README.md`: one JSON line with
/// `elapsed_ms` measured inside the process (parse + validation + execution, history recorded).
fn bench(args: &[String]) {
    let f = flags(args, &["--definition", "--input", "--mocks", "--max-events", "--repeat"], &[]);
    // A machine whose size AWS's payload limit caps (map_fanout) is run several times to last long enough.
    let repeat: u32 = f.get("--repeat").map(|r| r.parse().unwrap_or_else(|_| die("--repeat takes a whole number"))).unwrap_or(1).max(1);
    let def = read(f.get("--definition").unwrap_or_else(|| die("bench needs --definition")));
    let input_text = read(f.get("--input").unwrap_or_else(|| die("bench needs --input")));
    let mocks_text = f.get("--mocks").map(read);
    let started = std::time::Instant::now();
    let mut transitions = 0u64;
    let mut last = None;
    for _ in 0..repeat {
        let input = parse_json(&input_text, "the input");
        let mut options = Options { max_events: usize::MAX, ..Options::default() };
        if let Some(n) = f.get("--max-events") {
            options.max_events = n.parse().unwrap_or_else(|_| die("--max-events takes a whole number"));
        }
        if let Some(m) = &mocks_text {
            options.mocks = Mocks::from_value(&parse_json(m, "the mocks"), None, None).unwrap_or_else(|e| die(format!("mocks: {}", e)));
        }
        let sim = Simulator::new(&def, options).unwrap_or_else(|d| die(format!("invalid definition: {:?}", d.first().map(|d| &d.message))));
        let mut ex = sim.start(input).unwrap_or_else(|e| die(e.to_string()));
        ex.run(None);
        transitions += ex.transitions();
        last = Some(ex);
    }
    let ex = last.unwrap_or_else(|| die("nothing ran"));
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    let peak_kib = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|n| n.parse::<u64>().ok()));
    let mut out = outcome(&ex);
    out.insert("transitions".into(), ex.transitions().into());
    out.insert("total_transitions".into(), transitions.into());
    out.insert("runs".into(), repeat.into());
    out.insert("events".into(), ex.events().len().into());
    out.insert("elapsed_ms".into(), elapsed.into());
    if let Some(k) = peak_kib {
        out.insert("peak_rss_kib".into(), k.into());
    }
    outln!("{}", serde_json::Value::Object(out));
}
