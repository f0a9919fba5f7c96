//! `asl-sim conformance PATH…` (and `asl-sim test CASES.jsonl|DIR`): the conformance
//! runner over the AWS-recorded cases of `../shared/conformance/` (one JSON object per
//! line: definition, input, recorded mocks, expected status, output, error, cause and
//! history). It prints a line per failing case, pass rates by feature and
//! `N passed, N failed, N skipped`, where skipped counts the ignore list's cases.

use crate::{die, flags, read, USAGE};
use asl_sim::json;
use asl_sim::mocks::Mocks;
use asl_sim::{Options, Simulator, Value};
use std::collections::BTreeMap;
use std::process::exit;
use std::rc::Rc;

struct Case {
    id: String,
    value: Value,
}

fn load_cases(paths: &[String]) -> Vec<Case> {
    let mut files = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).unwrap_or_else(|e| die(format!("cannot read {}: {} (set ASL_SIM_SHARED to the shared folder)", p, e)));
        if meta.is_dir() {
            let mut entries: Vec<_> = std::fs::read_dir(p)
                .unwrap_or_else(|e| die(format!("cannot list {}: {}", p, e)))
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
                .collect();
            entries.sort();
            files.extend(entries);
        } else {
            files.push(p.into());
        }
    }
    if files.is_empty() {
        die(format!("no .jsonl case files under {}", paths.join(" ")));
    }
    let mut cases = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_else(|e| die(format!("cannot read {}: {}", f.display(), e)));
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v = json::parse(line).unwrap_or_else(|e| die(format!("{}:{}: {}", f.display(), n + 1, e)));
            let id = v.get("id").and_then(Value::as_str).unwrap_or("?").to_string();
            cases.push(Case { id, value: v });
        }
    }
    cases
}

pub(crate) fn strs(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array).map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default()
}

/// Remove the value at a `$.a.b` path relative to `expected` from both sides.
fn mask(v: &mut Value, path: &[&str]) {
    let Some((first, rest)) = path.split_first() else { return };
    if rest.is_empty() {
        if let Some(m) = v.object_mut() {
            m.shift_remove(first);
        }
        return;
    }
    if let Some(m) = v.object_mut() {
        if let Some(child) = m.get_mut(first) {
            mask(child, rest);
        }
    } else if let (Some(items), Ok(i)) = (v.array_mut(), first.parse::<usize>()) {
        if let Some(child) = items.get_mut(i) {
            mask(child, rest);
        }
    }
}

pub(crate) fn split_path(p: &str) -> Vec<String> {
    let p = p.trim_start_matches('$');
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            '[' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                let mut inner = String::new();
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                    inner.push(c);
                }
                out.push(inner.trim_matches(|c| c == '\'' || c == '"').to_string());
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn event_signature(e: &Value) -> String {
    let ty = e.get("type").and_then(Value::as_str).unwrap_or("?");
    let details = e.get("details").or_else(|| e.as_object().and_then(|m| m.iter().find(|(k, _)| k.ends_with("EventDetails")).map(|(_, v)| v)));
    match details.and_then(|d| d.get("name")).and_then(Value::as_str) {
        Some(n) => format!("{}({})", ty, n),
        None => ty.to_string(),
    }
}

/// What LocalStack's `SfnNoneRecursiveParallelTransformer` leaves of a history (cases
/// noted `history-parallel-events-reordered` were recorded through it), with the stretches
/// it sorted. From each `ParallelStateStarted` it collects the events up to the next
/// Parallel closing event (`…Succeeded`, `…Failed`, `…Aborted`, `…Exited`) and puts them
/// back sorted. A second closing event before the next `ParallelStateStarted` puts the
/// same collection back over one more event, so the first closing event is lost, and the
/// list shrinking under its loop skips the event after the second one. Its sort key is
/// each event's JSON, which a replay cannot reproduce, so the sorted stretches are
/// compared without regard to order: ours come back sorted by signature.
fn as_recorded(events: &[String]) -> (Vec<String>, Vec<std::ops::Range<usize>>) {
    let ty = |s: &str| s.split('(').next().unwrap_or("").to_string();
    let mut ev: Vec<(String, u32)> = events.iter().map(|e| (e.clone(), 0)).collect();
    let (mut start, mut sub, mut collecting, mut group) = (0usize, Vec::<String>::new(), false, 0u32);
    let mut i = 0;
    while i < ev.len() {
        let t = ty(&ev[i].0);
        if matches!(t.as_str(), "ParallelStateSucceeded" | "ParallelStateAborted" | "ParallelStateExited" | "ParallelStateFailed") {
            let mut sorted = sub.clone();
            sorted.sort();
            group += 1;
            let end = i.min(ev.len());
            ev.splice(start.min(end)..end, sorted.into_iter().map(|e| (e, group)));
            collecting = false;
        } else if t == "ParallelStateStarted" {
            collecting = true;
            sub.clear();
            start = i + 1;
        } else if collecting {
            sub.push(ev[i].0.clone());
        }
        i += 1;
    }
    let mut stretches = Vec::new();
    let mut k = 0;
    while k < ev.len() {
        let g = ev[k].1;
        let from = k;
        while k < ev.len() && ev[k].1 == g {
            k += 1;
        }
        if g != 0 && k - from > 1 {
            stretches.push(from..k);
        }
    }
    (ev.into_iter().map(|(e, _)| e).collect(), stretches)
}

