//! Signature algorithms: identifiers, digests, key kinds.

use crate::{CryptoError, DigestAlgorithm};

/// The kind of key a signature algorithm needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// RSA (any size the implementation accepts; ring: 2048–8192 bits, 1024 for legacy SHA-1).
    Rsa,
    /// ECDSA over NIST P-256 or P-384 (and P-521 for verification).
    Ec,
    /// GOST R 34.10-2012 / KZ GOST 34.10-2015, 256-bit.
    Gost2015_256,
    /// GOST R 34.10-2012 / KZ GOST 34.10-2015, 512-bit.
    Gost2015_512,
    /// GOST 34.310-2004 (256-bit, CryptoPro-A curve).
    Gost2004,
}

/// A signature algorithm known to tanba.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureAlgorithm {
    /// RSA PKCS#1 v1.5 with SHA-1 — legacy verification only.
    RsaPkcs1Sha1,
    /// RSA PKCS#1 v1.5 with SHA-256.
    RsaPkcs1Sha256,
    /// RSA PKCS#1 v1.5 with SHA-384.
    RsaPkcs1Sha384,
    /// RSA PKCS#1 v1.5 with SHA-512.
    RsaPkcs1Sha512,
    /// RSA-PSS (MGF1 with the same hash, salt = hash length) with SHA-256 — verification.
    RsaPssSha256,
    /// RSA-PSS with SHA-384 — verification.
    RsaPssSha384,
    /// RSA-PSS with SHA-512 — verification.
    RsaPssSha512,
    /// ECDSA with SHA-256 (curve from the key: P-256 or P-384).
    EcdsaSha256,
    /// ECDSA with SHA-384 (curve from the key: P-256 or P-384).
    EcdsaSha384,
    /// ECDSA with SHA-512 (curve from the key: P-256, P-384 or P-521) — verification.
    EcdsaSha512,
    /// KZ GOST 34.10-2015 256-bit with Streebog-256.
    Gost2015_256,
    /// KZ GOST 34.10-2015 512-bit with Streebog-512 (what NCA RK issues since 2024).
    Gost2015_512,
    /// GOST 34.310-2004 with GOST 34.311-95 (legacy NCA RK keys).
    Gost2004,
}

struct SigEntry {
    alg: SignatureAlgorithm,
    /// The stable name reports use.
    name: &'static str,
    oids: &'static [&'static str],
    uris: &'static [&'static str],
    digest: DigestAlgorithm,
    key: KeyKind,
}

