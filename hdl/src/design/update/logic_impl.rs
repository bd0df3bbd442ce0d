//! An update unit's logic: the field history, the MLP's multiply-accumulate, the activation
//! table and the sign, written once per clock edge.

use super::*;

// `A + 2 − TABLE_BITS` is written as the number 2 in `update` (rust_hdl emits consts used as
// shift amounts literally); this pins it.
const _: () = assert!(ACT_FRAC + 2 - TABLE_BITS == 2 && TABLE_BITS == 8);
// Bit positions written as numbers in `update`: 35 (sign of the MAC), 47 (sign of y), 15 (sign
// of z).
const _: () = assert!(MAC_BITS == 36 && Y_BITS == 48);
// The caps of the `W²` sum's shifts hold for `|acc| < 2^34`: 16-bit weights times 16-bit fields,
// at most 16 taps; `z` saturates at `±(2^13 − 1)`.
const _: () = assert!(W_BITS == 16 && FIELD_BITS == 16 && HIST_SLOT_BITS == 4 && Z_BITS == 14);

impl Logic for Update {
    #[hdl_gen]
    fn update(&mut self) {
        self.weights.clock.next = self.clock.val();
        self.weights_b.read_clock.next = self.clock.val();
        self.weights_b.write_clock.next = self.clock.val();
        self.hist.clock.next = self.clock.val();
        self.hist_b.clock.next = self.clock.val();
        self.hist_lo.clock.next = self.clock.val();
        self.hist_hi.clock.next = self.clock.val();
        self.wq_lo.clock.next = self.clock.val();
        self.wq_hi.clock.next = self.clock.val();
        self.noise.read_clock.next = self.clock.val();
        self.noise.write_clock.next = self.clock.val();
        self.tanh_rom.clock.next = self.clock.val();
        self.mul_a.clock.next = self.clock.val();
        self.mul_b.clock.next = self.clock.val();
        self.mul_c.clock.next = self.clock.val();
        self.mul_d.clock.next = self.clock.val();
        self.mul_w1.clock.next = self.clock.val();
        dff_setup!(
            self, clock, d_q, tc_q, w2_base_q, state, i, k, k_last, s, span_q, stride_q, wbase, eta, acc, w1u, v1, fresh, tap_valid, tap_fresh, v1b, v1c, v1d, prod_valid,
            prod_fresh, pair_q, pair_valid, pair_fresh, pair_cd_q, quad_q, quad_valid, quad_fresh, launch_q, launch_last_q, launch_q2, launch_last_q2, tail_valid, tail_last, rounded_q, acc_c_q, z_wide_q, z, z_at_table,
            q0_eta_q, term0_q, term1_q, w1_addr, npend, npend2, x1_q, pipe, w0, read,
            decided, late, avail_q, half, zr_c, zl_c, left_on, y_sh, sh0_on, i1, i2, ready_q,
            ready_next_q, ends_next_q
        );
        // each unit's own copies of `D` and `Tc` (`CopyReg`: not merged across units)
        self.d_q.d.next = self.d.val();
        self.tc_q.d.next = self.tc.val();
        self.avail_q.d.next = self.avail.val();
        // load and history ports
        self.weights.write_address.next = self.weight_waddr.val();
        self.weights.write_data.next = self.weight_wdata.val();
        self.weights.write_enable.next = self.weight_we.val() & !self.quads_built.val();
        // (the W¹ copy takes places 1..=D, all below 16)
        self.weights_b.write_address.next =
            bit_cast::<W1_COPY_BITS, WEIGHT_PLACE_BITS>(self.weight_waddr.val());
        self.weights_b.write_data.next = self.weight_wdata.val();
        self.weights_b.write_enable.next = self.weight_we.val()
            & self.wide_built.val()
            & (self.weight_waddr.val() < 16);
        // (with quads, place p in half p mod 2 of word p/4 of `wq_lo` (p mod 4 < 2) or `wq_hi`)
        self.wq_lo.write_address.next =
            bit_cast::<WEIGHT_QUAD_BITS, WEIGHT_PLACE_BITS>(self.weight_waddr.val() >> 2);
        self.wq_lo.write_data.next = unsigned_cast(self.weight_wdata.val());
        self.wq_lo.write_high.next = self.weight_waddr.val().get_bit(0);
        self.wq_lo.write_enable.next =
            self.weight_we.val() & self.quads_built.val() & !self.weight_waddr.val().get_bit(1);
        self.wq_hi.write_address.next =
            bit_cast::<WEIGHT_QUAD_BITS, WEIGHT_PLACE_BITS>(self.weight_waddr.val() >> 2);
        self.wq_hi.write_data.next = unsigned_cast(self.weight_wdata.val());
        self.wq_hi.write_high.next = self.weight_waddr.val().get_bit(0);
        self.wq_hi.write_enable.next =
            self.weight_we.val() & self.quads_built.val() & self.weight_waddr.val().get_bit(1);
        // (with pairs, the even slots in `hist` and the odd in `hist_b`, at place·8 + slot/2)
        self.hist.write_address.next = bit_cast::<HIST_A_BITS, UNIT_HIST_BITS>(
            self.hist_waddr.val() >> self.pair_shift.val(),
        );
        self.hist.write_data.next = self.hist_wdata.val();
        self.hist.write_enable.next = self.hist_we.val()
            & !self.quads_built.val()
            & !(self.pairs_built.val() & self.hist_waddr.val().get_bit(0));
        self.hist_b.write_address.next =
            bit_cast::<HIST_B_BITS, UNIT_HIST_BITS>(self.hist_waddr.val() >> 1);
        self.hist_b.write_data.next = self.hist_wdata.val();
        self.hist_b.write_enable.next =
            self.hist_we.val() & self.pairs_built.val() & self.hist_waddr.val().get_bit(0);
        // (with quads, slot s of a place in half s mod 2 of `hist_lo` (s mod 4 < 2) or `hist_hi`,
        // at place·4 + s/4)
        self.hist_lo.write_address.next =
            bit_cast::<HIST_QUAD_BITS, UNIT_HIST_BITS>(self.hist_waddr.val() >> 2);
        self.hist_lo.write_data.next = unsigned_cast(self.hist_wdata.val());
        self.hist_lo.write_high.next = self.hist_waddr.val().get_bit(0);
        self.hist_lo.write_enable.next =
            self.hist_we.val() & self.quads_built.val() & !self.hist_waddr.val().get_bit(1);
        self.hist_hi.write_address.next =
            bit_cast::<HIST_QUAD_BITS, UNIT_HIST_BITS>(self.hist_waddr.val() >> 2);
        self.hist_hi.write_data.next = unsigned_cast(self.hist_wdata.val());
        self.hist_hi.write_high.next = self.hist_waddr.val().get_bit(0);
        self.hist_hi.write_enable.next =
            self.hist_we.val() & self.quads_built.val() & self.hist_waddr.val().get_bit(1);
        // noise: xorshift32 of the state read for the drawing spin (its first step registered)
        self.x1.next = self.noise.read_data.val() ^ (self.noise.read_data.val() << 13);
        self.x1_q.d.next = self.x1.val();
        self.x2.next = self.x1_q.q.val() ^ (self.x1_q.q.val() >> 17);
        self.x3.next = self.x2.val() ^ (self.x2.val() << 5);
        self.byte_sum.next = bit_cast::<16, 8>(self.x3.val().get_bits::<8>(0))
            + bit_cast::<16, 8>(self.x3.val().get_bits::<8>(8))
            + bit_cast::<16, 8>(self.x3.val().get_bits::<8>(16))
            + bit_cast::<16, 8>(self.x3.val().get_bits::<8>(24));
        self.noise.read_address.next = bit_cast::<UNIT_SPIN_BITS, COUNT_BITS>(self.i.q.val());
        self.noise.write_address.next = self.noise_waddr.val();
        self.noise.write_data.next = self.noise_wdata.val();
        self.noise.write_enable.next = self.noise_we.val();
        // the slot (pair) to read: `s` of hidden unit `wbase` of spin `i`, unless a state below
        // starts a new spin; a hidden unit's last slot is followed by the next unit's slot 0
        // W²'s first place: `1 + D`, rounded up to a multiple of the taps a cycle (a pair's
        // odd place is its even one with bit 0 set: no adder on the second port's address);
        // a hidden unit issues `⌈Tc/taps⌉` slot groups and takes as many places times the taps
        self.w2_base.next = bit_cast::<WEIGHT_PLACE_BITS, 4>(self.d_q.q.val()) + 1;
        self.span.next = self.tc_q.q.val();
        self.stride.next = self.tc_q.q.val();
        if self.wide_built.val() {
            self.w2_base.next = (bit_cast::<WEIGHT_PLACE_BITS, 4>(self.d_q.q.val()) + 1 + self.round_w.val())
                & self.align_w.val();
            self.span.next = (self.tc_q.q.val() + self.round_6.val()) >> self.tap_shift.val();
            self.stride.next = self.span.val() << self.tap_shift.val();
        }
        self.span_q.d.next = self.span.val();
        self.w2_base_q.d.next = self.w2_base.val();
        self.d_one.next = self.d_q.q.val() == 1;
        self.k_after_last.next = (self.k.q.val() + 2) == self.d_q.q.val();
        self.stride_q.d.next = self.stride.val();
        self.next_wbase.next = self.wbase.q.val() + bit_cast::<WEIGHT_PLACE_BITS, 6>(self.stride_q.q.val());
        self.rd_i.next = self.i.q.val();
        self.rd_slot.next = self.s.q.val();
        self.rd_wbase.next = self.wbase.q.val();
        self.rd_cont.next = true;
        if self.s.q.val() >= self.span_q.q.val() {
            self.rd_slot.next = 0.into();
            self.rd_wbase.next = self.next_wbase.val();
            self.rd_cont.next = false;
        }
        // W² MAC: the slot read in the cycle before is registered (the odd slot's weight 0
        // where the pair has no odd slot), its products registered, summed, then added (a
        // hidden unit's last slot: tail stages 0 and 1)
        self.mul_a.a.next = self.weights.read_data.val();
        self.mul_a.b.next = self.hist.read_data.val();
        self.mul_b.a.next = 0.into();
        if self.v1b.q.val() {
            self.mul_b.a.next = self.weights.read_data_b.val();
        }
        self.mul_b.b.next = self.hist_b.read_data.val();
        self.mul_c.a.next = 0.into();
        if self.v1c.q.val() {
            self.mul_c.a.next = signed_cast(self.wq_hi.read_data.val().get_bits::<16>(0));
        }
        self.mul_c.b.next = signed_cast(self.hist_hi.read_data.val().get_bits::<16>(0));
        self.mul_d.a.next = 0.into();
        if self.v1d.q.val() {
            self.mul_d.a.next = signed_cast(self.wq_hi.read_data.val().get_bits::<16>(16));
        }
        self.mul_d.b.next = signed_cast(self.hist_hi.read_data.val().get_bits::<16>(16));
        if self.quads_built.val() {
            self.mul_a.a.next = signed_cast(self.wq_lo.read_data.val().get_bits::<16>(0));
            self.mul_a.b.next = signed_cast(self.hist_lo.read_data.val().get_bits::<16>(0));
            if self.v1b.q.val() {
                self.mul_b.a.next = signed_cast(self.wq_lo.read_data.val().get_bits::<16>(16));
            }
            self.mul_b.b.next = signed_cast(self.hist_lo.read_data.val().get_bits::<16>(16));
        }
        self.tap_valid.d.next = self.v1.q.val() & (self.state.q.val() == UpdateState::Mac);
        self.tap_fresh.d.next = self.fresh.q.val();
        self.prod_valid.d.next = self.tap_valid.q.val();
        self.prod_fresh.d.next = self.tap_fresh.q.val();
        self.pair_q.d.next = signed_bit_cast::<MAC_BITS, 32>(self.mul_a.p.val())
            + signed_bit_cast::<MAC_BITS, 32>(self.mul_b.p.val());
        self.pair_valid.d.next = self.prod_valid.q.val();
        self.pair_fresh.d.next = self.prod_fresh.q.val();
        self.pair_cd_q.d.next = signed_bit_cast::<MAC_BITS, 32>(self.mul_c.p.val())
            + signed_bit_cast::<MAC_BITS, 32>(self.mul_d.p.val());
        self.quad_q.d.next = self.pair_q.q.val() + self.pair_cd_q.q.val();
        self.quad_valid.d.next = self.pair_valid.q.val();
        self.quad_fresh.d.next = self.pair_fresh.q.val();
        // (builds without pairs add each product as it is registered: no pair stage)
        self.mac_in.next = signed_bit_cast::<MAC_BITS, 32>(self.mul_a.p.val());
        self.mac_in_valid.next = self.prod_valid.q.val();
        self.mac_in_fresh.next = self.prod_fresh.q.val();
        if self.pairs_built.val() {
            self.mac_in.next = self.pair_q.q.val();
            self.mac_in_valid.next = self.pair_valid.q.val();
            self.mac_in_fresh.next = self.pair_fresh.q.val();
        }
        if self.quads_built.val() {
            self.mac_in.next = self.quad_q.q.val();
            self.mac_in_valid.next = self.quad_valid.q.val();
            self.mac_in_fresh.next = self.quad_fresh.q.val();
        }
        self.mac_sum.next = self.acc.q.val() + self.mac_in.val();
        if self.mac_in_fresh.val() {
            self.mac_sum.next = self.mac_in.val();
        }
        if self.mac_in_valid.val() {
            self.acc.d.next = self.mac_sum.val();
        }
        // the tail's tokens move one stage a cycle (a launch enters stage 0)
        self.launch.next = false;
        self.launch_last.next = false;
        self.tail_shifted.next = self.tail_valid.q.val() << 1;
        self.last_shifted.next = self.tail_last.q.val() << 1;
        self.last5.next = self.tail_valid.q.val().get_bit(5) & self.tail_last.q.val().get_bit(5);
        self.last7.next = self.tail_valid.q.val().get_bit(7) & self.tail_last.q.val().get_bit(7);
        self.last9.next = self.tail_valid.q.val().get_bit(9) & self.tail_last.q.val().get_bit(9);
        // stage 2: z = round_shift(acc), saturated
        // (|acc| < 2^34: a right shift by 35 or more rounds every sum to 0, a left shift by 13
        // or more saturates every non-zero one; capping the shifts there keeps 36 bits exact)
        self.zr_cap.next = self.z_right.val();
        if self.z_right.val() > 35 {
            self.zr_cap.next = 35.into();
        }
        self.zl_cap.next = bit_cast::<4, 6>(self.z_left.val());
        if self.z_left.val() > 13 {
            self.zl_cap.next = 13.into();
        }
        self.zr_now.next = self.zr_cap.val() & self.zr_mask.val();
        self.zl_now.next = self.zl_cap.val() & self.zl_mask.val();
        self.zr_c.d.next = self.zr_now.val();
        self.zl_c.d.next = self.zl_now.val();
        self.left_on.d.next = self.z_left.val() != 0;
        self.zr_use.next = self.zr_c.q.val();
        self.zl_use.next = self.zl_c.q.val();
        self.left_use.next = self.left_on.q.val();
        if !self.shifts_registered.val() {
            self.zr_use.next = self.zr_now.val();
            self.zl_use.next = self.zl_now.val();
            self.left_use.next = self.z_left.val() != 0;
        }
        self.acc_bits.next = unsigned_cast(self.acc.q.val());
        self.half_now.next = (self.one.val() << self.zr_use.val()) >> 1;
        self.half.d.next = self.half_now.val();
        self.half_use.next = self.half.q.val();
        if !self.shifts_registered.val() {
            self.half_use.next = self.half_now.val();
        }
        self.rounded.next = self.acc_bits.val() + self.half_use.val();
        self.rounded_q.d.next = self.rounded.val();
        self.acc_c.next = signed_bit_cast::<16, MAC_BITS>(self.acc.q.val());
        if self.acc.q.val() > self.acc_cap.val() {
            self.acc_c.next = self.acc_c_max.val();
        }
        if self.acc.q.val() < self.acc_floor.val() {
            self.acc_c.next = self.acc_c_min.val();
        }
        self.acc_c_q.d.next = self.acc_c.val();
        // stage 3: the shift
        self.sign_mask.next = 0.into();
        if self.rounded_q.q.val().get_bit(35) {
            self.sign_mask.next = self.all_ones.val();
        }
        self.shr_val.next = ((self.rounded_q.q.val() ^ self.sign_mask.val()) >> self.zr_use.val())
            ^ self.sign_mask.val();
        // (widened into a signed signal first: Verilog sign-extends only signed expressions)
        self.acc_c_wide.next = signed_bit_cast::<32, 16>(self.acc_c_q.q.val());
        self.left_bits.next = unsigned_cast(self.acc_c_wide.val()) << self.zl_use.val();
        self.z_wide.next = signed_cast(self.shr_val.val());
        if self.left_use.val() {
            self.z_wide.next = signed_bit_cast::<MAC_BITS, 32>(signed_cast(self.left_bits.val()));
        }
        self.z_wide_q.d.next = self.z_wide.val();
        // stage 4: saturate
        self.z_sat.next = self.z_wide_q.q.val();
        if self.z_wide_q.q.val() > self.z_max.val() {
            self.z_sat.next = self.z_max.val();
        }
        if self.z_wide_q.q.val() < self.z_min.val() {
            self.z_sat.next = self.z_min.val();
        }
        self.z_small.next = signed_bit_cast::<16, MAC_BITS>(self.z_sat.val());
        self.z.d.next = self.z_small.val();
        // stage 5: the table's address from |z|; the token's W¹ weight is read
        self.z_abs.next = unsigned_cast(self.z.q.val());
        if self.z.q.val().get_bit(15) {
            self.z_abs.next = unsigned_cast(-self.z.q.val());
        }
        self.table_raw.next = self.z_abs.val() >> 2;
        self.table_index.next = self.table_raw.val();
        if self.table_raw.val() > self.table_last.val() {
            self.table_index.next = self.table_last.val();
        }
        self.tanh_rom.address.next = bit_cast::<TABLE_BITS, 16>(self.table_index.val());
        self.z_at_table.d.next = self.z.q.val();
        // (with pairs the W¹ weight comes from the copy, whose address is a register, and the
        // second port reads each pair's odd weight)
        self.weights.read_address_b.next = self.w1_addr.q.val();
        self.weights_b.read_address.next =
            bit_cast::<W1_COPY_BITS, WEIGHT_PLACE_BITS>(self.w1_addr.q.val());
        if self.tail_valid.q.val().get_bit(5) {
            self.w1_addr.d.next = self.w1_addr.q.val() + 1;
            if self.tail_last.q.val().get_bit(5) {
                self.w1_addr.d.next = 1.into();
            }
        }
        // stage 6: f_nl(z) = z + sign(z)·TABLE[...]; the W¹ weight arrives, registered
        self.f_nl.next = self.z_at_table.q.val() + signed_cast(self.tanh_rom.data.val());
        if self.z_at_table.q.val().get_bit(15) {
            self.f_nl.next = self.z_at_table.q.val() - signed_cast(self.tanh_rom.data.val());
        }
        self.mul_w1.b.next = self.f_nl.val();
        // stage 7: the W¹ product; stage 8: into the spin's sum
        self.mul_w1.a.next = self.weights.read_data_b.val();
        if self.wide_built.val() {
            self.mul_w1.a.next = self.weights_b.read_data.val();
        }
        if self.tail_valid.q.val().get_bit(8) {
            self.w1u.d.next =
                self.w1u.q.val() + signed_bit_cast::<MAC_BITS, 32>(self.mul_w1.p.val());
        }
        // stage 9: y = (q0·η) << sh0 + (Σ q1·f_nl) << sh1, its two terms aligned. One of the
        // two shifts is 0 (E is the larger of the two exponents), so one shifter serves: the
        // term with the non-zero shift goes through it (`term0`), the other is added as it is
        // (`term1`).
        self.q0_eta.next = self.w0.q.val() * self.eta.q.val();
        self.q0_eta_q.d.next = self.q0_eta.val();
        self.q0_eta_wide.next = signed_bit_cast::<Y_BITS, 32>(self.q0_eta_q.q.val());
        self.w1u_wide.next = signed_bit_cast::<Y_BITS, MAC_BITS>(self.w1u.q.val());
        self.ys0_c.next = bit_cast::<5, 6>(self.y_shift0.val()) & self.ys0_mask.val();
        self.ys1_c.next = bit_cast::<4, 6>(self.y_shift1.val()) & self.ys1_mask.val();
        self.y_sh_now.next = self.ys0_c.val() | bit_cast::<5, 4>(self.ys1_c.val());
        self.y_sh.d.next = self.y_sh_now.val();
        self.sh0_on.d.next = self.y_shift0.val() != 0;
        self.y_sh_use.next = self.y_sh.q.val();
        self.sh0_use.next = self.sh0_on.q.val();
        if !self.shifts_registered.val() {
            self.y_sh_use.next = self.y_sh_now.val();
            self.sh0_use.next = self.y_shift0.val() != 0;
        }
        self.y_big.next = unsigned_cast(self.w1u_wide.val());
        self.term1.next = unsigned_cast(self.q0_eta_wide.val());
        if self.sh0_use.val() {
            self.y_big.next = unsigned_cast(self.q0_eta_wide.val());
            self.term1.next = unsigned_cast(self.w1u_wide.val());
        }
        self.term0.next = self.y_big.val() << self.y_sh_use.val();
        if self.last9.val() {
            // the spin's sum is complete: its terms are taken, and the next spin's sum starts
            // afresh (with its first term when that lands now)
            self.term0_q.d.next = self.term0.val();
            self.term1_q.d.next = self.term1.val();
            self.w1u.d.next = 0.into();
            if self.tail_valid.q.val().get_bit(8) {
                self.w1u.d.next = signed_bit_cast::<MAC_BITS, 32>(self.mul_w1.p.val());
            }
        }
        // stage 10: y
        self.y.next = self.term0_q.q.val() + self.term1_q.q.val();
        // (builds without the overlap never wait: the gate and its comparisons drop out)
        if self.lookahead_built.val() {
            self.i_next.next = self.i1.q.val();
            self.ready.next = self.ready_q.q.val() | !self.overlap_built.val();
            self.ready_next.next = self.ready_next_q.q.val() | !self.overlap_built.val();
            self.ends_next.next = self.ends_next_q.q.val();
        } else {
            self.i_next.next = self.i.q.val() + 1;
            self.ready.next = (self.i.q.val() < self.avail_q.q.val()) | !self.overlap_built.val();
            self.ready_next.next =
                (self.i_next.val() < self.avail_q.q.val()) | !self.overlap_built.val();
            self.ends_next.next = self.i_next.val() == self.n.val();
        }
        self.advance.next = false;
        self.restart.next = false;
        // outputs
        self.spin_valid.next = false;
        self.spin_index.next = bit_cast::<UNIT_SPIN_BITS, COUNT_BITS>(self.i.q.val());
        self.spin_bit.next = self.y.val().get_bit(47);
        self.y_value.next = signed_cast(self.y.val());
        self.late.d.next = signed_cast(self.y.val());
        self.y_late.next = self.late.q.val();
        self.done.next = false;
        // side activities, scheduled by the states below
        self.fresh.d.next = false;
        self.npend.d.next = false;
        self.npend2.d.next = self.npend.q.val();
        self.single_tap.next = (self.d_q.q.val() == 1) & (self.span.val() == 1);
        self.draw.next = self.npend2.q.val();
        self.draw_index.next = self.i.q.val();
        // the pipelined tail: stage 5 of a spin's last unit reads its noise state, stage 7
        // draws η, stage 10 decides
        if self.pipe.q.val() & self.last5.val() {
            self.noise.read_address.next = bit_cast::<UNIT_SPIN_BITS, COUNT_BITS>(self.read.q.val());
            self.read.d.next = self.read.q.val() + 1;
        }
        if self.pipe.q.val() & self.last7.val() {
            self.draw.next = true;
            self.draw_index.next = self.read.q.val() - 1;
        }
        if self.pipe.q.val() & (self.tail_valid.q.val().get_bit(10) & self.tail_last.q.val().get_bit(10)) {
            self.spin_valid.next = true;
            self.spin_index.next = bit_cast::<UNIT_SPIN_BITS, COUNT_BITS>(self.decided.q.val());
            self.decided.d.next = self.decided.q.val() + 1;
        }
        match self.state.q.val() {
            UpdateState::Idle => {
                // the first spin's noise state is read while starting
                self.noise.read_address.next = 0.into();
                // W⁰ for the whole pass
                self.rd_wbase.next = 0.into();
                self.rd_slot.next = 0.into();
                self.rd_cont.next = false;
                if self.start.val() {
                    self.pipe.d.next = self.pipelined.val() & !self.single_tap.val();
                    self.i.d.next = 0.into();
                    self.restart.next = true;
                    self.k.d.next = 0.into();
                    self.k_last.d.next = self.d_one.val();
                    self.w1u.d.next = 0.into();
                    self.w1_addr.d.next = 1.into();
                    self.read.d.next = 0.into();
                    self.decided.d.next = 0.into();
                    self.wbase.d.next = self.w2_base_q.q.val();
                    self.state.d.next = UpdateState::NoiseData;
                }
            }
            UpdateState::NoiseData => {
                self.w0.d.next = self.weights.read_data.val();
                if self.quads_built.val() {
                    self.w0.d.next = signed_cast(self.wq_lo.read_data.val().get_bits::<16>(0));
                }
                // (pipelined, each spin draws its noise in its tail)
                self.npend.d.next = !self.pipe.q.val();
                // hidden unit 0 begins with tap 0
                self.acc.d.next = 0.into();
                self.s.d.next = 0.into();
                self.v1.d.next = false;
                self.state.d.next = UpdateState::Mac;
                if !self.ready.val() {
                    self.state.d.next = UpdateState::Gate;
                }
            }
            UpdateState::Gate => {
                // spin i begins once its field is in: tap 0 of its unit 0 (only builds with
                // the overlap ever wait here)
                if self.ready.val() & self.overlap_built.val() {
                    self.rd_slot.next = 0.into();
                    self.rd_wbase.next = self.w2_base_q.q.val();
                    self.rd_cont.next = false;
                    self.k.d.next = 0.into();
                    self.k_last.d.next = self.d_one.val();
                    self.wbase.d.next = self.w2_base_q.q.val();
                    self.s.d.next = 1.into();
                    self.v1.d.next = true;
                    self.fresh.d.next = true;
                    self.state.d.next = UpdateState::Mac;
                }
            }
            UpdateState::Mac => {
                if self.s.q.val() < self.span_q.q.val() {
                    // issue the reads of slot (pair) s
                    self.s.d.next = self.s.q.val() + 1;
                    self.v1.d.next = true;
                } else {
                    // the last slot's data is here: the unit's token enters the tail (a cycle
                    // later, with its products' sum); the reads issued (the next base, slot 0)
                    // are the next unit's first
                    self.launch.next = true;
                    self.k.d.next = self.k.q.val() + 1;
                    self.k_last.d.next = self.k_after_last.val();
                    if self.k_last.q.val() {
                        self.launch_last.next = true;
                    }
                    if self.k_last.q.val() & self.pipe.q.val() {
                        // the spin's last tap: its tail runs beside the next spin's taps
                        self.v1.d.next = false;
                        if self.ends_next.val() {
                            self.state.d.next = UpdateState::Drain;
                        } else if !self.ready_next.val() {
                            // its field is not in yet: it begins from the gate
                            self.i.d.next = self.i_next.val();
                            self.advance.next = true;
                            self.state.d.next = UpdateState::Gate;
                        } else {
                            // the next spin's unit 0 begins with tap 0 now
                            self.i.d.next = self.i_next.val();
                            self.advance.next = true;
                            self.rd_i.next = self.i_next.val();
                            self.rd_wbase.next = self.w2_base_q.q.val();
                            self.k.d.next = 0.into();
                            self.k_last.d.next = self.d_one.val();
                            self.wbase.d.next = self.w2_base_q.q.val();
                            self.s.d.next = 1.into();
                            self.v1.d.next = true;
                            self.fresh.d.next = true;
                        }
                    } else if self.k_last.q.val() {
                        self.v1.d.next = false;
                        self.state.d.next = UpdateState::Tail;
                    } else {
                        self.s.d.next = 1.into();
                        self.v1.d.next = true;
                        self.fresh.d.next = true;
                        self.wbase.d.next = self.next_wbase.val();
                    }
                }
            }
            UpdateState::Tail => {
                // the decision's terms are taken now: y is ready next cycle
                if self.last9.val() {
                    self.state.d.next = UpdateState::YData;
                }
            }
            UpdateState::YData => {
                self.spin_valid.next = true;
                self.spin_index.next = bit_cast::<UNIT_SPIN_BITS, COUNT_BITS>(self.i.q.val());
                if self.taken.val() {
                    self.i.d.next = self.i_next.val();
                    self.advance.next = true;
                    // the next spin: its noise state, and tap 0 of its unit 0
                    self.noise.read_address.next =
                        bit_cast::<UNIT_SPIN_BITS, COUNT_BITS>(self.i_next.val());
                    self.rd_i.next = self.i_next.val();
                    self.rd_slot.next = 0.into();
                    self.rd_wbase.next = self.w2_base_q.q.val();
                    self.rd_cont.next = false;
                    self.k.d.next = 0.into();
                    self.k_last.d.next = self.d_one.val();
                    self.wbase.d.next = self.w2_base_q.q.val();
                    if self.ends_next.val() {
                        self.state.d.next = UpdateState::Done;
                    } else if !self.ready_next.val() {
                        // its noise is drawn now; its taps begin from the gate
                        self.npend.d.next = true;
                        self.state.d.next = UpdateState::Gate;
                    } else {
                        self.npend.d.next = true;
                        self.s.d.next = 1.into();
                        self.v1.d.next = true;
                        self.fresh.d.next = true;
                        self.state.d.next = UpdateState::Mac;
                    }
                }
            }
            UpdateState::Drain => {
                // the last spin decides with no token behind it (with D·Tc = 2 the spin before
                // the last is decided in here too, its successor's tokens still in the tail)
                // (and none about to enter it: the last spin's token waits in `launch_q`
                // for a cycle, which a spin that waited at the gate may leave late)
                if self.pipe.q.val()
                    & (self.tail_valid.q.val().get_bit(10) & self.tail_last.q.val().get_bit(10))
                    & (self.tail_valid.q.val().get_bits::<10>(0) == 0)
                    & !(self.launch_q.q.val() & self.wide_built.val())
                    & !(self.launch_q2.q.val() & self.quads_built.val())
                {
                    self.state.d.next = UpdateState::Done;
                }
            }
            UpdateState::Done => {
                self.done.next = true;
                self.state.d.next = UpdateState::Idle;
            }
            _ => {
                self.state.d.next = UpdateState::Idle;
            }
        }
        // the counter's next `i + 1` and `i + 2`, and its flags compared with the `avail` of
        // the next cycle (`avail_q`'s next value): one set for each value `i` may take
        if self.advance.val() {
            self.i1.d.next = self.i2.q.val();
            self.i2.d.next = self.i2.q.val() + 1;
            self.ready_q.d.next = self.i1.q.val() < self.avail.val();
            self.ready_next_q.d.next = self.i2.q.val() < self.avail.val();
            self.ends_next_q.d.next = self.i2.q.val() == self.n.val();
        } else if self.restart.val() {
            self.i1.d.next = 1.into();
            self.i2.d.next = 2.into();
            self.ready_q.d.next = self.avail.val() != 0;
            self.ready_next_q.d.next = self.avail.val() > 1;
            self.ends_next_q.d.next = self.n.val() == 1;
        } else {
            self.ready_q.d.next = self.i.q.val() < self.avail.val();
            self.ready_next_q.d.next = self.i1.q.val() < self.avail.val();
            self.ends_next_q.d.next = self.i1.q.val() == self.n.val();
        }
        self.launch_q.d.next = self.launch.val();
        self.launch_last_q.d.next = self.launch_last.val();
        self.launch_q2.d.next = self.launch_q.q.val();
        self.launch_last_q2.d.next = self.launch_last_q.q.val();
        self.launch_in.next = self.launch.val();
        self.launch_last_in.next = self.launch_last.val();
        if self.pairs_built.val() {
            self.launch_in.next = self.launch_q.q.val();
            self.launch_last_in.next = self.launch_last_q.q.val();
        }
        if self.quads_built.val() {
            self.launch_in.next = self.launch_q2.q.val();
            self.launch_last_in.next = self.launch_last_q2.q.val();
        }
        self.tail_valid.d.next = self.tail_shifted.val().replace_bit(0, self.launch_in.val());
        self.tail_last.d.next = self.last_shifted.val().replace_bit(0, self.launch_last_in.val());
        // the reads of the slot (pair) chosen above: the field(s) at the spin's place, the
        // weight(s) at the slot's place in the hidden unit's taps
        self.rd_hist.next = (bit_cast::<UNIT_HIST_BITS, COUNT_BITS>(self.rd_i.val())
            << self.place_shift.val())
            | (bit_cast::<UNIT_HIST_BITS, 6>(self.rd_slot.val()) & self.slot_mask.val());
        self.hist.read_address.next = bit_cast::<HIST_A_BITS, UNIT_HIST_BITS>(self.rd_hist.val());
        self.hist_b.read_address.next = bit_cast::<HIST_B_BITS, UNIT_HIST_BITS>(self.rd_hist.val());
        self.hist_lo.read_address.next = bit_cast::<HIST_QUAD_BITS, UNIT_HIST_BITS>(self.rd_hist.val());
        self.hist_hi.read_address.next = bit_cast::<HIST_QUAD_BITS, UNIT_HIST_BITS>(self.rd_hist.val());
        self.cont_waddr.next = self.wbase.q.val() + bit_cast::<WEIGHT_PLACE_BITS, 6>(self.s.q.val());
        if self.wide_built.val() {
            self.cont_waddr.next = self.wbase.q.val()
                + (bit_cast::<WEIGHT_PLACE_BITS, 6>(self.s.q.val()) << self.tap_shift.val());
        }
        self.rd_waddr.next = self.rd_wbase.val();
        if self.rd_cont.val() {
            self.rd_waddr.next = self.cont_waddr.val();
        }
        self.weights.read_address.next = self.rd_waddr.val();
        if self.pairs_built.val() {
            self.weights.read_address_b.next = self.rd_waddr.val() | self.one_w.val();
        }
        // (with quads a quad's first place is a multiple of 4: word p/4 of both memories)
        self.wq_lo.read_address.next =
            bit_cast::<WEIGHT_QUAD_BITS, WEIGHT_PLACE_BITS>(self.rd_waddr.val() >> 2);
        self.wq_hi.read_address.next =
            bit_cast::<WEIGHT_QUAD_BITS, WEIGHT_PLACE_BITS>(self.rd_waddr.val() >> 2);
        self.v1b.d.next = self.wide_built.val()
            & (((self.rd_slot.val() << self.tap_shift.val()) + 1) < self.tc_q.q.val());
        self.v1c.d.next = self.quads_built.val() & (((self.rd_slot.val() << 2) + 2) < self.tc_q.q.val());
        self.v1d.d.next = self.quads_built.val() & (((self.rd_slot.val() << 2) + 3) < self.tc_q.q.val());
        // the noise draw of the spin drawing this cycle (sequential: the first spin at start,
        // each next one as it begins; pipelined: in its tail): advance its state, take η
        if self.draw.val() {
            self.noise.write_address.next =
                bit_cast::<UNIT_SPIN_BITS, COUNT_BITS>(self.draw_index.val());
            self.noise.write_data.next = self.x3.val();
            self.noise.write_enable.next = true;
            self.eta.d.next = signed_cast(self.byte_sum.val()) - self.eta_offset.val();
        }
        if self.stop.val() {
            self.state.d.next = UpdateState::Idle;
            self.npend.d.next = false;
            self.npend2.d.next = false;
            self.prod_valid.d.next = false;
            self.pair_valid.d.next = false;
            self.quad_valid.d.next = false;
            self.launch_q.d.next = false;
            self.launch_last_q.d.next = false;
            self.launch_q2.d.next = false;
            self.launch_last_q2.d.next = false;
            self.tail_valid.d.next = 0.into();
            self.tail_last.d.next = 0.into();
        }
    }
}
