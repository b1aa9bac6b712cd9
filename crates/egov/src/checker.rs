//! Certificate checks through the verification core (tanba-validate): trust anchors,
//! revocation evidence (CRLs, stored OCSP responses), time of validation and identifier
//! policy, bundled once and applied with per-use requirements (key usage, roles, expected
//! IIN/BIN). CRLs are parsed once, when added; the core's validator is built once, on the
//! first check, and remembers each certificate's verdict, so a folder of documents does
//! not re-read the revocation evidence for every document.

use std::sync::{Arc, OnceLock};

use time::OffsetDateTime;

use tanba_pki::{
    CertPool, ChainCert, Crl, IdPolicy, OcspResponse, Policy, Report, RequiredUsage,
    RevocationSources, Role, TrustRole, TrustStore, ValidationTime,
};

use crate::error::EgovError;

/// What one use of a certificate requires, on top of the [`CertChecker`]'s setting.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// Key usage required (SIGN for every document signature).
    pub usage: RequiredUsage,
    /// Any one of these roles (empty = no role requirement).
    pub any_role: Vec<Role>,
    /// The certificate must carry this IIN.
    pub expected_iin: Option<String>,
    /// The certificate must carry this BIN.
    pub expected_bin: Option<String>,
    /// The moment the certificate must be valid at (unless the checker fixes one).
    pub time: ValidationTime,
}

impl Requirement {
    /// A SIGN key, valid now, no other requirement.
    pub fn sign_now() -> Self {
        Requirement {
            usage: RequiredUsage::Sign,
            any_role: Vec::new(),
            expected_iin: None,
            expected_bin: None,
            time: ValidationTime::Now,
        }
    }
}

/// Trust anchors, revocation evidence and policy switches for checking certificates.
///
/// Defaults: no anchors (add some), revocation required (OCSP then CRL, hard-fail: with no
/// evidence the status is unknown and the check fails), identifiers must pass the national
/// checksum, validation time as the [`Requirement`] says.
#[derive(Debug, Clone)]
pub struct CertChecker {
    pool: CertPool,
    crls: Vec<Crl>,
    ocsp: Vec<OcspResponse>,
    revocation: bool,
    id_policy: IdPolicy,
    at: Option<OffsetDateTime>,
    /// The core's validator over `pool`, `crls` and `ocsp`, built on the first check;
    /// replaced whenever trust or evidence is added.
    engine: Arc<OnceLock<tanba_validate::Validator>>,
    /// A validator given whole ([`CertChecker::from_validator`]): its trust, revocation
    /// engine, named policy and overrides decide, and the requirement is added on top.
    core: Option<Arc<tanba_validate::Validator>>,
}

impl Default for CertChecker {
    fn default() -> Self {
        Self::new()
    }
}

impl CertChecker {
    /// No anchors, revocation required, strict identifiers.
    pub fn new() -> Self {
        CertChecker {
            pool: CertPool::new(),
            crls: Vec::new(),
            ocsp: Vec::new(),
            revocation: true,
            id_policy: IdPolicy::ChecksumOnly,
            at: None,
            engine: Arc::new(OnceLock::new()),
            core: None,
        }
    }

    /// A checker over a verification-core validator built elsewhere (the CLI's shared
    /// trust / revocation / policy flags): its anchors, revocation engine, named policy and
    /// overrides (soft-fail, revocation sources, identifier policy, deadline) apply, and
    /// each use adds its [`Requirement`]. CRLs and OCSP responses added later go to the
    /// validator's revocation engine; trust cannot be added ([`EgovError::Invalid`]).
    pub fn from_validator(validator: Arc<tanba_validate::Validator>) -> Self {
        let revocation = validator
            .certificate_policy(tanba_validate::Layer::Document, None)
            .sources()
            != RevocationSources::None;
        CertChecker {
            revocation,
            core: Some(validator),
            ..Self::new()
        }
    }

    fn no_trust_here(&self) -> Result<(), EgovError> {
        match self.core {
            Some(_) => Err(EgovError::invalid(
                "trust",
                "this checker takes its trust from the validator it was built from",
            )),
            None => Ok(()),
        }
    }

    /// Trust or evidence changed: the next check builds a new validator.
    fn changed(&mut self) {
        self.engine = Arc::new(OnceLock::new());
    }

    /// Add trust material (PEM or DER, one or more certificates): self-issued
    /// certificates become anchors, the others intermediates (usable to build paths).
    pub fn add_trust(&mut self, bytes: &[u8]) -> Result<usize, EgovError> {
        self.no_trust_here()?;
        let mut store = TrustStore::new();
        let certs = tanba_pki::chain_cert::certificates_from_pem_or_der(bytes)
            .map_err(|e| EgovError::invalid("trust", e.to_string()))?;
        let mut n = 0;
        for der in certs {
            let c = ChainCert::from_der(&der)
                .map_err(|e| EgovError::invalid("trust", e.to_string()))?;
            let role = if c.is_self_issued() {
                TrustRole::Anchor
            } else {
                TrustRole::Intermediate
            };
            let kz = tanba_pki::KzCertificate::from_der(&der)
                .map_err(|e| EgovError::invalid("trust", e.to_string()))?;
            store.add(kz, role);
            n += 1;
        }
        let (pool, _) = CertPool::from_trust_store(&store);
        for a in pool.anchors() {
            self.pool.add_anchor(a.clone());
        }
        for i in pool.intermediates() {
            self.pool.add_intermediate(i.clone());
        }
        self.changed();
        Ok(n)
    }

