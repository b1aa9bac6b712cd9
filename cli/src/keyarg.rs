//! Opening the signing key shared by every signing command: a PKCS#12 keystore (`--key`,
//! `--password-env` / `--password-file`, `--alias`), or a PKCS#8 / PEM key with `--cert`.

use std::path::{Path, PathBuf};

use tanba_crypto::KeySigner;
use tanba_keys::{KeyPurpose, KeySelector, Keystore, Password};

use crate::error::CliError;
use crate::io::PasswordArgs;

/// Which key signs: a PKCS#12 keystore, or a PKCS#8/PEM key with `--cert`.
#[derive(Debug, Clone, clap::Args)]
pub struct KeyArgs {
    /// The signing key: an NCA RK PKCS#12 (.p12), or a PKCS#8 / PEM private key (then
    /// give --cert).
    #[arg(long, value_name = "P12|KEY")]
    pub key: PathBuf,
    /// Certificates (PEM/DER, signer first) for a PKCS#8 / PEM key.
    #[arg(long, value_name = "CERT")]
    pub cert: Option<PathBuf>,
    /// Key alias in the keystore (default: its only key, or its signing key).
    #[arg(long)]
    pub alias: Option<String>,
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Open a PKCS#12 file that has no integrity MAC (refused by default: nothing shows
    /// it was not altered).
    #[arg(long)]
    pub allow_no_mac: bool,
}

impl KeyArgs {
    /// Open the key as a signer with its certificate chain.
    pub fn signer(&self) -> Result<KeySigner, CliError> {
        let (name, bytes) = read_key(&self.key)?;
        if !bytes.starts_with(b"-----BEGIN") {
            let store = open_pkcs12(&name, &bytes, &self.password, self.allow_no_mac)?;
            return select_signer(&name, &store, self.alias.as_deref());
        }
        let cert_path = self.cert.as_ref().ok_or_else(|| {
            CliError::input(format!(
                "{name} is a loose key: give its certificate with --cert"
            ))
        })?;
        let certs = std::fs::read(cert_path)
            .map_err(|e| CliError::input(format!("cannot read {}: {e}", cert_path.display())))?;
        let encrypted = bytes.starts_with(b"-----BEGIN ENCRYPTED");
        let pw = if encrypted {
            Some(self.password.read(&name)?)
        } else {
            None
        };
        let pw = pw.as_ref().map(|p| Password::new(p.as_str()));
        let store = Keystore::from_pkcs8(&bytes, pw.as_ref(), &certs)
            .map_err(|e| CliError::input(format!("{name}: {e}")))?;
        select_signer(&name, &store, self.alias.as_deref())
    }
}

/// A PKCS#12 keystore only (`tanba sign`, `tanba wss sign`): `--key`, the password flags,
/// `--alias`.
#[derive(Debug, Clone, clap::Args)]
pub struct Pkcs12Args {
    /// The PKCS#12 keystore (NCA RK .p12).
    #[arg(long, value_name = "P12")]
    pub key: PathBuf,
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Key alias in the keystore (default: its signing key, or its only key).
    #[arg(long)]
    pub alias: Option<String>,
    /// Open a PKCS#12 file that has no integrity MAC (refused by default: nothing shows
    /// it was not altered).
    #[arg(long)]
    pub allow_no_mac: bool,
}

impl Pkcs12Args {
    /// Open the keystore and pick its signer (`--alias`, else its only key, else its
    /// signing key); errors name the file.
    pub fn signer(&self) -> Result<KeySigner, CliError> {
        let (name, bytes) = read_key(&self.key)?;
        let store = open_pkcs12(&name, &bytes, &self.password, self.allow_no_mac)?;
        select_signer(&name, &store, self.alias.as_deref())
    }
}

/// The key file's name for messages and its bytes.
fn read_key(key: &Path) -> Result<(String, Vec<u8>), CliError> {
    let name = key.display().to_string();
    let bytes =
        std::fs::read(key).map_err(|e| CliError::input(format!("cannot read {name}: {e}")))?;
    Ok((name, bytes))
}

/// Open PKCS#12 `bytes` with the password asked for `name`; a file without an integrity
/// MAC only with `allow_no_mac`, and then with a warning on stderr.
pub fn open_pkcs12(
    name: &str,
    bytes: &[u8],
    password: &PasswordArgs,
    allow_no_mac: bool,
) -> Result<Keystore, CliError> {
    let pw = password.read(name)?;
    let opts = tanba_keys::Pkcs12Options {
        allow_missing_mac: allow_no_mac,
        ..Default::default()
    };
    let store = Keystore::open_pkcs12_with(bytes, &Password::new(pw.as_str()), &opts)
        .map_err(|e| CliError::input(format!("{name}: {e}")))?;
    if store.integrity() == tanba_keys::Integrity::None {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "tanba: WARNING: {name} has no integrity MAC: nothing shows it was not altered (opened because of --allow-no-mac)"
        );
    }
    Ok(store)
}

/// The key named by `alias`, else the store's only key, else its signing key.
fn select_signer(name: &str, store: &Keystore, alias: Option<&str>) -> Result<KeySigner, CliError> {
    match alias {
        Some(a) => store.signer(&KeySelector::Alias(a.to_owned())),
        None => store
            .signer(&KeySelector::Single)
            .or_else(|_| store.signer(&KeySelector::Purpose(KeyPurpose::Sign))),
    }
    .map_err(|e| CliError::input(format!("{name}: {e}")))
}
