#!/usr/bin/env bash
# Soak test of the link: one `npim emulate --faults P,P,P` (the golden model behind a
# pseudo-terminal whose wire drops, duplicates and corrupts each byte with probability P) kept up
# for MINUTES, and batch after batch of `npim run --port` against it, each with its own master
# seed (a fresh upload, then 10 runs of G11 at T = 800). Each batch's CSV is compared byte for
# byte with the same seed's fault-free run in process. Each row: batch, seed, completed, CSV
# identical, retransmissions, seconds, the emulator's resident memory after the batch; at the
# end the emulator says how many frames it answered. Exits 1 if any completed batch differs (a silent wrong
# answer); a batch that fails with an error is recorded and the soak goes on.
# Usage (from the repository root): results/link-faults/soak.sh [MINUTES] [P] [OUT.csv]
# (default 10 minutes, P = 0.001, OUT runs/link-soak.csv; recorded: results/link-faults/soak.csv)
set -euo pipefail
minutes=${1:-10}
p=${2:-0.001}
out=${3:-runs/link-soak.csv}
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
$npim quantize -i examples/G11.txt -p params/gset-toroidal-n200.json -T 800 -o "$dir/g11.img" >/dev/null
$npim emulate --faults "$p,$p,$p" --link "$dir/tty" >"$dir/emulate.log" 2>&1 &
emu=$!
for _ in $(seq 50); do [ -e "$dir/tty" ] && break; sleep 0.1; done
[ -e "$dir/tty" ] || { cat "$dir/emulate.log" >&2; exit 1; }
echo "batch,seed,completed,csv_identical,retransmissions,seconds,emulator_rss_kb" >"$out"
end=$(($(date +%s) + minutes * 60))
batch=0
bad=0
while [ "$(date +%s)" -lt "$end" ]; do
  seed=$((1000 + batch))
  $npim run --emulate --image "$dir/g11.img" -R 10 --seed "$seed" -q -o "$dir/clean.csv" >/dev/null
  start=$(date +%s.%N)
  if text=$($npim run --port "$dir/tty" --image "$dir/g11.img" -R 10 --seed "$seed" -q \
    -o "$dir/f.csv" 2>&1); then
    completed=yes
    if cmp -s "$dir/clean.csv" "$dir/f.csv"; then same=yes; else same=no; bad=$((bad + 1)); fi
    rt=$(echo "$text" | sed -n 's/.* \([0-9]*\) retransmissions$/\1/p')
  else
    completed=no; same=-; rt=-
    echo "batch $batch: $(echo "$text" | tail -1)" >&2
  fi
  stop=$(date +%s.%N)
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$emu/status")
  printf '%s,%s,%s,%s,%s,%.2f,%s\n' "$batch" "$seed" "$completed" "$same" "${rt:-0}" \
    "$(echo "$stop - $start" | bc)" "$rss" | tee -a "$out"
  batch=$((batch + 1))
done
kill "$emu" && wait "$emu" || true
emu=""
echo "wrote $out: $batch batches, $bad with a CSV that differs; emulator: $(grep '^served' "$dir/emulate.log")" >&2
[ "$bad" -eq 0 ]
