#!/usr/bin/env bash
# The link under byte faults over a pseudo-terminal: `npim emulate --engine ENGINE --faults D,U,C`
# behind a wire that drops, duplicates or corrupts each byte with the given probability, each
# kind alone and all three at once from 10⁻⁴ to 10⁻², and `npim run --port` against it with
# default retries; its CSV compared byte for byte with `npim solve --algo golden` on the same
# image. ENGINE `golden` (the board model): G11 on the `rtl` core, T = 800, 10 runs, as run.sh;
# `rtl-uart` (the UART, command engine and core under Verilator, the pseudo-terminal's bytes into
# its pins): a small instance, SK N = 30 generated with seed 5, T = 40, 3 runs. Both with the
# hand-set rule. Each row: faults (drop,duplicate,corrupt), completed, CSV identical,
# retransmissions, seconds, and the bytes the emulator read and wrote (faults included).
# Exits 1 if a completed run differs (a silent wrong answer).
# Usage (from the repository root): results/link-faults/pty-grid.sh [ENGINE] [OUT.csv]
# (default golden, runs/link-faults-ENGINE.csv; recorded: results/link-faults/pty-ENGINE.csv)
set -euo pipefail
engine=${1:-golden}
out=${2:-runs/link-faults-$engine.csv}
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
case "$engine" in
  golden) source=(-i examples/G11.txt -T 800); runs=10 ;;
  rtl-uart) source=(-g sk:n=30,seed=5 -T 40); runs=3 ;;
  *) echo "engine: golden or rtl-uart" >&2; exit 2 ;;
esac
$npim quantize "${source[@]}" -p handset --core rtl -o "$dir/x.img" >/dev/null
$npim solve --algo golden --image "$dir/x.img" -R "$runs" -q -o "$dir/golden.csv" >/dev/null
echo "faults,completed,csv_identical,retransmissions,seconds,bytes_in,bytes_out" >"$out"
bad=0
for f in 0,0,0 \
  0.0001,0,0 0,0.0001,0 0,0,0.0001 0.0001,0.0001,0.0001 \
  0.001,0,0 0,0.001,0 0,0,0.001 0.001,0.001,0.001 \
  0.003,0,0 0,0.003,0 0,0,0.003 0.003,0.003,0.003 \
  0.01,0,0 0,0.01,0 0,0,0.01 0.01,0.01,0.01; do
  rm -f "$dir/tty"
  $npim emulate --engine "$engine" --faults "$f" --link "$dir/tty" >"$dir/emulate.log" 2>&1 &
  emu=$!
  # the first start builds the serial core's Verilator model (cached)
  for _ in $(seq 3000); do [ -e "$dir/tty" ] && break; sleep 0.1; done
  [ -e "$dir/tty" ] || { cat "$dir/emulate.log" >&2; exit 1; }
  start=$(date +%s.%N)
  if text=$($npim run --port "$dir/tty" --image "$dir/x.img" -R "$runs" -q -o "$dir/f.csv" 2>&1); then
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
  # the emulator's last line: served N frames (B bytes in, B out)
  read -r bin bout < <(sed -n 's/^served [0-9]* frames (\([0-9]*\) bytes in, \([0-9]*\) out)/\1 \2/p' "$dir/emulate.log") || true
  printf '"%s",%s,%s,%s,%.2f,%s,%s\n' "$f" "$completed" "$same" "${rt:-0}" \
    "$(echo "$stop - $start" | bc)" "${bin:-}" "${bout:-}" | tee -a "$out"
done
echo "wrote $out; $bad completed runs with a CSV that differs" >&2
[ "$bad" -eq 0 ]
