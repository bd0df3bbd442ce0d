//! A UART, 8N1, least significant bit first, for the board's USB-serial bridge. The bit time is
//! a runtime input (`divisor` clock cycles per bit), so one build serves any baud rate the clock
//! allows, and simulations run with a few cycles per bit. rust_hdl has no UART widget.
//!
//! The receiver synchronises `rx` through two flip-flops, waits half a bit after the falling
//! edge of the start bit, checks the start bit is still low (a glitch is ignored), then samples
//! the eight data bits and the stop bit at their middles; a byte whose stop bit is low (a
//! framing error) is dropped and counted. The transmitter takes a byte when `ready` is high and
//! `start` pulses.

use rust_hdl::prelude::*;

/// Receiver states.
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum RxState {
    /// Line idle (high).
    Idle,
    /// Half a bit into the start bit.
    Start,
    /// Sampling data bits.
    Data,
    /// Sampling the stop bit.
    Stop,
}

/// The receiver.
#[derive(LogicBlock)]
pub struct UartRx {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Clock cycles per bit (at least 4).
    pub divisor: Signal<In, Bits<16>>,
    /// Synchronous reset: back to the idle line, the error count cleared.
    pub reset: Signal<In, Bit>,
    /// The serial line.
    pub rx: Signal<In, Bit>,
    /// The byte received.
    pub data: Signal<Out, Bits<8>>,
    /// Pulses for one cycle when `data` holds a new byte.
    pub valid: Signal<Out, Bit>,
    /// Bytes dropped for a low stop bit (wraps).
    pub framing_errors: Signal<Out, Bits<8>>,
    /// No byte being received or about to be delivered.
    pub idle: Signal<Out, Bit>,
    sync1: DFFWithInit<Bit>,
    sync2: DFFWithInit<Bit>,
    state: DFF<RxState>,
    count: DFF<Bits<16>>,
    bit_index: DFF<Bits<4>>,
    shift: DFF<Bits<8>>,
    out: DFF<Bits<8>>,
    strobe: DFF<Bit>,
    errors: DFF<Bits<8>>,
    msb: Constant<Bits<8>>,
}

impl Default for UartRx {
    fn default() -> Self {
        UartRx {
            clock: Default::default(),
            divisor: Default::default(),
            reset: Default::default(),
            rx: Default::default(),
            data: Default::default(),
            valid: Default::default(),
            framing_errors: Default::default(),
            idle: Default::default(),
            sync1: DFFWithInit::new(true),
            sync2: DFFWithInit::new(true),
            state: Default::default(),
            count: Default::default(),
            bit_index: Default::default(),
            shift: Default::default(),
            out: Default::default(),
            strobe: Default::default(),
            errors: Default::default(),
            msb: Constant::new(128.into()),
        }
    }
}

impl Logic for UartRx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, sync1, sync2, state, count, bit_index, shift, out, strobe, errors);
        self.sync1.d.next = self.rx.val();
        self.sync2.d.next = self.sync1.q.val();
        self.data.next = self.out.q.val();
        self.valid.next = self.strobe.q.val();
        self.framing_errors.next = self.errors.q.val();
        self.idle.next = (self.state.q.val() == RxState::Idle) & !self.strobe.q.val();
        self.strobe.d.next = false;
        match self.state.q.val() {
            RxState::Idle => {
                if !self.sync2.q.val() {
                    self.count.d.next = self.divisor.val() >> 1;
                    self.state.d.next = RxState::Start;
                }
            }
            RxState::Start => {
                if self.count.q.val() == 0 {
                    if self.sync2.q.val() {
                        self.state.d.next = RxState::Idle;
                    } else {
                        self.count.d.next = self.divisor.val() - 1;
                        self.bit_index.d.next = 0.into();
                        self.state.d.next = RxState::Data;
                    }
                } else {
                    self.count.d.next = self.count.q.val() - 1;
                }
            }
            RxState::Data => {
                if self.count.q.val() == 0 {
                    self.shift.d.next = self.shift.q.val() >> 1;
                    if self.sync2.q.val() {
                        self.shift.d.next = (self.shift.q.val() >> 1) | self.msb.val();
                    }
                    self.count.d.next = self.divisor.val() - 1;
                    self.bit_index.d.next = self.bit_index.q.val() + 1;
                    if self.bit_index.q.val() == 7 {
                        self.state.d.next = RxState::Stop;
                    }
                } else {
                    self.count.d.next = self.count.q.val() - 1;
                }
            }
            RxState::Stop => {
                if self.count.q.val() == 0 {
                    if self.sync2.q.val() {
                        self.out.d.next = self.shift.q.val();
                        self.strobe.d.next = true;
                    } else {
                        self.errors.d.next = self.errors.q.val() + 1;
                    }
                    self.state.d.next = RxState::Idle;
                } else {
                    self.count.d.next = self.count.q.val() - 1;
                }
            }
            _ => {
                self.state.d.next = RxState::Idle;
            }
        }
        if self.reset.val() {
            self.state.d.next = RxState::Idle;
            self.strobe.d.next = false;
            self.errors.d.next = 0.into();
        }
    }
}

