//! `npim quantize` and `npim solve --algo golden` from the command line.

use super::util::{field, npim, shared, stderr, stdout};

#[test]
fn quantize_then_run_the_image_equals_quantizing_on_the_fly() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("g11.npimg");
    let g11 = shared("gset/G11.txt");
    let o = npim(&[
        "quantize",
        "-i",
        &g11,
        "--core",
        "icebreaker",
        "-T",
        "300",
        "--seed",
        "4",
        "-o",
        image.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("instance exact"), "{}", stdout(&o));
    let a = npim(&[
        "solve",
        "--algo",
        "golden",
        "-i",
        &g11,
        "--image",
        image.to_str().unwrap(),
        "-R",
        "6",
        "-q",
    ]);
    let b = npim(&[
        "solve",
        "--algo",
        "golden",
        "-i",
        &g11,
        "--core",
        "icebreaker",
        "-T",
        "300",
        "--seed",
        "4",
        "-R",
        "6",
        "-q",
    ]);
    assert!(
        a.status.success() && b.status.success(),
        "{}{}",
        stderr(&a),
        stderr(&b)
    );
    assert_eq!(field(&stdout(&a), "best"), field(&stdout(&b), "best"));
    assert_eq!(field(&stdout(&a), "P_s"), field(&stdout(&b), "P_s"));
    // a damaged image is refused
    let mut bytes = std::fs::read(&image).unwrap();
    let k = bytes.len() / 2;
    bytes[k] ^= 1;
    std::fs::write(&image, &bytes).unwrap();
    let o = npim(&[
        "solve",
        "--algo",
        "golden",
        "-i",
        &g11,
        "--image",
        image.to_str().unwrap(),
        "-q",
    ]);
    assert!(
        !o.status.success() && stderr(&o).contains("CRC mismatch"),
        "{}",
        stderr(&o)
    );
}

