//! Downloading the NCA RK roots and issuing CAs into a trust folder (`tanba trust
//! update`), checking each issuing CA against its root, and loading that folder back as
//! the default trust store.
//!
//! Layout of the folder: `anchors/<name>.cer` (roots) and `intermediates/<name>.cer`
//! (issuing CAs that verified against their root), DER.

use std::path::{Path, PathBuf};

use tanba_crypto::AlgorithmPolicy;
use time::OffsetDateTime;

use crate::cache::write_atomic;
use crate::chain_cert::{certificates_from_pem_or_der, ChainCert};
use crate::fetch::Fetcher;
use crate::trust_store::{TrustRole, TrustStore};

/// One root and an issuing CA it certifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustSource {
    /// Short name of the root (file stem).
    pub root_name: String,
    /// Where the root is published.
    pub root_url: String,
    /// Short name of the issuing CA (file stem).
    pub issuing_name: String,
    /// Where the issuing CA is published.
    pub issuing_url: String,
}

impl TrustSource {
    fn new(root_name: &str, root_url: &str, issuing_name: &str, issuing_url: &str) -> Self {
        TrustSource {
            root_name: root_name.into(),
            root_url: root_url.into(),
            issuing_name: issuing_name.into(),
            issuing_url: issuing_url.into(),
        }
    }

    /// The same source with every URL's scheme+host+path replaced by `base` + its file
    /// name (`http://pki.gov.kz/cert/nca_rsa_2022.cer` → `{base}/nca_rsa_2022.cer`).
    pub fn rebased(&self, base: &str) -> Self {
        let file = |u: &str| u.rsplit('/').next().unwrap_or(u).to_string();
        let b = base.trim_end_matches('/');
        TrustSource {
            root_name: self.root_name.clone(),
            root_url: format!("{b}/{}", file(&self.root_url)),
            issuing_name: self.issuing_name.clone(),
            issuing_url: format!("{b}/{}", file(&self.issuing_url)),
        }
    }
}

/// The NCA RK production roots and issuing CAs, current and previous generation
/// (KZ-PKI.md §3.1).
pub fn production_sources() -> Vec<TrustSource> {
    vec![
        TrustSource::new(
            "root_gost_2022",
            "http://pki.gov.kz/cert/root_gost_2022.cer",
            "nca_gost_2022",
            "http://pki.gov.kz/cert/nca_gost_2022.cer",
        ),
        TrustSource::new(
            "root_rsa_2020",
            "http://root.gov.kz/cert/root_rsa_2020.cer",
            "nca_rsa_2022",
            "http://pki.gov.kz/cert/nca_rsa_2022.cer",
        ),
        TrustSource::new(
            "root_gost",
            "http://root.gov.kz/cert/root_gost.cer",
            "nca_gost",
            "http://pki.gov.kz/cert/nca_gost.cer",
        ),
        TrustSource::new(
            "root_rsa",
            "http://root.gov.kz/cert/root_rsa.cer",
            "nca_rsa",
            "http://pki.gov.kz/cert/nca_rsa.cer",
        ),
    ]
}

/// What happened to one downloaded certificate.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TrustEntry {
    /// Short name.
    pub name: String,
    /// "anchor" or "intermediate".
    pub role: &'static str,
    /// Source URL.
    pub url: String,
    /// Subject DN.
    pub subject: String,
    /// notBefore (RFC 3339).
    pub not_before: String,
    /// notAfter (RFC 3339).
    pub not_after: String,
    /// SHA-256 fingerprint, upper-case hex.
    pub sha256: String,
    /// Where it was stored (`None` when it was not accepted).
    pub stored_at: Option<PathBuf>,
    /// The embedded pin its bytes match, if any (a downloaded copy that matches a pin
    /// confirms a single-source pin).
    pub pinned: Option<&'static str>,
    /// Problems (signature against the root, validity, ...); empty when accepted.
    pub problems: Vec<String>,
}

/// The result of [`update_trust`].
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct TrustUpdate {
    /// Certificates downloaded.
    pub entries: Vec<TrustEntry>,
    /// Downloads that failed.
    pub failures: Vec<String>,
}

impl TrustUpdate {
    /// Whether every source was downloaded and every issuing CA verified.
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty() && self.entries.iter().all(|e| e.problems.is_empty())
    }
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

