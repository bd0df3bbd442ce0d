
// Bundled ports (rust_hdl LogicInterface) are named `bundle$signal` in the Verilog; Verilator spells `$` as `__024`.
#include "Vtop.h"
#include "verilated.h"
#include "verilated_vcd_c.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cstdint>
#include <string>
static Vtop* top;
static VerilatedVcdC* tfp = nullptr;
static uint64_t simtime = 0;
static int16_t test_sample(long long y, long long t, long long i, uint32_t seed) {
    int s = y < 0 ? -1 : 1;
    if (((unsigned long long)t * 7919ULL + (unsigned long long)i * 104729ULL + seed) % 13 == 0) s = -s;
    if (s > 0 && (t + i) % 11 == 0) return 0;
    return (int16_t)(s * (1 + i % 50));
}
static void tick() {
    top->clock = 1; top->eval(); if (tfp) tfp->dump(simtime++);
    top->clock = 0; top->eval(); if (tfp) tfp->dump(simtime++);
}
int main(int argc, char** argv) {
    Verilated::commandArgs(argc, argv);
    top = new Vtop;
    const char* vcd = getenv("NPIM_VCD");
    if (vcd) { Verilated::traceEverOn(true); tfp = new VerilatedVcdC; top->trace(tfp, 99); tfp->open(vcd); }
    top->clock = 0; top->eval();
    char cmd[8]; long long a, v;
    while (scanf("%7s", cmd) == 1) {
        if (!strcmp(cmd, "run")) {
            long long p[14];
            for (int k = 0; k < 14; k++) scanf("%lld", &p[k]);
            top->setup__024n = p[0]; top->setup__024tc = p[1]; top->setup__024d = p[2]; top->setup__024per_knot = p[3]; top->setup__024steps = p[4];
            top->setup__024knot_shift = p[5]; top->setup__024z_right = p[6]; top->setup__024z_left = p[7]; top->setup__024y_shift0 = p[8];
            top->setup__024y_shift1 = p[9]; top->run_seed = (uint32_t)p[10];
            int external = (int)p[11]; uint32_t seed = (uint32_t)p[12]; int ideal = (int)p[13];
            top->external = external;
            top->start = 1; tick(); top->start = 0;
            unsigned long long cycles = 1;
            uint32_t pattern = seed | 1;
            static long long last_y[4096];
            for (long long i = 0; i < p[0]; i++) last_y[i] = 0;
            long long t = 0, j = 0;
            for (;;) {
                pattern ^= pattern << 13; pattern ^= pattern >> 17; pattern ^= pattern << 5;
                top->drive_ready = external && (ideal || (pattern & 3) != 0);
                top->sample_valid = external && (ideal || ((pattern >> 2) & 3) != 0);
                top->sample = (uint16_t)test_sample(last_y[j], t, j, seed);
                top->eval();
                if (top->drive_valid && top->drive_ready) {
                    int i = (int)top->drive_index;
                    // (a 48-bit signed port: sign-extended)
                    last_y[i] = ((long long)((unsigned long long)top->drive_value << 16)) >> 16;
                    printf("y %d %lld\n", i, last_y[i]);
                }
                if (top->sample_valid && top->sample_ready) j = (j + 1) % p[0];
                if (top->spin_valid) printf("w %d %llu\n", (int)top->spin_word_index, (unsigned long long)top->spin_word);
                if (top->field_valid) printf("f %d %d\n", (int)top->field_index, (int)(int16_t)top->field);
                if (top->field2_valid) printf("f %d %d\n", (int)top->field_index + 1, (int)(int16_t)top->field2);
                if (top->step_done) { printf("e %d %llu\n", (int)top->step, (unsigned long long)top->step_e4); t++; }
                if (top->run_done) break;
                tick(); cycles++;
            }
            top->drive_ready = 0; top->sample_valid = 0;
            tick();
            printf("best %llu %d %llu\n", (unsigned long long)top->best_e4, (int)top->best_step, cycles);
            std::string bits;
            for (long long i = 0; i < p[0]; i++) { top->best_raddr = i; tick(); tick(); bits.push_back(top->best_rbit ? '1' : '0'); }
            printf("b %s\n", bits.c_str());
            fflush(stdout);
            continue;
        }
        scanf("%lld %lld", &a, &v);
        if (!strcmp(cmd, "rp")) { top->matrix__024rowptr_waddr = a; top->matrix__024rowptr_wdata = v; top->matrix__024rowptr_we = 1; tick(); top->matrix__024rowptr_we = 0; }
        else if (!strcmp(cmd, "en")) { top->matrix__024entry_waddr = a; top->matrix__024entry_wdata = v; top->matrix__024entry_we = 1; tick(); top->matrix__024entry_we = 0; }
        else if (!strcmp(cmd, "li")) { top->matrix__024linear_waddr = a; top->matrix__024linear_wdata = (uint16_t)(int16_t)v; top->matrix__024linear_we = 1; tick(); top->matrix__024linear_we = 0; }
        else if (!strcmp(cmd, "kn")) { top->knot_writes__024knot_waddr = a; top->knot_writes__024knot_wdata = (uint16_t)(int16_t)v; top->knot_writes__024knot_we = 1; tick(); top->knot_writes__024knot_we = 0; }
    }
    if (tfp) tfp->close();
    delete top;
    return 0;
}
