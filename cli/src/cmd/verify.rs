//! `tanba verify` — every signature of a document, at every layer: validity, signing order,
//! signer identity, what was signed, and each signer's certificate
//! (`tanba_validate::verify_document`).

use std::path::PathBuf;

use tanba_pki::ExpectedIdentity;
use tanba_validate::{Request, Scope, Validator};

use crate::cmd::cert_check::{trust_config, ValidationArgs};
use crate::error::CliError;
use crate::io::{display_name, read_input};

/// Arguments of `tanba verify`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  tanba verify signed.xml --trust nca_rsa_test.crt --crl nca_rsa_test.crl
  tanba verify signed.xml --json --expect-iin 123456789011 --no-cert-check
  tanba verify envelope.xml --trust ca/ --online

Every ds:Signature of the document is verified (any prefix, same-document references only)
and reported; one invalid signature makes the document invalid:
  * a document with a wsse:Security element anywhere is a WS-Security message: its
    transport signature is judged by the WS-Security profile, as `tanba wss verify` does
    (the signed Body must be this envelope's Body, the Timestamp window, …). A layout the
    profile refuses (Security wrapped in a foreign element, the Envelope under another
    root, a Body moved into the Header) is INVALID — never read as plain XMLDSig;
  * a SOAP envelope without wsse:Security has no transport signature (the report says so);
    the signatures inside it are verified;
  * a signed document carried in a SmartBridge <data> element (inline or as an escaped
    string) is verified on its own, as a receiver extracts it; other signatures in the
    document itself, several Kalkan/NCANode signers in peeling order.
SHA-1 is refused unless --allow-legacy; the Base64 transform (it signs only the decoded
text of an element) unless --allow-base64-transform. A document with more than 16
signatures, a SignedInfo with more than 30 References, or more canonicalization work than
(signatures + 1) × its size is refused.

Each signer's certificate (from KeyInfo; the other KeyInfo certificates serve as chain
candidates) is validated under the trust / revocation / time flags, as `tanba cert check`
does — a SIGN key for document signers, any key usage for the transport signer.
--no-cert-check skips that step and says so. --expect-iin / --expect-bin are checked in
every case: on every document signer, or on the transport signer of an envelope that
carries no other signature. The signing time is not known from an XMLDSig: --at sets the
validation moment.

For each signed element the report gives its path (/Envelope[1]/Body[1]/Order[1]),
line:column and byte range, flags an element inside its own signature's ds:Object, and
lists the subtrees the signature excludes: read data only from those elements.

JSON (--json): the report of tanba-validate — {\"file\", \"valid\", \"verdict\", \"format\"
(xmldsig | ws-security | soap-without-transport-signature), \"certificate_validation\",
\"signatures\": [{\"index\", \"layer\" (transport | document | payload), \"payload\",
\"element\", \"valid\", \"error\", \"signing_order\", \"mode\", \"signature_method\",
\"key_source\", \"signer\", \"references\": [{\"uri\", \"signed\" (document | element |
decoded-text), \"element\": {\"name\", \"path\", \"line\", \"column\", \"byte_range\"}, \"id\",
\"inside_own_signature\", \"excluded\"}], \"transport\", \"identity\", \"certificate\"}],
\"problems\", \"notes\"}

Exit codes: 0 every signature of every layer valid (and every expectation met),
1 a signature, an expectation or a certificate failed, or the document was refused by the
work budget, 2 unreadable or malformed input, or no signature at all.")]
pub struct Args {
    /// The signed XML document (`-` for stdin).
    pub file: PathBuf,
    /// Accept SHA-1 digests/signatures (legacy documents).
    #[arg(long)]
    pub allow_legacy: bool,
    /// Accept the Base64 transform (it signs only the decoded text of an element; the
    /// report then says so).
    #[arg(long)]
    pub allow_base64_transform: bool,
    /// Require the document's signers to carry this IIN (checked even with
    /// --no-cert-check).
    #[arg(long, value_name = "IIN")]
    pub expect_iin: Option<String>,
    /// Require the document's signers to carry this BIN (checked even with
    /// --no-cert-check).
    #[arg(long, value_name = "BIN")]
    pub expect_bin: Option<String>,
    /// Print one JSON object instead of a human report.
    #[arg(long)]
    pub json: bool,
    /// Skip certificate validation (trust, revocation, time, key usage): report signature
    /// validity, the signer and the identity expectations only.
    #[arg(long)]
    pub no_cert_check: bool,
    #[command(flatten)]
    pub validation: ValidationArgs,
}

/// The WS-Security options of a verifying command (the validation time comes from the
/// request).
pub fn wss_options(allow_legacy: bool) -> tanba_wss::VerifyOptions {
    tanba_wss::VerifyOptions {
        allow_legacy,
        ..tanba_wss::VerifyOptions::default()
    }
}

/// Run the command.
pub fn run(args: &Args) -> Result<(), CliError> {
    let name = display_name(&args.file);
    let xml = read_input(&args.file)?;
    let request = Request {
        at: crate::cmd::cert_check::at(&args.validation)?,
        expected: ExpectedIdentity {
            iin: args.expect_iin.clone(),
            bin: args.expect_bin.clone(),
        },
        skip_certificates: args.no_cert_check,
        scope: Scope::EveryLayer,
        dsig: tanba_dsig::VerifyOptions {
            allow_legacy: args.allow_legacy,
            allow_base64_transform: args.allow_base64_transform,
            discard_digested_bytes: true,
            ..tanba_dsig::VerifyOptions::default()
        },
        wss: wss_options(args.allow_legacy),
    };
    verify_with_certificates(
        &name,
        xml,
        request,
        &args.validation,
        args.no_cert_check,
        args.json,
    )
}

/// Verify the document under the trust the flags describe (none with `no_cert_check`:
/// signatures and identities only), print the report and return the verdict.
pub fn verify_with_certificates(
    name: &str,
    xml: Vec<u8>,
    request: Request,
    validation: &ValidationArgs,
    no_cert_check: bool,
    json: bool,
) -> Result<(), CliError> {
    let config = if no_cert_check {
        tanba_validate::TrustConfig {
            policy: validation.policy,
            ..Default::default()
        }
    } else {
        trust_config(validation)?
    };
    let request = Request {
        skip_certificates: no_cert_check,
        ..request
    };
    let report = Validator::new(config)
        .validate_document_vec(xml, &request)
        .map_err(|e| crate::cmd::report::error(name, &e, json))?;
    crate::cmd::report::finish(name, &report, json)
}
