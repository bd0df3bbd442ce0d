#!/usr/bin/env bash
# CAC on G1, G11, G14, G22: TTS99 in iterations to the best-known cut, beside seed 000's Table 3
# (CAC per G-set class). G-set defaults (`CacParams::gset`: γ = 2.25/N, τ = 9N, ...) on the
# random and toroidal graphs; the planar graph G14 with a short reset, τ = N/2 (an
# `--algo-params` override), and runs ten times longer.
# Usage: results/cac-gset.sh RUNS STEPS [DATA] > results/cac-gset.csv
# (recorded: results/cac-gset.sh 40 100000; G14 runs 10 × STEPS).
set -euo pipefail
runs=${1:-40}
steps=${2:-100000}
data=${3:-../shared/data/gset}
npim=${NPIM:-target/release/npim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "instance,best_known,runs,steps,params,best_cut,successes,ps,tts99_iterations,paper_cac_class_tts,seconds"
# name, best-known cut, seed 000 Table 3's CAC TTS for the class (R,+ / T,+- / P,+), step
# multiplier, parameter override (JSON; N is substituted)
for spec in "G1 11624 2.09e+05 1 {}" "G11 564 3.38e+05 1 {}" \
  "G14 3064 1.81e+06 10 {\"tau\":N/2}" "G22 13359 2.09e+05 1 {}"; do
  set -- $spec
  name=$1; best=$2; paper=$3; mult=$4; over=$5
  n=$(head -1 "$data/$name.txt" | awk '{print $1}')
  echo "${over//N\/2/$((n / 2))}" > "$tmp/params.json"
  t=$((steps * mult))
  start=$(date +%s.%N)
  out=$($npim solve -i "$data/$name.txt" --algo cac -T "$t" -R "$runs" --target "$best" \
    --algo-params "$tmp/params.json" -q)
  end=$(date +%s.%N)
  cut=$(echo "$out" | awk '/^best/ {print $3}')
  ps=$(echo "$out" | awk '/^P_s/ {print $2}')
  succ=$(echo "$out" | sed -n 's/^P_s.*(\([0-9]*\)\/.*/\1/p')
  tts=$(echo "$out" | awk '/^TTS99/ {print ($2 == "not" ? "" : $2)}')
  params=$(tr -d ',"' < "$tmp/params.json")
  echo "$name,$best,$runs,$t,$params,$cut,$succ,$ps,$tts,$paper,$(echo "$end - $start" | bc)"
done
