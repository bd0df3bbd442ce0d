//! The driver's tests against the in-process board model: clean and faulty wires, uploads,
//! runs, external mode, resets.

use super::*;
use crate::link::board::Board;
use crate::link::transport::{Faults, LoopbackBoard};
use npim_sim::fixed::{quantize, CoreConfig, GoldenCore, GoldenState};
use npim_sim::formats::read_instance;
use npim_sim::npim::params::field_scale;
use npim_sim::npim::NpimParams;
use npim_sim::Storage;
use std::path::PathBuf;

fn g11_image(steps: usize) -> (Vec<u8>, GoldenCore) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/gset/G11.txt");
    let ising = read_instance(&root, Storage::Auto).unwrap();
    let params = NpimParams::annealed_greedy(field_scale(&ising), 2.0, 0.5);
    let (image, _) = quantize(
        &ising,
        &params,
        &CoreConfig::preset("icebreaker").unwrap(),
        steps,
        0,
    )
    .unwrap();
    (image.to_bytes(), GoldenCore::new(&image))
}

fn board() -> Board {
    Board::new(CoreConfig::preset("icebreaker").unwrap(), [7; 32])
}

fn link(faults: Faults, seed: u64) -> Driver<LoopbackBoard> {
    Driver::new(LoopbackBoard::new(board(), faults, seed))
}

#[test]
fn a_reset_board_is_recognised_and_runs_again_after_a_new_upload() {
    let (bytes, core) = g11_image(50);
    let mut d = link(Faults::default(), 1);
    let id = d.identify().unwrap();
    d.upload(&id, &bytes).unwrap();
    let before = d.run_once(run_seed(3, 0), &mut |_| {}).unwrap();
    // a power cycle: the board forgets its image
    d.link.board = board();
    match d.run_once(run_seed(3, 0), &mut |_| {}) {
        Err(LinkError::Reset(why)) => assert!(why.contains("NotReady"), "{why}"),
        other => panic!("expected a reset, got {other:?}"),
    }
    d.upload(&id, &bytes).unwrap();
    let after = d.run_once(run_seed(3, 0), &mut |_| {}).unwrap();
    assert_eq!(after, before);
    assert_eq!(after.best_e4, core.run(0, run_seed(3, 0)).best_e4);
}

#[test]
fn a_board_error_is_printed_once_in_a_chain() {
    let e = anyhow::Error::from(LinkError::Board {
        command: "Load".into(),
        reply: BoardError {
            code: ErrorCode::Busy,
            message: String::new(),
        },
    })
    .context("uploading the image");
    assert_eq!(
        format!("{e:#}"),
        "uploading the image: Load: board error Busy: a run is in progress"
    );
}

#[test]
fn external_steps_page_drives_and_spins_and_refuse_misuse() {
    // G11: 800 spins, so DRIVE takes 7 pages and the golden state is the reference.
    let (bytes, core) = g11_image(6);
    let mut d = link(Faults::default(), 3);
    let id = d.identify().unwrap();
    assert_ne!(id.capabilities & capability::EXTERNAL, 0);
    d.upload(&id, &bytes).unwrap();
    // MEASURE with no external run, then before its step's DRIVE
    let m = |first: u32, spins: &[i8]| Command::Measure {
        first,
        count: spins.len() as u16,
        bits: pack_spins(spins),
    };
    let code = |r: Result<Vec<u8>, LinkError>| match r {
        Err(LinkError::Board { reply, .. }) => reply.code,
        other => panic!("{other:?}"),
    };
    assert_eq!(code(d.call(&m(0, &[1; 8]))), ErrorCode::NotReady);
    let mut golden = GoldenState::new(&core, 44);
    let mut flip = 1i8;
    for t in 0..6u32 {
        let (step, y) = d.drive(&id, 44, 800).unwrap();
        assert_eq!(step, t);
        let want = golden.pre_sign();
        assert_eq!(y.iter().map(|&v| i128::from(v)).collect::<Vec<_>>(), want);
        // some spins disagree with sign(y): the board must take what was measured
        let spins: Vec<i8> = want
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                if i % 7 == 0 {
                    flip
                } else if v < 0 {
                    -1
                } else {
                    1
                }
            })
            .collect();
        flip = -flip;
        if t == 0 {
            // out of order: a page that skips spins
            assert_eq!(code(d.call(&m(8, &spins[8..16]))), ErrorCode::OutOfOrder);
            // a page that runs past N
            let long = Command::Measure {
                first: 0,
                count: 801,
                bits: pack_spins(&[1; 801]),
            };
            assert_eq!(code(d.call(&long)), ErrorCode::BadLength);
        }
        let r = d.measure(&spins).unwrap();
        assert_eq!((r.received, r.step), (800, t));
        assert_eq!(r.e4, golden.apply(&spins));
    }
    // the run is over after T steps: READ_RESULT holds its best
    let best = RunResult::parse(&d.call(&Command::ReadResult).unwrap()).unwrap();
    assert_eq!(best.run_seed, 44);
    assert_eq!(d.status().unwrap().state, BoardState::Done);
}

