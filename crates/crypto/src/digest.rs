//! Digest algorithms: identifiers and incremental hashing.

use sha2::Digest as _;

use crate::CryptoError;

/// A digest algorithm known to tanba.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DigestAlgorithm {
    /// SHA-1 — only for explicitly allowed legacy verification.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
    /// GOST 34.11-2015 (Streebog), 256-bit output.
    Streebog256,
    /// GOST 34.11-2015 (Streebog), 512-bit output.
    Streebog512,
    /// GOST 34.311-95 = GOST R 34.11-94 with the test parameter set (`Gost94Test`), as NCA RK uses it.
    Gost34311,
}

struct DigestEntry {
    alg: DigestAlgorithm,
    oids: &'static [&'static str],
    uris: &'static [&'static str],
    len: usize,
}

const DIGESTS: &[DigestEntry] = &[
    DigestEntry {
        alg: DigestAlgorithm::Sha1,
        oids: &["1.3.14.3.2.26"],
        uris: &[
            "http://www.w3.org/2000/09/xmldsig#sha1",
            // registered by Kalkan's Santuario configuration (SMARTBRIDGE.md §6.3)
            "http://www.w3.org/2001/04/xmldsig-more#sha1",
        ],
        len: 20,
    },
    DigestEntry {
        alg: DigestAlgorithm::Sha256,
        oids: &["2.16.840.1.101.3.4.2.1"],
        uris: &["http://www.w3.org/2001/04/xmlenc#sha256"],
        len: 32,
    },
    DigestEntry {
        alg: DigestAlgorithm::Sha384,
        oids: &["2.16.840.1.101.3.4.2.2"],
        uris: &["http://www.w3.org/2001/04/xmldsig-more#sha384"],
        len: 48,
    },
    DigestEntry {
        alg: DigestAlgorithm::Sha512,
        oids: &["2.16.840.1.101.3.4.2.3"],
        uris: &["http://www.w3.org/2001/04/xmlenc#sha512"],
        len: 64,
    },
    DigestEntry {
        alg: DigestAlgorithm::Streebog256,
        oids: &["1.2.398.3.10.1.3.2", "1.2.643.7.1.1.2.2"],
        uris: &[
            "urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34112015-256",
            "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34112012-256",
        ],
        len: 32,
    },
    DigestEntry {
        alg: DigestAlgorithm::Streebog512,
        oids: &["1.2.398.3.10.1.3.3", "1.2.643.7.1.1.2.3"],
        uris: &[
            "urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34112015-512",
            "urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34112012-512",
        ],
        len: 64,
    },
    DigestEntry {
        alg: DigestAlgorithm::Gost34311,
        oids: &["1.2.398.3.10.1.3.1"],
        uris: &["http://www.w3.org/2001/04/xmldsig-more#gost34311"],
        len: 32,
    },
];

impl DigestAlgorithm {
    /// Every digest algorithm in the registry.
    pub const ALL: [DigestAlgorithm; 7] = [
        DigestAlgorithm::Sha1,
        DigestAlgorithm::Sha256,
        DigestAlgorithm::Sha384,
        DigestAlgorithm::Sha512,
        DigestAlgorithm::Streebog256,
        DigestAlgorithm::Streebog512,
        DigestAlgorithm::Gost34311,
    ];

    fn entry(self) -> &'static DigestEntry {
        DIGESTS
            .iter()
            .find(|e| e.alg == self)
            .expect("every DigestAlgorithm has a registry entry")
    }

    /// The algorithm with this dotted OID (X.509, CMS, OCSP CertID).
    pub fn from_oid(oid: &str) -> Result<Self, CryptoError> {
        DIGESTS
            .iter()
            .find(|e| e.oids.contains(&oid))
            .map(|e| e.alg)
            .ok_or_else(|| CryptoError::UnknownOid(oid.to_owned()))
    }

    /// The algorithm with this XMLDSig `DigestMethod` URI.
    pub fn from_xml_uri(uri: &str) -> Result<Self, CryptoError> {
        DIGESTS
            .iter()
            .find(|e| e.uris.contains(&uri))
            .map(|e| e.alg)
            .ok_or_else(|| CryptoError::UnknownUri(uri.to_owned()))
    }

    /// The canonical dotted OID (the Kazakh one for the GOST family).
    pub fn oid(self) -> &'static str {
        self.entry().oids[0]
    }

    /// All OIDs that name this algorithm.
    pub fn oids(self) -> &'static [&'static str] {
        self.entry().oids
    }

    /// The XMLDSig URI tanba writes for this algorithm.
    pub fn xml_uri(self) -> &'static str {
        self.entry().uris[0]
    }

    /// All XMLDSig URIs accepted for this algorithm.
    pub fn xml_uris(self) -> &'static [&'static str] {
        self.entry().uris
    }

    /// Output length in bytes.
    pub fn output_len(self) -> usize {
        self.entry().len
    }

    /// True for algorithms accepted only under the legacy switch (SHA-1).
    pub fn is_legacy(self) -> bool {
        matches!(self, DigestAlgorithm::Sha1)
    }

    /// A fresh incremental hasher.
    pub fn hasher(self) -> Hasher {
        let inner = match self {
            DigestAlgorithm::Sha1 => HasherInner::Sha1(sha1::Sha1::new()),
            DigestAlgorithm::Sha256 => HasherInner::Sha256(sha2::Sha256::new()),
            DigestAlgorithm::Sha384 => HasherInner::Sha384(sha2::Sha384::new()),
            DigestAlgorithm::Sha512 => HasherInner::Sha512(sha2::Sha512::new()),
            DigestAlgorithm::Streebog256 => HasherInner::Streebog256(streebog::Streebog256::new()),
            DigestAlgorithm::Streebog512 => HasherInner::Streebog512(streebog::Streebog512::new()),
            DigestAlgorithm::Gost34311 => HasherInner::Gost94(gost94::Gost94Test::new()),
        };
        Hasher { alg: self, inner }
    }

    /// One-shot digest of `data`. GOST digests are returned in memory order, exactly as
    /// RustCrypto (and the OpenSSL EVP interface) output them — the order XMLDSig
    /// `DigestValue` and CMS `messageDigest` carry.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        let mut h = self.hasher();
        h.update(data);
        h.finalize()
    }
}

