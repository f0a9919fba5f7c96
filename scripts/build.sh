#!/usr/bin/env bash
# Build the npm package in pkg/: release wasm → wasm-bindgen glue → wasm-opt,
# then the playground bundle in www/dist/ (esbuild).
#   scripts/build.sh          the release build
#   scripts/build.sh --fast   skip wasm-opt (npm start)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

optimise=1
[ "${1:-}" = "--fast" ] && optimise=0

say "cargo build --release --target wasm32-unknown-unknown --lib"
cargo build --release --target wasm32-unknown-unknown --lib

say "wasm-bindgen --target web --out-dir pkg"
wasm-bindgen --target web --out-dir pkg "$TARGET_DIR/wasm32-unknown-unknown/release/asl_sim.wasm"

wasm=pkg/asl_sim_bg.wasm
if [ "$optimise" = 0 ]; then
  echo "wasm-opt skipped (--fast)"
elif ! command -v wasm-opt >/dev/null; then
  echo "wasm-opt not found: skipping optimisation (apt-get install -y binaryen to get it)"
else
  # Debian's binaryen must be told which features rustc's output uses.
  say "wasm-opt -Oz ($(wasm-opt --version))"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-reference-types "$wasm" -o "$wasm.opt"
  # binaryen 108 (Debian bookworm) exports every table as table 0: see the script.
  node scripts/fix-table-exports.mjs "$wasm" "$wasm.opt"
  mv "$wasm.opt" "$wasm"
fi

raw=$(wc -c < "$wasm")
# node's zlib, as scripts/bundle.mjs measures, so every size line agrees
gz=$(node -e 'console.log(require("zlib").gzipSync(require("fs").readFileSync(process.argv[1]), { level: 9 }).length)' "$wasm")
printf 'pkg/asl_sim_bg.wasm: %d bytes (%d KiB), gzipped %d bytes (%d KiB)\n' "$raw" $(((raw + 512) / 1024)) "$gz" $(((gz + 512) / 1024))

say "esbuild: the playground bundle (www/dist/)"
node scripts/bundle.mjs
