#!/usr/bin/env bash
# Two npim binaries against one another over a pseudo-terminal to `npim emulate --faults P,P,P`:
# G11 quantized for the default core, T = 800, 10 runs, each binary's CSV compared byte for byte
# with the fault-free in-process run. Columns: binary, fault rate (each kind), repetition,
# retransmissions, upload seconds, seconds of runs, wall seconds, CSV.
# Usage (from the repository root): results/link-faults/pty-ab.sh OLD_NPIM NEW_NPIM [OUT.csv]
set -euo pipefail
old=$1 new=$2 out=${3:-pty-ab.csv}
dir=$(mktemp -d)
trap 'kill "${emu:-}" 2>/dev/null || true; rm -rf "$dir"' EXIT
$new quantize -i examples/G11.txt -p params/gset-toroidal-n200.json -o "$dir/g11.img" >/dev/null
$new run --emulate --image "$dir/g11.img" -R 10 -q -o "$dir/clean.csv" >/dev/null
echo "binary,faults,rep,retransmissions,upload_s,runs_s,wall_s,csv" >"$out"
for rep in 1 2; do
  for bin in "$old" "$new"; do
    for p in 0.001 0.003; do
      rm -f "$dir/tty"
      $new emulate --faults "$p,$p,$p" --link "$dir/tty" >"$dir/emu.log" 2>&1 &
      emu=$!
      sleep 1.5
      start=$(date +%s.%N)
      text=$($bin run --port "$dir/tty" --image "$dir/g11.img" -R 10 -o "$dir/f.csv" 2>&1)
      end=$(date +%s.%N)
      rt=$(echo "$text" | sed -n 's/.* \([0-9]*\) retransmissions$/\1/p')
      up=$(echo "$text" | sed -n 's/.*uploaded in \([0-9.]*\) s.*/\1/p')
      runs=$(echo "$text" | sed -n 's/^time *\([0-9.]*\) s wall.*/\1/p')
      same=$(cmp -s "$dir/clean.csv" "$dir/f.csv" && echo identical || echo different)
      printf '%s,%s,%s,%s,%s,%s,%.2f,%s\n' "$bin" "$p" "$rep" "$rt" "$up" "$runs" \
        "$(echo "$end - $start" | bc)" "$same" | tee -a "$out"
      kill "$emu"; wait "$emu" 2>/dev/null || true
    done
  done
done
