#!/usr/bin/env bash
# Fuzzes the protocol and file parsers with cargo fuzz (libFuzzer), each target for a bounded
# time; installs cargo-fuzz when missing. A crash leaves its input in fuzz/artifacts/TARGET/
# and fails this script.
# Usage: ./scripts/fuzz.sh [SECONDS per target, default 60] [TARGET ...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(deframe board instance configs)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
# cargo fuzz needs nightly-only flags (sanitizers); the stable toolchain accepts them with
# RUSTC_BOOTSTRAP=1, which applies to this build only.
export RUSTC_BOOTSTRAP=1
cd fuzz
# the configuration target starts from real files (a parameter file, loop configs, a training
# config), so that the fuzzer mutates valid JSON and TOML instead of finding them byte by byte
mkdir -p corpus/configs
cp ../params/gset-toroidal-n200.json ../results/hil/*.toml ../params/configs/sk-n100.toml corpus/configs/
for t in "${targets[@]}"; do
  echo "== fuzz $t for ${seconds}s"
  log="target/fuzz-$t.log"
  mkdir -p target
  # only the board model's target needs the host crate (and so rust_hdl)
  features=(); [ "$t" = board ] && features=(--features board)
  if ! cargo fuzz run "$t" "${features[@]}" --release -- -max_total_time="$seconds" -rss_limit_mb=2048 >"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "fuzz target $t failed (log $PWD/$log; inputs in fuzz/artifacts/$t/)" >&2
    exit 1
  fi
  grep -E "^Done" "$log"
done
