#!/usr/bin/env bash
# The link under byte faults to the serial core's own Verilog: `npim emulate --engine rtl-uart`
# (UART, command engine and core under Verilator, the pseudo-terminal's bytes into its pins)
# behind a wire that drops, duplicates or corrupts each byte with the given probability, and
# `npim run --port` against it: a small instance (SK N = 30 on the `rtl` core, T = 40, 3 runs,
# the hand-set rule), its CSV compared byte for byte with `npim solve --algo golden` on the same
# image. Each row: faults (drop,duplicate,corrupt), completed, CSV identical, retransmissions,
# seconds. Exits 1 if a completed run differs (a silent wrong answer).
# Usage (from the repository root): results/link-faults/rtl-uart.sh [OUT.csv]
# (default runs/link-faults-rtl-uart.csv; recorded: results/link-faults/rtl-uart.csv)
set -euo pipefail
out=${1:-runs/link-faults-rtl-uart.csv}
npim=${NPIM:-target/release/npim}
[ -x "$npim" ] || cargo build --release
mkdir -p "$(dirname "$out")"
dir=$(mktemp -d)
emu=""
cleanup() {
  [ -n "$emu" ] && kill "$emu" 2>/dev/null && wait "$emu" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
$npim quantize -g sk:n=30,seed=5 -p handset --core rtl -T 40 -o "$dir/sk30.img" >/dev/null
$npim solve --algo golden --image "$dir/sk30.img" -R 3 -q -o "$dir/golden.csv" >/dev/null
echo "faults,completed,csv_identical,retransmissions,seconds" >"$out"
bad=0
for f in 0,0,0 \
  0.0001,0,0 0,0.0001,0 0,0,0.0001 0.0001,0.0001,0.0001 \
  0.001,0,0 0,0.001,0 0,0,0.001 0.001,0.001,0.001 \
  0.003,0,0 0,0.003,0 0,0,0.003 0.003,0.003,0.003 \
  0.01,0,0 0,0.01,0 0,0,0.01 0.01,0.01,0.01; do
  rm -f "$dir/tty"
  $npim emulate --engine rtl-uart --faults "$f" --link "$dir/tty" >"$dir/emulate.log" 2>&1 &
  emu=$!
  # the first start builds the serial core's Verilator model (cached)
  for _ in $(seq 3000); do [ -e "$dir/tty" ] && break; sleep 0.1; done
  [ -e "$dir/tty" ] || { cat "$dir/emulate.log" >&2; exit 1; }
  start=$(date +%s.%N)
  if text=$($npim run --port "$dir/tty" --image "$dir/sk30.img" -R 3 -q -o "$dir/f.csv" 2>&1); then
    completed=yes
    if cmp -s "$dir/golden.csv" "$dir/f.csv"; then same=yes; else same=no; bad=$((bad + 1)); fi
    rt=$(echo "$text" | sed -n 's/.* \([0-9]*\) retransmissions.*/\1/p' | head -1)
  else
    completed=no; same=-; rt=-
    echo "faults $f: $(echo "$text" | tail -1)" >&2
  fi
  stop=$(date +%s.%N)
  kill "$emu" && wait "$emu" || true
  emu=""
  printf '"%s",%s,%s,%s,%.2f\n' "$f" "$completed" "$same" "${rt:-0}" \
    "$(echo "$stop - $start" | bc)" | tee -a "$out"
done
echo "wrote $out; $bad completed runs with a CSV that differs" >&2
[ "$bad" -eq 0 ]
