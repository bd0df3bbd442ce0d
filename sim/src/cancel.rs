//! Stopping a batch early: once [`request`] is called (the command line does on Ctrl-C or
//! SIGTERM), the batch solvers start no further runs and return those that finished, so the
//! caller can report and record them instead of losing them. Runs in flight finish; a run is
//! never cut short, so every result returned is a whole run.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Asks every batch to stop starting runs (a store to an atomic: safe in a signal handler).
pub fn request() {
    REQUESTED.store(true, Ordering::Relaxed);
}

/// Whether a stop has been asked for.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

/// `f(r)` for each run `r` of `0..runs` in parallel, skipping those not started before a stop
/// was asked for; results in run order.
pub fn runs<T: Send>(runs: usize, f: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
    use rayon::prelude::*;
    (0..runs)
        .into_par_iter()
        .filter_map(|r| (!requested()).then(|| f(r)))
        .collect()
}
