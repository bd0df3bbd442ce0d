//! The dispatch's states: one command at a time, from its frame to the end of its response.

use rust_hdl::prelude::*;

/// Engine states.
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum EngineState {
    /// Waiting for a frame.
    Idle,
    /// Decide what the frame asks for.
    Dispatch,
    /// Emit the pending bytes of `ob`, then go to `ret`.
    Put,
    /// Execute the command (after seq and kind were written).
    Exec,
    /// IDENTIFY: copy the ROM.
    Identify,
    /// STATUS: steps per run.
    Status2,
    /// STATUS: best `E4`.
    Status3,
    /// READ_RESULT: best `E4`.
    Result2,
    /// READ_RESULT: best step and `N`.
    Result3,
    /// READ_RESULT: present a best-spin address.
    SpinAddr,
    /// READ_RESULT: take the bit.
    SpinBit,
    /// LOAD: present a frame-buffer address.
    LoadA,
    /// LOAD: feed the byte to the loader.
    LoadB,
    /// RUN: the seed is in place; start the core.
    RunStart,
    /// DRIVE: a new external run: stop the core.
    ExtStop,
    /// DRIVE: start the core in external mode.
    ExtStart,
    /// DRIVE: the status byte and the step.
    DriveHead,
    /// DRIVE: take the next drive value from the core.
    DriveWait,
    /// MEASURE: present the next frame byte holding spin bits.
    MeasA,
    /// MEASURE: feed the spin to the core's sample port.
    MeasB,
    /// MEASURE: the page is fed; wait for the step's end when it completed the step.
    MeasEnd,
    /// MEASURE: spins received and the step.
    MeasR2,
    /// MEASURE: the step's `E4`.
    MeasR3,
    /// Append the CRC.
    Finish,
    /// Start the encoder on the response just written.
    StartEnc,
    /// The encoder is sending the response.
    Send,
    /// DRIVE: the core's registered `stop` takes effect (last, so that the other states keep
    /// their numbers).
    ExtSettle,
    /// SET_LINEAR: present the next frame byte of a term (a first pass checks every term's
    /// width, a second writes them).
    LinA,
    /// SET_LINEAR: take the byte; a term complete is checked or written.
    LinB,
    /// SET_START: present the next frame byte holding spin bits.
    StartA,
    /// SET_START: the spin into the start memory's word.
    StartB,
    /// RUN_PHASE: the window's size (registered products) against the window memory.
    PhaseCheck,
    /// RUN_PHASE: start the core on a phase.
    PhaseStart,
    /// READ_WINDOW: walk to the first position asked for (a step at a time, then a spin).
    WinSeek,
    /// READ_WINDOW: present the window word holding the next spin.
    WinAddr,
    /// READ_WINDOW: take its bit.
    WinBit,
    /// READ_RESULT: the best spin's bit is registered as it leaves the block RAM.
    SpinWait,
    /// READ_WINDOW: the window word is registered as it leaves the block RAM.
    WinWait,
}
