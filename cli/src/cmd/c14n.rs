//! `tanba c14n` — canonical form of an XML document or of one element's subtree.

use std::path::PathBuf;

use tanba_xml::c14n::{canonicalize, C14nOptions, NodeSet};
use tanba_xml::{Document, ParseOptions};

use crate::error::CliError;
use crate::io::{display_name, read_input, write_output};

/// Arguments of `tanba c14n`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  tanba c14n testdata/examples/application.xml
  tanba c14n --exclusive --apex '{http://schemas.xmlsoap.org/soap/envelope/}Body' envelope.xml
  cat doc.xml | tanba c14n --with-comments - --out canonical.xml

Output: the canonical bytes (UTF-8) on stdout. Exit codes: 0 done, 2 unreadable or
malformed input (the message names file:line:column), or no element matches --apex.")]
pub struct Args {
    /// The XML document (`-` for stdin).
    pub file: PathBuf,
    /// Exclusive XML Canonicalization 1.0 instead of Canonical XML 1.0.
    #[arg(long)]
    pub exclusive: bool,
    /// Keep comments (the `#WithComments` variants).
    #[arg(long)]
    pub with_comments: bool,
    /// With --exclusive: the InclusiveNamespaces PrefixList, space-separated
    /// (`#default` for the default namespace).
    #[arg(long, value_name = "\"p1 p2\"", requires = "exclusive")]
    pub inclusive_prefixes: Option<String>,
    /// Canonicalize the subtree of the first element with this expanded name,
    /// written `{namespace-uri}local-name` (`{}local` for no namespace).
    #[arg(long, value_name = "{ns}local")]
    pub apex: Option<String>,
    /// Apply the internal DTD subset (attribute defaults, normalization of declared
    /// attributes, bounded internal entities; never external ones). For conformance
    /// testing only — never used for signature verification.
    #[arg(long)]
    pub allow_dtd: bool,
    /// Write the canonical form to this file (atomically: temp file + rename) instead
    /// of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Run the command.
pub fn run(args: &Args) -> Result<(), CliError> {
    let name = display_name(&args.file);
    let bytes = read_input(&args.file)?;
    let opts = ParseOptions::default().allow_dtd(args.allow_dtd);
    let doc =
        Document::parse_vec(bytes, &opts).map_err(|e| CliError::input(format!("{name}:{e}")))?;
    let mut c14n = if args.exclusive {
        C14nOptions::exclusive()
    } else {
        C14nOptions::inclusive()
    }
    .with_comments(args.with_comments);
    if let Some(list) = &args.inclusive_prefixes {
        c14n = c14n.with_prefix_list(list);
    }
    let set = match &args.apex {
        None => NodeSet::document(),
        Some(spec) => {
            let (ns, local) = parse_expanded_name(spec).ok_or_else(|| {
                CliError::input(format!(
                    "--apex: expected '{{namespace-uri}}local-name', got `{spec}`"
                ))
            })?;
            let el = doc.find_element(ns, local).ok_or_else(|| {
                CliError::input(format!(
                    "{name}: no element {{{ns}}}{local} in the document"
                ))
            })?;
            NodeSet::subtree(el)
        }
    };
    if let Some(out) = &args.out {
        let mut bytes = Vec::new();
        canonicalize(&doc, &c14n, &set, &mut bytes)
            .map_err(|e| CliError::input(format!("{name}: {e}")))?;
        return write_output(Some(out), &bytes);
    }
    // Stream to stdout (no copy of the canonical form in memory); a reader that stops
    // reading ends the output quietly.
    canonicalize(&doc, &c14n, &set, &mut crate::io::StdoutWriter)
        .map_err(|e| CliError::input(format!("{name}: {e}")))
}

/// Split `{ns}local` (or a bare `local`, meaning no namespace).
fn parse_expanded_name(spec: &str) -> Option<(&str, &str)> {
    let (ns, local) = match spec.strip_prefix('{') {
        Some(rest) => rest.split_once('}')?,
        None => ("", spec),
    };
    (!local.is_empty() && !local.contains(['{', '}', ':'])).then_some((ns, local))
}
