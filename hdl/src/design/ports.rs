//! The port bundles between the image loader and the blocks whose memories and registers it
//! fills, declared once (rust_hdl's `LogicInterface`, as its SPI and FIFO widgets do): the
//! writes of J and the linear terms (`MatrixWrites`: the core, the matvec engine and the CIM
//! feedback engine take them), the knot writes (`KnotWrites`: the core's schedule memory) and
//! the run's set-up registers (`CoreSetup`). Each has a driving side (`…Driver`: the loader, a
//! harness) that `join`s it, and a parent forwards its own port to a child's with `link`.

// the derive's generated `join` carries no doc comment
#![allow(missing_docs)]

use super::widths::*;
use rust_hdl::prelude::*;

/// J's row pointers and entries and the linear terms, as a block with those memories takes them.
#[derive(LogicInterface, Default)]
#[join = "MatrixWritesDriver"]
pub struct MatrixWrites {
    /// Row-pointer write address (row `i`).
    pub rowptr_waddr: Signal<In, Bits<COUNT_BITS>>,
    /// Row pointer: where row `i`'s entries start.
    pub rowptr_wdata: Signal<In, Bits<PTR_BITS>>,
    /// Row-pointer write enable.
    pub rowptr_we: Signal<In, Bit>,
    /// Entry write address.
    pub entry_waddr: Signal<In, Bits<ENTRY_ADDR_BITS>>,
    /// Entry word (column and weight, or the weight alone in dense builds).
    pub entry_wdata: Signal<In, Bits<ENTRY_BITS>>,
    /// Entry write enable.
    pub entry_we: Signal<In, Bit>,
    /// Linear-term write address.
    pub linear_waddr: Signal<In, Bits<SPIN_BITS>>,
    /// Linear term.
    pub linear_wdata: Signal<In, Signed<FIELD_BITS>>,
    /// Linear-term write enable.
    pub linear_we: Signal<In, Bit>,
}

/// The driving side of [`MatrixWrites`].
#[derive(LogicInterface, Default)]
#[join = "MatrixWrites"]
pub struct MatrixWritesDriver {
    /// Row-pointer write address (row `i`).
    pub rowptr_waddr: Signal<Out, Bits<COUNT_BITS>>,
    /// Row pointer: where row `i`'s entries start.
    pub rowptr_wdata: Signal<Out, Bits<PTR_BITS>>,
    /// Row-pointer write enable.
    pub rowptr_we: Signal<Out, Bit>,
    /// Entry write address.
    pub entry_waddr: Signal<Out, Bits<ENTRY_ADDR_BITS>>,
    /// Entry word (column and weight, or the weight alone in dense builds).
    pub entry_wdata: Signal<Out, Bits<ENTRY_BITS>>,
    /// Entry write enable.
    pub entry_we: Signal<Out, Bit>,
    /// Linear-term write address.
    pub linear_waddr: Signal<Out, Bits<SPIN_BITS>>,
    /// Linear term.
    pub linear_wdata: Signal<Out, Signed<FIELD_BITS>>,
    /// Linear-term write enable.
    pub linear_we: Signal<Out, Bit>,
}

/// The knot (schedule) memory's writes, as the core takes them.
#[derive(LogicInterface, Default)]
#[join = "KnotWritesDriver"]
pub struct KnotWrites {
    /// Knot write address (`k·per_knot + p`).
    pub knot_waddr: Signal<In, Bits<KNOT_ADDR_BITS>>,
    /// Knot weight.
    pub knot_wdata: Signal<In, Signed<W_BITS>>,
    /// Knot write enable.
    pub knot_we: Signal<In, Bit>,
}

/// The driving side of [`KnotWrites`].
#[derive(LogicInterface, Default)]
#[join = "KnotWrites"]
pub struct KnotWritesDriver {
    /// Knot write address (`k·per_knot + p`).
    pub knot_waddr: Signal<Out, Bits<KNOT_ADDR_BITS>>,
    /// Knot weight.
    pub knot_wdata: Signal<Out, Signed<W_BITS>>,
    /// Knot write enable.
    pub knot_we: Signal<Out, Bit>,
}

/// A run's set-up, decoded from the image header, as the core takes it.
#[derive(LogicInterface, Default)]
#[join = "CoreSetupDriver"]
pub struct CoreSetup {
    /// Spins.
    pub n: Signal<In, Bits<COUNT_BITS>>,
    /// History length.
    pub tc: Signal<In, Bits<6>>,
    /// Hidden units.
    pub d: Signal<In, Bits<4>>,
    /// Weights per knot `1 + D + D·Tc`.
    pub per_knot: Signal<In, Bits<KNOT_ADDR_BITS>>,
    /// Steps per run.
    pub steps: Signal<In, Bits<STEP_BITS>>,
    /// Knot spacing `2^knot_shift` steps.
    pub knot_shift: Signal<In, Bits<4>>,
    /// Update-unit shifts from the image's exponents (see `Update`).
    pub z_right: Signal<In, Bits<6>>,
    /// See `Update`.
    pub z_left: Signal<In, Bits<6>>,
    /// See `Update`.
    pub y_shift0: Signal<In, Bits<6>>,
    /// See `Update`.
    pub y_shift1: Signal<In, Bits<6>>,
}

/// The driving side of [`CoreSetup`] (the loader's header registers).
#[derive(LogicInterface, Default)]
#[join = "CoreSetup"]
pub struct CoreSetupDriver {
    /// Spins.
    pub n: Signal<Out, Bits<COUNT_BITS>>,
    /// History length.
    pub tc: Signal<Out, Bits<6>>,
    /// Hidden units.
    pub d: Signal<Out, Bits<4>>,
    /// Weights per knot `1 + D + D·Tc`.
    pub per_knot: Signal<Out, Bits<KNOT_ADDR_BITS>>,
    /// Steps per run.
    pub steps: Signal<Out, Bits<STEP_BITS>>,
    /// Knot spacing `2^knot_shift` steps.
    pub knot_shift: Signal<Out, Bits<4>>,
    /// Update-unit shifts from the image's exponents (see `Update`).
    pub z_right: Signal<Out, Bits<6>>,
    /// See `Update`.
    pub z_left: Signal<Out, Bits<6>>,
    /// See `Update`.
    pub y_shift0: Signal<Out, Bits<6>>,
    /// See `Update`.
    pub y_shift1: Signal<Out, Bits<6>>,
}
