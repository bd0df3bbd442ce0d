//! The emulator's decoder and command engine: any bytes into a board model (small core, golden
//! engine), replies encoded back. Nothing may panic; every reply is a well-formed frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use npim_proto::{decode, encode, Deframer};
use npim_host::link::board::Board;
use npim_sim::fixed::CoreConfig;

fuzz_target!(|data: &[u8]| {
    let core = CoreConfig {
        n_max: 64,
        nnz_max: 512,
        t_max: 64,
        ..CoreConfig::preset("sim").unwrap()
    };
    let mut board = Board::new(core, [0; 32]);
    let mut d = Deframer::new();
    for frame in d.push(data) {
        if let Some(reply) = board.handle(frame) {
            let wire = encode(&reply);
            assert_eq!(decode(&wire[..wire.len() - 1]), Ok(reply));
        }
    }
});
