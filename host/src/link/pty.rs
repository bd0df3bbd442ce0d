//! The emulator's end of a pseudo-terminal pair, and the loop that answers the protocol on it.
//! The other end (`/dev/pts/N`) is what a user passes as `--port`: to the driver it is a serial
//! port like a board's.

use super::board::Board;
use super::transport::Faults;
use npim_proto::{encode, Deframer};
use npim_sim::rng::stream;
use std::collections::VecDeque;
use std::ffi::CStr;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::fs::OpenOptionsExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// A pseudo-terminal pair in raw mode.
pub struct Pty {
    master: File,
    /// Kept open so the pair stays up between clients (reading the master with no slave open
    /// fails on Linux) and so its raw mode holds.
    _slave: File,
    /// The slave's path.
    pub path: String,
}

fn check(rc: libc::c_int, what: &str) -> io::Result<()> {
    if rc < 0 {
        let e = io::Error::last_os_error();
        return Err(io::Error::new(e.kind(), format!("{what}: {e}")));
    }
    Ok(())
}

impl Pty {
    /// Opens a new pair.
    pub fn open() -> io::Result<Self> {
        // SAFETY: plain libc calls on a descriptor this function owns; `ptsname_r` writes at
        // most `buf.len()` bytes, NUL-terminated.
        unsafe {
            let fd = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
            check(fd, "posix_openpt")?;
            let master = File::from_raw_fd(fd);
            check(libc::grantpt(fd), "grantpt")?;
            check(libc::unlockpt(fd), "unlockpt")?;
            let mut buf = [0 as libc::c_char; 128];
            let rc = libc::ptsname_r(fd, buf.as_mut_ptr(), buf.len());
            if rc != 0 {
                return Err(io::Error::from_raw_os_error(rc));
            }
            let path = CStr::from_ptr(buf.as_ptr()).to_string_lossy().into_owned();
            let slave = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .custom_flags(libc::O_NOCTTY)
                .open(&path)?;
            let mut t: libc::termios = std::mem::zeroed();
            check(libc::tcgetattr(slave.as_raw_fd(), &mut t), "tcgetattr")?;
            libc::cfmakeraw(&mut t);
            check(
                libc::tcsetattr(slave.as_raw_fd(), libc::TCSANOW, &t),
                "tcsetattr",
            )?;
            Ok(Pty {
                master,
                _slave: slave,
                path,
            })
        }
    }
}

/// How the emulator paces its replies: as a UART at `baud` would carry the bytes (10 bits a
/// byte, 8N1), or as fast as the pseudo-terminal goes.
#[derive(Clone, Copy, Debug)]
pub enum Pacing {
    /// No delay.
    None,
    /// A UART at this many baud.
    Baud(u32),
}

impl Pacing {
    fn wire_time(&self, bytes: usize) -> Duration {
        match self {
            Pacing::None => Duration::ZERO,
            Pacing::Baud(b) => Duration::from_secs_f64(bytes as f64 * 10.0 / f64::from(*b)),
        }
    }
}

/// What the serve loop counted.
#[derive(Clone, Copy, Debug, Default)]
pub struct Served {
    /// Frames answered.
    pub frames: usize,
    /// Bytes received.
    pub bytes_in: usize,
    /// Bytes sent.
    pub bytes_out: usize,
}

/// Waits up to `timeout` for the descriptor to be readable.
fn readable(fd: i32, timeout: Duration) -> io::Result<bool> {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd for the call's duration.
    let rc = unsafe { libc::poll(&mut p, 1, timeout.as_millis() as libc::c_int) };
    if rc < 0 {
        let e = io::Error::last_os_error();
        if e.kind() == io::ErrorKind::Interrupted {
            return Ok(false);
        }
        return Err(e);
    }
    Ok(rc > 0)
}

/// Answers the protocol on `pty` with `board` until `stop` is set; bytes in both directions
/// pass through a wire with `faults` (seeded by `seed`).
pub fn serve(
    pty: &mut Pty,
    board: &mut Board,
    pacing: Pacing,
    faults: Faults,
    seed: u64,
    stop: &AtomicBool,
) -> io::Result<Served> {
    let mut rng = stream(seed, 78);
    let mut wire = VecDeque::new();
    let mut deframer = Deframer::new();
    let mut served = Served::default();
    let mut buf = vec![0u8; 4096];
    let fd = pty.master.as_raw_fd();
    let mut uncharged = 0usize;
    while !stop.load(Ordering::Relaxed) {
        if !readable(fd, Duration::from_millis(50))? {
            continue;
        }
        let n = match pty.master.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        served.bytes_in += n;
        faults.apply(&buf[..n], &mut rng, &mut wire);
        let arrived: Vec<u8> = wire.drain(..).collect();
        // bytes read so far are charged to the next reply
        uncharged += n;
        for frame in deframer.push(&arrived) {
            if let Some(reply) = board.handle(frame) {
                let bytes = encode(&reply);
                std::thread::sleep(pacing.wire_time(uncharged + bytes.len()));
                uncharged = 0;
                faults.apply(&bytes, &mut rng, &mut wire);
                let sent: Vec<u8> = wire.drain(..).collect();
                pty.master.write_all(&sent)?;
                served.frames += 1;
                served.bytes_out += bytes.len();
            }
        }
    }
    Ok(served)
}

/// Passes bytes between `pty` and a byte-level board (the serial core's RTL simulation) until
/// `stop` is set, through a wire with `faults` in both directions.
pub fn serve_bytes(
    pty: &mut Pty,
    board: &mut npim_hdl::builds::rtl::serial_sim::SerialSim,
    faults: Faults,
    seed: u64,
    stop: &AtomicBool,
) -> io::Result<Served> {
    let mut rng = stream(seed, 79);
    let mut wire = VecDeque::new();
    let mut served = Served::default();
    let mut buf = vec![0u8; 4096];
    let fd = pty.master.as_raw_fd();
    while !stop.load(Ordering::Relaxed) {
        if readable(fd, Duration::from_millis(2))? {
            match pty.master.read(&mut buf) {
                Ok(n) => {
                    served.bytes_in += n;
                    faults.apply(&buf[..n], &mut rng, &mut wire);
                    let arrived: Vec<u8> = wire.drain(..).collect();
                    board.send(&arrived)?;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let out = board.recv(Duration::from_millis(1))?;
        if !out.is_empty() {
            served.frames += out.iter().filter(|&&b| b == 0).count();
            faults.apply(&out, &mut rng, &mut wire);
            let sent: Vec<u8> = wire.drain(..).collect();
            served.bytes_out += sent.len();
            pty.master.write_all(&sent)?;
        }
    }
    Ok(served)
}
