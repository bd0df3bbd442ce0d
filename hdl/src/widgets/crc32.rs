//! CRC-32 (IEEE, reflected, as `crc32fast` and zlib) one byte per clock, combinationally: the
//! frame decoder, the frame encoder and the image loader each keep a register and feed it
//! through this block. A receiver runs the register over a body *and* its little-endian CRC and
//! compares with the residue [`CRC_RESIDUE`] instead of holding back the last four bytes.

use rust_hdl::prelude::*;

/// Register value after a correct body followed by its CRC (before the final inversion).
pub const CRC_RESIDUE: u32 = 0xDEBB_20E3;

/// `out = crc` advanced by `byte` (8 shift-and-conditional-XOR rounds).
#[derive(LogicBlock)]
pub struct Crc32Byte {
    /// The register before.
    pub crc: Signal<In, Bits<32>>,
    /// The byte.
    pub data: Signal<In, Bits<8>>,
    /// The register after.
    pub out: Signal<Out, Bits<32>>,
    c0: Signal<Local, Bits<32>>,
    c1: Signal<Local, Bits<32>>,
    c2: Signal<Local, Bits<32>>,
    c3: Signal<Local, Bits<32>>,
    c4: Signal<Local, Bits<32>>,
    c5: Signal<Local, Bits<32>>,
    c6: Signal<Local, Bits<32>>,
    c7: Signal<Local, Bits<32>>,
    c8: Signal<Local, Bits<32>>,
    poly: Constant<Bits<32>>,
}

impl Default for Crc32Byte {
    fn default() -> Self {
        Crc32Byte {
            crc: Default::default(),
            data: Default::default(),
            out: Default::default(),
            c0: Default::default(),
            c1: Default::default(),
            c2: Default::default(),
            c3: Default::default(),
            c4: Default::default(),
            c5: Default::default(),
            c6: Default::default(),
            c7: Default::default(),
            c8: Default::default(),
            poly: Constant::new(0xEDB8_8320u64.to_bits()),
        }
    }
}

impl Logic for Crc32Byte {
    #[hdl_gen]
    fn update(&mut self) {
        self.c0.next = self.crc.val() ^ bit_cast::<32, 8>(self.data.val());
        self.c1.next = self.c0.val() >> 1;
        if self.c0.val().get_bit(0) {
            self.c1.next = (self.c0.val() >> 1) ^ self.poly.val();
        }
        self.c2.next = self.c1.val() >> 1;
        if self.c1.val().get_bit(0) {
            self.c2.next = (self.c1.val() >> 1) ^ self.poly.val();
        }
        self.c3.next = self.c2.val() >> 1;
        if self.c2.val().get_bit(0) {
            self.c3.next = (self.c2.val() >> 1) ^ self.poly.val();
        }
        self.c4.next = self.c3.val() >> 1;
        if self.c3.val().get_bit(0) {
            self.c4.next = (self.c3.val() >> 1) ^ self.poly.val();
        }
        self.c5.next = self.c4.val() >> 1;
        if self.c4.val().get_bit(0) {
            self.c5.next = (self.c4.val() >> 1) ^ self.poly.val();
        }
        self.c6.next = self.c5.val() >> 1;
        if self.c5.val().get_bit(0) {
            self.c6.next = (self.c5.val() >> 1) ^ self.poly.val();
        }
        self.c7.next = self.c6.val() >> 1;
        if self.c6.val().get_bit(0) {
            self.c7.next = (self.c6.val() >> 1) ^ self.poly.val();
        }
        self.c8.next = self.c7.val() >> 1;
        if self.c7.val().get_bit(0) {
            self.c8.next = (self.c7.val() >> 1) ^ self.poly.val();
        }
        self.out.next = self.c8.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_crc32fast_and_leaves_the_residue() {
        let mut uut = Crc32Byte::default();
        uut.connect_all();
        let data = b"npim frames carry a CRC-32".to_vec();
        let mut reg = 0xFFFF_FFFFu64;
        let mut run = |bytes: &[u8], reg: &mut u64| {
            for &b in bytes {
                uut.crc.next = reg.to_bits();
                uut.data.next = u64::from(b).to_bits();
                assert!(simulate(&mut uut, 100));
                *reg = uut.out.val().index() as u64;
            }
        };
        run(&data, &mut reg);
        assert_eq!(!(reg as u32), crc32fast::hash(&data));
        run(&crc32fast::hash(&data).to_le_bytes(), &mut reg);
        assert_eq!(reg as u32, CRC_RESIDUE);
    }
}
