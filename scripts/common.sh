# Sourced by the other scripts: run from the checkout root, with cargo's bin
# folder on PATH (where `cargo install` puts wasm-bindgen).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# Honour CARGO_TARGET_DIR when someone sets it; CI uses the checkout's target/.
TARGET_DIR="${CARGO_TARGET_DIR:-target}"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
