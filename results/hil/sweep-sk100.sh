#!/usr/bin/env bash
# ADC-bits x measurement-noise sweep of the closed loop on the ten SK N=100 files (ground
# energies as targets), params/sk-n100.json, T = 100, for each realistic config here.
# Usage: results/hil/sweep-sk100.sh [RUNS] [OUT]   (from the repository root, ../shared beside
# it; default OUT: runs/hil, so that a rerun never overwrites the recorded results/hil/sk100-*;
# pass results/hil to update the record)
set -euo pipefail
runs="${1:-200}"
out="${2:-runs/hil}"
args=()
for f in 0 1 2 3 4 5 6 7 8 9; do
  e=$(grep "SK1_N100_$f.txt" ../shared/data/sk/ground_energies.csv | cut -d, -f4)
  args+=(-i "../shared/data/sk/SK1_N100_$f.txt:$e")
done
for model in opo cmos; do
  npim study hil "${args[@]}" -p params/sk-n100.json --config "results/hil/$model-realistic.toml" \
    -T 100 -R "$runs" --adc 1,2,3,4,6,8,10,12 --noise 0,0.1,0.3,1 -o "$out/sk100-$model"
done
