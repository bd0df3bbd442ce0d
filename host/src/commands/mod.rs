//! One module per subcommand.

pub mod convert;
pub mod generate;
pub mod quantize;
pub mod solve;
pub mod train;