#[test]
fn a_clean_link_gives_the_golden_results() {
    let (bytes, core) = g11_image(200);
    let mut d = link(Faults::default(), 1);
    let id = d.identify().unwrap();
    assert_eq!(id.core.n_max, 800);
    assert_eq!(id.hash, [7; 32]);
    d.upload(&id, &bytes).unwrap();
    let mut polled = 0;
    let results = d.run(4, 9, &mut |_, _| polled += 1).unwrap();
    assert!(polled >= 4);
    for (r, got) in results.iter().enumerate() {
        let want = core.run(r, run_seed(9, r));
        assert_eq!(
            (
                got.run_seed,
                got.best_e4,
                got.best_step as usize,
                &got.best_spins
            ),
            (
                want.run_seed,
                want.best_e4,
                want.best_step,
                &want.best_spins
            )
        );
    }
    assert_eq!(d.retransmissions, 0);
}

#[test]
fn a_command_answered_at_once_waits_a_few_of_its_round_trips_not_the_timeout() {
    let mut d = link(Faults::default(), 4);
    d.identify().unwrap();
    // nothing measured yet: the full timeout
    assert_eq!(d.quick_timeout(&Command::Status), d.timeout);
    d.status().unwrap();
    let measured = d.quick_timeout(&Command::Status);
    assert!(measured < d.timeout, "{measured:?}");
    assert!(measured >= LOAD_TIMEOUT_FLOOR);
    // each kind has its own round trip; a command the core must work for keeps the timeout
    assert_eq!(d.quick_timeout(&Command::ReadResult), d.timeout);
    // the wire dies: four tries of STATUS wait 5, 10, 20 and 40 ms or so (doubling from the
    // measured wait), where the fixed timeout would take four times 500 ms
    d.link.faults = Faults {
        drop: 1.0,
        ..Faults::default()
    };
    d.retries = 3;
    let started = Instant::now();
    match d.status() {
        Err(LinkError::NoReply { tries, .. }) => assert_eq!(tries, 4),
        other => panic!("expected no reply, got {other:?}"),
    }
    let spent = started.elapsed();
    assert!(spent < 4 * d.timeout / 2, "{spent:?}");
    // the wire comes back: the next STATUS is answered
    d.link.faults = Faults::default();
    assert!(d.status().is_ok());
}

#[test]
fn stepped_runs_and_traces_follow_the_golden_model() {
    let (bytes, core) = g11_image(40);
    let mut d = link(Faults::default(), 6);
    let id = d.identify().unwrap();
    d.upload(&id, &bytes).unwrap();
    let mut state = GoldenState::new(&core, 1234);
    let mut trace = Vec::new();
    for t in 0..40 {
        let s = d.step(&id, 1234).unwrap();
        let e4 = state.step();
        trace.push(e4);
        assert_eq!((s.step, s.e4, &s.spins[..]), (t, e4, state.spins()));
    }
    // the stepped run ended: its result and trace are the golden run's
    let want = core.run(0, 1234);
    let p = d.call(&Command::ReadResult).unwrap();
    let got = RunResult::parse(&p).unwrap();
    assert_eq!(
        (got.best_e4, got.best_step as usize),
        (want.best_e4, want.best_step)
    );
    assert_eq!(d.trace(&id, 40).unwrap(), trace);
    // a full run's trace, read in several pieces
    let (bytes, core) = g11_image(300);
    d.upload(&id, &bytes).unwrap();
    d.run_once(77, &mut |_| {}).unwrap();
    let mut state = GoldenState::new(&core, 77);
    let want: Vec<i64> = (0..300).map(|_| state.step()).collect();
    assert_eq!(d.trace(&id, 300).unwrap(), want);
}

