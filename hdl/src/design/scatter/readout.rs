//! The incremental matvec's readout: a bank read gives `LANES` accumulators and, from the lane
//! table, which lane holds each of the slot's rows; the readout picks `READ_FIELDS` of a
//! place's `UNITS` fields a cycle out of them (a part of the place: units
//! `part·READ_FIELDS ..`), in index order as the update units take them, and sums the place's
//! part of `Σ σ_i·f_i` for `E4`.
//!
//! **Why a part a cycle, not a place.** Each field picked is a `LANES`-way multiplexer over
//! every lane's accumulator, whose banks are spread over the chip. Picking a whole place a
//! cycle (16 such multiplexers of 21 bits) did not route on the ECP5-85F in an hour (81 479
//! wires still overused); with a two-way pick in its place the same block routed in minutes
//! (`docs/rtl.md`). Four fields a cycle is a quarter of the wires, and still faster than the
//! units take them (a place every `D·⌈Tc/4⌉` cycles, 6 for the trained rules).
//!
//! A slot holds two places (`LANES = 2·UNITS`, the `rtl` build's 32 lanes and 16 units; the
//! pick is written with those numbers, since rust_hdl cannot index an array by an expression
//! of a constant, and a compile-time assert keeps them true). Four registered stages: the
//! accumulators and the part's lanes; the picked fields (out on `fields` the cycle after);
//! each field's signed term `±f_i` (0 past `n`); their sum (`e_sum`, valid with `e_valid`).

use super::super::widths::*;
use super::{ACC_BITS as BANK_BITS, PART_BITS, READ_FIELDS};
use rust_hdl::prelude::*;

const _: () = assert!(LANES == 2 * UNITS && UNITS == 16 && READ_FIELDS == 4 && PART_BITS == 2);

/// Width of a part's sum of terms: `READ_FIELDS` accumulators.
pub const TERM_SUM_BITS: usize = BANK_BITS + PART_BITS;

/// The readout (driven by [`super::incremental::IncrementalMatvec`]).
#[derive(LogicBlock)]
pub struct Readout {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// The bank's word of a place arrives this cycle (its accumulators, its lane table row and
    /// its spin word), for one part of the place.
    pub valid: Signal<In, Bit>,
    /// The place.
    pub place: Signal<In, Bits<UNIT_SPIN_BITS>>,
    /// The part: units `part·READ_FIELDS ..`.
    pub part: Signal<In, Bits<PART_BITS>>,
    /// The place's spins below `n` (bit `k`: row `place·UNITS + k`).
    pub live: Signal<In, Bits<UNITS>>,
    /// The place's spins (bit `k` set for −1).
    pub spins: Signal<In, Bits<UNITS>>,
    /// Every lane's accumulator at the slot.
    pub acc: [Signal<In, Bits<BANK_BITS>>; LANES],
    /// The lane holding row `slot·LANES + k`.
    pub row_lanes: [Signal<In, Bits<LANE_BITS>>; LANES],
    /// The picked fields are out.
    pub out_valid: Signal<Out, Bit>,
    /// Their place.
    pub out_place: Signal<Out, Bits<UNIT_SPIN_BITS>>,
    /// Their part.
    pub out_part: Signal<Out, Bits<PART_BITS>>,
    /// Unit `out_part·READ_FIELDS + m`'s field, row `out_place·UNITS + out_part·READ_FIELDS + m`'s.
    pub fields: [Signal<Out, Signed<FIELD_BITS>>; READ_FIELDS],
    /// `e_sum` is a part's `Σ σ_i·f_i`.
    pub e_valid: Signal<Out, Bit>,
    /// See `e_valid`.
    pub e_sum: Signal<Out, Signed<TERM_SUM_BITS>>,
    /// Bit masks (rust_hdl writes consts into Verilog by name).
    bit_mask: [Constant<Bits<READ_FIELDS>>; READ_FIELDS],
    /// The shift of a part's first unit: `PART_BITS` places of the part number.
    part_shift: Constant<Bits<8>>,
    /// (0) every lane's accumulator, and the lane of each of the part's rows, registered (the
    /// part and the place's half chosen among eight positions of the lane table's row).
    a_valid: DFF<Bit>,
    a_place: DFF<Bits<UNIT_SPIN_BITS>>,
    a_part: DFF<Bits<PART_BITS>>,
    a_live: DFF<Bits<READ_FIELDS>>,
    a_spins: DFF<Bits<READ_FIELDS>>,
    a_acc: [DFF<Bits<BANK_BITS>>; LANES],
    a_sel: [DFF<Bits<LANE_BITS>>; READ_FIELDS],
    /// The part's position in the slot's row of the lane table: half, then part.
    position: Signal<Local, Bits<3>>,
    /// The part's bits of `live` and `spins`.
    live_part: Signal<Local, Bits<UNITS>>,
    spins_part: Signal<Local, Bits<UNITS>>,
    /// (1) the picked accumulators, registered.
    f_valid: DFF<Bit>,
    f_place: DFF<Bits<UNIT_SPIN_BITS>>,
    f_part: DFF<Bits<PART_BITS>>,
    f_live: DFF<Bits<READ_FIELDS>>,
    f_spins: DFF<Bits<READ_FIELDS>>,
    f_acc: [DFF<Bits<BANK_BITS>>; READ_FIELDS],
    /// Each picked accumulator as a signed number.
    f_signed: [Signal<Local, Signed<BANK_BITS>>; READ_FIELDS],
    /// (2) each row's term `±f_i`, registered.
    t_valid: DFF<Bit>,
    term: [DFF<Signed<TERM_SUM_BITS>>; READ_FIELDS],
    /// The terms summed in pairs, then the pairs.
    pair: [Signal<Local, Signed<TERM_SUM_BITS>>; 2],
    /// (3) the part's sum, registered.
    s_valid: DFF<Bit>,
    s_sum: DFF<Signed<TERM_SUM_BITS>>,
}