/// Run one case; `Err` says how it differs from AWS.
fn run_case(case: &Value) -> Result<(), String> {
    if case.get("api").and_then(Value::as_str) == Some("TestState") {
        return crate::teststate::run_case(case);
    }
    let def = case.get("definition").ok_or("no definition")?;
    let text = def.to_json();
    let mut options = Options::default();
    // StartSyncExecution's recordings are EXPRESS executions.
    if case.get("execution_type").and_then(Value::as_str).is_some_and(|t| t.starts_with("EXPRESS")) {
        options.execution_type = asl_sim::ExecutionType::Express;
    }
    if let Some(m) = case.get("mocks").and_then(Value::as_object) {
        // The recorded results, numbered as a MockConfigFile: used exactly as AWS returned them.
        let mut responses = asl_sim::Map::default();
        let mut test_case = asl_sim::Map::default();
        for (state, list) in m.iter() {
            let mut numbered = asl_sim::Map::default();
            for (i, r) in list.as_array().unwrap_or(&[]).iter().enumerate() {
                let mut r = r.clone();
                if let Some(o) = r.object_mut() {
                    o.shift_remove("event");
                    o.shift_remove("CauseReserialised");
                }
                numbered.insert(Rc::from(i.to_string()), r);
            }
            let name: Rc<str> = Rc::from(format!("{}Mock", state));
            responses.insert(name.clone(), Value::object(numbered));
            test_case.insert(state.clone(), Value::String(name));
        }
        let mut cases = asl_sim::Map::default();
        cases.insert(Rc::from("Recorded"), Value::object(test_case));
        let mut machine = asl_sim::Map::default();
        machine.insert(Rc::from("TestCases"), Value::object(cases));
        let mut machines = asl_sim::Map::default();
        machines.insert(Rc::from("StateMachine"), Value::object(machine));
        let mut cfg = asl_sim::Map::default();
        cfg.insert(Rc::from("StateMachines"), Value::object(machines));
        cfg.insert(Rc::from("MockedResponses"), Value::object(responses));
        options.mocks = Mocks::from_value(&Value::object(cfg), None, None).map_err(|e| format!("mocks: {}", e))?;
    }
    // The buckets and objects the test created before starting the execution.
    for b in strs(case.get("s3_buckets")) {
        options.s3.create_bucket(&b);
    }
    for o in case.get("s3_fixtures").and_then(Value::as_array).unwrap_or(&[]) {
        let field = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or("");
        options.s3.insert(field("bucket"), field("key"), field("body"), 0);
    }
    let sim = Simulator::new(&text, options).map_err(|d| {
        let first: Vec<String> = d.iter().filter(|d| d.is_error()).take(3).map(|d| format!("{} {} at {}", d.code, d.message, d.pointer)).collect();
        format!("rejected: {}", first.join("; "))
    })?;
    let input = case.get("input").cloned().unwrap_or(Value::empty_object());
    let mut ex = sim.start(input).map_err(|e| e.to_string())?;
    ex.run(Some(1_000_000));
    let expected = case.get("expected").ok_or("no expected")?;
    let nondet = strs(case.get("nondeterministic"));
    let want_status = expected.get("status").and_then(Value::as_str).unwrap_or("?");
    if ex.status().as_str() != want_status {
        return Err(format!(
            "status {} (error {:?}, cause {:?}), AWS {}",
            ex.status().as_str(),
            ex.error().unwrap_or(""),
            ex.cause().map(|c| c.chars().take(200).collect::<String>()).unwrap_or_default(),
            want_status
        ));
    }
    let skip = |name: &str| nondet.iter().any(|p| p == &format!("$.{}", name));
    if let Some(want) = expected.get("error") {
        if !skip("error") && want.as_str() != ex.error() {
            return Err(format!("error {:?}, AWS {}", ex.error(), want));
        }
    }
    if let Some(want) = expected.get("cause") {
        if !skip("cause") {
            let got = ex.cause().unwrap_or("");
            let ok = if expected.get("cause_is_json").and_then(Value::as_bool) == Some(true) {
                json::parse(got).map(|g| &g == want).unwrap_or(false)
            } else {
                want.as_str() == Some(got)
            };
            if !ok {
                return Err(format!("cause {:?}, AWS {}", got, want));
            }
        }
    }
    if let Some(want) = expected.get("output") {
        let mut got = ex.output().cloned().unwrap_or(Value::Null);
        let mut want = want.clone();
        for p in &nondet {
            if let Some(rest) = p.strip_prefix("$.output") {
                let parts = split_path(rest);
                if parts.is_empty() {
                    got = Value::Null;
                    want = Value::Null;
                } else {
                    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
                    mask(&mut got, &refs);
                    mask(&mut want, &refs);
                }
            }
        }
        if got != want {
            return Err(format!("output {}, AWS {}", trunc(&got.to_json()), trunc(&want.to_json())));
        }
    }
    if let Some(hist) = case.get("history").and_then(Value::as_array) {
        let want: Vec<String> = hist.iter().map(event_signature).collect();
        let got: Vec<String> = ex.history().as_array().unwrap_or(&[]).iter().map(event_signature).collect();
        let reordered = strs(case.get("reconstruction_notes")).iter().any(|n| n == "history-parallel-events-reordered");
        let (got, stretches) = if reordered { as_recorded(&got) } else { (got, Vec::new()) };
        let mut want = want;
        let same = want.len() == got.len() && {
            for r in &stretches {
                want[r.clone()].sort();
            }
            want == got
        };
        if !same && reordered {
            let (mut missing, mut extra) = (want.clone(), Vec::new());
            for g in &got {
                match missing.iter().position(|w| w == g) {
                    Some(i) => {
                        missing.remove(i);
                    }
                    None => extra.push(g.clone()),
                }
            }
            if !missing.is_empty() || !extra.is_empty() {
                return Err(format!(
                    "history (as the recorder's Parallel transformer leaves it) differs: ours also has [{}], AWS also has [{}]",
                    extra.join(", "),
                    missing.join(", ")
                ));
            }
        }
        if !same {
            let at = want.iter().zip(&got).position(|(a, b)| a != b).unwrap_or(want.len().min(got.len()));
            return Err(format!(
                "history differs at event {}: ours [{}], AWS [{}]",
                at + 1,
                got[at.min(got.len())..].iter().take(4).cloned().collect::<Vec<_>>().join(", "),
                want[at.min(want.len())..].iter().take(4).cloned().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    Ok(())
}

pub(crate) fn trunc(s: &str) -> String {
    if s.len() > 300 {
        format!("{}…", &s[..s.char_indices().take_while(|(i, _)| *i < 300).last().map(|(i, _)| i).unwrap_or(0)])
    } else {
        s.to_string()
    }
}

pub fn conformance(args: &[String]) {
    let f = flags(args, &["--ignore", "--exclude-tag"], &["--service-free", "--verbose"]);
    if f.positional.is_empty() {
        die(format!("conformance takes case files or folders\n{}", USAGE));
    }
    let mut ignore: BTreeMap<String, String> = BTreeMap::default();
    if let Some(p) = f.get("--ignore") {
        for line in read(p).lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (id, why) = line.split_once(" # ").unwrap_or((line, ""));
            ignore.insert(id.trim().to_string(), why.trim().to_string());
        }
    }
    let excluded = f.all("--exclude-tag");
    let cases = load_cases(&f.positional);
    let (mut passed, mut failed, mut skipped, mut unexpected_pass) = (0, 0, 0, 0);
    let mut by_tag: BTreeMap<String, (u32, u32)> = BTreeMap::default();
    let mut history_cases = (0u32, 0u32);
    let mut seen = std::collections::HashSet::new();
    for case in &cases {
        let tags = strs(case.value.get("features"));
        if tags.iter().any(|t| excluded.contains(t)) {
            continue;
        }
        let service_free = case.value.get("service_free").and_then(Value::as_bool).unwrap_or(false);
        if f.has("--service-free") && !service_free {
            continue;
        }
        seen.insert(case.id.clone());
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_case(&case.value)))
            .unwrap_or_else(|_| Err("PANIC in the engine".to_string()));
        let ok = result.is_ok();
        let mut all_tags = tags.clone();
        all_tags.push(if service_free { "(service-free)".into() } else { "(with mocks)".into() });
        for t in all_tags {
            let e = by_tag.entry(t).or_default();
            e.1 += 1;
            if ok {
                e.0 += 1;
            }
        }
        if case.value.get("history").is_some() {
            history_cases.1 += 1;
            if ok || !result.as_ref().err().is_some_and(|e| e.starts_with("history")) {
                history_cases.0 += u32::from(ok);
            }
        }
        match (ok, ignore.contains_key(&case.id)) {
            (true, false) => passed += 1,
            (true, true) => {
                unexpected_pass += 1;
                outln!("UNEXPECTED PASS {} (on the ignore list: {})", case.id, ignore[&case.id]);
            }
            (false, true) => {
                skipped += 1;
                if f.has("--verbose") {
                    outln!("ignored {}: {}", case.id, result.err().unwrap_or_default());
                }
            }
            (false, false) => {
                failed += 1;
                outln!("FAIL {}: {}", case.id, result.err().unwrap_or_default());
            }
        }
    }
    let total = passed + failed + skipped + unexpected_pass;
    outln!("pass rate by feature (passed/selected, ignored cases counted as failed):");
    for (tag, (p, n)) in &by_tag {
        outln!("  {:<32} {:>4}/{:<4} {:>6.1}%", tag, p, n, 100.0 * *p as f64 / (*n).max(1) as f64);
    }
    let good = passed + unexpected_pass;
    outln!(
        "overall: {}/{} = {:.1}%; history-checked cases passing: {}/{}",
        good,
        total,
        100.0 * good as f64 / total.max(1) as f64,
        history_cases.0,
        history_cases.1
    );
    let stale: Vec<&String> = ignore.keys().filter(|k| !seen.contains(*k)).collect();
    if !stale.is_empty() && f.has("--verbose") {
        outln!("ignore-list entries not selected: {}", stale.len());
    }
    outln!("{} passed, {} failed, {} skipped", good, failed + unexpected_pass, skipped);
    exit(if failed > 0 || unexpected_pass > 0 { 1 } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::as_recorded;

    fn strings(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn the_recorders_transformer_sorts_each_parallel_and_loses_the_first_of_two_closing_events() {
        let ours = strings(&[
            "ExecutionStarted",
            "ParallelStateEntered(P)",
            "ParallelStateStarted",
            "b",
            "a",
            "ParallelStateSucceeded",
            "ParallelStateExited(P)",
            "ExecutionSucceeded",
        ]);
        let (kept, stretches) = as_recorded(&ours);
        assert_eq!(
            kept,
            strings(&[
                "ExecutionStarted",
                "ParallelStateEntered(P)",
                "ParallelStateStarted",
                "a",
                "b",
                "ParallelStateExited(P)",
                "ExecutionSucceeded"
            ])
        );
        assert_eq!(stretches, vec![3..5]);
    }

    #[test]
    fn a_nested_parallel_loses_more_and_the_event_after_a_shrink_is_skipped() {
        // As LocalStack's loop does it (checked against a Python run of its code): the inner
        // Exited puts [x] back over the inner Succeeded; the list shrinks, so the loop skips `y`
        // and meets the outer Succeeded, which puts [x] back over the inner Exited and `y`; the
        // list shrinks again and the loop ends before the outer Exited.
        let ours = strings(&[
            "ParallelStateStarted",
            "ParallelStateEntered(I)",
            "ParallelStateStarted",
            "x",
            "ParallelStateSucceeded",
            "ParallelStateExited(I)",
            "y",
            "ParallelStateSucceeded",
            "ParallelStateExited(O)",
        ]);
        let (kept, _) = as_recorded(&ours);
        assert_eq!(
            kept,
            strings(&[
                "ParallelStateStarted",
                "ParallelStateEntered(I)",
                "ParallelStateStarted",
                "x",
                "ParallelStateSucceeded",
                "ParallelStateExited(O)"
            ])
        );
    }
}
