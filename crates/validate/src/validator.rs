//! [`Validator`]: the verification core's long-lived front. Built once from a
//! [`TrustConfig`] (anchors and intermediates, revocation evidence and fetching, the named
//! policy and its overrides), shared across threads, and asked per [`Request`] (validation
//! time, expected identity, scope, algorithm switches).

use std::sync::Arc;
use std::time::Duration;

use tanba_pki::{
    CertPool, ExpectedIdentity, IdPolicy, Policy, RevocationEngine, RevocationSources,
    UnknownStatus, ValidationTime,
};
use time::OffsetDateTime;

use crate::document::{verify_document, verify_document_vec, DocumentError, DocumentOptions};
use crate::document::{Scope, Validators};
use crate::policy::PolicyName;
use crate::report::{DocumentReport, Layer};

/// Knobs that override the named policy (`None`: the policy's own setting).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Which revocation sources, in which order (`Some(RevocationSources::None)`: no
    /// revocation check, and the report says so).
    pub revocation: Option<RevocationSources>,
    /// What an undecidable revocation status means (soft-fail is
    /// `Some(UnknownStatus::Allow)`).
    pub unknown_status: Option<UnknownStatus>,
    /// How strictly identifiers in certificates are checked (NCA test identifiers).
    pub id_policy: Option<IdPolicy>,
    /// One deadline for the online revocation requests of a certificate's validation.
    pub online_deadline: Option<Duration>,
}

/// What a [`Validator`] trusts and how it learns revocation status.
#[derive(Debug, Default)]
pub struct TrustConfig {
    /// Trust anchors and intermediates.
    pub pool: CertPool,
    /// The revocation engine: CRLs and OCSP responses given as evidence, and — with a
    /// fetcher — what it downloads and keeps (shared with every validator holding it).
    pub revocation: Arc<RevocationEngine>,
    /// The anchors time-stamp authorities are judged against (`None`: the embedded NCA
    /// production and test sets together). A TSA is trusted on its own terms, not by the
    /// signers' trust.
    pub tsa_pool: Option<CertPool>,
    /// The named policy.
    pub policy: PolicyName,
    /// Its overridden knobs.
    pub overrides: Overrides,
}

/// One question to a [`Validator`].
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The validation time (`None`: now).
    pub at: Option<OffsetDateTime>,
    /// The IIN / BIN the document's signers must carry.
    pub expected: ExpectedIdentity,
    /// Skip certificate validation: signatures and identities only (the report says so).
    pub skip_certificates: bool,
    /// Which layers.
    pub scope: Scope,
    /// XMLDSig switches (legacy algorithms, the Base64 transform, the work budget).
    pub dsig: tanba_dsig::VerifyOptions,
    /// WS-Security knobs (clock skew, required Timestamp and headers, pinned tokens);
    /// its `at` is replaced by [`Request::at`].
    pub wss: tanba_wss::VerifyOptions,
    /// The revocation sources for this request only (`None`: the validator's; an HTTP
    /// client's `revocationCheck`), as [`Overrides::revocation`] but per call.
    pub revocation: Option<RevocationSources>,
}

