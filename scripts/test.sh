#!/usr/bin/env bash
# Runs every check and test of the project on a fresh machine, installing what is missing.
# Usage: ./scripts/test.sh        (CI calls this through .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "toolchain"
if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install Rust (https://rustup.rs) and run this again" >&2
  exit 1
fi
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    rustup component add "$component"
  fi
done
cargo --version

step "system packages"
# Verilator runs the generated Verilog in the RTL tests.
missing=()
command -v verilator >/dev/null || missing+=(verilator)
command -v pkg-config >/dev/null || missing+=(pkg-config)
[ -e /usr/include/fontconfig/fontconfig.h ] || missing+=(libfontconfig1-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
verilator --version

step "format"
cargo fmt --all -- --check

step "lint"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "docs"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

step "tests"
cargo test --workspace --locked

step "fuzz (bounded)"
# the protocol decoders (host and emulator) and the file parsers; longer: ./scripts/fuzz.sh 600
./scripts/fuzz.sh "${NPIM_FUZZ_SECONDS:-20}"
