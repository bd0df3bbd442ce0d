//! The command engine: the board's end of `docs/protocol.md` in hardware, four blocks in a
//! row. The frame receiver (`widgets::frame_rx`) COBS-decodes bytes from the UART into a frame
//! buffer with a running CRC; the dispatch here executes a good frame against the core (the
//! image loader, RUN, STATUS, READ_RESULT, RESET, IDENTIFY from a ROM); the response writer
//! (`widgets::response`) writes the response into a response buffer with its CRC; the frame
//! encoder (`widgets::frame_tx`) COBS-encodes it out to the UART. The response buffer is kept,
//! so a retransmitted command (same seq and kind as the last one) is answered again without
//! being executed twice.
//!
//! Bytes that arrive while a command executes or its response is sent are discarded up to the
//! next frame delimiter (the host waits for each response, so only a retransmission or noise can
//! arrive then). A frame whose CRC fails is answered `BadFrame` when its kind is a command's;
//! a frame that is not COBS, too short or too long is dropped. Error responses carry no message
//! text (the host names the command and the code). In builds with `EXTERNAL`, DRIVE and MEASURE
//! run the core in external mode (host in the loop: DRIVE pages stream the core's pre-sign
//! outputs in order, MEASURE pages feed the measured spins to its sample port, the page
//! completing a step answers its `E4`); in builds without it they are answered
//! `UnknownCommand`, like STEP and READ_TRACE, which no build has (IDENTIFY's capability bits
//! say which are built).

use super::core::Core;
use super::loader::Loader;
use super::ports::{CoreSetupDriver, KnotWritesDriver, MatrixWritesDriver};
use super::widths::*;
use crate::widgets::frame_rx::FrameReceiver;
use crate::widgets::frame_tx::FrameEncoder;
use crate::widgets::response::ResponseWriter;
use npim_proto::message::{MAX_DRIVE, STATUS_OK};
use npim_proto::{kind, ErrorCode, MAX_PAYLOAD};
use rust_hdl::prelude::*;

mod new;
mod states;
pub use states::EngineState;

/// Bytes of the IDENTIFY reply after the status byte.
pub const IDENTITY_BYTES: usize = 61;