#[test]
fn a_wire_with_a_percent_of_byte_faults_still_gives_the_golden_results() {
    // 1 % of bytes dropped, 1 % duplicated, 1 % corrupted: a 1 020-byte LOAD would almost
    // never get through, so the chunks shrink; unanswered chunks are settled by the board's
    // OutOfOrder or a restart, and the default patience outlasts the retransmissions
    let (bytes, core) = g11_image(200);
    let faults = Faults {
        drop: 0.01,
        duplicate: 0.01,
        corrupt: 0.01,
    };
    let mut d = link(faults, 7);
    d.patience = Duration::from_secs(10);
    d.upload_unchecked(&bytes, &mut |_| {}).unwrap();
    assert!(d.chunk < MAX_CHUNK, "the chunks shrank ({})", d.chunk);
    let results = d.run(3, 5, &mut |_, _| {}).unwrap();
    for (r, got) in results.iter().enumerate() {
        let want = core.run(r, run_seed(5, r));
        assert_eq!(
            (got.best_e4, &got.best_spins),
            (want.best_e4, &want.best_spins)
        );
    }
}

#[test]
fn a_faulty_link_completes_with_identical_results_or_fails_clearly() {
    let (bytes, core) = g11_image(200);
    let faults = Faults {
        drop: 0.0005,
        duplicate: 0.0005,
        corrupt: 0.0005,
    };
    let mut d = link(faults, 2);
    d.retries = 20;
    d.upload_unchecked(&bytes, &mut |_| {}).unwrap();
    let results = d.run(3, 5, &mut |_, _| {}).unwrap();
    for (r, got) in results.iter().enumerate() {
        let want = core.run(r, run_seed(5, r));
        assert_eq!(
            (got.best_e4, &got.best_spins),
            (want.best_e4, &want.best_spins)
        );
    }
    assert!(d.retransmissions > 0, "the faults were exercised");
    // a link that loses most bytes stops with a clear error after bounded retries
    let mut d = link(
        Faults {
            drop: 0.5,
            ..Faults::default()
        },
        3,
    );
    d.retries = 3;
    let e = d
        .upload_unchecked(&bytes, &mut |_| {})
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("no valid reply to Load") && e.contains("after 4 tries"),
        "{e}"
    );
}

#[test]
fn board_errors_reach_the_user() {
    let mut d = link(Faults::default(), 4);
    let e = d
        .call(&Command::Run { run_seed: 1 })
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("NotReady") && e.contains("no committed image"),
        "{e}"
    );
    let (mut bytes, _) = g11_image(200);
    let k = bytes.len() / 2;
    bytes[k] ^= 1;
    let e = d
        .upload_unchecked(&bytes, &mut |_| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("ImageInvalid") && e.contains("CRC"), "{e}");
    let e = d
        .call(&Command::Load {
            offset: 5000,
            bytes: vec![1; 10],
        })
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("OutOfOrder") && e.contains("LOAD at byte 5000"),
        "{e}"
    );
    // an image for a bigger core does not fit this board: the board refuses it, and the
    // driver's check says so before sending a byte
    let small = Board::new(
        CoreConfig {
            n_max: 500,
            ..CoreConfig::preset("icebreaker").unwrap()
        },
        [0; 32],
    );
    let mut d = Driver::new(LoopbackBoard::new(small, Faults::default(), 5));
    let (bytes, _) = g11_image(200);
    let e = d
        .upload_unchecked(&bytes, &mut |_| {})
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("DoesNotFit") && e.contains("N 800 exceeds this core's 500 (over by 300)"),
        "{e}"
    );
    let id = d.identify().unwrap();
    let e = d.upload(&id, &bytes).unwrap_err().to_string();
    assert!(
        e.starts_with("the image does not fit this board's core: N 800"),
        "{e}"
    );
    // a board without STEP says so
    let mut id = id;
    id.capabilities = 0;
    let e = d.step(&id, 1).unwrap_err().to_string();
    assert_eq!(e, "this board does not support STEP");
}

