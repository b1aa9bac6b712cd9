//! [`Keystore`]: the keys of a PKCS#12 file (or of a loose PKCS#8 key), each paired with its
//! certificate and chain; [`KeySelector`] picks one and turns it into a
//! [`tanba_crypto::KeySigner`].

use tanba_crypto::{KeyAlgorithm, KeySigner, PrivateKey};

use crate::cert::{Certificate, KeyPurpose};
use crate::pfx::{BagAttributes, RawCert, RawKey};
use crate::{pfx, pkcs8, KeyError, Limits, Password};

/// Longest certificate chain assembled from a keystore's certificates.
const MAX_CHAIN: usize = 16;

/// How a private key was paired with its certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateMatch {
    /// Same PKCS#12 `localKeyId` bag attribute (and, where the public key could be derived
    /// from the private key, the same public key).
    LocalKeyId,
    /// The certificate's public key equals the one derived from the private key.
    PublicKey,
    /// No id and no derivable public key, but the keystore holds exactly one key and
    /// exactly one end-entity certificate.
    SoleCertificate,
}

/// One private key of a keystore with its certificate chain (end-entity first).
/// `Debug` shows the key's algorithm, never its material.
#[derive(Debug)]
pub struct KeyEntry {
    alias: String,
    friendly_name: Option<String>,
    local_key_id: Option<Vec<u8>>,
    key: PrivateKey,
    chain: Vec<Certificate>,
    matched_by: Option<CertificateMatch>,
}

impl KeyEntry {
    /// The alias: the PKCS#12 friendlyName, else the localKeyId in lower-case hex, else
    /// `key-N` (N = position, from 1).
    pub fn alias(&self) -> &str {
        &self.alias
    }

    /// The friendlyName bag attribute, if any.
    pub fn friendly_name(&self) -> Option<&str> {
        self.friendly_name.as_deref()
    }

    /// The localKeyId bag attribute, if any.
    pub fn local_key_id(&self) -> Option<&[u8]> {
        self.local_key_id.as_deref()
    }

    /// The private key.
    pub fn key(&self) -> &PrivateKey {
        &self.key
    }

    /// The private key's algorithm (RSA size, EC curve, GOST family and parameter set).
    pub fn key_algorithm(&self) -> &KeyAlgorithm {
        self.key.algorithm()
    }

    /// The end-entity certificate of this key, if the keystore holds it.
    pub fn certificate(&self) -> Option<&Certificate> {
        self.chain.first()
    }

    /// Certificate chain, end-entity first, as far as the keystore's certificates go.
    pub fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    /// SIGN / AUTH, from the certificate's keyUsage ([`KeyPurpose::Unknown`] without one).
    pub fn purpose(&self) -> KeyPurpose {
        self.certificate()
            .map_or(KeyPurpose::Unknown, Certificate::purpose)
    }

    /// How the key was paired with its certificate (`None`: no certificate).
    pub fn matched_by(&self) -> Option<CertificateMatch> {
        self.matched_by
    }

    /// Whether `alias` names this entry: its alias, friendlyName or localKeyId hex
    /// (case-insensitive for the hex form).
    pub fn has_alias(&self, alias: &str) -> bool {
        self.alias == alias
            || self.friendly_name.as_deref() == Some(alias)
            || self
                .local_key_id
                .as_ref()
                .is_some_and(|id| hex::encode(id).eq_ignore_ascii_case(alias))
    }

    /// A [`KeySigner`] over a copy of this key, with the default algorithm for the key
    /// (RSA → RSA-SHA256, EC → ECDSA, GOST → the matching GOST algorithm) and the chain as DER.
    pub fn signer(&self) -> Result<KeySigner, KeyError> {
        let key = PrivateKey::from_pkcs8_der(self.key.pkcs8_der())?;
        let chain = self.chain.iter().map(|c| c.der().to_vec()).collect();
        Ok(KeySigner::new(key, chain)?)
    }
}

/// Which key of a keystore to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySelector {
    /// The keystore's only key (an error if it holds several).
    Single,
    /// The key with this alias (friendlyName or localKeyId hex).
    Alias(String),
    /// The only key whose certificate has this purpose (SIGN / AUTH).
    Purpose(KeyPurpose),
}

/// The private keys of a keystore, each with its certificate chain, plus every certificate
/// the keystore holds.
///
/// ```no_run
/// use tanba_keys::{Keystore, KeySelector, KeyPurpose, Password};
/// use tanba_crypto::{Signer, SignatureEncoding};
///
/// let p12 = std::fs::read("RSA256_abc.p12").unwrap();
/// let store = Keystore::open_pkcs12(&p12, &Password::new("Qwerty12")).unwrap();
/// for e in store.entries() {
///     println!("{} {} {}", e.alias(), e.key_algorithm(), e.purpose());
/// }
/// let signer = store.signer(&KeySelector::Purpose(KeyPurpose::Sign)).unwrap();
/// let sig = signer.sign(b"hello", SignatureEncoding::XmlDsig).unwrap();
/// # let _ = sig;
/// ```
#[derive(Debug)]
pub struct Keystore {
    entries: Vec<KeyEntry>,
    certificates: Vec<Certificate>,
    integrity: Integrity,
}

