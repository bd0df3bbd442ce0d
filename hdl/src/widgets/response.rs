//! The command engine's response writer: a response is written one byte a cycle into the
//! response buffer with its CRC-32 alongside. The dispatch hands it up to eight bytes at a time
//! (`load`: the low `count` bytes of `value`, least significant first) and steps it (`shift`)
//! until nothing is pending, or writes a byte directly (the IDENTIFY ROM). The buffer is kept
//! after the response is sent, so that the encoder can send it again for a retransmitted
//! command; a `BadFrame` answer is written above it (`open_at` 512) so as not to overwrite it.

use super::crc32::Crc32Byte;
use rust_hdl::prelude::*;

/// The response buffer and its writer.
#[derive(LogicBlock)]
pub struct ResponseWriter {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: nothing pending, nothing written this cycle.
    pub reset: Signal<In, Bit>,
    /// Start a response at `open_at`: the write pointer moves there and the CRC restarts.
    pub open: Signal<In, Bit>,
    /// See `open`.
    pub open_at: Signal<In, Bits<10>>,
    /// Take the low `count` bytes of `value` as the pending bytes.
    pub load: Signal<In, Bit>,
    /// See `load`.
    pub value: Signal<In, Bits<64>>,
    /// See `load`.
    pub count: Signal<In, Bits<4>>,
    /// Write the next pending byte.
    pub shift: Signal<In, Bit>,
    /// Write `direct_byte` instead.
    pub direct: Signal<In, Bit>,
    /// See `direct`.
    pub direct_byte: Signal<In, Bits<8>>,
    /// Buffer byte to read (it arrives the next cycle on `read_data`).
    pub read_address: Signal<In, Bits<10>>,
    /// The buffer byte at last cycle's `read_address`.
    pub read_data: Signal<Out, Bits<8>>,
    /// Bytes are still pending.
    pub pending: Signal<Out, Bit>,
    /// Where the response being written starts.
    pub from: Signal<Out, Bits<10>>,
    /// One past its last byte written.
    pub to: Signal<Out, Bits<10>>,
    /// The CRC register over the bytes written so far (not yet inverted).
    pub crc: Signal<Out, Bits<32>>,
    ram: RAM<Bits<8>, 10>,
    crc_unit: Crc32Byte,
    pending_bytes: DFF<Bits<64>>,
    pending_count: DFF<Bits<4>>,
    len: DFF<Bits<10>>,
    base: DFF<Bits<10>>,
    crc_q: DFFWithInit<Bits<32>>,
    put_q: DFF<Bit>,
    put_byte_q: DFF<Bits<8>>,
    put: Signal<Local, Bit>,
    put_byte: Signal<Local, Bits<8>>,
    crc_init: Constant<Bits<32>>,
}

impl Default for ResponseWriter {
    fn default() -> Self {
        ResponseWriter {
            clock: Default::default(),
            reset: Default::default(),
            open: Default::default(),
            open_at: Default::default(),
            load: Default::default(),
            value: Default::default(),
            count: Default::default(),
            shift: Default::default(),
            direct: Default::default(),
            direct_byte: Default::default(),
            read_address: Default::default(),
            read_data: Default::default(),
            pending: Default::default(),
            from: Default::default(),
            to: Default::default(),
            crc: Default::default(),
            ram: Default::default(),
            crc_unit: Default::default(),
            pending_bytes: Default::default(),
            pending_count: Default::default(),
            len: Default::default(),
            base: Default::default(),
            crc_q: DFFWithInit::new(0xFFFF_FFFFu64.to_bits()),
            put_q: Default::default(),
            put_byte_q: Default::default(),
            put: Default::default(),
            put_byte: Default::default(),
            crc_init: Constant::new(0xFFFF_FFFFu64.to_bits()),
        }
    }
}

impl Logic for ResponseWriter {
    #[hdl_gen]
    fn update(&mut self) {
        self.ram.read_clock.next = self.clock.val();
        self.ram.write_clock.next = self.clock.val();
        dff_setup!(
            self,
            clock,
            pending_bytes,
            pending_count,
            len,
            base,
            crc_q,
            put_q,
            put_byte_q
        );
        self.ram.read_address.next = self.read_address.val();
        self.read_data.next = self.ram.read_data.val();
        self.pending.next = self.pending_count.q.val() != 0;
        self.from.next = self.base.q.val();
        self.to.next = self.len.q.val();
        self.crc.next = self.crc_q.q.val();

        self.put.next = false;
        self.put_byte.next = bit_cast::<8, 64>(self.pending_bytes.q.val());
        // the CRC register takes each byte one cycle after it is written (the pipeline runs one
        // byte behind), so no combinational path runs through the CRC unit
        self.crc_unit.crc.next = self.crc_q.q.val();
        self.crc_unit.data.next = self.put_byte_q.q.val();
        self.put_q.d.next = false;
        if self.put_q.q.val() {
            self.crc_q.d.next = self.crc_unit.out.val();
        }
        self.ram.write_address.next = self.len.q.val();
        self.ram.write_enable.next = false;
        if self.open.val() {
            self.len.d.next = self.open_at.val();
            self.base.d.next = self.open_at.val();
            self.crc_q.d.next = self.crc_init.val();
        }
        if self.load.val() {
            self.pending_bytes.d.next = self.value.val();
            self.pending_count.d.next = self.count.val();
        }
        if self.shift.val() & (self.pending_count.q.val() != 0) {
            self.put.next = true;
            self.pending_bytes.d.next = self.pending_bytes.q.val() >> 8;
            self.pending_count.d.next = self.pending_count.q.val() - 1;
        }
        if self.direct.val() {
            self.put.next = true;
            self.put_byte.next = self.direct_byte.val();
        }
        // (consumers of put_byte after every assignment to it)
        self.ram.write_data.next = self.put_byte.val();
        if self.put.val() {
            self.ram.write_enable.next = true;
            self.put_q.d.next = true;
            self.put_byte_q.d.next = self.put_byte.val();
            self.len.d.next = self.len.q.val() + 1;
        }
        if self.reset.val() {
            self.ram.write_enable.next = false;
            self.pending_count.d.next = 0.into();
            self.put_q.d.next = false;
            self.len.d.next = 0.into();
            self.base.d.next = 0.into();
            self.crc_q.d.next = self.crc_init.val();
        }
    }
}
