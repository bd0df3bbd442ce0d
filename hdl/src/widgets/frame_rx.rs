//! The command engine's receiver: bytes from the UART are COBS-decoded into a frame buffer with
//! a running CRC-32, and the frame's header (seq, kind, the first ten payload bytes as three
//! little-endian arguments) is kept in registers so that the dispatch can test it at once. At a
//! delimiter the frame is judged: `frame_ok` or `frame_bad` (CRC failed) pulses for one cycle;
//! a frame that is not COBS, shorter than seq + kind + CRC or longer than the buffer is dropped
//! and counted. While the engine is busy (`accept` low) bytes are discarded up to the next
//! delimiter (the host waits for each response, so only a retransmission or noise can arrive
//! then).

use super::crc32::{Crc32Byte, CRC_RESIDUE};
use npim_proto::frame::OVERHEAD;
use npim_proto::MAX_PAYLOAD;
use rust_hdl::prelude::*;

/// Most bytes of a frame body: seq, kind, the protocol's largest payload, CRC.
pub const MAX_BODY: usize = MAX_PAYLOAD + OVERHEAD;

// Literal numbers in `update` (rust_hdl emits consts there literally): 1030 (MAX_BODY), 6 (seq,
// kind and CRC: the shortest frame), 255 (COBS's full block code).
const _: () = assert!(MAX_BODY == 1030 && OVERHEAD == 6);

/// Decoder states.
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum RxState {
    /// Before a frame's first code byte.
    First,
    /// Expecting a code byte inside a frame.
    Code,
    /// Data bytes of a block.
    Data,
    /// Discarding up to the next delimiter.
    Skip,
}

/// COBS decoder, frame buffer and header registers.
#[derive(LogicBlock)]
pub struct FrameReceiver {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// A byte from the UART receiver.
    pub rx_byte: Signal<In, Bits<8>>,
    /// `rx_byte` is new this cycle.
    pub rx_valid: Signal<In, Bit>,
    /// Synchronous reset: before a frame, the buffer empty, the bad-frame count cleared.
    pub reset: Signal<In, Bit>,
    /// The engine can take a frame; otherwise bytes are skipped to the next delimiter.
    pub accept: Signal<In, Bit>,
    /// Frame-buffer byte to read (it arrives the next cycle on `read_data`).
    pub read_address: Signal<In, Bits<11>>,
    /// The frame-buffer byte at last cycle's `read_address`.
    pub read_data: Signal<Out, Bits<8>>,
    /// A frame with a good CRC is in the buffer (one cycle).
    pub frame_ok: Signal<Out, Bit>,
    /// A frame whose CRC failed is in the buffer (one cycle); its seq and kind are valid.
    pub frame_bad: Signal<Out, Bit>,
    /// Bytes of the last judged frame's body (seq, kind, payload, CRC).
    pub frame_len: Signal<Out, Bits<11>>,
    /// The frame's seq byte.
    pub seq: Signal<Out, Bits<8>>,
    /// The frame's kind byte.
    pub kind: Signal<Out, Bits<8>>,
    /// Payload bytes 0-3, little-endian.
    pub arg: Signal<Out, Bits<32>>,
    /// Payload bytes 4-7, little-endian.
    pub arg2: Signal<Out, Bits<32>>,
    /// Payload bytes 8-9, little-endian.
    pub arg3: Signal<Out, Bits<16>>,
    /// Frames dropped or failing their CRC so far (wraps).
    pub bad_frames: Signal<Out, Bits<8>>,
    ram: RAM<Bits<8>, 11>,
    crc_unit: Crc32Byte,
    state: DFF<RxState>,
    len: DFF<Bits<11>>,
    left: DFF<Bits<8>>,
    code: DFF<Bits<8>>,
    crc: DFFWithInit<Bits<32>>,
    seq_q: DFF<Bits<8>>,
    kind_q: DFF<Bits<8>>,
    arg_q: DFF<Bits<32>>,
    arg2_q: DFF<Bits<32>>,
    arg3_q: DFF<Bits<16>>,
    emit_q: DFF<Bit>,
    emit_byte_q: DFF<Bits<8>>,
    ok_q: DFF<Bit>,
    bad_q: DFF<Bit>,
    len_q: DFF<Bits<11>>,
    bad_count: DFF<Bits<8>>,
    emit: Signal<Local, Bit>,
    emit_byte: Signal<Local, Bits<8>>,
    residue: Constant<Bits<32>>,
    crc_init: Constant<Bits<32>>,
}

