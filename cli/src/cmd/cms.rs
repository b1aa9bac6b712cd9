//! `tanba cms` — CMS / CAdES signatures as Kalkan and NCALayer make them: `sign`,
//! `add-signer`, `verify` (through the verification core) and `extract`.

use std::path::PathBuf;

use tanba_cms::{Content, Limits, SignOptions, ToSign};
use tanba_crypto::DigestAlgorithm;
use tanba_pki::ExpectedIdentity;
use tanba_validate::{Request, Validator};

use crate::cmd::cert_check::{document_trust_config, ValidationArgs};
use crate::error::CliError;
use crate::io::{display_name, read_input, write_output};
use crate::keyarg::Pkcs12Args;

/// Arguments of `tanba cms`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

/// The subcommands.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// Sign a file (or only its digest) into a CMS SignedData.
    Sign(SignArgs),
    /// Add a parallel signer to a CMS, keeping the signers already there byte for byte.
    AddSigner(AddArgs),
    /// Verify every signer of a CMS and judge each certificate (the core's report).
    Verify(VerifyArgs),
    /// Write the content a CMS carries.
    Extract(ExtractArgs),
}

/// Output encodings of a CMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    /// DER bytes (what NCANode's /cms/sign returns once base64-decoded).
    Der,
    /// PEM armour `-----BEGIN CMS-----` (NCALayer's basicsSignCMS).
    Pem,
    /// One line of base64 (NCALayer's createCAdESFromBase64).
    Base64,
}

/// The new signer of `cms sign` and `cms add-signer`: its key, the CMS's form, the
/// time stamp and where the result goes.
#[derive(Debug, clap::Args)]
pub struct NewSignerArgs {
    #[command(flatten)]
    pub key: Pkcs12Args,
    /// Leave the content out of the CMS (a detached signature).
    #[arg(long)]
    pub detached: bool,
    /// Leave out signingCertificateV2 for the new signer (byte-compatible with Kalkan Java /
    /// NCANode).
    #[arg(long)]
    pub no_signing_certificate_v2: bool,
    /// Time-stamp the new signature (CAdES-T) at this TSA (e.g. http://tsp.pki.gov.kz;
    /// the NCA test TSA is http://test.pki.gov.kz/tsp/).
    #[arg(long, value_name = "URL")]
    pub tsa: Option<String>,
    /// The TSA policy to ask for (default by the key: 1.2.398.3.3.2.6.4 GOST 2015,
    /// .6.1 GOST 2004, .6.2 RSA).
    #[arg(long, value_name = "OID", requires = "tsa")]
    pub tsa_policy: Option<String>,
    /// One deadline for the TSA's answer, in seconds.
    #[arg(long, value_name = "SECONDS", default_value = "10", requires = "tsa")]
    pub tsa_deadline: u64,
    /// Output encoding.
    #[arg(long, value_enum, default_value = "der")]
    pub encoding: Encoding,
    /// Write the CMS here (atomically) instead of stdout.
    #[arg(long, value_name = "F")]
    pub out: Option<PathBuf>,
}

impl NewSignerArgs {
    fn options(&self) -> SignOptions {
        SignOptions {
            detached: self.detached,
            signing_certificate_v2: !self.no_signing_certificate_v2,
            signing_time: None,
        }
    }

    /// Time-stamp the new signer when --tsa asks for it, then write the CMS.
    fn finish(&self, cms: Vec<u8>, before: Option<&tanba_cms::SignedData>) -> Result<(), CliError> {
        let cms = match &self.tsa {
            Some(url) => time_stamp(
                &cms,
                before,
                url,
                self.tsa_policy.as_deref(),
                self.tsa_deadline,
            )?,
            None => cms,
        };
        write_output(self.out.as_deref(), &encode(cms, self.encoding))
    }
}

