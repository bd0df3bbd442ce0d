//! Seeding: every run gets its own random stream derived from (seed, run index), so results do
//! not depend on how many threads execute the runs or in what order.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator every stochastic model in this crate uses.
pub type Rng = Xoshiro256PlusPlus;

/// SplitMix64 finaliser: a bijective mix of a 64-bit word.
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of stream `index` under master seed `seed`.
pub fn stream_seed(seed: u64, index: u64) -> u64 {
    splitmix64(splitmix64(seed) ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03))
}

/// A generator for stream `index` under master seed `seed`.
pub fn stream(seed: u64, index: u64) -> Rng {
    Rng::seed_from_u64(stream_seed(seed, index))
}
