//! Learning phases on the RTL core under Verilator, in process (`npim ep train --rtl`): each
//! phase runs the core's generated Verilog on an image that carries the phase's linear terms,
//! and the window's spins come from the run's per-step trace. A check that EP on the hardware
//! description equals EP on the golden model, until the command engine has the phase commands
//! (then a board runs them without a new image per phase). Start spins (reverse annealing) need
//! those commands and are refused.

use npim_hdl::builds::Build;
use npim_hdl::harness::verilator::Harness;
use npim_sim::ep::{PhaseCore, PhaseJob};
use npim_sim::fixed::{CoreImage, GoldenCore, PhaseResult};
use rayon::prelude::*;

/// An RTL build's core under Verilator as a [`PhaseCore`].
pub struct RtlPhases<'a> {
    harness: &'a Harness,
    build: &'a Build,
    loaded: Option<(CoreImage, Vec<(usize, usize)>)>,
}

impl<'a> RtlPhases<'a> {
    /// Phases on `build`'s core, simulated by `harness` (its built Verilator model).
    pub fn new(harness: &'a Harness, build: &'a Build) -> Self {
        RtlPhases {
            harness,
            build,
            loaded: None,
        }
    }
}

impl PhaseCore for RtlPhases<'_> {
    fn load(&mut self, image: &CoreImage) -> Result<(), String> {
        (self.build.check_image)(image)?;
        self.loaded = Some((image.clone(), GoldenCore::new(image).pairs()));
        Ok(())
    }

    fn run(
        &mut self,
        jobs: &[PhaseJob],
        on_done: &(dyn Fn() + Sync),
    ) -> Result<Vec<PhaseResult>, String> {
        let (image, pairs) = self.loaded.as_ref().ok_or("no image loaded")?;
        if jobs.iter().any(|j| j.start.spins.is_some()) {
            return Err(
                "start spins (--reverse) need the core's phase commands, which the RTL does not have yet; leave out --reverse with --rtl"
                    .into(),
            );
        }
        jobs.par_iter()
            .map(|job| {
                let mut img = image.clone();
                if let Some(l) = &job.start.linear {
                    img.linear.clone_from(l);
                }
                let trace = (self.build.run_verilator)(self.harness, &img, job.run_seed)?;
                if trace.steps.len() != img.steps {
                    return Err(format!(
                        "the RTL run gave {} steps of {}",
                        trace.steps.len(),
                        img.steps
                    ));
                }
                let from = img.steps.saturating_sub(job.window);
                let window: Vec<Vec<i8>> = trace.steps[from..]
                    .iter()
                    .map(|s| s.spins.iter().map(|&b| if b { -1 } else { 1 }).collect())
                    .collect();
                on_done();
                Ok(PhaseResult::from_window(pairs, &window))
            })
            .collect()
    }
}
