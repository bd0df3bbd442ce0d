//! Learning phases over the link (capability PHASES, `docs/protocol.md`): the driver sends a
//! phase's linear terms and start spins in pages, starts it with RUN_PHASE, waits as for a run
//! and reads the window's spins back; [`LinkPhases`] is a board as a
//! [`PhaseCore`] for `npim ep train --port/--emulate`.

use super::driver::{Driver, LinkError};
use super::transport::Transport;
use npim_proto::message::{capability, Command, MAX_LINEAR, MAX_START, MAX_WINDOW_SPINS};
use npim_proto::reply::{pack_spins, unpack_spins, Identity};
use npim_sim::ep::{PhaseCore, PhaseJob};
use npim_sim::fixed::{CoreImage, GoldenCore, PhaseResult};

/// Spins a READ_WINDOW asks for: 128 bytes a reply, well under [`MAX_WINDOW_SPINS`]: a reply
/// spoiled by a byte fault costs a retransmission of its size, so short replies keep a noisy
/// wire's retries cheap.
pub const WINDOW_PAGE: usize = 1024;
const _: () = assert!(WINDOW_PAGE <= MAX_WINDOW_SPINS);

impl<T: Transport> Driver<T> {
    fn phases_supported(identity: &Identity) -> Result<(), LinkError> {
        if identity.capabilities & capability::PHASES == 0 {
            return Err(LinkError::Unsupported(
                "learning phases (SET_LINEAR, SET_START, RUN_PHASE, READ_WINDOW)",
            ));
        }
        Ok(())
    }

    /// Writes the committed image's linear terms in place (every later run and phase uses
    /// them, until the next upload).
    pub fn set_linear(&mut self, identity: &Identity, linear: &[i32]) -> Result<(), LinkError> {
        Self::phases_supported(identity)?;
        for (page, chunk) in linear.chunks(MAX_LINEAR).enumerate() {
            self.call(&Command::SetLinear {
                first: (page * MAX_LINEAR) as u32,
                values: chunk.to_vec(),
            })?;
        }
        Ok(())
    }

    /// Sets the start spins of the phases that follow (`None`: an empty history).
    pub fn set_start(
        &mut self,
        identity: &Identity,
        spins: Option<&[i8]>,
    ) -> Result<(), LinkError> {
        Self::phases_supported(identity)?;
        let Some(spins) = spins else {
            self.call(&Command::SetStart {
                first: 0,
                count: 0,
                bits: Vec::new(),
            })?;
            return Ok(());
        };
        for (page, chunk) in spins.chunks(MAX_START).enumerate() {
            self.call(&Command::SetStart {
                first: (page * MAX_START) as u32,
                count: chunk.len() as u16,
                bits: pack_spins(chunk),
            })?;
        }
        Ok(())
    }

    /// One phase with run seed `seed`, keeping its last `window` steps: runs it, then reads the
    /// window's spins (oldest step first) of all `n` spins.
    pub fn run_phase(
        &mut self,
        identity: &Identity,
        seed: u32,
        window: u16,
        n: usize,
    ) -> Result<Vec<Vec<i8>>, LinkError> {
        Self::phases_supported(identity)?;
        let start = Command::RunPhase {
            run_seed: seed,
            window,
        };
        self.run_started_by(&start, seed, &mut |_| {})?;
        let total = n * usize::from(window);
        let mut flat = Vec::with_capacity(total);
        while flat.len() < total {
            let count = (total - flat.len()).min(WINDOW_PAGE);
            let bits = self.call(&Command::ReadWindow {
                first: flat.len() as u32,
                count: count as u16,
            })?;
            if bits.len() != count.div_ceil(8) {
                return Err(LinkError::Malformed(format!(
                    "READ_WINDOW gave {} bytes for {count} spins",
                    bits.len()
                )));
            }
            flat.extend(unpack_spins(&bits, count));
        }
        let steps: Vec<Vec<i8>> = flat.chunks(n.max(1)).map(<[i8]>::to_vec).collect();
        Ok(steps)
    }
}

/// A board (or the emulator) running learning phases.
pub struct LinkPhases<'a, T: Transport> {
    driver: &'a mut Driver<T>,
    identity: &'a Identity,
    loaded: Option<Loaded>,
}

/// What the board holds: the image's spins, its coupled pairs, its own linear terms (a phase
/// without terms of its own runs with these) and the terms in place now.
#[derive(Clone)]
struct Loaded {
    n: usize,
    pairs: Vec<(usize, usize)>,
    image_linear: Vec<i32>,
    on_board: Vec<i32>,
}

impl<'a, T: Transport> LinkPhases<'a, T> {
    /// Phases on the board `identity` names, through `driver`; fails at once if the board lacks
    /// them.
    pub fn new(driver: &'a mut Driver<T>, identity: &'a Identity) -> Result<Self, LinkError> {
        Driver::<T>::phases_supported(identity)?;
        Ok(LinkPhases {
            driver,
            identity,
            loaded: None,
        })
    }
}

