//! The incremental matvec's readout: a bank read gives `LANES` accumulators and, from the lane
//! table, which lane holds each of the slot's rows; the readout picks a place's `UNITS` fields
//! out of them (row `place·UNITS + k` for unit `k`), as the update units take them, and sums the
//! place's part of `Σ σ_i·f_i` for `E4`.
//!
//! A slot holds two places (`LANES = 2·UNITS`, the `rtl` build's 32 lanes and 16 units; the
//! pick is written with that number, since rust_hdl cannot index an array by an expression of a
//! constant, and a compile-time assert keeps it true). Three registered stages: the picked
//! fields (out on `fields` the cycle after the bank's word arrives), each field's signed term
//! `±f_i` (0 past `n`), and their sum (`e_sum`, valid with `e_valid`).

use super::super::widths::*;
use super::ACC_BITS as BANK_BITS;
use rust_hdl::prelude::*;

const _: () = assert!(LANES == 2 * UNITS && UNITS == 16);

/// Width of a place's sum of terms: `UNITS` accumulators.
pub const TERM_SUM_BITS: usize = BANK_BITS + UNIT_BITS;

/// The readout (driven by [`super::incremental::IncrementalMatvec`]).
#[derive(LogicBlock)]
pub struct Readout {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// The bank's word of a place arrives this cycle (its accumulators, its lane table row and
    /// its spin word).
    pub valid: Signal<In, Bit>,
    /// The place.
    pub place: Signal<In, Bits<UNIT_SPIN_BITS>>,
    /// The place's half of the slot (`place` is odd).
    pub upper: Signal<In, Bit>,
    /// The place's spins below `n` (bit `k`: row `place·UNITS + k`).
    pub live: Signal<In, Bits<UNITS>>,
    /// The place's spins (bit `k` set for −1).
    pub spins: Signal<In, Bits<UNITS>>,
    /// Every lane's accumulator at the slot.
    pub acc: [Signal<In, Bits<BANK_BITS>>; LANES],
    /// The lane holding row `slot·LANES + k`.
    pub row_lanes: [Signal<In, Bits<LANE_BITS>>; LANES],
    /// The picked fields are out.
    pub word_valid: Signal<Out, Bit>,
    /// Their place.
    pub word_place: Signal<Out, Bits<UNIT_SPIN_BITS>>,
    /// Unit `k`'s field, row `word_place·UNITS + k`'s.
    pub fields: [Signal<Out, Signed<FIELD_BITS>>; UNITS],
    /// `e_sum` is a place's `Σ σ_i·f_i`.
    pub e_valid: Signal<Out, Bit>,
    /// See `e_valid`.
    pub e_sum: Signal<Out, Signed<TERM_SUM_BITS>>,
    /// Bit masks (rust_hdl writes consts into Verilog by name).
    bit_mask: [Constant<Bits<UNITS>>; UNITS],
    /// The lane of unit `k`'s row.
    sel: [Signal<Local, Bits<LANE_BITS>>; UNITS],
    /// (1) the picked accumulators, registered, with the place, its live spins and signs.
    f_valid: DFF<Bit>,
    f_place: DFF<Bits<UNIT_SPIN_BITS>>,
    f_live: DFF<Bits<UNITS>>,
    f_spins: DFF<Bits<UNITS>>,
    f_acc: [DFF<Bits<BANK_BITS>>; UNITS],
    /// Each picked accumulator as a signed number.
    f_signed: [Signal<Local, Signed<BANK_BITS>>; UNITS],
    /// (2) each row's term `±f_i`, registered.
    t_valid: DFF<Bit>,
    term: [DFF<Signed<TERM_SUM_BITS>>; UNITS],
    /// The terms summed in pairs, then on up.
    pair: [Signal<Local, Signed<TERM_SUM_BITS>>; 8],
    quad: [Signal<Local, Signed<TERM_SUM_BITS>>; 4],
    oct: [Signal<Local, Signed<TERM_SUM_BITS>>; 2],
    /// (3) the place's sum, registered.
    s_valid: DFF<Bit>,
    s_sum: DFF<Signed<TERM_SUM_BITS>>,
}

impl Default for Readout {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            valid: Default::default(),
            place: Default::default(),
            upper: Default::default(),
            live: Default::default(),
            spins: Default::default(),
            acc: Default::default(),
            row_lanes: Default::default(),
            word_valid: Default::default(),
            word_place: Default::default(),
            fields: Default::default(),
            e_valid: Default::default(),
            e_sum: Default::default(),
            bit_mask: std::array::from_fn(|k| Constant::new((1u64 << k).to_bits())),
            sel: Default::default(),
            f_valid: Default::default(),
            f_place: Default::default(),
            f_live: Default::default(),
            f_spins: Default::default(),
            f_acc: Default::default(),
            f_signed: Default::default(),
            t_valid: Default::default(),
            term: Default::default(),
            pair: Default::default(),
            quad: Default::default(),
            oct: Default::default(),
            s_valid: Default::default(),
            s_sum: Default::default(),
        }
    }
}

