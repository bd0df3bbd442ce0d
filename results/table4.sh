#!/usr/bin/env bash
# Seed 000 Table 4 re-measured: mean P_s of each trained dNPIM parameter file on the ten
# SK N=100 files of ../shared/data/sk (T = 100, R runs per file, seed 0, ground energies as
# targets). Usage: results/table4.sh [R] [OUT.csv]  (default OUT: runs/table4.csv, so that a rerun
# never overwrites the recorded results/table4.csv; pass it to update the record)
set -euo pipefail
cd "$(dirname "$0")/.."
R=${1:-1000}
npim=target/release/npim
out=${2:-runs/table4.csv}
mkdir -p "$(dirname "$out")"
echo "params,tc,d,m,p,file,p_s" > "$out"
for p in params/table4-*.json params/sk-n100.json; do
  read -r tc d m pp < <(python3 -c "import json,sys; a=json.load(open('$p'))['architecture']; print(a['tc'],a['d'],a['m'],(1+a['d']+a['d']*a['tc'])*a['m'])")
  for f in 0 1 2 3 4 5 6 7 8 9; do
    e=$(grep "SK1_N100_$f.txt" ../shared/data/sk/ground_energies.csv | cut -d, -f4)
    ps=$($npim solve -q -i ../shared/data/sk/SK1_N100_$f.txt --problem ising --target "$e" -R "$R" -T 100 -p "$p" | awk '/^P_s/ {print $2}')
    echo "$p,$tc,$d,$m,$pp,SK1_N100_$f,$ps" >> "$out"
  done
done
echo "wrote $out"
