//! The real-world trial (`$ASL_SIM_SHARED/realworld/cases/`, 98 public definitions): every
//! substituted copy validates with no error but the four AWS rejects too; every raw copy, its
//! DefinitionSubstitutions placeholders unresolved, validates with no error (warnings only); every
//! run case ends as its `expected.txt` records (status, error, stop time on the virtual clock).
//! The figures are printed; the data must be there (the suite fails, naming the path, if not).

use asl_sim::mocks::Mocks;
use asl_sim::source::{load, prepare, Loaded, UNRESOLVED_SUBSTITUTION};
use asl_sim::{json, Options, Simulator};
use indexmap::IndexMap;
use std::path::{Path, PathBuf};

/// Definitions AWS rejects too (../shared/realworld/REPORT.md: the true positives, and the
/// INLINE Map with ItemReader/ResultWriter/Label that AWS documents as Distributed-only).
const REJECTED_BY_AWS: [&str; 4] = [
    "sfn-iot-data-analytics-dataset",
    "shared-fallback-state-jsonata",
    "app-dataquality-using-lambda",
    "guyernest__step-functions-agent__lambda__tools__batch_processor",
];

/// Run cases whose recorded outcome is asl-sim's old, wrong one (the Distributed Map's
/// ItemReader/ItemBatcher/ResultWriter were ignored): they must run to an end, but their outcome
/// is not compared, since AWS's depends on S3 objects the case does not provide.
const WRONG_BEFORE: [&str; 4] =
    ["ase-dmap-temperatures-batcher-writer", "sfwc-dmap-csv-itemreader", "sfwc-dmap-montecarlo-listobjects", "sfwc-migrate-csv-itemreader-failed"];

fn cases_dir() -> PathBuf {
    let shared = match std::env::var_os("ASL_SIM_SHARED") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    };
    let dir = shared.join("realworld/cases");
    assert!(dir.is_dir(), "the real-world cases folder {} is missing (set ASL_SIM_SHARED)", dir.display());
    dir
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read {}: {}", p.display(), e))
}

/// The `(status, error, stopTime)` of an `Observed …` line.
fn observed(line: &str) -> (String, Option<String>, Option<String>) {
    let field = |name: &str| line.split(&format!(" {name}=")).nth(1).map(|rest| rest.split(' ').next().unwrap_or("").to_string());
    let status = field("status").unwrap_or_default();
    let error = line.split(" error=").nth(1).map(|rest| {
        let end = [" cause=", " stopTime="].iter().filter_map(|m| rest.find(m)).min().unwrap_or(rest.len());
        rest[..end].to_string()
    });
    (status, error, field("stopTime"))
}

/// The observations were made before asl-sim enforced a Standard execution's one-year
/// maximum duration (AWS's quotas page): a run observed to end later times out at the year.
fn within_a_year(want: (String, Option<String>, Option<String>)) -> (String, Option<String>, Option<String>) {
    let start = asl_sim::Options::default().start_time;
    let year_end = start + asl_sim::engine::MAX_STANDARD_SECONDS as i64 * 1000;
    match want.2.as_deref().and_then(asl_sim::time::parse_timestamp) {
        Some(stop) if stop > year_end => ("TIMED_OUT".into(), Some("States.Timeout".into()), Some(asl_sim::time::format_context_timestamp(year_end))),
        _ => want,
    }
}

/// Run `subst.json` with the case's mocks and input: `(status, error, stopTime)`.
fn run(dir: &Path, test_case: Option<&str>) -> (String, Option<String>, Option<String>) {
    let text = read(&dir.join("subst.json"));
    let mocks = json::parse(&read(&dir.join("mocks.json"))).unwrap();
    let input = json::parse(&read(&dir.join("input.json"))).unwrap();
    let options = Options { mocks: Mocks::from_value(&mocks, test_case, None).unwrap(), ..Options::default() };
    let sim = match Simulator::new(&text, options) {
        Ok(s) => s,
        Err(d) => return ("INVALID".into(), Some(format!("{:?}", d.iter().map(|d| &d.message).collect::<Vec<_>>())), None),
    };
    let mut ex = sim.start(input).unwrap();
    ex.run(None);
    let stop = ex.status().is_finished().then(|| asl_sim::time::format_context_timestamp(ex.clock()));
    (ex.status().as_str().to_string(), ex.error().map(str::to_string), stop)
}

