//! `npim bench upload`: how long a core image takes to reach a board, against the raw byte time
//! of the link. The emulator runs in this process on a pseudo-terminal, paced as a UART at each
//! baud rate; the driver talks to it through the `serialport` crate as it would to a board. The
//! ratio shows what framing, CRC, acknowledgements and stop-and-wait turnarounds cost.

use crate::cli::UploadArgs;
use crate::link::board::Board;
use crate::link::driver::Driver;
use crate::link::pty::{serve, Pacing, Pty};
use crate::link::serial::SerialLink;
use crate::link::transport::Faults;
use anyhow::{anyhow, Context, Result};
use npim_sim::fixed::{quantize, CoreConfig, CoreImage};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

fn image(args: &UploadArgs) -> Result<Vec<u8>> {
    if let Some(p) = &args.image {
        let bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        CoreImage::from_bytes(&bytes).with_context(|| format!("{}", p.display()))?;
        return Ok(bytes);
    }
    let (g11, _) = crate::instance_source::load(&crate::cli::InstanceArgs {
        instance: None,
        generate: None,
        storage: crate::cli::StorageArg::Auto,
    })?;
    let params = crate::pipeline::handset_params(&g11);
    let core = CoreConfig::preset("sim").expect("preset");
    let (image, _) = quantize(&g11, &params, &core, 1000, 0).map_err(|e| anyhow!("{e}"))?;
    Ok(image.to_bytes())
}

pub fn upload(args: UploadArgs) -> Result<()> {
    let bytes = image(&args)?;
    let mut w = match &args.out {
        Some(p) => {
            Some(csv::Writer::from_path(p).with_context(|| format!("writing {}", p.display()))?)
        }
        None => None,
    };
    if let Some(w) = w.as_mut() {
        w.write_record([
            "baud",
            "image_bytes",
            "raw_s",
            "upload_s",
            "ratio",
            "frames",
        ])?;
    }
    println!(
        "image of {} bytes; raw = image bytes × 10 bits / baud (8N1); best of {}",
        bytes.len(),
        args.repeat
    );
    println!(
        "{:>9} {:>10} {:>10} {:>7} {:>7}",
        "baud", "raw s", "upload s", "ratio", "frames"
    );
    for &baud in &args.baud {
        let mut pty = Pty::open().context("opening a pseudo-terminal")?;
        let path = pty.path.clone();
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let server = std::thread::spawn(move || {
            let mut board = Board::new(CoreConfig::preset("sim").expect("preset"), [0; 32]);
            serve(
                &mut pty,
                &mut board,
                Pacing::Baud(baud),
                Faults::default(),
                1,
                &stop2,
            )
        });
        let mut driver =
            Driver::new(SerialLink::open(&path, baud).with_context(|| format!("opening {path}"))?);
        driver.timeout = std::time::Duration::from_secs(5);
        let mut best = f64::INFINITY;
        for _ in 0..args.repeat.max(1) {
            let t = Instant::now();
            driver.upload_unchecked(&bytes, &mut |_| {})?;
            best = best.min(t.elapsed().as_secs_f64());
        }
        stop.store(true, Ordering::Relaxed);
        let served = server
            .join()
            .map_err(|_| anyhow!("the emulator thread panicked"))??;
        let raw = bytes.len() as f64 * 10.0 / f64::from(baud);
        let frames = served.frames / args.repeat.max(1);
        println!(
            "{baud:>9} {raw:>10.4} {best:>10.4} {:>7.3} {frames:>7}",
            best / raw
        );
        if let Some(w) = w.as_mut() {
            w.write_record([
                baud.to_string(),
                bytes.len().to_string(),
                format!("{raw:.6}"),
                format!("{best:.6}"),
                format!("{:.4}", best / raw),
                frames.to_string(),
            ])?;
        }
    }
    if let (Some(mut w), Some(p)) = (w, &args.out) {
        w.flush()?;
        println!("wrote {}", p.display());
    }
    Ok(())
}
