//! The NCA RK trust sets embedded in the binary, each certificate pinned by the SHA-256 of
//! its DER: `nca-prod` (the 2020 / 2022 roots and issuing CAs, and the previous generation
//! for old signatures) and `nca-test` (the NCA test roots and test issuing CAs). The
//! certificates are public; their sources are named in `crates/pki/trust/README.md`.
//!
//! ```
//! use tanba_pki::trust_sets::TrustSet;
//! let pool = TrustSet::NcaProd.pool().unwrap();
//! assert_eq!(pool.anchors().len(), 5);
//! assert!(TrustSet::NcaProd
//!     .certificates()
//!     .iter()
//!     .any(|c| c.name == "nca_gost_2022"));
//! ```

use crate::chain::CertPool;
use crate::chain_cert::{certificates_from_pem_or_der, ChainCert};
use crate::trust_store::TrustRole;

/// A named set of pinned certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrustSet {
    /// NCA RK production: the 2020 RSA / GOST roots, the GOST-2015 "2022" root and CA, the
    /// RSA 2022 CA, and the previous (2015) generation for signatures made before 2025.
    NcaProd,
    /// The NCA RK test roots and test issuing CAs (for the NCA test keys).
    NcaTest,
    /// Nothing: only the certificates given explicitly are trusted.
    None,
}

/// How far a pinned certificate's bytes have been confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confirmation {
    /// The same bytes from two independent public sources.
    TwoSources,
    /// From one public source only, not yet compared with pki.gov.kz over a trusted
    /// channel (a successful `tanba trust update` confirms it).
    SingleSource,
    /// NCA test material (`../shared/testdata/nca`): for tests, never for production.
    TestMaterial,
}

/// One pinned certificate of a set.
#[derive(Debug, Clone, Copy)]
pub struct PinnedCertificate {
    /// Short name (the published file name without extension).
    pub name: &'static str,
    /// Anchor (a root) or intermediate (an issuing CA).
    pub role: TrustRole,
    /// The pinned SHA-256 of the DER, lowercase hex.
    pub sha256: &'static str,
    /// How far the bytes are confirmed.
    pub confirmation: Confirmation,
    /// Where they were published.
    pub url: &'static str,
    /// The embedded file (PEM or DER).
    bytes: &'static [u8],
}

/// A pinned certificate whose bytes do not match its pin, or cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("embedded trust certificate {name}: {problem}")]
pub struct PinError {
    /// Which certificate.
    pub name: &'static str,
    /// What is wrong.
    pub problem: String,
}

macro_rules! pinned {
    ($dir:literal, $file:literal, $name:literal, $role:ident, $sha:literal, $conf:ident, $url:literal) => {
        PinnedCertificate {
            name: $name,
            role: TrustRole::$role,
            sha256: $sha,
            confirmation: Confirmation::$conf,
            url: $url,
            bytes: include_bytes!(concat!("../trust/", $dir, "/", $file)),
        }
    };
}

