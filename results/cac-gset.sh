#!/usr/bin/env bash
# CAC (issue 6's G-set defaults) on G1, G11, G14, G22: TTS99 in iterations to the best-known cut,
# beside seed 000's Table 5. Usage: results/cac-gset.sh RUNS STEPS [DATA] > results/cac-gset.csv
# (recorded: results/cac-gset.sh 40 100000).
set -euo pipefail
runs=${1:-40}
steps=${2:-100000}
data=${3:-../shared/data/gset}
npim=${NPIM:-target/release/npim}
echo "instance,best_known,runs,steps,best_cut,successes,ps,tts99_iterations,paper_cac_class_tts,seconds"
# seed 000 Table 3 (CAC per G-set class: R,+ / T,+- / P,+) and Table 5's best-known cuts
for spec in "G1 11624 2.09e+05" "G11 564 3.38e+05" "G14 3064 1.81e+06" "G22 13359 2.09e+05"; do
  set -- $spec
  name=$1; best=$2; paper=$3
  start=$(date +%s.%N)
  out=$($npim solve -i "$data/$name.txt" --algo cac -T "$steps" -R "$runs" --target "$best" -q)
  end=$(date +%s.%N)
  cut=$(echo "$out" | awk '/^best/ {print $3}')
  ps=$(echo "$out" | awk '/^P_s/ {print $2}')
  succ=$(echo "$out" | sed -n 's/^P_s.*(\([0-9]*\)\/.*/\1/p')
  tts=$(echo "$out" | awk '/^TTS99/ {print ($2 == "not" ? "" : $2)}')
  echo "$name,$best,$runs,$steps,$cut,$succ,$ps,$tts,$paper,$(echo "$end - $start" | bc)"
done
