//! `tanba cert` — certificate commands. `info` describes a certificate with the NCA RK
//! profile; `check` (full validation) lives beside it in the same command group.

use std::fmt::Write as _;
use std::path::PathBuf;

use tanba_pki::{CertificateSummary, KzCertificate};

use crate::error::CliError;
use crate::io::{display_name, read_input, write_output};

/// Arguments of `tanba cert`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The certificate command.
    #[command(subcommand)]
    pub command: CertCommand,
}

/// The `tanba cert` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum CertCommand {
    /// Describe a certificate: subject fields, IIN/BIN with checksum verdict, roles, key
    /// usage, validity, issuer, serial, CRL/OCSP URLs, unknown critical extensions.
    #[command(after_long_help = INFO_HELP)]
    Info(InfoArgs),
    /// Validate a certificate: path to a trust anchor, validity, key usage, IIN/BIN,
    /// revocation (CRL / OCSP, stored or online).
    #[command(after_long_help = super::cert_check::CHECK_HELP)]
    Check(Box<super::cert_check::CheckArgs>),
}

const INFO_HELP: &str = "\
Examples:
  tanba cert info ceo.cer
  tanba cert info --json nca_gost2015_test.cer | jq .roles
  openssl pkcs12 -legacy -nokeys -in key.p12 | tanba cert info -

The input may be PEM (text around the blocks is ignored), DER, or a bundle; the first
certificate is described unless --index is given. `info` reports facts and always exits 0
for a readable certificate (an IIN that fails the checksum is reported, not refused);
exit 2 when the input is unreadable or not a certificate.

JSON fields (--json; one object, stable names; absent values are null):
  subject                      subject DN, DER order (\"CN=…, SURNAME=…, …\")
  subject_fields               {common_name, surname, given_name (= patronymic),
                                serial_number, organization, organizational_unit,
                                country, email, locality, state, business_category}
  subject_attributes           [{oid, label, value, rdn}] every subject attribute
  iin                          {value, checksum_valid, expected_control_digit,
                                structure_error, nca_test_identifier, birth_date, century, sex}
  bin                          {value, checksum_valid, expected_control_digit,
                                structure_error, nca_test_identifier,
                                registration_year_2d, registration_month,
                                entity_type, attribute}
  subject_type                 individual | legal_entity | unknown
  roles                        [{code, oid, name}] from EKU (first_head, signatory, ...)
  issuer, serial               issuer DN; serial as upper-case hex
  not_before, not_after        RFC 3339
  key                          {algorithm_oid, description, curve_oid}
  signature_algorithm_oid
  key_usage, key_usage_class   keyUsage bit names; sign | auth | other
  extended_key_usage           [{oid, name}]
  policies                     [{oid, cps_uris}]
  crl_urls, delta_crl_urls, ocsp_urls, ca_issuer_urls
  subject_key_id, authority_key_id, authority_cert_issuer, authority_cert_serial
  is_ca, path_len, ocsp_nocheck
  key_store_oid, key_store     KZ key-store type (extension 1.2.398.3.3.5) and its name
  extensions                   [{oid, name, critical}]
  unknown_critical_extensions  [oid] critical extensions nobody here understands
  sha256_fingerprint           upper-case hex
  notes                        remarks (e.g. a SERIALNUMBER that is not IIN/BIN + 12 digits)
  input_certificates           how many certificates the input held
  index                        which one is described (1-based)";

/// Arguments of `tanba cert info`.
#[derive(Debug, clap::Args)]
pub struct InfoArgs {
    /// The certificate, PEM or DER (`-` for stdin).
    pub cert: PathBuf,
    /// Print one JSON object instead of the human report.
    #[arg(long)]
    pub json: bool,
    /// Which certificate of a bundle to describe (1-based).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub index: usize,
}

/// Run `tanba cert …`.
pub fn run(args: &Args) -> Result<(), CliError> {
    match &args.command {
        CertCommand::Info(a) => run_info(a),
        CertCommand::Check(a) => super::cert_check::run(a),
    }
}

/// Read and parse every certificate of an input (`-` = stdin); errors name the input.
pub fn load_certificates(path: &std::path::Path) -> Result<Vec<KzCertificate>, CliError> {
    let bytes = read_input(path)?;
    KzCertificate::from_pem_or_der(&bytes)
        .map_err(|e| CliError::input(format!("{}: {e}", display_name(path))))
}

fn run_info(a: &InfoArgs) -> Result<(), CliError> {
    let certs = load_certificates(&a.cert)?;
    let n = certs.len();
    if a.index == 0 || a.index > n {
        return Err(CliError::input(format!(
            "{}: --index {} is out of range (the input holds {n} certificate(s))",
            display_name(&a.cert),
            a.index
        )));
    }
    let cert = &certs[a.index - 1];
    let summary = cert.summary();
    let out = if a.json {
        let v = InfoJson {
            summary: &summary,
            input_certificates: n,
            index: a.index,
        };
        crate::io::pretty_json(&v, "the summary")?
    } else {
        human(cert, &summary, a.index, n)
    };
    write_output(None, out.as_bytes())
}

/// The JSON object of `cert info`: the library summary plus where it came from.
#[derive(serde::Serialize)]
struct InfoJson<'a> {
    #[serde(flatten)]
    summary: &'a CertificateSummary,
    input_certificates: usize,
    index: usize,
}

fn line(out: &mut String, label: &str, value: impl std::fmt::Display) {
    let _ = writeln!(out, "{:<19}{value}", format!("{label}:"));
}

fn list(out: &mut String, label: &str, items: &[String]) {
    if !items.is_empty() {
        line(out, label, items.join(", "));
    }
}

