//! Driving the matvec engine: loading its memories from a core image and a spin vector, and
//! running one pass in rust_hdl's simulator or under Verilator, with the same stimulus.

use super::matvec::Matvec;
use super::widths::*;
use crate::harness::verilator::Harness;
use npim_sim::fixed::image::CoreImage;
use rust_hdl::prelude::*;

/// One pass's inputs, in the engine's memory layout.
#[derive(Clone, Debug, PartialEq)]
pub struct MatvecInput {
    /// Spins.
    pub n: usize,
    /// `n + 1` row pointers (dense builds: `r·n`, which the engine counts itself).
    pub row_ptr: Vec<u32>,
    /// Entry words: `column | weight << SPIN_BITS` (dense builds: the weight alone, row-major
    /// `n × n`).
    pub entries: Vec<u32>,
    /// Spin bits (1 = −1).
    pub spin_bits: Vec<bool>,
    /// `l_q`.
    pub linear: Vec<i32>,
}

/// One pass's outputs.
#[derive(Clone, Debug, PartialEq)]
pub struct MatvecOutput {
    /// `(index, field)` in emission order.
    pub fields: Vec<(usize, i64)>,
    /// The energy register at `done`.
    pub e4: i64,
    /// Clock cycles from `start` to `done`.
    pub cycles: u64,
}

impl MatvecInput {
    /// The engine's memories for `image` (sparse or dense J) and spins `s`; refuses what this
    /// build's widths cannot hold.
    pub fn from_image(image: &CoreImage, s: &[i8]) -> Result<Self, String> {
        let n = image.n;
        if n > N_MAX {
            return Err(format!("{n} spins; this build holds {N_MAX}"));
        }
        if image.j_bits as usize > WEIGHT_BITS {
            return Err(format!(
                "{}-bit J weights; this build holds {WEIGHT_BITS} bits",
                image.j_bits
            ));
        }
        let (mut row_ptr, mut entries) = (vec![0u32], Vec::new());
        let weight_mask = (1u32 << WEIGHT_BITS) - 1;
        if DENSE {
            if n * n > 1 << ENTRY_ADDR_BITS {
                return Err(format!(
                    "{} J entries (n × n); this build holds {}",
                    n * n,
                    1 << ENTRY_ADDR_BITS
                ));
            }
            let mut dense = vec![0u32; n * n];
            for i in 0..n {
                for (j, w) in image.j.row(n, i) {
                    dense[i * n + j] = w as u32 & weight_mask;
                }
                row_ptr.push(((i + 1) * n) as u32);
            }
            return Self::checked(image, s, row_ptr, dense);
        }
        // sparse builds: every stored entry of a sparse image, the non-zeros of a dense one
        for i in 0..n {
            for (j, w) in image.j.row(n, i) {
                entries.push(j as u32 | ((w as u32 & weight_mask) << SPIN_BITS));
            }
            row_ptr.push(entries.len() as u32);
        }
        if entries.len() > 1 << ENTRY_ADDR_BITS {
            return Err(format!(
                "{} J entries; this build holds {}",
                entries.len(),
                1 << ENTRY_ADDR_BITS
            ));
        }
        Self::checked(image, s, row_ptr, entries)
    }

    /// The input, once the linear terms fit the build's fields.
    fn checked(
        image: &CoreImage,
        s: &[i8],
        row_ptr: Vec<u32>,
        entries: Vec<u32>,
    ) -> Result<Self, String> {
        let n = image.n;
        let lim = 1i64 << (FIELD_BITS - 1);
        if image.linear.iter().any(|&l| i64::from(l).abs() >= lim)
            || image.field_bits as usize > FIELD_BITS
        {
            return Err(format!("fields wider than this build's {FIELD_BITS} bits"));
        }
        Ok(MatvecInput {
            n,
            row_ptr,
            entries,
            spin_bits: s.iter().map(|&v| v < 0).collect(),
            linear: image.linear.clone(),
        })
    }