/// Whether the keystore's integrity was checked when it was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Integrity {
    /// The PKCS#12 integrity MAC matched the password.
    #[default]
    Mac,
    /// The PKCS#12 file had no MAC (opened with
    /// [`crate::Pkcs12Options::allow_missing_mac`]): nothing shows it was not altered.
    None,
    /// Not a PKCS#12 container (a loose PKCS#8 / PEM key): no container MAC applies.
    NotApplicable,
}

impl Keystore {
    /// Open a PKCS#12 file (NCA RK legacy or OpenSSL-3 modern) with the default [`Limits`].
    pub fn open_pkcs12(data: &[u8], password: &Password) -> Result<Self, KeyError> {
        Self::open_pkcs12_with_limits(data, password, &Limits::default())
    }

    /// Open a PKCS#12 file with explicit limits (a file without an integrity MAC is
    /// refused, [`KeyError::NoMac`]).
    pub fn open_pkcs12_with_limits(
        data: &[u8],
        password: &Password,
        limits: &Limits,
    ) -> Result<Self, KeyError> {
        Self::open_pkcs12_with(
            data,
            password,
            &crate::Pkcs12Options {
                limits: *limits,
                allow_missing_mac: false,
            },
        )
    }

    /// Open a PKCS#12 file with explicit [`crate::Pkcs12Options`] (limits, and whether
    /// a file without an integrity MAC may be opened; [`Keystore::integrity`] then says
    /// so).
    pub fn open_pkcs12_with(
        data: &[u8],
        password: &Password,
        options: &crate::Pkcs12Options,
    ) -> Result<Self, KeyError> {
        let contents = pfx::read(data, password, options)?;
        let mut store = Self::assemble(contents.keys, contents.certs)?;
        store.integrity = contents.integrity;
        Ok(store)
    }

    /// Whether the keystore's integrity MAC was checked when it was opened.
    pub fn integrity(&self) -> Integrity {
        self.integrity
    }

    /// A keystore of one loose private key — PKCS#8 DER or PEM (`PRIVATE KEY`,
    /// `ENCRYPTED PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`, SEC1 `EC PRIVATE KEY`) — and its certificates (DER, or
    /// PEM with one or more `CERTIFICATE` blocks; may be empty). `password` is needed only
    /// for an encrypted key.
    pub fn from_pkcs8(
        key: &[u8],
        password: Option<&Password>,
        certificates: &[u8],
    ) -> Result<Self, KeyError> {
        Self::from_pkcs8_with_limits(key, password, certificates, &Limits::default())
    }

    /// [`Keystore::from_pkcs8`] with explicit limits.
    pub fn from_pkcs8_with_limits(
        key: &[u8],
        password: Option<&Password>,
        certificates: &[u8],
        limits: &Limits,
    ) -> Result<Self, KeyError> {
        let pkcs8 = pkcs8::load_private_key(key, password, limits)?;
        let certs = if certificates.is_empty() {
            Vec::new()
        } else {
            pkcs8::load_certificates(certificates)?
        };
        Self::assemble(
            vec![RawKey {
                pkcs8,
                attributes: BagAttributes::default(),
            }],
            certs
                .into_iter()
                .map(|der| RawCert {
                    der,
                    attributes: BagAttributes::default(),
                })
                .collect(),
        )
    }

