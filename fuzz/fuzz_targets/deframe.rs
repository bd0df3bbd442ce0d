//! The host's frame decoder: any bytes through the deframer, every frame through the command
//! and reply parsers. Nothing may panic; decoded payloads stay within the protocol's limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use npim_proto::message::{parse_response, Command};
use npim_proto::reply::{
    parse_trace, DriveReply, Identity, MeasureReply, RunResult, Status, StepReply,
};
use npim_proto::{decode, Deframer, MAX_PAYLOAD};

fuzz_target!(|data: &[u8]| {
    let _ = decode(data);
    let mut d = Deframer::new();
    // in two pieces, as bytes arrive from a port
    let cut = data.len() / 3;
    for part in [&data[..cut], &data[cut..]] {
        for f in d.push(part).into_iter().flatten() {
            assert!(f.payload.len() <= MAX_PAYLOAD);
            let _ = Command::parse(f.kind, &f.payload);
            let _ = parse_response(&f.payload);
            let _ = Identity::parse(&f.payload);
            let _ = Status::parse(&f.payload);
            let _ = RunResult::parse(&f.payload);
            let _ = StepReply::parse(&f.payload);
            let _ = parse_trace(&f.payload);
            let _ = DriveReply::parse(&f.payload);
            let _ = MeasureReply::parse(&f.payload);
        }
    }
});