/// An incremental hasher for one [`DigestAlgorithm`]; also an [`std::io::Write`] sink, so
/// canonicalization can stream straight into it.
#[derive(Clone)]
pub struct Hasher {
    alg: DigestAlgorithm,
    inner: HasherInner,
}

#[derive(Clone)]
enum HasherInner {
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
    Streebog256(streebog::Streebog256),
    Streebog512(streebog::Streebog512),
    Gost94(gost94::Gost94Test),
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher").field("alg", &self.alg).finish()
    }
}

impl Hasher {
    /// The algorithm this hasher computes.
    pub fn algorithm(&self) -> DigestAlgorithm {
        self.alg
    }

    /// Feed bytes.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.inner {
            HasherInner::Sha1(h) => h.update(data),
            HasherInner::Sha256(h) => h.update(data),
            HasherInner::Sha384(h) => h.update(data),
            HasherInner::Sha512(h) => h.update(data),
            HasherInner::Streebog256(h) => h.update(data),
            HasherInner::Streebog512(h) => h.update(data),
            HasherInner::Gost94(h) => h.update(data),
        }
    }

    /// Finish and return the digest bytes.
    pub fn finalize(self) -> Vec<u8> {
        match self.inner {
            HasherInner::Sha1(h) => h.finalize().to_vec(),
            HasherInner::Sha256(h) => h.finalize().to_vec(),
            HasherInner::Sha384(h) => h.finalize().to_vec(),
            HasherInner::Sha512(h) => h.finalize().to_vec(),
            HasherInner::Streebog256(h) => h.finalize().to_vec(),
            HasherInner::Streebog512(h) => h.finalize().to_vec(),
            HasherInner::Gost94(h) => h.finalize().to_vec(),
        }
    }
}

impl std::io::Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_round_trips_through_its_identifiers() {
        for alg in DigestAlgorithm::ALL {
            for oid in alg.oids() {
                assert_eq!(DigestAlgorithm::from_oid(oid).unwrap(), alg);
            }
            for uri in alg.xml_uris() {
                assert_eq!(DigestAlgorithm::from_xml_uri(uri).unwrap(), alg);
            }
            assert_eq!(alg.digest(b"x").len(), alg.output_len());
        }
    }

    #[test]
    fn unknown_identifiers_are_named_in_the_error() {
        let e = DigestAlgorithm::from_oid("1.2.3.4").unwrap_err();
        assert_eq!(e, CryptoError::UnknownOid("1.2.3.4".into()));
        assert!(e.to_string().contains("1.2.3.4"));
        let e = DigestAlgorithm::from_xml_uri("http://example.com/md5").unwrap_err();
        assert!(e.to_string().contains("http://example.com/md5"));
    }

    #[test]
    fn published_vectors() {
        // FIPS 180-2 "abc"
        assert_eq!(
            hex::encode(DigestAlgorithm::Sha256.digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex::encode(DigestAlgorithm::Sha1.digest(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        // GOST R 34.11-94 test parameter set, "abc" (RFC 5831 §7.3.1 / Wikipedia test vectors)
        assert_eq!(
            hex::encode(DigestAlgorithm::Gost34311.digest(b"abc")),
            "f3134348c44fb1b2a277729e2285ebb5cb5e0f29c975bc753b70497c06a4d51d"
        );
    }

    #[test]
    fn streaming_equals_one_shot() {
        use std::io::Write;
        for alg in DigestAlgorithm::ALL {
            let mut h = alg.hasher();
            h.write_all(b"hello ").unwrap();
            h.write_all(b"world").unwrap();
            assert_eq!(h.finalize(), alg.digest(b"hello world"), "{alg:?}");
        }
    }
}
