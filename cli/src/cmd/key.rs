//! `tanba key` — keystore commands. `info` lists the keys of a PKCS#12 file (NCA RK legacy
//! or OpenSSL-3 modern) with their algorithm, SIGN/AUTH purpose and certificate identity.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;
use tanba_crypto::{KeyAlgorithm, KeyKind};
use tanba_keys::{CertificateMatch, KeyEntry, KeyError};
use tanba_pki::{CertificateSummary, KzCertificate};

use crate::error::CliError;
use crate::io::{display_name, read_input, write_output, PasswordArgs};

/// Arguments of `tanba key`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The key command.
    #[command(subcommand)]
    pub command: KeyCommand,
}

/// The `tanba key` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// Describe a PKCS#12 keystore: aliases, key algorithm, SIGN/AUTH, certificate subject,
    /// IIN/BIN, roles, validity.
    #[command(after_long_help = INFO_HELP)]
    Info(InfoArgs),
}

const INFO_HELP: &str = "\
Examples:
  TANBA_PW=Qwerty12 tanba key info RSA256_abc.p12 --password-env TANBA_PW
  tanba key info GOSTKNCA_abc.p12 --password-file pw.txt --json | jq '.keys[0].iin'
  tanba key info both.p12 --password-env TANBA_PW --alias 36c09f2dc9e73d8a257f7a70c2e8bab3bcddbb72

The password comes from --password-env VAR, --password-file FILE (first line) or a prompt
when stdin is a terminal; it is never accepted on the command line. Opens NCA RK files
(3DES / RC2-40 PBE, SHA-1 MAC) and OpenSSL-3 files (PBES2 AES-256, SHA-256 MAC).
Exit 0: the keystore opened; exit 2: unreadable file, wrong password, altered or
malformed keystore, unknown alias (the message says which).

JSON fields (--json; one object, stable names; absent values are null):
  file                 the input as given
  integrity            mac (the integrity MAC matched) | none (no MAC: opened only
                       with --allow-no-mac, nothing shows the file was not altered)
  certificates         how many certificates the keystore holds
  keys                 one object per private key (only the --alias one if given):
    alias              friendlyName, else localKeyId hex, else key-N
    friendly_name      PKCS#12 friendlyName
    local_key_id       PKCS#12 localKeyId, upper-case hex
    key_algorithm      \"RSA-2048\", \"ECDSA P-256\", \"GOST 34.10-2015 512-bit (parameters …)\"
    key_kind           rsa | ec | gost2015_256 | gost2015_512 | gost2004
    key_bits           RSA modulus size
    curve              EC curve name (P-256, P-384)
    gost_param_set     GOST parameter-set OID from the key
    gost_digest_param  GOST digest parameter OID from the key
    signature_algorithm  XMLDSig URI tanba signs with for this key
    purpose            SIGN | AUTH | UNKNOWN (keyUsage: DS+NR = SIGN, DS+KE = AUTH)
    certificate_match  local_key_id | public_key | sole_certificate (how the
                       certificate was paired with the key; null: none found)
    chain_length       certificates in the chain, end-entity first
    subject            subject DN of the key's certificate
    iin, bin           12 digits from SERIALNUMBER / OU
    roles              role codes from EKU (individual, first_head, ...)
    not_before, not_after  RFC 3339
    key_usage          keyUsage bit names
    certificate        the full certificate summary, as `tanba cert info --json`";

/// Arguments of `tanba key info`.
#[derive(Debug, clap::Args)]
pub struct InfoArgs {
    /// The PKCS#12 keystore (.p12 / .pfx; `-` for stdin).
    pub p12: PathBuf,
    /// Where the password comes from.
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Describe only the key with this alias (friendlyName or localKeyId hex).
    #[arg(long, value_name = "ALIAS")]
    pub alias: Option<String>,
    /// Print one JSON object instead of the human report.
    #[arg(long)]
    pub json: bool,
    /// Open a keystore that has no integrity MAC (refused by default); the report then
    /// says its integrity was not checked.
    #[arg(long)]
    pub allow_no_mac: bool,
}

/// Run `tanba key …`.
pub fn run(args: &Args) -> Result<(), CliError> {
    match &args.command {
        KeyCommand::Info(a) => run_info(a),
    }
}

/// One key, as `--json` prints it.
#[derive(Debug, Serialize)]
struct KeyReport {
    alias: String,
    friendly_name: Option<String>,
    local_key_id: Option<String>,
    key_algorithm: String,
    key_kind: &'static str,
    key_bits: Option<usize>,
    curve: Option<&'static str>,
    gost_param_set: Option<String>,
    gost_digest_param: Option<String>,
    signature_algorithm: &'static str,
    purpose: &'static str,
    certificate_match: Option<&'static str>,
    chain_length: usize,
    subject: Option<String>,
    iin: Option<String>,
    bin: Option<String>,
    roles: Vec<&'static str>,
    not_before: Option<String>,
    not_after: Option<String>,
    key_usage: Option<Vec<&'static str>>,
    certificate: Option<CertificateSummary>,
}

#[derive(Debug, Serialize)]
struct InfoReport {
    file: String,
    /// `mac` (the integrity MAC matched) or `none` (no MAC, opened with --allow-no-mac).
    integrity: &'static str,
    certificates: usize,
    keys: Vec<KeyReport>,
}

