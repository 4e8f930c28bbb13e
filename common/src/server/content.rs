//! The server's files: contents made by a seeded generator, and the checksum that proves a
//! download arrived whole.
//!
//! Nothing is read from disk: byte `i` of file `n` is a function of `(seed, n, i)`, so any part
//! of any file can be produced on demand, and a client can be checked against
//! [`FileSpec::checksum`] without the server keeping a copy.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// One file the server offers: `/files/NN.bin`, `size` bytes from the generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileSpec {
    /// The generator's seed (the server's [`Config::seed`](super::Config::seed)).
    pub seed: u64,
    /// The file's number: its name is `NN.bin`.
    pub n: usize,
    /// Its length in bytes.
    pub size: u64,
}

impl FileSpec {
    /// File `n` of `size` bytes made with `seed`.
    pub fn new(seed: u64, n: usize, size: u64) -> Self {
        FileSpec { seed, n, size }
    }

    /// The file's name, as it appears at the end of its URL: `07.bin`.
    pub fn name(&self) -> String {
        file_name(self.n)
    }

    /// Writes the bytes at `offset..offset + buf.len()` of the file into `buf` (the caller keeps
    /// within `size`).
    pub fn fill(&self, offset: u64, buf: &mut [u8]) {
        let mut block_index = u64::MAX;
        let mut block = [0u8; 8];
        for (i, byte) in buf.iter_mut().enumerate() {
            let at = offset + i as u64;
            if at / 8 != block_index {
                block_index = at / 8;
                let key = self.seed ^ (self.n as u64).wrapping_mul(0xA076_1D64_78BD_642F);
                block =
                    splitmix64(key ^ block_index.wrapping_mul(0xE703_7ED1_A0B4_28DB)).to_le_bytes();
            }
            *byte = block[(at % 8) as usize];
        }
    }

    /// The whole file in memory (for tests and small files; the server streams instead).
    pub fn bytes(&self) -> Vec<u8> {
        let mut all = vec![0; self.size as usize];
        self.fill(0, &mut all);
        all
    }

    /// The checksum of the file's bytes.
    pub fn checksum(&self) -> Checksum {
        let mut sum = Checksum::new();
        let mut buf = [0u8; 16 * 1024];
        let mut offset = 0;
        while offset < self.size {
            let n = (self.size - offset).min(buf.len() as u64) as usize;
            self.fill(offset, &mut buf[..n]);
            sum.update(&buf[..n]);
            offset += n as u64;
        }
        sum
    }
}

/// The name of file `n` at the end of its URL: `07.bin`.
pub fn file_name(n: usize) -> String {
    format!("{n:02}.bin")
}

/// A running checksum (64-bit FNV-1a) over a stream of bytes, and its length: two files with
/// the same checksum and length are, for the course's purposes, the same file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checksum {
    hash: u64,
    len: u64,
}

impl Checksum {
    /// The checksum of no bytes.
    pub const fn new() -> Self {
        Checksum {
            hash: 0xcbf2_9ce4_8422_2325,
            len: 0,
        }
    }

    /// Adds `bytes` to the stream.
    pub fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.hash ^= b as u64;
            self.hash = self.hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.len += bytes.len() as u64;
    }

    /// The checksum of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        let mut sum = Checksum::new();
        sum.update(bytes);
        sum
    }

    /// The checksum of a file on disk (read in pieces, never whole).
    pub fn of_file(path: &Path) -> io::Result<Self> {
        let mut file = File::open(path)?;
        let mut sum = Checksum::new();
        let mut buf = [0u8; 64 * 1024];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                return Ok(sum);
            }
            sum.update(&buf[..n]);
        }
    }

    /// How many bytes went in.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether no bytes went in.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The 64-bit hash value.
    pub fn value(&self) -> u64 {
        self.hash
    }
}

impl Default for Checksum {
    fn default() -> Self {
        Self::new()
    }
}

/// `fnv1a:0123456789abcdef/65536`: the hash in hex and the length.
impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fnv1a:{:016x}/{}", self.hash, self.len)
    }
}

/// One step of the SplitMix64 generator: a well-mixed 64-bit value for each input.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_part_of_a_file_matches_the_whole() {
        let spec = FileSpec::new(7, 3, 1000);
        let whole = spec.bytes();
        let mut part = [0u8; 101];
        spec.fill(333, &mut part);
        assert_eq!(&part[..], &whole[333..434]);
        assert_eq!(Checksum::of(&whole), spec.checksum());
    }

    #[test]
    fn files_differ_by_number_and_seed() {
        let a = FileSpec::new(1, 0, 64).bytes();
        assert_ne!(a, FileSpec::new(1, 1, 64).bytes());
        assert_ne!(a, FileSpec::new(2, 0, 64).bytes());
        assert_eq!(a, FileSpec::new(1, 0, 64).bytes());
    }

    #[test]
    fn checksum_sees_one_changed_byte_and_the_length() {
        let mut bytes = FileSpec::new(1, 0, 4096).bytes();
        let before = Checksum::of(&bytes);
        bytes[2000] ^= 1;
        assert_ne!(before, Checksum::of(&bytes));
        assert_ne!(Checksum::of(&[]), Checksum::of(&[0]));
        assert_eq!(Checksum::of(b"a").to_string(), "fnv1a:af63dc4c8601ec8c/1");
    }
}
