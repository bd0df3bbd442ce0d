//! The CIM feedback engine: the measurement-feedback step of `docs/fixed-point.md` in hardware.
//! Amplitude samples from the oscillators' ADC come in through a valid/ready stream; once all
//! `N` are in, the engine computes, row by row over the CSR J memory,
//! `φ_i = 2·Σ_j J_ij·a_j − l_i·2^(adc_bits−2)` and drives out
//! `d_i = clamp(−round_half_up(β_q·φ_i / 2^β_shift), ±(2^(dac_bits−1) − 1))` through a
//! valid/ready stream to the DAC, in index order.
//!
//! Timing: samples are accepted one per cycle while `sample_ready` is high (index order, the
//! `N`-th completes the vector); the engine then streams J at one entry per cycle (one 16×16
//! multiplier) and offers `drive_valid` with `drive_index`/`drive` until `drive_ready`; after the
//! last drive it accepts the next sample vector. Samples are clamped to the symmetric
//! `adc_bits` range on entry. Dense builds read row `i` at entries `[i·n, (i + 1)·n)` with no
//! row-pointer reads (the same cycle count).

use super::entry::EntryDecode;
use super::ports::MatrixWrites;
use super::widths::*;
use rust_hdl::prelude::*;

/// Engine states.
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum FeedbackState {
    /// Accepting samples.
    Samples,
    /// Read `row_ptr[i]`.
    RowLo,
    /// `row_ptr[i]` arrives; read `row_ptr[i+1]`.
    RowLoWait,
    /// `row_ptr[i+1]` arrives.
    RowHiWait,
    /// Stream the row: read entry, read sample, multiply-accumulate.
    Stream,
    /// Read `l_i`.
    LinAddr,
    /// Compute the drive.
    LinData,
    /// Offer the drive until accepted.
    Drive,
}

/// The CIM feedback engine.
#[derive(LogicBlock)]
pub struct Feedback {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Number of spins (oscillators).
    pub n: Signal<In, Bits<COUNT_BITS>>,
    /// ADC width (2..=16).
    pub adc_bits: Signal<In, Bits<5>>,
    /// DAC width (2..=16).
    pub dac_bits: Signal<In, Bits<5>>,
    /// Gain mantissa `β_q`.
    pub beta_q: Signal<In, Signed<16>>,
    /// Gain exponent `β_shift` (0..=62).
    pub beta_shift: Signal<In, Bits<6>>,
    /// J's and the linear terms' memory writes.
    pub matrix: MatrixWrites,
    /// A sample is offered.
    pub sample_valid: Signal<In, Bit>,
    /// The sample (ADC code).
    pub sample: Signal<In, Signed<SAMPLE_BITS>>,
    /// The engine takes a sample this cycle.
    pub sample_ready: Signal<Out, Bit>,
    /// A drive value is offered.
    pub drive_valid: Signal<Out, Bit>,
    /// Its spin index.
    pub drive_index: Signal<Out, Bits<SPIN_BITS>>,
    /// The drive value.
    pub drive: Signal<Out, Signed<DRIVE_BITS>>,
    /// The DAC takes the drive this cycle.
    pub drive_ready: Signal<In, Bit>,
    rowptr: RAM<Bits<PTR_BITS>, ROWPTR_ADDR_BITS>,
    entries: RAM<Bits<ENTRY_BITS>, ENTRY_ADDR_BITS>,
    samples: RAM<Signed<SAMPLE_BITS>, SPIN_BITS>,
    linear: RAM<Signed<FIELD_BITS>, SPIN_BITS>,
    state: DFF<FeedbackState>,
    i: DFF<Bits<COUNT_BITS>>,
    k: DFF<Bits<PTR_BITS>>,
    hi: DFF<Bits<PTR_BITS>>,
    /// Row `i`'s first entry (dense builds: `i·n`).
    row_base: DFF<Bits<PTR_BITS>>,
    /// The entry read last cycle (its word arrives now).
    k_read: DFF<Bits<PTR_BITS>>,
    decode: EntryDecode,
    v1: DFF<Bit>,
    v2: DFF<Bit>,
    weight: DFF<Signed<16>>,
    acc: DFF<Signed<48>>,
    drive_reg: DFF<Signed<DRIVE_BITS>>,
    sample_lim: Signal<Local, Signed<SAMPLE_BITS>>,
    sample_lim_bits: Signal<Local, Bits<SAMPLE_BITS>>,
    sample_neg_lim: Signal<Local, Signed<SAMPLE_BITS>>,
    sample_clamped: Signal<Local, Signed<SAMPLE_BITS>>,
    n_wide: Signal<Local, Bits<PTR_BITS>>,
    weight_wide: Signal<Local, Signed<16>>,
    product: Signal<Local, Signed<32>>,
    l_wide: Signal<Local, Signed<48>>,
    l_scaled: Signal<Local, Bits<48>>,
    phi: Signal<Local, Signed<48>>,
    phi_bits: Signal<Local, Bits<48>>,
    phi_lo: Signal<Local, Signed<16>>,
    phi_hi_bits: Signal<Local, Bits<48>>,
    phi_hi: Signal<Local, Signed<16>>,
    gain_lo: Signal<Local, Signed<32>>,
    gain_hi: Signal<Local, Signed<32>>,
    gain_lo_wide: Signal<Local, Signed<80>>,
    gain_hi_wide: Signal<Local, Signed<80>>,
    gained: Signal<Local, Bits<80>>,
    half: Signal<Local, Bits<80>>,
    rounded: Signal<Local, Bits<80>>,
    shifted: Signal<Local, Bits<80>>,
    neg: Signal<Local, Signed<80>>,
    dlim_bits: Signal<Local, Bits<80>>,
    dlim: Signal<Local, Signed<80>>,
    dsat: Signal<Local, Signed<80>>,
    one80: Constant<Bits<80>>,
    one16: Constant<Bits<SAMPLE_BITS>>,
    mask15: Constant<Bits<48>>,
    /// `DENSE` as a signal.
    dense: Constant<Bit>,
    i_next: Signal<Local, Bits<COUNT_BITS>>,
    /// `i` and `i + 1` as row-pointer addresses.
    i_at: Signal<Local, Bits<ROWPTR_ADDR_BITS>>,
    i_next_at: Signal<Local, Bits<ROWPTR_ADDR_BITS>>,
}

