//! SplitMix64, the one pseudo-random generator of the crate: its step and
//! finaliser, and [`Rng`], the seeded generator an execution (and `asl-sim eval`,
//! `evalJsonata`, JSONata's per-evaluation generator and the tests) draws from.
//! Small, fast, and the same sequence on every platform; a leaf that imports
//! nothing of the crate and never draws on OS entropy.

/// SplitMix64's increment (2⁶⁴ / φ): each step adds it to the state.
pub const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// One SplitMix64 step: advance `state` and return its next 64 bits.
pub fn step(state: &mut u64) -> u64 {
    *state = state.wrapping_add(GAMMA);
    mix(*state)
}

/// SplitMix64's finaliser, also used to derive task tokens from a counter.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A SplitMix64 generator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng(u64);

impl Rng {
    /// The generator of an execution seed: the seed is salted, so that seed 0
    /// does not start from state 0.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }
    /// The generator at `state` as it is: its first draw is `mix(state + GAMMA)`.
    pub fn from_state(state: u64) -> Rng {
        Rng(state)
    }
    pub fn next_u64(&mut self) -> u64 {
        step(&mut self.0)
    }
    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A version-4 UUID from 128 random bits (lower-case, 8-4-4-4-12).
pub fn uuid_v4(high: u64, low: u64) -> String {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&high.to_be_bytes());
    b[8..].copy_from_slice(&low.to_be_bytes());
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push_str(&format!("{:02x}", byte));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_splitmix64() {
        // The reference implementation's first outputs from state 0.
        let mut state = 0;
        assert_eq!(step(&mut state), 0xE220_A839_7B1D_CDAF);
        assert_eq!(step(&mut state), 0x6E78_9E6A_A1B9_65F4);
        let mut rng = Rng::from_state(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(Rng::new(7), Rng::from_state(7 ^ 0x5DEE_CE66_D1CE_4E5B));
        let x = Rng::new(0).next_f64();
        assert!((0.0..1.0).contains(&x));
    }
}