const PROD: &[PinnedCertificate] = &[
    pinned!(
        "nca-prod",
        "root_gost_2022.cer",
        "root_gost_2022",
        Anchor,
        "af77725f8328bb24f89d81da3acdf7cee4324248538b7ba2cd2a860517fb9dca",
        SingleSource,
        "http://pki.gov.kz/cert/root_gost_2022.cer"
    ),
    pinned!(
        "nca-prod",
        "nca_gost_2022.cer",
        "nca_gost_2022",
        Intermediate,
        "32c7d233a42703a327f3025543a05b930e3f39a786c68dfa196baa86d5618524",
        SingleSource,
        "http://pki.gov.kz/cert/nca_gost_2022.cer"
    ),
    pinned!(
        "nca-prod",
        "root_rsa_2020.cer",
        "root_rsa_2020",
        Anchor,
        "9ba06354b626641715182e4d07c9dbaa1777720fa795d03174ffc68876535dcd",
        SingleSource,
        "http://root.gov.kz/cert/root_rsa_2020.cer"
    ),
    pinned!(
        "nca-prod",
        "nca_rsa_2022.cer",
        "nca_rsa_2022",
        Intermediate,
        "84fb799a66140950818c056a5d9730acc2a7622cdd4ef0d47113b132fb892905",
        SingleSource,
        "http://pki.gov.kz/cert/nca_rsa_2022.cer"
    ),
    pinned!(
        "nca-prod",
        "root_gost_2020.cer",
        "root_gost_2020",
        Anchor,
        "c48164ab5ccaaee6b938299a1e3aeebd6f698bb2bd716a0f0d85befc46166aa2",
        SingleSource,
        "http://root.gov.kz/cert/root_gost_2020.cer"
    ),
    pinned!(
        "nca-prod",
        "root_gost.cer",
        "root_gost",
        Anchor,
        "9ab210e54e6b0343321131202d9edcc2598f598cfdd9ee4ec1056021ab2e9759",
        TwoSources,
        "http://root.gov.kz/cert/root_gost.cer"
    ),
    pinned!(
        "nca-prod",
        "nca_gost.cer",
        "nca_gost",
        Intermediate,
        "908521d0531e5645e64b34d3588374a3a83582c860e5f7293a04c41217e8cc18",
        TwoSources,
        "http://pki.gov.kz/cert/nca_gost.cer"
    ),
    pinned!(
        "nca-prod",
        "root_rsa.cer",
        "root_rsa",
        Anchor,
        "a7064abc5699827f370c67b09f1a1bfd7ad5e1514d471223df209c08300ea972",
        TwoSources,
        "http://root.gov.kz/cert/root_rsa.cer"
    ),
    pinned!(
        "nca-prod",
        "nca_rsa.cer",
        "nca_rsa",
        Intermediate,
        "34d1b311a9873191ae3382805df51e0a5da23315c512a8deeb885668ceeb5834",
        TwoSources,
        "http://pki.gov.kz/cert/nca_rsa.cer"
    ),
];

const TEST: &[PinnedCertificate] = &[
    pinned!(
        "nca-test",
        "root_test_gost_2022.cer",
        "root_test_gost_2022",
        Anchor,
        "b995e79e7c07429f8f79e185451e5599ce342ac720000f01b3854fdfa03031a6",
        TestMaterial,
        "http://root.gov.kz/cert/root_test_gost_2022.cer"
    ),
    pinned!(
        "nca-test",
        "nca_gost2015_test.cer",
        "nca_gost2022_test",
        Intermediate,
        "beeffc0bdb77cd798c35983eb0715f6ef0051cccb71d7cd05505e8a4fb2c6f4d",
        TestMaterial,
        "http://test.pki.gov.kz/cert/nca_gost2022_test.cer"
    ),
    pinned!(
        "nca-test",
        "root_gost_test.cer",
        "root_gost_test",
        Anchor,
        "06021684f52054692a1859686d5af527eda779e6183c2f3cd4fc1278e4067beb",
        TestMaterial,
        "http://test.pki.gov.kz/cert/root_gost_test.cer"
    ),
    pinned!(
        "nca-test",
        "nca_gost_test.crt",
        "nca_gost_test",
        Intermediate,
        "0307e8bdf77cb708b7c9d9a5799facdc6de7154447cb394af9ac9b528c3d82c7",
        TestMaterial,
        "http://test.pki.gov.kz/cert/nca_gost_test.cer"
    ),
    pinned!(
        "nca-test",
        "root_rsa_test.cer",
        "root_rsa_test",
        Anchor,
        "4d05179bcb02180bfc37618372671357df7dd8b7865973eae77b83213cae717b",
        TestMaterial,
        "http://test.pki.gov.kz/cert/root_rsa_test.cer"
    ),
    pinned!(
        "nca-test",
        "nca_rsa_test.crt",
        "nca_rsa_test",
        Intermediate,
        "7e96a36409dc11e0fc99efae41f8c639e16a495d77c2f2278edb98580f997231",
        TestMaterial,
        "http://test.pki.gov.kz/cert/nca_rsa_test.cer"
    ),
];

