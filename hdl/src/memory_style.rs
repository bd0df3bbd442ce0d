//! Which of the core's memories a board's synthesis puts in logic instead of block RAM.
//!
//! On the ECP5-85F block RAM, not logic, runs out first: the matvec's entry banks and spin
//! copies and each update unit's field history need DP16KD, while three quarters of the LUTs
//! sit idle. Each update unit's noise states (`2^UNIT_SPIN_BITS` words of 32 bits: 128 × 32 on
//! the 16-unit `rtl` build) fit in distributed RAM, as does the copy of its weights that serves
//! the `W¹` reads with more than one tap a cycle (`weights_b`, 16 × 16, read at a registered address), the half of its `W²` weights that four taps a cycle read beside
//! the block-RAM half (`wq_hi`, 64 × 32 on `rtl`), and its tanh table (256 × 16,
//! read-only) in LUTs, and so does the core's start memory (a learning phase's start spins,
//! `2^UNIT_SPIN_BITS` words of `UNITS` spins, read once a phase), so on that family these carry
//! a synthesis attribute and leave the block RAM to the memories that need it. The iCE40UP5K has no distributed RAM and few LUTs: there
//! the command engine's IDENTIFY ROM (61 bytes) goes the other way, into a block RAM the build
//! leaves free, where yosys would otherwise spend logic cells on it. Simulation ignores the attributes; the design hash covers them (they are in `core.v`).

use crate::boards::Family;

/// The attribute for a memory declared in module `module`, if the family moves it between
/// block RAM and logic.
fn style(family: Family, module: &str) -> Option<&'static str> {
    if family == Family::Ice40 {
        return module
            .ends_with("$engine$id_rom")
            .then_some("(* rom_style = \"block\" *) ");
    }
    if module.ends_with("$core$start_mem") {
        return Some("(* ram_style = \"distributed\" *) ");
    }
    if !module.contains("$units$") {
        return None;
    }
    if module.ends_with("$noise") || module.ends_with("$weights_b") || module.ends_with("$wq_hi") {
        Some("(* ram_style = \"distributed\" *) ")
    } else if module.ends_with("$tanh_rom") {
        Some("(* rom_style = \"logic\" *) ")
    } else {
        None
    }
}

/// `verilog` with the update units' noise and table memories marked for `family` (module docs).
pub fn for_family(family: Family, verilog: &str) -> String {
    let mut out = String::with_capacity(verilog.len() + 4096);
    let mut module = "";
    for line in verilog.split_inclusive('\n') {
        let body = line.trim_start();
        if let Some(rest) = body.strip_prefix("module ") {
            module = rest.split('(').next().unwrap_or("");
        }
        let declares_memory = body.contains("reg[") && body.contains(" mem");
        match style(family, module) {
            Some(attribute) if declares_memory => {
                out.push_str(&line[..line.len() - body.len()]);
                out.push_str(attribute);
                out.push_str(body);
            }
            _ => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecp5_light_memories_and_the_ice40_identity_rom_are_marked() {
        let rtl = crate::builds::by_name("rtl").unwrap();
        let v = crate::ram_collisions::without_collision_logic(&(rtl.serial_core_verilog)([0; 32]));
        let ecp5 = for_family(Family::Ecp5, &v);
        let units = rtl.units;
        // the noise states, the `W¹` copy and the weights' second half of a build with four
        // taps a cycle (`rtl`), and the core's start memory (a phase's start spins)
        assert_eq!(rtl.taps_per_cycle, 4);
        assert_eq!(
            ecp5.matches("(* ram_style = \"distributed\" *)").count(),
            3 * units + 1
        );
        assert_eq!(ecp5.matches("(* rom_style = \"logic\" *)").count(), units);
        let ice40 = for_family(Family::Ice40, &v);
        assert_eq!(ice40.matches("(* rom_style = \"block\" *)").count(), 1);
        assert_eq!(ice40.replace("(* rom_style = \"block\" *) ", ""), v);
    }
}
