#!/usr/bin/env bash
# Rebuilds the shipped bitstreams from scratch (each board's default build at its default clock,
# with the placement seed the manifest records; into a temporary folder, never over bitstreams/)
# and compares each with
# bitstreams/manifest.json byte for byte. CI checks the ULX3S's sources against the manifest's
# design hash and builds a reduced core there; the full ULX3S place and route (16 update
# units, 16 lanes) takes 15-20 minutes on 2 cores, so it runs here.
# Usage: scripts/rebuild-bitstreams.sh [BOARDS]   (default: "ulx3s icebreaker")
set -euo pipefail
cd "$(dirname "$0")/.."
npim=${NPIM:-target/release/npim}
[ -x "$npim" ] || cargo build --release
boards=${1:-ulx3s icebreaker}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for board in $boards; do
  seed=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]['seed'])" bitstreams/manifest.json "$board")
  NPIM_TOOLS=${NPIM_TOOLS:-.venv/bin} "$npim" hdl bitstream --board "$board" --seed "$seed" -o "$tmp/$board"
  got=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['bitstream_sha256'])" "$tmp/$board/report.json")
  want=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]['bitstream_sha256'])" bitstreams/manifest.json "$board")
  if [ "$got" = "$want" ]; then
    echo "$board: identical to the shipped bitstream ($got)"
  else
    echo "$board: differs from the shipped bitstream ($got, manifest $want)" >&2
    status=1
  fi
done
exit $status
