//! Frames: `COBS(seq, kind, payload, crc32le) 0x00`.

/// Largest payload a frame may carry (the board's receive buffer holds one maximal frame).
pub const MAX_PAYLOAD: usize = 1024;
/// Bytes of a body besides the payload: seq, kind, CRC.
pub const OVERHEAD: usize = 6;
/// Largest COBS-encoded body (one code byte per 254 data bytes, plus one).
pub const MAX_ENCODED: usize = MAX_PAYLOAD + OVERHEAD + (MAX_PAYLOAD + OVERHEAD) / 254 + 1;

/// One message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Sequence number (commands count modulo 256; a response repeats its command's).
    pub seq: u8,
    /// Command (`0x01…`) or response (`command | 0x80`).
    pub kind: u8,
    /// Up to [`MAX_PAYLOAD`] bytes.
    pub payload: Vec<u8>,
}

/// Why bytes are not a frame.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// The COBS encoding is broken (a code byte points past the end).
    #[error("broken COBS encoding")]
    Cobs,
    /// The body is shorter than seq + kind + CRC.
    #[error("frame too short ({0} bytes)")]
    TooShort(usize),
    /// The body or the encoded frame is longer than the protocol allows.
    #[error("frame too long ({0} bytes)")]
    TooLong(usize),
    /// The CRC does not match (seq and kind as read, which may themselves be corrupt).
    #[error("CRC mismatch in frame seq {seq}, kind {kind:#04x}")]
    Crc {
        /// Sequence number as read.
        seq: u8,
        /// Kind as read.
        kind: u8,
    },
}

/// COBS-encodes `data` (no zero bytes in the result).
pub fn cobs_encode(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 254 + 2);
    let mut code_at = 0;
    out.push(0);
    let mut code = 1u8;
    for &b in data {
        if b == 0 {
            out[code_at] = code;
            code_at = out.len();
            out.push(0);
            code = 1;
        } else {
            out.push(b);
            code += 1;
            if code == 0xFF {
                out[code_at] = code;
                code_at = out.len();
                out.push(0);
                code = 1;
            }
        }
    }
    out[code_at] = code;
    out
}

/// Decodes COBS (`data` without the terminating zero).
pub fn cobs_decode(data: &[u8]) -> Result<Vec<u8>, FrameError> {
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        let code = data[i] as usize;
        if code == 0 || i + code > data.len() {
            return Err(FrameError::Cobs);
        }
        out.extend_from_slice(&data[i + 1..i + code]);
        i += code;
        if code < 0xFF && i < data.len() {
            out.push(0);
        }
    }
    Ok(out)
}

/// The bytes on the wire for a frame, terminator included.
pub fn encode(frame: &Frame) -> Vec<u8> {
    assert!(
        frame.payload.len() <= MAX_PAYLOAD,
        "payload over {MAX_PAYLOAD} bytes"
    );
    let mut body = Vec::with_capacity(frame.payload.len() + OVERHEAD);
    body.push(frame.seq);
    body.push(frame.kind);
    body.extend_from_slice(&frame.payload);
    let crc = crc32fast::hash(&body);
    body.extend_from_slice(&crc.to_le_bytes());
    let mut out = cobs_encode(&body);
    out.push(0);
    out
}

/// Decodes one frame from its encoded bytes (without the terminating zero).
pub fn decode(encoded: &[u8]) -> Result<Frame, FrameError> {
    if encoded.len() > MAX_ENCODED {
        return Err(FrameError::TooLong(encoded.len()));
    }
    let body = cobs_decode(encoded)?;
    if body.len() < OVERHEAD {
        return Err(FrameError::TooShort(body.len()));
    }
    if body.len() > MAX_PAYLOAD + OVERHEAD {
        return Err(FrameError::TooLong(body.len()));
    }
    let (data, crc) = body.split_at(body.len() - 4);
    let stored = u32::from_le_bytes(crc.try_into().expect("4 bytes"));
    if crc32fast::hash(data) != stored {
        return Err(FrameError::Crc {
            seq: data[0],
            kind: data[1],
        });
    }
    Ok(Frame {
        seq: data[0],
        kind: data[1],
        payload: data[2..].to_vec(),
    })
}