/// `tanba cms sign`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  tanba cms sign contract.pdf --key GOST512_abc.p12 --password-env PW --detached --out contract.p7s
  tanba cms sign data.json --key RSA256_abc.p12 --password-file pw.txt --encoding base64
  tanba cms sign --digest streebog512:HEX --key GOST512_abc.p12 --password-env PW   # hash only

The CMS is made as Kalkan makes it: DER, DER-sorted SETs, algorithm NULLs, the signer
certificate only, signed attributes contentType, signingTime (UTCTime), messageDigest and
signingCertificateV2 (ESSCertIDv2, SHA-256: CAdES-BES, which the 2026 rules require);
--no-signing-certificate-v2 writes NCANode's three attributes only. GOST 2015-512 signs
with Streebog-512, GOST 2004 with GOST 34.311-95, RSA with SHA-256; a --digest must be of
that algorithm (sha256, sha384, sha512, streebog256, streebog512, gost34311) and gives a
detached CMS.
Exit codes: 0 signed, 2 unreadable input, wrong password, unusable key, bad digest.")]
pub struct SignArgs {
    /// The file to sign (`-` for stdin); omit with --digest.
    #[arg(required_unless_present = "digest")]
    pub file: Option<PathBuf>,
    /// Sign only this digest (ALG:HEX), computed elsewhere; the CMS is detached.
    #[arg(long, value_name = "ALG:HEX", conflicts_with = "file")]
    pub digest: Option<String>,
    #[command(flatten)]
    pub signer: NewSignerArgs,
}

/// `tanba cms add-signer`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  tanba cms add-signer signed.p7s --key second.p12 --password-env PW --out both.p7s
  tanba cms add-signer detached.p7s --data contract.pdf --detached --key … --out both.p7s

The signers already in the CMS are kept byte for byte (with their time stamps); the
SignedData is rebuilt around them with the new one. A detached CMS needs --data; for an
attached one --data must be the content inside. Attached or detached follows --detached.
Exit codes: 0 signed, 2 unreadable input, wrong password, missing or different content.")]
pub struct AddArgs {
    /// The CMS (DER, PEM or base64; `-` for stdin).
    pub cms: PathBuf,
    /// The signed content (required for a detached CMS).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    #[command(flatten)]
    pub signer: NewSignerArgs,
}

/// `tanba cms verify`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  tanba cms verify signed.p7s --trust-set nca-prod --online
  tanba cms verify contract.p7s --data contract.pdf --json
  tanba cms verify hash.p7s --digest streebog512:HEX --no-cert-check

Every SignerInfo is a signer: its messageDigest against the content (the CMS's own, the
--data file, or --digest, which serves only the signers that used its algorithm; the
others are reported as undecided), its signature over the signed attributes as received,
signingCertificateV2 / signingCertificate against the certificate found by its sid, then
the expected IIN/BIN and the certificate under the trust / revocation / time flags, as
`tanba verify` does. The signingTime a signer claims is reported, never trusted: the
validation time is a verified signature time stamp's genTime (CAdES-T: the TSA's
signature, timeStamping EKU and trust, the imprint over the signature value), else --at,
else now; a time stamp that does not hold makes the signer indeterminate.
JSON (--json): the report of `tanba verify` with \"format\": \"cms\".
Exit codes: 0 every signer passed, 1 a signer failed or is undecided, 2 unreadable input,
no signer, or a detached CMS without --data / --digest.")]
pub struct VerifyArgs {
    /// The CMS (DER, PEM or base64; `-` for stdin).
    pub cms: PathBuf,
    /// The signed content of a detached CMS (or, for an attached one, the content it
    /// must carry).
    #[arg(long, value_name = "FILE", conflicts_with = "digest")]
    pub data: Option<PathBuf>,
    /// Only the content's digest (ALG:HEX).
    #[arg(long, value_name = "ALG:HEX")]
    pub digest: Option<String>,
    /// Accept SHA-1 based algorithms (old documents).
    #[arg(long)]
    pub allow_legacy: bool,
    /// The IIN every signer's certificate must carry.
    #[arg(long, value_name = "IIN")]
    pub expect_iin: Option<String>,
    /// The BIN every signer's certificate must carry.
    #[arg(long, value_name = "BIN")]
    pub expect_bin: Option<String>,
    /// Do not validate the certificates: signatures and identities only (the report
    /// says so).
    #[arg(long)]
    pub no_cert_check: bool,
    /// Print one JSON object (the core's report) instead of the human report.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub validation: ValidationArgs,
}