impl PinnedCertificate {
    /// The certificate, after checking that its DER matches the pin.
    pub fn certificate(&self) -> Result<ChainCert, PinError> {
        let err = |problem: String| PinError {
            name: self.name,
            problem,
        };
        let ders = certificates_from_pem_or_der(self.bytes).map_err(|e| err(e.to_string()))?;
        let [der] = ders.as_slice() else {
            return Err(err(format!("{} certificates, expected one", ders.len())));
        };
        let got = hex::encode(tanba_crypto::DigestAlgorithm::Sha256.digest(der));
        if got != self.sha256 {
            return Err(err(format!(
                "SHA-256 {got} does not match the pin {}",
                self.sha256
            )));
        }
        ChainCert::from_der(der).map_err(|e| err(e.to_string()))
    }
}

impl TrustSet {
    /// `nca-prod`, `nca-test` or `none`.
    pub fn name(self) -> &'static str {
        match self {
            TrustSet::NcaProd => "nca-prod",
            TrustSet::NcaTest => "nca-test",
            TrustSet::None => "none",
        }
    }

    /// The set named `s` (`nca-prod`, `nca-test`, `none`).
    pub fn parse(s: &str) -> Option<TrustSet> {
        match s {
            "nca-prod" => Some(TrustSet::NcaProd),
            "nca-test" => Some(TrustSet::NcaTest),
            "none" => Some(TrustSet::None),
            _ => None,
        }
    }

    /// The pinned certificates of the set.
    pub fn certificates(self) -> &'static [PinnedCertificate] {
        match self {
            TrustSet::NcaProd => PROD,
            TrustSet::NcaTest => TEST,
            TrustSet::None => &[],
        }
    }

    /// The set as a pool: roots as anchors, issuing CAs as intermediates. Every pin is
    /// checked; a mismatch (a tampered build) is an error, never a silent skip.
    pub fn pool(self) -> Result<CertPool, PinError> {
        let mut pool = CertPool::new();
        self.add_to(&mut pool)?;
        Ok(pool)
    }

    /// Adds the set to `pool` (see [`TrustSet::pool`]).
    pub fn add_to(self, pool: &mut CertPool) -> Result<(), PinError> {
        for p in self.certificates() {
            let c = p.certificate()?;
            match p.role {
                TrustRole::Anchor => pool.add_anchor(c),
                TrustRole::Intermediate => pool.add_intermediate(c),
            }
        }
        Ok(())
    }

    /// The pinned certificate with this DER SHA-256 (lowercase hex), in any set.
    pub fn find_pinned(sha256: &str) -> Option<(TrustSet, &'static PinnedCertificate)> {
        [TrustSet::NcaProd, TrustSet::NcaTest]
            .into_iter()
            .flat_map(|s| s.certificates().iter().map(move |c| (s, c)))
            .find(|(_, c)| c.sha256.eq_ignore_ascii_case(sha256))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_that_does_not_match_its_pin_is_refused() {
        let real = PROD[0];
        let tampered = PinnedCertificate {
            sha256: "00000000000000000000000000000000000000000000000000000000deadbeef",
            ..real
        };
        let e = tampered.certificate().unwrap_err();
        assert!(e.to_string().contains("does not match the pin"), "{e}");
        let other_bytes = PinnedCertificate {
            bytes: PROD[1].bytes,
            ..real
        };
        assert!(other_bytes.certificate().is_err());
        assert!(real.certificate().is_ok());
    }

    #[test]
    fn names_round_trip_and_pins_are_found() {
        for s in [TrustSet::NcaProd, TrustSet::NcaTest, TrustSet::None] {
            assert_eq!(TrustSet::parse(s.name()), Some(s));
        }
        let (set, p) = TrustSet::find_pinned(TEST[0].sha256).unwrap();
        assert_eq!((set, p.name), (TrustSet::NcaTest, "root_test_gost_2022"));
        assert!(TrustSet::find_pinned("00").is_none());
    }
}