impl<T: Transport> PhaseCore for LinkPhases<'_, T> {
    fn load(&mut self, image: &CoreImage) -> Result<(), String> {
        self.driver
            .upload(self.identity, &image.to_bytes())
            .map_err(|e| e.to_string())?;
        self.loaded = Some(Loaded {
            n: image.n,
            pairs: GoldenCore::new(image).pairs(),
            image_linear: image.linear.clone(),
            on_board: image.linear.clone(),
        });
        Ok(())
    }

    fn run(
        &mut self,
        jobs: &[PhaseJob],
        on_done: &(dyn Fn() + Sync),
    ) -> Result<Vec<PhaseResult>, String> {
        let loaded = self.loaded.as_mut().ok_or("no image uploaded")?;
        let mut out = Vec::with_capacity(jobs.len());
        for job in jobs {
            let window = u16::try_from(job.window).map_err(|_| "a window beyond 65 535 steps")?;
            let d = &mut *self.driver;
            // the board keeps terms in place: a phase without its own runs with the image's
            let linear = job.start.linear.as_ref().unwrap_or(&loaded.image_linear);
            if *linear != loaded.on_board {
                d.set_linear(self.identity, linear)
                    .map_err(|e| e.to_string())?;
                loaded.on_board.clone_from(linear);
            }
            d.set_start(self.identity, job.start.spins.as_deref())
                .map_err(|e| e.to_string())?;
            let steps = d
                .run_phase(self.identity, job.run_seed, window, loaded.n)
                .map_err(|e| e.to_string())?;
            out.push(PhaseResult::from_window(&loaded.pairs, &steps));
            on_done();
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::board::Board;
    use crate::link::transport::{Faults, LoopbackBoard};
    use npim_proto::message::{BoardError, ErrorCode};
    use npim_sim::ep::GoldenPhases;
    use npim_sim::fixed::{quantize, CoreConfig, RunStart};
    use npim_sim::npim::params::field_scale;
    use npim_sim::npim::NpimParams;
    use npim_sim::{Ising, Storage};

    /// A 300-spin ring with chords and real weights: more spins than a SET_LINEAR page holds.
    fn image() -> CoreImage {
        let n = 300;
        let edges = (0..n).flat_map(|i| {
            [
                (i, (i + 1) % n, 1.0 + (i % 5) as f64 * 0.3),
                (i, (i + 37) % n, -0.7 - (i % 3) as f64 * 0.2),
            ]
        });
        let ising = Ising::new(n, edges, Vec::new(), Storage::Sparse).unwrap();
        let params = NpimParams::annealed_greedy(field_scale(&ising), 2.0, 0.5);
        quantize(&ising, &params, &CoreConfig::preset("rtl").unwrap(), 40, 5)
            .unwrap()
            .0
    }

    fn jobs(n: usize) -> Vec<PhaseJob> {
        (0..4)
            .map(|k| PhaseJob {
                run_seed: 100 + k,
                start: RunStart {
                    linear: (k % 2 == 1).then(|| {
                        (0..n)
                            .map(|i| ((i * 7 + k as usize) % 61) as i32 - 30)
                            .collect()
                    }),
                    spins: (k >= 2).then(|| {
                        (0..n)
                            .map(|i| {
                                if (i + k as usize).is_multiple_of(3) {
                                    -1
                                } else {
                                    1
                                }
                            })
                            .collect()
                    }),
                },
                window: 7 + k as usize,
            })
            .collect()
    }

    /// Phases through the protocol, on a clean and on a noisy wire, equal the golden model's:
    /// linear terms and start spins in pages, the window read back and summed on the host.
    #[test]
    fn phases_over_the_link_equal_the_golden_model() {
        let image = image();
        let jobs = jobs(image.n);
        let mut golden = GoldenPhases::default();
        golden.load(&image).unwrap();
        let want = golden.run(&jobs, &|| {}).unwrap();
        for faults in [
            Faults::default(),
            Faults {
                drop: 0.002,
                duplicate: 0.002,
                corrupt: 0.002,
            },
        ] {
            let board = Board::new(CoreConfig::preset("rtl").unwrap(), [0; 32]);
            let mut d = Driver::new(LoopbackBoard::new(board, faults, 9));
            d.patience = std::time::Duration::from_secs(10);
            let id = d.identify().unwrap();
            let mut phases = LinkPhases::new(&mut d, &id).unwrap();
            phases.load(&image).unwrap();
            assert_eq!(phases.run(&jobs, &|| {}).unwrap(), want, "{faults:?}");
        }
    }

    /// A board without the capability is refused before anything is sent; a set of linear
    /// terms that overflows the core's fields is refused by the board with the reason.
    #[test]
    fn boards_without_phases_and_terms_that_do_not_fit_are_refused() {
        let board = Board::new(CoreConfig::preset("rtl").unwrap(), [0; 32]);
        let mut d = Driver::new(LoopbackBoard::new(board, Faults::default(), 1));
        let mut id = d.identify().unwrap();
        let image = image();
        d.upload(&id, &image.to_bytes()).unwrap();
        let e = d.set_linear(&id, &vec![40_000; image.n]).unwrap_err();
        match e {
            LinkError::Board {
                reply: BoardError { code, message },
                ..
            } => {
                assert_eq!(code, ErrorCode::DoesNotFit);
                assert!(message.contains("needs 17 bits"), "{message}");
            }
            other => panic!("{other}"),
        }
        id.capabilities &= !capability::PHASES;
        let e = LinkPhases::new(&mut d, &id).err().unwrap();
        assert!(
            e.to_string().contains("does not support learning phases"),
            "{e}"
        );
    }
}
