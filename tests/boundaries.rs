//! Architecture invariant: `src/wasm.rs` is the only file of the crate that
//! names wasm-bindgen, js-sys or web-sys, and lib.rs compiles it only for wasm32.

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
