#!/usr/bin/env bash
# npm run fuzz: each fuzz target of fuzz/ (cargo-fuzz, libFuzzer) for a bounded time,
# one after the other on one core, under nice; not part of `npm test`.
#
#   FUZZ_SECONDS=180            seconds per target (default 3 minutes)
#   FUZZ_TARGETS="jsonata ..."  which targets (default: all five)
#   FUZZ_CARGO_TARGET_DIR=DIR   where the fuzz build goes (default fuzz/target)
#
# Needs a nightly toolchain for the sanitizer flags: rustup's `nightly` when installed,
# else the stable one with RUSTC_BOOTSTRAP=1. Installs cargo-fuzz when missing.
# The working corpus (fuzz/corpus/, ignored by git) is seeded from fuzz/seeds/, the
# repository's fixtures and the AWS-recorded definitions in $ASL_SIM_SHARED
# (scripts/fuzz-seeds.mjs), and grows from run to run. Every crash, timeout or
# out-of-memory input is copied to tests/fuzz-regressions/TARGET/, which `npm test`
# replays (tests/fuzz_regressions.rs): commit it with the fix. Exits 1 when a run
# found a new one.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

FUZZ_SECONDS="${FUZZ_SECONDS:-180}"
FUZZ_TARGETS="${FUZZ_TARGETS:-definition jsonpath intrinsics jsonata execution}"
export CARGO_TARGET_DIR="${FUZZ_CARGO_TARGET_DIR:-fuzz/target}"

if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  fuzz=(cargo +nightly fuzz)
  toolchain="rustup's nightly"
else
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo fuzz)
  toolchain="stable with RUSTC_BOOTSTRAP=1"
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

say "seeds"
node scripts/fuzz-seeds.mjs fuzz/corpus "$SHARED"

# Release code with debug assertions and overflow checks (-a), AddressSanitizer (the default).
say "build ($toolchain): ${fuzz[*]} build -O -a"
nice "${fuzz[@]}" build -O -a

mkdir -p fuzz/logs
summary=()
found=0
for target in $FUZZ_TARGETS; do
  mkdir -p "fuzz/artifacts/$target" "tests/fuzz-regressions/$target"
  log="fuzz/logs/$target.log"
  say "$target: ${FUZZ_SECONDS} s"
  # Fork mode with one worker: one core, and the run goes on after a crash, so one run
  # reports every distinct crash it finds. -timeout: an input that takes 10 s is a bug
  # (no call into the engine may freeze a page); -rss_limit_mb bounds memory likewise.
  dict=()
  [ -f "fuzz/dict/$target.dict" ] && dict=(-dict="fuzz/dict/$target.dict")
  status=0
  nice "${fuzz[@]}" run -O -a "$target" "fuzz/corpus/$target" -- \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    "${dict[@]}" -print_final_stats=1 >"$log" 2>&1 || status=$?
  # The last progress line: `#RUNS: cov: N ft: N corp: N exec/s: N oom/timeout/crash: a/b/c time: Ns …`.
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  [ -n "$last" ] || last="(no progress line; see $log, exit status $status)"
  new=()
  for artifact in "fuzz/artifacts/$target"/*; do
    [ -f "$artifact" ] || continue
    name=$(basename "$artifact")
    if [ ! -e "tests/fuzz-regressions/$target/$name" ]; then
      cp "$artifact" "tests/fuzz-regressions/$target/$name"
      new+=("$name")
    fi
  done
  echo "$last"
  if [ ${#new[@]} -gt 0 ]; then
    found=1
    echo "NEW: ${new[*]} → tests/fuzz-regressions/$target/ (replay: cargo test --test fuzz_regressions ${target}_regressions)"
  fi
  summary+=("$(printf '%-11s %s' "$target" "$last")  new: ${#new[@]}")
  printf '%s %s %ss %s new:%s\n' "$(date -u +%FT%TZ)" "$target" "$FUZZ_SECONDS" "$last" "${#new[@]}" >> fuzz/logs/summary.txt
done

echo
say "summary (${FUZZ_SECONDS} s each; logs in fuzz/logs/)"
printf '  %s\n' "${summary[@]}"
exit $found