/// `tanba cms extract`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Writes the content an attached CMS carries, as it is (no signature is checked: use
`tanba cms verify` for that). Exit codes: 0 written, 2 unreadable or detached CMS.")]
pub struct ExtractArgs {
    /// The CMS (DER, PEM or base64; `-` for stdin).
    pub cms: PathBuf,
    /// Write the content here (atomically) instead of stdout.
    #[arg(long, value_name = "F")]
    pub out: Option<PathBuf>,
}

/// Run `tanba cms …`.
pub fn run(a: &Args) -> Result<(), CliError> {
    match &a.command {
        Sub::Sign(s) => sign(s),
        Sub::AddSigner(s) => add(s),
        Sub::Verify(v) => verify(v),
        Sub::Extract(e) => extract(e),
    }
}

/// `ALG:HEX` → the digest algorithm and the digest (`with_value` false: only `ALG:`).
pub fn parse_digest(s: &str, with_value: bool) -> Result<(DigestAlgorithm, Vec<u8>), CliError> {
    let bad = |why: &str| CliError::input(format!("--digest {s:?}: {why}"));
    let (alg, hex_value) = s
        .split_once(':')
        .ok_or_else(|| bad("expected ALG:HEX, e.g. sha256:9f86d0…"))?;
    let alg = match alg.to_ascii_lowercase().as_str() {
        "sha1" => DigestAlgorithm::Sha1,
        "sha256" => DigestAlgorithm::Sha256,
        "sha384" => DigestAlgorithm::Sha384,
        "sha512" => DigestAlgorithm::Sha512,
        "streebog256" => DigestAlgorithm::Streebog256,
        "streebog512" => DigestAlgorithm::Streebog512,
        "gost34311" => DigestAlgorithm::Gost34311,
        other => DigestAlgorithm::from_oid(other).map_err(|_| {
            bad("unknown algorithm (sha256, sha384, sha512, streebog256, streebog512, gost34311, sha1 (legacy) or an OID)")
        })?,
    };
    if !with_value {
        return Ok((alg, Vec::new()));
    }
    let value = hex::decode(hex_value.trim()).map_err(|e| bad(&format!("not hex: {e}")))?;
    if value.len() != alg.output_len() {
        return Err(bad(&format!(
            "{} bytes, a {} digest has {}",
            value.len(),
            alg.oid(),
            alg.output_len()
        )));
    }
    Ok((alg, value))
}

fn encode(der: Vec<u8>, e: Encoding) -> Vec<u8> {
    tanba_cms::encode(
        &der,
        match e {
            Encoding::Der => tanba_cms::Encoding::Der,
            Encoding::Pem => tanba_cms::Encoding::Pem,
            Encoding::Base64 => tanba_cms::Encoding::Base64,
        },
    )
}

fn sign(a: &SignArgs) -> Result<(), CliError> {
    let signer = a.signer.key.signer()?;
    let opts = a.signer.options();
    let cms = match (&a.digest, &a.file) {
        (Some(d), _) => {
            let (alg, value) = parse_digest(d, true)?;
            let want = tanba_crypto::Signer::algorithm(&signer).digest();
            if alg != want {
                return Err(CliError::input(format!(
                    "--digest is {}, but the key signs with {}: give that digest",
                    alg.oid(),
                    want.oid()
                )));
            }
            tanba_cms::sign(ToSign::Digest(&value), &signer, &opts)
        }
        (None, Some(f)) => {
            let data = read_input(f)?;
            tanba_cms::sign(ToSign::Content(&data), &signer, &opts)
        }
        (None, None) => return Err(CliError::input("give a FILE to sign or --digest")),
    }
    .map_err(|e| CliError::input(e.to_string()))?;
    a.signer.finish(cms, None)
}

