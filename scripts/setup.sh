#!/usr/bin/env bash
# Install what the build and the tests need, only when it is missing:
# idempotent, and well under a second when everything is present.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The gates of npm test: rustfmt and clippy (in rustup's default profile, but not in a minimal one).
for component in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
    say "rustup component add $component"
    rustup component add "$component"
  fi
done

# The CLI must match the wasm-bindgen crate in Cargo.lock exactly, or the
# generated glue refuses the module.
want=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$( (wasm-bindgen --version 2>/dev/null || true) | awk '{ print $2 }')
if [ -z "$want" ]; then
  echo "setup: no wasm-bindgen entry in Cargo.lock" >&2
  exit 1
fi
if [ "$have" != "$want" ]; then
  say "cargo install wasm-bindgen-cli --version $want --locked (found: ${have:-none})"
  # The CLI's own speed hardly matters (well under a second per build) but its
  # compile time does on a cold machine: a lighter profile saves about a minute.
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_DEBUG=0 cargo install wasm-bindgen-cli --version "$want" --locked
fi

# node_modules/.package-lock.json is npm's record of what it installed; it is
# stale when package.json or package-lock.json changed since.
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package.json -nt "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  say "npm install"
  npm install --no-audit --no-fund
  touch "$stamp"
fi
