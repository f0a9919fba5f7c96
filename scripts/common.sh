# Sourced by the other scripts: run from the checkout root, with cargo's bin
# folder on PATH (where `cargo install` puts wasm-bindgen).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# Honour CARGO_TARGET_DIR when someone sets it; CI uses the checkout's target/.
TARGET_DIR="${CARGO_TARGET_DIR:-target}"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Shared data (conformance cases, benchmarks): ASL_SIM_SHARED, default ../shared. Missing is an error.
SHARED="${ASL_SIM_SHARED:-../shared}"
need_shared() {
  if [ ! -d "$SHARED/conformance/localstack" ]; then
    echo "shared data not found at '$SHARED' (set ASL_SIM_SHARED to the folder holding conformance/ and bench/)" >&2
    return 1
  fi
}
