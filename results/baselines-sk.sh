#!/usr/bin/env bash
# P_s and TTS of every solver on the thirty SK files of ../shared/data/sk, against their ground
# energies, with each solver's defaults: R runs of T iterations per file.
# Usage: results/baselines-sk.sh [R] [T] [OUT.csv]  (default OUT: runs/baselines-sk.csv, so that
# a rerun never overwrites the recorded results/baselines-sk.csv; pass it to update the record)
set -euo pipefail
cd "$(dirname "$0")/.."
R=${1:-100}; T=${2:-1000}
npim=target/release/npim
[ -x "$npim" ] || cargo build --release
out=${3:-runs/baselines-sk.csv}
mkdir -p "$(dirname "$out")"
echo "algo,file,n,ground_energy,steps,runs,p_s,low,high,tts_steps" > "$out"
tail -n +2 ../shared/data/sk/ground_energies.csv | while IFS=, read -r file n edges e0; do
  for algo in cac sa dsbm pmcim aim dnpim; do
    extra=""
    [ "$algo" = dnpim ] && extra="--params handset"
    [ "$algo" = dnpim ] && [ "$n" = 100 ] && extra="--params params/sk-n100.json"
    line=$($npim solve --algo "$algo" -i "../shared/data/sk/$file" --problem ising --target "$e0" \
      -R "$R" -T "$T" -q $extra | grep -E '^(P_s|TTS99)')
    ps=$(echo "$line" | awk '/^P_s/ {print $2}')
    lo=$(echo "$line" | awk '/^P_s/ {gsub(/[\[,]/,"",$3); print $3}')
    hi=$(echo "$line" | awk '/^P_s/ {gsub(/[\],]/,"",$4); print $4}')
    tts=$(echo "$line" | awk '/^TTS99/ {print ($2 == "not" ? "not reached" : $2)}')
    echo "$algo,$file,$n,$e0,$T,$R,$ps,$lo,$hi,$tts" >> "$out"
  done
done
echo "wrote $out"