const SIGNATURES: &[SigEntry] = &[
    SigEntry {
        alg: SignatureAlgorithm::RsaPkcs1Sha1,
        name: "rsa-sha1",
        oids: &["1.2.840.113549.1.1.5"],
        uris: &[
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha1",
        ],
        digest: DigestAlgorithm::Sha1,
        key: KeyKind::Rsa,
    },
    SigEntry {
        alg: SignatureAlgorithm::RsaPkcs1Sha256,
        name: "rsa-sha256",
        oids: &["1.2.840.113549.1.1.11"],
        uris: &["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"],
        digest: DigestAlgorithm::Sha256,
        key: KeyKind::Rsa,
    },
    SigEntry {
        alg: SignatureAlgorithm::RsaPkcs1Sha384,
        name: "rsa-sha384",
        oids: &["1.2.840.113549.1.1.12"],
        uris: &["http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"],
        digest: DigestAlgorithm::Sha384,
        key: KeyKind::Rsa,
    },
    SigEntry {
        alg: SignatureAlgorithm::RsaPkcs1Sha512,
        name: "rsa-sha512",
        oids: &["1.2.840.113549.1.1.13"],
        uris: &["http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"],
        digest: DigestAlgorithm::Sha512,
        key: KeyKind::Rsa,
    },
    // RSASSA-PSS carries its hash in the AlgorithmIdentifier parameters in X.509
    // (OID 1.2.840.113549.1.1.10); only the XMLDSig URIs name the hash directly.
    SigEntry {
        alg: SignatureAlgorithm::RsaPssSha256,
        name: "rsa-pss-sha256",
        oids: &[],
        uris: &["http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1"],
        digest: DigestAlgorithm::Sha256,
        key: KeyKind::Rsa,
    },
    SigEntry {
        alg: SignatureAlgorithm::RsaPssSha384,
        name: "rsa-pss-sha384",
        oids: &[],
        uris: &["http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1"],
        digest: DigestAlgorithm::Sha384,
        key: KeyKind::Rsa,
    },
    SigEntry {
        alg: SignatureAlgorithm::RsaPssSha512,
        name: "rsa-pss-sha512",
        oids: &[],
        uris: &["http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1"],
        digest: DigestAlgorithm::Sha512,
        key: KeyKind::Rsa,
    },
    SigEntry {
        alg: SignatureAlgorithm::EcdsaSha256,
        name: "ecdsa-sha256",
        oids: &["1.2.840.10045.4.3.2"],
        uris: &["http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"],
        digest: DigestAlgorithm::Sha256,
        key: KeyKind::Ec,
    },
    SigEntry {
        alg: SignatureAlgorithm::EcdsaSha384,
        name: "ecdsa-sha384",
        oids: &["1.2.840.10045.4.3.3"],
        uris: &["http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"],
        digest: DigestAlgorithm::Sha384,
        key: KeyKind::Ec,
    },
    SigEntry {
        alg: SignatureAlgorithm::EcdsaSha512,
        name: "ecdsa-sha512",
        oids: &["1.2.840.10045.4.3.4"],
        uris: &["http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512"],
        digest: DigestAlgorithm::Sha512,
        key: KeyKind::Ec,
    },
    SigEntry {
        alg: SignatureAlgorithm::Gost2015_256,
        name: "gost34102015-256",
        oids: &["1.2.398.3.10.1.1.2.3.1", "1.2.643.7.1.1.3.2"],
        uris: &[
            "urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34102015-gostr34112015-256",
        ],
        digest: DigestAlgorithm::Streebog256,
        key: KeyKind::Gost2015_256,
    },
    SigEntry {
        alg: SignatureAlgorithm::Gost2015_512,
        name: "gost34102015-512",
        oids: &["1.2.398.3.10.1.1.2.3.2", "1.2.643.7.1.1.3.3"],
        uris: &[
            "urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34102015-gostr34112015-512",
        ],
        digest: DigestAlgorithm::Streebog512,
        key: KeyKind::Gost2015_512,
    },
    SigEntry {
        alg: SignatureAlgorithm::Gost2004,
        name: "gost34310-2004",
        oids: &["1.2.398.3.10.1.1.1.2"],
        uris: &["http://www.w3.org/2001/04/xmldsig-more#gost34310-gost34311"],
        digest: DigestAlgorithm::Gost34311,
        key: KeyKind::Gost2004,
    },
];

impl SignatureAlgorithm {
    /// Every signature algorithm in the registry.
    pub const ALL: [SignatureAlgorithm; 13] = [
        SignatureAlgorithm::RsaPkcs1Sha1,
        SignatureAlgorithm::RsaPkcs1Sha256,
        SignatureAlgorithm::RsaPkcs1Sha384,
        SignatureAlgorithm::RsaPkcs1Sha512,
        SignatureAlgorithm::RsaPssSha256,
        SignatureAlgorithm::RsaPssSha384,
        SignatureAlgorithm::RsaPssSha512,
        SignatureAlgorithm::EcdsaSha256,
        SignatureAlgorithm::EcdsaSha384,
        SignatureAlgorithm::EcdsaSha512,
        SignatureAlgorithm::Gost2015_256,
        SignatureAlgorithm::Gost2015_512,
        SignatureAlgorithm::Gost2004,
    ];

