#!/usr/bin/env bash
# The recorded equilibrium-propagation runs of the README (Learning on the core): EP on the
# golden model of the `rtl` core (the ULX3S build's) against backprop of the same width, and
# the nudge dilemma swept, and the time per inference. About 13 minutes on one core of a 2-core
# machine (Verilator builds the `rtl` core once, cached).
# Usage: results/ep/run.sh [NPIM]   (default target/release/npim)
set -euo pipefail
npim=${1:-target/release/npim}
cd "$(dirname "$0")/../.."
"$npim" --threads 1 ep train --data iris --hidden 16 --epochs 100 -o results/ep/iris --fresh -q
"$npim" --threads 1 ep train --data digits --epochs 30 -o results/ep/digits --fresh -q
"$npim" --threads 1 ep sweep --data iris --hidden 16 --epochs 100 -o results/ep/sweep-iris -q
"$npim" --threads 1 ep sweep --data digits --epochs 20 --betas 0.5,1,2,4 --seeds 1,2 -o results/ep/sweep-digits -q
# time per inference: the trained networks' core images on the `rtl` build under Verilator
# (every step checked against the golden model) for the cycles per step, then the benchmark
for run in digits iris; do
  cycles=$("$npim" sim --image "results/ep/$run/core.npimg" --check -R 2 | awk '/^cycles/ {print $2}')
  "$npim" --threads 1 ep bench "results/ep/$run" --cycles-per-step "$cycles"
done
