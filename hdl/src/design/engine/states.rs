//! The dispatch's states: one command at a time, from its frame to the end of its response.
//! 32 of them, a 5-bit state: the learning phases' commands share states with MEASURE and
//! READ_RESULT (the engine's `start_mode` and `win_mode`) rather than widen every state compare.

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
    /// READ_RESULT: present a best-spin address (READ_WINDOW, `win_mode`: a window word's).
    SpinAddr,
    /// READ_RESULT (READ_WINDOW): take the bit.
    SpinBit,
    /// LOAD: present a frame-buffer address.
    LoadA,
    /// LOAD: feed the byte to the loader.
    LoadB,
    /// RUN, RUN_PHASE: the seed (and the phase) in place; start the core.
    RunStart,
    /// DRIVE: a new external run: stop the core.
    ExtStop,
    /// DRIVE: start the core in external mode.
    ExtStart,
    /// DRIVE: the status byte and the step.
    DriveHead,
    /// DRIVE: take the next drive value from the core.
    DriveWait,
    /// MEASURE (SET_START, `start_mode`): present the next frame byte holding spin bits.
    MeasA,
    /// MEASURE: feed the spin to the core's sample port (SET_START: into the start memory).
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
    /// DRIVE: the core's registered `stop` takes effect (after the others, so that they keep
    /// their numbers).
    ExtSettle,
    /// SET_LINEAR: check (a first pass over the page: every term's width) or write (a second
    /// pass) the term the last byte completed, then present the next frame byte.
    LinA,
    /// SET_LINEAR: take the byte into the term.
    LinB,
    /// RUN_PHASE: the window's size (registered products) against the window memory.
    PhaseCheck,
    /// READ_WINDOW: walk to the first position asked for (a step at a time, then a spin).
    WinSeek,
    /// READ_RESULT: the best spin's bit (READ_WINDOW: the window word) is registered as it
    /// leaves the block RAM.
    SpinWait,
}