/// The verification core, built once and shared: `Send + Sync`, cheap per call (the
/// anchors and the revocation evidence are never copied per request, and without a
/// fetcher a certificate's verdict is remembered per chain, policy and validation-time
/// bucket).
///
/// ```
/// use tanba_pki::{CertPool, ChainCert, IdPolicy};
/// use tanba_validate::{Overrides, Request, TrustConfig, Validator};
/// let mut pool = CertPool::new();
/// pool.add_anchor(ChainCert::from_bytes(&tanba_testdata::read_nca("ca/nca_rsa_test.crt")).unwrap());
/// let revocation = tanba_pki::RevocationEngine::new();
/// revocation.add_ocsp_response(tanba_pki::OcspResponse::from_der(&tanba_testdata::read_nca(
///     "ocsp/ocsp_response_individual_sign_2004.bin")).unwrap());
/// let validator = Validator::new(TrustConfig {
///     pool,
///     revocation: std::sync::Arc::new(revocation),
///     overrides: Overrides { id_policy: Some(IdPolicy::AcceptTestIds), ..Default::default() },
///     ..Default::default()
/// });
/// # let name = "individual_valid_sign_rsa_2004.p12";
/// # let p12 = tanba_testdata::read_nca(&format!("keys/{name}"));
/// # let store = tanba_keys::Keystore::open_pkcs12(
/// #     &p12, &tanba_keys::Password::new(tanba_testdata::nca_password(name))).unwrap();
/// # let signer = store.signer(&tanba_keys::KeySelector::Single).unwrap();
/// let signed = tanba_dsig::sign(b"<order/>", &signer, &Default::default()).unwrap();
/// let request = Request {
///     at: Some(time::macros::datetime!(2021-06-01 0:00 UTC)),
///     ..Default::default()
/// };
/// let report = validator.validate_document(&signed, &request).unwrap();
/// assert!(report.is_passed(), "{:?}", report.problems);
/// ```
#[derive(Debug)]
pub struct Validator {
    engine: tanba_pki::Validator,
    /// The anchors of time-stamp authorities given (`None`: the embedded NCA sets).
    tsa_pool: Option<CertPool>,
    /// The validator of time-stamp authorities (its own anchors, the same revocation),
    /// built on the first time stamp: most validations never meet one.
    tsa: std::sync::OnceLock<tanba_pki::Validator>,
    policy: PolicyName,
    overrides: Overrides,
}

impl Validator {
    /// A validator over `config`.
    pub fn new(config: TrustConfig) -> Validator {
        let mut engine =
            tanba_pki::Validator::with_engine(config.pool, Policy::default(), config.revocation);
        // a certificate seen again (same chain, policy and time bucket) is not validated
        // again; only while the revocation evidence is fixed (no fetcher)
        engine.with_verdict_cache(4096);
        Validator {
            engine,
            tsa_pool: config.tsa_pool,
            tsa: std::sync::OnceLock::new(),
            policy: config.policy,
            overrides: config.overrides,
        }
    }

    /// The revocation engine (for readiness and freshness figures).
    pub fn revocation(&self) -> &Arc<RevocationEngine> {
        self.engine.revocation()
    }

    /// The trust anchors.
    pub fn anchors(&self) -> &[tanba_pki::ChainCert] {
        self.engine.pool().anchors()
    }

    /// The named policy.
    pub fn policy(&self) -> PolicyName {
        self.policy
    }

    /// The certificate policy for signers of `layer` at `at` (`None`: now): the named
    /// policy, the overrides, the time. Callers with more requirements (a key usage, a
    /// role, an expected IIN in the certificate check) continue from
    /// [`Policy::to_builder`].
    pub fn certificate_policy(&self, layer: Layer, at: Option<OffsetDateTime>) -> Policy {
        self.policy_with(layer, at, None)
    }

    /// [`Validator::certificate_policy`] with the revocation sources of one request
    /// ([`Request::revocation`]) over the validator's own.
    pub fn policy_with(
        &self,
        layer: Layer,
        at: Option<OffsetDateTime>,
        revocation: Option<RevocationSources>,
    ) -> Policy {
        let mut b = self
            .policy
            .certificate_policy(layer, !self.engine.revocation().is_empty())
            .time(match at {
                Some(t) => ValidationTime::At(t),
                None => ValidationTime::Now,
            });
        let named = b.clone().build();
        if let Some(r) = revocation {
            // the caller of this request names its sources (or none) outright
            b = b.revocation_sources(r);
        } else if let Some(r) = self.overrides.revocation {
            // a policy that checks no revocation stays so; "none" always wins
            if named.sources() != RevocationSources::None || r == RevocationSources::None {
                b = b.revocation_sources(r);
            }
        }
        if let Some(u) = self.overrides.unknown_status {
            b = b.unknown_status(u);
        }
        if let Some(p) = self.overrides.id_policy {
            b = b.id_policy(p);
        }
        if let Some(d) = self.overrides.online_deadline {
            b = b.online_deadline(d);
        }
        b.build()
    }