/// Splits a byte stream into frames at each zero byte, resynchronising after garbage and
/// discarding over-long runs without growing its buffer beyond one maximal frame.
#[derive(Default)]
pub struct Deframer {
    buf: Vec<u8>,
    overflow: bool,
}

impl Deframer {
    /// A deframer with an empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds bytes; returns one result per completed frame (empty frames between consecutive
    /// zeros are skipped).
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Result<Frame, FrameError>> {
        let mut out = Vec::new();
        for &b in bytes {
            if b == 0 {
                if self.overflow {
                    out.push(Err(FrameError::TooLong(
                        self.buf.len().max(MAX_ENCODED + 1),
                    )));
                } else if !self.buf.is_empty() {
                    out.push(decode(&self.buf));
                }
                self.buf.clear();
                self.overflow = false;
            } else if self.buf.len() < MAX_ENCODED {
                self.buf.push(b);
            } else {
                self.overflow = true;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cobs_matches_the_reference_examples() {
        // Cheshire & Baker's examples
        assert_eq!(cobs_encode(&[0x00]), vec![0x01, 0x01]);
        assert_eq!(cobs_encode(&[0x00, 0x00]), vec![0x01, 0x01, 0x01]);
        assert_eq!(
            cobs_encode(&[0x11, 0x22, 0x00, 0x33]),
            vec![0x03, 0x11, 0x22, 0x02, 0x33]
        );
        assert_eq!(
            cobs_encode(&[0x11, 0x00, 0x00, 0x00]),
            vec![0x02, 0x11, 0x01, 0x01, 0x01]
        );
        let long: Vec<u8> = (1..=254).collect();
        let mut want = vec![0xFF];
        want.extend(&long);
        want.push(0x01);
        assert_eq!(cobs_encode(&long), want);
        for data in [
            vec![],
            vec![0],
            vec![1, 2, 0, 3],
            long.clone(),
            (0..=255).collect::<Vec<u8>>(),
        ] {
            let enc = cobs_encode(&data);
            assert!(!enc.contains(&0));
            assert_eq!(cobs_decode(&enc).unwrap(), data);
        }
    }

    #[test]
    fn frames_round_trip_and_damage_is_caught() {
        let f = Frame {
            seq: 7,
            kind: 0x02,
            payload: (0..300).map(|i| (i % 7) as u8).collect(),
        };
        let wire = encode(&f);
        assert_eq!(*wire.last().unwrap(), 0);
        assert!(!wire[..wire.len() - 1].contains(&0));
        assert_eq!(decode(&wire[..wire.len() - 1]).unwrap(), f);
        for k in 0..wire.len() - 1 {
            let mut bad = wire.clone();
            bad[k] ^= 0x5A;
            if bad[k] == 0 {
                continue; // a new terminator splits the frame instead
            }
            assert!(
                decode(&bad[..bad.len() - 1]).is_err(),
                "flip at {k} undetected"
            );
        }
        assert_eq!(
            decode(&cobs_encode(&[1, 2, 3])),
            Err(FrameError::TooShort(3))
        );
    }

    #[test]
    fn the_deframer_resynchronises_after_garbage() {
        let a = Frame {
            seq: 1,
            kind: 0x81,
            payload: vec![0, 1, 2],
        };
        let b = Frame {
            seq: 2,
            kind: 0x07,
            payload: vec![],
        };
        let mut stream = vec![0x33, 0x44];
        stream.push(0);
        stream.extend(encode(&a));
        stream.extend(vec![0xAA; 3000]);
        stream.push(0);
        stream.extend(encode(&b));
        let mut d = Deframer::new();
        // byte by byte, as a UART delivers them
        let got: Vec<_> = stream.iter().flat_map(|&x| d.push(&[x])).collect();
        assert_eq!(got.len(), 4);
        assert!(got[0].is_err());
        assert_eq!(got[1], Ok(a));
        assert!(matches!(got[2], Err(FrameError::TooLong(_))));
        assert_eq!(got[3], Ok(b));
    }
}
