//! The serial core (UART, command engine, core) under Verilator as a board: a child process
//! whose stdin bytes are shifted into the `rx` pin at `divisor` cycles per bit and whose `tx`
//! pin is decoded back into bytes on stdout. The emulator (`npim emulate --engine rtl-uart`)
//! and the tests put the host's protocol bytes through it, so the frame decoder, CRC, command
//! engine, image loader and response encoder in the generated Verilog are what answers.

use super::serial_core::SerialCore;
use npim_proto::reply::Identity;
use crate::harness::verilator::Harness;
use npim_sim::fixed::CoreConfig;
use rust_hdl::prelude::*;
use std::io::{Read, Write};
use std::process::Child;
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

/// Cycles per UART bit in simulation.
pub const SIM_DIVISOR: u32 = 8;

/// The core configuration this RTL build answers IDENTIFY with (its preset).
pub fn build_config() -> CoreConfig {
    super::widths::config()
}

/// The IDENTIFY reply bytes of this build with bitstream hash `hash`.
pub fn identity_bytes(hash: [u8; 32]) -> Vec<u8> {
    Identity::new(&build_config(), capabilities(), hash).encode()
}

/// IDENTIFY's capability bits of this build: external mode and learning phases where they are
/// built (`EXTERNAL`, `PHASES`).
pub fn capabilities() -> u8 {
    use npim_proto::message::capability;
    let mut bits = 0;
    if super::widths::EXTERNAL {
        bits |= capability::EXTERNAL;
    }
    if super::widths::PHASES {
        bits |= capability::PHASES;
    }
    bits
}

/// The Verilog of the serial core (top module `top`).
pub fn verilog(hash: [u8; 32]) -> String {
    crate::harness::verilog_of(|| SerialCore::new(&identity_bytes(hash)))
}

/// The C++ bridge: stdin bytes onto `rx`, `tx` back to stdout, the clock running while there is
/// work and sleeping on stdin when the design is idle.
pub const HARNESS_CPP: &str = include_str!("cpp/serial.cpp");

/// Builds (or finds in `cache`) the serial core's harness for bitstream hash `hash`.
pub fn build_harness(cache: &std::path::Path, hash: [u8; 32]) -> Result<Harness, String> {
    Harness::build(&verilog(hash), HARNESS_CPP, cache)
}

/// Verilator arguments that leave every register and memory without an initial value (and
/// every `x` assignment) to be set at run time: at random with `NPIM_RANDOM_RESET`. A 2-state
/// simulator would otherwise start them at 0 and hide a design's reliance on zeros that the
/// UP5K's SPRAM, for one, does not give.
pub const X_RANDOM_ARGS: &[&str] = &["--x-initial", "unique", "--x-assign", "unique"];

/// The serial core's harness built with [`X_RANDOM_ARGS`].
pub fn build_x_random_harness(
    cache: &std::path::Path,
    hash: [u8; 32],
) -> Result<Harness, String> {
    Harness::build_with(&verilog(hash), HARNESS_CPP, cache, X_RANDOM_ARGS)
}

/// The serial core's harness with every colliding memory read returning a wrong word
/// ([`crate::ram_collisions::poison_collisions`]).
pub fn build_collision_harness(
    cache: &std::path::Path,
    hash: [u8; 32],
) -> Result<Harness, String> {
    let verilog = crate::ram_collisions::poison_collisions(&verilog(hash));
    Harness::build(&verilog, HARNESS_CPP, cache)
}

/// The bytes the serial core sends for `input` (all of it offered from cycle 0) and the cycle
/// each byte's stop bit was sampled, under Verilator.
pub fn run_verilator_batch(
    harness: &Harness,
    input: &[u8],
    divisor: u32,
) -> Result<Vec<(u64, u8)>, String> {
    let mut child =
        harness.spawn(&[("NPIM_DIVISOR", &divisor.to_string()), ("NPIM_BATCH", "1")])?;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(input)
        .map_err(|e| e.to_string())?;
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let (c, b) = l.split_once(' ').ok_or(format!("bad line `{l}`"))?;
            Ok((
                c.parse().map_err(|_| format!("bad line `{l}`"))?,
                b.parse().map_err(|_| format!("bad line `{l}`"))?,
            ))
        })
        .collect()
}