    /// Add a certificate as a trust anchor whatever it is (e.g. an issuing CA taken as
    /// the anchor, as with the NCA test CAs whose roots are not published).
    pub fn add_anchor(&mut self, bytes: &[u8]) -> Result<usize, EgovError> {
        self.no_trust_here()?;
        let certs = tanba_pki::chain_cert::certificates_from_pem_or_der(bytes)
            .map_err(|e| EgovError::invalid("trust", e.to_string()))?;
        let n = certs.len();
        for der in certs {
            self.pool.add_anchor(
                ChainCert::from_der(&der)
                    .map_err(|e| EgovError::invalid("trust", e.to_string()))?,
            );
        }
        self.changed();
        Ok(n)
    }

    /// Add a CRL (DER or PEM) as revocation evidence.
    pub fn add_crl(&mut self, bytes: &[u8]) -> Result<(), EgovError> {
        let crl = Crl::from_bytes(bytes).map_err(|e| EgovError::invalid("crl", e.to_string()))?;
        if let Some(core) = &self.core {
            core.revocation().add_crl(crl);
            return Ok(());
        }
        self.crls.push(crl);
        self.changed();
        Ok(())
    }

    /// Add a stored OCSP response (DER) as revocation evidence.
    pub fn add_ocsp_response(&mut self, der: &[u8]) -> Result<(), EgovError> {
        let r =
            OcspResponse::from_der(der).map_err(|e| EgovError::invalid("ocsp", e.to_string()))?;
        if let Some(core) = &self.core {
            core.revocation().add_ocsp_response(r);
            return Ok(());
        }
        self.ocsp.push(r);
        self.changed();
        Ok(())
    }

    /// Do not check revocation (reports then say so).
    pub fn without_revocation(mut self) -> Self {
        self.revocation = false;
        self
    }

    /// Accept identifiers that fail the national checksum (the NCA test certificates).
    pub fn accept_test_identifiers(mut self) -> Self {
        self.id_policy = IdPolicy::AcceptTestIds;
        self
    }

    /// Validate "as of" this moment instead of what each use asks for.
    pub fn at(mut self, t: OffsetDateTime) -> Self {
        self.at = Some(t);
        self
    }

    /// Is revocation checked?
    pub fn checks_revocation(&self) -> bool {
        self.revocation
    }

    /// The fixed validation moment, if any.
    pub fn fixed_time(&self) -> Option<OffsetDateTime> {
        self.at
    }

    /// Validate `cert` (DER) with `extra` certificates that came with it (DER).
    pub fn check(&self, cert: &[u8], extra: &[Vec<u8>], req: &Requirement) -> Report {
        let time = match self.at {
            Some(t) => ValidationTime::At(t),
            None => req.time,
        };
        let mut b = match &self.core {
            // the validator's named policy and overrides, this use's time and usage
            Some(core) => {
                let mut b = core
                    .certificate_policy(tanba_validate::Layer::Document, None)
                    .to_builder()
                    .time(time)
                    .required_usage(req.usage);
                if !self.revocation {
                    b = b.revocation_sources(RevocationSources::None);
                }
                if self.id_policy == IdPolicy::AcceptTestIds {
                    b = b.id_policy(IdPolicy::AcceptTestIds);
                }
                b
            }
            None => Policy::builder()
                .time(time)
                .required_usage(req.usage)
                .id_policy(self.id_policy)
                .revocation_sources(if self.revocation {
                    RevocationSources::OcspThenCrl
                } else {
                    RevocationSources::None
                }),
        };
        for r in &req.any_role {
            b = b.require_any_role(*r);
        }
        if let Some(i) = &req.expected_iin {
            b = b.expected_iin(i.clone());
        }
        if let Some(bin) = &req.expected_bin {
            b = b.expected_bin(bin.clone());
        }
        if let Some(core) = &self.core {
            let extra = extra_chain(cert, extra);
            return core.validate_certificate(cert, &extra, &b.build());
        }
        let engine = self.engine.get_or_init(|| {
            // CRL clones share their index: nothing is parsed or indexed again
            let revocation = tanba_pki::RevocationEngine::new();
            for c in &self.crls {
                revocation.add_crl(c.clone());
            }
            for r in &self.ocsp {
                revocation.add_ocsp_response(r.clone());
            }
            tanba_validate::Validator::new(tanba_validate::TrustConfig {
                pool: self.pool.clone(),
                revocation: Arc::new(revocation),
                ..Default::default()
            })
        });
        engine.validate_certificate(cert, &extra_chain(cert, extra), &b.build())
    }
}

/// The certificates that came with `cert`, as chain candidates (itself left out).
fn extra_chain(cert: &[u8], extra: &[Vec<u8>]) -> Vec<ChainCert> {
    extra
        .iter()
        .filter(|d| d.as_slice() != cert)
        .filter_map(|d| ChainCert::from_der(d).ok())
        .collect()
}
