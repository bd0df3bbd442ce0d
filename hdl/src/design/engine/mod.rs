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
use super::ports::{CoreSetupDriver, KnotWritesDriver};
use super::widths::*;
use crate::widgets::frame_rx::FrameReceiver;
use crate::widgets::frame_tx::FrameEncoder;
use crate::widgets::response::ResponseWriter;
use npim_proto::message::{MAX_DRIVE, MAX_LINEAR, MAX_START, MAX_WINDOW_SPINS, STATUS_OK};
use npim_proto::{kind, ErrorCode, MAX_PAYLOAD};
use rust_hdl::prelude::*;

mod logic_impl;
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
    /// IDENTIFY's reply: a synchronous ROM, so that it takes a block RAM and no logic (the
    /// iCEBreaker's UP5K has one to spare and few logic cells).
    id_rom: SyncROM<Bits<8>, 6>,
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
    // learning phases (`PHASES`: SET_LINEAR, SET_START, RUN_PHASE, READ_WINDOW)
    /// `PHASES`: without it the four commands are unknown and their paths constant.
    phases_built: Constant<Bit>,
    kind_set_linear: Constant<Bits<8>>,
    kind_set_start: Constant<Bits<8>>,
    kind_run_phase: Constant<Bits<8>>,
    kind_read_window: Constant<Bits<8>>,
    code_does_not_fit: Constant<Bits<64>>,
    max_linear: Constant<Bits<16>>,
    max_start: Constant<Bits<16>>,
    max_window_read: Constant<Bits<16>>,
    /// The window memory's words.
    window_words: Constant<Bits<32>>,
    /// `UNITS − 1` and `UNIT_BITS`: a spin's bit in its word and the word.
    unit_mask: Constant<Bits<COUNT_BITS>>,
    unit_shift: Constant<Bits<8>>,
    /// A term fits `LINEAR_BITS` when its bits from `LINEAR_BITS − 1` up are all equal: shifted
    /// down by `lin_shift` they are 0 or `lin_ones`.
    lin_shift: Constant<Bits<8>>,
    lin_ones: Constant<Bits<32>>,
    /// SET_LINEAR's second pass (the writes), the spin of the next term (SET_START: the next
    /// spin), the term's bytes so far and its byte count.
    lin_write: DFF<Bit>,
    lin_idx: DFF<Bits<COUNT_BITS>>,
    lin_acc: DFF<Bits<32>>,
    lin_b: DFF<Bits<2>>,
    /// The term in `lin_acc` is complete: LinA checks or writes it.
    lin_full: DFF<Bit>,
    /// MeasA/MeasB take SET_START's spins into the start memory (not MEASURE's into the core),
    /// and SpinAddr/SpinWait/SpinBit read the window (READ_WINDOW, not READ_RESULT): the phase
    /// commands share those states, so that the engine keeps 32 states (a 5-bit state).
    start_mode: DFF<Bit>,
    win_mode: DFF<Bit>,
    /// The term so far with this byte; the high bits of the complete term in `lin_acc`.
    lin_value: Signal<Local, Bits<32>>,
    lin_hi: Signal<Local, Bits<32>>,
    /// The linear-term write into the core (registered; the loader's otherwise).
    lin_we: DFF<Bit>,
    lin_waddr: DFF<Bits<SPIN_BITS>>,
    lin_wdata: DFF<Signed<FIELD_BITS>>,
    /// SET_START: spins set so far (a page continues there), all `n` set, and the word being
    /// filled.
    start_next: DFF<Bits<COUNT_BITS>>,
    has_start: DFF<Bit>,
    start_word: DFF<Bits<UNITS>>,
    start_bit_word: Signal<Local, Bits<UNITS>>,
    start_wword: Signal<Local, Bits<UNITS>>,
    one_word: Constant<Bits<UNITS>>,
    start_sel: Signal<Local, Bits<8>>,
    /// RUN_PHASE: the window asked for, its size in window words and in spins (registered
    /// products of the frame's window and the image's `⌈n/UNITS⌉` and `n`), and whether the
    /// last run was a phase (READ_WINDOW reads its window).
    win_w: DFF<Bits<16>>,
    words_c: Signal<Local, Bits<32>>,
    w_low: Signal<Local, Signed<16>>,
    words_s: Signal<Local, Signed<16>>,
    n_s: Signal<Local, Signed<16>>,
    w_big: DFF<Bit>,
    low15: Constant<Bits<16>>,
    prod_words: DFF<Bits<32>>,
    prod_spins: DFF<Bits<32>>,
    window_len: DFF<Bits<32>>,
    phase_run: DFF<Bit>,
    /// READ_WINDOW: the position reached, its spin in the step, the step's first window word,
    /// and the position after the last asked for.
    wpos: DFF<Bits<32>>,
    wi: DFF<Bits<COUNT_BITS>>,
    wbase: DFF<Bits<WINDOW_ADDR_BITS>>,
    wend: DFF<Bits<32>>,
    /// READ_WINDOW's end, `rx_arg + rx_arg2[15:0]` in 33 bits, registered: the arguments are
    /// written bytes before the frame is checked, so the sum is current at dispatch, where
    /// the window check compares it with `window_len` (`arg2 > window_len − arg`, as a
    /// subtraction and a compare in the dispatch cycle, held the ULX3S build at 65.66 MHz).
    win_end_q: DFF<Bits<33>>,
    /// READ_WINDOW's position compares, registered from `wpos` every cycle (32-bit adders and
    /// compares into the state decode held the ULX3S build at 65.47 MHz): a whole step still
    /// fits before the first position (`wpos + n ≤ arg`), the first position is not reached
    /// (`wpos ≠ arg`), the end is reached (`wpos = wend`), the next is the end
    /// (`wpos + 1 = wend`). They are read only a cycle after `wpos` last moved: WinSeek waits a
    /// cycle before each move, and SpinAddr a cycle after SpinBit moved it (`settle`).
    seek_step_q: DFF<Bit>,
    seek_on_q: DFF<Bit>,
    win_at_end_q: DFF<Bit>,
    win_end_next_q: DFF<Bit>,
    win_shifted: Signal<Local, Bits<UNITS>>,
    win_bit: Signal<Local, Bit>,
    win_byte: Signal<Local, Bits<8>>,
    /// The best spin's bit and the window word, registered as they leave the block RAMs.
    rbit_q: DFF<Bit>,
    wword_q: DFF<Bits<UNITS>>,
    /// READ_WINDOW: the position moved in the cycle before and its compares are not yet
    /// registered (a bit rather than two states of their own, which would take the dispatch to
    /// 34 states and a 6-bit state register).
    settle: DFF<Bit>,
    /// The command checks that read only the frame's arguments and the image's `n`,
    /// registered: the arguments are written bytes before the frame is checked, and Exec comes
    /// at least two cycles after it (Dispatch, Put), so they are current there. Computed in the
    /// cycle, SET_LINEAR's `4·count + 6 ≠ length` and `first + count > n` fanned out into the
    /// enables of every register the dispatch writes (the ULX3S build's critical path at 65 MHz,
    /// 14.7 ns). `first + count > n` (SET_LINEAR, SET_START; MEASURE, whose first spin equals
    /// `sample_next` where it is read), `length ≠ ⌈count/8⌉ + 6` (MEASURE, SET_START), DRIVE's
    /// `first + count > n`.
    span_over_q: DFF<Bit>,
    lin_len_bad_q: DFF<Bit>,
    bits_len_bad_q: DFF<Bit>,
    page_over_q: DFF<Bit>,
    /// SET_START's start-memory write, registered (MeasB's spin bit comes from the frame
    /// buffer's block-RAM output).
    start_we_q: DFF<Bit>,
    start_waddr_q: DFF<Bits<UNIT_SPIN_BITS>>,
    start_wdata_q: DFF<Bits<UNITS>>,
}