/// CAdES-T for the signer `added` (the one whose SignerInfo is not in `before`), or the
/// only one.
fn time_stamp(
    cms: &[u8],
    before: Option<&tanba_cms::SignedData>,
    url: &str,
    policy: Option<&str>,
    deadline_secs: u64,
) -> Result<Vec<u8>, CliError> {
    let parsed =
        tanba_cms::read(cms, &Limits::default()).map_err(|e| CliError::input(e.to_string()))?;
    let index = parsed
        .signers
        .iter()
        .position(|s| before.is_none_or(|b| !b.signers.iter().any(|o| o.der == s.der)))
        .unwrap_or(0);
    let fetcher = tanba_pki::Fetcher::new(tanba_pki::FetchConfig::default())
        .map_err(|e| CliError::input(e.to_string()))?;
    tanba_cms::tsp::time_stamp_signer(
        &parsed,
        index,
        &fetcher,
        url,
        policy,
        std::time::Instant::now() + std::time::Duration::from_secs(deadline_secs),
        &tanba_crypto::AlgorithmPolicy::default(),
    )
    .map_err(|e| CliError::check_failed(format!("time stamp: {e}")))
}

fn read_cms(path: &std::path::Path) -> Result<tanba_cms::SignedData, CliError> {
    let bytes = read_input(path)?;
    tanba_cms::read(&bytes, &Limits::default())
        .map_err(|e| CliError::input(format!("{}: {e}", display_name(path))))
}

fn add(a: &AddArgs) -> Result<(), CliError> {
    let cms = read_cms(&a.cms)?;
    let data = a.data.as_deref().map(read_input).transpose()?;
    let signer = a.signer.key.signer()?;
    let out = tanba_cms::add_signer(&cms, data.as_deref(), &signer, &a.signer.options())
        .map_err(|e| CliError::input(format!("{}: {e}", display_name(&a.cms))))?;
    a.signer.finish(out, Some(&cms))
}

fn verify(a: &VerifyArgs) -> Result<(), CliError> {
    let name = display_name(&a.cms);
    let bytes = read_input(&a.cms)?;
    let data = a.data.as_deref().map(read_input).transpose()?;
    let digest = a
        .digest
        .as_deref()
        .map(|d| parse_digest(d, true))
        .transpose()?;
    let content = match (&data, &digest) {
        (Some(d), _) => Content::Detached(d),
        (None, Some((algorithm, value))) => Content::Digest {
            algorithm: *algorithm,
            value,
        },
        (None, None) => Content::Attached,
    };
    let request = Request {
        at: crate::cmd::cert_check::at(&a.validation)?,
        expected: ExpectedIdentity {
            iin: a.expect_iin.clone(),
            bin: a.expect_bin.clone(),
        },
        skip_certificates: a.no_cert_check,
        dsig: tanba_dsig::VerifyOptions {
            allow_legacy: a.allow_legacy,
            ..Default::default()
        },
        ..Default::default()
    };
    let config = document_trust_config(&a.validation, a.no_cert_check)?;
    let report = Validator::new(config)
        .validate_cms(&bytes, content, &request)
        .map_err(|e| crate::cmd::report::error(&name, &e, a.json))?;
    crate::cmd::report::finish(&name, &report, a.json)
}

fn extract(a: &ExtractArgs) -> Result<(), CliError> {
    let cms = read_cms(&a.cms)?;
    let content = cms.content().ok_or_else(|| {
        CliError::input(format!(
            "{}: the CMS is detached: it carries no content",
            display_name(&a.cms)
        ))
    })?;
    write_output(a.out.as_deref(), content)
}
