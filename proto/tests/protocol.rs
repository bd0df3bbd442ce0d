//! Fuzzing the frame decoder and the deframer: random bytes never panic; random frames survive
//! the round trip, in one piece or byte by byte; a random corruption is detected.

use npim_proto::frame::{cobs_decode, cobs_encode};
use npim_proto::{decode, encode, Deframer, Frame, MAX_PAYLOAD};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
        let _ = decode(&bytes);
        let _ = cobs_decode(&bytes);
        let mut d = Deframer::new();
        for f in d.push(&bytes).into_iter().flatten() {
            prop_assert!(f.payload.len() <= MAX_PAYLOAD);
        }
    }

    #[test]
    fn frames_round_trip(seq in any::<u8>(), kind in any::<u8>(), payload in proptest::collection::vec(any::<u8>(), 0..=MAX_PAYLOAD)) {
        let f = Frame { seq, kind, payload };
        let wire = encode(&f);
        prop_assert_eq!(decode(&wire[..wire.len() - 1]), Ok(f.clone()));
        let mut d = Deframer::new();
        let mut got = Vec::new();
        for b in &wire {
            got.extend(d.push(&[*b]));
        }
        prop_assert_eq!(got, vec![Ok(f)]);
    }

    #[test]
    fn corruption_is_detected(payload in proptest::collection::vec(any::<u8>(), 0..200), at in any::<usize>(), mask in 1u8..=255) {
        let wire = encode(&Frame { seq: 3, kind: 0x08, payload });
        let k = at % (wire.len() - 1);
        let mut bad = wire.clone();
        bad[k] ^= mask;
        prop_assume!(bad[k] != 0);
        prop_assert!(decode(&bad[..bad.len() - 1]).is_err());
    }

    #[test]
    fn cobs_round_trips(data in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let enc = cobs_encode(&data);
        prop_assert!(!enc.contains(&0));
        prop_assert_eq!(cobs_decode(&enc).unwrap(), data);
    }
}
