//! One module per subcommand.

pub mod convert;
pub mod generate;
pub mod solve;
pub mod train;