/// The same in rust_hdl's simulator: the pins driven exactly as the Verilator harness drives
/// them, so the two agree cycle for cycle when the generated Verilog means what the Rust does.
pub fn run_rust_hdl_batch(
    input: &[u8],
    divisor: u32,
    hash: [u8; 32],
    max_cycles: u64,
) -> Result<Vec<(u64, u8)>, String> {
    let mut uut = SerialCore::new(&identity_bytes(hash));
    uut.connect_all();
    uut.divisor.next = u64::from(divisor).to_bits();
    uut.rx.next = true;
    uut.clock.next = Clock { clk: false };
    simulate(&mut uut, 1000);
    // the board's reset, as the Verilator harness holds it (not counted)
    uut.reset.next = true;
    for _ in 0..16 {
        for clk in [true, false] {
            uut.clock.next = Clock { clk };
            if !simulate(&mut uut, 1000) {
                return Err("the logic did not settle".into());
            }
        }
    }
    uut.reset.next = false;
    let mut input: std::collections::VecDeque<u8> = input.iter().copied().collect();
    let (mut rx_bits, mut rx_count, mut rx_frame) = (0u32, 0u32, 0u16);
    let (mut tx_state, mut tx_count, mut tx_bit, mut tx_byte, mut last_tx) =
        (0, 0u32, 0, 0u8, true);
    let mut out = Vec::new();
    let mut cycle = 0u64;
    loop {
        let line_busy = rx_bits > 0 || !input.is_empty() || tx_state != 0;
        if input.is_empty() && rx_bits == 0 && uut.idle.val() && tx_state == 0 && !line_busy {
            break;
        }
        if cycle > max_cycles {
            return Err(format!("still busy after {max_cycles} cycles"));
        }
        if rx_bits == 0 {
            if let Some(b) = input.pop_front() {
                rx_frame = (u16::from(b) << 1) | 0x200;
                rx_bits = 10;
                rx_count = divisor;
            }
        }
        uut.rx.next = if rx_bits > 0 { rx_frame & 1 == 1 } else { true };
        uut.clock.next = Clock { clk: true };
        if !simulate(&mut uut, 1000) {
            return Err("the logic did not settle".into());
        }
        uut.clock.next = Clock { clk: false };
        if !simulate(&mut uut, 1000) {
            return Err("the logic did not settle".into());
        }
        cycle += 1;
        if rx_bits > 0 {
            rx_count -= 1;
            if rx_count == 0 {
                rx_frame >>= 1;
                rx_bits -= 1;
                rx_count = divisor;
            }
        }
        let tx = uut.tx.val();
        if tx_state == 0 {
            if last_tx && !tx {
                tx_state = 1;
                tx_count = divisor + divisor / 2;
                tx_bit = 0;
                tx_byte = 0;
            }
        } else {
            tx_count -= 1;
            if tx_count == 0 {
                if tx_bit < 8 {
                    tx_byte |= u8::from(tx) << tx_bit;
                    tx_bit += 1;
                    tx_count = divisor;
                } else {
                    if tx {
                        out.push((cycle, tx_byte));
                    }
                    tx_state = 0;
                }
            }
        }
        last_tx = tx;
    }
    Ok(out)
}

/// A running serial core: write bytes in, read what its UART sends back.
pub struct SerialSim {
    child: Child,
    from_board: Receiver<Vec<u8>>,
}

impl SerialSim {
    /// Starts the harness at `divisor` cycles per bit.
    pub fn start(harness: &Harness, divisor: u32) -> Result<Self, String> {
        Self::start_with_env(harness, divisor, &[])
    }

    /// As [`SerialSim::start`], with environment variables for the harness
    /// (`NPIM_RANDOM_RESET=SEED`: every register and memory without an initial value starts
    /// random, for a harness built with [`X_RANDOM_ARGS`]).
    pub fn start_with_env(
        harness: &Harness,
        divisor: u32,
        env: &[(&str, &str)],
    ) -> Result<Self, String> {
        let divisor = divisor.to_string();
        let mut vars = vec![("NPIM_DIVISOR", divisor.as_str())];
        vars.extend_from_slice(env);
        let mut child = harness.spawn(&vars)?;
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

    /// Pulses the core's `reset` for 16 cycles, as a board's reset synchroniser does when its
    /// PLL loses lock (the harness takes SIGUSR1 between two clock cycles).
    pub fn pulse_reset(&mut self) -> std::io::Result<()> {
        let pid = libc::pid_t::try_from(self.child.id())
            .map_err(|_| std::io::Error::other("pid out of range"))?;
        // SAFETY: kill sends a signal to the child this value owns; no memory is involved.
        if unsafe { libc::kill(pid, libc::SIGUSR1) } == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
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
