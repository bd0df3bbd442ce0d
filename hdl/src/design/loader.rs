//! The image loader: a core image (`docs/core-image.md`) arrives as a byte stream, one byte per
//! clock at most (each taken the cycle after it is offered: the input is registered), and goes
//! straight into the core's memories and configuration. Nothing is
//! buffered: the header's fields are latched as they pass and checked against this build's
//! limits, the row pointers, entries, linear terms and knots are written to the core's write
//! ports as each word completes, the tanh table is skipped (this build's ROM holds the table
//! for `table_bits = 8`, `A = 8`, the only one it accepts), and a CRC register runs over every
//! byte. `complete` rises when the image ended exactly after its CRC, the CRC matched and no
//! check failed; otherwise `error` holds the protocol's error code of the first failure
//! (5 ImageInvalid: not an image, damaged or inconsistent; 6 DoesNotFit: a limit of this build).
//!
//! A build takes the images of its own J layout: CSR builds the row pointers and entry words,
//! dense builds (`DENSE`) the `N × N` weight bytes, written to entry addresses `0..N²` (the
//! loader counts rows and columns to check that the section is exactly `N²` bytes).

use super::ports::{CoreSetupDriver, KnotWritesDriver, MatrixWritesDriver};
use super::widths::*;
use crate::widgets::crc32::{Crc32Byte, CRC_RESIDUE};
use npim_proto::ErrorCode;
use rust_hdl::prelude::*;

/// Where in the image the next byte belongs.
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum Section {
    /// The 64-byte header.
    Header,
    /// `N + 1` row pointers (u32).
    RowPtr,
    /// `nnz` entries (u32: column, weight in the top byte).
    Entries,
    /// Dense images: `N × N` weights (one byte each), row-major.
    DenseJ,
    /// `N` linear terms (i32).
    Linear,
    /// `K · (1 + D + D·Tc)` knot weights (i16).
    Knots,
    /// The tanh table (`2^8` × u16), skipped.
    Table,
    /// The CRC (u32).
    Crc,
    /// Past the end: a further byte is an error.
    Done,
}