    fn assemble(keys: Vec<RawKey>, raw_certs: Vec<RawCert>) -> Result<Self, KeyError> {
        if keys.is_empty() {
            return Err(KeyError::NoPrivateKey);
        }
        let certificates = raw_certs
            .iter()
            .enumerate()
            .map(|(i, c)| Certificate::from_der(&c.der, i))
            .collect::<Result<Vec<_>, _>>()?;
        // End-entity candidates: certificates that issued none of the others.
        let leaves: Vec<usize> = (0..certificates.len())
            .filter(|&i| {
                !certificates
                    .iter()
                    .enumerate()
                    .any(|(j, c)| j != i && c.issued_by(&certificates[i]))
            })
            .collect();
        let key_count = keys.len();
        let mut entries = Vec::with_capacity(key_count);
        for (n, raw) in keys.into_iter().enumerate() {
            let key = PrivateKey::from_pkcs8_der(&raw.pkcs8)?;
            let alias = raw
                .attributes
                .friendly_name
                .clone()
                .or_else(|| raw.attributes.local_key_id.as_ref().map(hex::encode))
                .unwrap_or_else(|| format!("key-{}", n + 1));
            // The public key, where it can be derived here (RSA, EC; GOST needs tanba-gost).
            let public = key.public_key_bits().ok();
            let by_id = raw.attributes.local_key_id.as_ref().and_then(|id| {
                raw_certs
                    .iter()
                    .position(|c| c.attributes.local_key_id.as_ref() == Some(id))
            });
            let (leaf, matched_by) = if let Some(i) = by_id {
                if let Some(p) = &public {
                    if certificates[i].public_key_bits() != p.as_slice() {
                        return Err(KeyError::KeyCertificateMismatch { alias });
                    }
                }
                (Some(i), Some(CertificateMatch::LocalKeyId))
            } else if let Some(i) = public.as_ref().and_then(|p| {
                certificates
                    .iter()
                    .position(|c| c.public_key_bits() == p.as_slice())
            }) {
                (Some(i), Some(CertificateMatch::PublicKey))
            } else if public.is_none() && key_count == 1 && leaves.len() == 1 {
                (Some(leaves[0]), Some(CertificateMatch::SoleCertificate))
            } else {
                (None, None)
            };
            let chain = leaf.map_or_else(Vec::new, |i| build_chain(&certificates, i));
            entries.push(KeyEntry {
                alias,
                friendly_name: raw.attributes.friendly_name.clone(),
                local_key_id: raw.attributes.local_key_id.clone(),
                key,
                chain,
                matched_by,
            });
        }
        Ok(Keystore {
            entries,
            certificates,
            integrity: Integrity::NotApplicable,
        })
    }

    /// The private keys, in file order.
    pub fn entries(&self) -> &[KeyEntry] {
        &self.entries
    }

    /// Every certificate in the keystore, in file order.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }

