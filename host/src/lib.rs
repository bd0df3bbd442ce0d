//! The `npim` program's library: the command-line flags, the subcommands, and the serial
//! link's software ends (protocol board model, driver, transports, pseudo-terminal emulator).
//! `main.rs` only parses flags and calls a subcommand; the link is a library so that fuzz
//! targets and other programs can drive boards too.

pub mod auto_params;
pub mod cli;
pub mod commands;
pub mod instance_source;
pub mod interrupt;
pub mod link;
pub mod options;
pub mod pipeline;
pub mod plot;
pub mod report;
