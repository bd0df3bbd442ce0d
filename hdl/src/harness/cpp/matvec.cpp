
// Bundled ports (rust_hdl LogicInterface) are named `bundle$signal` in the Verilog; Verilator spells `$` as `__024`.
#include "Vtop.h"
#include "verilated.h"
#include <cstdio>
#include <cstring>
#include <cstdint>
static Vtop* top;
static void tick() { top->clock = 1; top->eval(); top->clock = 0; top->eval(); }
int main(int argc, char** argv) {
    Verilated::commandArgs(argc, argv);
    top = new Vtop;
    top->clock = 0; top->eval();
    char cmd[8]; long long a, v;
    while (scanf("%7s", cmd) == 1) {
        if (!strcmp(cmd, "go")) {
            scanf("%lld", &a);
            top->n = a; top->start = 1; tick(); top->start = 0;
            unsigned long long cycles = 1;
            for (;;) {
                if (top->field_valid) printf("f %d %d\n", (int)top->field_index, (int)(int16_t)top->field);
                if (top->field2_valid) printf("f %d %d\n", (int)top->field_index + 1, (int)(int16_t)top->field2);
                if (top->done) { printf("done %llu %llu\n", (unsigned long long)top->e4, cycles); break; }
                if (cycles > 100000000ULL) { printf("timeout\n"); break; }
                tick(); cycles++;
            }
            fflush(stdout);
            continue;
        }
        scanf("%lld %lld", &a, &v);
        if (!strcmp(cmd, "rp")) { top->matrix__024rowptr_waddr = a; top->matrix__024rowptr_wdata = v; top->matrix__024rowptr_we = 1; tick(); top->matrix__024rowptr_we = 0; }
        else if (!strcmp(cmd, "en")) { top->matrix__024entry_waddr = a; top->matrix__024entry_wdata = v; top->matrix__024entry_we = 1; tick(); top->matrix__024entry_we = 0; }
        else if (!strcmp(cmd, "sp")) { top->spin_waddr = a; top->spin_wdata = v; top->spin_we = 1; tick(); top->spin_we = 0; }
        else if (!strcmp(cmd, "li")) { top->matrix__024linear_waddr = a; top->matrix__024linear_wdata = (uint16_t)(int16_t)v; top->matrix__024linear_we = 1; tick(); top->matrix__024linear_we = 0; }
    }
    delete top;
    return 0;
}
