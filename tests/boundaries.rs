//! Architecture invariants, checked by reading `src/`: `src/wasm.rs` is the only
//! file of the crate that names wasm-bindgen, js-sys or web-sys, and lib.rs compiles
//! it only for wasm32; the modules import one another only down the layers of
//! [`LAYERS`]; and nothing outside the CLI does IO.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_wasm_rs_names_the_js_crates() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| !f.ends_with("src/wasm.rs"))
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            ["wasm_bindgen", "js_sys", "web_sys"].iter().any(|name| text.contains(name))
        })
        .map(|f| f.strip_prefix(&src).unwrap().display().to_string())
        .collect();
    assert!(offenders.is_empty(), "only src/wasm.rs may name wasm_bindgen/js_sys/web_sys: {offenders:?}");
}

#[test]
fn wasm_rs_is_compiled_only_for_wasm32() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    assert!(lib.contains("#[cfg(target_arch = \"wasm32\")]\npub mod wasm;"), "lib.rs must gate `pub mod wasm` on wasm32");
}

/// A Rust file with its comments, and the contents of its string and character
/// literals, blanked out (lengths and lines kept), so that only code is searched.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, c: u8| out.push(if c == b'\n' { b'\n' } else { b' ' });
    while i < b.len() {
        let is_word = |j: usize| j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_');
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                blank(&mut out, b[i]);
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    out.extend_from_slice(b"  ");
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    out.extend_from_slice(b"  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, b[i]);
                    i += 1;
                }
            }
        } else if (b[i] == b'r' || b[i..].starts_with(b"br")) && !(i > 0 && is_word(i - 1)) && {
            let mut j = i + if b[i] == b'r' { 1 } else { 2 };
            while j < b.len() && b[j] == b'#' {
                j += 1;
            }
            j < b.len() && b[j] == b'"'
        } {
            // A raw string: r"…", r#"…"#, br"…".
            let start = i + if b[i] == b'r' { 1 } else { 2 };
            let mut j = start;
            while b[j] == b'#' {
                j += 1;
            }
            let hashes = j - start;
            let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
            out.extend_from_slice(&b[i..=j]);
            i = j + 1;
            while i < b.len() && !b[i..].starts_with(&close) {
                blank(&mut out, b[i]);
                i += 1;
            }
            let end = (i + close.len()).min(b.len());
            out.extend_from_slice(&b[i..end]);
            i = end;
        } else if b[i] == b'"' {
            out.push(b'"');
            i += 1;
            while i < b.len() && b[i] != b'"' {
                let n = if b[i] == b'\\' { 2 } else { 1 };
                for k in 0..n.min(b.len() - i) {
                    blank(&mut out, b[i + k]);
                }
                i += n;
            }
            if i < b.len() {
                out.push(b'"');
                i += 1;
            }
        } else if b[i] == b'\'' {
            // A character literal ('x', '\n', '\u{1}', '"'), or a lifetime ('a), left as it is.
            let end = if b.get(i + 1) == Some(&b'\\') {
                // Past the escaped character, which may be a quote ('\'').
                b.get(i + 3..).and_then(|rest| rest.iter().position(|&c| c == b'\'')).map(|p| i + 3 + p)
            } else {
                let len = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                (b.get(i + 1 + len) == Some(&b'\'')).then_some(i + 1 + len)
            };
            match end {
                Some(end) => {
                    out.push(b'\'');
                    out.extend(std::iter::repeat_n(b' ', end - i - 1));
                    out.push(b'\'');
                    i = end + 1;
                }
                None => {
                    out.push(b'\'');
                    i += 1;
                }
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out.into_iter().map(|c| if c.is_ascii() { c } else { b' ' }).collect()).unwrap()
}

/// Where `needle` occurs in `code` as a whole word (not inside a longer identifier).
fn word_positions<'a>(code: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let (first, last) = (needle.as_bytes()[0], needle.as_bytes()[needle.len() - 1]);
    code.match_indices(needle).map(|(at, _)| at).filter(move |&at| {
        let before = at.checked_sub(1).map(|j| code.as_bytes()[j]);
        let after = code.as_bytes().get(at + needle.len()).copied();
        // A match inside a longer identifier is not the name.
        (!word(first) || !before.is_some_and(word)) && (!word(last) || !after.is_some_and(word))
    })
}

fn line_of(code: &str, at: usize) -> usize {
    code[..at].matches('\n').count() + 1
}

