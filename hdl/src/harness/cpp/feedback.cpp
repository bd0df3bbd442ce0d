
// Bundled ports (rust_hdl LogicInterface) are named `bundle$signal` in the Verilog; Verilator spells `$` as `__024`.
#include "Vtop.h"
#include "verilated.h"
#include <cstdio>
#include <cstring>
#include <cstdint>
#include <vector>
static Vtop* top;
static void tick() { top->clock = 1; top->eval(); top->clock = 0; top->eval(); }
int main(int argc, char** argv) {
    Verilated::commandArgs(argc, argv);
    top = new Vtop;
    top->clock = 0; top->eval();
    char cmd[8]; long long a, v;
    std::vector<long long> samples;
    long long n = 0; unsigned bp = 0;
    while (scanf("%7s", cmd) == 1) {
        if (!strcmp(cmd, "cfg")) {
            long long p[6];
            for (int k = 0; k < 6; k++) scanf("%lld", &p[k]);
            n = p[0]; top->n = p[0]; top->adc_bits = p[1]; top->dac_bits = p[2];
            top->beta_q = (uint16_t)(int16_t)p[3]; top->beta_shift = p[4]; bp = (unsigned)p[5];
            continue;
        }
        if (!strcmp(cmd, "sa")) { scanf("%lld", &a); samples.push_back(a); continue; }
        if (!strcmp(cmd, "go")) {
            unsigned long long cycles = 0; size_t next = 0; unsigned lfsr = bp | 1; long long driven = 0;
            for (;;) {
                top->sample_valid = next < samples.size();
                top->sample = (uint16_t)(int16_t)(next < samples.size() ? samples[next] : 0);
                lfsr ^= lfsr << 13; lfsr ^= lfsr >> 17; lfsr ^= lfsr << 5;
                top->drive_ready = (bp == 0 || (lfsr & 3) != 0);
                top->eval();
                bool took = top->sample_valid && top->sample_ready;
                if (top->drive_valid && top->drive_ready) { printf("d %d %d\n", (int)top->drive_index, (int)(int16_t)top->drive); driven++; }
                tick(); cycles++;
                if (took) next++;
                if (driven == n) break;
                if (cycles > 100000000ULL) { printf("timeout\n"); break; }
            }
            printf("done %llu\n", cycles);
            fflush(stdout);
            continue;
        }
        scanf("%lld %lld", &a, &v);
        if (!strcmp(cmd, "rp")) { top->matrix__024rowptr_waddr = a; top->matrix__024rowptr_wdata = v; top->matrix__024rowptr_we = 1; tick(); top->matrix__024rowptr_we = 0; }
        else if (!strcmp(cmd, "en")) { top->matrix__024entry_waddr = a; top->matrix__024entry_wdata = v; top->matrix__024entry_we = 1; tick(); top->matrix__024entry_we = 0; }
        else if (!strcmp(cmd, "li")) { top->matrix__024linear_waddr = a; top->matrix__024linear_wdata = (uint16_t)(int16_t)v; top->matrix__024linear_we = 1; tick(); top->matrix__024linear_we = 0; }
    }
    delete top;
    return 0;
}