    fn entry(self) -> &'static SigEntry {
        SIGNATURES
            .iter()
            .find(|e| e.alg == self)
            .expect("every SignatureAlgorithm has a registry entry")
    }

    /// The algorithm with this dotted X.509 signature-algorithm OID.
    pub fn from_oid(oid: &str) -> Result<Self, CryptoError> {
        SIGNATURES
            .iter()
            .find(|e| e.oids.contains(&oid))
            .map(|e| e.alg)
            .ok_or_else(|| CryptoError::UnknownOid(oid.to_owned()))
    }

    /// The algorithm with this XMLDSig `SignatureMethod` URI.
    pub fn from_xml_uri(uri: &str) -> Result<Self, CryptoError> {
        SIGNATURES
            .iter()
            .find(|e| e.uris.contains(&uri))
            .map(|e| e.alg)
            .ok_or_else(|| CryptoError::UnknownUri(uri.to_owned()))
    }

    /// The canonical dotted OID (Kazakh OIDs for the GOST family); `None` for RSA-PSS,
    /// whose X.509 form needs parameters.
    pub fn oid(self) -> Option<&'static str> {
        self.entry().oids.first().copied()
    }

    /// All OIDs that name this algorithm.
    pub fn oids(self) -> &'static [&'static str] {
        self.entry().oids
    }

    /// The XMLDSig URI tanba writes.
    pub fn xml_uri(self) -> &'static str {
        self.entry().uris[0]
    }

    /// A stable, human-readable name for reports: `rsa-sha256`, `ecdsa-sha384`,
    /// `gost34102015-512`, `gost34310-2004`, …
    ///
    /// ```
    /// use tanba_crypto::SignatureAlgorithm;
    /// assert_eq!(SignatureAlgorithm::Gost2015_512.name(), "gost34102015-512");
    /// ```
    pub fn name(self) -> &'static str {
        self.entry().name
    }

    /// All XMLDSig URIs accepted for this algorithm.
    pub fn xml_uris(self) -> &'static [&'static str] {
        self.entry().uris
    }

    /// The digest the algorithm hashes the message with.
    pub fn digest(self) -> DigestAlgorithm {
        self.entry().digest
    }

    /// The kind of key it needs.
    pub fn key_kind(self) -> KeyKind {
        self.entry().key
    }

    /// True for algorithms accepted only under the legacy switch (SHA-1 based).
    pub fn is_legacy(self) -> bool {
        self.digest().is_legacy()
    }

    /// Whether the AlgorithmIdentifier carries an explicit NULL parameter when tanba writes it
    /// (RSA PKCS#1 v1.5 and the Kazakh GOST OIDs, exactly as Kalkan does; ECDSA: absent).
    pub fn x509_params_null(self) -> bool {
        !matches!(self.key_kind(), KeyKind::Ec)
    }

    /// The signature algorithm tanba uses by default for a key of this kind.
    pub fn default_for(key: KeyKind) -> SignatureAlgorithm {
        match key {
            KeyKind::Rsa => SignatureAlgorithm::RsaPkcs1Sha256,
            KeyKind::Ec => SignatureAlgorithm::EcdsaSha256,
            KeyKind::Gost2015_256 => SignatureAlgorithm::Gost2015_256,
            KeyKind::Gost2015_512 => SignatureAlgorithm::Gost2015_512,
            KeyKind::Gost2004 => SignatureAlgorithm::Gost2004,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_round_trips_through_its_identifiers() {
        for alg in SignatureAlgorithm::ALL {
            for oid in alg.oids() {
                assert_eq!(SignatureAlgorithm::from_oid(oid).unwrap(), alg);
            }
            for uri in alg.xml_uris() {
                assert_eq!(SignatureAlgorithm::from_xml_uri(uri).unwrap(), alg);
            }
        }
    }

    #[test]
    fn kazakh_identifiers_from_the_docs() {
        // KZ-PKI.md §1.5, SMARTBRIDGE.md §6.3
        assert_eq!(
            SignatureAlgorithm::from_oid("1.2.398.3.10.1.1.2.3.2").unwrap(),
            SignatureAlgorithm::Gost2015_512
        );
        assert_eq!(
            SignatureAlgorithm::from_oid("1.2.398.3.10.1.1.1.2").unwrap(),
            SignatureAlgorithm::Gost2004
        );
        assert_eq!(
            SignatureAlgorithm::Gost2015_512.xml_uri(),
            "urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34102015-gostr34112015-512"
        );
        assert_eq!(
            SignatureAlgorithm::Gost2015_512.digest().xml_uri(),
            "urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34112015-512"
        );
        assert_eq!(
            SignatureAlgorithm::Gost2004.digest().xml_uri(),
            "http://www.w3.org/2001/04/xmldsig-more#gost34311"
        );
    }

    #[test]
    fn unknown_and_legacy() {
        assert!(matches!(
            SignatureAlgorithm::from_xml_uri("http://www.w3.org/2000/09/xmldsig#dsa-sha1"),
            Err(CryptoError::UnknownUri(u)) if u.ends_with("dsa-sha1")
        ));
        assert!(SignatureAlgorithm::RsaPkcs1Sha1.is_legacy());
        assert!(!SignatureAlgorithm::RsaPkcs1Sha256.is_legacy());
    }
}
