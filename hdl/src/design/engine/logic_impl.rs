//! The dispatch's logic: one command at a time, from its frame to the end of its response,
//! written once per clock edge.
// (each command's checks are one condition a branch, in the order docs/protocol.md gives its
// errors, even where two branches answer the same code)
#![allow(clippy::if_same_then_else)]

use super::*;

// Literal numbers in `update` (rust_hdl emits consts there literally): 6 (seq, kind and CRC
// around a payload), 61 (IDENTITY_BYTES), 512 (where a BadFrame answer is written: the upper
// half of the 1 KiB response buffer, above the kept response, which is at most a READ_RESULT of
// 2 048 spins or a DRIVE page, both under 512 bytes).
const _: () = assert!(IDENTITY_BYTES == 61 && STEP_BITS == 20);
const _: () = assert!(2 + 1 + 4 + 8 + 8 + 2048 / 8 + 4 < 512 && 2 + 5 + 8 * MAX_DRIVE + 4 < 512);

impl Logic for Engine {
    #[hdl_gen]
    fn update(&mut self) {
        self.core.clock.next = self.clock.val();
        self.loader.clock.next = self.clock.val();
        self.receiver.clock.next = self.clock.val();
        self.writer.clock.next = self.clock.val();
        self.encoder.clock.next = self.clock.val();
        self.receiver.reset.next = self.reset.val();
        self.writer.reset.next = self.reset.val();
        self.encoder.reset.next = self.reset.val();
        self.receiver.rx_byte.next = self.rx_byte.val();
        self.receiver.rx_valid.next = self.rx_valid.val();
        self.receiver.accept.next = self.state.q.val() == EngineState::Idle;
        self.writer.read_address.next = self.encoder.read_address.val();
        self.encoder.read_data.next = self.writer.read_data.val();
        self.encoder.tx_ready.next = self.tx_ready.val();
        self.tx_byte.next = self.encoder.tx_byte.val();
        self.tx_start.next = self.encoder.tx_start.val();
        dff_setup!(
            self,
            clock,
            state,
            ret,
            last_seq,
            last_kind,
            has_last,
            image_ok,
            has_result,
            run_seed,
            k,
            spin_i,
            spin_byte,
            ext,
            ext_step,
            drive_next,
            sample_next,
            left,
            bit_i,
            ext_e4,
            lin_write,
            lin_idx,
            lin_acc,
            lin_b,
            lin_full,
            start_mode,
            win_mode,
            lin_we,
            lin_waddr,
            lin_wdata,
            start_next,
            has_start,
            start_word,
            win_w,
            prod_words,
            prod_spins,
            window_len,
            phase_run,
            wpos,
            wi,
            wbase,
            wend,
            win_end_q,
            seek_step_q,
            seek_on_q,
            win_at_end_q,
            win_end_next_q,
            w_big,
            rbit_q,
            wword_q,
            settle,
            span_over_q,
            lin_len_bad_q,
            bits_len_bad_q,
            page_over_q,
            start_we_q,
            start_waddr_q,
            start_wdata_q
        );
        // the core takes its configuration and memories from the loader
        // external mode (DRIVE / MEASURE): the engine is the DAC and the ADC
        self.core.external.next = self.ext.q.val();
        self.core.drive_ready.next = false;
        self.core.sample_valid.next = false;
        self.bit_byte.next = self.receiver.read_data.val() >> bit_cast::<8, 3>(self.bit_i.q.val());
        self.sample_bit.next = (self.bit_byte.val() & self.one8.val()) != 0;
        self.core.sample.next = self.plus_one.val();
        if self.sample_bit.val() {
            self.core.sample.next = self.minus_one.val();
        }
        CoreSetupDriver::join(&mut self.loader.setup, &mut self.core.setup);
        // J's and the linear terms' writes come from the loader; SET_LINEAR's from here
        self.core.matrix.rowptr_waddr.next = self.loader.matrix.rowptr_waddr.val();
        self.core.matrix.rowptr_wdata.next = self.loader.matrix.rowptr_wdata.val();
        self.core.matrix.rowptr_we.next = self.loader.matrix.rowptr_we.val();
        self.core.matrix.entry_waddr.next = self.loader.matrix.entry_waddr.val();
        self.core.matrix.entry_wdata.next = self.loader.matrix.entry_wdata.val();
        self.core.matrix.entry_we.next = self.loader.matrix.entry_we.val();
        self.core.matrix.linear_waddr.next = self.loader.matrix.linear_waddr.val();
        self.core.matrix.linear_wdata.next = self.loader.matrix.linear_wdata.val();
        self.core.matrix.linear_we.next = self.loader.matrix.linear_we.val();
        if self.lin_we.q.val() {
            self.core.matrix.linear_waddr.next = self.lin_waddr.q.val();
            self.core.matrix.linear_wdata.next = self.lin_wdata.q.val();
            self.core.matrix.linear_we.next = true;
        }
        self.lin_we.d.next = false;
        // learning phases: the core's phase inputs (RunStart), the start memory's writes
        // (MeasB in start_mode) and the window memory's reads (SpinAddr in win_mode)
        self.core.phase.next = false;
        self.core.phase_start.next = self.has_start.q.val();
        self.core.window.next = self.win_w.q.val();
        // (registered: MeasB's spin bit comes from the frame buffer's block-RAM output, and the
        // start memory's write port behind it held the ULX3S build at 65.34 MHz; nothing reads
        // the start memory before a RUN_PHASE, frames later)
        self.core.start_waddr.next = self.start_waddr_q.q.val();
        self.core.start_wdata.next = self.start_wdata_q.q.val();
        self.core.start_we.next = self.start_we_q.q.val();
        self.start_we_q.d.next = false;
        self.start_waddr_q.d.next =
            bit_cast::<UNIT_SPIN_BITS, COUNT_BITS>(self.lin_idx.q.val() >> self.unit_shift.val());
        self.start_sel.next = bit_cast::<8, COUNT_BITS>(self.lin_idx.q.val() & self.unit_mask.val());
        self.start_bit_word.next = 0.into();
        if self.sample_bit.val() {
            self.start_bit_word.next = self.one_word.val() << self.start_sel.val();
        }
        self.start_wword.next = self.start_word.q.val() | self.start_bit_word.val();
        if self.start_sel.val() == 0 {
            self.start_wword.next = self.start_bit_word.val();
        }
        self.start_wdata_q.d.next = self.start_wword.val();
        self.core.window_raddr.next =
            self.wbase.q.val() + bit_cast::<WINDOW_ADDR_BITS, COUNT_BITS>(self.wi.q.val() >> self.unit_shift.val());
        self.win_shifted.next = self.wword_q.q.val()
            >> bit_cast::<8, COUNT_BITS>(self.wi.q.val() & self.unit_mask.val());
        // (a mask, not a bit select: a one-spin word is a scalar in Verilog)
        self.win_bit.next = (self.win_shifted.val() & self.one_word.val()) != 0;
        self.win_byte.next = self.spin_byte.q.val();
        if self.win_bit.val() {
            self.win_byte.next =
                self.spin_byte.q.val() | (self.one8.val() << bit_cast::<8, 3>(self.bit_i.q.val()));
        }
        self.lin_value.next = (self.lin_acc.q.val() >> 8)
            | (bit_cast::<32, 8>(self.receiver.read_data.val()) << 24);
        self.lin_hi.next = self.lin_acc.q.val() >> self.lin_shift.val();
        // the window's size for RUN_PHASE, registered: its steps times ⌈n/UNITS⌉ and times n
        self.words_c.next = bit_cast::<32, COUNT_BITS>(
            (self.loader.setup.n.val() + self.unit_mask.val()) >> self.unit_shift.val(),
        );
        // (rust_hdl multiplies 16 × 16 signed bits: a window of 2^15 steps or more takes more
        // than the 4 096 words any build has, and is refused by its top bit)
        self.w_low.next = signed_cast(self.receiver.arg2.val().get_bits::<16>(0) & self.low15.val());
        self.words_s.next = signed_cast(bit_cast::<16, 32>(self.words_c.val()));
        self.n_s.next = signed_cast(bit_cast::<16, COUNT_BITS>(self.loader.setup.n.val()));
        self.prod_words.d.next = unsigned_cast(self.w_low.val() * self.words_s.val());
        self.win_end_q.d.next = bit_cast::<33, 32>(self.receiver.arg.val())
            + bit_cast::<33, 16>(self.receiver.arg2.val().get_bits::<16>(0));
        self.prod_spins.d.next = unsigned_cast(self.w_low.val() * self.n_s.val());
        self.seek_step_q.d.next = (self.wpos.q.val()
            + bit_cast::<32, COUNT_BITS>(self.loader.setup.n.val()))
            <= self.receiver.arg.val();
        self.seek_on_q.d.next = self.wpos.q.val() != self.receiver.arg.val();
        self.win_at_end_q.d.next = self.wpos.q.val() == self.wend.q.val();
        self.win_end_next_q.d.next = (self.wpos.q.val() + 1) == self.wend.q.val();
        self.w_big.d.next = self.receiver.arg2.val().get_bit(15);
        KnotWritesDriver::join(&mut self.loader.knot_writes, &mut self.core.knot_writes);
        self.core.run_seed.next = self.run_seed.q.val();
        self.core.start.next = false;
        self.core.stop.next = false;
        self.core.best_raddr.next = bit_cast::<SPIN_BITS, COUNT_BITS>(self.spin_i.q.val());
        self.loader.restart.next = false;
        self.loader.valid.next = false;
        self.loader.data.next = self.receiver.read_data.val();
        self.receiver.read_address.next = self.k.q.val();
        // (the ROM's byte comes a cycle after its address: Identify asks for the next one)
        self.id_rom.clock.next = self.clock.val();
        self.id_rom.address.next = bit_cast::<6, 11>(self.k.q.val());
        if self.state.q.val() == EngineState::Identify {
            self.id_rom.address.next = bit_cast::<6, 11>(self.k.q.val() + 1);
        }
        // outputs
        self.busy.next = self.core.busy.val();
        self.loaded.next = self.image_ok.q.val();
        self.idle.next = (self.state.q.val() == EngineState::Idle)
            & !self.receiver.frame_ok.val()
            & !self.receiver.frame_bad.val()
            & !self.rx_valid.val()
            & !self.core.busy.val();
        self.bad_frames.next = self.receiver.bad_frames.val();
        if self.core.run_done.val() {
            self.has_result.d.next = true;
            self.ext.d.next = false;
        }

        // ---- the response writer takes what the states below hand it
        self.writer.open.next = false;
        self.writer.open_at.next = 0.into();
        self.writer.load.next = false;
        self.writer.value.next = 0.into();
        self.writer.count.next = 0.into();
        self.writer.shift.next = false;
        self.writer.direct.next = false;
        self.writer.direct_byte.next = self.id_rom.data.val();
        self.encoder.start.next = false;
        self.encoder.from.next = self.writer.from.val();
        self.encoder.to.next = self.writer.to.val();
        self.encoder.resend.next = false;

        self.payload_len.next = self.receiver.frame_len.val() - 6;
        self.e4_wide.next = signed_bit_cast::<64, ACC_BITS>(self.core.best_e4.val());
        self.e4_bits.next = unsigned_cast(self.e4_wide.val());
        self.spin_bit.next = 0.into();
        // (the block RAMs' words are registered before any logic: an unregistered DP16KD output
        // takes 5.8 ns, and behind it the dispatch held the ULX3S build at 56.9 MHz)
        self.rbit_q.d.next = self.core.best_rbit.val();
        self.wword_q.d.next = self.core.window_rword.val();
        if self.rbit_q.q.val() {
            self.spin_bit.next =
                self.one8.val() << bit_cast::<8, 3>(bit_cast::<3, COUNT_BITS>(self.spin_i.q.val()));
        }
        self.spin_next.next = self.spin_byte.q.val() | self.spin_bit.val();
        // DRIVE: first + count; MEASURE: the bit bytes a page of `count` spins needs
        self.page_end.next = self.receiver.arg2.val() + bit_cast::<32, 16>(self.receiver.arg3.val());
        self.bits_len.next = (self.receiver.arg2.val().get_bits::<16>(0) + 7) >> 3;
        self.ext_e4_wide.next = signed_bit_cast::<64, ACC_BITS>(self.ext_e4.q.val());
        // (sign-extended through a signed signal: Verilog extends only signed expressions)
        self.drive_wide.next = signed_bit_cast::<64, Y_BITS>(self.core.drive_value.val());
        self.drive_bits.next = unsigned_cast(self.drive_wide.val());
        // (the command checks of `span_over_q` and its fellows, registered)
        self.span_over_q.d.next = (self.receiver.arg.val()
            + bit_cast::<32, 16>(self.receiver.arg2.val().get_bits::<16>(0)))
            > bit_cast::<32, COUNT_BITS>(self.loader.setup.n.val());
        self.lin_len_bad_q.d.next = bit_cast::<32, 11>(self.payload_len.val())
            != (bit_cast::<32, 16>(self.receiver.arg2.val().get_bits::<16>(0)) << 2) + 6;
        self.bits_len_bad_q.d.next =
            self.payload_len.val() != bit_cast::<11, 16>(self.bits_len.val()) + 6;
        self.page_over_q.d.next =
            self.page_end.val() > bit_cast::<32, COUNT_BITS>(self.loader.setup.n.val());

        match self.state.q.val() {
            EngineState::Idle => {
                if self.receiver.frame_bad.val() {
                    // answer BadFrame when the kind is a command's (the receiver counts it)
                    // (written above the kept response, which a retransmission may still need)
                    if !self.receiver.kind.val().get_bit(7) {
                        self.writer.open.next = true;
                        self.writer.open_at.next = 512.into();
                        self.writer.value.next = bit_cast::<64, 8>(self.receiver.seq.val())
                            | (bit_cast::<64, 8>(self.receiver.kind.val() | self.response.val()) << 8)
                            | self.bad_frame.val();
                        self.writer.count.next = 3.into();
                        self.writer.load.next = true;
                        self.ret.d.next = EngineState::Finish;
                        self.state.d.next = EngineState::Put;
                    }
                }
                if self.receiver.frame_ok.val() {
                    self.state.d.next = EngineState::Dispatch;
                }
            }
            EngineState::Dispatch => {
                if self.has_last.q.val()
                    & (self.receiver.seq.val() == self.last_seq.q.val())
                    & (self.receiver.kind.val() == self.last_kind.q.val())
                {
                    // a retransmission: the kept response again
                    self.encoder.resend.next = true;
                    self.state.d.next = EngineState::Send;
                } else {
                    self.has_last.d.next = true;
                    self.last_seq.d.next = self.receiver.seq.val();
                    self.last_kind.d.next = self.receiver.kind.val();
                    self.writer.open.next = true;
                    self.writer.open_at.next = 0.into();
                    self.writer.value.next = bit_cast::<64, 8>(self.receiver.seq.val())
                        | (bit_cast::<64, 8>(self.receiver.kind.val() | self.response.val()) << 8);
                    self.writer.count.next = 2.into();
                    self.writer.load.next = true;
                    self.ret.d.next = EngineState::Exec;
                    self.state.d.next = EngineState::Put;
                }
            }
            EngineState::Put => {
                if !self.writer.pending.val() {
                    self.state.d.next = self.ret.q.val();
                } else {
                    self.writer.shift.next = true;
                }
            }
            EngineState::Exec => {
                // default: an error status byte (code in ob), then the CRC
                self.writer.count.next = 1.into();
                self.writer.load.next = true;
                self.ret.d.next = EngineState::Finish;
                self.state.d.next = EngineState::Put;
                self.writer.value.next = self.code_unknown_command.val();
                if self.receiver.kind.val() == self.kind_identify.val() {
                    // IDENTIFY
                    if self.payload_len.val() != 0 {
                        self.writer.value.next = self.code_bad_length.val();
                    } else {
                        self.writer.value.next = self.code_status_ok.val();
                        self.k.d.next = 0.into();
                        self.ret.d.next = EngineState::Identify;
                    }
                }
                if self.receiver.kind.val() == self.kind_load.val() {
                    // LOAD
                    if (self.payload_len.val() < 4) | (self.payload_len.val() > self.max_payload.val()) {
                        self.writer.value.next = self.code_bad_length.val();
                    } else if self.core.busy.val() {
                        self.writer.value.next = self.code_busy.val();
                    } else if (self.receiver.arg.val() != 0)
                        & (self.receiver.arg.val() != self.loader.count.val())
                    {
                        self.writer.value.next = self.code_out_of_order.val();
                    } else {
                        self.image_ok.d.next = false;
                        self.has_result.d.next = false;
                        if self.receiver.arg.val() == 0 {
                            self.loader.restart.next = true;
                        }
                        self.k.d.next = 6.into();
                        self.state.d.next = EngineState::LoadA;
                    }
                }
                if self.receiver.kind.val() == self.kind_commit.val() {
                    // COMMIT
                    if self.payload_len.val() != 4 {
                        self.writer.value.next = self.code_bad_length.val();
                    } else if self.core.busy.val() {
                        self.writer.value.next = self.code_busy.val();
                    } else if self.receiver.arg.val() != self.loader.count.val() {
                        self.writer.value.next = self.code_image_invalid.val();
                    } else if self.loader.error.val() != 0 {
                        self.writer.value.next = bit_cast::<64, 8>(self.loader.error.val());
                    } else if !self.loader.complete.val() {
                        self.writer.value.next = self.code_image_invalid.val();
                    } else {
                        self.image_ok.d.next = true;
                        self.has_result.d.next = false;
                        self.writer.value.next = self.code_status_ok.val();
                    }
                }
                if self.receiver.kind.val() == self.kind_run.val() {
                    // RUN
                    if self.payload_len.val() != 4 {
                        self.writer.value.next = self.code_bad_length.val();
                    } else if self.core.busy.val() {
                        self.writer.value.next = self.code_busy.val();
                    } else if !self.image_ok.q.val() {
                        self.writer.value.next = self.code_not_ready.val();
                    } else {
                        self.run_seed.d.next = self.receiver.arg.val();
                        self.has_result.d.next = false;
                        self.phase_run.d.next = false;
                        self.state.d.next = EngineState::RunStart;
                    }
                }
                if self.receiver.kind.val() == self.kind_status.val() {
                    // STATUS: status, state, steps taken
                    if self.payload_len.val() != 0 {
                        self.writer.value.next = self.code_bad_length.val();
                    } else {
                        self.writer.count.next = 6.into();
                        self.writer.load.next = true;
                        self.ret.d.next = EngineState::Status2;
                        self.writer.value.next = bit_cast::<64, STEP_BITS>(self.core.step.val()) << 16;
                        if self.ext.q.val() {
                            self.writer.value.next = (bit_cast::<64, 32>(self.ext_step.q.val()) << 16)
                                | self.external_state.val();
                        } else if self.core.busy.val() {
                            self.writer.value.next = (bit_cast::<64, STEP_BITS>(self.core.step.val())
                                << 16)
                                | self.running.val();
                        } else if self.has_result.q.val() {
                            self.writer.value.next = (bit_cast::<64, STEP_BITS>(self.core.step.val())
                                << 16)
                                | self.done.val();
                        } else {
                            self.writer.value.next = self.code_status_ok.val();
                        }
                    }
                }
                if self.receiver.kind.val() == self.kind_read_result.val() {
                    // READ_RESULT: status, run seed
                    if self.payload_len.val() != 0 {
                        self.writer.value.next = self.code_bad_length.val();
                    } else if self.core.busy.val() {
                        self.writer.value.next = self.code_busy.val();
                    } else if !self.has_result.q.val() {
                        self.writer.value.next = self.code_not_ready.val();
                    } else {
                        self.writer.value.next = bit_cast::<64, 32>(self.run_seed.q.val()) << 8;
                        self.writer.count.next = 5.into();
                        self.writer.load.next = true;
                        self.ret.d.next = EngineState::Result2;
                    }
                }
                if self.receiver.kind.val() == self.kind_reset.val() {
                    // RESET
                    if self.payload_len.val() != 0 {
                        self.writer.value.next = self.code_bad_length.val();
                    } else {
                        self.core.stop.next = true;
                        self.loader.restart.next = true;
                        self.image_ok.d.next = false;
                        self.has_result.d.next = false;
                        self.ext.d.next = false;
                        self.writer.value.next = self.code_status_ok.val();
                    }
                }
                if (self.receiver.kind.val() == self.kind_drive.val()) & self.external_built.val() {
                    // DRIVE: run seed (rx_arg), first spin (rx_arg2), count (rx_arg3)
                    if self.payload_len.val() != 10 {
                        self.writer.value.next = self.code_bad_length.val();
                    } else if !self.image_ok.q.val() {
                        self.writer.value.next = self.code_not_ready.val();
                    } else if self.core.busy.val() & !self.ext.q.val() {
                        self.writer.value.next = self.code_busy.val();
                    } else if (self.receiver.arg3.val() > self.max_drive.val())
                        | self.page_over_q.q.val()
                    {
                        self.writer.value.next = self.code_bad_length.val();
                    } else if !self.ext.q.val() | (self.receiver.arg.val() != self.run_seed.q.val()) {
                        // a new external run: its first page starts at spin 0
                        if self.receiver.arg2.val() != 0 {
                            self.writer.value.next = self.code_out_of_order.val();
                        } else {
                            self.run_seed.d.next = self.receiver.arg.val();
                            self.state.d.next = EngineState::ExtStop;
                        }
                    } else if self.receiver.arg2.val()
                        != bit_cast::<32, COUNT_BITS>(self.drive_next.q.val())
                    {
                        self.writer.value.next = self.code_out_of_order.val();
                    } else {
                        self.state.d.next = EngineState::DriveHead;
                    }
                }
                if (self.receiver.kind.val() == self.kind_measure.val()) & self.external_built.val() {
                    // MEASURE: first spin (rx_arg), count (low half of rx_arg2), bits
                    if self.payload_len.val() < 6 {
                        self.writer.value.next = self.code_bad_length.val();
                    } else if !self.ext.q.val() | (self.drive_next.q.val() != self.loader.setup.n.val()) {
                        self.writer.value.next = self.code_not_ready.val();
                    } else if self.receiver.arg.val()
                        != bit_cast::<32, COUNT_BITS>(self.sample_next.q.val())
                    {
                        self.writer.value.next = self.code_out_of_order.val();
                    } else if self.bits_len_bad_q.q.val() | self.span_over_q.q.val() {
                        // (rx_arg is sample_next here: `span_over_q` is its page's end past n)
                        self.writer.value.next = self.code_bad_length.val();
                    } else {
                        self.left.d.next = self.receiver.arg2.val().get_bits::<16>(0);
                        self.k.d.next = 8.into();
                        self.bit_i.d.next = 0.into();
                        self.start_mode.d.next = false;
                        self.state.d.next = EngineState::MeasA;
                    }
                }
                if (self.receiver.kind.val() == self.kind_set_linear.val()) & self.phases_built.val() {
                    // SET_LINEAR: first spin (rx_arg), count (low half of rx_arg2), i32 terms
                    if (self.payload_len.val() < 6)
                        | (self.receiver.arg2.val().get_bits::<16>(0) > self.max_linear.val())
                    {
                        self.writer.value.next = self.code_bad_length.val();
                    } else if self.lin_len_bad_q.q.val() {
                        self.writer.value.next = self.code_bad_length.val();
                    } else if !self.image_ok.q.val() {
                        self.writer.value.next = self.code_not_ready.val();
                    } else if self.core.busy.val() {
                        self.writer.value.next = self.code_busy.val();
                    } else if self.span_over_q.q.val() {
                        self.writer.value.next = self.code_bad_length.val();
                    } else {
                        self.left.d.next = self.receiver.arg2.val().get_bits::<16>(0);
                        self.lin_idx.d.next = bit_cast::<COUNT_BITS, 32>(self.receiver.arg.val());
                        self.lin_write.d.next = false;
                        self.lin_b.d.next = 0.into();
                        self.lin_full.d.next = false;
                        self.k.d.next = 8.into();
                        self.state.d.next = EngineState::LinA;
                    }
                }
                if (self.receiver.kind.val() == self.kind_set_start.val()) & self.phases_built.val() {
                    // SET_START: first spin (rx_arg), count (low half of rx_arg2), bits
                    if (self.payload_len.val() < 6)
                        | (self.receiver.arg2.val().get_bits::<16>(0) > self.max_start.val())
                        | self.bits_len_bad_q.q.val()
                    {
                        self.writer.value.next = self.code_bad_length.val();
                    } else if !self.image_ok.q.val() {
                        self.writer.value.next = self.code_not_ready.val();
                    } else if self.core.busy.val() {
                        self.writer.value.next = self.code_busy.val();
                    } else if (self.receiver.arg.val() == 0)
                        & (self.receiver.arg2.val().get_bits::<16>(0) == 0)
                    {
                        // 0/0 clears them: phases start with an empty history
                        self.has_start.d.next = false;
                        self.start_next.d.next = 0.into();
                        self.writer.value.next = self.code_status_ok.val();
                    } else if (self.receiver.arg.val() != 0)
                        & (self.receiver.arg.val() != bit_cast::<32, COUNT_BITS>(self.start_next.q.val()))
                    {
                        self.writer.value.next = self.code_out_of_order.val();
                    } else if self.span_over_q.q.val() {
                        self.writer.value.next = self.code_bad_length.val();
                    } else {
                        // (a set from spin 0 replaces the one before)
                        self.has_start.d.next = self.has_start.q.val() & (self.receiver.arg.val() != 0);
                        self.left.d.next = self.receiver.arg2.val().get_bits::<16>(0);
                        self.lin_idx.d.next = bit_cast::<COUNT_BITS, 32>(self.receiver.arg.val());
                        self.k.d.next = 8.into();
                        self.bit_i.d.next = 0.into();
                        self.start_mode.d.next = true;
                        self.state.d.next = EngineState::MeasA;
                    }
                }
                if (self.receiver.kind.val() == self.kind_run_phase.val()) & self.phases_built.val() {
                    // RUN_PHASE: run seed (rx_arg), window (low half of rx_arg2)
                    if self.payload_len.val() != 6 {
                        self.writer.value.next = self.code_bad_length.val();
                    } else if self.core.busy.val() {
                        self.writer.value.next = self.code_busy.val();
                    } else if !self.image_ok.q.val() {
                        self.writer.value.next = self.code_not_ready.val();
                    } else if (self.receiver.arg2.val().get_bits::<16>(0) == 0)
                        | (bit_cast::<STEP_BITS, 16>(self.receiver.arg2.val().get_bits::<16>(0))
                            > self.loader.setup.steps.val())
                    {
                        self.writer.value.next = self.code_bad_length.val();
                    } else {
                        self.run_seed.d.next = self.receiver.arg.val();
                        self.win_w.d.next = self.receiver.arg2.val().get_bits::<16>(0);
                        self.state.d.next = EngineState::PhaseCheck;
                    }
                }
                if (self.receiver.kind.val() == self.kind_read_window.val()) & self.phases_built.val() {
                    // READ_WINDOW: first position (rx_arg), count (low half of rx_arg2)
                    if (self.payload_len.val() != 6)
                        | (self.receiver.arg2.val().get_bits::<16>(0) > self.max_window_read.val())
                    {
                        self.writer.value.next = self.code_bad_length.val();
                    } else if self.core.busy.val() {
                        self.writer.value.next = self.code_busy.val();
                    } else if !(self.has_result.q.val() & self.phase_run.q.val()) {
                        self.writer.value.next = self.code_not_ready.val();
                    } else if (self.receiver.arg.val() > self.window_len.q.val())
                        | (self.win_end_q.q.val() > bit_cast::<33, 32>(self.window_len.q.val()))
                    {
                        self.writer.value.next = self.code_bad_length.val();
                    } else {
                        self.writer.value.next = self.code_status_ok.val();
                        self.wpos.d.next = 0.into();
                        self.wi.d.next = 0.into();
                        self.wbase.d.next = 0.into();
                        self.wend.d.next = bit_cast::<32, 33>(self.win_end_q.q.val());
                        self.spin_byte.d.next = 0.into();
                        self.bit_i.d.next = 0.into();
                        self.win_mode.d.next = true;
                        self.ret.d.next = EngineState::WinSeek;
                    }
                }
            }
            EngineState::Identify => {
                self.writer.direct.next = true;
                self.k.d.next = self.k.q.val() + 1;
                if self.k.q.val() == 60 {
                    // through Put, so that the CRC has taken the last byte
                    self.writer.count.next = 0.into();
                    self.writer.load.next = true;
                    self.ret.d.next = EngineState::Finish;
                    self.state.d.next = EngineState::Put;
                }
            }
            EngineState::ExtStop => {
                if self.external_built.val() {
                    // the core back to idle (a stepping run with another seed is abandoned)
                    self.core.stop.next = true;
                    self.ext.d.next = true;
                    self.has_result.d.next = false;
                    self.phase_run.d.next = false;
                    self.ext_step.d.next = 0.into();
                    self.drive_next.d.next = 0.into();
                    self.sample_next.d.next = 0.into();
                    self.state.d.next = EngineState::ExtSettle;
                }
            }
            EngineState::ExtSettle => {
                // (the core registers `stop`: a start now would meet it)
                self.state.d.next = EngineState::ExtStart;
            }
            EngineState::ExtStart => {
                if self.external_built.val() {
                    self.core.start.next = true;
                    self.state.d.next = EngineState::DriveHead;
                }
            }
            EngineState::DriveHead => {
                if self.external_built.val() {
                    // status 0, the step
                    self.writer.value.next = bit_cast::<64, 32>(self.ext_step.q.val()) << 8;
                    self.writer.count.next = 5.into();
                    self.writer.load.next = true;
                    self.left.d.next = self.receiver.arg3.val();
                    self.ret.d.next = EngineState::DriveWait;
                    self.state.d.next = EngineState::Put;
                }
            }
            EngineState::DriveWait => {
                if self.external_built.val() {
                    if self.left.q.val() == 0 {
                        self.state.d.next = EngineState::Finish;
                    } else if self.core.drive_valid.val() {
                        self.core.drive_ready.next = true;
                        self.writer.value.next = self.drive_bits.val();
                        self.writer.count.next = 8.into();
                        self.writer.load.next = true;
                        self.drive_next.d.next = self.drive_next.q.val() + 1;
                        self.left.d.next = self.left.q.val() - 1;
                        self.ret.d.next = EngineState::DriveWait;
                        self.state.d.next = EngineState::Put;
                    }
                }
            }
            EngineState::MeasA => {
                // MEASURE, or SET_START (start_mode): the frame byte at k holds the next spin
                // bit (read address = k)
                if self.left.q.val() != 0 {
                    if self.external_built.val() | self.start_mode.q.val() {
                        self.state.d.next = EngineState::MeasB;
                    }
                } else if self.start_mode.q.val() {
                    self.start_next.d.next = self.lin_idx.q.val();
                    if self.lin_idx.q.val() == self.loader.setup.n.val() {
                        self.has_start.d.next = true;
                    }
                    self.writer.value.next = self.code_status_ok.val();
                    self.writer.count.next = 1.into();
                    self.writer.load.next = true;
                    self.ret.d.next = EngineState::Finish;
                    self.state.d.next = EngineState::Put;
                } else if self.external_built.val() {
                    self.state.d.next = EngineState::MeasEnd;
                }
            }
            EngineState::MeasB => {
                if self.start_mode.q.val() | (self.external_built.val() & self.core.sample_ready.val()) {
                    self.left.d.next = self.left.q.val() - 1;
                    self.bit_i.d.next = self.bit_i.q.val() + 1;
                    if self.bit_i.q.val() == 7 {
                        self.k.d.next = self.k.q.val() + 1;
                    }
                    self.state.d.next = EngineState::MeasA;
                }
                if self.start_mode.q.val() {
                    // the word so far with this spin, written whole at once
                    self.start_we_q.d.next = true;
                    self.start_word.d.next = self.start_wword.val();
                    self.lin_idx.d.next = self.lin_idx.q.val() + 1;
                } else if self.external_built.val() & self.core.sample_ready.val() {
                    self.core.sample_valid.next = true;
                    self.sample_next.d.next = self.sample_next.q.val() + 1;
                }
            }
            EngineState::MeasEnd => {
                if self.external_built.val() {
                    if self.sample_next.q.val() != self.loader.setup.n.val() {
                        // part of the step: received so far, the step, E4 0
                        self.ext_e4.d.next = 0.into();
                        self.writer.value.next = bit_cast::<64, COUNT_BITS>(self.sample_next.q.val()) << 8;
                        self.writer.count.next = 5.into();
                        self.writer.load.next = true;
                        self.ret.d.next = EngineState::MeasR2;
                        self.state.d.next = EngineState::Put;
                    } else if self.core.step_done.val() {
                        // the step is complete: its E4; the next step's drives start over
                        self.ext_e4.d.next = self.core.step_e4.val();
                        self.writer.value.next = bit_cast::<64, COUNT_BITS>(self.sample_next.q.val()) << 8;
                        self.writer.count.next = 5.into();
                        self.writer.load.next = true;
                        self.ret.d.next = EngineState::MeasR2;
                        self.state.d.next = EngineState::Put;
                    }
                }
            }
            EngineState::MeasR2 => {
                if self.external_built.val() {
                    self.writer.value.next = bit_cast::<64, 32>(self.ext_step.q.val());
                    self.writer.count.next = 4.into();
                    self.writer.load.next = true;
                    if self.sample_next.q.val() == self.loader.setup.n.val() {
                        self.ext_step.d.next = self.ext_step.q.val() + 1;
                        self.drive_next.d.next = 0.into();
                        self.sample_next.d.next = 0.into();
                    }
                    self.ret.d.next = EngineState::MeasR3;
                    self.state.d.next = EngineState::Put;
                }
            }
            EngineState::MeasR3 => {
                if self.external_built.val() {
                    self.writer.value.next = unsigned_cast(self.ext_e4_wide.val());
                    self.writer.count.next = 8.into();
                    self.writer.load.next = true;
                    self.ret.d.next = EngineState::Finish;
                    self.state.d.next = EngineState::Put;
                }
            }
            EngineState::RunStart => {
                // RUN, or RUN_PHASE (phase_run)
                self.core.start.next = true;
                self.core.phase.next = self.phase_run.q.val();
                self.writer.value.next = 0.into();
                self.writer.count.next = 1.into();
                self.writer.load.next = true;
                self.ret.d.next = EngineState::Finish;
                self.state.d.next = EngineState::Put;
            }
            EngineState::Status2 => {
                // steps per run (0 without an image)
                self.writer.value.next = 0.into();
                if self.image_ok.q.val() {
                    self.writer.value.next = bit_cast::<64, STEP_BITS>(self.loader.setup.steps.val());
                }
                self.writer.count.next = 4.into();
                self.writer.load.next = true;
                self.ret.d.next = EngineState::Status3;
                self.state.d.next = EngineState::Put;
            }
            EngineState::Status3 => {
                // best E4 so far: i64::MAX before a run's first step
                self.writer.value.next = self.e4_bits.val();
                if !(self.core.busy.val() | self.has_result.q.val())
                    | (self.core.busy.val() & (self.core.step.val() == 0))
                {
                    self.writer.value.next = self.e4_max.val();
                }
                self.writer.count.next = 8.into();
                self.writer.load.next = true;
                self.ret.d.next = EngineState::Finish;
                self.state.d.next = EngineState::Put;
            }
            EngineState::Result2 => {
                self.writer.value.next = self.e4_bits.val();
                self.writer.count.next = 8.into();
                self.writer.load.next = true;
                self.ret.d.next = EngineState::Result3;
                self.state.d.next = EngineState::Put;
            }
            EngineState::Result3 => {
                self.writer.value.next = bit_cast::<64, STEP_BITS>(self.core.best_step.val())
                    | (bit_cast::<64, COUNT_BITS>(self.loader.setup.n.val()) << 32);
                self.writer.count.next = 8.into();
                self.writer.load.next = true;
                self.spin_i.d.next = 0.into();
                self.spin_byte.d.next = 0.into();
                self.win_mode.d.next = false;
                self.ret.d.next = EngineState::SpinAddr;
                self.state.d.next = EngineState::Put;
            }
            EngineState::SpinAddr => {
                // READ_RESULT's best spin i, or READ_WINDOW's spin (win_mode): its word is read
                // now, registered in SpinWait, its bit taken in SpinBit
                self.state.d.next = EngineState::SpinWait;
                if self.win_mode.q.val() {
                    if self.settle.q.val() {
                        self.settle.d.next = false;
                        self.state.d.next = EngineState::SpinAddr;
                    } else if self.win_at_end_q.q.val() {
                        self.state.d.next = EngineState::Finish;
                    }
                } else if self.spin_i.q.val() == self.loader.setup.n.val() {
                    self.state.d.next = EngineState::Finish;
                }
            }
            EngineState::SpinWait => {
                self.state.d.next = EngineState::SpinBit;
            }
            EngineState::SpinBit => {
                self.state.d.next = EngineState::SpinAddr;
                if self.win_mode.q.val() {
                    // (a cycle in SpinAddr while the compares of the new position register)
                    self.state.d.next = EngineState::SpinAddr;
                    self.settle.d.next = true;
                    self.spin_byte.d.next = self.win_byte.val();
                    self.bit_i.d.next = self.bit_i.q.val() + 1;
                    self.wpos.d.next = self.wpos.q.val() + 1;
                    self.wi.d.next = self.wi.q.val() + 1;
                    if (self.wi.q.val() + 1) == self.loader.setup.n.val() {
                        self.wi.d.next = 0.into();
                        self.wbase.d.next =
                            self.wbase.q.val() + bit_cast::<WINDOW_ADDR_BITS, 32>(self.words_c.val());
                    }
                    if (self.bit_i.q.val() == 7) | self.win_end_next_q.q.val() {
                        self.writer.value.next = bit_cast::<64, 8>(self.win_byte.val());
                        self.writer.count.next = 1.into();
                        self.writer.load.next = true;
                        self.spin_byte.d.next = 0.into();
                        self.bit_i.d.next = 0.into();
                        // (Put takes longer than the compares: no settling cycle)
                        self.settle.d.next = false;
                        self.ret.d.next = EngineState::SpinAddr;
                        self.state.d.next = EngineState::Put;
                    }
                } else {
                    self.spin_byte.d.next = self.spin_next.val();
                    self.spin_i.d.next = self.spin_i.q.val() + 1;
                    if (bit_cast::<3, COUNT_BITS>(self.spin_i.q.val()) == 7)
                        | ((self.spin_i.q.val() + 1) == self.loader.setup.n.val())
                    {
                        self.writer.value.next = bit_cast::<64, 8>(self.spin_next.val());
                        self.writer.count.next = 1.into();
                        self.writer.load.next = true;
                        self.spin_byte.d.next = 0.into();
                        self.ret.d.next = EngineState::SpinAddr;
                        self.state.d.next = EngineState::Put;
                    }
                }
            }
            EngineState::LinA => {
                if self.phases_built.val() {
                    // a term completed by the last byte (registered in lin_acc: the frame
                    // buffer's block-RAM output goes into a register before any check) is
                    // checked (first pass) or written (second), then the next byte is presented
                    // (read address = k)
                    self.lin_full.d.next = false;
                    if self.lin_full.q.val() {
                        self.lin_idx.d.next = self.lin_idx.q.val() + 1;
                        if self.lin_write.q.val() {
                            self.lin_we.d.next = true;
                            self.lin_waddr.d.next = bit_cast::<SPIN_BITS, COUNT_BITS>(self.lin_idx.q.val());
                            self.lin_wdata.d.next =
                                signed_cast(self.lin_acc.q.val().get_bits::<FIELD_BITS>(0));
                        }
                    }
                    if self.lin_full.q.val()
                        & !self.lin_write.q.val()
                        & (self.lin_hi.val() != 0)
                        & (self.lin_hi.val() != self.lin_ones.val())
                    {
                        // wider than the build's linear terms: nothing written
                        self.writer.value.next = self.code_does_not_fit.val();
                        self.writer.count.next = 1.into();
                        self.writer.load.next = true;
                        self.ret.d.next = EngineState::Finish;
                        self.state.d.next = EngineState::Put;
                    } else if self.left.q.val() != 0 {
                        self.state.d.next = EngineState::LinB;
                    } else if !self.lin_write.q.val() {
                        // every term fits: the same page again, writing
                        self.lin_write.d.next = true;
                        self.left.d.next = self.receiver.arg2.val().get_bits::<16>(0);
                        self.lin_idx.d.next = bit_cast::<COUNT_BITS, 32>(self.receiver.arg.val());
                        self.k.d.next = 8.into();
                    } else {
                        self.writer.value.next = self.code_status_ok.val();
                        self.writer.count.next = 1.into();
                        self.writer.load.next = true;
                        self.ret.d.next = EngineState::Finish;
                        self.state.d.next = EngineState::Put;
                    }
                }
            }
            EngineState::LinB => {
                if self.phases_built.val() {
                    // the byte into the term (a term complete goes to LinA's check or write)
                    self.lin_acc.d.next = self.lin_value.val();
                    self.lin_b.d.next = self.lin_b.q.val() + 1;
                    self.k.d.next = self.k.q.val() + 1;
                    self.state.d.next = EngineState::LinA;
                    if self.lin_b.q.val() == 3 {
                        self.left.d.next = self.left.q.val() - 1;
                        self.lin_full.d.next = true;
                    }
                }
            }
            EngineState::PhaseCheck => {
                if self.phases_built.val() {
                    self.writer.count.next = 1.into();
                    self.writer.load.next = true;
                    self.ret.d.next = EngineState::Finish;
                    self.state.d.next = EngineState::Put;
                    if self.w_big.q.val() | (self.prod_words.q.val() > self.window_words.val()) {
                        self.writer.value.next = self.code_does_not_fit.val();
                    } else {
                        self.writer.value.next = self.code_status_ok.val();
                        self.window_len.d.next = self.prod_spins.q.val();
                        self.has_result.d.next = false;
                        self.phase_run.d.next = true;
                        self.writer.load.next = false;
                        self.state.d.next = EngineState::RunStart;
                    }
                }
            }
            EngineState::WinSeek => {
                // a cycle while the compares of `wpos` register (`settle` low), then a move
                if self.phases_built.val() & !self.settle.q.val() {
                    self.settle.d.next = true;
                }
                if self.phases_built.val() & self.settle.q.val() {
                    self.settle.d.next = false;
                    // a whole step at a time while one fits before the first position, then a
                    // spin at a time
                    self.state.d.next = EngineState::WinSeek;
                    if self.seek_step_q.q.val() {
                        self.wpos.d.next =
                            self.wpos.q.val() + bit_cast::<32, COUNT_BITS>(self.loader.setup.n.val());
                        self.wbase.d.next =
                            self.wbase.q.val() + bit_cast::<WINDOW_ADDR_BITS, 32>(self.words_c.val());
                    } else if self.seek_on_q.q.val() {
                        self.wpos.d.next = self.wpos.q.val() + 1;
                        self.wi.d.next = self.wi.q.val() + 1;
                    } else {
                        self.state.d.next = EngineState::SpinAddr;
                    }
                }
            }
            EngineState::LoadA => {
                // frame-buffer byte k arrives next cycle
                if self.k.q.val() == (self.receiver.frame_len.val() - 4) {
                    self.writer.value.next = 0.into();
                    self.writer.count.next = 1.into();
                    self.writer.load.next = true;
                    self.ret.d.next = EngineState::Finish;
                    self.state.d.next = EngineState::Put;
                } else {
                    self.state.d.next = EngineState::LoadB;
                }
            }
            EngineState::LoadB => {
                self.loader.valid.next = true;
                self.k.d.next = self.k.q.val() + 1;
                self.state.d.next = EngineState::LoadA;
            }
            EngineState::Finish => {
                self.writer.value.next = bit_cast::<64, 32>(!self.writer.crc.val());
                self.writer.count.next = 4.into();
                self.writer.load.next = true;
                self.ret.d.next = EngineState::StartEnc;
                self.state.d.next = EngineState::Put;
            }
            EngineState::StartEnc => {
                self.encoder.start.next = true;
                self.state.d.next = EngineState::Send;
            }
            EngineState::Send => {
                if self.encoder.finishing.val() {
                    self.state.d.next = EngineState::Idle;
                }
            }
            _ => {
                self.state.d.next = EngineState::Idle;
            }
        }
        if !self.phases_built.val() {
            // (no phases: every phase register constant, so that synthesis drops them and all
            // behind them)
            self.lin_write.d.next = false;
            self.lin_idx.d.next = 0.into();
            self.lin_acc.d.next = 0.into();
            self.lin_b.d.next = 0.into();
            self.lin_full.d.next = false;
            self.start_mode.d.next = false;
            self.win_mode.d.next = false;
            self.lin_we.d.next = false;
            self.lin_waddr.d.next = 0.into();
            self.lin_wdata.d.next = 0.into();
            self.start_next.d.next = 0.into();
            self.has_start.d.next = false;
            self.start_word.d.next = 0.into();
            self.win_w.d.next = 0.into();
            self.prod_words.d.next = 0.into();
            self.prod_spins.d.next = 0.into();
            self.window_len.d.next = 0.into();
            self.phase_run.d.next = false;
            self.wpos.d.next = 0.into();
            self.wi.d.next = 0.into();
            self.wbase.d.next = 0.into();
            self.wend.d.next = 0.into();
            self.w_big.d.next = false;
            self.wword_q.d.next = 0.into();
        }
        if self.reset.val() {
            self.state.d.next = EngineState::Idle;
            self.has_last.d.next = false;
            self.image_ok.d.next = false;
            self.has_result.d.next = false;
            self.ext.d.next = false;
            self.has_start.d.next = false;
            self.phase_run.d.next = false;
            self.lin_full.d.next = false;
            self.start_mode.d.next = false;
            self.win_mode.d.next = false;
            self.settle.d.next = false;
            self.start_we_q.d.next = false;
            self.core.start.next = false;
            self.core.stop.next = true;
            self.loader.restart.next = true;
            self.loader.valid.next = false;
        }
    }
}