impl Logic for Readout {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, f_valid, f_place, f_live, f_spins, t_valid, s_valid, s_sum);
        // (1) pick each unit's row out of the slot's lanes
        self.f_valid.d.next = self.valid.val();
        self.f_place.d.next = self.place.val();
        self.f_live.d.next = self.live.val();
        self.f_spins.d.next = self.spins.val();
        for k in 0..UNITS {
            self.f_acc[k].clock.next = self.clock.val();
            self.term[k].clock.next = self.clock.val();
            self.sel[k].next = self.row_lanes[k].val();
            if self.upper.val() {
                self.sel[k].next = self.row_lanes[k + 16].val();
            }
            // (a `case`, which yosys maps to a tree of wide multiplexers: with a chain of 32
            // compares and selects instead, the whole block took 32 489 LUT4, 10 552 PFUMX and
            // 5 729 L6MUX21 in `synth_ecp5`, with the case 17 515, 1 784 and 101)
            match self.sel[k].val().index() {
                0 => self.f_acc[k].d.next = self.acc[0].val(),
                1 => self.f_acc[k].d.next = self.acc[1].val(),
                2 => self.f_acc[k].d.next = self.acc[2].val(),
                3 => self.f_acc[k].d.next = self.acc[3].val(),
                4 => self.f_acc[k].d.next = self.acc[4].val(),
                5 => self.f_acc[k].d.next = self.acc[5].val(),
                6 => self.f_acc[k].d.next = self.acc[6].val(),
                7 => self.f_acc[k].d.next = self.acc[7].val(),
                8 => self.f_acc[k].d.next = self.acc[8].val(),
                9 => self.f_acc[k].d.next = self.acc[9].val(),
                10 => self.f_acc[k].d.next = self.acc[10].val(),
                11 => self.f_acc[k].d.next = self.acc[11].val(),
                12 => self.f_acc[k].d.next = self.acc[12].val(),
                13 => self.f_acc[k].d.next = self.acc[13].val(),
                14 => self.f_acc[k].d.next = self.acc[14].val(),
                15 => self.f_acc[k].d.next = self.acc[15].val(),
                16 => self.f_acc[k].d.next = self.acc[16].val(),
                17 => self.f_acc[k].d.next = self.acc[17].val(),
                18 => self.f_acc[k].d.next = self.acc[18].val(),
                19 => self.f_acc[k].d.next = self.acc[19].val(),
                20 => self.f_acc[k].d.next = self.acc[20].val(),
                21 => self.f_acc[k].d.next = self.acc[21].val(),
                22 => self.f_acc[k].d.next = self.acc[22].val(),
                23 => self.f_acc[k].d.next = self.acc[23].val(),
                24 => self.f_acc[k].d.next = self.acc[24].val(),
                25 => self.f_acc[k].d.next = self.acc[25].val(),
                26 => self.f_acc[k].d.next = self.acc[26].val(),
                27 => self.f_acc[k].d.next = self.acc[27].val(),
                28 => self.f_acc[k].d.next = self.acc[28].val(),
                29 => self.f_acc[k].d.next = self.acc[29].val(),
                30 => self.f_acc[k].d.next = self.acc[30].val(),
                31 => self.f_acc[k].d.next = self.acc[31].val(),
                _ => self.f_acc[k].d.next = self.f_acc[k].q.val(),
            }
            self.f_signed[k].next = signed_cast::<BANK_BITS>(self.f_acc[k].q.val());
            self.fields[k].next =
                signed_cast::<FIELD_BITS>(self.f_acc[k].q.val().get_bits::<FIELD_BITS>(0));
            // (2) the row's term
            self.term[k].d.next = 0.into();
            if (self.f_live.q.val() & self.bit_mask[k].val()).any() {
                self.term[k].d.next =
                    signed_bit_cast::<TERM_SUM_BITS, BANK_BITS>(self.f_signed[k].val());
                if (self.f_spins.q.val() & self.bit_mask[k].val()).any() {
                    self.term[k].d.next =
                        -signed_bit_cast::<TERM_SUM_BITS, BANK_BITS>(self.f_signed[k].val());
                }
            }
        }
        self.word_valid.next = self.f_valid.q.val();
        self.word_place.next = self.f_place.q.val();
        self.t_valid.d.next = self.f_valid.q.val();
        // (3) the terms' sum
        for k in 0..8 {
            self.pair[k].next = self.term[2 * k].q.val() + self.term[2 * k + 1].q.val();
        }
        for k in 0..4 {
            self.quad[k].next = self.pair[2 * k].val() + self.pair[2 * k + 1].val();
        }
        for k in 0..2 {
            self.oct[k].next = self.quad[2 * k].val() + self.quad[2 * k + 1].val();
        }
        self.s_valid.d.next = self.t_valid.q.val();
        self.s_sum.d.next = self.oct[0].val() + self.oct[1].val();
        self.e_valid.next = self.s_valid.q.val();
        self.e_sum.next = self.s_sum.q.val();
    }
}
