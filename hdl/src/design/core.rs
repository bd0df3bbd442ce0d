//! The core: runs whole dNPIM trajectories on chip. Per run it seeds the per-spin noise states
//! from the run seed and clears the field history; per step it interpolates the schedule
//! weights from the knot memory, runs the update unit (spins into the spin bank being written),
//! runs the matvec engine (fields into the history slot `t mod Tc`, `E4`), and keeps the best
//! energy, its step and its spins (the spin bank holding them is not overwritten).
//!
//! In internal mode the core closes the loop itself (each spin is the sign of the update unit's
//! output); in external mode (builds with `EXTERNAL`) the measurement-feedback port streams the
//! pre-sign outputs out as drive values and takes the measured spins back in index order, and the
//! serial core's DRIVE and MEASURE commands drive that port. All arithmetic is
//! `docs/fixed-point.md`'s; the block tests check every step's spins, fields and `E4` against
//! the golden model.

use super::matvec::Matvec;
use super::update::Update;
use super::ports::{CoreSetup, KnotWrites, MatrixWrites};
use super::widths::*;
use rust_hdl::prelude::*;

/// Core states.
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum CoreState {
    /// Waiting for `start`.
    Idle,
    /// Write each spin's initial noise state.
    InitNoise,
    /// Clear the field history.
    InitHist,
    /// Read knot `k` of weight `p`.
    InterpA,
    /// Latch it; read knot `k+1`.
    InterpB,
    /// Write the interpolated weight.
    InterpC,
    /// Start the update unit.
    UpdateStart,
    /// Spins stream into the write bank.
    UpdateRun,
    /// Start the matvec engine.
    MatvecStart,
    /// External mode: the measured spins come in through the sample port.
    MeasureRun,
    /// Fields stream into the history.
    MatvecRun,
    /// Best-so-far, counters.
    StepEnd,
    /// Pulse `run_done`.
    Done,
}