/// The loader.
#[derive(LogicBlock)]
pub struct Loader {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Forget the image so far (the next byte is byte 0). Taken a cycle later, beside the bytes'
    /// registers, so that the engine's command checks do not reach every register it clears.
    pub restart: Signal<In, Bit>,
    /// The next byte.
    pub data: Signal<In, Bits<8>>,
    /// `data` is valid this cycle.
    pub valid: Signal<In, Bit>,
    /// Bytes taken since the last restart.
    pub count: Signal<Out, Bits<32>>,
    /// The image is complete and correct.
    pub complete: Signal<Out, Bit>,
    /// First error code (0 none).
    pub error: Signal<Out, Bits<8>>,
    /// The header's set-up registers, as the core takes them.
    pub setup: CoreSetupDriver,
    /// Core write port: J's row pointers and entries, the linear terms.
    pub matrix: MatrixWritesDriver,
    /// Core write port: knots.
    pub knot_writes: KnotWritesDriver,
    crc_unit: Crc32Byte,
    /// The byte and its valid flag, registered on the way in: the frame buffer's read port
    /// feeds `data`, and its output delay would otherwise start the header's checks' path.
    data_q: DFF<Bits<8>>,
    valid_q: DFF<Bit>,
    /// `restart`, registered: the engine decides it from a command's checks (its length, the
    /// core's state, the image count), and that decision fanned out to the clear of every
    /// register here held the ULX3S build at 60.94 MHz. A LOAD's first byte reaches `valid_q`
    /// a cycle after its restart reaches `restart_q`, so the two keep their order.
    restart_q: DFF<Bit>,
    crc: DFFWithInit<Bits<32>>,
    off: DFF<Bits<32>>,
    section: DFF<Section>,
    acc: DFF<Bits<32>>,
    word_byte: DFF<Bits<2>>,
    idx: DFF<Bits<16>>,
    kp: DFF<Bits<KNOT_ADDR_BITS>>,
    kk: DFF<Bits<16>>,
    /// `kp + 1` is the last knot of its row (`pk`), `kk + 1` the last row (`K`), registered
    /// from the counters every cycle: a knot word takes two bytes, so they are current at the
    /// next word's end; compared in the cycle, the chain `kp → kk → section` held the ULX3S
    /// build at 67.77 MHz.
    kp_end_q: DFF<Bit>,
    kk_end_q: DFF<Bit>,
    kaddr: DFF<Bits<14>>,
    err: DFF<Bits<8>>,
    /// The header's N, T and nnz at the widths of this build's limits (a value beyond them
    /// fails the image with DoesNotFit, which sticks, before the register is used).
    n_reg: DFF<Bits<COUNT_BITS>>,
    steps_reg: DFF<Bits<STEP_BITS>>,
    nnz_reg: DFF<Bits<PTR_BITS>>,
    shift_reg: DFF<Bits<8>>,
    tc_reg: DFF<Bits<6>>,
    d_reg: DFF<Bits<4>>,
    k_reg: DFF<Bits<16>>,
    e0: DFF<Bits<8>>,
    e1: DFF<Bits<8>>,
    e2: DFF<Bits<8>>,
    /// The configuration the core takes, registered: it is derived from header fields through
    /// adders, and the core's datapath (the update unit's shifters, the knot addresses) would
    /// otherwise start its critical path at the header registers. (The core reads it only in
    /// runs, long after the header.)
    per_knot_q: DFF<Bits<KNOT_ADDR_BITS>>,
    z_right_q: DFF<Bits<6>>,
    z_left_q: DFF<Bits<6>>,
    y_shift0_q: DFF<Bits<6>>,
    y_shift1_q: DFF<Bits<6>>,
    /// The header's derived checks, in two registered stages: the derived values (`pk`,
    /// the shifts, the knots needed), then whether they fit the build
    /// (`hdr_fit_fail`) and whether the image holds enough knots (`hdr_short`). The last field
    /// they read (`e2`) arrives at byte 40 and the checks are taken at byte 63, so the flags are
    /// current by then; computed in the cycle, the chains from the field registers through the
    /// adders into `err` held the ULX3S build at 63.10-64.30 MHz.
    pk_q: DFF<Bits<16>>,
    needed_q: DFF<Bits<21>>,
    ys0_q: DFF<Bits<10>>,
    ys1_q: DFF<Bits<10>>,
    zr_q: DFF<Bits<10>>,
    zl_q: DFF<Bits<10>>,
    hdr_fit_fail: DFF<Bit>,
    hdr_short: DFF<Bit>,
    /// The same checks computed in the cycle, for builds without `HEADER_STAGES`.
    fit_fail_now: Signal<Local, Bit>,
    short_now: Signal<Local, Bit>,
    /// The checks taken at byte 63 (registered or in the cycle) and the knot count per
    /// knot row the Knots section counts to (`pk_q` or `pk`), by `HEADER_STAGES`.
    fit_fail: Signal<Local, Bit>,
    short: Signal<Local, Bit>,
    pk_used: Signal<Local, Bits<16>>,
    /// `HEADER_STAGES`.
    stages_built: Constant<Bit>,
    /// Row and column of the next dense weight.
    dense_row: DFF<Bits<16>>,
    dense_col: DFF<Bits<16>>,
    /// The next dense weight ends its row; its row is the last.
    last_col: Signal<Local, Bit>,
    last_row: Signal<Local, Bit>,
    word: Signal<Local, Bits<32>>,
    half: Signal<Local, Bits<16>>,
    t0: Signal<Local, Bits<16>>,
    t1: Signal<Local, Bits<16>>,
    t2: Signal<Local, Bits<16>>,
    t3: Signal<Local, Bits<16>>,
    pk: Signal<Local, Bits<16>>,
    needed: Signal<Local, Bits<21>>,
    /// The header byte's offset (the header is bytes 0-63).
    hoff: Signal<Local, Bits<8>>,
    /// `N` and `nnz` as 32-bit values, for comparisons with image words.
    n32: Signal<Local, Bits<32>>,
    nnz32: Signal<Local, Bits<32>>,
    idx32: Signal<Local, Bits<32>>,
    big_e0: Signal<Local, Bits<10>>,
    big_e1: Signal<Local, Bits<10>>,
    big_e2: Signal<Local, Bits<10>>,
    big_e: Signal<Local, Bits<10>>,
    ys0: Signal<Local, Bits<10>>,
    ys1: Signal<Local, Bits<10>>,
    zr: Signal<Local, Bits<10>>,
    zl: Signal<Local, Bits<10>>,
    col: Signal<Local, Bits<32>>,
    fail: Signal<Local, Bits<8>>,
    residue: Constant<Bits<32>>,
    /// Bits 31..L−1 (`L = LINEAR_BITS`): a linear term fits when they are all 0 or all 1.
    linear_high: Constant<Bits<32>>,
    /// The bits above a spin count (`COUNT_BITS`) and above an entry count (`PTR_BITS`), and
    /// above a step count (20 bits). A 32-bit word compared with a limit below `2^k` is over it
    /// when a bit above `k` is set or its low `k` bits are over it; the narrow comparison costs
    /// a `k`-bit carry chain instead of a 32-bit one (the loader has six of them).
    count_high: Constant<Bits<32>>,
    ptr_high: Constant<Bits<32>>,
    step_high: Constant<Bits<32>>,
    crc_init: Constant<Bits<32>>,
    /// The build's limits as signals (rust_hdl writes consts into Verilog by name): spins,
    /// stored entries, J weight bits, and where the weight goes in an entry word.
    max_n: Constant<Bits<32>>,
    max_nnz: Constant<Bits<32>>,
    /// The largest shifts the update unit takes (`Y_SHIFT_MAX`, `Y_SHIFT1_MAX`, `Z_RIGHT_MAX`,
    /// `Z_LEFT_MAX`).
    ys0_max: Constant<Bits<10>>,
    ys1_max: Constant<Bits<10>>,
    zr_max: Constant<Bits<10>>,
    zl_max: Constant<Bits<10>>,
    /// `2^KNOT_ADDR_BITS`: the knot memory's words.
    knot_words: Constant<Bits<14>>,
    max_j_bits: Constant<Bits<8>>,
    weight_at: Constant<Bits<8>>,
    /// The header's storage code this build takes (0 dense, 1 sparse).
    storage_code: Constant<Bits<8>>,
    dense: Constant<Bit>,
    /// The protocol's codes for an image that fails its checks and one beyond this build.
    code_image_invalid: Constant<Bits<8>>,
    code_does_not_fit: Constant<Bits<8>>,
}

