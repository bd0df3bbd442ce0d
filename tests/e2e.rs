//! End-to-end tests: the `npim` binary as a user runs it.

mod e2e {
    pub mod bad_input;
    pub mod bitstream;
    pub mod cli;
    pub mod golden;
    pub mod link;
    pub mod readme;
    pub mod rtl;
    pub mod train;
    pub mod util;
}
