#!/usr/bin/env bash
# Cycles per step of the RTL builds under Verilator, every step checked against the golden model
# (`npim sim --check`), beside each build's own bound (⌈entries/L⌉ + ⌈N/P⌉·D·Tc) and, for the
# build a board ships, the board's microseconds a step at its clock; beside them the golden
# model's microseconds a step on one CPU thread, measured in the same run (`npim bench
# throughput --threads 1`, the best of 3). One run of T = 100 steps per instance and build.
# Usage: results/cycles.sh [OUT.csv] [BUILDS]  (default OUT: runs/cycles.csv, so that a rerun
# never overwrites the recorded results/cycles.csv; default BUILDS: "rtl rtl4 icebreaker")
# (recorded: results/cycles.sh results/cycles.csv)
set -euo pipefail
cd "$(dirname "$0")/.."
npim=${NPIM:-target/release/npim}
[ -x "$npim" ] || cargo build --release
out=${1:-runs/cycles.csv}
builds=${2:-rtl rtl4 icebreaker}
data=../shared/data
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "instance,params,build,n,cycles_per_step,build_bound,ratio,board,board_mhz,board_us_per_step,golden_us_per_step_1thread" > "$out"
# instance file, parameter file (`hand-set`: the built-in rule, Tc 2 and D 1)
for spec in "sk/SK1_N100_0.txt sk-n100" "gset/G11.txt gset-toroidal-n200" \
  "gset/G11.txt hand-set" "gset/G1.txt gset-random-plus-n200-objective" \
  "gset/G22.txt gset-random-plus-n800"; do
  set -- $spec
  file=$1; params=$2
  name=$(basename "$file" .txt)
  popt=()
  popt=(-p handset)
  [ "$params" = hand-set ] || popt=(-p "params/$params.json")
  n=$(head -1 "$data/$file" | awk '{print $1}')
  "$npim" bench throughput -i "$data/$file" "${popt[@]}" --threads 1 -R 8 -T 200 \
    -o "$tmp/tp.csv" > /dev/null
  golden_us=$(tail -n +2 "$tmp/tp.csv" | awk -F, -v n="$n" \
    '$5 > best {best = $5} END {printf "%.2f", n / best * 1e6}')
  for build in $builds; do
    if ! "$npim" quantize -i "$data/$file" "${popt[@]}" --core "$build" -T 100 \
      -o "$tmp/$name-$build.npimg" > "$tmp/q.log" 2>&1; then
      echo "skip $name on $build: $(tail -1 "$tmp/q.log")" >&2
      continue
    fi
    report=$("$npim" sim --image "$tmp/$name-$build.npimg" --core "$build" --runs 1 --check)
    echo "$report" | grep -q '^check     every step' || { echo "$report" >&2; exit 1; }
    cycles=$(echo "$report" | awk '/^cycles/ {print $2}')
    bound=$(echo "$report" | awk '/^bound/ {print $2}')
    ratio=$(echo "$report" | awk '/^bound/ {for (i = 1; i <= NF; i++) if ($i ~ /×$/) {sub(/×/, "", $i); print $i}}')
    board=$(echo "$report" | awk '/^device/ {print $2}')
    mhz=$(echo "$report" | sed -n 's/^device.*board.s \([0-9.]*\) MHz \([0-9.]*\) µs a step.*/\1/p')
    us=$(echo "$report" | sed -n 's/^device.*board.s \([0-9.]*\) MHz \([0-9.]*\) µs a step.*/\2/p')
    echo "$name,$params,$build,$n,$cycles,$bound,$ratio,${board:-},${mhz:-},${us:-},$golden_us" >> "$out"
    echo "$name $build: $cycles cycles a step (bound $bound)" >&2
  done
done
echo "wrote $out" >&2
