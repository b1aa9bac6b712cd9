//! The WS-Security transport signature (SMARTBRIDGE.md §6): [`sign`] and [`verify`].
//!
//! Overlap with tanba-dsig, to consolidate later: SignedInfo/Reference parsing and the
//! digest loop are reimplemented here because the WS-Security profile needs stricter
//! shape checks (one Signature in the Security header, exclusive C14N only, references
//! restricted to the Body/Timestamp/header blocks) and key resolution through
//! `wsse:SecurityTokenReference`, which `tanba_dsig::verify` does not expose. Base64,
//! algorithm-URI classification and reference-URI parsing come from tanba-dsig.

mod sign;
mod token;
mod verify;

pub use sign::{sign, KeyInfoForm, SignOptions};
pub use token::TokenReference;
pub use verify::{verify, SignedPart, TimestampInfo, VerifiedEnvelope, VerifyOptions};

/// An `io::Write` that feeds a digest.
pub(crate) struct HashWriter<'a>(pub &'a mut tanba_crypto::Hasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
