
#include "Vtop.h"
#include "verilated.h"
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <deque>
#include <poll.h>
#include <unistd.h>
#include <fcntl.h>
#include <csignal>
static Vtop* top;
// SIGUSR1 pulses the core's reset (as a board's PLL losing lock would) for 16 cycles
static volatile sig_atomic_t reset_requested = 0;
static void on_usr1(int) { reset_requested = 1; }
static void hold_reset(int cycles) {
    top->reset = 1;
    for (int c = 0; c < cycles; c++) { top->clock = 1; top->eval(); top->clock = 0; top->eval(); }
    top->reset = 0;
}
int main(int argc, char** argv) {
    Verilated::commandArgs(argc, argv);
    // NPIM_RANDOM_RESET=SEED: registers and memories without an initial value start random
    // (the model must be built with --x-initial unique for this to reach them)
    if (const char* r = getenv("NPIM_RANDOM_RESET")) {
        Verilated::threadContextp()->randReset(2);
        Verilated::threadContextp()->randSeed(atoi(r));
    }
    top = new Vtop;
    const char* d = getenv("NPIM_DIVISOR");
    const int div = d ? atoi(d) : 8;
    top->divisor = div; top->rx = 1; top->clock = 0; top->eval();
    // the board's reset after configuration (with X-randomised registers and memories, the
    // state before it is arbitrary); its cycles are not counted
    hold_reset(16);
    signal(SIGUSR1, on_usr1);
    // batch mode (NPIM_BATCH): all input first, output as "cycle byte" lines, for comparing
    // with rust_hdl's simulator cycle for cycle
    const bool batch = getenv("NPIM_BATCH") != nullptr;
    std::deque<uint8_t> in;
    bool eof = false;
    if (batch) {
        uint8_t buf[4096]; ssize_t n;
        while ((n = read(0, buf, sizeof buf)) > 0) in.insert(in.end(), buf, buf + n);
        eof = true;
    }
    fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
    // rx serializer: 10 bits a byte, `div` cycles a bit
    int rx_bits = 0, rx_count = 0; uint16_t rx_frame = 0;
    // tx deserializer
    int tx_state = 0, tx_count = 0, tx_bit = 0; uint8_t tx_byte = 0; int last_tx = 1;
    uint64_t cycle = 0;
    for (;;) {
        bool line_busy = rx_bits > 0 || !in.empty() || tx_state != 0;
        if (cycle % 256 == 0 || (top->idle && !line_busy)) {
            if (eof && in.empty() && rx_bits == 0 && top->idle && tx_state == 0) break;
            struct pollfd p = {0, POLLIN, 0};
            int wait = (top->idle && !line_busy && !eof) ? 50 : 0;
            if (!eof && poll(&p, 1, wait) > 0) {
                uint8_t buf[4096];
                ssize_t n = read(0, buf, sizeof buf);
                if (n > 0) in.insert(in.end(), buf, buf + n);
                else if (n == 0) eof = true;
            }
        }
        if (rx_bits == 0 && !in.empty()) {
            rx_frame = (uint16_t)((in.front() << 1) | 0x200); in.pop_front();
            rx_bits = 10; rx_count = div;
        }
        top->rx = rx_bits > 0 ? (rx_frame & 1) : 1;
        if (reset_requested) { reset_requested = 0; hold_reset(16); }
        top->clock = 1; top->eval(); top->clock = 0; top->eval(); cycle++;
        if (rx_bits > 0 && --rx_count == 0) { rx_frame >>= 1; rx_bits--; rx_count = div; }
        int tx = top->tx;
        if (tx_state == 0) {
            if (last_tx == 1 && tx == 0) { tx_state = 1; tx_count = div + div / 2; tx_bit = 0; tx_byte = 0; }
        } else if (--tx_count == 0) {
            if (tx_bit < 8) { tx_byte |= (uint8_t)(tx << tx_bit); tx_bit++; tx_count = div; }
            else {
                if (tx) {
                    if (batch) printf("%llu %d\n", (unsigned long long)cycle, tx_byte);
                    else { fwrite(&tx_byte, 1, 1, stdout); fflush(stdout); }
                }
                tx_state = 0;
            }
        }
        last_tx = tx;
    }
    delete top;
    return 0;
}