#[test]
fn a_reset_during_an_external_run_is_reported_to_the_loop() {
    use npim_sim::oscillator::ExternalCore;
    let (bytes, core) = g11_image(6);
    let mut d = link(Faults::default(), 5);
    let id = d.identify().unwrap();
    d.upload(&id, &bytes).unwrap();
    let mut golden = GoldenState::new(&core, 8);
    {
        let mut lc = LinkCore::new(&mut d, &id, 8, 800);
        assert_eq!(lc.pre_sign().unwrap(), golden.pre_sign());
        assert!(!lc.lost_image);
    }
    // a power cycle between DRIVE and MEASURE
    d.link.board = board();
    let mut lc = LinkCore::new(&mut d, &id, 8, 800);
    let err = lc.apply(&[1; 800]).unwrap_err();
    assert!(err.contains("lost its image") && lc.lost_image, "{err}");
    // after a new upload the run starts over and agrees with the golden model again
    d.upload(&id, &bytes).unwrap();
    let mut lc = LinkCore::new(&mut d, &id, 8, 800);
    assert_eq!(
        lc.pre_sign().unwrap(),
        GoldenState::new(&core, 8).pre_sign()
    );
}

/// A board reset partway through an upload (before the 5th command: IDENTIFY, then the 4th
/// chunk) forgets the chunks it acknowledged; the driver sends the image again from byte 0.
#[test]
fn a_board_reset_mid_upload_gets_the_image_again_from_the_start() {
    let (bytes, core) = g11_image(50);
    let mut d = Driver::new(LoopbackBoard::new(
        board().reset_schedule(5, u64::MAX),
        Faults::default(),
        1,
    ));
    let id = d.identify().unwrap();
    d.upload(&id, &bytes).unwrap();
    assert_eq!(d.upload_restarts, 1);
    assert!(d
        .last_loss
        .as_deref()
        .unwrap()
        .contains("continues at byte 0"));
    assert_eq!(d.link.board.resets, 1);
    let got = d.run_once(run_seed(3, 0), &mut |_| {}).unwrap();
    assert_eq!(got.best_e4, core.run(0, run_seed(3, 0)).best_e4);
}

/// A reset between the last chunk and COMMIT makes COMMIT fail as a bad image would; the
/// driver tells the two apart (an empty LOAD at the image's end) and uploads again, while a
/// genuinely bad image still fails with the board's message, after one upload.
#[test]
fn a_reset_before_commit_is_told_from_a_bad_image() {
    let (bytes, core) = g11_image(50);
    let chunks = bytes.len().div_ceil(MAX_CHUNK) as u64;
    let mut d = Driver::new(LoopbackBoard::new(
        board().reset_schedule(chunks + 2, u64::MAX),
        Faults::default(),
        1,
    ));
    let id = d.identify().unwrap();
    d.upload(&id, &bytes).unwrap();
    assert_eq!((d.upload_restarts, d.link.board.resets), (1, 1));
    let got = d.run_once(run_seed(3, 0), &mut |_| {}).unwrap();
    assert_eq!(got.best_e4, core.run(0, run_seed(3, 0)).best_e4);

    let mut bad = bytes.clone();
    bad[0] ^= 0xff;
    let mut d = link(Faults::default(), 1);
    let e = d
        .upload_unchecked(&bad, &mut |_| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("ImageInvalid"), "{e}");
    assert_eq!(d.upload_restarts, 0);
}

/// A board that resets more often than an image takes to upload gets a clear error, not an
/// endless loop.
#[test]
fn a_board_that_resets_faster_than_an_upload_fails_clearly() {
    let (bytes, _) = g11_image(50);
    let mut d = Driver::new(LoopbackBoard::new(
        board().reset_every(Some(5)),
        Faults::default(),
        1,
    ));
    let id = d.identify().unwrap();
    match d.upload(&id, &bytes) {
        Err(LinkError::Reset(why)) => assert!(why.contains("uploads in a row"), "{why}"),
        other => panic!("expected a reset error, got {other:?}"),
    }
    assert_eq!(d.upload_restarts, UPLOAD_RESTARTS);
}
