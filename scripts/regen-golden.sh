#!/usr/bin/env bash
# Rewrite the golden runs in tests/golden/ with the native CLI:
#   NAME.asl.json [+ NAME.input.json] [+ NAME.mocks.json]  →  NAME.run.json
# (the stdout of `asl-sim run … --history`). tests/determinism.rs checks the
# native CLI against them and tests/web.rs checks the wasm build, byte for byte.
# Regenerate only when a change to the history is intended, and say so in the commit.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

cargo build --release --bin asl-sim
for definition in tests/golden/*.asl.json; do
  base=${definition%.asl.json}
  args=(run "$definition" --history)
  [ -f "$base.input.json" ] && args+=(--input "$base.input.json")
  [ -f "$base.mocks.json" ] && args+=(--mocks "$base.mocks.json")
  status=0
  "$TARGET_DIR/release/asl-sim" "${args[@]}" > "$base.run.json" || status=$?
  # 0 SUCCEEDED, 1 FAILED/TIMED_OUT/ABORTED and 3 PAUSED are results; 2 is an error.
  if [ "$status" = 2 ]; then
    echo "regen-golden: asl-sim ${args[*]} failed" >&2
    exit 1
  fi
  echo "$base.run.json: $(head -c 60 "$base.run.json")…"
done