    /// The golden result: `f = 2·J·σ − l` and `E4 = Σ σ (f − l)`.
    pub fn expected(&self) -> MatvecOutput {
        let sigma = |j: usize| if self.spin_bits[j] { -1i64 } else { 1 };
        let mut fields = Vec::with_capacity(self.n);
        let mut e4 = 0;
        for i in 0..self.n {
            let mut acc = 0i64;
            let start = self.row_ptr[i] as usize;
            for (k, &word) in self.entries[start..self.row_ptr[i + 1] as usize]
                .iter()
                .enumerate()
            {
                // a dense entry's column is its place in the row
                let col = if DENSE {
                    k
                } else {
                    (word & ((1 << SPIN_BITS) - 1)) as usize
                };
                acc += entry_weight(word) * sigma(col);
            }
            let f = 2 * acc - i64::from(self.linear[i]);
            e4 += sigma(i) * (f - i64::from(self.linear[i]));
            fields.push((i, f));
        }
        MatvecOutput {
            fields,
            e4,
            cycles: 0,
        }
    }

    /// Cycles from `start` to `done` of a pass: the engine's walk over the rows (`matvec/`,
    /// split words), a slot per word issued and one per empty row, plus nine for the set-up
    /// and the pipeline, one more with the spin-word stage and two more with split words.
    pub fn expected_cycles(&self) -> u64 {
        let lanes = 1u32 << LANE_BITS;
        let ptr = &self.row_ptr;
        let n = ptr.len() - 1;
        let word_after = |k: u32| (k & !(lanes - 1)) + lanes;
        let mut slots = 0u64;
        let mut k = ptr[0];
        let mut r = 0;
        while r < n {
            let end = ptr[r + 1];
            slots += 1;
            let has_entry = k < end;
            // the words before the row's last, a slot each
            while has_entry && word_after(k) < end {
                k = word_after(k);
                slots += 1;
            }
            // the slot that ends row r: it may also end row r + 1 when that lies wholly in the
            // rest of the word (`DOUBLE_ENDS`; an empty row r too), or split with row r + 1
            // when that goes on past it
            let next_word = word_after(k);
            let next_end = ptr.get(r + 2).copied().unwrap_or(u32::MAX);
            let more = r + 1 < n && end < next_word;
            if DOUBLE_ENDS && more && next_end <= next_word {
                // (row r + 2 goes on from the word after when it starts inside this one and
                // ends past it: the third tree)
                let third_end = ptr.get(r + 3).copied().unwrap_or(0);
                k = if r + 2 < n && next_end < next_word && third_end > next_word {
                    next_word
                } else {
                    next_end
                };
                r += 2;
            } else if SPLIT_WORDS && has_entry && more && next_end > next_word {
                k = next_word;
                r += 1;
            } else {
                if has_entry {
                    k = end;
                }
                r += 1;
            }
        }
        // (split-word builds read the first three row ends before streaming, double-ending
        // builds four, and add E4's two terms a stage later)
        slots + 9 + u64::from(SPIN_WORD_STAGE) + 2 * u64::from(SPLIT_WORDS) + 2 * u64::from(DOUBLE_ENDS)
    }

    /// The load commands of the J memories and the linear term (`rp`, `en`, `li`), shared by the
    /// matvec, core and feedback harnesses.
    pub fn csr_commands(&self) -> String {
        let mut s = String::new();
        for (a, &p) in self.row_ptr.iter().enumerate() {
            s += &format!("rp {a} {p}\n");
        }
        for (a, &e) in self.entries.iter().enumerate() {
            s += &format!("en {a} {e}\n");
        }
        for (a, &l) in self.linear.iter().enumerate() {
            s += &format!("li {a} {l}\n");
        }
        s
    }

    /// The spin bits as the spin memories hold them: `UNITS` to a word (spin `w·UNITS + p` in
    /// bit `p`).
    pub fn spin_words(&self) -> Vec<u64> {
        self.spin_bits
            .chunks(UNITS)
            .map(|word| {
                word.iter()
                    .enumerate()
                    .map(|(p, &b)| u64::from(b) << p)
                    .sum()
            })
            .collect()
    }

    /// The stimulus as the text commands both simulators read (see [`crate::harness::verilator`]).
    pub fn commands(&self) -> String {
        let mut s = self.csr_commands();
        for (a, word) in self.spin_words().iter().enumerate() {
            s += &format!("sp {a} {word}\n");
        }
        s += &format!("go {}\n", self.n);
        s
    }
}

/// The weight of an entry word (two's complement in the `WEIGHT_BITS` from `WEIGHT_AT`).
pub fn entry_weight(word: u32) -> i64 {
    let w = i64::from(word >> WEIGHT_AT) & ((1 << WEIGHT_BITS) - 1);
    if w >= 1 << (WEIGHT_BITS - 1) {
        w - (1 << WEIGHT_BITS)
    } else {
        w
    }
}

