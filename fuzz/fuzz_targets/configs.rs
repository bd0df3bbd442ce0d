//! The configuration files users write by hand: NPIM parameter files (then quantized for a
//! small instance and run a few steps on the golden model), host-in-the-loop loop configs
//! (then closed around that image for a few steps), training configs and core configurations.
//! Errors are fine; panics and hangs are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use npim_sim::fixed::{quantize, CoreConfig, GoldenCore};
use npim_sim::npim::NpimParams;
use npim_sim::oscillator::{closed_loop::Keep, run_dnpim, LoopConfig};
use npim_sim::train::config::TrainConfig;
use npim_sim::{Ising, Storage};

/// A 4-spin ring with a linear term: small enough for every target to run each input.
fn ring() -> Ising {
    let edges = vec![(0, 1, 1.0), (1, 2, -1.0), (2, 3, 1.0), (0, 3, 1.0)];
    Ising::new(4, edges, vec![0.5, 0.0, -0.5, 0.0], Storage::Auto).expect("a valid ring")
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let core = CoreConfig::preset("sim").expect("the sim preset");
    if let Ok(params) = NpimParams::parse(text, "fuzz.json") {
        if let Ok((image, _)) = quantize(&ring(), &params, &core, 8, 1) {
            let golden = GoldenCore::new(&image);
            let _ = golden.run(0, 7);
            if let Ok(cfg) = LoopConfig::parse(text) {
                let _ = run_dnpim(&golden, 7, &cfg, 1, Keep::default());
            }
        }
    }
    if let Ok(cfg) = LoopConfig::parse(text) {
        // a loop config on its own, around the hand-set rule's image
        let params = NpimParams::annealed_greedy(1.0, 2.0, 0.5);
        if let Ok((image, _)) = quantize(&ring(), &params, &core, 8, 1) {
            let _ = run_dnpim(&GoldenCore::new(&image), 7, &cfg, 1, Keep::default());
        }
    }
    let _ = TrainConfig::parse(text);
    let _ = toml::from_str::<CoreConfig>(text).map(|c| c.validate());
    let _ = serde_json::from_str::<CoreConfig>(text).map(|c| c.validate());
});