    /// Validates one certificate (DER or PEM) with the anchors and evidence, under
    /// `policy` (e.g. from [`Validator::certificate_policy`]).
    pub fn validate_certificate(
        &self,
        cert: &[u8],
        extra: &[tanba_pki::ChainCert],
        policy: &Policy,
    ) -> tanba_pki::Report {
        self.engine.validate_with(cert, extra, policy)
    }

    /// The certificate validator underneath (for the judges of each format).
    pub(crate) fn pki(&self) -> &tanba_pki::Validator {
        &self.engine
    }

    /// What the CMS and time-stamp judges need from a request.
    fn cms_job<'a>(
        &'a self,
        content: tanba_cms::Content<'a>,
        request: &'a Request,
    ) -> crate::cms::CmsJob<'a> {
        crate::cms::CmsJob {
            validator: self,
            content,
            at: request.at,
            revocation: request.revocation,
            expected: &request.expected,
            skip_certificates: request.skip_certificates,
            algorithms: if request.dsig.allow_legacy {
                tanba_crypto::AlgorithmPolicy::allow_legacy()
            } else {
                tanba_crypto::AlgorithmPolicy::strict()
            },
        }
    }

    /// The validator of time-stamp authorities ([`TrustConfig::tsa_pool`]).
    pub(crate) fn tsa_pki(&self) -> &tanba_pki::Validator {
        self.tsa.get_or_init(|| {
            let pool = self.tsa_pool.clone().unwrap_or_else(|| {
                // a pin mismatch means a tampered build: then no TSA is trusted (fail
                // closed)
                let mut pool = CertPool::new();
                for set in [
                    tanba_pki::trust_sets::TrustSet::NcaProd,
                    tanba_pki::trust_sets::TrustSet::NcaTest,
                ] {
                    if set.add_to(&mut pool).is_err() {
                        return CertPool::new();
                    }
                }
                pool
            });
            tanba_pki::Validator::with_engine(
                pool,
                Policy::default(),
                self.engine.revocation().clone(),
            )
        })
    }

    /// Verifies a CMS SignedData (DER, PEM or bare base64; CAdES-BES as Kalkan and
    /// NCALayer make it) over `content` — its own, detached bytes, or only a digest — and
    /// judges every signer: messageDigest, the signature over the signed attributes as
    /// received, the signing-certificate binding, then the identity expected and the
    /// certificate under the named policy at [`Request::at`] (else now). The signingTime a
    /// signer claims is reported, never used as the validation time. Format `cms`.
    ///
    /// ```
    /// # let key = tanba_testdata::read(&tanba_testdata::own("pki/keys/individual.key.pem"));
    /// # let cert = tanba_testdata::read(&tanba_testdata::own("pki/certs/individual.pem"));
    /// # let signer = tanba_keys::Keystore::from_pkcs8(&key, None, &cert).unwrap()
    /// #     .signer(&tanba_keys::KeySelector::Single).unwrap();
    /// use tanba_validate::{Request, TrustConfig, Validator};
    /// let cms = tanba_cms::sign(tanba_cms::ToSign::Content(b"x"), &signer,
    ///                           &Default::default()).unwrap();
    /// let report = Validator::new(TrustConfig::default())
    ///     .validate_cms(&cms, tanba_cms::Content::Attached,
    ///                   &Request { skip_certificates: true, ..Default::default() })
    ///     .unwrap();
    /// assert!(report.is_passed(), "{:?}", report.problems);
    /// ```
    pub fn validate_cms(
        &self,
        input: &[u8],
        content: tanba_cms::Content<'_>,
        request: &Request,
    ) -> Result<DocumentReport, DocumentError> {
        crate::cms::judge(input, &self.cms_job(content, request))
    }

    /// Verifies a time-stamp token on its own (DER, PEM, base64, or a whole
    /// `TimeStampResp`): the TSA's signature over the TSTInfo, the imprint over what it
    /// should stamp, the timeStamping EKU, then the TSA certificate under the named
    /// policy at genTime. Format `time_stamp`; the validation time is genTime.
    pub fn validate_time_stamp(
        &self,
        token: &[u8],
        stamped: tanba_cms::tsp::Stamped<'_>,
        request: &Request,
    ) -> Result<DocumentReport, DocumentError> {
        crate::cms::judge_time_stamp(
            token,
            stamped,
            &self.cms_job(tanba_cms::Content::Attached, request),
        )
    }

    /// Validates a bare certificate (DER or PEM; `extra` are chain candidates) under
    /// `policy` and reports it in the one report shape: format `certificate`, one entry in
    /// `signers` (layer `document`) with the certificate's identity, its checks (chain,
    /// validity, key usage, role, identifiers, revocation, each with its rule) and the full
    /// certificate report, and the ETSI indication those checks give.
    pub fn validate_certificate_report(
        &self,
        cert: &[u8],
        extra: &[tanba_pki::ChainCert],
        policy: &Policy,
    ) -> DocumentReport {
        crate::document::certificate_report(&self.engine, self.policy, cert, extra, policy)
    }

    /// Verifies every signature of a document at every layer and judges every signer
    /// (see [`crate::verify_document`]) under this validator's trust and policy.
    pub fn validate_document(
        &self,
        bytes: &[u8],
        request: &Request,
    ) -> Result<DocumentReport, DocumentError> {
        let (signer, transport) = self.policies(request);
        verify_document(bytes, &self.options(request, &signer, &transport))
    }

    /// [`Validator::validate_document`] taking ownership of the bytes (a large plain
    /// XMLDSig document is parsed in place).
    pub fn validate_document_vec(
        &self,
        bytes: Vec<u8>,
        request: &Request,
    ) -> Result<DocumentReport, DocumentError> {
        let (signer, transport) = self.policies(request);
        verify_document_vec(bytes, &self.options(request, &signer, &transport))
    }

    /// A raw signature: `signature` over `data` by the key of `cert` (DER or PEM), with
    /// the certificate's signature algorithm (as Kalkan verifies eGov Mobile's
    /// SIGN_BYTES_ARRAY and NCANode's `/x509/verify`), then the certificate under the
    /// named policy at [`Request::at`], and the identity expected. Format `raw`; a
    /// signature that does not verify is `total_failed` / `sig_crypto_failure`.
    ///
    /// ```
    /// # let key = tanba_testdata::read(&tanba_testdata::own("pki/keys/individual.key.pem"));
    /// # let cert = tanba_testdata::read(&tanba_testdata::own("pki/certs/individual.pem"));
    /// # let signer = tanba_keys::Keystore::from_pkcs8(&key, None, &cert).unwrap()
    /// #     .signer(&tanba_keys::KeySelector::Single).unwrap();
    /// use tanba_crypto::{SignatureEncoding, Signer};
    /// use tanba_validate::{DocumentFormat, Request, TrustConfig, Validator};
    /// let sig = signer.sign(b"hello", SignatureEncoding::X509).unwrap();
    /// let v = Validator::new(TrustConfig::default());
    /// let r = Request { skip_certificates: true, ..Default::default() };
    /// let report = v.validate_raw(&cert, &sig, b"hello", &r);
    /// assert_eq!(report.format, DocumentFormat::Raw);
    /// assert!(report.is_passed(), "{:?}", report.problems); // signature only: no trust asked
    /// assert_eq!(report.signers[0].checks[0].outcome, tanba_validate::CheckOutcome::Passed);
    /// let other = v.validate_raw(&cert, &sig, b"hullo", &r);
    /// assert!(!other.is_passed());
    /// ```
    pub fn validate_raw(
        &self,
        cert: &[u8],
        signature: &[u8],
        data: &[u8],
        request: &Request,
    ) -> DocumentReport {
        crate::raw::judge(self, cert, signature, data, request)
    }

    /// Any signed document: XML (every layer, [`Validator::validate_document_vec`]) when it
    /// starts with `<` or a byte order mark, else CMS ([`Validator::validate_cms`], over
    /// `detached` content when given) — what a service receiving documents of both kinds
    /// calls.
    ///
    /// ```
    /// use tanba_validate::{Request, TrustConfig, Validator};
    /// let v = Validator::new(TrustConfig::default());
    /// let r = Request { skip_certificates: true, ..Default::default() };
    /// // XML without a signature, then bytes that are not a CMS: both refused, never passed
    /// assert!(v.validate_any(b"<a/>".to_vec(), None, &r).is_err());
    /// assert!(v.validate_any(b"\x30\x03\x02\x01\x00".to_vec(), None, &r).is_err());
    /// ```
    pub fn validate_any(
        &self,
        bytes: Vec<u8>,
        detached: Option<&[u8]>,
        request: &Request,
    ) -> Result<DocumentReport, DocumentError> {
        if looks_like_xml(&bytes) {
            self.validate_document_vec(bytes, request)
        } else {
            let content = match detached {
                Some(c) => tanba_cms::Content::Detached(c),
                None => tanba_cms::Content::Attached,
            };
            self.validate_cms(&bytes, content, request)
        }
    }

    fn policies(&self, request: &Request) -> (Policy, Policy) {
        (
            self.policy_with(Layer::Document, request.at, request.revocation),
            self.policy_with(Layer::Transport, request.at, request.revocation),
        )
    }

    fn options<'a>(
        &'a self,
        request: &Request,
        signer: &'a Policy,
        transport: &'a Policy,
    ) -> DocumentOptions<'a> {
        DocumentOptions {
            dsig: request.dsig.clone(),
            wss: request.wss.clone(),
            expected: request.expected.clone(),
            validators: (!request.skip_certificates).then_some(Validators {
                validator: &self.engine,
                signer,
                transport,
            }),
            scope: request.scope,
            policy: self.policy,
            at: request.at,
        }
    }
}

