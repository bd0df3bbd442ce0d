#!/usr/bin/env bash
# The link under byte faults: `npim run --emulate` (the in-process board model behind a wire
# that drops, duplicates or corrupts each byte with the given probability), G11 quantized for
# the default core at T = 800, 10 runs, default retries (5, and more while a command has been
# tried for under 10 s), 500 ms per reply. Each row: the fault rates, whether the batch
# completed, whether its CSV equals the fault-free one byte for byte, retransmissions, wall time.
# Usage (from the repository root): results/link-faults/run.sh [OUT.csv]
set -euo pipefail
npim=${NPIM:-target/release/npim}
out=${1:-link-faults.csv}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
$npim quantize -i examples/G11.txt -p params/gset-toroidal-n200.json -o "$dir/g11.img" >/dev/null
$npim run --emulate --image "$dir/g11.img" -R 10 -q -o "$dir/clean.csv" >/dev/null
echo "drop,duplicate,corrupt,completed,csv_identical,retransmissions,seconds" >"$out"
for p in 0.0001 0.001 0.003 0.01; do
  for f in "$p,0,0" "0,$p,0" "0,0,$p" "$p,$p,$p"; do
    start=$(date +%s.%N)
    if text=$($npim run --emulate --image "$dir/g11.img" -R 10 -q --faults "$f" -o "$dir/f.csv" 2>&1); then
      done=yes
      same=$(cmp -s "$dir/clean.csv" "$dir/f.csv" && echo yes || echo no)
      rt=$(echo "$text" | sed -n 's/.* \([0-9]*\) retransmissions$/\1/p')
    else
      done=no; same=-; rt=-
    fi
    end=$(date +%s.%N)
    printf '%s,%s,%s,%s,%.2f\n' "$f" "$done" "$same" "$rt" "$(echo "$end - $start" | bc)" | tee -a "$out"
  done
done
