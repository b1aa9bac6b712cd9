//! A trust store: trust anchors and intermediate CA certificates loaded from files and
//! folders (PEM or DER, single certificates or bundles), indexed by subject name and by
//! subjectKeyIdentifier for path building.
//!
//! ```
//! use tanba_pki::{TrustRole, TrustStore};
//! let mut store = TrustStore::new();
//! store.add_dir(tanba_testdata::nca("ca"), TrustRole::Anchor).unwrap();
//! assert_eq!(store.anchors().len(), 3);
//! let rsa = &store.anchors().iter().find(|c| c.key_description() == "RSA-4096").unwrap();
//! assert_eq!(store.find_by_subject(rsa.subject()).len(), 1);
//! ```

use std::collections::HashMap;
use std::path::Path;

use crate::cert::KzCertificate;
use crate::error::PkiError;
use crate::name::DistinguishedName;

/// How a certificate added to the store is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrustRole {
    /// A trust anchor: paths may end here (it need not be self-signed).
    Anchor,
    /// An intermediate CA: usable to build paths, trusted only through an anchor.
    Intermediate,
}

/// File extensions [`TrustStore::add_dir`] loads (case-insensitive).
pub const CERT_FILE_EXTENSIONS: [&str; 4] = ["pem", "crt", "cer", "der"];

/// Anchors and intermediates, with lookups by subject and SKI.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    anchors: Vec<KzCertificate>,
    intermediates: Vec<KzCertificate>,
    by_subject: HashMap<String, Vec<(TrustRole, usize)>>,
    by_ski: HashMap<Vec<u8>, Vec<(TrustRole, usize)>>,
}

impl TrustStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add one certificate; returns `false` if the same certificate (same DER) already has
    /// this role. A certificate added as both anchor and intermediate counts as an anchor
    /// for [`is_anchor`](Self::is_anchor).
    pub fn add(&mut self, cert: KzCertificate, role: TrustRole) -> bool {
        let list = match role {
            TrustRole::Anchor => &mut self.anchors,
            TrustRole::Intermediate => &mut self.intermediates,
        };
        if list.iter().any(|c| c.der() == cert.der()) {
            return false;
        }
        let idx = list.len();
        self.by_subject
            .entry(cert.subject().normalized_key())
            .or_default()
            .push((role, idx));
        if let Some(ski) = cert.subject_key_id() {
            self.by_ski
                .entry(ski.to_vec())
                .or_default()
                .push((role, idx));
        }
        list.push(cert);
        true
    }

    /// Add every certificate of a PEM/DER input; returns how many were new.
    pub fn add_pem_or_der(&mut self, input: &[u8], role: TrustRole) -> Result<usize, PkiError> {
        let certs = KzCertificate::from_pem_or_der(input)?;
        Ok(certs
            .into_iter()
            .filter(|c| self.add(c.clone(), role))
            .count())
    }

    /// Add every certificate of one file (PEM or DER, one or many); returns how many were
    /// new. Errors name the file.
    pub fn add_file(&mut self, path: impl AsRef<Path>, role: TrustRole) -> Result<usize, PkiError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| PkiError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        self.add_pem_or_der(&bytes, role)
            .map_err(|e| e.in_file(path))
    }

    /// Add every certificate file of a folder (not recursive): regular files whose
    /// extension is one of [`CERT_FILE_EXTENSIONS`], in file-name order; other files are
    /// ignored. A file with such an extension that is not a certificate is an error naming
    /// it. Returns how many certificates were new.
    pub fn add_dir(&mut self, dir: impl AsRef<Path>, role: TrustRole) -> Result<usize, PkiError> {
        let dir = dir.as_ref();
        let io = |source| PkiError::Io {
            path: dir.to_path_buf(),
            source,
        };
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            let path = entry.path();
            let wanted = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| CERT_FILE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
            if wanted && path.is_file() {
                files.push(path);
            }
        }
        files.sort();
        let mut added = 0;
        for f in files {
            added += self.add_file(&f, role)?;
        }
        Ok(added)
    }

    /// Add a file or a folder (see [`add_file`](Self::add_file) / [`add_dir`](Self::add_dir)).
    pub fn add_path(&mut self, path: impl AsRef<Path>, role: TrustRole) -> Result<usize, PkiError> {
        let path = path.as_ref();
        if path.is_dir() {
            self.add_dir(path, role)
        } else {
            self.add_file(path, role)
        }
    }

    /// The trust anchors, in insertion order.
    pub fn anchors(&self) -> &[KzCertificate] {
        &self.anchors
    }

    /// The intermediates, in insertion order.
    pub fn intermediates(&self) -> &[KzCertificate] {
        &self.intermediates
    }

    /// Anchors then intermediates.
    pub fn iter(&self) -> impl Iterator<Item = (TrustRole, &KzCertificate)> {
        self.anchors.iter().map(|c| (TrustRole::Anchor, c)).chain(
            self.intermediates
                .iter()
                .map(|c| (TrustRole::Intermediate, c)),
        )
    }

    /// Number of certificates (anchors + intermediates).
    pub fn len(&self) -> usize {
        self.anchors.len() + self.intermediates.len()
    }

    /// Whether the store holds no certificate.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn get(&self, (role, idx): (TrustRole, usize)) -> &KzCertificate {
        match role {
            TrustRole::Anchor => &self.anchors[idx],
            TrustRole::Intermediate => &self.intermediates[idx],
        }
    }

    /// Certificates whose subject matches `name` (anchors first) — issuer candidates for
    /// a certificate issued by `name`.
    pub fn find_by_subject(&self, name: &DistinguishedName) -> Vec<&KzCertificate> {
        self.lookup(self.by_subject.get(&name.normalized_key()))
    }

    /// Certificates whose subjectKeyIdentifier equals `ski` (anchors first).
    pub fn find_by_ski(&self, ski: &[u8]) -> Vec<&KzCertificate> {
        self.lookup(self.by_ski.get(ski))
    }

    /// Issuer candidates for `cert`: by AKI keyIdentifier when present, else by issuer
    /// name; candidates found by AKI must also match the issuer name (anchors first).
    pub fn issuer_candidates(&self, cert: &KzCertificate) -> Vec<&KzCertificate> {
        let by_name = self.find_by_subject(cert.issuer());
        match cert.authority_key_id().and_then(|a| a.key_id.as_deref()) {
            Some(kid) => by_name
                .into_iter()
                .filter(|c| c.subject_key_id().is_none_or(|s| s == kid))
                .collect(),
            None => by_name,
        }
    }

    /// Whether this exact certificate (same DER) is a trust anchor.
    pub fn is_anchor(&self, cert: &KzCertificate) -> bool {
        self.anchors.iter().any(|c| c.der() == cert.der())
    }

    fn lookup(&self, hits: Option<&Vec<(TrustRole, usize)>>) -> Vec<&KzCertificate> {
        let mut v: Vec<_> = hits.into_iter().flatten().copied().collect();
        v.sort_by_key(|(r, i)| (*r == TrustRole::Intermediate, *i));
        v.into_iter().map(|h| self.get(h)).collect()
    }
}
