//! `tanba sign` — an XMLDSig signature in the Kalkan-compatible profile.

use std::path::PathBuf;

use tanba_dsig::{sign, Placement, SignOptions, SignTarget};

use crate::error::CliError;
use crate::io::{display_name, read_input, write_output};
use crate::keyarg::Pkcs12Args;

/// Arguments of `tanba sign`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  TANBA_PW=Qwerty12 tanba sign application.xml --key RSA256_abc.p12 --password-env TANBA_PW --out signed.xml
  tanba sign request.xml --key GOST512_abc.p12 --password-file pw.txt --id doc-1
  tanba sign signed.xml --key second-signer.p12 --password-env PW   # adds a second signature

Without --id: an enveloped signature over the whole document (Reference URI=\"\",
enveloped-signature + C14N#WithComments, C14N 1.0 SignedInfo), appended as the last child
of the document element, exactly as Kalkan/NCALayer produce it; an already-signed
document gets one more signature that covers the earlier ones.
With --id: the element carrying that Id is signed (Reference URI=\"#id\", exclusive C14N
SignedInfo) and the signature is appended to the element's parent.
Output: the signed document (UTF-8) on stdout or --out (written atomically).
Exit codes: 0 signed, 2 unreadable input, wrong password, no such Id, unusable key.")]
pub struct Args {
    /// The XML document to sign (`-` for stdin).
    pub file: PathBuf,
    #[command(flatten)]
    pub key: Pkcs12Args,
    /// Sign the element with this Id instead of the whole document.
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// Put the signature inside the element with this Id instead of the default place.
    #[arg(long, value_name = "ID")]
    pub parent_id: Option<String>,
    /// Compact output: no newlines inside the signature, single-line base64 (for portals
    /// that re-parse the document and drop whitespace).
    #[arg(long)]
    pub compact: bool,
    /// Write the signed document here (atomically) instead of stdout.
    #[arg(long, value_name = "F")]
    pub out: Option<PathBuf>,
}

/// Run the command.
pub fn run(args: &Args) -> Result<(), CliError> {
    let name = display_name(&args.file);
    let xml = read_input(&args.file)?;
    let signer = args.key.signer()?;

    let mut opts = if args.compact {
        SignOptions::compact()
    } else {
        SignOptions::default()
    };
    if let Some(id) = &args.id {
        opts.target = SignTarget::Id(id.clone());
    }
    if let Some(p) = &args.parent_id {
        opts.placement = Placement::InsideId(p.clone());
    }
    let signed = sign(&xml, &signer, &opts).map_err(|e| CliError::input(format!("{name}: {e}")))?;
    write_output(args.out.as_deref(), &signed)
}
