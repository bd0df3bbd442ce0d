#!/usr/bin/env bash
# ADC-bits x measurement-noise sweep of the closed loop on the ten SK N=100 files (ground
# energies as targets), params/sk-n100.json, T = 100, for each realistic config here.
# Usage: results/hil/sweep-sk100.sh [RUNS]   (from the repository root, ../shared beside it)
set -euo pipefail
runs="${1:-200}"
args=()
for f in 0 1 2 3 4 5 6 7 8 9; do
  e=$(grep "SK1_N100_$f.txt" ../shared/data/sk/ground_energies.csv | cut -d, -f4)
  args+=(-i "../shared/data/sk/SK1_N100_$f.txt:$e")
done
for model in opo cmos; do
  npim study hil "${args[@]}" -p params/sk-n100.json --config "results/hil/$model-realistic.toml" \
    -T 100 -R "$runs" --adc 1,2,3,4,6,8,10,12 --noise 0,0.1,0.3,1 -o "results/hil/sk100-$model"
done