impl Default for FrameReceiver {
    fn default() -> Self {
        FrameReceiver {
            clock: Default::default(),
            rx_byte: Default::default(),
            rx_valid: Default::default(),
            reset: Default::default(),
            accept: Default::default(),
            read_address: Default::default(),
            read_data: Default::default(),
            frame_ok: Default::default(),
            frame_bad: Default::default(),
            frame_len: Default::default(),
            seq: Default::default(),
            kind: Default::default(),
            arg: Default::default(),
            arg2: Default::default(),
            arg3: Default::default(),
            bad_frames: Default::default(),
            ram: Default::default(),
            crc_unit: Default::default(),
            state: Default::default(),
            len: Default::default(),
            left: Default::default(),
            code: Default::default(),
            crc: DFFWithInit::new(0xFFFF_FFFFu64.to_bits()),
            seq_q: Default::default(),
            kind_q: Default::default(),
            arg_q: Default::default(),
            arg2_q: Default::default(),
            arg3_q: Default::default(),
            emit_q: Default::default(),
            emit_byte_q: Default::default(),
            ok_q: Default::default(),
            bad_q: Default::default(),
            len_q: Default::default(),
            bad_count: Default::default(),
            emit: Default::default(),
            emit_byte: Default::default(),
            residue: Constant::new(u64::from(CRC_RESIDUE).to_bits()),
            crc_init: Constant::new(0xFFFF_FFFFu64.to_bits()),
        }
    }
}

