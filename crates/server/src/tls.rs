//! Optional TLS termination (rustls, ring provider), with client certificates (mTLS) when
//! a client CA is given.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Why the TLS settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The certificate chain file holds no PEM certificate.
    #[error("TLS certificate: no PEM certificate found")]
    NoCertificate,
    /// A PEM file could not be read.
    #[error("TLS {what}: {source}")]
    Pem {
        /// Which file.
        what: &'static str,
        /// Why.
        #[source]
        source: rustls::pki_types::pem::Error,
    },
    /// rustls refused the settings (a key that does not match the certificate, …).
    #[error("TLS settings: {0}")]
    Rustls(#[from] rustls::Error),
    /// The client CA could not be made a verifier.
    #[error("TLS client CA: {0}")]
    ClientCa(#[from] rustls::server::VerifierBuilderError),
}

/// A rustls server configuration from PEM texts: the certificate chain (leaf first), its
/// private key, and — for mutual TLS — the CA certificates client certificates must chain
/// to (a client without one is refused during the handshake). HTTP/1.1 only.
///
/// ```
/// let ck = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
/// let cfg = tanba_server::tls_config(
///     ck.cert.pem().as_bytes(),
///     ck.signing_key.serialize_pem().as_bytes(),
///     None,
/// )
/// .unwrap();
/// assert_eq!(cfg.alpn_protocols, vec![b"http/1.1".to_vec()]);
/// assert!(tanba_server::tls_config(b"", b"", None).is_err());
/// ```
pub fn tls_config(
    cert_chain_pem: &[u8],
    key_pem: &[u8],
    client_ca_pem: Option<&[u8]>,
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_chain_pem)
        .collect::<Result<_, _>>()
        .map_err(|source| TlsError::Pem {
            what: "certificate",
            source,
        })?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate);
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|source| TlsError::Pem {
        what: "private key",
        source,
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?;
    let builder = match client_ca_pem {
        None => builder.with_no_client_auth(),
        Some(pem) => {
            let mut roots = rustls::RootCertStore::empty();
            for c in CertificateDer::pem_slice_iter(pem) {
                let c = c.map_err(|source| TlsError::Pem {
                    what: "client CA",
                    source,
                })?;
                roots.add(c)?;
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let mut cfg = builder.with_single_cert(chain, key)?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(cfg))
}
