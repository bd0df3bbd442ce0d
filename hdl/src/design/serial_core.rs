//! The core behind a UART: receiver, command engine (with the image loader and the core) and
//! transmitter. A board's top level wraps this with its clock, its reset synchroniser and LEDs; the bit time
//! `divisor` (clock cycles per bit) is an input so that a board ties it to its clock ÷ baud
//! rate and a simulation uses a few cycles per bit.

use super::engine::Engine;
use crate::widgets::uart::{UartRx, UartTx};
use rust_hdl::prelude::*;

/// UART + engine + core.
#[derive(LogicBlock)]
pub struct SerialCore {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Clock cycles per bit.
    pub divisor: Signal<In, Bits<16>>,
    /// Synchronous reset, high for at least one cycle: the board's top holds it from
    /// configuration until some cycles after its PLL locks (and raises it again on a loss of
    /// lock), so no state machine runs on a clock that is not yet stable.
    pub reset: Signal<In, Bit>,
    /// Serial line in (from the host).
    pub rx: Signal<In, Bit>,
    /// Serial line out (to the host).
    pub tx: Signal<Out, Bit>,
    /// A run is in progress.
    pub busy: Signal<Out, Bit>,
    /// A committed image is loaded.
    pub loaded: Signal<Out, Bit>,
    /// Nothing to do (no frame in hand, no run, the transmitter idle).
    pub idle: Signal<Out, Bit>,
    /// Frames dropped as bad (wraps).
    pub bad_frames: Signal<Out, Bits<8>>,
    /// Bytes dropped for a bad stop bit (wraps).
    pub framing_errors: Signal<Out, Bits<8>>,
    uart_rx: UartRx,
    uart_tx: UartTx,
    engine: Engine,
}

impl SerialCore {
    /// A serial core answering IDENTIFY with `identity` (see [`Engine::new`]).
    pub fn new(identity: &[u8]) -> Self {
        SerialCore {
            clock: Default::default(),
            divisor: Default::default(),
            reset: Default::default(),
            rx: Default::default(),
            tx: Default::default(),
            busy: Default::default(),
            loaded: Default::default(),
            idle: Default::default(),
            bad_frames: Default::default(),
            framing_errors: Default::default(),
            uart_rx: Default::default(),
            uart_tx: Default::default(),
            engine: Engine::new(identity),
        }
    }
}

impl Logic for SerialCore {
    #[hdl_gen]
    fn update(&mut self) {
        self.uart_rx.clock.next = self.clock.val();
        self.uart_tx.clock.next = self.clock.val();
        self.engine.clock.next = self.clock.val();
        self.uart_rx.reset.next = self.reset.val();
        self.uart_tx.reset.next = self.reset.val();
        self.engine.reset.next = self.reset.val();
        self.uart_rx.divisor.next = self.divisor.val();
        self.uart_tx.divisor.next = self.divisor.val();
        self.uart_rx.rx.next = self.rx.val();
        self.engine.rx_byte.next = self.uart_rx.data.val();
        self.engine.rx_valid.next = self.uart_rx.valid.val();
        self.engine.tx_ready.next = self.uart_tx.ready.val();
        self.uart_tx.data.next = self.engine.tx_byte.val();
        self.uart_tx.start.next = self.engine.tx_start.val();
        self.tx.next = self.uart_tx.tx.val();
        self.busy.next = self.engine.busy.val();
        self.loaded.next = self.engine.loaded.val();
        self.idle.next =
            self.engine.idle.val() & self.uart_tx.ready.val() & self.uart_rx.idle.val();
        self.bad_frames.next = self.engine.bad_frames.val();
        self.framing_errors.next = self.uart_rx.framing_errors.val();
    }
}
