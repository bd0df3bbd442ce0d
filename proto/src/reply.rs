//! The data of the board's replies (after the status byte), as typed values with one encoder and
//! one parser each, shared by the board model, the RTL command engine's tests and the driver.

use crate::message::PROTOCOL_VERSION;
use bitvec::prelude::*;
use npim_sim::fixed::config::JStorage;
use npim_sim::fixed::CoreConfig;

/// Reads little-endian fields off a reply, naming the reply when it is too short.
struct Reader<'a> {
    what: &'static str,
    p: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(what: &'static str, p: &'a [u8]) -> Self {
        Reader { what, p, at: 0 }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at + n;
        if end > self.p.len() {
            return Err(format!(
                "{} reply of {} bytes is too short",
                self.what,
                self.p.len()
            ));
        }
        let s = &self.p[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, String> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().expect("2")))
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4")))
    }

    fn i64(&mut self) -> Result<i64, String> {
        Ok(i64::from_le_bytes(self.take(8)?.try_into().expect("8")))
    }

    fn spins(&mut self) -> Result<Vec<i8>, String> {
        let n = self.u32()? as usize;
        let bits = self.take(n.div_ceil(8))?;
        Ok(unpack_spins(bits, n))
    }

    fn end(self) -> Result<(), String> {
        if self.at == self.p.len() {
            Ok(())
        } else {
            Err(format!(
                "{} reply of {} bytes, expected {}",
                self.what,
                self.p.len(),
                self.at
            ))
        }
    }
}

/// Spins as bits: bit `i % 8` of byte `i / 8` (least significant first), 1 for −1; unused bits
/// of the last byte are 0.
pub fn pack_spins(spins: &[i8]) -> Vec<u8> {
    let mut bits: BitVec<u8, Lsb0> = spins.iter().map(|&s| s < 0).collect();
    bits.set_uninitialized(false);
    bits.into_vec()
}

/// The inverse of [`pack_spins`] for `n` spins (`bits` holds at least `n` bits).
pub fn unpack_spins(bits: &[u8], n: usize) -> Vec<i8> {
    bits.view_bits::<Lsb0>()[..n]
        .iter()
        .map(|b| if *b { -1 } else { 1 })
        .collect()
}

fn put_spins(p: &mut Vec<u8>, spins: &[i8]) {
    p.extend((spins.len() as u32).to_le_bytes());
    p.extend(pack_spins(spins));
}

/// IDENTIFY's reply.
#[derive(Clone, Debug, PartialEq)]
pub struct Identity {
    /// Protocol version the board speaks.
    pub version: u16,
    /// The board's core (its `name` is `"board"`).
    pub core: CoreConfig,
    /// [`crate::message::capability`] bits.
    pub capabilities: u8,
    /// SHA-256 of the bitstream (zero for an emulator).
    pub hash: [u8; 32],
}

impl Identity {
    /// This build's identity for `core`.
    pub fn new(core: &CoreConfig, capabilities: u8, hash: [u8; 32]) -> Self {
        Identity {
            version: PROTOCOL_VERSION,
            core: CoreConfig {
                name: "board".into(),
                ..core.clone()
            },
            capabilities,
            hash,
        }
    }

    /// The reply bytes.
    pub fn encode(&self) -> Vec<u8> {
        let c = &self.core;
        let mut p = self.version.to_le_bytes().to_vec();
        p.extend((c.n_max as u32).to_le_bytes());
        p.extend((c.nnz_max as u32).to_le_bytes());
        p.extend([
            u8::from(c.storage == JStorage::Sparse),
            c.lanes.min(255) as u8,
            c.j_bits,
            c.field_bits,
            c.tc_max.min(255) as u8,
            c.d_max.min(255) as u8,
            c.w_bits,
            c.act_frac,
            c.z_bits,
            c.table_bits,
        ]);
        p.extend((c.knots_max as u32).to_le_bytes());
        p.extend((c.t_max as u32).to_le_bytes());
        p.push(self.capabilities);
        p.extend(self.hash);
        p
    }

