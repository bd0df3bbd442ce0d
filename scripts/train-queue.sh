#!/usr/bin/env bash
# Runs `npim train` on each config named, one after the other, each into params/runs/NAME
# (checkpointed: run the same command again to resume where a stopped queue left off).
# Usage: scripts/train-queue.sh CONFIG.toml...   (RAYON_NUM_THREADS=1 to leave a core free)
set -euo pipefail
cd "$(dirname "$0")/.."
npim=${NPIM:-target/release/npim}
for config in "$@"; do
  name=$(basename "$config" .toml)
  echo "== $name ($(date -u +%FT%TZ))"
  "$npim" train -c "$config" -o "params/runs/$name"
done
