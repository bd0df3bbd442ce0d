//! Read-write collisions in the block memories.
//!
//! rust_hdl writes a memory's read port and write port as two clocked blocks, so a read of the
//! address being written in the same cycle returns the old word (Verilog semantics). The
//! iCE40's block RAM leaves that case undefined, and yosys, told nothing more, builds the
//! old-word behaviour out of logic: a register on the write port's address and data, a
//! comparator and a multiplexer for every memory (on the iCEBreaker build 259 flip-flops and
//! about 430 of its 5 280 logic cells).
//!
//! The design never uses a read that collides with a write: the image memories (row pointers,
//! entries, linear terms, knots) are written by the loader only while the core is idle; within
//! a run the phases that write the spin banks, the schedule weights and the field history come
//! before the phases that read them; the frame buffer is written only while the engine is idle
//! and the response buffer only before it is encoded; and the noise and weight memories'
//! colliding reads (the update unit reads spin `i`'s noise state or `W⁰` while the core writes
//! it, between passes) are ones the next cycle ignores. So board builds mark every memory
//! `no_rw_check` ([`without_collision_logic`]), and the tests prove the claim under Verilator:
//! with every colliding read made to return a wrong word ([`poison_collisions`]), whole runs
//! still equal the golden model bit for bit.

/// The memory declarations rust_hdl writes (`reg[W:0] mem[D:0];`), marked `no_rw_check` so
/// that synthesis maps them to block RAM without collision logic.
pub fn without_collision_logic(verilog: &str) -> String {
    let mut out = String::with_capacity(verilog.len() + 1024);
    for line in verilog.split_inclusive('\n') {
        let body = line.trim_start();
        if body.starts_with("reg[") && body.contains("] mem[") {
            out.push_str(&line[..line.len() - body.len()]);
            out.push_str("(* no_rw_check *) ");
            out.push_str(body);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// The read port of every rust_hdl RAM: a registered read of `mem[read_address]`.
const READ: &str = "read_data <= mem[read_address];";

/// The second read port of a [`crate::widgets::dual_read_ram::DualReadRam`] (whose first
/// read port never reads in a write cycle, so only this one can collide).
pub const READ_B: &str = "read_data_b <= mem[read_address_b];";

/// The design with every memory returning the complement of the stored word when it is read
/// at the address written in the same cycle: a simulation of it equals the unmodified design's
/// exactly when no colliding read is ever used.
pub fn poison_collisions(verilog: &str) -> String {
    verilog
        .replace(
            READ,
            "if (write_enable && write_address == read_address) read_data <= ~mem[read_address]; \
             else read_data <= mem[read_address];",
        )
        .replace(
            READ_B,
            "if (write_enable && write_address == read_address_b) read_data_b <= ~mem[read_address_b]; \
             else read_data_b <= mem[read_address_b];",
        )
}

/// How many memories [`poison_collisions`] and [`without_collision_logic`] find (each has one
/// read port that can collide with its write port).
pub fn memories(verilog: &str) -> usize {
    verilog.matches(READ).count() + verilog.matches(READ_B).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_memory_of_the_serial_core_is_marked_and_poisoned() {
        let v = crate::builds::rtl::serial_sim::verilog([0; 32]);
        let n = memories(&v);
        // knots, row pointers, linear terms, spin banks, noise, weights, frame buffers
        assert!(n >= 10, "{n} memories");
        assert_eq!(
            without_collision_logic(&v)
                .matches("(* no_rw_check *)")
                .count(),
            n
        );
        let p = poison_collisions(&v);
        assert_eq!(
            p.matches("~mem[read_address]").count() + p.matches("~mem[read_address_b]").count(),
            n
        );
        assert!(
            p.contains("~mem[read_address_b]"),
            "the weights' port B is poisoned"
        );
        assert_eq!(
            p.matches("if (write_enable && write_address == read_address")
                .count(),
            n
        );
    }
}
