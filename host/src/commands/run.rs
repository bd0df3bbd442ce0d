//! `npim run`: a core image through the serial protocol, on a board (`--port`) or on the
//! in-process board model (`--emulate`). Identify, check the image fits, upload, run each run
//! with a progress bar, read results, print `npim solve`'s summary.

use crate::cli::RunArgs;
use crate::commands::summary::{self, core_run, Summary};
use crate::link::board::Board;
use crate::link::driver::Driver;
use crate::link::serial::SerialLink;
use crate::link::transport::{Faults, LoopbackBoard, Transport};
use anyhow::{anyhow, bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use npim_sim::fixed::noise::run_seed;
use npim_sim::fixed::{CoreConfig, CoreImage};
use npim_sim::formats::read_instance;
use npim_sim::mapping::Mapped;
use npim_sim::Storage;
use std::time::{Duration, Instant};

pub fn parse_faults(text: &str) -> Result<Faults> {
    let v: Vec<f64> = text
        .split(',')
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .context("--faults: three numbers DROP,DUPLICATE,CORRUPT")?;
    if v.len() != 3 || v.iter().any(|p| !(0.0..1.0).contains(p)) {
        bail!("--faults: three probabilities in [0, 1), DROP,DUPLICATE,CORRUPT");
    }
    Ok(Faults {
        drop: v[0],
        duplicate: v[1],
        corrupt: v[2],
    })
}

pub fn run(args: RunArgs) -> Result<()> {
    let bytes =
        std::fs::read(&args.image).with_context(|| format!("reading {}", args.image.display()))?;
    let image =
        CoreImage::from_bytes(&bytes).with_context(|| format!("{}", args.image.display()))?;
    if args.runs == 0 {
        bail!("--runs must be at least 1");
    }
    match &args.port {
        Some(port) => {
            let link = SerialLink::open(port, args.baud)
                .with_context(|| format!("opening {port} at {} baud", args.baud))?;
            drive(Driver::new(link), &args, &bytes, &image, port)
        }
        None => {
            let faults = args
                .faults
                .as_deref()
                .map(parse_faults)
                .transpose()?
                .unwrap_or_default();
            let core = CoreConfig::load(&args.core).map_err(|e| anyhow!(e))?;
            let link = LoopbackBoard::new(Board::new(core, [0; 32]), faults, 1);
            let what = format!("in-process board model, faults {faults:?}");
            drive(Driver::new(link), &args, &bytes, &image, &what)
        }
    }
}

fn drive<T: Transport>(
    mut driver: Driver<T>,
    args: &RunArgs,
    bytes: &[u8],
    image: &CoreImage,
    link: &str,
) -> Result<()> {
    driver.retries = args.retries;
    driver.timeout = Duration::from_millis(args.timeout_ms);
    let instance = match &args.instance {
        Some(p) => read_instance(p, Storage::Auto)?,
        None => crate::instance_source::from_image(&args.image, image),
    };
    if instance.n() != image.n {
        bail!(
            "the instance has {} spins, the image {}",
            instance.n(),
            image.n
        );
    }
    let mapped = if instance.has_zero_field() {
        Mapped::max_cut(instance)
    } else {
        Mapped::ising(instance)
    };
    let identity = driver.identify().context("identifying the board")?;
    let seed = args.seed.unwrap_or(image.seed);
    let start = Instant::now();
    driver
        .upload(&identity, bytes)
        .with_context(|| format!("uploading {}", args.image.display()))?;
    let upload = start.elapsed().as_secs_f64();
    let steps = image.steps as u64;
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(u64::from(args.runs) * steps)
    };
    bar.set_style(
        ProgressStyle::with_template("board [{bar:40}] run {msg} ({elapsed}, eta {eta})")?
            .progress_chars("=> "),
    );
    let started = Instant::now();
    let mut progress = |r: u32, s: u32| {
        bar.set_message(format!("{}/{}", r + 1, args.runs));
        bar.set_position(u64::from(r) * steps + u64::from(s));
    };
    let results = if args.stepped {
        (0..args.runs)
            .map(|r| {
                let rs = run_seed(seed, r as usize);
                driver.run_stepped(&identity, rs, steps as u32, &mut |s| progress(r, s))
            })
            .collect::<Result<Vec<_>, _>>()
    } else {
        driver.run(args.runs, seed, &mut progress)
    }
    .context("running")?;
    let run_time = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    if let Some(path) = &args.trace {
        let trace = driver
            .trace(&identity, image.steps as u32)
            .context("reading the last run's trace")?;
        let golden = npim_sim::fixed::GoldenCore::new(image);
        let mut w =
            csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
        w.write_record(["step", "e4", "energy"])?;
        for (t, e4) in trace.iter().enumerate() {
            w.write_record([
                t.to_string(),
                e4.to_string(),
                summary::fmt_num(golden.energy(*e4)),
            ])?;
        }
        w.flush()?;
    }
    let runs: Vec<_> = results
        .into_iter()
        .enumerate()
        .map(|(r, b)| core_run(&mapped, r, b.run_seed, b.best_step as usize, b.best_spins))
        .collect();
    println!(
        "link      {link}: protocol {}, core N <= {}, {} J entries; {} retransmissions",
        identity.version, identity.core.n_max, identity.core.nnz_max, driver.retransmissions
    );
    println!(
        "image     {} ({} bytes, uploaded in {upload:.3} s)",
        args.image.display(),
        bytes.len()
    );
    summary::report(&Summary {
        mapped: &mapped,
        results: &runs,
        steps: image.steps,
        solver: if args.stepped {
            "board (fixed point), stepped"
        } else {
            "board (fixed point)"
        },
        seed,
        params_note: &format!("image {}", args.image.display()),
        target: args.target,
        default_target: None,
        out: args.out.as_deref(),
        time_note: &format!("{run_time:.3} s wall for {} runs on the board", args.runs),
    })?;
    if let Some(path) = &args.trace {
        println!("wrote     {} (last run's energy per step)", path.display());
    }
    Ok(())
}
