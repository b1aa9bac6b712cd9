//! # tanba-cms
//!
//! CMS `SignedData` (RFC 5652) as Kalkan, NCALayer and NCANode make it
//! (`../shared/docs/KZ-CMS.md`): [`sign`] writes it (attached or detached, from the content
//! or only its digest, with signingCertificateV2 by default), [`read`] accepts DER, PEM
//! (`CMS` / `PKCS7`) and bare base64, and [`verify`] returns per-signer facts —
//! messageDigest, signature over the signed attributes as received, the certificate found
//! by `sid` and bound by ESSCertID(v2), the signing time as claimed. Trust, validation
//! time and revocation are judged by the verification core, not here.
//!
//! ```
//! use tanba_cms::{read, sign, verify, Content, Limits, SignOptions, ToSign};
//! # let key = tanba_testdata::read(&tanba_testdata::own("pki/keys/individual.key.pem"));
//! # let cert = tanba_testdata::read(&tanba_testdata::own("pki/certs/individual.pem"));
//! # let signer = tanba_keys::Keystore::from_pkcs8(&key, None, &cert).unwrap()
//! #     .signer(&tanba_keys::KeySelector::Single).unwrap();
//! let cms = sign(ToSign::Content(b"application #42"), &signer, &SignOptions::default()).unwrap();
//! let parsed = read(&cms, &Limits::default()).unwrap();
//! assert_eq!(parsed.content(), Some(&b"application #42"[..]));
//! let facts = verify(&parsed, Content::Attached, &[], &Default::default()).unwrap();
//! assert!(facts.all_verified(), "{:?}", facts.signers[0].facts);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod error;
pub mod oid;
pub mod read;
pub mod sign;
pub mod tsp;
pub mod verify;

pub use error::CmsError;
pub use read::{
    decode_input, encode, read, Attribute, Encoding, Limits, SignedData, SignerId, SignerInfo,
};
pub use sign::{add_signer, sign, SignOptions, ToSign};
pub use tsp::{TimeStampRequest, TimeStampToken, TokenFacts, TstInfo};
pub use verify::{verify, Content, Fact, FactOutcome, SignerFacts, Verified};
