//! The board's learning commands (capability PHASES, `docs/protocol.md`): SET_LINEAR writes
//! linear terms into the committed image in place (as the RTL engine writes its `l` memory),
//! SET_START fills, page by page, the start spins of the phases RUN_PHASE starts; READ_WINDOW
//! reads back the spins of the last phase's final steps.

use super::{err, golden_run, Board, Engine};
use npim_proto::message::{BoardError, ErrorCode, MAX_LINEAR, MAX_START, MAX_WINDOW_SPINS};
use npim_proto::reply::{pack_spins, unpack_spins};
use npim_sim::fixed::{GoldenCore, RunStart};
use std::sync::Arc;

/// Start spins being sent, and those set (the linear terms live in the committed image).
#[derive(Default)]
pub(super) struct PhaseInputs {
    start_sent: Vec<i8>,
    set: RunStart,
}

impl Board {
    /// The RTL engine has no phases: its core runs whole runs of the image as committed.
    fn phases_supported(&self, command: &str) -> Result<(), BoardError> {
        match self.engine {
            Engine::Golden => Ok(()),
            Engine::Rtl(..) => Err(err(
                ErrorCode::UnknownCommand,
                format!("{command}: the RTL core has no learning phases"),
            )),
        }
    }

    /// Where a page must start: 0 (a new set) or where the last page ended.
    fn in_order(first: u32, sent: usize, count: usize, n: usize) -> Result<(), BoardError> {
        if first != 0 && first as usize != sent {
            return Err(err(
                ErrorCode::OutOfOrder,
                format!("page from spin {first}; the set continues at spin {sent}"),
            ));
        }
        if first as usize + count > n {
            return Err(err(
                ErrorCode::BadLength,
                format!("spins {first}..{} of {n}", first as usize + count),
            ));
        }
        Ok(())
    }

    /// Terms `first..` of the committed image's linear terms, in place: for every later RUN
    /// and RUN_PHASE, until the next image. A page is checked whole (each term against the
    /// core's `linear_bits` and its spin's field budget, with the rest of the terms as they
    /// stand) and written only if every term fits.
    pub(super) fn set_linear(
        &mut self,
        first: u32,
        values: Vec<i32>,
    ) -> Result<Vec<u8>, BoardError> {
        self.phases_supported("SET_LINEAR")?;
        let image = self
            .image
            .clone()
            .ok_or_else(|| err(ErrorCode::NotReady, "no committed image"))?;
        let n = image.n;
        if values.len() > MAX_LINEAR {
            return Err(err(ErrorCode::BadLength, "too many terms in one page"));
        }
        let first = first as usize;
        if first + values.len() > n {
            return Err(err(
                ErrorCode::BadLength,
                format!("terms {first}..{} of {n}", first + values.len()),
            ));
        }
        let mut linear = image.linear.clone();
        linear[first..first + values.len()].copy_from_slice(&values);
        let candidate = RunStart {
            linear: Some(linear),
            spins: None,
        };
        candidate
            .check(&image, &self.core)
            .map_err(|e| err(ErrorCode::DoesNotFit, e.to_string()))?;
        let mut in_place = (*image).clone();
        in_place.linear = candidate.linear.expect("set above");
        self.golden = Some(Arc::new(GoldenCore::new(&in_place)));
        self.image = Some(Arc::new(in_place));
        Ok(Vec::new())
    }

    pub(super) fn set_start(
        &mut self,
        first: u32,
        count: u16,
        bits: &[u8],
    ) -> Result<Vec<u8>, BoardError> {
        self.phases_supported("SET_START")?;
        let n = self.committed()?.n();
        let count = usize::from(count);
        if count > MAX_START {
            return Err(err(ErrorCode::BadLength, "too many spins in one page"));
        }
        let inputs = &mut self.phase_inputs;
        if first == 0 && count == 0 {
            inputs.start_sent.clear();
            inputs.set.spins = None;
            return Ok(Vec::new());
        }
        Self::in_order(first, inputs.start_sent.len(), count, n)?;
        inputs.start_sent.truncate(first as usize);
        inputs.start_sent.extend(unpack_spins(bits, count));
        if inputs.start_sent.len() == n {
            inputs.set.spins = Some(std::mem::take(&mut inputs.start_sent));
        }
        Ok(Vec::new())
    }

    pub(super) fn run_phase(&mut self, run_seed: u32, window: u16) -> Result<Vec<u8>, BoardError> {
        self.phases_supported("RUN_PHASE")?;
        let golden = self.committed()?;
        let window = usize::from(window);
        if window == 0 || window > golden.steps() {
            return Err(err(
                ErrorCode::BadLength,
                format!("a window of {window} steps; a run has {}", golden.steps()),
            ));
        }
        self.core
            .window_fits(golden.n(), window)
            .map_err(|e| err(ErrorCode::DoesNotFit, e))?;
        let start = self.phase_inputs.set.clone();
        self.start_background(move |shared| golden_run(&golden, run_seed, &start, window, shared));
        Ok(Vec::new())
    }

    pub(super) fn read_window(&self, first: u32, count: u16) -> Result<Vec<u8>, BoardError> {
        self.phases_supported("READ_WINDOW")?;
        let f = self
            .finished
            .as_ref()
            .filter(|f| !f.window.is_empty())
            .ok_or_else(|| err(ErrorCode::NotReady, "no finished phase"))?;
        let (first, count) = (first as usize, usize::from(count));
        let n = f.window[0].len();
        let total = n * f.window.len();
        if count > MAX_WINDOW_SPINS || first + count > total {
            return Err(err(
                ErrorCode::BadLength,
                format!(
                    "positions {first}..{} of a window of {} steps × {n} spins",
                    first + count,
                    f.window.len()
                ),
            ));
        }
        let spins: Vec<i8> = (first..first + count)
            .map(|p| f.window[p / n][p % n])
            .collect();
        Ok(pack_spins(&spins))
    }
}
