//! The matvec engine's logic: the walk over the entry words, the three adder trees and the
//! row ends, written once per clock edge.

use super::*;

impl Logic for Matvec {
    #[hdl_gen]
    fn update(&mut self) {
        // clocks
        self.rowptr.read_clock.next = self.clock.val();
        self.rowptr.write_clock.next = self.clock.val();
        self.rowptr_b.read_clock.next = self.clock.val();
        self.rowptr_b.write_clock.next = self.clock.val();
        self.own_spins_b.read_clock.next = self.clock.val();
        self.own_spins_b.write_clock.next = self.clock.val();
        self.linear_b.read_clock.next = self.clock.val();
        self.linear_b.write_clock.next = self.clock.val();
        self.banks.clock.next = self.clock.val();
        for b in 0..LANES {
            self.spins[b].read_clock.next = self.clock.val();
            self.spins[b].write_clock.next = self.clock.val();
            self.sel2[b].clock.next = self.clock.val();
            self.act1[b].clock.next = self.clock.val();
            self.seg1[b].clock.next = self.clock.val();
            self.weight2[b].clock.next = self.clock.val();
            self.neg2[b].clock.next = self.clock.val();
            self.word2a[b].clock.next = self.clock.val();
            self.act2a[b].clock.next = self.clock.val();
            self.seg2a[b].clock.next = self.clock.val();
            self.word2a[b].d.next = self.banks.read_data[b].val();
            self.act2a[b].d.next = self.act1[b].q.val();
            self.seg2a[b].d.next = self.seg1[b].q.val();
            self.neg2[b].d.next = self.neg2[b].q.val();
            self.seg2[b].clock.next = self.clock.val();
            self.act1[b].d.next = self.act1[b].q.val();
            self.seg1[b].d.next = false;
            self.weight2[b].d.next = self.weight2[b].q.val();
            self.seg2[b].d.next = self.seg2a[b].q.val();
            self.word2c[b].clock.next = self.clock.val();
            self.sel2c[b].clock.next = self.clock.val();
            self.weight2c[b].clock.next = self.clock.val();
            self.neg2c[b].clock.next = self.clock.val();
            self.seg2c[b].clock.next = self.clock.val();
            self.word2c[b].d.next = self.spins[b].read_data.val();
            self.sel2c[b].d.next = self.sel2[b].q.val();
            self.weight2c[b].d.next = self.weight2[b].q.val();
            self.neg2c[b].d.next = self.neg2[b].q.val();
            self.seg2c[b].d.next = self.seg2[b].q.val();
            self.third1[b].clock.next = self.clock.val();
            self.third2a[b].clock.next = self.clock.val();
            self.third2[b].clock.next = self.clock.val();
            self.third2c[b].clock.next = self.clock.val();
            self.third1[b].d.next = false;
            self.third2a[b].d.next = self.third1[b].q.val();
            self.third2[b].d.next = self.third2a[b].q.val();
            self.third2c[b].d.next = self.third2[b].q.val();
        }
        for j in 0..TREE_PAIRS {
            self.pair3a[j].clock.next = self.clock.val();
            self.next_pair3a[j].clock.next = self.clock.val();
            self.third_pair3a[j].clock.next = self.clock.val();
        }
        self.own_spins.read_clock.next = self.clock.val();
        self.own_spins.write_clock.next = self.clock.val();
        self.linear.read_clock.next = self.clock.val();
        self.linear.write_clock.next = self.clock.val();
        dff_setup!(
            self, clock, rowptr_waddr_q, rowptr_wdata_q, rowptr_we_q, entry_waddr_q, entry_wdata_q,
            entry_we_q, linear_waddr_q, linear_wdata_q, linear_we_q, state, r, k, row_base, end_q, next_q, v1, split1, last1, row1, place1, next_place1, v2a, split2a, last2a, row2a, place2a, next_place2a,
            v2, split2,
            last2, row2, v2c, split2c, last2c, row2c, v3a, split3a, last3a, row3a, v3b, split3b, last3b, row3b, word3b, next3b,
            v3, row3, sum3, own3, l3, acc, energy, own_sel, peek_sel, own_sel_b, dbl1, dbl2a, dbl2,
            dbl2c, dbl3a, dbl3b, third_q, dsp1, dsp2a, dsp2, dsp2c, dsp3a, dsp3b, third3b, v3_b, sum3_b, own3_b, l3_b, e_term_q, e_term_b_q, v4
        );
        // load ports (registered first): entry k goes to bank k mod LANES at word k >> LANE_BITS;
        // every spin copy takes every spin write
        self.rowptr_waddr_q.d.next = self.matrix.rowptr_waddr.val();
        self.rowptr_wdata_q.d.next = self.matrix.rowptr_wdata.val();
        self.rowptr_we_q.d.next = self.matrix.rowptr_we.val();
        self.entry_waddr_q.d.next = self.matrix.entry_waddr.val();
        self.entry_wdata_q.d.next = self.matrix.entry_wdata.val();
        self.entry_we_q.d.next = self.matrix.entry_we.val();
        self.linear_waddr_q.d.next = self.matrix.linear_waddr.val();
        self.linear_wdata_q.d.next = self.matrix.linear_wdata.val();
        self.linear_we_q.d.next = self.matrix.linear_we.val();
        self.rowptr.write_address.next =
            bit_cast::<ROWPTR_ADDR_BITS, COUNT_BITS>(self.rowptr_waddr_q.q.val());
        self.rowptr.write_data.next = self.rowptr_wdata_q.q.val();
        self.rowptr.write_enable.next = self.rowptr_we_q.q.val();
        self.rowptr_b.write_address.next = self.rowptr.write_address.val();
        self.rowptr_b.write_data.next = self.rowptr_wdata_q.q.val();
        self.rowptr_b.write_enable.next = self.rowptr_we_q.q.val();
        self.bank_waddr.next = self.entry_waddr_q.q.val() >> self.lane_bits.val();
        self.banks.write_address.next =
            bit_cast::<BANK_ADDR_BITS, ENTRY_ADDR_BITS>(self.bank_waddr.val());
        self.banks.write_lane.next =
            bit_cast::<8, ENTRY_ADDR_BITS>(self.entry_waddr_q.q.val() & self.lane_mask.val());
        self.banks.write_data.next = self.entry_wdata_q.q.val();
        self.banks.write_enable.next = self.entry_we_q.q.val();
        for b in 0..LANES {
            self.spins[b].write_address.next = self.spin_waddr.val();
            self.spins[b].write_data.next = self.spin_wdata.val();
            self.spins[b].write_enable.next = self.spin_we.val();
        }
        self.own_spins.write_address.next = self.spin_waddr.val();
        self.own_spins.write_data.next = self.spin_wdata.val();
        self.own_spins.write_enable.next = self.spin_we.val();
        self.own_spins_b.write_address.next = self.spin_waddr.val();
        self.own_spins_b.write_data.next = self.spin_wdata.val();
        self.own_spins_b.write_enable.next = self.spin_we.val();
        self.linear.write_address.next = self.linear_waddr_q.q.val();
        self.linear.write_data.next =
            bit_cast::<LINEAR_BITS, FIELD_BITS>(unsigned_cast(self.linear_wdata_q.q.val()));
        self.linear.write_enable.next = self.linear_we_q.q.val();
        self.linear_b.write_address.next = self.linear_waddr_q.q.val();
        self.linear_b.write_data.next = self.linear.write_data.val();
        self.linear_b.write_enable.next = self.linear_we_q.q.val();
        self.bank_base.next = bit_cast::<SPIN_ADDR_BITS, BANK_BITS>(self.bank.val()) << self.spin_bits.val();
        // stage 1 signals: `end_q` holds ptr[r + 1], the issuing row's end, and `next_q`
        // ptr[r + 2], the next row's, while the row-pointer memory reads ptr[r + 3] (dense: the
        // row base + n, + 2n); the word holding entry k is issued, lanes outside [k, row end)
        // inactive unless the word is split
        self.n_wide.next = bit_cast::<PTR_BITS, COUNT_BITS>(self.n.val());
        self.row_end.next = self.end_q.q.val();
        self.next_end.next = self.next_q.q.val();
        if !self.split_built.val() {
            // (without split words the memory reads the issuing row's end itself)
            self.row_end.next = self.rowptr.read_data.val();
        }
        if self.dense.val() {
            self.row_end.next = self.row_base.q.val() + self.n_wide.val();
            self.next_end.next = self.row_end.val() + self.n_wide.val();
        }
        self.has_entry.next = self.k.q.val() < self.row_end.val();
        self.word_base.next = self.k.q.val() & self.word_mask.val();
        self.next_word.next = self.word_base.val() + self.lanes.val();
        self.is_last.next = !self.has_entry.val() | (self.next_word.val() >= self.row_end.val());
        self.r_next.next = self.r.q.val() + 1;
        self.split.next = self.split_built.val()
            & self.has_entry.val()
            & (self.row_end.val() < self.next_word.val())
            & (self.r_next.val() < self.n.val())
            & (self.next_end.val() > self.next_word.val());
        // (a double slot: row r ends inside the word, row r + 1 starts inside it and ends by its
        // end; an empty row r too)
        self.double.next = self.double_built.val()
            & self.is_last.val()
            & (self.r_next.val() < self.n.val())
            & (self.row_end.val() < self.next_word.val())
            & (self.next_end.val() <= self.next_word.val());
        self.two.next = self.split.val() | self.double.val();
        self.r_after.next = self.r.q.val() + 2;
        // (and row r + 2 starts inside the word and goes on past it: the third tree's lanes)
        self.dsplit.next = self.double.val()
            & (self.r_after.val() < self.n.val())
            & (self.next_end.val() < self.next_word.val())
            & (self.third_q.q.val() > self.next_word.val());
        self.r_after_at.next = bit_cast::<ROWPTR_ADDR_BITS, COUNT_BITS>(self.r_after.val());
        self.r_third.next = self.r.q.val() + 3;
        self.r_third_at.next = bit_cast::<ROWPTR_ADDR_BITS, COUNT_BITS>(self.r_third.val());
        self.r_fourth_at.next =
            bit_cast::<ROWPTR_ADDR_BITS, COUNT_BITS>(self.r.q.val() + 4);
        self.r_fifth_at.next =
            bit_cast::<ROWPTR_ADDR_BITS, COUNT_BITS>(self.r.q.val() + 5);
        self.r_sixth_at.next =
            bit_cast::<ROWPTR_ADDR_BITS, COUNT_BITS>(self.r.q.val() + 6);
        self.r_seventh_at.next =
            bit_cast::<ROWPTR_ADDR_BITS, COUNT_BITS>(self.r.q.val() + 7);
        self.r_next_at.next = bit_cast::<ROWPTR_ADDR_BITS, COUNT_BITS>(self.r_next.val());
        self.rowptr.read_address.next = self.r_third_at.val();
        self.rowptr_b.read_address.next = self.r_fifth_at.val();
        if self.double_built.val() {
            // (the registers hold one row end more: ptr[r + 4] and ptr[r + 5] are read)
            self.rowptr.read_address.next = self.r_fourth_at.val();
        }
        if !self.split_built.val() {
            self.rowptr.read_address.next = self.r_next_at.val();
        }
        self.banks.read_address.next =
            bit_cast::<BANK_ADDR_BITS, PTR_BITS>(self.k.q.val() >> self.lane_bits.val());
        for b in 0..LANES {
            self.lane_entry[b].next = self.word_base.val() + self.lane_index[b].val();
            self.seg_now[b].next = false;
            self.third_now[b].next = false;
        }
        self.v1.d.next = false;
        self.split1.d.next = false;
        self.dbl1.d.next = false;
        self.dsp1.d.next = false;
        // stage 2a: the words issued last cycle arrive and are registered (above)
        self.v2a.d.next = self.v1.q.val();
        self.split2a.d.next = self.split1.q.val();
        self.dbl2a.d.next = self.dbl1.q.val();
        self.dsp2a.d.next = self.dsp1.q.val();
        self.last2a.d.next = self.last1.q.val();
        self.row2a.d.next = self.row1.q.val();
        self.place2a.d.next = self.place1.q.val();
        self.next_place2a.d.next = self.next_place1.q.val();
        // stage 2b: each lane reads its column's spin
        for b in 0..LANES {
            self.position[b].next = self.place2a.q.val() + self.lane_index[b].val();
            if self.seg2a[b].q.val() {
                self.position[b].next = self.next_place2a.q.val() + self.lane_index[b].val();
            }
            self.decode[b].word.next = self.word2a[b].q.val();
            self.decode[b].position.next = self.position[b].val();
            self.col_at[b].address.next = self.bank_base.val() | self.decode[b].column.val();
            self.spins[b].read_address.next = self.col_at[b].word.val();
            self.sel2[b].d.next = self.col_at[b].place.val();
            self.weight2[b].d.next = 0.into();
            self.neg2[b].d.next = 0.into();
            if self.act2a[b].q.val() {
                self.weight2[b].d.next =
                    signed_bit_cast::<TREE_BITS, WEIGHT_BITS>(self.decode[b].weight.val());
                self.neg2[b].d.next =
                    -signed_bit_cast::<TREE_BITS, WEIGHT_BITS>(self.decode[b].weight.val());
            }
        }
        self.v2.d.next = self.v2a.q.val();
        self.split2.d.next = self.split2a.q.val();
        self.dbl2.d.next = self.dbl2a.q.val();
        self.dsp2.d.next = self.dsp2a.q.val();
        self.last2.d.next = self.last2a.q.val();
        self.row2.d.next = self.row2a.q.val();
        // stage 2c: the columns' spin words arrive and are registered (above)
        self.v2c.d.next = self.v2.q.val();
        self.split2c.d.next = self.split2.q.val();
        self.dbl2c.d.next = self.dbl2.q.val();
        self.dsp2c.d.next = self.dsp2.q.val();
        self.last2c.d.next = self.last2.q.val();
        self.row2c.d.next = self.row2.q.val();
        self.v_in.next = self.v2c.q.val();
        self.split_in.next = self.split2c.q.val();
        self.dbl_in.next = self.dbl2c.q.val();
        self.dsp_in.next = self.dsp2c.q.val();
        self.last_in.next = self.last2c.q.val();
        self.row_in.next = self.row2c.q.val();
        if !self.spin_stage_built.val() {
            self.v_in.next = self.v2.q.val();
            self.split_in.next = self.split2.q.val();
            self.dbl_in.next = self.dbl2.q.val();
            self.dsp_in.next = self.dsp2.q.val();
            self.last_in.next = self.last2.q.val();
            self.row_in.next = self.row2.q.val();
        }
        // stage 3a: each lane picks its spin's bit; each lane's ±weight goes to the issuing row's
        // tree or, in the next row's lanes of a split word, to the next row's; each pair of
        // leaves is summed and registered (the trees' first level)
        for b in 0..LANES {
            self.word_in[b].next = self.word2c[b].q.val();
            self.sel_in[b].next = self.sel2c[b].q.val();
            self.weight_in[b].next = self.weight2c[b].q.val();
            self.neg_in[b].next = self.neg2c[b].q.val();
            self.seg_in[b].next = self.seg2c[b].q.val();
            self.third_in[b].next = self.third2c[b].q.val();
            if !self.spin_stage_built.val() {
                self.third_in[b].next = self.third2[b].q.val();
                self.word_in[b].next = self.spins[b].read_data.val();
                self.sel_in[b].next = self.sel2[b].q.val();
                self.weight_in[b].next = self.weight2[b].q.val();
                self.neg_in[b].next = self.neg2[b].q.val();
                self.seg_in[b].next = self.seg2[b].q.val();
            }
            self.term[b].next = self.weight_in[b].val();
            self.col_word[b].next = self.word_in[b].val() >> self.sel_in[b].val();
            if (self.col_word[b].val() & self.one_word.val()) != 0 {
                self.term[b].next = self.neg_in[b].val();
            }
            self.leaves[b].next = self.term[b].val();
            self.next_leaves[b].next = 0.into();
            self.third_leaves[b].next = 0.into();
            if self.seg_in[b].val() {
                self.leaves[b].next = 0.into();
                self.next_leaves[b].next = self.term[b].val();
            }
            if self.third_in[b].val() {
                self.leaves[b].next = 0.into();
                self.third_leaves[b].next = self.term[b].val();
            }
        }
        for b in LANES..TREE_LEAVES {
            self.leaves[b].next = 0.into();
            self.next_leaves[b].next = 0.into();
            self.third_leaves[b].next = 0.into();
        }
        for j in 0..TREE_PAIRS {
            self.pair3a[j].d.next = self.leaves[2 * j].val() + self.leaves[2 * j + 1].val();
            self.next_pair3a[j].d.next =
                self.next_leaves[2 * j].val() + self.next_leaves[2 * j + 1].val();
            self.third_pair3a[j].d.next =
                self.third_leaves[2 * j].val() + self.third_leaves[2 * j + 1].val();
        }
        self.v3a.d.next = self.v_in.val();
        self.split3a.d.next = self.split_in.val();
        self.dbl3a.d.next = self.dbl_in.val();
        self.dsp3a.d.next = self.dsp_in.val();
        self.last3a.d.next = self.last_in.val();
        self.row3a.d.next = self.row_in.val();
        // stage 3b: the word's sums, by the trees' other four levels (the issuing row's lanes,
        // the next row's); the row's own spin and l are read
        for j in 0..TREE_QUADS {
            self.quads[j].next = self.pair3a[2 * j].q.val() + self.pair3a[2 * j + 1].q.val();
            self.next_quads[j].next =
                self.next_pair3a[2 * j].q.val() + self.next_pair3a[2 * j + 1].q.val();
            self.third_quads[j].next =
                self.third_pair3a[2 * j].q.val() + self.third_pair3a[2 * j + 1].q.val();
        }
        for j in 0..TREE_OCTS {
            self.octs[j].next = self.quads[2 * j].val() + self.quads[2 * j + 1].val();
            self.next_octs[j].next =
                self.next_quads[2 * j].val() + self.next_quads[2 * j + 1].val();
            self.third_octs[j].next =
                self.third_quads[2 * j].val() + self.third_quads[2 * j + 1].val();
        }
        for j in 0..TREE_SIXTEENS {
            self.sixteens[j].next = self.octs[2 * j].val() + self.octs[2 * j + 1].val();
            self.next_sixteens[j].next =
                self.next_octs[2 * j].val() + self.next_octs[2 * j + 1].val();
            self.third_sixteens[j].next =
                self.third_octs[2 * j].val() + self.third_octs[2 * j + 1].val();
        }
        self.word_sum.next = self.sixteens[0].val() + self.sixteens[1].val();
        self.next_sum.next = self.next_sixteens[0].val() + self.next_sixteens[1].val();
        self.word3b.d.next = signed_bit_cast::<ACC_BITS, TREE_BITS>(self.word_sum.val());
        self.next3b.d.next = signed_bit_cast::<ACC_BITS, TREE_BITS>(self.next_sum.val());
        self.third_sum.next = self.third_sixteens[0].val() + self.third_sixteens[1].val();
        self.third3b.d.next = signed_bit_cast::<ACC_BITS, TREE_BITS>(self.third_sum.val());
        self.split3b.d.next = self.split3a.q.val();
        self.dbl3b.d.next = self.dbl3a.q.val();
        self.dsp3b.d.next = self.dsp3a.q.val();
        self.v3b.d.next = self.v3a.q.val();
        self.last3b.d.next = self.last3a.q.val();
        self.row3b.d.next = self.row3a.q.val();
        self.own_at.address.next =
            self.bank_base.val() | bit_cast::<SPIN_ADDR_BITS, SPIN_BITS>(self.row3a.q.val());
        self.own_spins.read_address.next = self.own_at.word.val();
        self.own_sel.d.next = self.own_at.place.val();
        self.linear.read_address.next = self.row3a.q.val();
        // (a double slot's second row, the next index)
        self.row3a_b.next = self.row3a.q.val() + 1;
        self.own_at_b.address.next =
            self.bank_base.val() | bit_cast::<SPIN_ADDR_BITS, SPIN_BITS>(self.row3a_b.val());
        self.own_spins_b.read_address.next = self.own_at_b.word.val();
        self.own_sel_b.d.next = self.own_at_b.place.val();
        self.linear_b.read_address.next = self.row3a_b.val();
        // stage 3c: into the row's sum, latched at its last word
        self.row_sum.next = self.acc.q.val() + self.word3b.q.val();
        self.v3.d.next = self.v3b.q.val() & self.last3b.q.val();
        self.row3.d.next = self.row3b.q.val();
        self.sum3.d.next = self.row_sum.val();
        self.own_word.next = self.own_spins.read_data.val() >> self.own_sel.q.val();
        self.own3.d.next = (self.own_word.val() & self.one_word.val()) != 0;
        self.linear_bits.next = self.linear.read_data.val();
        self.linear_wide.next = bit_cast::<FIELD_BITS, LINEAR_BITS>(self.linear_bits.val());
        if (self.linear_bits.val() & self.linear_sign.val()) != 0 {
            self.linear_wide.next =
                bit_cast::<FIELD_BITS, LINEAR_BITS>(self.linear_bits.val()) | self.linear_ext.val();
        }
        self.l3.d.next = signed_cast(self.linear_wide.val());
        // (a double slot's second row: complete in the second tree's sum)
        self.v3_b.d.next = self.v3b.q.val() & self.dbl3b.q.val();
        self.sum3_b.d.next = self.next3b.q.val();
        self.own_word_b.next = self.own_spins_b.read_data.val() >> self.own_sel_b.q.val();
        self.own3_b.d.next = (self.own_word_b.val() & self.one_word.val()) != 0;
        self.linear_bits_b.next = self.linear_b.read_data.val();
        self.linear_wide_b.next = bit_cast::<FIELD_BITS, LINEAR_BITS>(self.linear_bits_b.val());
        if (self.linear_bits_b.val() & self.linear_sign.val()) != 0 {
            self.linear_wide_b.next = bit_cast::<FIELD_BITS, LINEAR_BITS>(self.linear_bits_b.val())
                | self.linear_ext.val();
        }
        self.l3_b.d.next = signed_cast(self.linear_wide_b.val());
        if self.v3b.q.val() {
            self.acc.d.next = self.row_sum.val();
            if self.last3b.q.val() {
                self.acc.d.next = 0.into();
            }
            // (a split word starts the next row with its part)
            if self.split3b.q.val() {
                self.acc.d.next = self.next3b.q.val();
            }
            // (a double slot row r + 2 goes on from starts it with its part)
            if self.dsp3b.q.val() {
                self.acc.d.next = self.third3b.q.val();
            }
        }
        // stage 4: emit f = 2·sum − l; E4 += σ·(f − l)
        self.l_wide.next = signed_bit_cast::<ACC_BITS, FIELD_BITS>(self.l3.q.val());
        self.f_wide.next = self.sum3.q.val() + self.sum3.q.val() - self.l_wide.val();
        self.f_minus_l.next = self.f_wide.val() - self.l_wide.val();
        self.field_valid.next = self.v3.q.val();
        self.field_index.next = self.row3.q.val();
        self.field.next = signed_bit_cast::<FIELD_BITS, ACC_BITS>(self.f_wide.val());
        self.l_wide_b.next = signed_bit_cast::<ACC_BITS, FIELD_BITS>(self.l3_b.q.val());
        self.f_wide_b.next = self.sum3_b.q.val() + self.sum3_b.q.val() - self.l_wide_b.val();
        self.f_minus_l_b.next = self.f_wide_b.val() - self.l_wide_b.val();
        self.field2_valid.next = self.v3_b.q.val();
        self.field2.next = signed_bit_cast::<FIELD_BITS, ACC_BITS>(self.f_wide_b.val());
        self.v4.d.next = false;
        if self.double_built.val() {
            // (stage 5: both fields' terms, registered, into E4)
            self.e_term.next = 0.into();
            if self.v3.q.val() {
                self.e_term.next = self.f_minus_l.val();
                if self.own3.q.val() {
                    self.e_term.next = -self.f_minus_l.val();
                }
            }
            self.e_term_b.next = 0.into();
            if self.v3_b.q.val() {
                self.e_term_b.next = self.f_minus_l_b.val();
                if self.own3_b.q.val() {
                    self.e_term_b.next = -self.f_minus_l_b.val();
                }
            }
            self.e_term_q.d.next = self.e_term.val();
            self.e_term_b_q.d.next = self.e_term_b.val();
            self.v4.d.next = self.v3.q.val();
            self.energy.d.next =
                self.energy.q.val() + self.e_term_q.q.val() + self.e_term_b_q.q.val();
        } else if self.v3.q.val() {
            if self.own3.q.val() {
                self.energy.d.next = self.energy.q.val() - self.f_minus_l.val();
            } else {
                self.energy.d.next = self.energy.q.val() + self.f_minus_l.val();
            }
        }
        self.done.next = false;
        self.busy.next = self.state.q.val() != MatvecState::Idle;
        self.e4.next = self.energy.q.val();
        self.peek_word.next = self.spins[0].read_data.val() >> self.peek_sel.q.val();
        self.peek_bit.next = (self.peek_word.val() & self.one_word.val()) != 0;
        self.peek_at.address.next = self.peek_addr.val();
        self.peek_sel.d.next = self.peek_at.place.val();
        match self.state.q.val() {
            MatvecState::Idle => {
                self.spins[0].read_address.next = self.peek_at.word.val();
                self.rowptr.read_address.next = 0.into();
                if self.start.val() {
                    self.r.d.next = 0.into();
                    self.row_base.d.next = 0.into();
                    self.acc.d.next = 0.into();
                    self.energy.d.next = 0.into();
                    self.state.d.next = MatvecState::Setup;
                }
            }
            MatvecState::Setup => {
                self.k.d.next = self.rowptr.read_data.val();
                if self.dense.val() {
                    self.k.d.next = 0.into();
                }
                self.rowptr.read_address.next = 1.into();
                self.state.d.next = MatvecState::Ends;
                if !self.split_built.val() {
                    // (the memory already reads ptr[1], the first row's end)
                    self.state.d.next = MatvecState::Stream;
                }
            }
            MatvecState::Ends => {
                self.end_q.d.next = self.rowptr.read_data.val();
                self.rowptr.read_address.next = 2.into();
                self.state.d.next = MatvecState::Nexts;
            }
            MatvecState::Nexts => {
                self.next_q.d.next = self.rowptr.read_data.val();
                self.rowptr.read_address.next = 3.into();
                self.state.d.next = MatvecState::Stream;
                if self.double_built.val() {
                    self.state.d.next = MatvecState::Thirds;
                }
            }
            MatvecState::Thirds => {
                self.third_q.d.next = self.rowptr.read_data.val();
                self.rowptr.read_address.next = 4.into();
                self.rowptr_b.read_address.next = 5.into();
                self.state.d.next = MatvecState::Stream;
            }
            MatvecState::Stream => {
                self.v1.d.next = true;
                for b in 0..LANES {
                    // (the second tree's lanes: row r + 1's, from its first entry to its end or,
                    // split, the word's)
                    self.seg_now[b].next = self.two.val()
                        & (self.lane_entry[b].val() >= self.row_end.val())
                        & (self.lane_entry[b].val() < self.next_end.val());
                    self.third_now[b].next =
                        self.dsplit.val() & (self.lane_entry[b].val() >= self.next_end.val());
                    self.seg1[b].d.next = self.seg_now[b].val();
                    self.third1[b].d.next = self.third_now[b].val();
                    self.act1[b].d.next = (self.has_entry.val()
                        & (self.lane_entry[b].val() >= self.k.q.val())
                        & (self.lane_entry[b].val() < self.row_end.val()))
                        | self.seg_now[b].val()
                        | self.third_now[b].val();
                }
                self.split1.d.next = self.split.val();
                self.dbl1.d.next = self.double.val();
                self.dsp1.d.next = self.dsplit.val();
                self.last1.d.next = self.is_last.val();
                self.row1.d.next = bit_cast::<SPIN_BITS, COUNT_BITS>(self.r.q.val());
                self.place1.d.next = self.word_base.val() - self.row_base.q.val();
                self.next_place1.d.next = self.word_base.val() - self.row_end.val();
                if self.has_entry.val() {
                    self.k.d.next = self.next_word.val();
                    if self.is_last.val() {
                        self.k.d.next = self.row_end.val();
                    }
                }
                if self.is_last.val() {
                    self.r.d.next = self.r_next.val();
                    self.row_base.d.next = self.row_end.val();
                    self.end_q.d.next = self.next_end.val();
                    self.next_q.d.next = self.rowptr.read_data.val();
                    self.rowptr.read_address.next = self.r_fourth_at.val();
                    self.rowptr_b.read_address.next = self.r_fifth_at.val();
                    if !self.split_built.val() {
                        self.rowptr.read_address.next = self.r_after_at.val();
                    }
                    // (the next row goes on from the word after a split one)
                    if self.split.val() {
                        self.k.d.next = self.next_word.val();
                    }
                    if self.r_next.val() == self.n.val() {
                        self.state.d.next = MatvecState::Drain;
                    }
                    // (a double slot: row r + 2 is next, from its first entry, and both
                    // memories' row ends are taken)
                    if self.double_built.val() {
                        // (one row end more in registers: the next comes from the third)
                        self.next_q.d.next = self.third_q.q.val();
                        self.third_q.d.next = self.rowptr.read_data.val();
                        self.rowptr.read_address.next = self.r_fifth_at.val();
                        self.rowptr_b.read_address.next = self.r_sixth_at.val();
                    }
                    if self.double.val() {
                        self.r.d.next = self.r_after.val();
                        self.k.d.next = self.next_end.val();
                        // (row r + 2 goes on from the word after, its part in the third tree)
                        if self.dsplit.val() {
                            self.k.d.next = self.next_word.val();
                        }
                        self.row_base.d.next = self.next_end.val();
                        self.end_q.d.next = self.third_q.q.val();
                        self.next_q.d.next = self.rowptr.read_data.val();
                        self.third_q.d.next = self.rowptr_b.read_data.val();
                        self.rowptr.read_address.next = self.r_sixth_at.val();
                        self.rowptr_b.read_address.next = self.r_seventh_at.val();
                        if self.r_after.val() == self.n.val() {
                            self.state.d.next = MatvecState::Drain;
                        }
                    }
                }
            }
            MatvecState::Drain => {
                if !self.v1.q.val()
                    & !self.v2a.q.val()
                    & !self.v2.q.val()
                    & !self.v2c.q.val()
                    & !self.v3a.q.val()
                    & !self.v3b.q.val()
                    & !self.v3.q.val()
                    & !self.v4.q.val()
                {
                    self.state.d.next = MatvecState::Done;
                }
            }
            MatvecState::Done => {
                self.done.next = true;
                self.state.d.next = MatvecState::Idle;
            }
            _ => {
                self.state.d.next = MatvecState::Idle;
            }
        }
        if self.stop.val() {
            self.state.d.next = MatvecState::Idle;
            self.v1.d.next = false;
            self.v2a.d.next = false;
            self.v2.d.next = false;
            self.v2c.d.next = false;
            self.v3a.d.next = false;
            self.v3b.d.next = false;
            self.v3.d.next = false;
            self.v3_b.d.next = false;
            self.v4.d.next = false;
            self.e_term_q.d.next = 0.into();
            self.e_term_b_q.d.next = 0.into();
        }
    }
}
