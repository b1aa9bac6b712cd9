//! Parameter sets (curves) and the OIDs that name them.

use crate::GostError;

/// A GOST elliptic-curve parameter set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParamSet {
    /// id-tc26-gost-3410-12-512-paramSetA: what NCA RK uses for GOST 34.10-2015 512-bit keys
    /// (KZ OID 1.2.398.3.10.1.1.2.2.1, Russian OID 1.2.643.7.1.2.1.2.1).
    Tc26_512A,
    /// id-tc26-gost-3410-2012-256-paramSetA (KZ 1.2.398.3.10.1.1.2.1.1, Russian
    /// 1.2.643.7.1.2.1.1.1). The KZ mapping is claimed by third-party code only (GOST.md §8).
    Tc26_256A,
    /// id-GostR3410-2001-CryptoPro-A-ParamSet: the GOST 34.310-2004 curve
    /// (KZ 1.2.398.3.10.1.1.1.1.1; Russian 1.2.643.2.2.35.1, = tc26-256-paramSetB, = XchA).
    CryptoProA,
    /// id-GostR3410-2001-TestParamSet (1.2.643.2.2.35.0): the curve of the standard's
    /// worked example 1 (256-bit). For known-answer tests.
    Test256,
    /// id-tc26-gost-3410-2012-512-paramSetTest (1.2.643.7.1.2.1.2.0): the curve of the
    /// standard's worked example 2 (512-bit). For known-answer tests.
    Test512,
}

impl ParamSet {
    /// Every parameter set.
    pub const ALL: [ParamSet; 5] = [
        ParamSet::Tc26_512A,
        ParamSet::Tc26_256A,
        ParamSet::CryptoProA,
        ParamSet::Test256,
        ParamSet::Test512,
    ];

    /// The parameter set named by a dotted curve OID (KZ or Russian).
    pub fn from_oid(oid: &str) -> Result<Self, GostError> {
        Self::ALL
            .into_iter()
            .find(|p| p.oids().contains(&oid))
            .ok_or_else(|| GostError::UnknownParamSet(oid.to_owned()))
    }

    /// The OIDs that name this parameter set (the KZ one first where there is one).
    pub fn oids(self) -> &'static [&'static str] {
        match self {
            ParamSet::Tc26_512A => &["1.2.398.3.10.1.1.2.2.1", "1.2.643.7.1.2.1.2.1"],
            ParamSet::Tc26_256A => &["1.2.398.3.10.1.1.2.1.1", "1.2.643.7.1.2.1.1.1"],
            ParamSet::CryptoProA => &[
                "1.2.398.3.10.1.1.1.1.1",
                "1.2.643.2.2.35.1",
                "1.2.643.7.1.2.1.1.2",
                "1.2.643.2.2.36.0",
            ],
            ParamSet::Test256 => &["1.2.643.2.2.35.0"],
            ParamSet::Test512 => &["1.2.643.7.1.2.1.2.0"],
        }
    }

    /// `n`: the byte length of a coordinate, a scalar and the digest (32 or 64). Public keys
    /// and signatures are `2n` bytes.
    pub fn size(self) -> usize {
        match self {
            ParamSet::Tc26_512A | ParamSet::Test512 => 64,
            ParamSet::Tc26_256A | ParamSet::CryptoProA | ParamSet::Test256 => 32,
        }
    }
}

impl std::fmt::Display for ParamSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ParamSet::Tc26_512A => "tc26-512-paramSetA",
            ParamSet::Tc26_256A => "tc26-256-paramSetA",
            ParamSet::CryptoProA => "CryptoPro-A",
            ParamSet::Test256 => "GostR3410-2001-TestParamSet",
            ParamSet::Test512 => "tc26-512-paramSetTest",
        })
    }
}
