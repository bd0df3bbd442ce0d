#!/usr/bin/env bash
# The core as the CIM feedback engine on G11 with the OPO model: ADC full scale, oscillator noise
# and feedback gain β swept around results/hil/opo-cim-g11.toml. Stage 1: T = 3000, 200 runs per
# point; stage 2: the best corner at T = 10 000, 500 runs. Recorded:
#   results/hil/cim-g11-sweep.sh > results/hil/cim-g11-sweep.csv
set -euo pipefail
npim=${NPIM:-target/release/npim}
g11=${G11:-../shared/data/gset/G11.txt}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
point() { # full_scale noise beta steps runs
  sed "s/adc_full_scale = 1.5/adc_full_scale = $1/; s/^noise = 0.15/noise = $2/" results/hil/opo-cim-g11.toml > "$tmp"
  out=$($npim hil --mode cim --oscillator opo -i "$g11" --config "$tmp" --beta "$3" -T "$4" -R "$5" --target 564 -q)
  best=$(echo "$out" | awk '/^best/ {print $3}')
  hits=$(echo "$out" | sed -n 's/^P_s.*(\([0-9]*\)\/.*/\1/p')
  echo "$1,$2,$3,$4,$5,$best,$hits"
}
echo "adc_full_scale,noise,beta,steps,runs,best_cut,hits_564"
for fs in 0.1 0.3; do for noise in 0.05 0.15 0.3; do for beta in 0.05 0.1 0.2; do
  point "$fs" "$noise" "$beta" 3000 200
done; done; done
for p in "0.1 0.15 0.05" "0.1 0.15 0.03" "0.1 0.2 0.05" "0.05 0.15 0.05"; do
  # shellcheck disable=SC2086
  point $p 10000 500
done