/// The transmitter.
#[derive(LogicBlock)]
pub struct UartTx {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Clock cycles per bit.
    pub divisor: Signal<In, Bits<16>>,
    /// Synchronous reset: the line high, no byte in progress.
    pub reset: Signal<In, Bit>,
    /// The byte to send.
    pub data: Signal<In, Bits<8>>,
    /// Take `data` (when `ready`).
    pub start: Signal<In, Bit>,
    /// High when a byte can be taken.
    pub ready: Signal<Out, Bit>,
    /// The serial line.
    pub tx: Signal<Out, Bit>,
    /// Start bit, 8 data bits, stop bit; shifted out from bit 0.
    frame: DFFWithInit<Bits<10>>,
    bits_left: DFF<Bits<4>>,
    count: DFF<Bits<16>>,
    stop_bit: Constant<Bits<10>>,
}

impl Default for UartTx {
    fn default() -> Self {
        UartTx {
            clock: Default::default(),
            divisor: Default::default(),
            reset: Default::default(),
            data: Default::default(),
            start: Default::default(),
            ready: Default::default(),
            tx: Default::default(),
            frame: DFFWithInit::new(1023.into()),
            bits_left: Default::default(),
            count: Default::default(),
            stop_bit: Constant::new(512.into()),
        }
    }
}

impl Logic for UartTx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, frame, bits_left, count);
        self.tx.next = self.frame.q.val().get_bit(0);
        self.ready.next = self.bits_left.q.val() == 0;
        if self.bits_left.q.val() == 0 {
            if self.start.val() {
                // stop bit (1), data, start bit (0)
                self.frame.d.next = (bit_cast::<10, 8>(self.data.val()) << 1) | self.stop_bit.val();
                self.bits_left.d.next = 10.into();
                self.count.d.next = self.divisor.val() - 1;
            }
        } else if self.count.q.val() == 0 {
            self.frame.d.next = (self.frame.q.val() >> 1) | self.stop_bit.val();
            self.bits_left.d.next = self.bits_left.q.val() - 1;
            self.count.d.next = self.divisor.val() - 1;
        } else {
            self.count.d.next = self.count.q.val() - 1;
        }
        if self.reset.val() {
            self.frame.d.next = 1023.into();
            self.bits_left.d.next = 0.into();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A transmitter wired to a receiver: every byte arrives, at several bit times.
    #[derive(LogicBlock, Default)]
    struct Loop {
        clock: Signal<In, Clock>,
        divisor: Signal<In, Bits<16>>,
        data: Signal<In, Bits<8>>,
        start: Signal<In, Bit>,
        ready: Signal<Out, Bit>,
        got: Signal<Out, Bits<8>>,
        got_valid: Signal<Out, Bit>,
        tx: UartTx,
        rx: UartRx,
    }

    impl Logic for Loop {
        #[hdl_gen]
        fn update(&mut self) {
            self.tx.clock.next = self.clock.val();
            self.rx.clock.next = self.clock.val();
            self.tx.divisor.next = self.divisor.val();
            self.rx.divisor.next = self.divisor.val();
            self.tx.reset.next = false;
            self.rx.reset.next = false;
            self.tx.data.next = self.data.val();
            self.tx.start.next = self.start.val();
            self.ready.next = self.tx.ready.val();
            self.rx.rx.next = self.tx.tx.val();
            self.got.next = self.rx.data.val();
            self.got_valid.next = self.rx.valid.val();
        }
    }

    fn tick(uut: &mut Loop) {
        uut.clock.next = Clock { clk: true };
        assert!(simulate(uut, 100));
        uut.clock.next = Clock { clk: false };
        assert!(simulate(uut, 100));
    }

    #[test]
    fn bytes_go_round_a_loop_at_several_bit_times() {
        for divisor in [4u64, 7, 16] {
            let mut uut = Loop::default();
            uut.connect_all();
            uut.divisor.next = divisor.to_bits();
            uut.clock.next = Clock { clk: false };
            simulate(&mut uut, 100);
            let sent: Vec<u8> = vec![0x00, 0xFF, 0x55, 0xA3, 0x01, 0x80];
            let mut got = Vec::new();
            let mut next = 0;
            for _ in 0..(sent.len() as u64 + 2) * 12 * divisor {
                uut.start.next = false;
                if next < sent.len() && uut.ready.val() {
                    uut.data.next = u64::from(sent[next]).to_bits();
                    uut.start.next = true;
                    next += 1;
                }
                tick(&mut uut);
                if uut.got_valid.val() {
                    got.push(uut.got.val().index() as u8);
                }
            }
            assert_eq!(got, sent, "divisor {divisor}");
        }
    }
}
