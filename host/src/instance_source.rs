//! Loading the instance a command names: a file, a generator spec, or the bundled default.

use crate::cli::{InstanceArgs, StorageArg};
use anyhow::{Context, Result};
use npim_sim::formats::{read_instance, rudy};
use npim_sim::generate::{generate, Spec};
use npim_sim::{Ising, Storage};
use std::path::Path;

/// The instance `npim solve` uses when none is named: G11 of the G-set (800 spins on a toroidal
/// grid, ±1 weights; best-known cut 564), bundled so the README's first command works anywhere.
pub const BUNDLED_NAME: &str = "G11";
const BUNDLED_TEXT: &str = include_str!("../data/G11.txt");
/// G11's best-known cut (Benlic & Hao).
pub const BUNDLED_BEST_CUT: f64 = 564.0;

pub fn storage(arg: StorageArg) -> Storage {
    match arg {
        StorageArg::Auto => Storage::Auto,
        StorageArg::Dense => Storage::Dense,
        StorageArg::Sparse => Storage::Sparse,
    }
}

/// The instance and whether it is the bundled default.
pub fn load(args: &InstanceArgs) -> Result<(Ising, bool)> {
    let storage = storage(args.storage);
    if let Some(path) = &args.instance {
        return Ok((read_instance(path, storage)?, false));
    }
    if let Some(spec) = &args.generate {
        let spec: Spec = spec.parse()?;
        return Ok((generate(&spec)?.with_storage(storage), false));
    }
    let mut ising = rudy::parse(BUNDLED_TEXT, Path::new("bundled/G11.txt"), storage)
        .context("bundled instance")?;
    ising.meta.name = Some(BUNDLED_NAME.into());
    Ok((ising, true))
}

/// A core image's own instance (its quantized couplings), named after the image file.
pub fn from_image(path: &Path, image: &npim_sim::fixed::CoreImage) -> Ising {
    let mut ising = image.to_ising();
    ising.meta.name = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    ising
}