/// A core file with a scatter engine (an incremental matvec's: 32 lanes of 4 096 words, the
/// `rtl` build's limits otherwise): `npim quantize` writes a version-2 image carrying G22's row
/// layout, which runs as the plain image does; an engine too shallow for G22's layout is
/// refused with its words, and nothing is written.
#[test]
fn a_core_with_a_scatter_engine_gets_images_with_a_row_layout() {
    let dir = tempfile::tempdir().unwrap();
    let g22 = shared("gset/G22.txt");
    let core = |words: usize| {
        let path = dir.path().join(format!("scatter-{words}.toml"));
        std::fs::write(
            &path,
            format!(
                "name = \"scatter\"\nn_max = 2048\nnnz_max = 65536\nstorage = \"sparse\"\n\
                 lanes = 32\nj_bits = 8\nfield_bits = 16\ntc_max = 16\nd_max = 8\nw_bits = 15\n\
                 act_frac = 8\nz_bits = 14\ntable_bits = 8\nknots_max = 64\nt_max = 1048575\n\
                 [scatter]\nlanes = 32\nwords = {words}\n"
            ),
        )
        .unwrap();
        path.to_str().unwrap().to_string()
    };
    let quantize = |core: &str, out: &std::path::Path| {
        npim(&[
            "quantize",
            "-i",
            &g22,
            "--core",
            core,
            "-T",
            "50",
            "--seed",
            "2",
            "-o",
            out.to_str().unwrap(),
        ])
    };
    let (with, plain) = (
        dir.path().join("layout.npimg"),
        dir.path().join("plain.npimg"),
    );
    let o = quantize(&core(4096), &with);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = quantize("rtl", &plain);
    assert!(o.status.success(), "{}", stderr(&o));
    let (a, b) = (
        std::fs::read(&with).unwrap(),
        std::fs::read(&plain).unwrap(),
    );
    assert_eq!((a[8], a[41], a.len()), (2, 5, b.len() + 2000));
    assert_eq!((b[8], b[41]), (1, 0));
    let solve = |image: &std::path::Path| {
        let o = npim(&[
            "solve",
            "--algo",
            "golden",
            "-i",
            &g22,
            "--image",
            image.to_str().unwrap(),
            "-R",
            "3",
            "-q",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        field(&stdout(&o), "best").to_string()
    };
    assert_eq!(solve(&with), solve(&plain));
    let shallow = dir.path().join("shallow.npimg");
    let o = quantize(&core(2048), &shallow);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("the engine holds 2048"),
        "{}",
        stderr(&o)
    );
    assert!(!shallow.exists(), "nothing written on failure");
}

#[test]
fn an_instance_too_large_for_the_core_is_refused_with_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let g22 = shared("gset/G22.txt");
    let out = dir.path().join("x.npimg");
    let o = npim(&[
        "quantize",
        "-i",
        &g22,
        "--core",
        "icebreaker",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("holds at most 800 (over by 1200)"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists(), "nothing written on failure");
    let o = npim(&[
        "solve", "--algo", "golden", "-i", &g22, "--core", "nonsense", "-q",
    ]);
    assert!(stderr(&o).contains("not a preset"), "{}", stderr(&o));
}

#[test]
fn run_through_the_emulated_link_equals_the_golden_model() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("g11.npimg");
    let g11 = shared("gset/G11.txt");
    assert!(npim(&[
        "quantize",
        "-i",
        &g11,
        "-p",
        "handset",
        "-T",
        "150",
        "--seed",
        "3",
        "-o",
        image.to_str().unwrap()
    ])
    .status
    .success());
    let golden = npim(&[
        "solve",
        "--algo",
        "golden",
        "-i",
        &g11,
        "--image",
        image.to_str().unwrap(),
        "-R",
        "4",
        "-q",
    ]);
    let golden_best = field(&stdout(&golden), "best").to_string();
    for faults in ["0,0,0", "0.0001,0.0001,0.0001"] {
        let o = npim(&[
            "run",
            "--emulate",
            "--image",
            image.to_str().unwrap(),
            "-R",
            "4",
            "-i",
            &g11,
            "--faults",
            faults,
            "--retries",
            "30",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        // the same best cut, energy, run and step as the golden model
        assert_eq!(field(&out, "best"), golden_best, "faults {faults}");
    }
    let o = npim(&[
        "run",
        "--emulate",
        "--image",
        image.to_str().unwrap(),
        "--faults",
        "0.5,0,0",
        "--retries",
        "2",
    ]);
    assert!(
        !o.status.success() && stderr(&o).contains("no valid reply to Identify"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn hil_with_an_ideal_loop_equals_the_golden_model_and_writes_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("g11.npimg");
    let g11 = shared("gset/G11.txt");
    assert!(npim(&[
        "quantize",
        "-i",
        &g11,
        "-p",
        "handset",
        "-T",
        "200",
        "-o",
        image.to_str().unwrap()
    ])
    .status
    .success());
    let cfg = dir.path().join("ideal.toml");
    std::fs::write(&cfg, "oscillator = \"ideal\"\ndac_bits = 0\nadc_bits = 0\n").unwrap();
    let (hil_csv, golden_csv) = (dir.path().join("hil.csv"), dir.path().join("golden.csv"));
    let (trace, png) = (dir.path().join("trace.csv"), dir.path().join("run.png"));
    let o = npim(&[
        "hil",
        "--image",
        image.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
        "-R",
        "4",
        "-q",
        "-o",
        hil_csv.to_str().unwrap(),
        "--trace",
        trace.to_str().unwrap(),
        "--plot",
        png.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = npim(&[
        "solve",
        "--algo",
        "golden",
        "--image",
        image.to_str().unwrap(),
        "-R",
        "4",
        "-q",
        "-o",
        golden_csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&hil_csv).unwrap(),
        std::fs::read_to_string(&golden_csv).unwrap()
    );
    let rows = std::fs::read_to_string(&trace).unwrap();
    assert_eq!(rows.lines().count(), 201);
    assert!(rows.starts_with("step,energy,x0,"));
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    // the physical models run too, and host-in-the-loop over a port says what it lacks
    for osc in ["opo", "cmos", "pmcim"] {
        let o = npim(&[
            "hil",
            "--image",
            image.to_str().unwrap(),
            "--oscillator",
            osc,
            "-R",
            "2",
            "-q",
        ]);
        assert!(o.status.success(), "{osc}: {}", stderr(&o));
    }
    let o = npim(&[
        "hil",
        "--image",
        image.to_str().unwrap(),
        "--mode",
        "cim",
        "--beta",
        "0.1",
        "-R",
        "2",
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // the sweep writes its table and chart; the ideal model at ADC 0 (ideal) equals digital
    let sweep = dir.path().join("sweep");
    let sk = format!("{}:-62", shared("sk/SK1_N20_0.txt"));
    let o = npim(&[
        "study",
        "hil",
        "-i",
        &sk,
        // with the hand-set rule the ideal point equals the digital run; the default 10-bit DAC
        // rounds a trained rule's drives, so its ideal point does not (2026-12-04)
        "-p",
        "handset",
        "--oscillator",
        "ideal",
        "--adc",
        "0,4",
        "--noise",
        "0",
        "-R",
        "20",
        "-o",
        sweep.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = std::fs::read_to_string(sweep.join("hil.csv")).unwrap();
    let ideal = table
        .lines()
        .find(|l| l.contains(",0,0,"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(ideal.ends_with(",1.000"), "{ideal}");
    assert!(std::fs::read(sweep.join("hil.png"))
        .unwrap()
        .starts_with(b"\x89PNG"));
    let o = npim(&[
        "hil",
        "--image",
        image.to_str().unwrap(),
        "--port",
        "/dev/ttyUSB0",
    ]);
    // no board there: a clear error naming the port, before anything runs
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("opening /dev/ttyUSB0 at 115200 baud"),
        "{}",
        stderr(&o)
    );
}