/// The layers of the crate: each module (a top-level `src/*.rs` or `src/*/`) and what it
/// may name with `crate::`. Layers only look down:
///
/// | module      | may import (besides the leaves `time` and `rng`)           |
/// |-------------|------------------------------------------------------------|
/// | time, rng   | nothing of the crate (leaves)                              |
/// | value, json | each other (a `Value` prints itself as JSON text)          |
/// | query       | value, json                                                |
/// | mocks       | value, json                                                |
/// | definition  | value, json, query (it compiles paths and expressions)     |
/// | history     | value, json, definition (events name states and resources) |
/// | engine      | value, json, query, mocks, definition, history             |
/// | wasm        | every module, and lib.rs's re-exports                      |
///
/// lib.rs declares and re-exports the modules, so naming one of its items (`crate::Simulator`)
/// counts as importing `lib`, which only wasm.rs may; the CLI (`src/bin/`) is a crate of its
/// own over the public API. A module missing here fails the test, so a new one is placed
/// on purpose.
const LAYERS: [(&str, &[&str]); 15] = [
    ("time", &[]),
    ("rng", &[]),
    ("value", &["json"]),
    ("json", &["value"]),
    ("query", &["value", "json", "time", "rng"]),
    ("mocks", &["value", "json", "time", "rng"]),
    ("s3", &["value", "json"]),
    ("definition", &["value", "json", "time", "rng", "query"]),
    ("history", &["value", "json", "time", "rng", "definition"]),
    ("engine", &["value", "json", "time", "rng", "query", "mocks", "s3", "definition", "history"]),
    // What the user gave → ASL text (YAML, templates, substitutions); AWS's validator response.
    ("source", &["value", "json", "time", "rng", "query", "definition"]),
    ("aws", &["value", "json", "time", "rng", "query", "definition"]),
    ("teststate", &["value", "json", "time", "rng", "query", "mocks", "s3", "definition", "history", "engine"]),
    ("testing", &["value", "json", "time", "rng", "query", "mocks", "s3", "definition", "history", "engine"]),
    (
        "wasm",
        &["value", "json", "time", "rng", "query", "mocks", "s3", "definition", "history", "engine", "source", "aws", "teststate", "testing", "lib"],
    ),
];

/// The first segment of every `crate::` path in `code` (`crate::{a, b::c}` names `a` and
/// `b`), with its line. A name that is not a module of the crate is an item of lib.rs
/// (a re-export, or `validate`).
fn crate_imports(code: &str) -> Vec<(String, usize)> {
    let modules: Vec<&str> = LAYERS.iter().map(|(m, _)| *m).collect();
    let mut out = Vec::new();
    let mut name = |segment: &str, at: usize| {
        let segment = segment.trim();
        let first = segment.split("::").next().unwrap_or("").trim();
        if first.is_empty() || first == "self" {
            return;
        }
        let module = if modules.contains(&first) { first } else { "lib" };
        out.push((module.to_string(), line_of(code, at)));
    };
    for at in word_positions(code, "crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let (mut depth, mut start) = (0, 0);
            for (k, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        name(&group[start..k], at);
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        name(&group[start..k], at);
                        start = k + 1;
                    }
                    _ => {}
                }
            }
        } else {
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            name(&rest[..end], at);
        }
    }
    out
}

#[test]
fn modules_import_only_down_the_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut offenders = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let top = relative.components().next().unwrap().as_os_str().to_str().unwrap();
        let module = top.strip_suffix(".rs").unwrap_or(top);
        if module == "lib" || module == "bin" {
            continue;
        }
        let Some((_, allowed)) = LAYERS.iter().find(|(m, _)| *m == module) else {
            offenders.push(format!("src/{}: the module `{module}` has no row in LAYERS", relative.display()));
            continue;
        };
        for (imported, line) in crate_imports(&code_of(file)) {
            if imported != module && !allowed.contains(&imported.as_str()) {
                offenders.push(format!("src/{}:{line}: `{module}` imports `{imported}`", relative.display()));
            }
        }
    }
    assert!(offenders.is_empty(), "imports against the layering (see LAYERS):\n{}", offenders.join("\n"));
}

/// What no file of `src/` but the CLI's may name: files, standard streams, the
/// environment, the real clock, the network, processes, and OS entropy. wasm.rs is held
/// to it too: its one output, a panic's message in the console, goes through
/// `console_error_panic_hook`, and the times it reads are the caller's (`Date` values
/// and text), never `Date::now`.
const IO: [&str; 22] = [
    "std::fs",
    "std::io",
    "std::env",
    "std::net",
    "std::process",
    "std::os",
    "SystemTime",
    "Instant",
    "thread::sleep",
    "println!",
    "eprintln!",
    "print!",
    "eprint!",
    "dbg!",
    "env!",
    "option_env!",
    "thread_rng",
    "getrandom",
    "OsRng",
    "rand::",
    "Date::now",
    "Math::random",
];

/// Test-only files that read the recorded AWS cases from `../shared`: each is compiled
/// only for `cargo test` (checked below), so the library as built does no IO.
const TEST_ONLY_IO: [(&str, &str); 1] = [("query/intrinsics/corpus.rs", "mod corpus;")];

#[test]
fn nothing_but_the_cli_does_io() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let codes: Vec<(PathBuf, String)> = files.iter().map(|f| (f.strip_prefix(&src).unwrap().to_path_buf(), code_of(f))).collect();
    let mut offenders = Vec::new();
    for (relative, code) in &codes {
        if relative.starts_with("bin") || TEST_ONLY_IO.iter().any(|(file, _)| relative == Path::new(file)) {
            continue;
        }
        for name in IO {
            for at in word_positions(code, name) {
                offenders.push(format!("src/{}:{}: {name}", relative.display(), line_of(code, at)));
            }
        }
    }
    assert!(offenders.is_empty(), "IO outside src/bin/ (the engine takes time and randomness as inputs):\n{}", offenders.join("\n"));
    for (file, declaration) in TEST_ONLY_IO {
        let gated = codes.iter().any(|(_, code)| code.contains(&format!("#[cfg(test)]\n{declaration}")));
        assert!(gated, "src/{file} does IO, so `{declaration}` must be declared under #[cfg(test)]");
    }
}
