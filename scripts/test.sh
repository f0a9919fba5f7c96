#!/usr/bin/env bash
# Every test suite, in one run (`npm test`, after scripts/setup.sh):
# the release wasm build once, then each runner in turn. A failing runner does
# not stop the others; each prints its own summary, the table at the end says
# which failed, and the exit status is non-zero if any did.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
# The first wasm-bindgen-test run compiles and loads a debug module: be generous.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"

results=()
failed=0

# step NAME COMMAND...: run one runner, remember how it went.
step() {
  local name=$1
  shift
  say "$name: $*"
  local start=$SECONDS
  if "$@"; then
    results+=("ok      $name ($((SECONDS - start)) s)")
  else
    results+=("FAILED  $name ($((SECONDS - start)) s)")
    failed=1
  fi
}

# Browser suites need Debian's Chromium and ChromeDriver; without them the
# suite fails (it is never skipped) and says how to get them.
need_browser() {
  local missing=()
  [ -x "$CHROMIUM" ] || missing+=("$CHROMIUM")
  [ -x "$CHROMEDRIVER" ] || missing+=("$CHROMEDRIVER")
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "missing: ${missing[*]}" >&2
  echo "Install Debian's Chromium and ChromeDriver (as root):" >&2
  echo "    apt-get update && apt-get install -y chromium chromium-driver" >&2
  [ -n "${CI:-}" ] && echo "(CI: .ci/run installs them; check that it ran)" >&2
  return 1
}

wasm_tests() {
  need_browser && cargo test --target wasm32-unknown-unknown --test web
}

# The hostile-input cases through the JS API (tests/web_hostile.rs; the ones that
# trap today run in fresh instances in tests/page/hostile.test.mjs).
wasm_hostile_tests() {
  need_browser && cargo test --target wasm32-unknown-unknown --test web_hostile
}

need_build() {
  [ "$built" = 1 ] && return 0
  echo "not run: the build failed, so pkg/ is missing or stale" >&2
  return 1
}

# Determinism at scale: tests/determinism_scale.rs writes the native histories of the
# generated machines, and tests/web_determinism.rs embeds them and runs the same
# machines in headless Chromium. The native run first, so the file is this build's.
wasm_determinism_tests() {
  need_browser && cargo test --test determinism_scale && cargo test --target wasm32-unknown-unknown --test web_determinism
}

# Every page suite but the embed's, which has a line of its own in the summary.
page_tests() {
  local files=()
  for f in tests/page/*.test.mjs; do [ "$f" = tests/page/embed.test.mjs ] || files+=("$f"); done
  need_build && need_browser && CHROMIUM="$CHROMIUM" node --test "${files[@]}"
}

# <asl-sim-embed> on its docs page, www/embed.html.
embed_tests() {
  need_build && need_browser && CHROMIUM="$CHROMIUM" node --test tests/page/embed.test.mjs
}

# The package as users consume it: the npm tarball installed into a fresh
# project; a crate of its own depending on asl-sim, in headless Chromium.
npm_consumer() {
  need_build && node --test tests/npm/
}
rust_consumer() {
  need_browser && cargo test -p asl-sim-consumer --target wasm32-unknown-unknown
}

# The gates: the line style of rustfmt.toml, and clippy with warnings as errors, on the
# native build (every target: lib, bin, tests) and on wasm32 (src/wasm.rs and the browser tests).
step "cargo fmt --check" cargo fmt --check
step "cargo clippy (native, all targets)" cargo clippy --all-targets -- -D warnings
# (web_determinism is left out: it includes the histories the native determinism test writes later.)
step "cargo clippy (wasm32: library and its browser tests)" cargo clippy --target wasm32-unknown-unknown --lib --test web --test web_hostile --test jsonata_suite -- -D warnings
# The release wasm and pkg/, once: the Node and page tests use it as shipped.
before=$failed
failed=0
step "build (pkg/)" bash scripts/build.sh
built=$((1 - failed))
failed=$((failed | before))
# --no-fail-fast: a failing test binary does not hide the results of the others.
step "cargo test (native)" cargo test --no-fail-fast
step "wasm-bindgen-test (headless Chromium)" wasm_tests
step "wasm-bindgen-test hostile inputs (headless Chromium)" wasm_hostile_tests
step "wasm-bindgen-test determinism at scale (headless Chromium)" wasm_determinism_tests
# Every input a fuzz target once failed on (tests/fuzz-regressions/; also part of the
# native run above, listed here on its own line).
step "fuzz regressions (replayed, stable)" cargo test --test fuzz_regressions
# The JSONata checks that only wasm can make (no trap on deep recursion, no OS
# entropy): this test binary asks for no browser, so it runs in Node.
step "wasm-bindgen-test JSONata (Node)" cargo test --target wasm32-unknown-unknown --test jsonata_suite
step "node --test (pkg in Node, page in Chromium)" page_tests
step "embed page: www/embed.html (Chromium)" embed_tests
step "npm package consumer: packed, installed, run (Node)" npm_consumer
step "Rust consumer crate: tests/consumer (wasm-bindgen-test, headless Chromium)" rust_consumer
# The AWS-recorded cases: every case runs; the ignore list names those not expected
# to pass (each with its reason), and they count as failed in the printed pass rates.
conformance() {
  need_shared && "$TARGET_DIR/debug/asl-sim" test "$SHARED/conformance/localstack" --ignore tests/conformance-ignore.txt
}
step "conformance (AWS-recorded cases)" conformance
# The AWS-recorded TestState calls: each request replayed, the answer compared with AWS's.
teststate_conformance() {
  need_shared && "$TARGET_DIR/debug/asl-sim" test "$SHARED/conformance/localstack-extra/teststate" --ignore tests/teststate-ignore.txt
}
step "TestState conformance (AWS-recorded calls)" teststate_conformance
# Distributed Maps over S3 (localstack-extra/map_s3): each case's s3_fixtures fill the in-memory S3.
conformance_map_s3() {
  need_shared && "$TARGET_DIR/debug/asl-sim" test "$SHARED/conformance/localstack-extra/map_s3" --ignore tests/conformance-map-s3-ignore.txt
}
step "conformance (Distributed Map over S3, AWS-recorded)" conformance_map_s3

# The public definitions of the real-world trial (../shared/realworld/): substituted and raw
# copies validate as AWS does, run cases end as their expected.txt records; prints its figures.
step "realworld (98 public definitions)" cargo test --test realworld -- --nocapture
# AWS's recorded ValidateStateMachineDefinition / CreateStateMachine answers through `validate --format aws`.
step "validation (22 AWS-recorded answers)" cargo test --test validation_aws -- --nocapture

echo
say "summary"
printf '  %s\n' "${results[@]}"
exit $failed