fn kind_code(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::Rsa => "rsa",
        KeyKind::Ec => "ec",
        KeyKind::Gost2015_256 => "gost2015_256",
        KeyKind::Gost2015_512 => "gost2015_512",
        KeyKind::Gost2004 => "gost2004",
    }
}

fn key_report(entry: &KeyEntry) -> Result<KeyReport, CliError> {
    let alg = entry.key_algorithm();
    let (key_bits, curve, gost_param_set, gost_digest_param) = match alg {
        KeyAlgorithm::Rsa { bits } => (Some(*bits), None, None, None),
        KeyAlgorithm::Ec { curve } => (None, Some(*curve), None, None),
        KeyAlgorithm::Gost {
            param_set,
            digest_param,
            ..
        } => (None, None, param_set.clone(), digest_param.clone()),
    };
    let summary = match entry.certificate() {
        Some(c) => Some(
            KzCertificate::from_der(c.der())
                .map_err(|e| CliError::input(format!("certificate of key {}: {e}", entry.alias())))?
                .summary(),
        ),
        None => None,
    };
    let s = summary.as_ref();
    Ok(KeyReport {
        alias: entry.alias().to_string(),
        friendly_name: entry.friendly_name().map(str::to_string),
        local_key_id: entry
            .local_key_id()
            .map(|id| id.iter().map(|b| format!("{b:02X}")).collect()),
        key_algorithm: alg.to_string(),
        key_kind: kind_code(alg.kind()),
        key_bits,
        curve,
        gost_param_set,
        gost_digest_param,
        signature_algorithm: tanba_crypto::SignatureAlgorithm::default_for(alg.kind()).xml_uri(),
        purpose: entry.purpose().as_str(),
        certificate_match: entry.matched_by().map(|m| match m {
            CertificateMatch::LocalKeyId => "local_key_id",
            CertificateMatch::PublicKey => "public_key",
            CertificateMatch::SoleCertificate => "sole_certificate",
        }),
        chain_length: entry.chain().len(),
        subject: s.map(|s| s.subject.clone()),
        iin: s.and_then(|s| s.iin.as_ref().map(|i| i.value.clone())),
        bin: s.and_then(|s| s.bin.as_ref().map(|b| b.value.clone())),
        roles: s.map_or_else(Vec::new, |s| s.roles.iter().map(|r| r.code).collect()),
        not_before: s.map(|s| s.not_before.clone()),
        not_after: s.map(|s| s.not_after.clone()),
        key_usage: s.and_then(|s| s.key_usage.clone()),
        certificate: summary,
    })
}

fn open_error(file: &str, e: KeyError) -> CliError {
    CliError::input(format!("{file}: {e}"))
}

fn run_info(a: &InfoArgs) -> Result<(), CliError> {
    let file = display_name(&a.p12);
    let data = read_input(&a.p12)?;
    let store = crate::keyarg::open_pkcs12(&file, &data, &a.password, a.allow_no_mac)?;
    let entries: Vec<&KeyEntry> = match &a.alias {
        Some(alias) => vec![store
            .select(&tanba_keys::KeySelector::Alias(alias.clone()))
            .map_err(|e| open_error(&file, e))?],
        None => store.entries().iter().collect(),
    };
    let report = InfoReport {
        file: file.clone(),
        integrity: match store.integrity() {
            tanba_keys::Integrity::None => "none",
            _ => "mac",
        },
        certificates: store.certificates().len(),
        keys: entries
            .into_iter()
            .map(key_report)
            .collect::<Result<_, _>>()?,
    };
    let out = if a.json {
        crate::io::pretty_json(&report, "the report")?
    } else {
        human(&report)
    };
    write_output(None, out.as_bytes())
}

fn line(out: &mut String, label: &str, value: impl std::fmt::Display) {
    let _ = writeln!(out, "{:<17}{value}", format!("{label}:"));
}

fn human(r: &InfoReport) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}: {} key(s), {} certificate(s)",
        r.file,
        r.keys.len(),
        r.certificates
    );
    if r.integrity == "none" {
        let _ = writeln!(
            o,
            "INTEGRITY NOT CHECKED: the file has no MAC; nothing shows it was not altered"
        );
    }
    for k in &r.keys {
        o.push('\n');
        line(&mut o, "Alias", &k.alias);
        line(&mut o, "Key algorithm", &k.key_algorithm);
        line(&mut o, "Purpose", k.purpose);
        match &k.subject {
            None => line(&mut o, "Certificate", "none found for this key"),
            Some(subject) => {
                line(&mut o, "Subject", subject);
                if let Some(iin) = &k.iin {
                    line(&mut o, "IIN", iin);
                }
                if let Some(bin) = &k.bin {
                    line(&mut o, "BIN", bin);
                }
                if !k.roles.is_empty() {
                    line(&mut o, "Roles", k.roles.join(", "));
                }
                if let Some(c) = &k.certificate {
                    line(&mut o, "Issuer", &c.issuer);
                    line(&mut o, "Serial", &c.serial);
                }
                if let (Some(nb), Some(na)) = (&k.not_before, &k.not_after) {
                    line(&mut o, "Valid", format!("{nb} … {na}"));
                }
                if let Some(ku) = &k.key_usage {
                    line(&mut o, "Key usage", ku.join(", "));
                }
                line(
                    &mut o,
                    "Chain",
                    format!("{} certificate(s)", k.chain_length),
                );
            }
        }
    }
    o
}