/// The engine: the dispatch, with the receiver, writer and encoder, the image loader and the
/// core inside.
#[derive(LogicBlock)]
pub struct Engine {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset (the board's, after its PLL locks): every state machine to idle, no
    /// run, no image (the host uploads again: RUN answers NotReady), nothing kept to resend.
    pub reset: Signal<In, Bit>,
    /// A byte from the UART receiver.
    pub rx_byte: Signal<In, Bits<8>>,
    /// `rx_byte` is new this cycle.
    pub rx_valid: Signal<In, Bit>,
    /// The UART transmitter can take a byte.
    pub tx_ready: Signal<In, Bit>,
    /// The byte to send.
    pub tx_byte: Signal<Out, Bits<8>>,
    /// Send `tx_byte`.
    pub tx_start: Signal<Out, Bit>,
    /// A run is in progress (for an LED).
    pub busy: Signal<Out, Bit>,
    /// A committed image is loaded (for an LED).
    pub loaded: Signal<Out, Bit>,
    /// Nothing to do: no frame being answered, no run (a simulation may sleep).
    pub idle: Signal<Out, Bit>,
    /// Frames dropped as bad so far (wraps).
    pub bad_frames: Signal<Out, Bits<8>>,
    core: Core,
    loader: Loader,
    receiver: FrameReceiver,
    writer: ResponseWriter,
    encoder: FrameEncoder,
    id_rom: ROM<Bits<8>, 6>,
    // command state
    state: DFF<EngineState>,
    ret: DFF<EngineState>,
    last_seq: DFF<Bits<8>>,
    last_kind: DFF<Bits<8>>,
    has_last: DFF<Bit>,
    image_ok: DFF<Bit>,
    has_result: DFF<Bit>,
    run_seed: DFF<Bits<32>>,
    k: DFF<Bits<11>>,
    spin_i: DFF<Bits<COUNT_BITS>>,
    spin_byte: DFF<Bits<8>>,
    // external mode
    ext: DFF<Bit>,
    ext_step: DFF<Bits<32>>,
    drive_next: DFF<Bits<COUNT_BITS>>,
    sample_next: DFF<Bits<COUNT_BITS>>,
    left: DFF<Bits<16>>,
    bit_i: DFF<Bits<3>>,
    /// The last complete external step's `E4` (sign-extended to 64 bits on the wire).
    ext_e4: DFF<Signed<ACC_BITS>>,
    ext_e4_wide: Signal<Local, Signed<64>>,
    // combinational helpers
    payload_len: Signal<Local, Bits<11>>,
    e4_wide: Signal<Local, Signed<64>>,
    e4_bits: Signal<Local, Bits<64>>,
    spin_bit: Signal<Local, Bits<8>>,
    spin_next: Signal<Local, Bits<8>>,
    page_end: Signal<Local, Bits<32>>,
    bits_len: Signal<Local, Bits<16>>,
    drive_wide: Signal<Local, Signed<64>>,
    drive_bits: Signal<Local, Bits<64>>,
    sample_bit: Signal<Local, Bit>,
    bit_byte: Signal<Local, Bits<8>>,
    minus_one: Constant<Signed<SAMPLE_BITS>>,
    plus_one: Constant<Signed<SAMPLE_BITS>>,
    external_state: Constant<Bits<64>>,
    e4_max: Constant<Bits<64>>,
    response: Constant<Bits<8>>,
    one8: Constant<Bits<8>>,
    running: Constant<Bits<64>>,
    done: Constant<Bits<64>>,
    bad_frame: Constant<Bits<64>>,
    // the protocol's command kinds, error codes and limits (npim-proto), so that the dispatch
    // compares against the same numbers the host sends
    kind_identify: Constant<Bits<8>>,
    kind_load: Constant<Bits<8>>,
    kind_commit: Constant<Bits<8>>,
    kind_run: Constant<Bits<8>>,
    kind_status: Constant<Bits<8>>,
    kind_read_result: Constant<Bits<8>>,
    kind_reset: Constant<Bits<8>>,
    kind_drive: Constant<Bits<8>>,
    kind_measure: Constant<Bits<8>>,
    code_status_ok: Constant<Bits<64>>,
    code_unknown_command: Constant<Bits<64>>,
    code_bad_length: Constant<Bits<64>>,
    code_image_invalid: Constant<Bits<64>>,
    code_busy: Constant<Bits<64>>,
    code_not_ready: Constant<Bits<64>>,
    code_out_of_order: Constant<Bits<64>>,
    max_payload: Constant<Bits<11>>,
    max_drive: Constant<Bits<16>>,
    /// `EXTERNAL`: without it DRIVE and MEASURE are unknown commands and their states, registers
    /// and paths are constant, so synthesis drops them.
    external_built: Constant<Bit>,
}


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
            ext_e4
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
        MatrixWritesDriver::join(&mut self.loader.matrix, &mut self.core.matrix);
        KnotWritesDriver::join(&mut self.loader.knot_writes, &mut self.core.knot_writes);
        self.core.run_seed.next = self.run_seed.q.val();
        self.core.start.next = false;
        self.core.stop.next = false;
        self.core.best_raddr.next = bit_cast::<SPIN_BITS, COUNT_BITS>(self.spin_i.q.val());
        self.loader.restart.next = false;
        self.loader.valid.next = false;
        self.loader.data.next = self.receiver.read_data.val();
        self.receiver.read_address.next = self.k.q.val();
        self.id_rom.address.next = bit_cast::<6, 11>(self.k.q.val());
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
        if self.core.best_rbit.val() {
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
                        | (self.page_end.val() > bit_cast::<32, COUNT_BITS>(self.loader.setup.n.val()))
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
                    } else if (self.payload_len.val()
                        != bit_cast::<11, 16>(self.bits_len.val()) + 6)
                        | ((bit_cast::<32, COUNT_BITS>(self.sample_next.q.val())
                            + bit_cast::<32, 16>(self.receiver.arg2.val().get_bits::<16>(0)))
                            > bit_cast::<32, COUNT_BITS>(self.loader.setup.n.val()))
                    {
                        self.writer.value.next = self.code_bad_length.val();
                    } else {
                        self.left.d.next = self.receiver.arg2.val().get_bits::<16>(0);
                        self.k.d.next = 8.into();
                        self.bit_i.d.next = 0.into();
                        self.state.d.next = EngineState::MeasA;
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
                if self.external_built.val() {
                    // the frame byte at k holds the next spin bit (read address = k)
                    if self.left.q.val() == 0 {
                        self.state.d.next = EngineState::MeasEnd;
                    } else {
                        self.state.d.next = EngineState::MeasB;
                    }
                }
            }
            EngineState::MeasB => {
                if self.external_built.val() & self.core.sample_ready.val() {
                    self.core.sample_valid.next = true;
                    self.sample_next.d.next = self.sample_next.q.val() + 1;
                    self.left.d.next = self.left.q.val() - 1;
                    self.bit_i.d.next = self.bit_i.q.val() + 1;
                    if self.bit_i.q.val() == 7 {
                        self.k.d.next = self.k.q.val() + 1;
                    }
                    self.state.d.next = EngineState::MeasA;
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
                self.core.start.next = true;
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
                self.ret.d.next = EngineState::SpinAddr;
                self.state.d.next = EngineState::Put;
            }
            EngineState::SpinAddr => {
                if self.spin_i.q.val() == self.loader.setup.n.val() {
                    self.state.d.next = EngineState::Finish;
                } else {
                    self.state.d.next = EngineState::SpinBit;
                }
            }
            EngineState::SpinBit => {
                self.spin_byte.d.next = self.spin_next.val();
                self.spin_i.d.next = self.spin_i.q.val() + 1;
                self.state.d.next = EngineState::SpinAddr;
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
        if self.reset.val() {
            self.state.d.next = EngineState::Idle;
            self.has_last.d.next = false;
            self.image_ok.d.next = false;
            self.has_result.d.next = false;
            self.ext.d.next = false;
            self.core.start.next = false;
            self.core.stop.next = true;
            self.loader.restart.next = true;
            self.loader.valid.next = false;
        }
    }
}
