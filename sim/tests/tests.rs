//! Integration tests of the sim crate, one topic per file (ripgrep's layout).

mod topics;
