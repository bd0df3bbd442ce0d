//! The image loader in rust_hdl's simulator: image bytes in, the core's memories and
//! configuration out, equal to what the harnesses load from the decoded image; damaged images
//! and images beyond the build's limits are refused with the protocol's error codes. On a CSR
//! build (`rtl`) and the dense build: each takes images of its own J layout only.

use npim_sim::fixed::{quantize, CoreConfig, CoreImage};
use npim_sim::npim::params::field_scale;
use npim_sim::npim::{Architecture, Basis, NpimParams};
use npim_sim::rng::stream;
use npim_sim::{Ising, Storage};
use rand::Rng;
use rust_hdl::prelude::*;
use std::collections::BTreeMap;

fn image(seed: u64, n: usize, core: &str) -> CoreImage {
    let mut rng = stream(seed, 31);
    // weights within ±3 and the core's J range
    let w = CoreConfig::preset(core).unwrap().j_max().min(3);
    let mut edges = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            if rng.gen::<f64>() < 0.3 {
                edges.push((i, j, f64::from(rng.gen_range(-w..=w))));
            }
        }
    }
    let linear: Vec<f64> = (0..n).map(|_| f64::from(rng.gen_range(-2..=2))).collect();
    let ising = Ising::new(n, edges, linear, Storage::Sparse).unwrap();
    let arch = Architecture {
        tc: rng.gen_range(1..6),
        d: rng.gen_range(1..4),
        m: 3,
        basis: Basis::Fourier,
    };
    let params = NpimParams::embedded_greedy(arch, field_scale(&ising).max(1.0), 2.0, 0.5);
    let steps = rng.gen_range(1..200);
    quantize(
        &ising,
        &params,
        &CoreConfig::preset(core).unwrap(),
        steps,
        seed,
    )
    .unwrap()
    .0
}

/// What the loader wrote and reported.
#[derive(Default, Debug, PartialEq)]
struct Loaded {
    rowptr: BTreeMap<usize, u32>,
    entries: BTreeMap<usize, u32>,
    linear: BTreeMap<usize, i64>,
    knots: BTreeMap<usize, i64>,
    config: [u64; 10],
    complete: bool,
    error: u64,
    count: u64,
}

