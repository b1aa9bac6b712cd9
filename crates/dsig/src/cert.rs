//! The little tanba-dsig needs from a certificate: its `SubjectPublicKeyInfo`.

/// The DER `SubjectPublicKeyInfo` of a DER certificate, or what is wrong with it.
pub(crate) fn spki_of(cert_der: &[u8]) -> Result<Vec<u8>, String> {
    use x509_parser::prelude::FromDer as _;
    let (rest, cert) =
        x509_parser::certificate::X509Certificate::from_der(cert_der).map_err(|e| e.to_string())?;
    if !rest.is_empty() {
        return Err(format!(
            "{} trailing bytes after the certificate",
            rest.len()
        ));
    }
    Ok(cert.public_key().raw.to_vec())
}