#[test]
fn realworld_definitions_validate_and_run_as_aws_would() {
    let root = cases_dir();
    let mut names: Vec<String> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let mut failures = Vec::new();
    let (mut subst_ok, mut subst_n, mut raw_ok, mut raw_n, mut raw_warned, mut runs_ok, mut runs_n, mut not_copied) = (0, 0, 0, 0, 0, 0, 0, 0);
    for name in &names {
        let dir = root.join(name);
        if !dir.join("subst.json").is_file() {
            not_copied += 1;
            continue;
        }
        let rejected = REJECTED_BY_AWS.iter().any(|r| name.contains(r));
        for (file, counter, total) in [("subst.json", &mut subst_ok, &mut subst_n), ("def.json", &mut raw_ok, &mut raw_n)] {
            let path = dir.join(file);
            if !path.is_file() {
                continue;
            }
            *total += 1;
            let d = prepare(&read(&path), &IndexMap::new()).validate();
            let errors: Vec<_> = d.iter().filter(|d| d.is_error()).map(|d| format!("{} at {}: {}", d.code, d.pointer, d.message)).collect();
            if file == "def.json" && d.iter().any(|d| d.code == UNRESOLVED_SUBSTITUTION) {
                raw_warned += 1;
            }
            if errors.is_empty() != rejected {
                *counter += 1;
            } else if rejected {
                failures.push(format!("{name}/{file}: validates clean, but AWS rejects it"));
            } else {
                failures.push(format!("{name}/{file}: {}", errors.join("; ")));
            }
        }
        // The raw YAML of one definition, read as YAML (its positions mapped back to the file).
        let yaml = dir.join("def.asl.yaml");
        if yaml.is_file() {
            raw_n += 1;
            match load(&read(&yaml), "def.asl.yaml", &IndexMap::new(), None) {
                Ok(Loaded::Ready(p)) if p.validate().iter().all(|d| !d.is_error()) => raw_ok += 1,
                Ok(Loaded::Ready(p)) => failures.push(format!("{name}/def.asl.yaml: {:?}", p.validate())),
                Ok(Loaded::NeedsFile { .. }) => failures.push(format!("{name}/def.asl.yaml: read as a template")),
                Err(e) => failures.push(format!("{name}/def.asl.yaml: {e}")),
            }
        }
        if name.starts_with("validate-only__") {
            continue;
        }
        let expected = read(&dir.join("expected.txt"));
        let verdict = expected.lines().find(|l| l.starts_with("Verdict:")).unwrap_or("");
        for line in expected.lines().filter(|l| l.starts_with("Observed")) {
            runs_n += 1;
            let test_case = line.split('[').nth(1).and_then(|r| r.split(']').next());
            let got = run(&dir, test_case);
            let want = if verdict.contains("BLOCKED-FP") {
                // AWS accepts it: it must run as the copy patched by hand did.
                let patched = root.join(name.replace("-dotbracket", "-patched")).join("expected.txt");
                let p = read(&patched);
                observed(p.lines().find(|l| l.starts_with("Observed")).unwrap())
            } else {
                within_a_year(observed(line))
            };
            let ok = if WRONG_BEFORE.contains(&name.as_str()) { got.0 != "INVALID" && got.2.is_some() } else { got == want };
            if ok {
                runs_ok += 1;
            } else {
                failures.push(format!("{name}{}: ran {:?}, expected {:?}", test_case.map(|t| format!(" [{t}]")).unwrap_or_default(), got, want));
            }
        }
    }
    println!(
        "realworld: substituted {subst_ok}/{subst_n} as AWS, raw {raw_ok}/{raw_n} as AWS (JSON and YAML) ({raw_warned} with UNRESOLVED_SUBSTITUTION warnings), runs {runs_ok}/{runs_n}, {not_copied} cases without a copied source"
    );
    assert!(subst_n >= 95 && runs_n >= 44, "too few cases found under {}", root.display());
    assert!(failures.is_empty(), "{} real-world case(s) not as AWS would:\n{}", failures.len(), failures.join("\n"));
}