/// Download every source into `dir` (see the module doc for the layout). A root is
/// stored only if its SHA-256 is one of the roots this build pins
/// ([`crate::trust_sets`]); an issuing CA only if it names that root and its signature
/// verifies with the root's key — so nothing enters the store that does not chain to a
/// pinned root, whatever the (plain HTTP) download returned. A failed or refused download
/// leaves the files already there untouched: the last good set stays.
pub fn update_trust(
    fetcher: &Fetcher,
    sources: &[TrustSource],
    dir: &Path,
    now: OffsetDateTime,
) -> Result<TrustUpdate, std::io::Error> {
    let anchors = dir.join("anchors");
    let inter = dir.join("intermediates");
    std::fs::create_dir_all(&anchors)?;
    std::fs::create_dir_all(&inter)?;
    let mut out = TrustUpdate::default();
    let limit = fetcher.config().max_cert_bytes;
    let download = |url: &str| -> Result<ChainCert, DownloadError> {
        let bytes = fetcher.get(url, limit)?;
        let ders =
            certificates_from_pem_or_der(&bytes).map_err(|e| DownloadError::Certificate {
                url: url.to_string(),
                source: e,
            })?;
        ChainCert::from_der(&ders[0]).map_err(|e| DownloadError::Certificate {
            url: url.to_string(),
            source: e,
        })
    };
    let entry = |name: &str, role: &'static str, url: &str, c: &ChainCert| TrustEntry {
        name: name.into(),
        role,
        url: url.into(),
        subject: c.subject().into(),
        not_before: rfc3339(c.not_before()),
        not_after: rfc3339(c.not_after()),
        sha256: hex::encode_upper(c.sha256_fingerprint()),
        stored_at: None,
        pinned: crate::trust_sets::TrustSet::find_pinned(&hex::encode(c.sha256_fingerprint()))
            .map(|(_, p)| p.name),
        problems: Vec::new(),
    };
    for s in sources {
        let root = match download(&s.root_url) {
            Ok(r) => r,
            Err(e) => {
                out.failures.push(format!("{}: {e}", s.root_name));
                continue;
            }
        };
        let mut re = entry(&s.root_name, "anchor", &s.root_url, &root);
        if !root.is_valid_at(now) {
            re.problems
                .push(format!("not valid now ({})", rfc3339(now)));
        }
        if !root.is_ca() {
            re.problems.push("not a CA certificate".into());
        }
        let pinned_root =
            crate::trust_sets::TrustSet::find_pinned(&hex::encode(root.sha256_fingerprint()))
                .is_some_and(|(_, p)| p.role == TrustRole::Anchor);
        if !pinned_root {
            re.problems.push(format!(
                "not one of the NCA RK roots this build pins (SHA-256 {}): refused, a root is trusted only if pinned",
                re.sha256
            ));
        }
        if re.problems.is_empty() {
            let p = anchors.join(format!("{}.cer", s.root_name));
            write_atomic(&p, root.der())?;
            re.stored_at = Some(p);
        }
        let root_ok = re.problems.is_empty();
        out.entries.push(re);
        let ca = match download(&s.issuing_url) {
            Ok(c) => c,
            Err(e) => {
                out.failures.push(format!("{}: {e}", s.issuing_name));
                continue;
            }
        };
        let mut ce = entry(&s.issuing_name, "intermediate", &s.issuing_url, &ca);
        if !root_ok {
            ce.problems
                .push(format!("its root {} was not accepted", s.root_name));
        }
        if !ca.names_issuer(&root) {
            ce.problems.push(format!(
                "issuer '{}' / AKI do not match the root '{}'",
                ca.issuer(),
                root.subject()
            ));
        } else if let Err(e) = ca.verify_signed_by(root.spki_der(), &AlgorithmPolicy::strict()) {
            ce.problems.push(format!(
                "signature does not verify with the root's key: {e}"
            ));
        }
        if !ca.is_ca() {
            ce.problems.push("not a CA certificate".into());
        }
        if !ca.is_valid_at(now) {
            ce.problems
                .push(format!("not valid now ({})", rfc3339(now)));
        }
        if ce.problems.is_empty() {
            let p = inter.join(format!("{}.cer", s.issuing_name));
            write_atomic(&p, ca.der())?;
            ce.stored_at = Some(p);
        }
        out.entries.push(ce);
    }
    Ok(out)
}

/// Load a folder written by [`update_trust`] as a [`TrustStore`].
pub fn load_trust_dir(dir: &Path) -> Result<TrustStore, crate::PkiError> {
    let mut store = TrustStore::new();
    let anchors = dir.join("anchors");
    let inter = dir.join("intermediates");
    if anchors.is_dir() {
        store.add_dir(&anchors, TrustRole::Anchor)?;
    }
    if inter.is_dir() {
        store.add_dir(&inter, TrustRole::Intermediate)?;
    }
    Ok(store)
}

/// The default folder: `$TANBA_CACHE_DIR`, else `$XDG_CACHE_HOME/tanba`, else
/// `$HOME/.cache/tanba` (`None` when none is set).
pub fn default_cache_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("TANBA_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(PathBuf::from(d).join("tanba"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache").join("tanba"))
}

/// Why a certificate of the trust update could not be had (recorded as a failure).
#[derive(Debug, thiserror::Error)]
enum DownloadError {
    #[error(transparent)]
    Fetch(#[from] crate::fetch::FetchError),
    #[error("{url}: {source}")]
    Certificate {
        url: String,
        #[source]
        source: crate::chain_cert::CertParseError,
    },
}