    /// Parses the reply bytes.
    pub fn parse(p: &[u8]) -> Result<Self, String> {
        let mut r = Reader::new("IDENTIFY", p);
        let version = r.u16()?;
        if version != PROTOCOL_VERSION {
            return Err(format!(
                "the board speaks protocol version {version}, this host {PROTOCOL_VERSION}"
            ));
        }
        let n_max = r.u32()? as usize;
        let nnz_max = r.u32()? as usize;
        let b = r.take(10)?;
        let core = CoreConfig {
            name: "board".into(),
            n_max,
            nnz_max,
            storage: if b[0] == 1 {
                JStorage::Sparse
            } else {
                JStorage::Dense
            },
            lanes: b[1].into(),
            j_bits: b[2],
            field_bits: b[3],
            tc_max: b[4].into(),
            d_max: b[5].into(),
            w_bits: b[6],
            act_frac: b[7],
            z_bits: b[8],
            table_bits: b[9],
            knots_max: r.u32()? as usize,
            t_max: r.u32()? as usize,
            ..CoreConfig::preset("sim").expect("the sim preset")
        }
        .with_build_details();
        let capabilities = r.u8()?;
        let hash = r.take(32)?.try_into().expect("32");
        r.end()?;
        Ok(Identity {
            version,
            core,
            capabilities,
            hash,
        })
    }
}

/// What a board is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum BoardState {
    /// No run since the last commit or reset.
    Idle = 0,
    /// A run is in progress.
    Running = 1,
    /// The last run finished; its result can be read.
    Done = 2,
    /// A stepped run is in progress (STEP).
    Stepping = 3,
    /// An external run is in progress (DRIVE and MEASURE).
    External = 4,
}

/// STATUS's reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status {
    /// The state.
    pub state: BoardState,
    /// Steps taken by the current or last run.
    pub step: u32,
    /// Steps per run of the committed image (0 without one).
    pub steps: u32,
    /// Lowest `E4` of the current or last run so far (`i64::MAX` before its first step).
    pub best_e4: i64,
}

impl Status {
    /// The reply bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut p = vec![self.state as u8];
        p.extend(self.step.to_le_bytes());
        p.extend(self.steps.to_le_bytes());
        p.extend(self.best_e4.to_le_bytes());
        p
    }

    /// Parses the reply bytes.
    pub fn parse(p: &[u8]) -> Result<Self, String> {
        let mut r = Reader::new("STATUS", p);
        let state = match r.u8()? {
            0 => BoardState::Idle,
            1 => BoardState::Running,
            2 => BoardState::Done,
            3 => BoardState::Stepping,
            4 => BoardState::External,
            s => return Err(format!("STATUS reply with unknown state {s}")),
        };
        let s = Status {
            state,
            step: r.u32()?,
            steps: r.u32()?,
            best_e4: r.i64()?,
        };
        r.end()?;
        Ok(s)
    }
}

/// READ_RESULT's reply: one run's best.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunResult {
    /// The run's seed.
    pub run_seed: u32,
    /// Lowest `E4`.
    pub best_e4: i64,
    /// First step reaching it.
    pub best_step: u32,
    /// Spins there.
    pub best_spins: Vec<i8>,
}

impl RunResult {
    /// The reply bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut p = self.run_seed.to_le_bytes().to_vec();
        p.extend(self.best_e4.to_le_bytes());
        p.extend(self.best_step.to_le_bytes());
        put_spins(&mut p, &self.best_spins);
        p
    }

    /// Parses the reply bytes.
    pub fn parse(p: &[u8]) -> Result<Self, String> {
        let mut r = Reader::new("READ_RESULT", p);
        let v = RunResult {
            run_seed: r.u32()?,
            best_e4: r.i64()?,
            best_step: r.u32()?,
            best_spins: r.spins()?,
        };
        r.end()?;
        Ok(v)
    }
}

/// STEP's reply: the step just taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepReply {
    /// Its index (0 for the first step of a run).
    pub step: u32,
    /// `E4` of the new spins.
    pub e4: i64,
    /// The new spins.
    pub spins: Vec<i8>,
}