impl Default for Feedback {
    fn default() -> Self {
        Feedback {
            clock: Default::default(),
            n: Default::default(),
            adc_bits: Default::default(),
            dac_bits: Default::default(),
            beta_q: Default::default(),
            beta_shift: Default::default(),
            matrix: Default::default(),
            sample_valid: Default::default(),
            sample: Default::default(),
            sample_ready: Default::default(),
            drive_valid: Default::default(),
            drive_index: Default::default(),
            drive: Default::default(),
            drive_ready: Default::default(),
            rowptr: Default::default(),
            entries: Default::default(),
            samples: Default::default(),
            linear: Default::default(),
            state: Default::default(),
            i: Default::default(),
            k: Default::default(),
            hi: Default::default(),
            row_base: Default::default(),
            k_read: Default::default(),
            decode: Default::default(),
            v1: Default::default(),
            v2: Default::default(),
            weight: Default::default(),
            acc: Default::default(),
            drive_reg: Default::default(),
            sample_lim: Default::default(),
            sample_lim_bits: Default::default(),
            sample_neg_lim: Default::default(),
            sample_clamped: Default::default(),
            n_wide: Default::default(),
            weight_wide: Default::default(),
            product: Default::default(),
            l_wide: Default::default(),
            l_scaled: Default::default(),
            phi: Default::default(),
            phi_bits: Default::default(),
            phi_lo: Default::default(),
            phi_hi_bits: Default::default(),
            phi_hi: Default::default(),
            gain_lo: Default::default(),
            gain_hi: Default::default(),
            gain_lo_wide: Default::default(),
            gain_hi_wide: Default::default(),
            gained: Default::default(),
            half: Default::default(),
            rounded: Default::default(),
            shifted: Default::default(),
            neg: Default::default(),
            dlim_bits: Default::default(),
            dlim: Default::default(),
            dsat: Default::default(),
            one80: Constant::new(1u64.to_bits()),
            one16: Constant::new(1u64.to_bits()),
            mask15: Constant::new(0x7fffu64.to_bits()),
            dense: Constant::new(DENSE),
            i_next: Default::default(),
            i_at: Default::default(),
            i_next_at: Default::default(),
        }
    }
}

// Numbers written into `update` (rust_hdl emits consts there literally): 15 (the split of φ for
// the 16×16 multiplier), 79 (sign bit of the gained value).
const _: () = assert!(SAMPLE_BITS == 16 && DRIVE_BITS == 16);

