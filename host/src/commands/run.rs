//! `npim run`: runs through the serial protocol, on a board (`--port`) or on the in-process
//! board model (`--emulate`). Identify the board; take the given core image, or quantize the
//! instance and parameters for the core the board reports; check the image fits, upload, run
//! each run with a progress bar, read results, print `npim solve`'s summary.

use crate::cli::RunArgs;
use crate::link::board::Board;
use crate::link::driver::{Driver, LinkError};
use crate::link::serial::SerialLink;
use crate::link::transport::{LoopbackBoard, Transport};
use crate::options::{check_outputs, check_target, parse_faults};
use crate::pipeline::{core_config, default_target, params_for, read_image};
use crate::report::{self, core_run, Summary};
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use npim_sim::fixed::noise::run_seed;
use npim_sim::fixed::quantize::check_instance;
use npim_sim::fixed::{quantize, CoreImage};
use npim_sim::formats::read_instance;
use npim_sim::mapping::Mapped;
use npim_sim::Storage;
use std::time::Instant;

/// Times one run is begun again after the board lost its image during it.
const RESETS_PER_RUN: usize = 3;

pub fn run(args: RunArgs) -> Result<()> {
    check_outputs(
        &[
            ("-o", args.report.out.as_deref()),
            ("--trace", args.trace.as_deref()),
        ],
        &[
            args.image.as_deref(),
            args.instance.as_deref(),
            args.params.as_deref(),
        ],
    )?;
    let given = args.image.as_deref().map(read_image).transpose()?;
    if given.is_none() && args.instance.is_none() {
        bail!("give a core image (--image FILE) or an instance (-i FILE, with -p PARAMS) to quantize for the board's core");
    }
    match &args.port {
        Some(port) => {
            let link = SerialLink::open(port, args.link.baud)
                .with_context(|| format!("opening {port} at {} baud", args.link.baud))?;
            drive(Driver::new(link), &args, given, port)
        }
        None => {
            let faults = args
                .faults
                .as_deref()
                .map(parse_faults)
                .transpose()?
                .unwrap_or_default();
            let core = core_config(&args.core)?;
            let board = Board::new(core, [0; 32]).reset_every(args.reset_every);
            let link = LoopbackBoard::new(board, faults, 1);
            let what = format!(
                "in-process board model, faults {faults:?}{}",
                args.reset_every
                    .map(|k| format!(", a reset every {k} commands"))
                    .unwrap_or_default()
            );
            drive(Driver::new(link), &args, given, &what)
        }
    }
}

/// Where the image came from, for the summary.
fn image_note(args: &RunArgs, image: &CoreImage) -> String {
    match &args.image {
        Some(p) => format!("image {}", p.display()),
        None => format!(
            "quantized for the board's core ({}, T = {}, {} knots)",
            args.params
                .as_deref()
                .map_or("the built-in hand-set rule".into(), |p| p
                    .display()
                    .to_string()),
            image.steps,
            image.knots()
        ),
    }
}

