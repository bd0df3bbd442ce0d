//! The core's logic: the per-step sequence, the field routing to the update units, the noise
//! and the spin words, written once per clock edge.

use super::*;

// Numbers written into `update` because rust_hdl emits consts there literally: 4 (history
// slots per spin as a shift), 31 (sign bit of the interpolation product, 32 bits wide).
const _: () = assert!(HIST_SLOT_BITS == 4);

impl Logic for Core {
    #[hdl_gen]
    fn update(&mut self) {
        for p in 0..UNITS {
            self.units[p].clock.next = self.clock.val();
            self.finished[p].clock.next = self.clock.val();
            self.finished[p].d.next = self.finished[p].q.val();
            self.unit_n[p].clock.next = self.clock.val();
            self.seed_we_q[p].clock.next = self.clock.val();
            self.seed_we_q[p].d.next = false;
            self.start_q[p].clock.next = self.clock.val();
            // (a unit without spins this step is through without starting; a stop seen now
            // leaves InterpE for Idle)
            self.start_q[p].d.next = (self.state.q.val() == CoreState::InterpE)
                & !self.stop_q.q.val()
                & (self.unit_n[p].q.val() != 0);
        }
        self.matvec.clock.next = self.clock.val();
        self.knots.clock.next = self.clock.val();
        self.start_mem.read_clock.next = self.clock.val();
        self.start_mem.write_clock.next = self.clock.val();
        self.window_mem.read_clock.next = self.clock.val();
        self.window_mem.write_clock.next = self.clock.val();
        dff_setup!(
            self, clock, stop_q, seed_q, seed_addr_q, q_value_q, wp2, wq2, qa2, qk, iv, ip, iv2, ip2, knot_waddr_q, knot_wdata_q, knot_we_q, state, back, i, p, t, tmod, wk, ws, wr, fcount, r, kbase, qa, qb, seed_acc,
            bank_w, bank_r, best_bank, best, best_t, dv, dval, didx, turn, g, wpend, dpend,
            wunit, wg, ww, taken_q, sword, prod_r, wq, wp, ph_on, ph_start, win_from, prefill,
            pf_count, sc_v, sc_addr, ut, win_base, win_addr, win_keep, unit_avail
        );
        self.stop_q.d.next = self.stop.val();
        self.umod_next.next = self.tmod.q.val();
        if self.overlap_built.val() & (self.back.q.val() != BackState::Idle) {
            self.umod_next.next = self.tmod.q.val() + 1;
            if (self.tmod.q.val() + 1) == self.setup.tc.val() {
                self.umod_next.next = 0.into();
            }
        }
        // the place of weight p: its index for W⁰ and W¹; a W² tap's slot in its hidden unit
        // (Tc rounded up to a multiple of the taps a cycle)
        self.wstride.next = self.setup.tc.val();
        if self.wide_built.val() {
            self.wstride.next = (self.setup.tc.val() + self.tap_round.val()) & self.tap_align.val();
        }
        self.wplace.next = self.p.q.val();
        if self.p.q.val() > bit_cast::<KNOT_ADDR_BITS, 4>(self.setup.d.val()) {
            self.wplace.next = self.wk.q.val() + bit_cast::<KNOT_ADDR_BITS, 6>(self.wr.q.val());
        }
        self.wk.d.next = self.wk.q.val();
        self.ws.d.next = self.ws.q.val();
        self.wr.d.next = self.wr.q.val();
        // (reset while W⁰ and W¹ go: `umod_next` is the pass's by then, the matvec side having
        // been handed its step)
        if ((self.state.q.val() != CoreState::InterpA) & (self.state.q.val() != CoreState::InterpA2))
            | (self.p.q.val() <= bit_cast::<KNOT_ADDR_BITS, 4>(self.setup.d.val()))
        {
            // (W² from `1 + D` rounded up to a multiple of the taps a cycle: `weight_place`)
            self.wk.d.next = bit_cast::<KNOT_ADDR_BITS, 4>(self.setup.d.val()) + 1;
            if self.wide_built.val() {
                self.wk.d.next = (bit_cast::<KNOT_ADDR_BITS, 4>(self.setup.d.val()) + 1 + self.tap_round_k.val())
                    & self.tap_align_k.val();
            }
            self.ws.d.next = 0.into();
            self.wr.d.next = self.umod_next.val();
        }
        // configuration: every unit gets the step's set-up and its own spin count
        for p in 0..UNITS {
            self.unit_n[p].d.next = (self.setup.n.val() + self.unit_round[p].val()) >> self.unit_shift.val();
            self.units[p].n.next = self.unit_n[p].q.val();
            self.units[p].tc.next = self.setup.tc.val();
            self.units[p].d.next = self.setup.d.val();
            self.units[p].avail.next = self.unit_avail.q.val();
            self.units[p].z_right.next = self.setup.z_right.val();
            self.units[p].z_left.next = self.setup.z_left.val();
            self.units[p].y_shift0.next = self.setup.y_shift0.val();
            self.units[p].y_shift1.next = self.setup.y_shift1.val();
        }
        self.matvec.n.next = self.setup.n.val();
        self.matvec.bank.next = self.bank_r.q.val();
        // load ports
        MatrixWrites::link(&mut self.matrix, &mut self.matvec.matrix);
        // (the loader's knot writes registered on the way in, as the matvec's are)
        self.knot_waddr_q.d.next = self.knot_writes.knot_waddr.val();
        self.knot_wdata_q.d.next = self.knot_writes.knot_wdata.val();
        self.knot_we_q.d.next = self.knot_writes.knot_we.val();
        self.knots.write_address.next = self.knot_waddr_q.q.val();
        self.knots.write_data.next = self.knot_wdata_q.q.val();
        self.knots.write_enable.next = self.knot_we_q.q.val();
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
        // stage 1: the knots arrive; stage 2: their difference times the position
        self.qk.d.next = self.knots.read_data.val();
        self.qa.d.next = self.knots.read_data.val();
        self.qb.d.next = self.knots.read_data_b.val();
        if !self.dual_knots.val() {
            self.qa.d.next = self.qk.q.val();
            self.qb.d.next = self.knots.read_data.val();
        }
        self.iv.d.next = false;
        self.diff.next = self.qb.q.val() - self.qa.q.val();
        self.r_signed.next = signed_cast(self.r.q.val());
        self.prod.next = self.diff.val() * self.r_signed.val();
        self.prod_r.d.next = self.prod.val();
        self.qa2.d.next = self.qa.q.val();
        self.iv2.d.next = self.iv.q.val();
        self.ip2.d.next = self.ip.q.val();
        self.wq.d.next = self.iv2.q.val();
        self.wp.d.next = self.ip2.q.val();
        self.frac.next = unsigned_cast(self.prod_r.q.val()) >> self.setup.knot_shift.val();
        if self.prod_r.q.val().get_bit(31) {
            self.frac.next = (unsigned_cast(self.prod_r.q.val()) >> self.setup.knot_shift.val())
                | !(self.ones32.val() >> self.setup.knot_shift.val());
        }
        // stage 3: the sum (stage 4: the write to every unit)
        self.q_value.next =
            self.qa2.q.val() + signed_cast(bit_cast::<W_BITS, 32>(self.frac.val()));
        self.seed_q.d.next = self.seed_value.val();
        self.seed_addr_q.d.next =
            bit_cast::<UNIT_SPIN_BITS, HIST_ADDR_BITS>(self.i.q.val() >> self.unit_shift.val());
        self.q_value_q.d.next = self.q_value.val();
        self.wp2.d.next = self.wp.q.val();
        self.wq2.d.next = self.wq.q.val();
        self.seg_len.next = self.one16.val() << self.setup.knot_shift.val();
        // (unit 0 holds the most spins; `2^SPIN_BITS` spins in one unit wrap to 0, which the
        // clearing's wrapping count also reaches)
        self.hist_limit.next = bit_cast::<HIST_ADDR_BITS, COUNT_BITS>(self.unit_n[0].q.val()) << 4;
        self.bank_base.next =
            bit_cast::<SPIN_ADDR_BITS, BANK_BITS>(self.bank_w.q.val()) << self.spin_bits.val();
        self.best_base.next =
            bit_cast::<SPIN_ADDR_BITS, BANK_BITS>(self.best_bank.q.val()) << self.spin_bits.val();
        // the bank that is neither the one being written nor the best's (overlap: three banks)
        self.free_bank.next = self.bank_no[2].val();
        if (self.bank_w.q.val() != self.bank_no[0].val())
            & (self.best_bank.q.val() != self.bank_no[0].val())
        {
            self.free_bank.next = self.bank_no[0].val();
        } else if (self.bank_w.q.val() != self.bank_no[1].val())
            & (self.best_bank.q.val() != self.bank_no[1].val())
        {
            self.free_bank.next = self.bank_no[1].val();
        }
        // the decisions in turn, and whether every unit is through: internal mode takes every
        // unit's decision at a place at once (unit 0, which has the most places, offers
        // whenever the others do); external mode one unit's at a time, in spin order
        // (a decision taken in the cycle before is still offered as its unit leaves)
        self.ext_on.next = self.external.val() & self.external_built.val();
        self.t_valid.next = self.units[0].spin_valid.val() & !self.taken_q.q.val();
        self.late_y.next = 0.into();
        self.all_done.next = true;
        self.late_chain[0].next = 0.into();
        for p in 0..UNITS {
            if self.ext_on.val() & (self.turn.q.val() == self.unit_id[p].val()) {
                self.t_valid.next = self.units[p].spin_valid.val() & !self.taken_q.q.val();
            }
            if self.wunit.q.val() == self.unit_id[p].val() {
                self.late_y.next = self.units[p].y_late.val();
            }
            if !(self.finished[p].q.val() | self.units[p].done.val()) {
                self.all_done.next = false;
            }
            self.late_one[p].next = 0.into();
            if self.units[p].y_late.val().get_bit(47) {
                self.late_one[p].next = self.unit_bit[p].val();
            }
            self.late_chain[p + 1].next = self.late_chain[p].val() | self.late_one[p].val();
            // (the last link is the word: rust_hdl takes a loop variable as an index, not a
            // const)
            self.late_word.next = self.late_chain[p + 1].val();
        }
        // sub-block defaults: the weights go to every unit; the noise seed of spin i to its unit
        // at its place; the history is cleared at the same place in every unit
        self.i_unit.next = bit_cast::<5, HIST_ADDR_BITS>(self.i.q.val()) & self.unit_mask.val();
        self.f_unit.next =
            bit_cast::<5, SPIN_BITS>(self.matvec.field_index.val()) & self.unit_mask.val();
        self.f2_index.next = self.matvec.field_index.val() + 1;
        self.f2_unit.next = bit_cast::<5, SPIN_BITS>(self.f2_index.val()) & self.unit_mask.val();
        self.f_at.next = (bit_cast::<UNIT_HIST_BITS, SPIN_BITS>(
            self.matvec.field_index.val() >> self.unit_shift.val(),
        ) << 4)
            + bit_cast::<UNIT_HIST_BITS, 6>(self.tmod.q.val());
        self.f2_at.next = (bit_cast::<UNIT_HIST_BITS, SPIN_BITS>(
            self.f2_index.val() >> self.unit_shift.val(),
        ) << 4)
            + bit_cast::<UNIT_HIST_BITS, 6>(self.tmod.q.val());
        self.f_count.next = 0.into();
        if self.matvec.field_valid.val() {
            self.f_count.next = 1.into();
            if self.matvec.field2_valid.val() {
                self.f_count.next = 2.into();
            }
        }
        for p in 0..UNITS {
            self.units[p].start.next = self.start_q[p].q.val();
            self.units[p].stop.next = self.stop_q.q.val();
            self.units[p].weight_waddr.next =
                bit_cast::<WEIGHT_PLACE_BITS, KNOT_ADDR_BITS>(self.wp2.q.val());
            self.units[p].weight_wdata.next = self.q_value_q.q.val();
            self.units[p].weight_we.next = self.wq2.q.val();
            self.units[p].hist_waddr.next = bit_cast::<UNIT_HIST_BITS, HIST_ADDR_BITS>(self.i.q.val());
            self.units[p].hist_wdata.next = 0.into();
            self.units[p].hist_we.next = false;
            self.units[p].noise_waddr.next = self.seed_addr_q.q.val();
            self.units[p].noise_wdata.next = self.seed_q.q.val();
            self.units[p].noise_we.next = self.seed_we_q[p].q.val();
        }
        self.matvec.start.next = false;
        self.matvec.stop.next = self.stop_q.q.val();
        self.wbank_base.next = bit_cast::<SPIN_WORD_ADDR_BITS, SPIN_ADDR_BITS>(
            self.bank_base.val() >> self.unit_shift.val(),
        );
        self.matvec.spin_waddr.next =
            self.wbank_base.val() | bit_cast::<SPIN_WORD_ADDR_BITS, UNIT_SPIN_BITS>(self.ww.q.val());
        self.matvec.spin_wdata.next = self.late_word.val();
        self.matvec.spin_we.next = false;
        self.matvec.peek_addr.next =
            self.best_base.val() + bit_cast::<SPIN_ADDR_BITS, SPIN_BITS>(self.best_raddr.val());
        // learning phases: the start memory (written by the engine while idle, read by
        // StartCopy) and the window memory (written with the kept steps' decisions, read by the
        // engine while idle)
        self.start_mem.write_address.next = self.start_waddr.val();
        self.start_mem.write_data.next = self.start_wdata.val();
        self.start_mem.write_enable.next = self.start_we.val() & self.phases_built.val();
        self.start_mem.read_address.next = bit_cast::<UNIT_SPIN_BITS, HIST_ADDR_BITS>(self.i.q.val());
        self.window_mem.read_address.next = self.window_raddr.val();
        self.window_rword.next = self.window_mem.read_data.val();
        self.window_mem.write_address.next = self.win_addr.q.val();
        self.window_mem.write_data.next = self.late_word.val();
        self.window_mem.write_enable.next = false;
        self.sc_v.d.next = false;
        if self.sc_v.q.val() {
            // StartCopy's word of the cycle before into the bank the first pass reads
            self.matvec.spin_waddr.next = self.wbank_base.val()
                | bit_cast::<SPIN_WORD_ADDR_BITS, UNIT_SPIN_BITS>(self.sc_addr.q.val());
            self.matvec.spin_wdata.next = self.start_mem.read_data.val();
            self.matvec.spin_we.next = true;
        }
        // stage 0: weight p's knots (only InterpA and InterpA2 use them)
        self.knots.read_address.next = self.kbase.q.val() + self.p.q.val();
        self.knots.read_address_b.next =
            self.kbase.q.val() + self.setup.per_knot.val() + self.p.q.val();
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
        self.spin_valid.next = false;
        self.spin_word_index.next = bit_cast::<SPIN_BITS, UNIT_SPIN_BITS>(self.ww.q.val());
        self.spin_word.next = self.late_word.val();
        self.sample_negative.next = self.sample.val() < self.zero_sample.val();
        self.sample_sel.next = bit_cast::<5, HIST_ADDR_BITS>(self.i.q.val()) & self.unit_mask.val();
        self.sample_word.next = self.sword.q.val();
        if self.sample_negative.val() {
            self.sample_word.next = self.sword.q.val() | (self.one_word.val() << self.sample_sel.val());
        }
        // pipelined passes in internal mode (a place's decisions are written as one word)
        self.overlap_on.next = !self.ext_on.val() & self.overlap_built.val();
        for p in 0..UNITS {
            self.units[p].pipelined.next = !self.ext_on.val();
        }
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
        self.field2_valid.next = self.matvec.field2_valid.val();
        self.field2.next = self.matvec.field2.val();
        // the decisions taken in the cycle before: a word into the spin bank (internal mode) or
        // one into the drive port's register, which holds a value until the DAC takes it
        // (external mode)
        self.wpend.d.next = false;
        self.dpend.d.next = false;
        if self.wpend.q.val() {
            self.spin_valid.next = true;
            self.matvec.spin_we.next = true;
            self.window_mem.write_enable.next = self.win_keep.q.val();
        }
        if self.dpend.q.val() {
            self.dv.d.next = true;
            self.dval.d.next = self.late_y.val();
            self.didx.d.next = bit_cast::<SPIN_BITS, COUNT_BITS>(self.wg.q.val());
        }
        // take the decision in turn (external mode: when the register will be free for it)
        self.take.next = false;
        self.issued.next = false;
        if ((self.state.q.val() == CoreState::UpdateStart)
            | (self.state.q.val() == CoreState::UpdateRun))
            & self.t_valid.val()
        {
            if self.ext_on.val() {
                if !self.dpend.q.val() & !(self.dv.q.val() & !self.drive_ready.val()) {
                    self.take.next = true;
                    self.dpend.d.next = true;
                }
            } else {
                self.take.next = true;
                self.wpend.d.next = true;
                self.ww.d.next = self.units[0].spin_index.val();
                // a kept step's word also goes into the window memory
                self.win_addr.d.next = self.win_base.q.val()
                    + bit_cast::<WINDOW_ADDR_BITS, UNIT_SPIN_BITS>(self.units[0].spin_index.val());
                self.win_keep.d.next = self.ph_on.q.val() & (self.ut.q.val() >= self.win_from.q.val());
            }
        }
        self.word_end.next = (self.turn.q.val() == self.unit_mask.val())
            | ((self.g.q.val() + 1) == self.setup.n.val());
        if self.take.val() & self.ext_on.val() {
            self.wunit.d.next = self.turn.q.val();
            self.wg.d.next = self.g.q.val();
            self.g.d.next = self.g.q.val() + 1;
            self.turn.d.next = (self.turn.q.val() + 1) & self.unit_mask.val();
        }
        // the decisions offered wait in their units until the units are told they were taken
        // (external mode: once the last of the word has gone to the drive port)
        self.taken_q.d.next = self.take.val() & (!self.ext_on.val() | self.word_end.val());
        for p in 0..UNITS {
            self.units[p].taken.next = self.taken_q.q.val();
            if self.units[p].done.val() {
                self.finished[p].d.next = true;
            }
        }
        match self.state.q.val() {
            CoreState::Idle => {
                if self.start.val() {
                    self.i.d.next = 0.into();
                    self.seed_acc.d.next = self.run_seed.val() + self.stride.val();
                    self.ph_on.d.next = self.phase.val() & self.phases_built.val();
                    self.ph_start.d.next =
                        self.phase.val() & self.phase_start.val() & self.phases_built.val();
                    self.win_from.d.next =
                        self.setup.steps.val() - bit_cast::<STEP_BITS, 16>(self.window.val());
                    self.state.d.next = CoreState::InitNoise;
                }
            }
            CoreState::InitNoise => {
                for p in 0..UNITS {
                    self.seed_we_q[p].d.next = self.i_unit.val() == self.unit_id[p].val();
                }
                self.seed_acc.d.next = self.seed_acc.q.val() + self.stride.val();
                self.i.d.next = self.i.q.val() + 1;
                if (self.i.q.val() + 1) == bit_cast::<HIST_ADDR_BITS, COUNT_BITS>(self.setup.n.val()) {
                    self.i.d.next = 0.into();
                    self.state.d.next = CoreState::InitHist;
                }
            }
            CoreState::InitHist => {
                for p in 0..UNITS {
                    self.units[p].hist_we.next = true;
                }
                self.i.d.next = self.i.q.val() + 1;
                if (self.i.q.val() + 1) == self.hist_limit.val() {
                    self.t.d.next = 0.into();
                    self.tmod.d.next = 0.into();
                    self.fcount.d.next = self.setup.n.val();
                    self.r.d.next = 0.into();
                    self.kbase.d.next = 0.into();
                    self.p.d.next = 0.into();
                    self.bank_w.d.next = self.bank_no[0].val();
                    self.bank_r.d.next = self.bank_no[0].val();
                    self.best_bank.d.next = self.bank_no[2].val();
                    self.ut.d.next = 0.into();
                    self.win_base.d.next = 0.into();
                    self.state.d.next = CoreState::InterpA;
                    if self.ph_start.q.val() {
                        self.i.d.next = 0.into();
                        self.pf_count.d.next = 0.into();
                        self.state.d.next = CoreState::StartCopy;
                    }
                }
            }
            CoreState::StartCopy => {
                if self.phases_built.val() {
                    // word i is read now (start memory at `i`) and written the cycle after
                    self.sc_v.d.next = true;
                    self.sc_addr.d.next = bit_cast::<UNIT_SPIN_BITS, HIST_ADDR_BITS>(self.i.q.val());
                    self.i.d.next = self.i.q.val() + 1;
                    if (self.i.q.val() + 1)
                        == bit_cast::<HIST_ADDR_BITS, COUNT_BITS>(self.unit_n[0].q.val())
                    {
                        self.state.d.next = CoreState::StartPass;
                    }
                }
            }
            CoreState::StartPass => {
                if self.phases_built.val() {
                    // one pass a history slot (the matvec side's End moves `tmod` on), then the
                    // run
                    if !self.sc_v.q.val() & (self.back.q.val() == BackState::Idle) {
                        if self.pf_count.q.val() == self.setup.tc.val() {
                            self.prefill.d.next = false;
                            self.fcount.d.next = self.setup.n.val();
                            self.state.d.next = CoreState::InterpA;
                        } else {
                            self.prefill.d.next = true;
                            self.pf_count.d.next = self.pf_count.q.val() + 1;
                            self.fcount.d.next = 0.into();
                            self.back.d.next = BackState::Start;
                        }
                    }
                }
            }
            CoreState::InterpA => {
                if !self.dual_knots.val() {
                    self.state.d.next = CoreState::InterpA2;
                } else {
                    // weight p's knots are read (above): it enters the pipeline
                    self.iv.d.next = true;
                    self.ip.d.next = self.wplace.val();
                    self.issued.next = true;
                    self.p.d.next = self.p.q.val() + 1;
                    if (self.p.q.val() + 1) == self.setup.per_knot.val() {
                        self.p.d.next = 0.into();
                        self.state.d.next = CoreState::InterpB;
                    }
                }
            }
            CoreState::InterpA2 => {
                // knot k + 1 on port A (knot k arrives now, into `qk`): the weight enters the
                // pipeline
                self.knots.read_address.next =
                    self.kbase.q.val() + self.setup.per_knot.val() + self.p.q.val();
                self.iv.d.next = true;
                self.ip.d.next = self.wplace.val();
                self.issued.next = true;
                self.p.d.next = self.p.q.val() + 1;
                self.state.d.next = CoreState::InterpA;
                if (self.p.q.val() + 1) == self.setup.per_knot.val() {
                    self.p.d.next = 0.into();
                    self.state.d.next = CoreState::InterpB;
                }
            }
            CoreState::InterpB => {
                self.state.d.next = CoreState::InterpC;
            }
            CoreState::InterpC => {
                // the last weight's product uses r now: the schedule moves to the next step
                self.r.d.next = self.r.q.val() + 1;
                if (self.r.q.val() + 1) == self.seg_len.val() {
                    self.r.d.next = 0.into();
                    self.kbase.d.next = self.kbase.q.val() + self.setup.per_knot.val();
                }
                self.turn.d.next = 0.into();
                self.g.d.next = 0.into();
                self.state.d.next = CoreState::InterpD;
            }
            CoreState::InterpD => {
                self.state.d.next = CoreState::InterpE;
            }
            CoreState::InterpE => {
                self.state.d.next = CoreState::UpdateStart;
            }
            CoreState::UpdateStart => {
                // every unit starts at once (a unit without spins this step is through)
                for p in 0..UNITS {
                    self.finished[p].d.next = self.unit_n[p].q.val() == 0;
                }
                self.state.d.next = CoreState::UpdateRun;
            }
            CoreState::UpdateRun => {
                // (the decisions are taken above; in external mode the spins come back as
                // samples)
                if self.all_done.val() {
                    self.i.d.next = 0.into();
                    self.sword.d.next = 0.into();
                    if self.ext_on.val() {
                        self.state.d.next = CoreState::MeasureRun;
                    } else {
                        self.state.d.next = CoreState::Handoff;
                    }
                }
            }
            CoreState::MeasureRun => {
                // samples only once the last drive has been taken
                self.sample_ready.next = !self.dv.q.val();
                // (the spins of a word are gathered, and the word written with its last)
                self.spin_word_index.next =
                    bit_cast::<SPIN_BITS, HIST_ADDR_BITS>(self.i.q.val() >> self.unit_shift.val());
                self.spin_word.next = self.sample_word.val();
                self.matvec.spin_waddr.next = self.wbank_base.val()
                    | bit_cast::<SPIN_WORD_ADDR_BITS, HIST_ADDR_BITS>(
                        self.i.q.val() >> self.unit_shift.val(),
                    );
                self.matvec.spin_wdata.next = self.sample_word.val();
                if self.sample_valid.val() & !self.dv.q.val() {
                    self.sword.d.next = self.sample_word.val();
                    self.i.d.next = self.i.q.val() + 1;
                    if (self.sample_sel.val() == self.unit_mask.val())
                        | ((self.i.q.val() + 1) == bit_cast::<HIST_ADDR_BITS, COUNT_BITS>(self.setup.n.val()))
                    {
                        self.spin_valid.next = true;
                        self.matvec.spin_we.next = true;
                        self.sword.d.next = 0.into();
                    }
                    if (self.i.q.val() + 1) == bit_cast::<HIST_ADDR_BITS, COUNT_BITS>(self.setup.n.val())
                    {
                        self.state.d.next = CoreState::Handoff;
                    }
                }
            }
            CoreState::Handoff => {
                // the step's spins go to the matvec side once its last pass has ended (so `t`
                // is this step); the update side moves on to the next step beside it (overlap)
                // or waits for it
                if self.back.q.val() == BackState::Idle {
                    self.back.d.next = BackState::Start;
                    self.bank_r.d.next = self.bank_w.q.val();
                    self.ut.d.next = self.ut.q.val() + 1;
                    if self.ph_on.q.val() & (self.ut.q.val() >= self.win_from.q.val()) {
                        self.win_base.d.next = self.win_base.q.val()
                            + bit_cast::<WINDOW_ADDR_BITS, COUNT_BITS>(self.unit_n[0].q.val());
                    }
                    if self.overlap_built.val() {
                        self.bank_w.d.next = self.free_bank.val();
                    }
                    self.fcount.d.next = 0.into();
                    self.state.d.next = CoreState::Wait;
                    if self.overlap_on.val() & ((self.t.q.val() + 1) != self.setup.steps.val()) {
                        self.state.d.next = CoreState::InterpA;
                    }
                }
            }
            CoreState::Wait => {
                if self.back.q.val() == BackState::Idle {
                    // (no overlap: two banks, and the next step writes the one that is not
                    // the best's, known now that the pass has ended)
                    if !self.overlap_built.val() {
                        self.bank_w.d.next = !self.best_bank.q.val();
                    }
                    if self.t.q.val() == self.setup.steps.val() {
                        self.state.d.next = CoreState::Done;
                    } else {
                        self.state.d.next = CoreState::InterpA;
                    }
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
        // a W² weight was placed: the next tap's slot, or the next hidden unit's first
        if self.issued.val() & (self.p.q.val() > bit_cast::<KNOT_ADDR_BITS, 4>(self.setup.d.val())) {
            self.ws.d.next = self.ws.q.val() + 1;
            self.wr.d.next = self.wr.q.val() + 1;
            if (self.wr.q.val() + 1) == self.setup.tc.val() {
                self.wr.d.next = 0.into();
            }
            if (self.ws.q.val() + 1) == self.setup.tc.val() {
                self.ws.d.next = 0.into();
                self.wr.d.next = self.umod_next.val();
                self.wk.d.next = self.wk.q.val() + bit_cast::<KNOT_ADDR_BITS, 6>(self.wstride.val());
            }
        }
        // the matvec side: field i into slot t mod Tc at i's place in its unit
        match self.back.q.val() {
            BackState::Idle => {}
            BackState::Start => {
                self.matvec.start.next = true;
                self.back.d.next = BackState::Run;
            }
            BackState::Run => {
                // (two fields in a cycle belong to two units: consecutive indices)
                for p in 0..UNITS {
                    self.units[p].hist_waddr.next = self.f_at.val();
                    self.units[p].hist_wdata.next = self.matvec.field.val();
                    self.units[p].hist_we.next =
                        self.matvec.field_valid.val() & (self.f_unit.val() == self.unit_id[p].val());
                    if self.matvec.field2_valid.val() & (self.f2_unit.val() == self.unit_id[p].val()) {
                        self.units[p].hist_waddr.next = self.f2_at.val();
                        self.units[p].hist_wdata.next = self.matvec.field2.val();
                        self.units[p].hist_we.next = true;
                    }
                }
                self.fcount.d.next = self.fcount.q.val() + self.f_count.val();
                if self.matvec.done.val() {
                    self.back.d.next = BackState::End;
                }
            }
            BackState::End => {
                // (a start pass only fills its history slot)
                if !self.prefill.q.val() {
                    self.step_done.next = true;
                    if (self.t.q.val() == 0) | (self.matvec.e4.val() < self.best.q.val()) {
                        self.best.d.next = self.matvec.e4.val();
                        self.best_t.d.next = self.t.q.val();
                        self.best_bank.d.next = self.bank_r.q.val();
                    }
                    self.t.d.next = self.t.q.val() + 1;
                }
                self.tmod.d.next = self.tmod.q.val() + 1;
                if (self.tmod.q.val() + 1) == self.setup.tc.val() {
                    self.tmod.d.next = 0.into();
                }
                self.back.d.next = BackState::Idle;
            }
            _ => {
                self.back.d.next = BackState::Idle;
            }
        }
        if !self.phases_built.val() {
            // (no phases: every phase register constant, so that synthesis drops them and all
            // behind them)
            self.ph_on.d.next = false;
            self.ph_start.d.next = false;
            self.win_from.d.next = 0.into();
            self.prefill.d.next = false;
            self.pf_count.d.next = 0.into();
            self.sc_v.d.next = false;
            self.sc_addr.d.next = 0.into();
            self.ut.d.next = 0.into();
            self.win_base.d.next = 0.into();
            self.win_addr.d.next = 0.into();
            self.win_keep.d.next = false;
        }
        if self.stop_q.q.val() {
            self.state.d.next = CoreState::Idle;
            self.prefill.d.next = false;
            self.sc_v.d.next = false;
            self.back.d.next = BackState::Idle;
            self.dv.d.next = false;
            self.wpend.d.next = false;
            self.dpend.d.next = false;
        }
        // the places every unit may start, from the count the fields reach this cycle (the
        // last of `fcount`'s assignments above): whole words of fields in (the units decide in
        // lockstep), and every place once the pass is through
        self.unit_avail.d.next = self.fcount.d.val() >> self.unit_shift.val();
        if self.fcount.d.val() == self.setup.n.val() {
            self.unit_avail.d.next = self.unit_n[0].q.val();
        }
    }
}
