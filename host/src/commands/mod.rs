//! One module per subcommand.

pub mod bench;
pub mod bench_link;
pub mod bench_suite;
pub mod bench_train;
pub mod bitstream;
pub mod convert;
pub mod emulate;
pub mod ep;
pub mod flash;
pub mod generate;
pub mod hdl;
pub mod hil;
pub mod quantize;
pub mod run;
pub mod solve;
pub mod study;
pub mod study_cits;
pub mod study_hil;
pub mod study_matvec;
pub mod train;