/// Whether `bytes` is XML rather than CMS: a byte order mark (UTF-8, UTF-16) or `<` as the
/// first non-blank byte.
fn looks_like_xml(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"\xef\xbb\xbf")
        || bytes.starts_with(b"\xff\xfe")
        || bytes.starts_with(b"\xfe\xff")
    {
        return true;
    }
    bytes
        .iter()
        .find(|c| !c.is_ascii_whitespace())
        .is_some_and(|&c| c == b'<')
}

#[cfg(test)]
mod tests {
    use super::*;
    use tanba_pki::RequiredUsage;

    #[test]
    fn a_validator_is_shared_across_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Validator>();
        shared::<Request>();
    }

    #[test]
    fn overrides_apply_over_the_named_policy() {
        let v = Validator::new(TrustConfig {
            overrides: Overrides {
                unknown_status: Some(UnknownStatus::Allow),
                revocation: Some(RevocationSources::CrlOnly),
                ..Default::default()
            },
            ..Default::default()
        });
        let p = v.certificate_policy(Layer::Document, None);
        assert_eq!(p.unknown_status(), UnknownStatus::Allow);
        assert_eq!(p.sources(), RevocationSources::CrlOnly);
        assert_eq!(p.required_usage(), RequiredUsage::Sign);
        assert_eq!(
            v.certificate_policy(Layer::Transport, None)
                .required_usage(),
            RequiredUsage::Any
        );
        // ncanode-compat without evidence checks no revocation, whatever the order asked
        let v = Validator::new(TrustConfig {
            policy: PolicyName::NcanodeCompat,
            overrides: Overrides {
                revocation: Some(RevocationSources::CrlOnly),
                ..Default::default()
            },
            ..Default::default()
        });
        assert_eq!(
            v.certificate_policy(Layer::Document, None).sources(),
            RevocationSources::None
        );
    }
}