impl Default for Readout {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            valid: Default::default(),
            place: Default::default(),
            part: Default::default(),
            live: Default::default(),
            spins: Default::default(),
            acc: Default::default(),
            row_lanes: Default::default(),
            out_valid: Default::default(),
            out_place: Default::default(),
            out_part: Default::default(),
            fields: Default::default(),
            e_valid: Default::default(),
            e_sum: Default::default(),
            bit_mask: std::array::from_fn(|k| Constant::new((1u64 << k).to_bits())),
            part_shift: Constant::new((PART_BITS as u64).to_bits()),
            a_valid: Default::default(),
            a_place: Default::default(),
            a_part: Default::default(),
            a_live: Default::default(),
            a_spins: Default::default(),
            a_acc: Default::default(),
            a_sel: Default::default(),
            position: Default::default(),
            live_part: Default::default(),
            spins_part: Default::default(),
            f_valid: Default::default(),
            f_place: Default::default(),
            f_part: Default::default(),
            f_live: Default::default(),
            f_spins: Default::default(),
            f_acc: Default::default(),
            f_signed: Default::default(),
            t_valid: Default::default(),
            term: Default::default(),
            pair: Default::default(),
            s_valid: Default::default(),
            s_sum: Default::default(),
        }
    }
}

impl Logic for Readout {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, a_valid, a_place, a_part, a_live, a_spins, f_valid, f_place, f_part,
            f_live, f_spins, t_valid, s_valid, s_sum
        );
        // (0) the accumulators as they leave the banks, and the part's lanes
        self.a_valid.d.next = self.valid.val();
        self.a_place.d.next = self.place.val();
        self.a_part.d.next = self.part.val();
        self.live_part.next = self.live.val()
            >> (bit_cast::<UNITS, PART_BITS>(self.part.val()) << self.part_shift.val());
        self.spins_part.next = self.spins.val()
            >> (bit_cast::<UNITS, PART_BITS>(self.part.val()) << self.part_shift.val());
        self.a_live.d.next = self.live_part.val().get_bits::<READ_FIELDS>(0);
        self.a_spins.d.next = self.spins_part.val().get_bits::<READ_FIELDS>(0);
        for l in 0..LANES {
            self.a_acc[l].clock.next = self.clock.val();
            self.a_acc[l].d.next = self.acc[l].val();
        }
        self.position.next = (bit_cast::<3, 1>(self.place.val().get_bits::<1>(0)) << 2)
            | bit_cast::<3, PART_BITS>(self.part.val());
        for m in 0..READ_FIELDS {
            self.a_sel[m].clock.next = self.clock.val();
            self.f_acc[m].clock.next = self.clock.val();
            self.term[m].clock.next = self.clock.val();
            match self.position.val().index() {
                0 => self.a_sel[m].d.next = self.row_lanes[m].val(),
                1 => self.a_sel[m].d.next = self.row_lanes[m + 4].val(),
                2 => self.a_sel[m].d.next = self.row_lanes[m + 8].val(),
                3 => self.a_sel[m].d.next = self.row_lanes[m + 12].val(),
                4 => self.a_sel[m].d.next = self.row_lanes[m + 16].val(),
                5 => self.a_sel[m].d.next = self.row_lanes[m + 20].val(),
                6 => self.a_sel[m].d.next = self.row_lanes[m + 24].val(),
                _ => self.a_sel[m].d.next = self.row_lanes[m + 28].val(),
            }
        }
        // (1) pick each field's lane (a `case`, which yosys maps to a tree of wide
        // multiplexers: with a chain of 32 compares and selects instead, the 16-field pick took
        // 32 489 LUT4, 10 552 PFUMX and 5 729 L6MUX21 in `synth_ecp5`, with the case 17 515,
        // 1 784 and 101)
        self.f_valid.d.next = self.a_valid.q.val();
        self.f_place.d.next = self.a_place.q.val();
        self.f_part.d.next = self.a_part.q.val();
        self.f_live.d.next = self.a_live.q.val();
        self.f_spins.d.next = self.a_spins.q.val();
        for m in 0..READ_FIELDS {
            match self.a_sel[m].q.val().index() {
                0 => self.f_acc[m].d.next = self.a_acc[0].q.val(),
                1 => self.f_acc[m].d.next = self.a_acc[1].q.val(),
                2 => self.f_acc[m].d.next = self.a_acc[2].q.val(),
                3 => self.f_acc[m].d.next = self.a_acc[3].q.val(),
                4 => self.f_acc[m].d.next = self.a_acc[4].q.val(),
                5 => self.f_acc[m].d.next = self.a_acc[5].q.val(),
                6 => self.f_acc[m].d.next = self.a_acc[6].q.val(),
                7 => self.f_acc[m].d.next = self.a_acc[7].q.val(),
                8 => self.f_acc[m].d.next = self.a_acc[8].q.val(),
                9 => self.f_acc[m].d.next = self.a_acc[9].q.val(),
                10 => self.f_acc[m].d.next = self.a_acc[10].q.val(),
                11 => self.f_acc[m].d.next = self.a_acc[11].q.val(),
                12 => self.f_acc[m].d.next = self.a_acc[12].q.val(),
                13 => self.f_acc[m].d.next = self.a_acc[13].q.val(),
                14 => self.f_acc[m].d.next = self.a_acc[14].q.val(),
                15 => self.f_acc[m].d.next = self.a_acc[15].q.val(),
                16 => self.f_acc[m].d.next = self.a_acc[16].q.val(),
                17 => self.f_acc[m].d.next = self.a_acc[17].q.val(),
                18 => self.f_acc[m].d.next = self.a_acc[18].q.val(),
                19 => self.f_acc[m].d.next = self.a_acc[19].q.val(),
                20 => self.f_acc[m].d.next = self.a_acc[20].q.val(),
                21 => self.f_acc[m].d.next = self.a_acc[21].q.val(),
                22 => self.f_acc[m].d.next = self.a_acc[22].q.val(),
                23 => self.f_acc[m].d.next = self.a_acc[23].q.val(),
                24 => self.f_acc[m].d.next = self.a_acc[24].q.val(),
                25 => self.f_acc[m].d.next = self.a_acc[25].q.val(),
                26 => self.f_acc[m].d.next = self.a_acc[26].q.val(),
                27 => self.f_acc[m].d.next = self.a_acc[27].q.val(),
                28 => self.f_acc[m].d.next = self.a_acc[28].q.val(),
                29 => self.f_acc[m].d.next = self.a_acc[29].q.val(),
                30 => self.f_acc[m].d.next = self.a_acc[30].q.val(),
                31 => self.f_acc[m].d.next = self.a_acc[31].q.val(),
                _ => self.f_acc[m].d.next = self.f_acc[m].q.val(),
            }
            self.f_signed[m].next = signed_cast::<BANK_BITS>(self.f_acc[m].q.val());
            self.fields[m].next =
                signed_cast::<FIELD_BITS>(self.f_acc[m].q.val().get_bits::<FIELD_BITS>(0));
            // (2) the row's term
            self.term[m].d.next = 0.into();
            if (self.f_live.q.val() & self.bit_mask[m].val()).any() {
                self.term[m].d.next =
                    signed_bit_cast::<TERM_SUM_BITS, BANK_BITS>(self.f_signed[m].val());
                if (self.f_spins.q.val() & self.bit_mask[m].val()).any() {
                    self.term[m].d.next =
                        -signed_bit_cast::<TERM_SUM_BITS, BANK_BITS>(self.f_signed[m].val());
                }
            }
        }
        self.out_valid.next = self.f_valid.q.val();
        self.out_place.next = self.f_place.q.val();
        self.out_part.next = self.f_part.q.val();
        self.t_valid.d.next = self.f_valid.q.val();
        // (3) the terms' sum
        for k in 0..2 {
            self.pair[k].next = self.term[2 * k].q.val() + self.term[2 * k + 1].q.val();
        }
        self.s_valid.d.next = self.t_valid.q.val();
        self.s_sum.d.next = self.pair[0].val() + self.pair[1].val();
        self.e_valid.next = self.s_valid.q.val();
        self.e_sum.next = self.s_sum.q.val();
    }
}