macro_rules! build_tests {
    ($build:ident $(, $extra:item)*) => {
        mod $build {
            use super::*;
            use npim_hdl::builds::$build::loader::Loader;
            use npim_hdl::builds::$build::matvec_sim::MatvecInput;
            use npim_hdl::builds::$build::update_sim::shifts;
            use npim_hdl::builds::$build::widths::{
                DENSE, NAME, Y_SHIFT1_MAX, Y_SHIFT_MAX, Z_LEFT_MAX, Z_RIGHT_MAX,
            };

            fn tick(uut: &mut Loader) {
                uut.clock.next = Clock { clk: true };
                assert!(simulate(uut, 1000));
                uut.clock.next = Clock { clk: false };
                assert!(simulate(uut, 1000));
            }

            /// The memory writes the loader makes this cycle.
            fn record(uut: &Loader, out: &mut Loaded) {
                if uut.matrix.rowptr_we.val() {
                    out.rowptr.insert(
                        uut.matrix.rowptr_waddr.val().index(),
                        uut.matrix.rowptr_wdata.val().index() as u32,
                    );
                }
                if uut.matrix.entry_we.val() {
                    out.entries.insert(
                        uut.matrix.entry_waddr.val().index(),
                        uut.matrix.entry_wdata.val().index() as u32,
                    );
                }
                if uut.matrix.linear_we.val() {
                    out.linear.insert(
                        uut.matrix.linear_waddr.val().index(),
                        uut.matrix.linear_wdata.val().bigint().try_into().unwrap(),
                    );
                }
                if uut.knot_writes.knot_we.val() {
                    out.knots.insert(
                        uut.knot_writes.knot_waddr.val().index(),
                        uut.knot_writes.knot_wdata.val().bigint().try_into().unwrap(),
                    );
                }
            }

            fn load(bytes: &[u8]) -> Loaded {
                let mut uut = Loader::default();
                uut.connect_all();
                uut.clock.next = Clock { clk: false };
                simulate(&mut uut, 1000);
                uut.restart.next = true;
                tick(&mut uut);
                uut.restart.next = false;
                let mut out = Loaded::default();
                for (k, &b) in bytes.iter().enumerate() {
                    uut.data.next = u64::from(b).to_bits();
                    uut.valid.next = true;
                    assert!(simulate(&mut uut, 1000));
                    record(&uut, &mut out);
                    tick(&mut uut);
                    // idle cycles between some bytes, as a UART delivers them
                    if k % 7 == 0 {
                        uut.valid.next = false;
                        assert!(simulate(&mut uut, 1000));
                        record(&uut, &mut out);
                        tick(&mut uut);
                    }
                }
                // (a byte is taken the cycle after it is offered)
                uut.valid.next = false;
                assert!(simulate(&mut uut, 1000));
                record(&uut, &mut out);
                tick(&mut uut);
                out.config = [
                    uut.setup.n.val().index() as u64,
                    uut.setup.steps.val().index() as u64,
                    uut.setup.tc.val().index() as u64,
                    uut.setup.d.val().index() as u64,
                    uut.setup.per_knot.val().index() as u64,
                    uut.setup.knot_shift.val().index() as u64,
                    uut.setup.z_right.val().index() as u64,
                    uut.setup.z_left.val().index() as u64,
                    uut.setup.y_shift0.val().index() as u64,
                    uut.setup.y_shift1.val().index() as u64,
                ];
                out.complete = uut.complete.val();
                out.error = uut.error.val().index() as u64;
                out.count = uut.count.val().index() as u64;
                out
            }

            fn expected(image: &CoreImage) -> Loaded {
                let mv = MatvecInput::from_image(image, &vec![1; image.n]).unwrap();
                let [zr, zl, y0, y1] = shifts(image);
                Loaded {
                    // a dense build counts its rows: no row pointers are written
                    rowptr: if DENSE {
                        BTreeMap::new()
                    } else {
                        mv.row_ptr.iter().copied().enumerate().collect()
                    },
                    entries: mv.entries.iter().copied().enumerate().collect(),
                    linear: image
                        .linear
                        .iter()
                        .map(|&l| i64::from(l))
                        .enumerate()
                        .collect(),
                    knots: image
                        .schedule
                        .iter()
                        .map(|&k| i64::from(k))
                        .enumerate()
                        .collect(),
                    config: [
                        image.n as u64,
                        image.steps as u64,
                        image.tc as u64,
                        image.d as u64,
                        image.weights_per_knot() as u64,
                        u64::from(image.knot_shift),
                        zr.into(),
                        zl.into(),
                        y0.into(),
                        y1.into(),
                    ],
                    complete: true,
                    error: 0,
                    count: image.to_bytes().len() as u64,
                }
            }

            #[test]
            fn images_load_into_the_cores_memories() {
                for seed in 0..6 {
                    let img = image(seed, 6 + seed as usize * 3, NAME);
                    assert_eq!(load(&img.to_bytes()), expected(&img), "seed {seed}");
                }
            }

            #[test]
            fn damaged_and_oversized_images_are_refused() {
                let img = image(1, 12, NAME);
                let good = img.to_bytes();
                // one flipped bit in the J section: the CRC fails, no error code, not complete
                let mut bad = good.clone();
                bad[70] ^= 4;
                let l = load(&bad);
                assert!(!l.complete);
                // not an image
                let mut bad = good.clone();
                bad[2] = b'X';
                let l = load(&bad);
                assert_eq!((l.complete, l.error), (false, 5));
                // a byte too many
                let mut long = good.clone();
                long.push(0);
                let l = load(&long);
                assert_eq!((l.complete, l.error), (false, 5));
                // truncated: not complete
                assert!(!load(&good[..good.len() - 1]).complete);
                // widths of another core (`sim`: 20-bit fields, 16-bit z) do not fit
                let other = image(2, 12, "sim");
                let l = load(&other.to_bytes());
                assert_eq!((l.complete, l.error), (false, 6));
                // more spins than the build holds
                let mut big = good.clone();
                big[12..16].copy_from_slice(&2100u32.to_le_bytes());
                let l = load(&big);
                assert_eq!(l.error, 6);
                // the other J layout does not fit
                let other = image(3, 12, if DENSE { "rtl" } else { "dense" });
                let l = load(&other.to_bytes());
                assert_eq!((l.complete, l.error), (false, 6));
                // y's alignment shifts (E − e0, E − e1 − A: at most 22 and 13, which keep y in
                // 48 bits, or the build's tighter limits) and the W² sum's (e2 − A, A − e2): the
                // build's largest fit, one more is refused
                let [e0, e1, _] = img.exponents;
                let (y0, y1) = (Y_SHIFT_MAX as i8, Y_SHIFT1_MAX as i8);
                let (zr, zl) = (Z_RIGHT_MAX as i8, Z_LEFT_MAX as i8);
                let cases = [
                    (0, y0, true),
                    (0, y0 + 1, false),
                    (1, y1, true),
                    (1, y1 + 1, false),
                    (2, zr, true),
                    (2, zr + 1, false),
                    (3, zl, true),
                    (3, zl + 1, false),
                ];
                for (class, shift, fits) in cases {
                    let mut shifted = img.clone();
                    match class {
                        0 => shifted.exponents[0] = e1 + 8 - shift,
                        1 => shifted.exponents[1] = e0 - 8 - shift,
                        2 => shifted.exponents[2] = 8 + shift,
                        _ => shifted.exponents[2] = 8 - shift,
                    }
                    let l = load(&shifted.to_bytes());
                    let want = if fits { (true, 0) } else { (false, 6) };
                    assert_eq!((l.complete, l.error), want, "class {class}, shift {shift}");
                }
            }

            $($extra)*
        }
    };
}