impl Logic for Feedback {
    #[hdl_gen]
    fn update(&mut self) {
        self.rowptr.read_clock.next = self.clock.val();
        self.rowptr.write_clock.next = self.clock.val();
        self.entries.read_clock.next = self.clock.val();
        self.entries.write_clock.next = self.clock.val();
        self.samples.read_clock.next = self.clock.val();
        self.samples.write_clock.next = self.clock.val();
        self.linear.read_clock.next = self.clock.val();
        self.linear.write_clock.next = self.clock.val();
        dff_setup!(
            self, clock, state, i, k, hi, row_base, k_read, v1, v2, weight, acc, drive_reg
        );
        self.rowptr.write_address.next =
            bit_cast::<ROWPTR_ADDR_BITS, COUNT_BITS>(self.matrix.rowptr_waddr.val());
        self.rowptr.write_data.next = self.matrix.rowptr_wdata.val();
        self.rowptr.write_enable.next = self.matrix.rowptr_we.val();
        self.entries.write_address.next = self.matrix.entry_waddr.val();
        self.entries.write_data.next = self.matrix.entry_wdata.val();
        self.entries.write_enable.next = self.matrix.entry_we.val();
        self.linear.write_address.next = self.matrix.linear_waddr.val();
        self.linear.write_data.next = self.matrix.linear_wdata.val();
        self.linear.write_enable.next = self.matrix.linear_we.val();
        // samples: clamp to ±(2^(adc_bits−1) − 1) on entry
        self.sample_lim_bits.next =
            (self.one16.val() << (bit_cast::<SAMPLE_BITS, 5>(self.adc_bits.val()) - 1)) - 1;
        self.sample_lim.next = signed_cast(self.sample_lim_bits.val());
        self.sample_neg_lim.next = -self.sample_lim.val();
        self.sample_clamped.next = self.sample.val();
        if self.sample.val() > self.sample_lim.val() {
            self.sample_clamped.next = self.sample_lim.val();
        }
        if self.sample.val() < self.sample_neg_lim.val() {
            self.sample_clamped.next = self.sample_neg_lim.val();
        }
        self.samples.write_address.next = bit_cast::<SPIN_BITS, COUNT_BITS>(self.i.q.val());
        self.samples.write_data.next = self.sample_clamped.val();
        self.samples.write_enable.next = false;
        // J stream
        self.i_at.next = bit_cast::<ROWPTR_ADDR_BITS, COUNT_BITS>(self.i.q.val());
        self.rowptr.read_address.next = self.i_at.val();
        self.entries.read_address.next = bit_cast::<ENTRY_ADDR_BITS, PTR_BITS>(self.k.q.val());
        self.k_read.d.next = self.k.q.val();
        self.decode.word.next = self.entries.read_data.val();
        self.decode.position.next = self.k_read.q.val() - self.row_base.q.val();
        self.samples.read_address.next = bit_cast::<SPIN_BITS, SPIN_ADDR_BITS>(self.decode.column.val());
        self.linear.read_address.next = bit_cast::<SPIN_BITS, COUNT_BITS>(self.i.q.val());
        self.weight_wide.next = signed_bit_cast::<16, WEIGHT_BITS>(self.decode.weight.val());
        self.n_wide.next = bit_cast::<PTR_BITS, COUNT_BITS>(self.n.val());
        self.product.next = self.weight.q.val() * self.samples.read_data.val();
        // φ = 2·acc − l·2^(adc_bits − 2)
        self.l_wide.next = signed_bit_cast::<48, FIELD_BITS>(self.linear.read_data.val());
        self.l_scaled.next =
            unsigned_cast(self.l_wide.val()) << (bit_cast::<6, 5>(self.adc_bits.val()) - 2);
        self.phi.next = self.acc.q.val() + self.acc.q.val() - signed_cast(self.l_scaled.val());
        // β_q·φ with φ = φ_hi·2^15 + φ_lo, 0 ≤ φ_lo < 2^15 (|φ| < 2^30)
        self.phi_bits.next = unsigned_cast(self.phi.val());
        self.phi_lo.next = signed_cast(bit_cast::<16, 48>(self.phi_bits.val() & self.mask15.val()));
        self.phi_hi_bits.next = self.phi_bits.val() >> 15;
        if self.phi_bits.val().get_bit(47) {
            self.phi_hi_bits.next = !((!self.phi_bits.val()) >> 15);
        }
        self.phi_hi.next = signed_cast(bit_cast::<16, 48>(self.phi_hi_bits.val()));
        self.gain_lo.next = self.beta_q.val() * self.phi_lo.val();
        self.gain_hi.next = self.beta_q.val() * self.phi_hi.val();
        self.gain_lo_wide.next = signed_bit_cast::<80, 32>(self.gain_lo.val());
        self.gain_hi_wide.next = signed_bit_cast::<80, 32>(self.gain_hi.val());
        self.gained.next =
            (unsigned_cast(self.gain_hi_wide.val()) << 15) + unsigned_cast(self.gain_lo_wide.val());
        // round half up, arithmetic shift, negate, saturate
        self.half.next = (self.one80.val() << self.beta_shift.val()) >> 1;
        self.rounded.next = self.gained.val() + self.half.val();
        self.shifted.next = self.rounded.val() >> self.beta_shift.val();
        if self.rounded.val().get_bit(79) {
            self.shifted.next = !((!self.rounded.val()) >> self.beta_shift.val());
        }
        self.neg.next = -signed_cast(self.shifted.val());
        self.dlim_bits.next = (self.one80.val() << (bit_cast::<7, 5>(self.dac_bits.val()) - 1)) - 1;
        self.dlim.next = signed_cast(self.dlim_bits.val());
        self.dsat.next = self.neg.val();
        if self.neg.val() > self.dlim.val() {
            self.dsat.next = self.dlim.val();
        }
        if self.neg.val() < -self.dlim.val() {
            self.dsat.next = -self.dlim.val();
        }
        self.i_next.next = self.i.q.val() + 1;
        self.i_next_at.next = bit_cast::<ROWPTR_ADDR_BITS, COUNT_BITS>(self.i_next.val());
        // outputs
        self.sample_ready.next = self.state.q.val() == FeedbackState::Samples;
        self.drive_valid.next = self.state.q.val() == FeedbackState::Drive;
        self.drive_index.next = bit_cast::<SPIN_BITS, COUNT_BITS>(self.i.q.val());
        self.drive.next = self.drive_reg.q.val();
        match self.state.q.val() {
            FeedbackState::Samples => {
                if self.sample_valid.val() {
                    self.samples.write_enable.next = true;
                    self.i.d.next = self.i_next.val();
                    if self.i_next.val() == self.n.val() {
                        self.i.d.next = 0.into();
                        self.row_base.d.next = 0.into();
                        self.state.d.next = FeedbackState::RowLo;
                    }
                }
            }
            FeedbackState::RowLo => {
                self.state.d.next = FeedbackState::RowLoWait;
            }
            FeedbackState::RowLoWait => {
                self.k.d.next = self.rowptr.read_data.val();
                if self.dense.val() {
                    self.k.d.next = self.row_base.q.val();
                }
                self.rowptr.read_address.next = self.i_next_at.val();
                self.state.d.next = FeedbackState::RowHiWait;
            }
            FeedbackState::RowHiWait => {
                self.hi.d.next = self.rowptr.read_data.val();
                if self.dense.val() {
                    self.hi.d.next = self.row_base.q.val() + self.n_wide.val();
                }
                self.acc.d.next = 0.into();
                self.v1.d.next = false;
                self.v2.d.next = false;
                self.state.d.next = FeedbackState::Stream;
            }
            FeedbackState::Stream => {
                if self.k.q.val() < self.hi.q.val() {
                    self.k.d.next = self.k.q.val() + 1;
                    self.v1.d.next = true;
                } else {
                    self.v1.d.next = false;
                }
                if self.v1.q.val() {
                    self.weight.d.next = self.weight_wide.val();
                    self.v2.d.next = true;
                } else {
                    self.v2.d.next = false;
                }
                if self.v2.q.val() {
                    self.acc.d.next =
                        self.acc.q.val() + signed_bit_cast::<48, 32>(self.product.val());
                }
                if (self.k.q.val() == self.hi.q.val()) & !self.v1.q.val() {
                    self.state.d.next = FeedbackState::LinAddr;
                }
            }
            FeedbackState::LinAddr => {
                self.state.d.next = FeedbackState::LinData;
            }
            FeedbackState::LinData => {
                self.drive_reg.d.next = signed_bit_cast::<DRIVE_BITS, 80>(self.dsat.val());
                self.state.d.next = FeedbackState::Drive;
            }
            FeedbackState::Drive => {
                if self.drive_ready.val() {
                    self.i.d.next = self.i_next.val();
                    self.row_base.d.next = self.hi.q.val();
                    if self.i_next.val() == self.n.val() {
                        self.i.d.next = 0.into();
                        self.state.d.next = FeedbackState::Samples;
                    } else {
                        self.state.d.next = FeedbackState::RowLo;
                    }
                }
            }
            _ => {
                self.state.d.next = FeedbackState::Samples;
            }
        }
    }
}