/// The core.
#[derive(LogicBlock)]
pub struct Core {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Start a run.
    pub start: Signal<In, Bit>,
    /// Abandon the run (back to idle at the next clock).
    pub stop: Signal<In, Bit>,
    /// The run's set-up (the loader's header registers).
    pub setup: CoreSetup,
    /// 32-bit run seed.
    pub run_seed: Signal<In, Bits<32>>,
    /// J's and the linear terms' memory writes (to the matvec engine's memories).
    pub matrix: MatrixWrites,
    /// The knot memory's writes.
    pub knot_writes: KnotWrites,
    /// Best spin to read while idle.
    pub best_raddr: Signal<In, Bits<SPIN_BITS>>,
    /// The best spin bit at `best_raddr` (one cycle later).
    pub best_rbit: Signal<Out, Bit>,
    /// High while a run is in progress.
    pub busy: Signal<Out, Bit>,
    /// Pulses at the end of a run.
    pub run_done: Signal<Out, Bit>,
    /// Pulses at the end of each step.
    pub step_done: Signal<Out, Bit>,
    /// The step that just ended.
    pub step: Signal<Out, Bits<STEP_BITS>>,
    /// `E4` of that step.
    pub step_e4: Signal<Out, Signed<ACC_BITS>>,
    /// Lowest `E4` so far.
    pub best_e4: Signal<Out, Signed<ACC_BITS>>,
    /// First step reaching it.
    pub best_step: Signal<Out, Bits<STEP_BITS>>,
    /// A spin was decided (observation).
    pub spin_valid: Signal<Out, Bit>,
    /// Its index.
    pub spin_index: Signal<Out, Bits<SPIN_BITS>>,
    /// Its bit (1 = −1).
    pub spin_bit: Signal<Out, Bit>,
    /// A field was computed (observation).
    pub field_valid: Signal<Out, Bit>,
    /// Its index.
    pub field_index: Signal<Out, Bits<SPIN_BITS>>,
    /// Its value.
    pub field: Signal<Out, Signed<FIELD_BITS>>,
    /// External mode (measurement feedback): the update unit's pre-sign outputs go out through
    /// the drive port and the spins come in through the sample port; otherwise the core closes
    /// the loop itself.
    pub external: Signal<In, Bit>,
    /// External mode: a drive value is offered (held until `drive_ready`).
    pub drive_valid: Signal<Out, Bit>,
    /// Its spin.
    pub drive_index: Signal<Out, Bits<SPIN_BITS>>,
    /// The update unit's pre-sign output `y` for that spin.
    pub drive_value: Signal<Out, Signed<Y_BITS>>,
    /// The DAC takes the drive value this cycle.
    pub drive_ready: Signal<In, Bit>,
    /// External mode: a measured sample is offered (spins in index order, after the drives).
    pub sample_valid: Signal<In, Bit>,
    /// The sample (ADC code); its sign is the spin (`sample < 0` is −1, 0 is +1).
    pub sample: Signal<In, Signed<SAMPLE_BITS>>,
    /// The core takes the sample this cycle.
    pub sample_ready: Signal<Out, Bit>,
    update_unit: Update,
    matvec: Matvec,
    knots: RAM<Signed<W_BITS>, KNOT_ADDR_BITS>,
    state: DFF<CoreState>,
    i: DFF<Bits<HIST_ADDR_BITS>>,
    p: DFF<Bits<KNOT_ADDR_BITS>>,
    t: DFF<Bits<STEP_BITS>>,
    tmod: DFF<Bits<6>>,
    r: DFF<Bits<16>>,
    kbase: DFF<Bits<KNOT_ADDR_BITS>>,
    qa: DFF<Signed<W_BITS>>,
    seed_acc: DFF<Bits<32>>,
    bank_w: DFF<Bit>,
    best_bank: DFF<Bit>,
    best: DFF<Signed<ACC_BITS>>,
    best_t: DFF<Bits<STEP_BITS>>,
    /// The drive port's register: an offered value, its spin, and whether it is offered.
    dv: DFF<Bit>,
    dval: DFF<Signed<Y_BITS>>,
    didx: DFF<Bits<SPIN_BITS>>,
    a1: Signal<Local, Bits<32>>,
    a2: Signal<Local, Bits<32>>,
    a3: Signal<Local, Bits<32>>,
    seed_value: Signal<Local, Bits<32>>,
    diff: Signal<Local, Signed<W_BITS>>,
    r_signed: Signal<Local, Signed<16>>,
    prod: Signal<Local, Signed<32>>,
    /// `(q_{k+1} − q_k)·r >> s`, arithmetic (its low `W_BITS` bits are used).
    frac: Signal<Local, Bits<32>>,
    q_value: Signal<Local, Signed<W_BITS>>,
    seg_len: Signal<Local, Bits<16>>,
    hist_limit: Signal<Local, Bits<HIST_ADDR_BITS>>,
    bank_base: Signal<Local, Bits<COUNT_BITS>>,
    sample_negative: Signal<Local, Bit>,
    /// `external`, and the build has the measurement-feedback ports (`EXTERNAL`).
    ext_on: Signal<Local, Bit>,
    /// `EXTERNAL`: without it the drive and sample paths are constant and synthesis drops them.
    external_built: Constant<Bit>,
    zero_sample: Constant<Signed<SAMPLE_BITS>>,
    one16: Constant<Bits<16>>,
    ones32: Constant<Bits<32>>,
    stride: Constant<Bits<32>>,
    /// `2^SPIN_BITS`: where the second spin bank starts.
    second_bank: Constant<Bits<COUNT_BITS>>,
}

impl Default for Core {
    fn default() -> Self {
        Core {
            clock: Default::default(),
            start: Default::default(),
            stop: Default::default(),
            setup: Default::default(),
            run_seed: Default::default(),
            matrix: Default::default(),
            knot_writes: Default::default(),
            best_raddr: Default::default(),
            best_rbit: Default::default(),
            busy: Default::default(),
            run_done: Default::default(),
            step_done: Default::default(),
            step: Default::default(),
            step_e4: Default::default(),
            best_e4: Default::default(),
            best_step: Default::default(),
            spin_valid: Default::default(),
            spin_index: Default::default(),
            spin_bit: Default::default(),
            field_valid: Default::default(),
            field_index: Default::default(),
            field: Default::default(),
            external: Default::default(),
            drive_valid: Default::default(),
            drive_index: Default::default(),
            drive_value: Default::default(),
            drive_ready: Default::default(),
            sample_valid: Default::default(),
            sample: Default::default(),
            sample_ready: Default::default(),
            update_unit: Default::default(),
            matvec: Default::default(),
            knots: Default::default(),
            state: Default::default(),
            i: Default::default(),
            p: Default::default(),
            t: Default::default(),
            tmod: Default::default(),
            r: Default::default(),
            kbase: Default::default(),
            qa: Default::default(),
            seed_acc: Default::default(),
            bank_w: Default::default(),
            best_bank: Default::default(),
            best: Default::default(),
            best_t: Default::default(),
            dv: Default::default(),
            dval: Default::default(),
            didx: Default::default(),
            a1: Default::default(),
            a2: Default::default(),
            a3: Default::default(),
            seed_value: Default::default(),
            diff: Default::default(),
            r_signed: Default::default(),
            prod: Default::default(),
            frac: Default::default(),
            q_value: Default::default(),
            seg_len: Default::default(),
            hist_limit: Default::default(),
            bank_base: Default::default(),
            sample_negative: Default::default(),
            ext_on: Default::default(),
            external_built: Constant::new(EXTERNAL),
            zero_sample: Constant::new(0i64.into()),
            one16: Constant::new(1u64.to_bits()),
            ones32: Constant::new(0xFFFF_FFFFu64.to_bits()),
            stride: Constant::new(u64::from(npim_sim::fixed::noise::SPIN_STRIDE).to_bits()),
            second_bank: Constant::new((1u64 << SPIN_BITS).to_bits()),
        }
    }
}