impl StepReply {
    /// The reply bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut p = self.step.to_le_bytes().to_vec();
        p.extend(self.e4.to_le_bytes());
        put_spins(&mut p, &self.spins);
        p
    }

    /// Parses the reply bytes.
    pub fn parse(p: &[u8]) -> Result<Self, String> {
        let mut r = Reader::new("STEP", p);
        let v = StepReply {
            step: r.u32()?,
            e4: r.i64()?,
            spins: r.spins()?,
        };
        r.end()?;
        Ok(v)
    }
}

/// DRIVE's reply: the step and the requested pre-sign outputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DriveReply {
    /// The step they belong to (0 for the first step of a run).
    pub step: u32,
    /// `y` of the requested spins (saturated to the i64 range).
    pub values: Vec<i64>,
}

impl DriveReply {
    /// The reply bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut p = self.step.to_le_bytes().to_vec();
        for v in &self.values {
            p.extend(v.to_le_bytes());
        }
        p
    }

    /// Parses the reply bytes.
    pub fn parse(p: &[u8]) -> Result<Self, String> {
        let mut r = Reader::new("DRIVE", p);
        let step = r.u32()?;
        let rest = p.len() - 4;
        if !rest.is_multiple_of(8) {
            return Err(format!("DRIVE reply of {} bytes", p.len()));
        }
        let mut values = Vec::with_capacity(rest / 8);
        for _ in 0..rest / 8 {
            values.push(r.i64()?);
        }
        r.end()?;
        Ok(DriveReply { step, values })
    }
}

/// MEASURE's reply: spins received this step, and when the page completed it, the step's `E4`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MeasureReply {
    /// Spins received for the step so far (`N` when this page completed it).
    pub received: u32,
    /// The step the spins belong to.
    pub step: u32,
    /// `E4` of the measured spins when complete, else 0.
    pub e4: i64,
}

impl MeasureReply {
    /// The reply bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut p = self.received.to_le_bytes().to_vec();
        p.extend(self.step.to_le_bytes());
        p.extend(self.e4.to_le_bytes());
        p
    }

    /// Parses the reply bytes.
    pub fn parse(p: &[u8]) -> Result<Self, String> {
        let mut r = Reader::new("MEASURE", p);
        let v = MeasureReply {
            received: r.u32()?,
            step: r.u32()?,
            e4: r.i64()?,
        };
        r.end()?;
        Ok(v)
    }
}

/// READ_TRACE's reply: `E4` per step.
pub fn parse_trace(p: &[u8]) -> Result<Vec<i64>, String> {
    if !p.len().is_multiple_of(8) {
        return Err(format!("READ_TRACE reply of {} bytes", p.len()));
    }
    Ok(p.chunks(8)
        .map(|c| i64::from_le_bytes(c.try_into().expect("8")))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_round_trip_and_short_ones_are_named() {
        for name in npim_sim::fixed::config::PRESETS {
            let core = CoreConfig::preset(name).unwrap();
            let id = Identity::new(&core, 3, [9; 32]);
            assert_eq!(Identity::parse(&id.encode()), Ok(id.clone()));
            let e = Identity::parse(&id.encode()[..20]).unwrap_err();
            assert!(e.contains("IDENTIFY reply of 20 bytes"), "{e}");
        }
        let s = Status {
            state: BoardState::Running,
            step: 5,
            steps: 100,
            best_e4: -77,
        };
        assert_eq!(Status::parse(&s.encode()), Ok(s));
        let spins: Vec<i8> = (0..21).map(|i| if i % 3 == 0 { -1 } else { 1 }).collect();
        let r = RunResult {
            run_seed: 4,
            best_e4: -1 << 40,
            best_step: 9,
            best_spins: spins.clone(),
        };
        assert_eq!(RunResult::parse(&r.encode()), Ok(r.clone()));
        let mut long = r.encode();
        long.push(0);
        assert!(RunResult::parse(&long).unwrap_err().contains("expected"));
        let st = StepReply {
            step: 1,
            e4: 3,
            spins,
        };
        assert_eq!(StepReply::parse(&st.encode()), Ok(st));
        assert_eq!(parse_trace(&[1, 0, 0, 0, 0, 0, 0, 0]), Ok(vec![1]));
        assert!(parse_trace(&[1]).is_err());
    }
}