fn human(cert: &KzCertificate, s: &CertificateSummary, index: usize, n: usize) -> String {
    let mut o = String::new();
    if n > 1 {
        let _ = writeln!(o, "Certificate {index} of {n} in the input");
    }
    line(&mut o, "Subject", &s.subject);
    let f = &s.subject_fields;
    for (label, v) in [
        ("  Common name", &f.common_name),
        ("  Surname", &f.surname),
        ("  Patronymic", &f.given_name),
        ("  Organization", &f.organization),
        ("  Country", &f.country),
        ("  E-mail", &f.email),
        ("  Locality", &f.locality),
        ("  State", &f.state),
        ("  Business cat.", &f.business_category),
    ] {
        if let Some(v) = v {
            line(&mut o, label, v);
        }
    }
    if let Some(i) = &s.iin {
        let mut v = format!(
            "{} — {}",
            i.value,
            checksum_text(i.checksum_valid, i.expected_control_digit)
        );
        match (&i.birth_date, &i.structure_error) {
            (Some(d), _) => {
                let sex = i
                    .sex
                    .map(|s| format!("{s:?}").to_lowercase())
                    .unwrap_or_default();
                let _ = write!(v, "; born {d}, {sex} (informative)");
            }
            (None, Some(e)) => {
                let _ = write!(v, "; structure: {}", e.rsplit(": ").next().unwrap_or(e));
            }
            _ => {}
        }
        if i.nca_test_identifier {
            v.push_str("; NCA test identifier");
        }
        line(&mut o, "IIN", v);
    }
    if let Some(b) = &s.bin {
        let mut v = format!(
            "{} — {}",
            b.value,
            checksum_text(b.checksum_valid, b.expected_control_digit)
        );
        if let (Some(t), Some(a)) = (b.entity_type, b.attribute) {
            let _ = write!(
                v,
                "; registered {:02}/{:02}, {}, {}",
                b.registration_month.unwrap_or(0),
                b.registration_year_2d.unwrap_or(0),
                format!("{t:?}").to_lowercase(),
                format!("{a:?}").to_lowercase()
            );
        } else if let Some(e) = &b.structure_error {
            let _ = write!(v, "; structure: {}", e.rsplit(": ").next().unwrap_or(e));
        }
        if b.nca_test_identifier {
            v.push_str("; NCA test identifier");
        }
        line(&mut o, "BIN", v);
    }
    line(&mut o, "Subject type", s.subject_type);
    let roles: Vec<String> = s
        .roles
        .iter()
        .map(|r| format!("{} ({})", r.code, r.oid))
        .collect();
    line(
        &mut o,
        "Roles",
        if roles.is_empty() {
            "none".to_owned()
        } else {
            roles.join(", ")
        },
    );
    match &s.key_usage {
        Some(ku) => line(
            &mut o,
            "Key usage",
            format!("{} — {}", ku.join(", "), cert.key_usage_class()),
        ),
        None => line(&mut o, "Key usage", "(no keyUsage extension)"),
    }
    if let Some(eku) = &s.extended_key_usage {
        let v: Vec<String> = eku
            .iter()
            .map(|e| match e.name {
                Some(n) => format!("{n} ({})", e.oid),
                None => e.oid.clone(),
            })
            .collect();
        line(&mut o, "Ext. key usage", v.join(", "));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let state = if now < cert.not_before().unix_timestamp() {
        "not yet valid"
    } else if now > cert.not_after().unix_timestamp() {
        "expired"
    } else {
        "valid now"
    };
    line(
        &mut o,
        "Validity",
        format!("{} .. {} ({state})", s.not_before, s.not_after),
    );
    line(&mut o, "Issuer", &s.issuer);
    line(&mut o, "Serial", &s.serial);
    line(&mut o, "Public key", &s.key.description);
    line(&mut o, "Signature alg.", &s.signature_algorithm_oid);
    let policies: Vec<String> = s.policies.iter().map(|p| p.oid.clone()).collect();
    list(&mut o, "Policies", &policies);
    list(&mut o, "CRL", &s.crl_urls);
    list(&mut o, "Delta CRL", &s.delta_crl_urls);
    list(&mut o, "OCSP", &s.ocsp_urls);
    list(&mut o, "CA issuers", &s.ca_issuer_urls);
    if let Some(k) = &s.subject_key_id {
        line(&mut o, "Subject key id", k);
    }
    if let Some(k) = &s.authority_key_id {
        line(&mut o, "Authority key id", k);
    }
    if s.is_ca {
        let pl = s
            .path_len
            .map(|p| format!(", pathLen {p}"))
            .unwrap_or_default();
        line(&mut o, "CA", format!("yes{pl}"));
    }
    if let Some(k) = &s.key_store_oid {
        line(
            &mut o,
            "Key store",
            format!("{} ({k})", s.key_store.unwrap_or("unknown type")),
        );
    }
    if s.ocsp_nocheck {
        line(&mut o, "OCSP no-check", "yes");
    }
    if s.unknown_critical_extensions.is_empty() {
        line(&mut o, "Unknown critical", "none");
    } else {
        line(
            &mut o,
            "Unknown critical",
            format!(
                "{} — WARNING: RFC 5280 requires rejecting this certificate",
                s.unknown_critical_extensions.join(", ")
            ),
        );
    }
    line(&mut o, "SHA-256", &s.sha256_fingerprint);
    for note in &s.notes {
        line(&mut o, "Note", note);
    }
    o
}

fn checksum_text(valid: bool, expected: Option<u8>) -> String {
    match (valid, expected) {
        (true, _) => "checksum OK".to_owned(),
        (false, Some(d)) => format!("checksum FAILED (control digit should be {d})"),
        (false, None) => "checksum FAILED (no control digit can make this prefix valid)".to_owned(),
    }
}
