//! The file parsers users feed: rudy/G-set text, JSON instances and core images. Errors are
//! fine; panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use npim_sim::fixed::CoreImage;
use npim_sim::formats::{json, rudy};
use npim_sim::Storage;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let _ = CoreImage::from_bytes(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = rudy::parse(text, Path::new("fuzz.txt"), Storage::Auto);
        let _ = json::parse(text, Path::new("fuzz.json"), Storage::Auto);
    }
});