fn tick(uut: &mut Matvec) {
    uut.clock.next = Clock { clk: true };
    assert!(simulate(uut, 1000), "the engine's logic did not settle");
    uut.clock.next = Clock { clk: false };
    assert!(simulate(uut, 1000), "the engine's logic did not settle");
}

/// Runs one pass in rust_hdl's simulator.
pub fn run_rust_hdl(input: &MatvecInput, max_cycles: u64) -> Result<MatvecOutput, String> {
    let mut uut = Matvec::default();
    uut.connect_all();
    uut.clock.next = Clock { clk: false };
    simulate(&mut uut, 1000);
    for (a, &p) in input.row_ptr.iter().enumerate() {
        uut.matrix.rowptr_waddr.next = (a as u64).to_bits();
        uut.matrix.rowptr_wdata.next = u64::from(p).to_bits();
        uut.matrix.rowptr_we.next = true;
        tick(&mut uut);
    }
    uut.matrix.rowptr_we.next = false;
    for (a, &e) in input.entries.iter().enumerate() {
        uut.matrix.entry_waddr.next = (a as u64).to_bits();
        uut.matrix.entry_wdata.next = u64::from(e).to_bits();
        uut.matrix.entry_we.next = true;
        tick(&mut uut);
    }
    uut.matrix.entry_we.next = false;
    for (a, &word) in input.spin_words().iter().enumerate() {
        uut.spin_waddr.next = (a as u64).to_bits();
        uut.spin_wdata.next = word.to_bits();
        uut.spin_we.next = true;
        tick(&mut uut);
    }
    uut.spin_we.next = false;
    for (a, &l) in input.linear.iter().enumerate() {
        uut.matrix.linear_waddr.next = (a as u64).to_bits();
        uut.matrix.linear_wdata.next = i64::from(l).into();
        uut.matrix.linear_we.next = true;
        tick(&mut uut);
    }
    uut.matrix.linear_we.next = false;
    uut.n.next = (input.n as u64).to_bits();
    uut.start.next = true;
    tick(&mut uut);
    uut.start.next = false;
    let mut out = MatvecOutput {
        fields: Vec::new(),
        e4: 0,
        cycles: 1,
    };
    loop {
        if uut.field_valid.val() {
            out.fields.push((
                uut.field_index.val().index(),
                uut.field.val().bigint().try_into().unwrap_or(i64::MAX),
            ));
        }
        if uut.field2_valid.val() {
            out.fields.push((
                uut.field_index.val().index() + 1,
                uut.field2.val().bigint().try_into().unwrap_or(i64::MAX),
            ));
        }
        if uut.done.val() {
            out.e4 = uut.e4.val().bigint().try_into().unwrap_or(i64::MAX);
            return Ok(out);
        }
        if out.cycles >= max_cycles {
            return Err(format!("no done after {max_cycles} cycles"));
        }
        tick(&mut uut);
        out.cycles += 1;
    }
}

/// The Verilog of the engine.
pub fn verilog() -> String {
    crate::harness::verilog_of(Matvec::default)
}

/// The C++ side of the Verilator harness: reads the commands of [`MatvecInput::commands`] on
/// stdin, prints `f INDEX VALUE` per emitted field and `done E4 CYCLES`.
pub const HARNESS_CPP: &str = include_str!("cpp/matvec.cpp");

/// Runs one pass under Verilator (building the harness on first use).
pub fn run_verilator(harness: &Harness, input: &MatvecInput) -> Result<MatvecOutput, String> {
    let text = harness.run(&input.commands())?;
    let mut out = MatvecOutput {
        fields: Vec::new(),
        e4: 0,
        cycles: 0,
    };
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.as_slice() {
            ["f", i, v] => out.fields.push((
                i.parse().map_err(|e| format!("{e}"))?,
                v.parse().map_err(|e| format!("{e}"))?,
            )),
            ["done", e, c] => {
                out.e4 = super::widths::acc_value(e.parse().map_err(|e| format!("{e}"))?);
                out.cycles = c.parse().map_err(|e| format!("{e}"))?;
                return Ok(out);
            }
            _ => return Err(format!("unexpected harness output `{line}`")),
        }
    }
    Err("the harness ended without `done`".into())
}