/// Bits `k..32` of a 32-bit word set.
fn high_bits(k: usize) -> Bits<32> {
    ((0xFFFF_FFFFu64 << k) & 0xFFFF_FFFF).to_bits()
}

impl Default for Loader {
    fn default() -> Self {
        Loader {
            clock: Default::default(),
            restart: Default::default(),
            data: Default::default(),
            valid: Default::default(),
            count: Default::default(),
            complete: Default::default(),
            error: Default::default(),
            setup: Default::default(),
            matrix: Default::default(),
            knot_writes: Default::default(),
            crc_unit: Default::default(),
            data_q: Default::default(),
            valid_q: Default::default(),
            restart_q: Default::default(),
            crc: DFFWithInit::new(0xFFFF_FFFFu64.to_bits()),
            off: Default::default(),
            section: Default::default(),
            acc: Default::default(),
            word_byte: Default::default(),
            idx: Default::default(),
            kp: Default::default(),
            kk: Default::default(),
            kp_end_q: Default::default(),
            kk_end_q: Default::default(),
            kaddr: Default::default(),
            err: Default::default(),
            n_reg: Default::default(),
            steps_reg: Default::default(),
            nnz_reg: Default::default(),
            shift_reg: Default::default(),
            tc_reg: Default::default(),
            d_reg: Default::default(),
            k_reg: Default::default(),
            e0: Default::default(),
            e1: Default::default(),
            e2: Default::default(),
            per_knot_q: Default::default(),
            pk_q: Default::default(),
            needed_q: Default::default(),
            ys0_q: Default::default(),
            ys1_q: Default::default(),
            zr_q: Default::default(),
            zl_q: Default::default(),
            hdr_fit_fail: Default::default(),
            hdr_short: Default::default(),
            fit_fail_now: Default::default(),
            short_now: Default::default(),
            fit_fail: Default::default(),
            short: Default::default(),
            pk_used: Default::default(),
            stages_built: Constant::new(HEADER_STAGES),
            z_right_q: Default::default(),
            z_left_q: Default::default(),
            y_shift0_q: Default::default(),
            y_shift1_q: Default::default(),
            dense_row: Default::default(),
            dense_col: Default::default(),
            last_col: Default::default(),
            last_row: Default::default(),
            word: Default::default(),
            half: Default::default(),
            t0: Default::default(),
            t1: Default::default(),
            t2: Default::default(),
            t3: Default::default(),
            pk: Default::default(),
            needed: Default::default(),
            hoff: Default::default(),
            n32: Default::default(),
            nnz32: Default::default(),
            idx32: Default::default(),
            big_e0: Default::default(),
            big_e1: Default::default(),
            big_e2: Default::default(),
            big_e: Default::default(),
            ys0: Default::default(),
            ys1: Default::default(),
            zr: Default::default(),
            zl: Default::default(),
            col: Default::default(),
            fail: Default::default(),
            residue: Constant::new(u64::from(CRC_RESIDUE).to_bits()),
            code_image_invalid: Constant::new(u64::from(ErrorCode::ImageInvalid as u8).to_bits()),
            code_does_not_fit: Constant::new(u64::from(ErrorCode::DoesNotFit as u8).to_bits()),
            linear_high: Constant::new(high_bits(LINEAR_BITS - 1)),
            count_high: Constant::new(high_bits(COUNT_BITS)),
            ptr_high: Constant::new(high_bits(PTR_BITS)),
            step_high: Constant::new(high_bits(STEP_BITS)),
            crc_init: Constant::new(0xFFFF_FFFFu64.to_bits()),
            max_n: Constant::new((N_MAX as u64).to_bits()),
            max_nnz: Constant::new((1u64 << ENTRY_ADDR_BITS).to_bits()),
            ys0_max: Constant::new((Y_SHIFT_MAX as u64).to_bits()),
            ys1_max: Constant::new((Y_SHIFT1_MAX as u64).to_bits()),
            zr_max: Constant::new((Z_RIGHT_MAX as u64).to_bits()),
            zl_max: Constant::new((Z_LEFT_MAX as u64).to_bits()),
            knot_words: Constant::new((1u64 << KNOT_ADDR_BITS).to_bits()),
            max_j_bits: Constant::new((WEIGHT_BITS as u64).to_bits()),
            weight_at: Constant::new((WEIGHT_AT as u64).to_bits()),
            storage_code: Constant::new(u64::from(!DENSE).to_bits()),
            dense: Constant::new(DENSE),
        }
    }
}