fn drive<T: Transport>(
    mut driver: Driver<T>,
    args: &RunArgs,
    given: Option<CoreImage>,
    link: &str,
) -> Result<()> {
    args.link.configure(&mut driver);
    let identity = driver.identify().context("identifying the board")?;
    let (image, instance) = match (given, &args.instance) {
        (Some(image), Some(p)) => {
            let ising = read_instance(p, Storage::Auto)?;
            check_instance(&image, &ising).map_err(|e| {
                anyhow::anyhow!("the image was not quantized from {}: {e}", p.display())
            })?;
            (image, ising)
        }
        (Some(image), None) => {
            let path = args.image.as_deref().expect("an image file");
            let ising = crate::instance_source::from_image(path, &image);
            (image, ising)
        }
        (None, Some(p)) => {
            let ising = read_instance(p, Storage::Auto)?;
            let params = params_for(args.params.as_deref(), &ising)?;
            let steps = args.steps.unwrap_or(ising.n());
            let (image, _) = quantize(
                &ising,
                &params,
                &identity.core,
                steps,
                args.seed.value.unwrap_or(0),
            )
            .with_context(|| format!("{} does not fit the board's core", p.display()))?;
            (image, ising)
        }
        (None, None) => unreachable!("checked in run"),
    };
    if instance.n() != image.n {
        bail!(
            "the instance has {} spins, the image {}",
            instance.n(),
            image.n
        );
    }
    let bundled = false;
    let mapped = if instance.has_zero_field() {
        Mapped::max_cut(instance)
    } else {
        Mapped::ising(instance)
    };
    check_target(
        args.report.target,
        mapped.problem == npim_sim::mapping::Problem::MaxCut,
    )?;
    let bytes = image.to_bytes();
    let bytes = &bytes[..];
    let image = &image;
    let seed = args.seed.value.unwrap_or(image.seed);
    let start = Instant::now();
    driver
        .upload(&identity, bytes)
        .context("uploading the image")?;
    let upload = start.elapsed().as_secs_f64();
    let steps = image.steps as u64;
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(args.runs.count as u64 * steps)
    };
    bar.set_style(
        ProgressStyle::with_template("board [{bar:40}] run {msg} ({elapsed}, eta {eta})")?
            .progress_chars("=> "),
    );
    let started = Instant::now();
    let progress = |r: u32, s: u32| {
        bar.set_message(format!("{}/{}", r + 1, args.runs.count));
        bar.set_position(u64::from(r) * steps + u64::from(s));
    };
    // run by run, so that a stop (Ctrl-C) keeps the runs that finished
    let mut results = Vec::with_capacity(args.runs.count);
    let mut reuploads = 0usize;
    for r in 0..args.runs.count as u32 {
        if crate::interrupt::requested() {
            break;
        }
        let rs = run_seed(seed, r as usize);
        let attempt = |driver: &mut Driver<T>| {
            if args.stepped {
                driver.run_stepped(&identity, rs, steps as u32, &mut |s| progress(r, s))
            } else {
                driver.run_once(rs, &mut |s| progress(r, s))
            }
        };
        // a board that was reset mid-batch gets the image again and the run again (a run is
        // a function of its seed, so the result is the one it would have given), a few times
        let mut result = attempt(&mut driver);
        for _ in 0..RESETS_PER_RUN {
            let Err(LinkError::Reset(why)) = &result else {
                break;
            };
            bar.suspend(|| {
                eprintln!("warning: run {r}: the board lost its image ({why}); uploading it again")
            });
            reuploads += 1;
            driver
                .upload(&identity, bytes)
                .context("uploading the image again after a board reset")?;
            result = attempt(&mut driver);
        }
        results.push(result.with_context(|| format!("running run {r} (seed {rs})"))?);
    }
    crate::interrupt::check_any(results.len(), args.runs.count)?;
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
                report::fmt_num(golden.energy(*e4)),
            ])?;
        }
        w.flush()?;
    }
    let runs: Vec<_> = results
        .into_iter()
        .enumerate()
        .map(|(r, b)| core_run(&mapped, r, b.run_seed, b.best_step as usize, b.best_spins))
        .collect();
    let reset_note = match (reuploads, driver.upload_restarts) {
        (0, 0) => String::new(),
        (runs, uploads) => format!(
            "; the board lost its image {} ({runs} during runs, {uploads} during uploads), \
             uploaded again",
            match runs + uploads {
                1 => "once".to_string(),
                n => format!("{n} times"),
            }
        ),
    };
    println!(
        "link      {link}: protocol {}, core N <= {}, {} J entries; {} retransmissions{reset_note}",
        identity.version, identity.core.n_max, identity.core.nnz_max, driver.retransmissions
    );
    let note = image_note(args, image);
    println!(
        "image     {note} ({} bytes, uploaded in {upload:.3} s)",
        bytes.len()
    );
    report::report(&Summary {
        mapped: &mapped,
        results: &runs,
        steps: image.steps,
        solver: if args.stepped {
            "board (fixed point), stepped"
        } else {
            "board (fixed point)"
        },
        seed,
        params_note: &note,
        target: args.report.target,
        default_target: default_target(&mapped, bundled),
        out: args.report.out.as_deref(),
        time_note: &format!("{run_time:.3} s wall for {} runs on the board", runs.len()),
    })?;
    crate::interrupt::check_finished(runs.len(), args.runs.count)?;
    if let Some(path) = &args.trace {
        println!("wrote     {} (last run's energy per step)", path.display());
    }
    Ok(())
}
