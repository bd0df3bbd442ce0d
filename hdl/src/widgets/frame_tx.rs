//! The command engine's encoder: COBS-encodes a range of the response buffer to the UART and
//! ends the frame with a delimiter. It scans ahead for the next zero (or 254 bytes), sends the
//! block's code byte, then the block's bytes, reading the buffer through its read port. It
//! remembers where the last response written at offset 0 ended, so that `resend` sends it
//! again (a retransmitted command is answered without being executed twice).

// rust_hdl's `hdl_gen` takes no match guards, so a state's condition stays an `if` in its arm
#![allow(clippy::collapsible_match)]

use rust_hdl::prelude::*;

/// Encoder states.
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum TxState {
    /// Nothing to send.
    Idle,
    /// Look at the next byte of the block.
    ScanA,
    /// The byte is there.
    ScanB,
    /// Send the block's code byte.
    Code,
    /// Present the next data byte's address.
    EmitA,
    /// Send it.
    EmitB,
    /// The block is out.
    BlockEnd,
    /// Send the frame delimiter.
    Delimit,
}

/// COBS encoder over the response buffer.
#[derive(LogicBlock, Default)]
pub struct FrameEncoder {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Encode the buffer from `from` up to (not including) `to`.
    pub start: Signal<In, Bit>,
    /// See `start`.
    pub from: Signal<In, Bits<10>>,
    /// See `start`.
    pub to: Signal<In, Bits<10>>,
    /// Encode the last response written at offset 0 again.
    pub resend: Signal<In, Bit>,
    /// Synchronous reset: idle, nothing kept to resend, nothing sent this cycle.
    pub reset: Signal<In, Bit>,
    /// The UART transmitter can take a byte.
    pub tx_ready: Signal<In, Bit>,
    /// The byte to send.
    pub tx_byte: Signal<Out, Bits<8>>,
    /// Send `tx_byte`.
    pub tx_start: Signal<Out, Bit>,
    /// Buffer byte to read.
    pub read_address: Signal<Out, Bits<10>>,
    /// The buffer byte at last cycle's `read_address`.
    pub read_data: Signal<In, Bits<8>>,
    /// The delimiter goes out this cycle: the frame is sent.
    pub finishing: Signal<Out, Bit>,
    state: DFF<TxState>,
    p: DFF<Bits<10>>,
    i: DFF<Bits<10>>,
    last: DFF<Bits<10>>,
    kept_end: DFF<Bits<10>>,
    zero_hit: DFF<Bit>,
    full: DFF<Bit>,
    block_len: Signal<Local, Bits<10>>,
}

impl Logic for FrameEncoder {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, state, p, i, last, kept_end, zero_hit, full);
        self.tx_byte.next = 0.into();
        self.tx_start.next = false;
        self.finishing.next = false;
        self.read_address.next = self.i.q.val();
        self.block_len.next = self.i.q.val() - self.p.q.val();
        if self.start.val() {
            self.p.d.next = self.from.val();
            self.i.d.next = self.from.val();
            self.last.d.next = self.to.val();
            if self.from.val() == 0 {
                self.kept_end.d.next = self.to.val();
            }
            self.zero_hit.d.next = false;
            self.state.d.next = TxState::ScanA;
        }
        if self.resend.val() {
            self.p.d.next = 0.into();
            self.i.d.next = 0.into();
            self.last.d.next = self.kept_end.q.val();
            self.zero_hit.d.next = false;
            self.state.d.next = TxState::ScanA;
        }
        match self.state.q.val() {
            TxState::ScanA => {
                if (self.i.q.val() == self.last.q.val()) | (self.block_len.val() == 254) {
                    self.state.d.next = TxState::Code;
                } else {
                    self.state.d.next = TxState::ScanB;
                }
            }
            TxState::ScanB => {
                if self.read_data.val() == 0 {
                    self.zero_hit.d.next = true;
                    self.state.d.next = TxState::Code;
                } else {
                    self.i.d.next = self.i.q.val() + 1;
                    self.state.d.next = TxState::ScanA;
                }
            }
            TxState::Code => {
                self.full.d.next = self.block_len.val() == 254;
                if self.tx_ready.val() {
                    self.tx_start.next = true;
                    self.tx_byte.next = bit_cast::<8, 10>(self.block_len.val() + 1);
                    self.state.d.next = TxState::EmitA;
                }
            }
            TxState::EmitA => {
                self.read_address.next = self.p.q.val();
                if self.p.q.val() == self.i.q.val() {
                    self.state.d.next = TxState::BlockEnd;
                } else {
                    self.state.d.next = TxState::EmitB;
                }
            }
            TxState::EmitB => {
                self.read_address.next = self.p.q.val();
                if self.tx_ready.val() {
                    self.tx_start.next = true;
                    self.tx_byte.next = self.read_data.val();
                    self.p.d.next = self.p.q.val() + 1;
                    self.state.d.next = TxState::EmitA;
                }
            }
            TxState::BlockEnd => {
                if self.zero_hit.q.val() {
                    self.p.d.next = self.i.q.val() + 1;
                    self.i.d.next = self.i.q.val() + 1;
                    self.zero_hit.d.next = false;
                    self.state.d.next = TxState::ScanA;
                } else if (self.i.q.val() == self.last.q.val()) & !self.full.q.val() {
                    self.state.d.next = TxState::Delimit;
                } else {
                    self.state.d.next = TxState::ScanA;
                }
            }
            TxState::Delimit => {
                if self.tx_ready.val() {
                    self.tx_start.next = true;
                    self.tx_byte.next = 0.into();
                    self.finishing.next = true;
                    self.state.d.next = TxState::Idle;
                }
            }
            _ => {}
        }
        if self.reset.val() {
            self.state.d.next = TxState::Idle;
            self.kept_end.d.next = 0.into();
            self.tx_start.next = false;
            self.finishing.next = false;
        }
    }
}
