
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
            long long n, tc, d, zr, zl, y0, y1, pl;
            scanf("%lld %lld %lld %lld %lld %lld %lld %lld", &n, &tc, &d, &zr, &zl, &y0, &y1, &pl);
            top->n = n; top->avail = n; top->tc = tc; top->d = d; top->pipelined = pl;
            top->z_right = zr; top->z_left = zl; top->y_shift0 = y0; top->y_shift1 = y1;
            // the configuration is held before the start, as the core's is (loaded with the
            // image): the unit's own copies of it take up to three cycles to settle
            for (int c = 0; c < 3; c++) tick();
            top->start = 1; tick(); top->start = 0;
            unsigned long long cycles = 1;
            // the core's part: every decision offered is taken, and the unit told so a cycle
            // later (while it still offers it)
            int taken = 0;
            for (;;) {
                top->taken = taken; top->eval();
                int offered = top->spin_valid && !taken;
                if (offered) printf("s %d %d\n", (int)top->spin_index, (int)top->spin_bit);
                if (top->done) { printf("done %llu\n", cycles); break; }
                if (cycles > 1000000000ULL) { printf("timeout\n"); break; }
                tick(); cycles++;
                taken = offered;
            }
            fflush(stdout);
            continue;
        }
        scanf("%lld %lld", &a, &v);
        if (!strcmp(cmd, "w")) { top->weight_waddr = a; top->weight_wdata = (uint16_t)(int16_t)v; top->weight_we = 1; tick(); top->weight_we = 0; }
        else if (!strcmp(cmd, "h")) { top->hist_waddr = a; top->hist_wdata = (uint16_t)(int16_t)v; top->hist_we = 1; tick(); top->hist_we = 0; }
        else if (!strcmp(cmd, "z")) { top->noise_waddr = a; top->noise_wdata = (uint32_t)v; top->noise_we = 1; tick(); top->noise_we = 0; }
    }
    delete top;
    return 0;
}
