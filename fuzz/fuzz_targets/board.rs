//! The emulator's decoder and command engine: any bytes into a board model (small core, golden
//! engine), replies encoded back. Nothing may panic; every reply is a well-formed frame. Every
//! other input starts on a board that already holds a committed 12-spin image, so that the
//! commands that need one (runs, phases with their linear terms and start spins, windows,
//! external mode) are reached, not only refused.
#![no_main]

use libfuzzer_sys::fuzz_target;
use npim_host::link::board::Board;
use npim_proto::message::Command;
use npim_proto::{decode, encode, Deframer, Frame};
use npim_sim::fixed::{quantize, CoreConfig};
use npim_sim::npim::NpimParams;
use npim_sim::{Ising, Storage};
use std::sync::OnceLock;

fn core() -> CoreConfig {
    CoreConfig {
        n_max: 64,
        nnz_max: 512,
        t_max: 64,
        ..CoreConfig::preset("sim").unwrap()
    }
}

/// LOAD and COMMIT frames of a small valid image.
fn image_frames() -> &'static Vec<Frame> {
    static FRAMES: OnceLock<Vec<Frame>> = OnceLock::new();
    FRAMES.get_or_init(|| {
        let edges = (0..12).map(|i| (i, (i + 1) % 12, if i % 2 == 0 { 1.0 } else { -1.0 }));
        let ising = Ising::new(12, edges, vec![0.5; 12], Storage::Sparse).unwrap();
        let params = NpimParams::annealed_greedy(1.0, 2.0, 0.5);
        let bytes = quantize(&ising, &params, &core(), 16, 1).unwrap().0.to_bytes();
        let commands = [
            Command::Load {
                offset: 0,
                bytes: bytes.clone(),
            },
            Command::Commit {
                len: bytes.len() as u32,
            },
        ];
        commands
            .iter()
            .enumerate()
            .map(|(k, c)| Frame {
                seq: 200 + k as u8,
                kind: c.kind(),
                payload: c.payload(),
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let mut board = Board::new(core(), [0; 32]);
    if data.first().is_some_and(|b| b & 1 == 1) {
        for f in image_frames() {
            let reply = board.handle(Ok(f.clone())).expect("a reply");
            assert_eq!(reply.payload, [0], "the image is loaded and committed");
        }
    }
    let mut d = Deframer::new();
    for frame in d.push(data) {
        if let Some(reply) = board.handle(frame) {
            let wire = encode(&reply);
            assert_eq!(decode(&wire[..wire.len() - 1]), Ok(reply));
        }
    }
});
