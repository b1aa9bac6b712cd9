//! `tanba envelope` — a SmartBridge SyncChannel `SendMessage` request around business data.

use std::path::PathBuf;

use tanba_wss::{Data, Secret, SendMessage, Sender, SoapVersion};

use crate::error::CliError;
use crate::io::{display_name, read_input, write_output};

/// How the business data goes into `requestData/data`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DataMode {
    /// `string` when the data holds an XML signature (so it stays verifiable), else `inline`.
    Auto,
    /// Inline XML, verbatim (XML declaration dropped).
    Inline,
    /// Escaped string with xsi:type="xs:string", byte for byte.
    String,
}

/// Arguments of `tanba envelope`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  tanba envelope --data request.xml --service-id GBDFL_UniversalServiceSync --sender-id login \\
      --sender-password-env SB_PW --out envelope.xml
  tanba envelope --data signed-gbdul.xml --service-id GbdulInfoByBin_v2 --sender-id login \\
      --data-mode string
  tanba envelope --data req.xml --service-id X --sender-id login \\
      --xsi-type 'cs:Request=http://message.persistence.interactive.nat'

Output: a compact SOAP 1.1 envelope (SOAP 1.2 with --soap12) with an empty Header, ready
for `tanba wss sign`. messageId is a fresh UUID unless --message-id is given; messageDate is
now (UTC, milliseconds). Data holding a ds:Signature is carried as an escaped string by
default, so the business signature survives (SMARTBRIDGE.md §5.3, §7.3).
Exit codes: 0 written, 2 unreadable or malformed data, bad flag values.")]
pub struct Args {
    /// The business data: an XML document (`-` for stdin).
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// serviceId from the ШЭП interaction registry.
    #[arg(long, value_name = "ID")]
    pub service_id: String,
    /// senderId (login issued by SmartBridge).
    #[arg(long, value_name = "ID")]
    pub sender_id: String,
    /// Read the sender password from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub sender_password_env: Option<String>,
    /// messageId (default: a fresh UUID).
    #[arg(long, value_name = "UUID")]
    pub message_id: Option<String>,
    /// correlationId.
    #[arg(long, value_name = "ID")]
    pub correlation_id: Option<String>,
    /// routeId.
    #[arg(long, value_name = "ID")]
    pub route_id: Option<String>,
    /// A properties entry KEY=VALUE; repeatable.
    #[arg(long, value_name = "KEY=VALUE")]
    pub property: Vec<String>,
    /// How the data is carried.
    #[arg(long, value_enum, default_value = "auto")]
    pub data_mode: DataMode,
    /// Inline data typed with xsi:type: PREFIX:TYPE=NAMESPACE.
    #[arg(long, value_name = "PREFIX:TYPE=NS", conflicts_with = "data_mode")]
    pub xsi_type: Option<String>,
    /// SOAP 1.2 instead of 1.1.
    #[arg(long)]
    pub soap12: bool,
    /// Write the envelope here (atomically) instead of stdout.
    #[arg(long, value_name = "F")]
    pub out: Option<PathBuf>,
}

fn holds_signature(bytes: &[u8]) -> bool {
    tanba_xml::Document::parse(bytes, &tanba_xml::ParseOptions::default())
        .map(|d| {
            d.find_element("http://www.w3.org/2000/09/xmldsig#", "Signature")
                .is_some()
        })
        .unwrap_or(false)
}

/// Run the command.
pub fn run(args: &Args) -> Result<(), CliError> {
    let name = display_name(&args.data);
    let bytes = read_input(&args.data)?;
    let bad = |e: tanba_wss::EnvelopeError| CliError::input(format!("{name}: {e}"));
    let data = if let Some(t) = &args.xsi_type {
        let (qname, ns) = t.split_once('=').ok_or_else(|| {
            CliError::input(format!("--xsi-type {t:?}: expected PREFIX:TYPE=NAMESPACE"))
        })?;
        let (prefix, local) = qname.split_once(':').ok_or_else(|| {
            CliError::input(format!("--xsi-type {t:?}: expected PREFIX:TYPE=NAMESPACE"))
        })?;
        Data::typed_document(&bytes, prefix, ns, local).map_err(bad)?
    } else {
        let mode = match args.data_mode {
            DataMode::Auto if holds_signature(&bytes) => DataMode::String,
            DataMode::Auto => DataMode::Inline,
            m => m,
        };
        match mode {
            DataMode::String => Data::escaped_document(&bytes).map_err(bad)?,
            _ => Data::inline_document(&bytes).map_err(bad)?,
        }
    };
    let password = match &args.sender_password_env {
        Some(var) => Some(Secret::new(std::env::var(var).map_err(|_| {
            CliError::input(format!(
                "environment variable {var} (--sender-password-env) is not set"
            ))
        })?)),
        None => None,
    };
    let sender = Sender {
        sender_id: args.sender_id.clone(),
        password,
    };
    let mut msg = SendMessage::new(&args.service_id, sender).with_data(data);
    if let Some(id) = &args.message_id {
        msg = msg.with_message_id(id);
    }
    if let Some(id) = &args.correlation_id {
        msg = msg.with_correlation_id(id);
    }
    if let Some(id) = &args.route_id {
        msg = msg.with_route_id(id);
    }
    for p in &args.property {
        let (k, v) = p
            .split_once('=')
            .ok_or_else(|| CliError::input(format!("--property {p:?}: expected KEY=VALUE")))?;
        msg = msg.with_property(k, v);
    }
    let version = if args.soap12 {
        SoapVersion::Soap12
    } else {
        SoapVersion::Soap11
    };
    let xml = msg
        .to_xml(version)
        .map_err(|e| CliError::input(e.to_string()))?;
    write_output(args.out.as_deref(), xml.as_bytes())
}