build_tests!(rtl);
// the narrow build also checks its knot memory's depth (1 024 words)
build_tests!(
    small,
    #[test]
    fn knot_words_beyond_the_build_are_refused() {
        let n = 12;
        let ising = Ising::new(
            n,
            vec![(0, 1, 1.0), (2, 5, -1.0)],
            vec![0.0; n],
            Storage::Sparse,
        )
        .unwrap();
        let arch = Architecture {
            tc: 8,
            d: 3,
            m: 3,
            basis: Basis::Fourier,
        };
        let params = NpimParams::embedded_greedy(arch, 2.0, 2.0, 0.5);
        let build = CoreConfig::preset(NAME).unwrap();
        // 28 weights a knot: 32 knots fit in 1 024 words, 51 do not
        for (knots_max, fits) in [(32, true), (64, false)] {
            // (a knot memory as deep as the loader's largest, so that the quantizer, which
            // refuses images beyond the build, makes the one the loader must refuse)
            let core = CoreConfig {
                knots_max,
                knot_words: 1 << 13,
                ..build.clone()
            };
            let (img, _) = quantize(&ising, &params, &core, 200, 1).unwrap();
            assert_eq!(
                img.schedule.len() <= 1024,
                fits,
                "{} words",
                img.schedule.len()
            );
            let l = load(&img.to_bytes());
            if fits {
                assert!(l.complete, "{l:?}");
            } else {
                assert_eq!((l.complete, l.error), (false, 6));
            }
        }
    }
);
// the iCEBreaker's build: its own J width, linear width and shift limits
build_tests!(icebreaker);
// the dense build also checks the length of its J section
build_tests!(
    dense,
    #[test]
    fn a_dense_section_of_other_than_n_squared_bytes_is_refused() {
        let img = image(4, 10, NAME);
        let good = img.to_bytes();
        // nnz = N² − 1 and one weight byte fewer, CRC recomputed: consistent bytes, wrong layout
        let mut bad = good[..64].to_vec();
        bad[20..24].copy_from_slice(&99u32.to_le_bytes());
        bad.extend_from_slice(&good[64..64 + 99]);
        bad.extend_from_slice(&good[64 + 100..good.len() - 4]);
        let crc = crc32fast::hash(&bad);
        bad.extend_from_slice(&crc.to_le_bytes());
        let l = load(&bad);
        assert_eq!((l.complete, l.error), (false, 5));
        assert!(load(&good).complete);
    }
);
