//! The engine's constructor: its sub-blocks, the IDENTIFY ROM and the protocol's numbers as
//! the constants the dispatch compares against.

use super::*;

/// A command kind as the dispatch compares it.
fn kind_constant(kind: u8) -> Constant<Bits<8>> {
    Constant::new(u64::from(kind).to_bits())
}

/// An error code as the response writer's first byte.
fn code_constant(code: ErrorCode) -> Constant<Bits<64>> {
    Constant::new(u64::from(code as u8).to_bits())
}

impl Engine {
    /// An engine whose IDENTIFY reply (after the status byte) is `identity`
    /// ([`npim_proto::reply::Identity::encode`], [`IDENTITY_BYTES`] long).
    pub fn new(identity: &[u8]) -> Self {
        assert_eq!(identity.len(), IDENTITY_BYTES, "IDENTIFY reply length");
        Engine {
            clock: Default::default(),
            reset: Default::default(),
            rx_byte: Default::default(),
            rx_valid: Default::default(),
            tx_ready: Default::default(),
            tx_byte: Default::default(),
            tx_start: Default::default(),
            busy: Default::default(),
            loaded: Default::default(),
            idle: Default::default(),
            bad_frames: Default::default(),
            core: Default::default(),
            loader: Default::default(),
            receiver: Default::default(),
            writer: Default::default(),
            encoder: Default::default(),
            id_rom: identity
                .iter()
                .copied()
                .chain(std::iter::repeat(0))
                .take(64)
                .map(|b| Bits::<8>::from(u64::from(b)))
                .collect::<Vec<_>>()
                .into_iter()
                .into(),
            state: Default::default(),
            ret: Default::default(),
            last_seq: Default::default(),
            last_kind: Default::default(),
            has_last: Default::default(),
            image_ok: Default::default(),
            has_result: Default::default(),
            run_seed: Default::default(),
            k: Default::default(),
            spin_i: Default::default(),
            spin_byte: Default::default(),
            ext: Default::default(),
            ext_step: Default::default(),
            drive_next: Default::default(),
            sample_next: Default::default(),
            left: Default::default(),
            bit_i: Default::default(),
            ext_e4: Default::default(),
            ext_e4_wide: Default::default(),
            payload_len: Default::default(),
            e4_wide: Default::default(),
            e4_bits: Default::default(),
            spin_bit: Default::default(),
            spin_next: Default::default(),
            page_end: Default::default(),
            bits_len: Default::default(),
            drive_wide: Default::default(),
            drive_bits: Default::default(),
            sample_bit: Default::default(),
            bit_byte: Default::default(),
            minus_one: Constant::new((-1i64).into()),
            plus_one: Constant::new(1i64.into()),
            external_state: Constant::new(1024u64.to_bits()),
            e4_max: Constant::new((u64::MAX >> 1).to_bits()),
            response: Constant::new(u64::from(kind::RESPONSE).to_bits()),
            one8: Constant::new(1u64.to_bits()),
            running: Constant::new(256u64.to_bits()),
            done: Constant::new(512u64.to_bits()),
            bad_frame: Constant::new((u64::from(ErrorCode::BadFrame as u8) << 16).to_bits()),
            kind_identify: kind_constant(kind::IDENTIFY),
            kind_load: kind_constant(kind::LOAD),
            kind_commit: kind_constant(kind::COMMIT),
            kind_run: kind_constant(kind::RUN),
            kind_status: kind_constant(kind::STATUS),
            kind_read_result: kind_constant(kind::READ_RESULT),
            kind_reset: kind_constant(kind::RESET),
            kind_drive: kind_constant(kind::DRIVE),
            kind_measure: kind_constant(kind::MEASURE),
            code_status_ok: Constant::new(u64::from(STATUS_OK).to_bits()),
            code_unknown_command: code_constant(ErrorCode::UnknownCommand),
            code_bad_length: code_constant(ErrorCode::BadLength),
            code_image_invalid: code_constant(ErrorCode::ImageInvalid),
            code_busy: code_constant(ErrorCode::Busy),
            code_not_ready: code_constant(ErrorCode::NotReady),
            code_out_of_order: code_constant(ErrorCode::OutOfOrder),
            max_payload: Constant::new((MAX_PAYLOAD as u64).to_bits()),
            max_drive: Constant::new((MAX_DRIVE as u64).to_bits()),
            external_built: Constant::new(EXTERNAL),
            phases_built: Constant::new(PHASES),
            kind_set_linear: kind_constant(kind::SET_LINEAR),
            kind_set_start: kind_constant(kind::SET_START),
            kind_run_phase: kind_constant(kind::RUN_PHASE),
            kind_read_window: kind_constant(kind::READ_WINDOW),
            code_does_not_fit: code_constant(ErrorCode::DoesNotFit),
            max_linear: Constant::new((MAX_LINEAR as u64).to_bits()),
            max_start: Constant::new((MAX_START as u64).to_bits()),
            max_window_read: Constant::new((MAX_WINDOW_SPINS as u64).to_bits()),
            window_words: Constant::new((1u64 << WINDOW_ADDR_BITS).to_bits()),
            unit_mask: Constant::new(((UNITS - 1) as u64).to_bits()),
            unit_shift: Constant::new((UNIT_BITS as u64).to_bits()),
            lin_shift: Constant::new(((LINEAR_BITS - 1) as u64).to_bits()),
            lin_ones: Constant::new(((1u64 << (33 - LINEAR_BITS)) - 1).to_bits()),
            lin_write: Default::default(),
            lin_idx: Default::default(),
            lin_acc: Default::default(),
            lin_b: Default::default(),
            lin_full: Default::default(),
            start_mode: Default::default(),
            win_mode: Default::default(),
            lin_value: Default::default(),
            lin_hi: Default::default(),
            lin_we: Default::default(),
            lin_waddr: Default::default(),
            lin_wdata: Default::default(),
            start_next: Default::default(),
            has_start: Default::default(),
            start_word: Default::default(),
            start_bit_word: Default::default(),
            start_wword: Default::default(),
            one_word: Constant::new(1u64.to_bits()),
            start_sel: Default::default(),
            win_w: Default::default(),
            words_c: Default::default(),
            w_low: Default::default(),
            words_s: Default::default(),
            n_s: Default::default(),
            w_big: Default::default(),
            low15: Constant::new(0x7fffu64.to_bits()),
            prod_words: Default::default(),
            prod_spins: Default::default(),
            window_len: Default::default(),
            phase_run: Default::default(),
            wpos: Default::default(),
            wi: Default::default(),
            wbase: Default::default(),
            wend: Default::default(),
            win_end_q: Default::default(),
            win_shifted: Default::default(),
            win_bit: Default::default(),
            win_byte: Default::default(),
            rbit_q: Default::default(),
            wword_q: Default::default(),
        }
    }
}
