//! Ctrl-C and SIGTERM: a batch command stops starting runs, then reports and records the runs
//! that finished (marked partial, exit code 130) instead of losing them; the emulator stops
//! serving and removes its link. The flag is `npim_sim::cancel`'s, so the solvers see it.

/// Whether Ctrl-C or SIGTERM has been received since [`install`].
pub fn requested() -> bool {
    npim_sim::cancel::requested()
}

extern "C" fn on_signal(_: libc::c_int) {
    npim_sim::cancel::request();
}

/// Routes SIGINT and SIGTERM to the stop flag (the handler only stores to an atomic, which is
/// async-signal-safe). A second Ctrl-C still does what the first asked for: the batch ends
/// after the runs in flight.
pub fn install() {
    let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: installing a handler that only stores to a static atomic.
    unsafe {
        libc::signal(libc::SIGINT, handler);
        libc::signal(libc::SIGTERM, handler);
    }
}

/// The exit code of an interrupted command (128 + SIGINT, as shells report it).
pub const EXIT_CODE: i32 = 130;

/// Raised by a command that stopped early after reporting what it finished.
#[derive(Debug, thiserror::Error)]
#[error("interrupted: {finished} of {asked} runs finished; the summary and the CSV hold those")]
pub struct Interrupted {
    /// Runs finished and reported.
    pub finished: usize,
    /// Runs asked for.
    pub asked: usize,
}

/// Before a batch's summary: a batch stopped before any run finished has nothing to report.
pub fn check_any(finished: usize, asked: usize) -> anyhow::Result<()> {
    if finished == 0 && requested() {
        return Err(Interrupted { finished, asked }.into());
    }
    Ok(())
}

/// After a batch's summary: when fewer runs finished than were asked for (a stop), says so and
/// fails with [`Interrupted`] (exit code [`EXIT_CODE`]); otherwise nothing.
pub fn check_finished(finished: usize, asked: usize) -> anyhow::Result<()> {
    if finished < asked {
        println!("partial   {finished} of {asked} runs (interrupted)");
        return Err(Interrupted { finished, asked }.into());
    }
    Ok(())
}
