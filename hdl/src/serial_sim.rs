//! The serial core (UART, command engine, core) under Verilator as a board: a child process
//! whose stdin bytes are shifted into the `rx` pin at `divisor` cycles per bit and whose `tx`
//! pin is decoded back into bytes on stdout. The emulator (`npim emulate --engine rtl-uart`)
//! and the tests put the host's protocol bytes through it, so the frame decoder, CRC, command
//! engine, image loader and response encoder in the generated Verilog are what answers.

use crate::protocol::reply::Identity;
use crate::serial_core::SerialCore;
use crate::verilator::Harness;
use npim_sim::fixed::CoreConfig;
use rust_hdl::prelude::*;
use std::io::{Read, Write};
use std::process::Child;
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

/// Cycles per UART bit in simulation.
pub const SIM_DIVISOR: u32 = 8;

/// The core configuration this RTL build answers IDENTIFY with (the `rtl` preset).
pub fn build_config() -> CoreConfig {
    CoreConfig::preset("rtl").expect("preset")
}

/// The IDENTIFY reply bytes of this build with bitstream hash `hash`.
pub fn identity_bytes(hash: [u8; 32]) -> Vec<u8> {
    Identity::new(&build_config(), 0, hash).encode()
}

/// The Verilog of the serial core (top module `top`).
pub fn verilog(hash: [u8; 32]) -> String {
    let mut uut = SerialCore::new(&identity_bytes(hash));
    uut.connect_all();
    generate_verilog(&uut)
}

/// The C++ bridge: stdin bytes onto `rx`, `tx` back to stdout, the clock running while there is
/// work and sleeping on stdin when the design is idle.
pub const HARNESS_CPP: &str = r#"
#include "Vtop.h"
#include "verilated.h"
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <deque>
#include <poll.h>
#include <unistd.h>
#include <fcntl.h>
static Vtop* top;
int main(int argc, char** argv) {
    Verilated::commandArgs(argc, argv);
    top = new Vtop;
    const char* d = getenv("NPIM_DIVISOR");
    const int div = d ? atoi(d) : 8;
    top->divisor = div; top->rx = 1; top->clock = 0; top->eval();
    fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
    std::deque<uint8_t> in;
    bool eof = false;
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
        top->clock = 1; top->eval(); top->clock = 0; top->eval(); cycle++;
        if (rx_bits > 0 && --rx_count == 0) { rx_frame >>= 1; rx_bits--; rx_count = div; }
        int tx = top->tx;
        if (tx_state == 0) {
            if (last_tx == 1 && tx == 0) { tx_state = 1; tx_count = div + div / 2; tx_bit = 0; tx_byte = 0; }
        } else if (--tx_count == 0) {
            if (tx_bit < 8) { tx_byte |= (uint8_t)(tx << tx_bit); tx_bit++; tx_count = div; }
            else { if (tx) { fwrite(&tx_byte, 1, 1, stdout); fflush(stdout); } tx_state = 0; }
        }
        last_tx = tx;
    }
    delete top;
    return 0;
}
"#;

/// Builds (or finds in `cache`) the serial core's harness for bitstream hash `hash`.
pub fn build_harness(cache: &std::path::Path, hash: [u8; 32]) -> Result<Harness, String> {
    Harness::build(&verilog(hash), HARNESS_CPP, cache)
}

/// A running serial core: write bytes in, read what its UART sends back.
pub struct SerialSim {
    child: Child,
    from_board: Receiver<Vec<u8>>,
}

impl SerialSim {
    /// Starts the harness at `divisor` cycles per bit.
    pub fn start(harness: &Harness, divisor: u32) -> Result<Self, String> {
        let mut child = harness.spawn(&[("NPIM_DIVISOR", &divisor.to_string())])?;
        let mut out = child.stdout.take().expect("piped");
        let (tx, from_board) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Ok(SerialSim { child, from_board })
    }

    /// Sends bytes to the core's `rx` pin.
    pub fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let stdin = self.child.stdin.as_mut().expect("piped");
        stdin.write_all(bytes)?;
        stdin.flush()
    }

    /// Bytes that came out of the core's `tx` pin within `timeout` (empty if none).
    pub fn recv(&mut self, timeout: Duration) -> std::io::Result<Vec<u8>> {
        match self.from_board.recv_timeout(timeout) {
            Ok(mut v) => {
                while let Ok(more) = self.from_board.try_recv() {
                    v.extend(more);
                }
                Ok(v)
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Ok(Vec::new()),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "the simulated board exited",
            )),
        }
    }
}

impl Drop for SerialSim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