    /// The entry `selector` designates.
    pub fn select(&self, selector: &KeySelector) -> Result<&KeyEntry, KeyError> {
        let aliases = |v: &[&KeyEntry]| {
            v.iter()
                .map(|e| e.alias.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let all: Vec<&KeyEntry> = self.entries.iter().collect();
        let fitting: Vec<&KeyEntry> = match selector {
            KeySelector::Single => all.clone(),
            KeySelector::Alias(a) => {
                let v: Vec<&KeyEntry> = all.iter().copied().filter(|e| e.has_alias(a)).collect();
                if v.is_empty() {
                    return Err(KeyError::AliasNotFound {
                        alias: a.clone(),
                        available: aliases(&all),
                    });
                }
                v
            }
            KeySelector::Purpose(p) => {
                let v: Vec<&KeyEntry> = all.iter().copied().filter(|e| e.purpose() == *p).collect();
                if v.is_empty() {
                    return Err(KeyError::NoKeyForPurpose {
                        purpose: *p,
                        available: all
                            .iter()
                            .map(|e| format!("{}={}", e.alias, e.purpose()))
                            .collect::<Vec<_>>()
                            .join(", "),
                    });
                }
                v
            }
        };
        match fitting.as_slice() {
            [one] => Ok(one),
            [] => Err(KeyError::NoPrivateKey),
            many => Err(KeyError::Ambiguous {
                count: many.len(),
                aliases: aliases(many),
            }),
        }
    }

    /// A [`KeySigner`] (a `tanba_crypto::Signer`, carrying the chain) for the selected key.
    pub fn signer(&self, selector: &KeySelector) -> Result<KeySigner, KeyError> {
        self.select(selector)?.signer()
    }
}

/// `certs[leaf]` followed by its issuers found among `certs` (exact name match), stopping at
/// a self-issued certificate, a missing issuer, a loop or [`MAX_CHAIN`].
fn build_chain(certs: &[Certificate], leaf: usize) -> Vec<Certificate> {
    let mut used = vec![leaf];
    let mut current = leaf;
    while used.len() < MAX_CHAIN && !certs[current].is_self_issued() {
        let Some(next) =
            (0..certs.len()).find(|&j| !used.contains(&j) && certs[current].issued_by(&certs[j]))
        else {
            break;
        };
        used.push(next);
        current = next;
    }
    used.into_iter().map(|i| certs[i].clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh P-256 key (PKCS#8) and a self-signed certificate with the given keyUsage.
    fn key_and_cert(cn: &str, usages: Vec<rcgen::KeyUsagePurpose>) -> (Vec<u8>, Vec<u8>) {
        let kp = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, cn);
        params.key_usages = usages;
        let cert = params.self_signed(&kp).unwrap();
        (kp.serialize_der(), cert.der().to_vec())
    }

    fn raw_key(pkcs8: Vec<u8>, name: Option<&str>, id: Option<&[u8]>) -> RawKey {
        RawKey {
            pkcs8: zeroize::Zeroizing::new(pkcs8),
            attributes: BagAttributes {
                friendly_name: name.map(str::to_string),
                local_key_id: id.map(<[u8]>::to_vec),
            },
        }
    }

    fn raw_cert(der: Vec<u8>, id: Option<&[u8]>) -> RawCert {
        RawCert {
            der,
            attributes: BagAttributes {
                friendly_name: None,
                local_key_id: id.map(<[u8]>::to_vec),
            },
        }
    }

    /// Two keys like an NCA user's pair: SIGN (DS+NR) and AUTH (DS+KE).
    fn sign_and_auth() -> Keystore {
        use rcgen::KeyUsagePurpose::*;
        let (k1, c1) = key_and_cert("sign", vec![DigitalSignature, ContentCommitment]);
        let (k2, c2) = key_and_cert("auth", vec![DigitalSignature, KeyEncipherment]);
        Keystore::assemble(
            vec![
                raw_key(k1, Some("RSA256_x"), Some(&[1, 2])),
                raw_key(k2, None, Some(&[0xab, 0xcd])),
            ],
            // Certificates in the other order, the AUTH one without an id.
            vec![raw_cert(c2, None), raw_cert(c1, Some(&[1, 2]))],
        )
        .unwrap()
    }

    #[test]
    fn keys_pair_with_their_certificates() {
        let ks = sign_and_auth();
        let e = ks.entries();
        assert_eq!(e[0].alias(), "RSA256_x");
        assert_eq!(e[0].matched_by(), Some(CertificateMatch::LocalKeyId));
        assert_eq!(e[0].certificate().unwrap().subject(), "CN=sign");
        assert_eq!(e[0].purpose(), KeyPurpose::Sign);
        // No friendlyName: the alias is the localKeyId hex; no matching id on the
        // certificate: paired by public key.
        assert_eq!(e[1].alias(), "abcd");
        assert_eq!(e[1].matched_by(), Some(CertificateMatch::PublicKey));
        assert_eq!(e[1].certificate().unwrap().subject(), "CN=auth");
        assert_eq!(e[1].purpose(), KeyPurpose::Auth);
    }

    #[test]
    fn selection_by_alias_purpose_and_ambiguity() {
        let ks = sign_and_auth();
        let sel = |s: KeySelector| ks.select(&s).map(|e| e.alias().to_string());
        assert_eq!(
            sel(KeySelector::Purpose(KeyPurpose::Sign)).unwrap(),
            "RSA256_x"
        );
        assert_eq!(sel(KeySelector::Purpose(KeyPurpose::Auth)).unwrap(), "abcd");
        assert_eq!(sel(KeySelector::Alias("ABCD".into())).unwrap(), "abcd");
        assert_eq!(sel(KeySelector::Alias("0102".into())).unwrap(), "RSA256_x");
        assert!(matches!(
            ks.select(&KeySelector::Single),
            Err(KeyError::Ambiguous { count: 2, .. })
        ));
        assert!(matches!(
            ks.select(&KeySelector::Alias("nope".into())),
            Err(KeyError::AliasNotFound { .. })
        ));
        assert!(matches!(
            ks.select(&KeySelector::Purpose(KeyPurpose::Unknown)),
            Err(KeyError::NoKeyForPurpose { .. })
        ));
    }

    #[test]
    fn signer_carries_the_chain_and_signs() {
        use tanba_crypto::{SignatureEncoding, Signer};
        let ks = sign_and_auth();
        let signer = ks.signer(&KeySelector::Purpose(KeyPurpose::Auth)).unwrap();
        assert_eq!(signer.certificate_chain().len(), 1);
        let cert = Certificate::from_der(&signer.certificate_chain()[0], 0).unwrap();
        assert_eq!(cert.subject(), "CN=auth");
        let sig = signer.sign(b"msg", SignatureEncoding::X509).unwrap();
        tanba_crypto::verify_signature(
            signer.algorithm(),
            cert.spki_der(),
            b"msg",
            &sig,
            SignatureEncoding::X509,
            &tanba_crypto::AlgorithmPolicy::default(),
        )
        .unwrap();
    }

    #[test]
    fn local_key_id_pointing_at_another_key_is_refused() {
        use rcgen::KeyUsagePurpose::*;
        let (k1, _) = key_and_cert("a", vec![DigitalSignature]);
        let (_, c2) = key_and_cert("b", vec![DigitalSignature]);
        let err = Keystore::assemble(
            vec![raw_key(k1, Some("a"), Some(&[7]))],
            vec![raw_cert(c2, Some(&[7]))],
        )
        .unwrap_err();
        assert!(
            matches!(err, KeyError::KeyCertificateMismatch { .. }),
            "{err:?}"
        );
    }

    #[test]
    fn no_key_is_an_error() {
        assert_eq!(
            Keystore::assemble(Vec::new(), Vec::new()).unwrap_err(),
            KeyError::NoPrivateKey
        );
    }
}