impl Logic for FrameReceiver {
    #[hdl_gen]
    fn update(&mut self) {
        self.ram.read_clock.next = self.clock.val();
        self.ram.write_clock.next = self.clock.val();
        dff_setup!(
            self,
            clock,
            state,
            len,
            left,
            code,
            crc,
            seq_q,
            kind_q,
            arg_q,
            arg2_q,
            arg3_q,
            emit_q,
            emit_byte_q,
            ok_q,
            bad_q,
            len_q,
            bad_count
        );
        self.ram.read_address.next = self.read_address.val();
        self.read_data.next = self.ram.read_data.val();
        self.frame_ok.next = self.ok_q.q.val();
        self.frame_bad.next = self.bad_q.q.val();
        self.frame_len.next = self.len_q.q.val();
        self.seq.next = self.seq_q.q.val();
        self.kind.next = self.kind_q.q.val();
        self.arg.next = self.arg_q.q.val();
        self.arg2.next = self.arg2_q.q.val();
        self.arg3.next = self.arg3_q.q.val();
        self.bad_frames.next = self.bad_count.q.val();

        self.ok_q.d.next = false;
        self.bad_q.d.next = false;
        self.emit.next = false;
        self.emit_byte.next = self.rx_byte.val();
        // the CRC register takes each byte one cycle after it is written (bytes are at least a
        // UART byte time apart), so no combinational path runs through the CRC unit
        self.crc_unit.crc.next = self.crc.q.val();
        self.crc_unit.data.next = self.emit_byte_q.q.val();
        self.emit_q.d.next = false;
        if self.emit_q.q.val() {
            self.crc.d.next = self.crc_unit.out.val();
        }
        self.ram.write_address.next = self.len.q.val();
        self.ram.write_enable.next = false;
        if self.rx_valid.val() {
            if self.rx_byte.val() == 0 {
                // a delimiter: judge the frame
                if self.accept.val()
                    & (self.state.q.val() != RxState::Skip)
                    & (self.state.q.val() != RxState::First)
                    & (self.state.q.val() != RxState::Data)
                    & (self.len.q.val() >= 6)
                {
                    self.len_q.d.next = self.len.q.val();
                    if self.crc.q.val() == self.residue.val() {
                        self.ok_q.d.next = true;
                    } else {
                        self.bad_q.d.next = true;
                    }
                } else if self.state.q.val() != RxState::First {
                    self.bad_count.d.next = self.bad_count.q.val() + 1;
                }
                self.state.d.next = RxState::First;
                self.len.d.next = 0.into();
                self.crc.d.next = self.crc_init.val();
            } else if !self.accept.val() {
                self.state.d.next = RxState::Skip;
            } else {
                match self.state.q.val() {
                    RxState::First => {
                        self.code.d.next = self.rx_byte.val();
                        self.left.d.next = self.rx_byte.val() - 1;
                        self.state.d.next = RxState::Data;
                        if self.rx_byte.val() == 1 {
                            self.state.d.next = RxState::Code;
                        }
                    }
                    RxState::Code => {
                        // the zero a short block implies, then the new block
                        if self.code.q.val() != 255 {
                            self.emit.next = true;
                            self.emit_byte.next = 0.into();
                        }
                        self.code.d.next = self.rx_byte.val();
                        self.left.d.next = self.rx_byte.val() - 1;
                        self.state.d.next = RxState::Data;
                        if self.rx_byte.val() == 1 {
                            self.state.d.next = RxState::Code;
                        }
                    }
                    RxState::Data => {
                        self.emit.next = true;
                        self.left.d.next = self.left.q.val() - 1;
                        if self.left.q.val() == 1 {
                            self.state.d.next = RxState::Code;
                        }
                    }
                    _ => {}
                }
            }
        }
        // a frame whose CRC failed is counted the cycle it is reported
        if self.bad_q.q.val() {
            self.bad_count.d.next = self.bad_count.q.val() + 1;
        }
        // (consumers of emit_byte after every assignment to it)
        self.ram.write_data.next = self.emit_byte.val();
        if self.emit.val() {
            if self.len.q.val() == 1030 {
                self.state.d.next = RxState::Skip;
            } else {
                self.ram.write_enable.next = true;
                self.emit_q.d.next = true;
                self.emit_byte_q.d.next = self.emit_byte.val();
                self.len.d.next = self.len.q.val() + 1;
                if self.len.q.val() == 0 {
                    self.seq_q.d.next = self.emit_byte.val();
                }
                if self.len.q.val() == 1 {
                    self.kind_q.d.next = self.emit_byte.val();
                }
                if (self.len.q.val() >= 2) & (self.len.q.val() < 6) {
                    self.arg_q.d.next =
                        (bit_cast::<32, 8>(self.emit_byte.val()) << 24) | (self.arg_q.q.val() >> 8);
                }
                if (self.len.q.val() >= 6) & (self.len.q.val() < 10) {
                    self.arg2_q.d.next = (bit_cast::<32, 8>(self.emit_byte.val()) << 24)
                        | (self.arg2_q.q.val() >> 8);
                }
                if (self.len.q.val() >= 10) & (self.len.q.val() < 12) {
                    self.arg3_q.d.next =
                        (bit_cast::<16, 8>(self.emit_byte.val()) << 8) | (self.arg3_q.q.val() >> 8);
                }
            }
        }
        if self.reset.val() {
            self.state.d.next = RxState::First;
            self.len.d.next = 0.into();
            self.crc.d.next = self.crc_init.val();
            self.ok_q.d.next = false;
            self.bad_q.d.next = false;
            self.emit_q.d.next = false;
            self.bad_count.d.next = 0.into();
        }
    }
}
