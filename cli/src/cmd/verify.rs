//! `tanba verify` — every signature of a document, at every layer: validity, signing order,
//! signer identity, what was signed, and each signer's certificate
//! (`tanba_validate::verify_document`).

use std::path::PathBuf;

use tanba_pki::ExpectedIdentity;
use tanba_validate::{Request, Scope, Validator};

use crate::cmd::cert_check::{document_trust_config, ValidationArgs};
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
(2 × signatures + 1) × its size is refused.

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

The verdict is an ETSI EN 319 102-1 indication for the document and for each signer:
TOTAL_PASSED; TOTAL_FAILED with format_failure, hash_failure, sig_crypto_failure, revoked
or not_yet_valid; INDETERMINATE with sig_constraints_failure (an expectation),
chain_constraints_failure (key usage, role), no_certificate_chain_found,
out_of_bounds_no_poe (expired), try_later (revocation unavailable), … Every check is named
with the rule it implements (500/НҚ points as KZ-2026-LANDSCAPE.md reads them).
--policy kz-2026 (default) or ncanode-compat chooses the certificate rules.

JSON (--json): one object, crates/validate/schema/report.schema.json — {\"file\",
\"indication\", \"sub_indication\", \"format\" (xmldsig | wss | submission | soap),
\"policy\", \"validation_time\", \"validation_time_source\", \"certificate_validation\",
\"signers\": [{\"index\", \"indication\", \"sub_indication\", \"layer\" (document |
transport | inner), \"signed\", \"references\": [{\"kind\" (document | element | content),
\"uri\", \"element\": {\"name\", \"path\", \"line\", \"column\", \"byte_range\"}, \"id\",
\"digest\", \"inside_own_signature\", \"excluded\", \"part\"}], \"algorithm\": {\"name\",
\"id\"}, \"identity\", \"checks\": [{\"name\", \"outcome\", \"reason\", \"rule\"}], …}],
\"problems\", \"notes\"}; an input that cannot be verified: {\"error\": {\"kind\",
\"message\", \"file\"}}.

Several files or folders: a batch on every core (--jobs, --order), one shared trust
configuration; a line per document (with --json: one JSON object per line, printed as
each is ready) and a summary naming every document that did not pass.

Exit codes: 0 every signature of every layer passed (and every expectation met), 1 a
signature, an expectation or a certificate failed or is undecided, or the document was
refused by the work budget, 2 unreadable or malformed input, or no signature at all (in a
batch: the highest code of its documents).")]
pub struct Args {
    /// The signed XML document (`-` for stdin); several files or folders (walked for
    /// *.xml, recursively) verify as a batch.
    #[arg(required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// Batch: verify on this many threads (default: every core).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Batch: print the results in the order given (input) or as they finish
    /// (completion).
    #[arg(long, value_enum, default_value = "input")]
    pub order: OrderArg,
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

/// `--order` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OrderArg {
    /// The order of the files given (folders sorted by name).
    Input,
    /// As each file is done.
    Completion,
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
        revocation: None,
    };
    if let [one] = args.files.as_slice() {
        if one.as_os_str() == "-" || !one.is_dir() {
            let name = display_name(one);
            let xml = read_input(one)?;
            return verify_with_certificates(&name, xml, &request, &args.validation, args.json);
        }
    }
    crate::cmd::batch::run(args, request)
}

/// Verify the document under the trust the flags describe (none when the request skips
/// certificates: signatures and identities only), print the report and return the verdict.
pub fn verify_with_certificates(
    name: &str,
    xml: Vec<u8>,
    request: &Request,
    validation: &ValidationArgs,
    json: bool,
) -> Result<(), CliError> {
    let config = document_trust_config(validation, request.skip_certificates)?;
    let report = Validator::new(config)
        .validate_document_vec(xml, request)
        .map_err(|e| crate::cmd::report::error(name, &e, json))?;
    crate::cmd::report::finish(name, &report, json)
}