// Numbers written into `update` because rust_hdl emits consts there literally: 4 (history
// slots per spin as a shift), 31 (sign bit of the interpolation product, 32 bits wide).
const _: () = assert!(HIST_SLOT_BITS == 4);

impl Logic for Core {
    #[hdl_gen]
    fn update(&mut self) {
        self.update_unit.clock.next = self.clock.val();
        self.matvec.clock.next = self.clock.val();
        self.knots.read_clock.next = self.clock.val();
        self.knots.write_clock.next = self.clock.val();
        dff_setup!(
            self, clock, state, i, p, t, tmod, r, kbase, qa, seed_acc, bank_w, best_bank, best,
            best_t, dv, dval, didx
        );
        // configuration
        self.update_unit.n.next = self.setup.n.val();
        self.update_unit.tc.next = self.setup.tc.val();
        self.update_unit.d.next = self.setup.d.val();
        self.update_unit.t_mod.next = bit_cast::<HIST_SLOT_BITS, 6>(self.tmod.q.val());
        self.update_unit.z_right.next = self.setup.z_right.val();
        self.update_unit.z_left.next = self.setup.z_left.val();
        self.update_unit.y_shift0.next = self.setup.y_shift0.val();
        self.update_unit.y_shift1.next = self.setup.y_shift1.val();
        self.matvec.n.next = self.setup.n.val();
        self.matvec.bank.next = self.bank_w.q.val();
        // load ports
        MatrixWrites::link(&mut self.matrix, &mut self.matvec.matrix);
        self.knots.write_address.next = self.knot_writes.knot_waddr.val();
        self.knots.write_data.next = self.knot_writes.knot_wdata.val();
        self.knots.write_enable.next = self.knot_writes.knot_we.val();
        // per-run noise seeds: avalanche(run_seed + (i+1)·stride), 0 → stride
        self.a1.next = self.seed_acc.q.val() + (self.seed_acc.q.val() << 3);
        self.a2.next = self.a1.val() ^ (self.a1.val() >> 11);
        self.a3.next = self.a2.val() + (self.a2.val() << 15);
        self.seed_value.next = self.a3.val();
        if self.a3.val() == 0 {
            self.seed_value.next = self.stride.val();
        }
        // q(t) = ((q_k << s) + (q_{k+1} − q_k)·r) >> s = q_k + ((q_{k+1} − q_k)·r >> s): q_k·2^s
        // is a multiple of 2^s, so the floor takes it whole; nothing overflows (|diff| < 2^15,
        // r < 2^15). One arithmetic shifter, sign-filled by a mask, of which 16 bits are used.
        self.diff.next = self.knots.read_data.val() - self.qa.q.val();
        self.r_signed.next = signed_cast(self.r.q.val());
        self.prod.next = self.diff.val() * self.r_signed.val();
        self.frac.next = unsigned_cast(self.prod.val()) >> self.setup.knot_shift.val();
        if self.prod.val().get_bit(31) {
            self.frac.next = (unsigned_cast(self.prod.val()) >> self.setup.knot_shift.val())
                | !(self.ones32.val() >> self.setup.knot_shift.val());
        }
        self.q_value.next =
            self.qa.q.val() + signed_cast(bit_cast::<W_BITS, 32>(self.frac.val()));
        self.seg_len.next = self.one16.val() << self.setup.knot_shift.val();
        self.hist_limit.next = bit_cast::<HIST_ADDR_BITS, COUNT_BITS>(self.setup.n.val()) << 4;
        self.bank_base.next = 0.into();
        if self.bank_w.q.val() {
            self.bank_base.next = self.second_bank.val();
        }
        // sub-block defaults
        self.update_unit.start.next = false;
        self.matvec.start.next = false;
        self.update_unit.weight_waddr.next =
            bit_cast::<WEIGHT_ADDR_BITS, KNOT_ADDR_BITS>(self.p.q.val());
        self.update_unit.weight_wdata.next = self.q_value.val();
        self.update_unit.weight_we.next = false;
        self.update_unit.hist_waddr.next = self.i.q.val();
        self.update_unit.hist_wdata.next = 0.into();
        self.update_unit.hist_we.next = false;
        self.update_unit.noise_waddr.next = bit_cast::<SPIN_BITS, HIST_ADDR_BITS>(self.i.q.val());
        self.update_unit.noise_wdata.next = self.seed_value.val();
        self.update_unit.noise_we.next = false;
        self.matvec.spin_waddr.next = self.bank_base.val()
            + bit_cast::<COUNT_BITS, SPIN_BITS>(self.update_unit.spin_index.val());
        self.matvec.spin_wdata.next = self.update_unit.spin_bit.val();
        self.matvec.spin_we.next = false;
        self.matvec.peek_addr.next = bit_cast::<COUNT_BITS, SPIN_BITS>(self.best_raddr.val());
        if self.best_bank.q.val() {
            self.matvec.peek_addr.next =
                bit_cast::<COUNT_BITS, SPIN_BITS>(self.best_raddr.val()) + self.second_bank.val();
        }
        self.knots.read_address.next = self.kbase.q.val() + self.p.q.val();
        // outputs
        self.best_rbit.next = self.matvec.peek_bit.val();
        self.busy.next = self.state.q.val() != CoreState::Idle;
        self.run_done.next = false;
        self.step_done.next = false;
        self.step.next = self.t.q.val();
        // (the matvec engine's energy register holds the step's E4 until the next pass starts)
        self.step_e4.next = self.matvec.e4.val();
        self.best_e4.next = self.best.q.val();
        self.best_step.next = self.best_t.q.val();
        self.spin_valid.next = self.update_unit.spin_valid.val();
        self.spin_index.next = self.update_unit.spin_index.val();
        self.spin_bit.next = self.update_unit.spin_bit.val();
        self.sample_negative.next = self.sample.val() < self.zero_sample.val();
        // the drive port is registered: a value waits in (dv, dval, didx) until the DAC takes it
        self.update_unit.hold.next = false;
        // internal mode never holds a decision: spins overlap in the update unit
        self.ext_on.next = self.external.val() & self.external_built.val();
        self.update_unit.pipelined.next = !self.ext_on.val();
        self.drive_valid.next = self.dv.q.val();
        self.drive_index.next = self.didx.q.val();
        self.drive_value.next = self.dval.q.val();
        if self.dv.q.val() & self.drive_ready.val() {
            self.dv.d.next = false;
        }
        self.sample_ready.next = false;
        self.field_valid.next = self.matvec.field_valid.val();
        self.field_index.next = self.matvec.field_index.val();
        self.field.next = self.matvec.field.val();
        match self.state.q.val() {
            CoreState::Idle => {
                if self.start.val() {
                    self.i.d.next = 0.into();
                    self.seed_acc.d.next = self.run_seed.val() + self.stride.val();
                    self.state.d.next = CoreState::InitNoise;
                }
            }
            CoreState::InitNoise => {
                self.update_unit.noise_we.next = true;
                self.seed_acc.d.next = self.seed_acc.q.val() + self.stride.val();
                self.i.d.next = self.i.q.val() + 1;
                if (self.i.q.val() + 1) == bit_cast::<HIST_ADDR_BITS, COUNT_BITS>(self.setup.n.val()) {
                    self.i.d.next = 0.into();
                    self.state.d.next = CoreState::InitHist;
                }
            }
            CoreState::InitHist => {
                self.update_unit.hist_we.next = true;
                self.i.d.next = self.i.q.val() + 1;
                if (self.i.q.val() + 1) == self.hist_limit.val() {
                    self.t.d.next = 0.into();
                    self.tmod.d.next = 0.into();
                    self.r.d.next = 0.into();
                    self.kbase.d.next = 0.into();
                    self.p.d.next = 0.into();
                    self.bank_w.d.next = false;
                    self.best_bank.d.next = true;
                    self.state.d.next = CoreState::InterpA;
                }
            }
            CoreState::InterpA => {
                self.state.d.next = CoreState::InterpB;
            }
            CoreState::InterpB => {
                self.qa.d.next = self.knots.read_data.val();
                self.knots.read_address.next =
                    self.kbase.q.val() + self.setup.per_knot.val() + self.p.q.val();
                self.state.d.next = CoreState::InterpC;
            }
            CoreState::InterpC => {
                self.update_unit.weight_we.next = true;
                self.p.d.next = self.p.q.val() + 1;
                if (self.p.q.val() + 1) == self.setup.per_knot.val() {
                    self.p.d.next = 0.into();
                    self.state.d.next = CoreState::UpdateStart;
                } else {
                    self.state.d.next = CoreState::InterpA;
                }
            }
            CoreState::UpdateStart => {
                self.update_unit.start.next = true;
                self.state.d.next = CoreState::UpdateRun;
            }
            CoreState::UpdateRun => {
                if self.ext_on.val() {
                    // the decisions go out as drives (into the port's register when it is free
                    // or being emptied); the spins come back as samples
                    self.spin_valid.next = false;
                    if self.update_unit.spin_valid.val() {
                        if self.dv.q.val() & !self.drive_ready.val() {
                            self.update_unit.hold.next = true;
                        } else {
                            self.dv.d.next = true;
                            self.dval.d.next = self.update_unit.y_value.val();
                            self.didx.d.next = self.update_unit.spin_index.val();
                        }
                    }
                } else if self.update_unit.spin_valid.val() {
                    self.matvec.spin_we.next = true;
                }
                if self.update_unit.done.val() {
                    self.i.d.next = 0.into();
                    if self.ext_on.val() {
                        self.state.d.next = CoreState::MeasureRun;
                    } else {
                        self.state.d.next = CoreState::MatvecStart;
                    }
                }
            }
            CoreState::MeasureRun => {
                // samples only once the last drive has been taken
                self.sample_ready.next = !self.dv.q.val();
                self.spin_index.next = bit_cast::<SPIN_BITS, HIST_ADDR_BITS>(self.i.q.val());
                self.spin_bit.next = self.sample_negative.val();
                self.matvec.spin_waddr.next =
                    self.bank_base.val() + bit_cast::<COUNT_BITS, HIST_ADDR_BITS>(self.i.q.val());
                self.matvec.spin_wdata.next = self.sample_negative.val();
                if self.sample_valid.val() & !self.dv.q.val() {
                    self.spin_valid.next = true;
                    self.matvec.spin_we.next = true;
                    self.i.d.next = self.i.q.val() + 1;
                    if (self.i.q.val() + 1) == bit_cast::<HIST_ADDR_BITS, COUNT_BITS>(self.setup.n.val())
                    {
                        self.state.d.next = CoreState::MatvecStart;
                    }
                }
            }
            CoreState::MatvecStart => {
                self.matvec.start.next = true;
                self.state.d.next = CoreState::MatvecRun;
            }
            CoreState::MatvecRun => {
                if self.matvec.field_valid.val() {
                    self.update_unit.hist_we.next = true;
                    self.update_unit.hist_waddr.next =
                        (bit_cast::<HIST_ADDR_BITS, SPIN_BITS>(self.matvec.field_index.val()) << 4)
                            + bit_cast::<HIST_ADDR_BITS, 6>(self.tmod.q.val());
                    self.update_unit.hist_wdata.next = self.matvec.field.val();
                }
                if self.matvec.done.val() {
                    self.state.d.next = CoreState::StepEnd;
                }
            }
            CoreState::StepEnd => {
                self.step_done.next = true;
                if (self.t.q.val() == 0) | (self.matvec.e4.val() < self.best.q.val()) {
                    self.best.d.next = self.matvec.e4.val();
                    self.best_t.d.next = self.t.q.val();
                    self.best_bank.d.next = self.bank_w.q.val();
                    self.bank_w.d.next = !self.bank_w.q.val();
                }
                self.t.d.next = self.t.q.val() + 1;
                self.tmod.d.next = self.tmod.q.val() + 1;
                if (self.tmod.q.val() + 1) == self.setup.tc.val() {
                    self.tmod.d.next = 0.into();
                }
                self.r.d.next = self.r.q.val() + 1;
                if (self.r.q.val() + 1) == self.seg_len.val() {
                    self.r.d.next = 0.into();
                    self.kbase.d.next = self.kbase.q.val() + self.setup.per_knot.val();
                }
                if (self.t.q.val() + 1) == self.setup.steps.val() {
                    self.state.d.next = CoreState::Done;
                } else {
                    self.state.d.next = CoreState::InterpA;
                }
            }
            CoreState::Done => {
                self.run_done.next = true;
                self.state.d.next = CoreState::Idle;
            }
            _ => {
                self.state.d.next = CoreState::Idle;
            }
        }
        if self.stop.val() {
            self.state.d.next = CoreState::Idle;
            self.dv.d.next = false;
        }
    }
}