// Literal numbers in `update` (rust_hdl emits consts there literally): the limits every build
// shares (Tc ≤ 16, T < 2^20, 128 weights per step, 16-bit fields and l,
// 15-bit schedule weights) and the fixed widths it accepts (A = 8, z 14 bits, table 8 bits).
// The build's own limits are the `max_*` constants.
const _: () = assert!(
    STEP_BITS == 20
        && WEIGHT_ADDR_BITS == 7
        && FIELD_BITS == 16
        && ACT_FRAC == 8
        && Z_BITS == 14
        && TABLE_BITS == 8
);

impl Logic for Loader {
    // hdl_gen takes no match guards, so the conditions stay inside the arms
    #[allow(clippy::collapsible_match)]
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, data_q, valid_q, restart_q, crc, off, section, acc, word_byte, idx, kp, kk, kp_end_q, kk_end_q, kaddr, err, n_reg,
            steps_reg, nnz_reg, shift_reg, tc_reg, d_reg, k_reg, e0, e1, e2, dense_row, dense_col, per_knot_q, z_right_q, z_left_q, y_shift0_q, y_shift1_q,
            pk_q, needed_q, ys0_q, ys1_q, zr_q, zl_q, hdr_fit_fail, hdr_short
        );
        self.data_q.d.next = self.data.val();
        self.valid_q.d.next = self.valid.val();
        self.restart_q.d.next = self.restart.val();
        self.crc_unit.crc.next = self.crc.q.val();
        self.crc_unit.data.next = self.data_q.q.val();
        // the little-endian word completed by this byte, and its upper half
        self.word.next = (bit_cast::<32, 8>(self.data_q.q.val()) << 24) | (self.acc.q.val() >> 8);
        self.half.next = bit_cast::<16, 32>(self.word.val() >> 16);
        // 1 + D + D·Tc without a multiplier (D < 16)
        self.t0.next = 0.into();
        self.t1.next = 0.into();
        self.t2.next = 0.into();
        self.t3.next = 0.into();
        if self.d_reg.q.val().get_bit(0) {
            self.t0.next = bit_cast::<16, 6>(self.tc_reg.q.val());
        }
        if self.d_reg.q.val().get_bit(1) {
            self.t1.next = bit_cast::<16, 6>(self.tc_reg.q.val()) << 1;
        }
        if self.d_reg.q.val().get_bit(2) {
            self.t2.next = bit_cast::<16, 6>(self.tc_reg.q.val()) << 2;
        }
        if self.d_reg.q.val().get_bit(3) {
            self.t3.next = bit_cast::<16, 6>(self.tc_reg.q.val()) << 3;
        }
        self.pk.next =
            self.t0.val() + self.t1.val() + self.t2.val() + self.t3.val() + bit_cast::<16, 4>(self.d_reg.q.val()) + 1;
        // (a knot spacing over 2^15 fails the header at its own byte, so 4 bits of it serve)
        self.needed.next = ((bit_cast::<21, STEP_BITS>(self.steps_reg.q.val()) - 1)
            >> bit_cast::<4, 8>(self.shift_reg.q.val()))
            + 2;
        self.hoff.next = bit_cast::<8, 32>(self.off.q.val());
        self.n32.next = bit_cast::<32, COUNT_BITS>(self.n_reg.q.val());
        self.nnz32.next = bit_cast::<32, PTR_BITS>(self.nnz_reg.q.val());
        self.idx32.next = bit_cast::<32, 16>(self.idx.q.val());
        // exponents as offset binary (e + 128), so that comparisons are unsigned
        self.big_e0.next = bit_cast::<10, 8>(self.e0.q.val() + 128);
        self.big_e1.next = bit_cast::<10, 8>(self.e1.q.val() + 128) + 8;
        self.big_e2.next = bit_cast::<10, 8>(self.e2.q.val() + 128);
        self.big_e.next = self.big_e0.val();
        if self.big_e1.val() > self.big_e0.val() {
            self.big_e.next = self.big_e1.val();
        }
        self.ys0.next = self.big_e.val() - self.big_e0.val();
        self.ys1.next = self.big_e.val() - self.big_e1.val();
        self.zr.next = 0.into();
        self.zl.next = 0.into();
        if self.big_e2.val() > 136 {
            self.zr.next = self.big_e2.val() - 136;
        } else {
            self.zl.next = 136 - self.big_e2.val();
        }
        self.col.next = (self.word.val() << 8) >> 8;
        self.last_col.next = (bit_cast::<32, 16>(self.dense_col.q.val()) + 1) == self.n32.val();
        self.last_row.next = (bit_cast::<32, 16>(self.dense_row.q.val()) + 1) == self.n32.val();
        self.fail.next = 0.into();
        // outputs
        self.count.next = self.off.q.val();
        self.error.next = self.err.q.val();
        self.complete.next = (self.section.q.val() == Section::Done)
            & (self.err.q.val() == 0)
            & (self.crc.q.val() == self.residue.val());
        self.setup.n.next = self.n_reg.q.val();
        self.setup.steps.next = self.steps_reg.q.val();
        self.setup.tc.next = self.tc_reg.q.val();
        self.setup.d.next = self.d_reg.q.val();
        self.per_knot_q.d.next = bit_cast::<KNOT_ADDR_BITS, 16>(self.pk.val());
        self.setup.per_knot.next = self.per_knot_q.q.val();
        self.setup.knot_shift.next = bit_cast::<4, 8>(self.shift_reg.q.val());
        self.z_right_q.d.next = bit_cast::<6, 10>(self.zr.val());
        self.z_left_q.d.next = bit_cast::<6, 10>(self.zl.val());
        self.y_shift0_q.d.next = bit_cast::<6, 10>(self.ys0.val());
        self.y_shift1_q.d.next = bit_cast::<6, 10>(self.ys1.val());
        self.setup.z_right.next = self.z_right_q.q.val();
        self.setup.z_left.next = self.z_left_q.q.val();
        self.setup.y_shift0.next = self.y_shift0_q.q.val();
        self.setup.y_shift1.next = self.y_shift1_q.q.val();
        self.pk_q.d.next = self.pk.val();
        self.needed_q.d.next = self.needed.val();
        self.ys0_q.d.next = self.ys0.val();
        self.ys1_q.d.next = self.ys1.val();
        self.zr_q.d.next = self.zr.val();
        self.zl_q.d.next = self.zl.val();
        // (the alignment shifts within what keeps y in 48 bits; see `Update`) (the places the
        // weights take in the units, their groups of taps aligned, always fit: `weight_place`)
        self.hdr_fit_fail.d.next = (self.pk_q.q.val() > 128)
            | (self.ys0_q.q.val() > self.ys0_max.val())
            | (self.ys1_q.q.val() > self.ys1_max.val())
            | (self.zr_q.q.val() > self.zr_max.val())
            | (self.zl_q.q.val() > self.zl_max.val());
        self.hdr_short.d.next = bit_cast::<21, 16>(self.k_reg.q.val()) < self.needed_q.q.val();
        self.fit_fail_now.next = (self.pk.val() > 128)
            | (self.ys0.val() > self.ys0_max.val())
            | (self.ys1.val() > self.ys1_max.val())
            | (self.zr.val() > self.zr_max.val())
            | (self.zl.val() > self.zl_max.val());
        self.short_now.next = bit_cast::<21, 16>(self.k_reg.q.val()) < self.needed.val();
        self.fit_fail.next = self.fit_fail_now.val();
        self.short.next = self.short_now.val();
        self.pk_used.next = self.pk.val();
        if self.stages_built.val() {
            self.fit_fail.next = self.hdr_fit_fail.q.val();
            self.short.next = self.hdr_short.q.val();
            self.pk_used.next = self.pk_q.q.val();
        }
        self.matrix.rowptr_waddr.next = bit_cast::<COUNT_BITS, 16>(self.idx.q.val());
        self.matrix.rowptr_wdata.next = bit_cast::<PTR_BITS, 32>(self.word.val());
        self.matrix.rowptr_we.next = false;
        self.matrix.entry_waddr.next = bit_cast::<ENTRY_ADDR_BITS, 16>(self.idx.q.val());
        self.matrix.entry_wdata.next = (bit_cast::<ENTRY_BITS, 32>(self.word.val() >> 24)
            << self.weight_at.val())
            | bit_cast::<ENTRY_BITS, SPIN_BITS>(bit_cast::<SPIN_BITS, 32>(self.word.val()));
        self.matrix.entry_we.next = false;
        self.matrix.linear_waddr.next = bit_cast::<SPIN_BITS, 16>(self.idx.q.val());
        self.matrix.linear_wdata.next = signed_cast(bit_cast::<16, 32>(self.word.val()));
        self.matrix.linear_we.next = false;
        self.knot_writes.knot_waddr.next = bit_cast::<KNOT_ADDR_BITS, 14>(self.kaddr.q.val());
        self.knot_writes.knot_wdata.next = signed_cast(self.half.val());
        self.knot_writes.knot_we.next = false;
        self.kp_end_q.d.next =
            (bit_cast::<16, KNOT_ADDR_BITS>(self.kp.q.val()) + 1) == self.pk_used.val();
        self.kk_end_q.d.next = (self.kk.q.val() + 1) == self.k_reg.q.val();
        if self.restart_q.q.val() {
            self.crc.d.next = self.crc_init.val();
            self.off.d.next = 0.into();
            self.section.d.next = Section::Header;
            self.word_byte.d.next = 0.into();
            self.idx.d.next = 0.into();
            self.kp.d.next = 0.into();
            self.kk.d.next = 0.into();
            self.kaddr.d.next = 0.into();
            self.err.d.next = 0.into();
        } else if self.valid_q.q.val() {
            self.crc.d.next = self.crc_unit.out.val();
            self.off.d.next = self.off.q.val() + 1;
            self.acc.d.next = self.word.val();
            self.word_byte.d.next = self.word_byte.q.val() + 1;
            match self.section.q.val() {
                Section::Header => {
                    if (self.hoff.val() == 3) & (self.word.val() != 0x4D49_504E) {
                        self.fail.next = self.code_image_invalid.val();
                    }
                    if (self.hoff.val() == 7) & (self.word.val() != 0x4552_4F43) {
                        self.fail.next = self.code_image_invalid.val();
                    }
                    if (self.hoff.val() == 11) & (self.word.val() != 0x0040_0001) {
                        self.fail.next = self.code_image_invalid.val();
                    }
                    if self.hoff.val() == 15 {
                        self.n_reg.d.next = bit_cast::<COUNT_BITS, 32>(self.word.val());
                        if (self.word.val() == 0)
                            | ((self.word.val() & self.count_high.val()) != 0)
                            | ((self.word.val() & !self.count_high.val()) > self.max_n.val())
                        {
                            self.fail.next = self.code_does_not_fit.val();
                        }
                    }
                    if self.hoff.val() == 19 {
                        self.steps_reg.d.next = bit_cast::<STEP_BITS, 32>(self.word.val());
                        if (self.word.val() == 0) | ((self.word.val() & self.step_high.val()) != 0)
                        {
                            self.fail.next = self.code_does_not_fit.val();
                        }
                    }
                    if self.hoff.val() == 23 {
                        self.nnz_reg.d.next = bit_cast::<PTR_BITS, 32>(self.word.val());
                        if ((self.word.val() & self.ptr_high.val()) != 0)
                            | ((self.word.val() & !self.ptr_high.val()) > self.max_nnz.val())
                        {
                            self.fail.next = self.code_does_not_fit.val();
                        }
                    }
                    // the build's storage; j, field, weight widths within the build's; A, z and
                    // table widths equal to the build's; knot spacing at most 2^15
                    if (self.hoff.val() == 24) & (self.data_q.q.val() != self.storage_code.val()) {
                        self.fail.next = self.code_does_not_fit.val();
                    }
                    if (self.hoff.val() == 25) & (self.data_q.q.val() > self.max_j_bits.val()) {
                        self.fail.next = self.code_does_not_fit.val();
                    }
                    if (self.hoff.val() == 26) & (self.data_q.q.val() > 16) {
                        self.fail.next = self.code_does_not_fit.val();
                    }
                    if (self.hoff.val() == 27) & (self.data_q.q.val() > 15) {
                        self.fail.next = self.code_does_not_fit.val();
                    }
                    if (self.hoff.val() == 28) & (self.data_q.q.val() != 8) {
                        self.fail.next = self.code_does_not_fit.val();
                    }
                    if (self.hoff.val() == 29) & (self.data_q.q.val() != 14) {
                        self.fail.next = self.code_does_not_fit.val();
                    }
                    if (self.hoff.val() == 30) & (self.data_q.q.val() != 8) {
                        self.fail.next = self.code_does_not_fit.val();
                    }
                    if self.hoff.val() == 31 {
                        self.shift_reg.d.next = self.data_q.q.val();
                        if self.data_q.q.val() > 15 {
                            self.fail.next = self.code_does_not_fit.val();
                        }
                    }
                    if self.hoff.val() == 33 {
                        self.tc_reg.d.next = bit_cast::<6, 16>(self.half.val());
                        if (self.half.val() == 0) | (self.half.val() > 16) {
                            self.fail.next = self.code_does_not_fit.val();
                        }
                    }
                    if self.hoff.val() == 35 {
                        self.d_reg.d.next = bit_cast::<4, 16>(self.half.val());
                        if (self.half.val() == 0) | (self.half.val() > 15) {
                            self.fail.next = self.code_does_not_fit.val();
                        }
                    }
                    if self.hoff.val() == 37 {
                        self.k_reg.d.next = self.half.val();
                    }
                    if self.hoff.val() == 38 {
                        self.e0.d.next = self.data_q.q.val();
                    }
                    if self.hoff.val() == 39 {
                        self.e1.d.next = self.data_q.q.val();
                    }
                    if self.hoff.val() == 40 {
                        self.e2.d.next = self.data_q.q.val();
                    }
                    if self.hoff.val() == 63 {
                        // (the checks registered above)
                        if self.fit_fail.val() {
                            self.fail.next = self.code_does_not_fit.val();
                        }
                        if self.short.val() {
                            self.fail.next = self.code_image_invalid.val();
                        }
                        self.word_byte.d.next = 0.into();
                        self.idx.d.next = 0.into();
                        self.section.d.next = Section::RowPtr;
                        if self.dense.val() {
                            self.dense_row.d.next = 0.into();
                            self.dense_col.d.next = 0.into();
                            self.section.d.next = Section::DenseJ;
                            if self.nnz_reg.q.val() == 0 {
                                self.fail.next = self.code_image_invalid.val();
                            }
                        }
                    }
                }
                Section::RowPtr => {
                    if self.word_byte.q.val() == 3 {
                        self.matrix.rowptr_we.next = true;
                        if ((self.word.val() & self.ptr_high.val()) != 0)
                            | ((self.word.val() & !self.ptr_high.val()) > self.nnz32.val())
                        {
                            self.fail.next = self.code_image_invalid.val();
                        }
                        self.idx.d.next = self.idx.q.val() + 1;
                        if self.idx32.val() == self.n32.val() {
                            self.idx.d.next = 0.into();
                            self.section.d.next = Section::Entries;
                            if self.nnz_reg.q.val() == 0 {
                                self.section.d.next = Section::Linear;
                            }
                        }
                    }
                }
                Section::Entries => {
                    if self.word_byte.q.val() == 3 {
                        self.matrix.entry_we.next = true;
                        if ((self.col.val() & self.count_high.val()) != 0)
                            | ((self.col.val() & !self.count_high.val()) >= self.n32.val())
                        {
                            self.fail.next = self.code_image_invalid.val();
                        }
                        self.idx.d.next = self.idx.q.val() + 1;
                        if (self.idx32.val() + 1) == self.nnz32.val() {
                            self.idx.d.next = 0.into();
                            self.section.d.next = Section::Linear;
                        }
                    }
                }
                Section::DenseJ => {
                    // (a CSR build never enters this section; the test lets synthesis drop it)
                    if self.dense.val() {
                        self.matrix.entry_we.next = true;
                        self.matrix.entry_wdata.next = bit_cast::<ENTRY_BITS, 8>(self.data_q.q.val());
                        self.idx.d.next = self.idx.q.val() + 1;
                        self.dense_col.d.next = self.dense_col.q.val() + 1;
                        if self.last_col.val() {
                            self.dense_col.d.next = 0.into();
                            self.dense_row.d.next = self.dense_row.q.val() + 1;
                        }
                        if (self.idx32.val() + 1) == self.nnz32.val() {
                            // the section ends with the last column of the last row: nnz = N²
                            if !(self.last_col.val() & self.last_row.val()) {
                                self.fail.next = self.code_image_invalid.val();
                            }
                            self.idx.d.next = 0.into();
                            self.word_byte.d.next = 0.into();
                            self.section.d.next = Section::Linear;
                        }
                    }
                }
                Section::Linear => {
                    if self.word_byte.q.val() == 3 {
                        self.matrix.linear_we.next = true;
                        // within LINEAR_BITS: −2^(L−1) ≤ l < 2^(L−1)
                        if ((self.word.val() & self.linear_high.val()) != 0)
                            & ((self.word.val() & self.linear_high.val()) != self.linear_high.val())
                        {
                            self.fail.next = self.code_does_not_fit.val();
                        }
                        self.idx.d.next = self.idx.q.val() + 1;
                        if (self.idx32.val() + 1) == self.n32.val() {
                            self.idx.d.next = 0.into();
                            self.word_byte.d.next = 0.into();
                            self.section.d.next = Section::Knots;
                        }
                    }
                }
                Section::Knots => {
                    // two-byte words
                    if self.word_byte.q.val().get_bit(0) {
                        self.knot_writes.knot_we.next = self.kaddr.q.val() < self.knot_words.val();
                        if self.kaddr.q.val() >= self.knot_words.val() {
                            self.fail.next = self.code_does_not_fit.val();
                        }
                        self.kaddr.d.next = self.kaddr.q.val() + 1;
                        self.kp.d.next = self.kp.q.val() + 1;
                        if self.kp_end_q.q.val() {
                            self.kp.d.next = 0.into();
                            self.kk.d.next = self.kk.q.val() + 1;
                            if self.kk_end_q.q.val() {
                                self.idx.d.next = 0.into();
                                self.section.d.next = Section::Table;
                            }
                        }
                    }
                }
                Section::Table => {
                    self.idx.d.next = self.idx.q.val() + 1;
                    if self.idx.q.val() == 511 {
                        self.idx.d.next = 0.into();
                        self.section.d.next = Section::Crc;
                    }
                }
                Section::Crc => {
                    self.idx.d.next = self.idx.q.val() + 1;
                    if self.idx.q.val() == 3 {
                        self.section.d.next = Section::Done;
                    }
                }
                Section::Done => {
                    self.fail.next = self.code_image_invalid.val();
                }
                _ => {}
            }
            // the first failure sticks
            if self.err.q.val() == 0 {
                self.err.d.next = self.fail.val();
            }
        }
    }
}
